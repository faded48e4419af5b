"""psycopg2: a small bank app. Server-side it is all simple protocol with client-side
parameter interpolation; transactions are implicit (autocommit off) as psycopg2 does."""
import psycopg2
import psycopg2.extras

from common import Session, conn_params

s = Session()
conn = psycopg2.connect(**conn_params(), application_name="psycopg2-client-test")
psycopg2.extras.register_uuid()
cur = conn.cursor()


def setup():
    cur.execute("DROP TABLE IF EXISTS py2_transfers")
    cur.execute("DROP TABLE IF EXISTS py2_accounts")
    cur.execute("""CREATE TABLE py2_accounts (
        id serial PRIMARY KEY, owner text NOT NULL UNIQUE, balance numeric(12,2) NOT NULL DEFAULT 0,
        opened date, updated timestamptz, active bool, tags text[], meta json, photo bytea,
        uid uuid, ratio float8, big int8)""")
    cur.execute("CREATE TABLE py2_transfers (id bigserial PRIMARY KEY, src int NOT NULL, dst int NOT NULL, amount numeric(12,2) NOT NULL)")
    conn.commit()
    return cur.statusmessage


def insert_many():
    rows = [("alice", "100.00"), ("bob", "50.50"), ("carol", "0")]
    cur.executemany("INSERT INTO py2_accounts (owner, balance) VALUES (%s, %s)", rows)
    conn.commit()
    cur.execute("SELECT id, owner, balance FROM py2_accounts ORDER BY id")
    return cur.fetchall()


def types_round_trip():
    import datetime, decimal, uuid
    cur.execute(
        """INSERT INTO py2_accounts (owner, balance, opened, updated, active, tags, meta, photo, uid, ratio, big)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id""",
        ("dave", decimal.Decimal("12345.67"), datetime.date(2024, 2, 29),
         datetime.datetime(2024, 3, 1, 12, 30, 15, 250000, tzinfo=datetime.timezone.utc), True,
         ["vip", "new, with comma", None], psycopg2.extras.Json({"k": [1, "two", None]}),
         psycopg2.Binary(b"\x00\x01\xfe\xff"), uuid.UUID("12345678-1234-5678-1234-567812345678"), 0.25,
         -9007199254740993),
    )
    new_id = cur.fetchone()[0]
    conn.commit()
    cur.execute("SELECT owner, balance, opened, updated, active, tags, meta, photo, uid, ratio, big FROM py2_accounts WHERE id = %s", (new_id,))
    return cur.fetchone()


def nulls():
    cur.execute("SELECT opened, updated, active, tags, meta, photo, uid, ratio FROM py2_accounts WHERE owner = %s", ("carol",))
    return cur.fetchone()


def quoting():
    tricky = "O'Reilly \\ \"quoted\" ; DROP TABLE x; --"
    cur.execute("SELECT %s AS v, length(%s) AS n", (tricky, tricky))
    return cur.fetchone()


def transfer(src, dst, amount):
    cur.execute("UPDATE py2_accounts SET balance = balance - %s WHERE owner = %s RETURNING balance", (amount, src))
    if cur.fetchone()[0] < 0:
        raise ValueError("insufficient funds")
    cur.execute("UPDATE py2_accounts SET balance = balance + %s WHERE owner = %s", (amount, dst))
    cur.execute("""INSERT INTO py2_transfers (src, dst, amount)
                   SELECT a.id, b.id, %s FROM py2_accounts a, py2_accounts b WHERE a.owner = %s AND b.owner = %s""",
                (amount, src, dst))


def transactions():
    transfer("alice", "bob", "30.00")
    conn.commit()
    try:
        transfer("carol", "bob", "5.00")
        conn.commit()
    except ValueError:
        conn.rollback()
    cur.execute("SELECT owner, balance FROM py2_accounts WHERE owner IN ('alice', 'bob', 'carol') ORDER BY owner")
    balances = cur.fetchall()
    cur.execute("SELECT count(*) FROM py2_transfers")
    return {"balances": balances, "transfers": cur.fetchone()[0]}


