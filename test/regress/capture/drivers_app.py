"""psycopg2, psycopg 3 and asyncpg as typical application code uses them: parameters of many
types, executemany, COPY in and out, transactions. Run by capture.sh (log_statement=all)."""
import asyncio
import datetime
import decimal
import io
import os

import asyncpg
import psycopg
import psycopg2
import psycopg2.extras

host, port = os.environ["PGHOST"], int(os.environ["PGPORT"])

# ── psycopg2
c = psycopg2.connect(host=host, port=port, user="postgres", dbname="postgres", application_name="psycopg2")
cur = c.cursor()
cur.execute("CREATE TABLE cap_p2 (id int PRIMARY KEY, name text NOT NULL, amount numeric(8,2), at date, tags text[], doc jsonb)")
cur.executemany("INSERT INTO cap_p2 (id, name, amount, at, tags) VALUES (%s, %s, %s, %s, %s)",
                [(1, "one", decimal.Decimal("1.25"), datetime.date(2021, 5, 6), ["a", "b"]),
                 (2, "two's", None, None, [])])
psycopg2.extras.execute_values(cur, "INSERT INTO cap_p2 (id, name) VALUES %s", [(3, "three"), (4, "four")])
cur.execute("UPDATE cap_p2 SET doc = %s WHERE id = %s", (psycopg2.extras.Json({"k": 1}), 1))
cur.execute("SELECT id, name, amount, at, tags, doc FROM cap_p2 WHERE id = ANY(%s) ORDER BY id", ([1, 2, 3],))
cur.fetchall()
cur.execute("SELECT name FROM cap_p2 WHERE name LIKE %(p)s ORDER BY name", {"p": "t%"})
cur.fetchall()
cur.copy_expert("COPY cap_p2 (id, name) FROM STDIN WITH (FORMAT csv)", io.StringIO("5,five\n6,\"si,x\"\n"))
out = io.StringIO()
cur.copy_expert("COPY (SELECT id, name FROM cap_p2 ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)", out)
c.commit()
try:
    cur.execute("INSERT INTO cap_p2 (id, name) VALUES (%s, %s)", (1, "dup"))
except psycopg2.IntegrityError:
    c.rollback()
named = c.cursor(name="cap_named")  # server-side cursor: DECLARE ... / FETCH FORWARD n / CLOSE
named.itersize = 2
named.execute("SELECT id, name FROM cap_p2 WHERE id > %s ORDER BY id", (1,))
[r for r in named]
named.close()
c.commit()
c.autocommit = True
cur.execute("DELETE FROM cap_p2 WHERE id > %s RETURNING id", (4,))
cur.fetchall()
cur.execute("DROP TABLE cap_p2")
c.close()

# ── psycopg 3
with psycopg.connect(host=host, port=port, user="postgres", dbname="postgres", application_name="psycopg3") as c:
    c.execute("CREATE TABLE cap_p3 (id bigint PRIMARY KEY, name text, at timestamptz, ok boolean)")
    with c.cursor() as cur:
        cur.executemany("INSERT INTO cap_p3 (id, name, at, ok) VALUES (%s, %s, %s, %s)",
                        [(1, "a", datetime.datetime(2021, 1, 1, tzinfo=datetime.timezone.utc), True),
                         (2, "b", None, False)])
        with cur.copy("COPY cap_p3 (id, name) FROM STDIN") as cp:
            cp.write_row((3, "c"))
            cp.write_row((4, None))
        cur.execute("SELECT id, name, ok FROM cap_p3 WHERE id >= %s ORDER BY id", (2,))
        cur.fetchall()
        cur.execute("SELECT count(*), max(id) FROM cap_p3")
        cur.fetchone()
    c.commit()
    with c.cursor(name="cap_p3_named") as ss:  # psycopg 3 server-side cursor
        ss.execute("SELECT id, name FROM cap_p3 ORDER BY id")
        ss.fetchmany(2)
        ss.fetchall()
    c.commit()
    with c.transaction():
        c.execute("UPDATE cap_p3 SET ok = NOT ok WHERE id = %s", (1,))
    c.execute("DROP TABLE cap_p3")
    c.commit()


# ── asyncpg
async def main():
    c = await asyncpg.connect(host=host, port=port, user="postgres", database="postgres",
                              server_settings={"application_name": "asyncpg"})
    await c.execute("CREATE TABLE cap_ap (id int PRIMARY KEY, name text, score float8, vals int[])")
    await c.executemany("INSERT INTO cap_ap (id, name, score, vals) VALUES ($1, $2, $3, $4)",
                        [(1, "a", 1.5, [1, 2]), (2, "b", None, None)])
    await c.copy_records_to_table("cap_ap", records=[(3, "c", 2.5, [3])], columns=["id", "name", "score", "vals"])
    await c.fetch("SELECT id, name, score, vals FROM cap_ap WHERE id > $1 ORDER BY id", 0)
    await c.fetchval("SELECT count(*) FROM cap_ap")
    async with c.transaction():
        await c.execute("UPDATE cap_ap SET score = score + 1 WHERE id = $1", 1)
        [r async for r in c.cursor("SELECT id FROM cap_ap ORDER BY id", prefetch=2)]
    await c.execute("DROP TABLE cap_ap")
    await c.close()

asyncio.run(main())