def errors():
    codes = {}
    codes["unique"] = s.expect_error(lambda: cur.execute("INSERT INTO py2_accounts (owner) VALUES ('alice')"))
    codes["in_failed_tx"] = s.expect_error(lambda: cur.execute("SELECT 1"))
    conn.rollback()
    codes["undefined_table"] = s.expect_error(lambda: cur.execute("SELECT * FROM py2_nosuch"))
    conn.rollback()
    codes["division"] = s.expect_error(lambda: cur.execute("SELECT 1 / %s", (0,)))
    conn.rollback()
    codes["not_null"] = s.expect_error(lambda: cur.execute("INSERT INTO py2_accounts (owner) VALUES (%s)", (None,)))
    conn.rollback()
    codes["syntax"] = s.expect_error(lambda: cur.execute("SELEC 1"))
    conn.rollback()
    try:
        cur.execute("INSERT INTO py2_accounts (owner) VALUES ('bob')")
    except psycopg2.errors.UniqueViolation as e:
        codes["exception_class"] = type(e).__name__
        codes["detail"] = e.diag.message_detail
        codes["constraint"] = e.diag.constraint_name
    conn.rollback()
    cur.execute("SELECT 42")
    codes["after"] = cur.fetchone()[0]
    return codes


def copy():
    import io
    data = io.StringIO("erin,7.50\nfrank,\"1,000.00\"\n")
    try:
        cur.copy_expert("COPY py2_accounts (owner, balance) FROM STDIN WITH (FORMAT csv)", data)
    except psycopg2.Error as e:
        conn.rollback()
        bad = e.pgcode
    else:
        bad = None
    good = io.StringIO("erin\t7.50\nfrank\t1000.00\n")
    cur.copy_expert("COPY py2_accounts (owner, balance) FROM STDIN", good)
    copied = cur.rowcount
    conn.commit()
    out = io.StringIO()
    cur.copy_expert("COPY (SELECT owner, balance FROM py2_accounts WHERE owner >= 'd' ORDER BY owner) TO STDOUT WITH (FORMAT csv, HEADER)", out)
    return {"bad_copy": bad, "copied": copied, "out": out.getvalue()}


def report():
    cur.execute("""SELECT a.owner, count(t.id) AS sent, coalesce(sum(t.amount), 0) AS total
                   FROM py2_accounts a LEFT JOIN py2_transfers t ON t.src = a.id
                   GROUP BY a.owner HAVING a.owner < 'd' ORDER BY a.owner""")
    out = {"columns": [d[0] for d in cur.description], "rows": cur.fetchall()}
    conn.commit()
    return out


def autocommit():
    conn.autocommit = True
    cur.execute("UPDATE py2_accounts SET active = false WHERE active IS NULL")
    n = cur.rowcount
    other = psycopg2.connect(**conn_params())
    try:
        oc = other.cursor()
        oc.execute("SELECT count(*) FROM py2_accounts WHERE active = false")
        seen = oc.fetchone()[0]
    finally:
        other.close()
    conn.autocommit = False
    return {"updated": n, "seen_by_other": seen}


def named_cursor():
    # A server-side cursor: psycopg2 sends DECLARE "c" CURSOR WITHOUT HOLD FOR ... and then
    # FETCH FORWARD itersize FROM "c" as the client iterates.
    named = conn.cursor(name="py2_named")
    named.itersize = 2
    named.execute("SELECT g, 'n' || g FROM generate_series(1, 5) g ORDER BY g")
    first = named.fetchone()
    many = named.fetchmany(2)
    rest = [r for r in named]
    named.close()
    scroll = conn.cursor(name="py2_scroll", scrollable=True)
    scroll.execute("SELECT owner FROM py2_accounts ORDER BY owner")
    scroll.fetchall()
    scroll.scroll(1, mode="absolute")
    second = scroll.fetchone()
    scroll.close()
    conn.commit()
    held = conn.cursor(name="py2_held", withhold=True)
    held.execute("SELECT g FROM generate_series(1, 3) g")
    conn.commit()
    after_commit = held.fetchall()
    held.close()
    try:
        cur.execute('FETCH FORWARD 1 FROM "py2_named"')
        missing = None
    except psycopg2.Error as e:
        missing = e.pgcode
    conn.rollback()
    return {"first": first, "many": many, "rest": rest, "second": second, "after_commit": after_commit,
            "closed": missing}


def teardown():
    cur.execute("DROP TABLE py2_transfers")
    cur.execute("DROP TABLE py2_accounts")
    conn.commit()
    return "dropped"


for name, fn in [("setup", setup), ("insert_many", insert_many), ("types_round_trip", types_round_trip),
                 ("nulls", nulls), ("quoting", quoting), ("transactions", transactions), ("errors", errors),
                 ("copy", copy), ("report", report), ("autocommit", autocommit), ("named_cursor", named_cursor),
                 ("teardown", teardown)]:
    s.step(name, fn)
conn.close()
s.emit()
