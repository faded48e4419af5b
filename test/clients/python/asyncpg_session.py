"""asyncpg: an event-ingest service. Everything goes through prepared statements with the
binary format; asyncpg introspects parameter and result types on its own at prepare time.
Also: connection pool, executemany, transactions with savepoints, copy_records_to_table
(binary COPY FROM STDIN), copy_from_query (COPY TO STDOUT), cursors, and errors."""
import asyncio
import sys
import datetime
import decimal
import uuid

import asyncpg

from common import Session, conn_params


async def main():
    s = Session()
    p = conn_params()
    # command_timeout: a statement the server never answers fails its step instead of the session
    kw = dict(host=p["host"], port=p["port"], user=p["user"], database=p["dbname"], command_timeout=20)
    conn = await asyncpg.connect(**kw, server_settings={"application_name": "asyncpg-client-test"})
    results = {}

    async def step(name, coro_fn):
        sys.stderr.write(f"step {name}\n")
        sys.stderr.flush()
        try:
            from common import plain
            results[name] = {"ok": plain(await coro_fn())}
        except Exception as e:
            import traceback
            from common import sqlstate_of
            results[name] = {"error": type(e).__name__, "sqlstate": sqlstate_of(e), "message": str(e).strip(),
                             "trace": traceback.format_exc(limit=3)}

    async def setup():
        await conn.execute("DROP TABLE IF EXISTS apg_events")
        await conn.execute("""CREATE TABLE apg_events (
            id bigserial PRIMARY KEY, source varchar(32) NOT NULL, kind text NOT NULL, at timestamptz NOT NULL,
            local_at timestamp, day date, value float8, amount numeric(14,4), count int4, small int2, flag bool,
            payload jsonb, raw json, tags text[], nums int8[], ref uuid, blob bytea, span interval)""")
        return await conn.fetchval("SELECT count(*) FROM apg_events")

    async def binary_round_trip():
        row = ("sensor-1", "reading", datetime.datetime(2024, 7, 4, 1, 2, 3, 456789, tzinfo=datetime.timezone.utc),
               datetime.datetime(2024, 7, 4, 1, 2, 3), datetime.date(2024, 7, 4), -1.25, decimal.Decimal("-98765.4321"),
               2147483647, -32768, False, '{"a": [1, 2]}', '{"raw":true}', ["t1", None, "t 3"], [1, -9007199254740993],
               uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), b"\x00\x10\xff", datetime.timedelta(days=3, seconds=3661))
        new_id = await conn.fetchval("""INSERT INTO apg_events (source, kind, at, local_at, day, value, amount, count, small, flag,
            payload, raw, tags, nums, ref, blob, span) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            RETURNING id""", *row)
        rec = await conn.fetchrow("SELECT * FROM apg_events WHERE id = $1", new_id)
        return dict(rec)

    async def nulls():
        new_id = await conn.fetchval("INSERT INTO apg_events (source, kind, at) VALUES ($1, $2, $3) RETURNING id",
                                     "sensor-2", "empty", datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc))
        rec = await conn.fetchrow("SELECT local_at, day, value, amount, count, small, flag, payload, raw, tags, nums, ref, blob, span FROM apg_events WHERE id = $1", new_id)
        return dict(rec)

    async def prepared():
        stmt = await conn.prepare("SELECT kind, count(*) AS n FROM apg_events WHERE source = $1 GROUP BY kind ORDER BY kind")
        params = [t.name for t in stmt.get_parameters()]
        attrs = [(a.name, a.type.name) for a in stmt.get_attributes()]
        r1 = [tuple(r) for r in await stmt.fetch("sensor-1")]
        r2 = [tuple(r) for r in await stmt.fetch("nobody")]
        return {"params": params, "attrs": attrs, "sensor1": r1, "nobody": r2}

    async def executemany():
        base = datetime.datetime(2024, 8, 1, tzinfo=datetime.timezone.utc)
        await conn.executemany("INSERT INTO apg_events (source, kind, at, value) VALUES ($1, $2, $3, $4)",
                               [(f"batch-{i % 2}", "tick", base + datetime.timedelta(minutes=i), float(i)) for i in range(20)])
        return [tuple(r) for r in await conn.fetch(
            "SELECT source, count(*), sum(value), min(at), max(at) FROM apg_events WHERE kind = 'tick' GROUP BY source ORDER BY source")]

    async def transactions():
        async with conn.transaction():
            await conn.execute("UPDATE apg_events SET flag = true WHERE kind = 'tick'")
            try:
                async with conn.transaction():  # a savepoint
                    await conn.execute("INSERT INTO apg_events (id, source, kind, at) VALUES (1, 'dup', 'dup', now())")
            except asyncpg.UniqueViolationError as e:
                nested = e.sqlstate
        try:
            async with conn.transaction():
                await conn.execute("DELETE FROM apg_events")
                raise RuntimeError("abandon")
        except RuntimeError:
            pass
        total = await conn.fetchval("SELECT count(*) FROM apg_events")
        flagged = await conn.fetchval("SELECT count(*) FROM apg_events WHERE flag")
        return {"nested": nested, "total": total, "flagged": flagged}

    async def copy_binary_in():
        records = [("copy-src", "copied", datetime.datetime(2024, 9, 1, 12, tzinfo=datetime.timezone.utc), 0.5, decimal.Decimal("1.0001"), ["c"]),
                   ("copy-src", "copied", datetime.datetime(2024, 9, 2, 12, tzinfo=datetime.timezone.utc), None, None, None)]
        status = await conn.copy_records_to_table("apg_events", records=records,
                                                  columns=["source", "kind", "at", "value", "amount", "tags"])
        rows = await conn.fetch("SELECT at, value, amount, tags FROM apg_events WHERE source = 'copy-src' ORDER BY at")
        return {"status": status, "rows": [tuple(r) for r in rows]}

    async def copy_out():
        import io
        buf = io.BytesIO()
        status = await conn.copy_from_query("SELECT source, kind, value FROM apg_events WHERE kind = 'tick' AND value < 3 ORDER BY value",
                                            output=buf, format="csv")
        return {"status": status, "csv": buf.getvalue().decode()}

    async def cursor():
        out = []
        async with conn.transaction():
            async for r in conn.cursor("SELECT value FROM apg_events WHERE kind = 'tick' ORDER BY value", prefetch=7):
                out.append(r["value"])
        return out

    async def errors():
        codes = {}
        for key, sql, args in [
            ("unique", "INSERT INTO apg_events (id, source, kind, at) VALUES (1, 'x', 'x', now())", ()),
            ("not_null", "INSERT INTO apg_events (source, kind, at) VALUES ($1, 'x', now())", (None,)),
            ("too_long", "INSERT INTO apg_events (source, kind, at) VALUES ($1, 'x', now())", ("y" * 40,)),
            ("division", "SELECT $1::int4 / 0", (1,)),
            ("undefined_table", "SELECT * FROM apg_nosuch", ()),
            ("syntax", "SELEC 1", ()),
        ]:
            try:
                await conn.execute(sql, *args)
                codes[key] = "no error"
            except asyncpg.PostgresError as e:
                codes[key] = [type(e).__name__, e.sqlstate]
        try:
            await conn.fetchval("SELECT $1::int4", "not an int")
            codes["client_side_type"] = "no error"
        except (asyncpg.DataError, TypeError) as e:
            codes["client_side_type"] = type(e).__name__
        codes["alive"] = await conn.fetchval("SELECT 1 + 1")
        return codes

    async def pool():
        pool = await asyncpg.create_pool(**kw, min_size=2, max_size=4)
        try:
            async def one(i):
                async with pool.acquire() as c:
                    return await c.fetchval("SELECT count(*) FROM apg_events WHERE value >= $1", float(i))
            return list(await asyncio.gather(*(one(i) for i in range(8))))
        finally:
            await pool.close()

    async def type_introspection():
        # int2vector / oidvector have no built-in asyncpg codec: asyncpg looks them up in pg_type
        # with its introspection query (a recursive CTE over pg_type, pg_range, pg_attribute).
        row = await conn.fetchrow("SELECT indkey, indclass, indnatts FROM pg_catalog.pg_index "
                                  "WHERE indexrelid = 'apg_events_pkey'::regclass")
        return [str(row["indkey"]), str(row["indclass"]), row["indnatts"]]

    async def enums():
        # An enum column and an enum array: asyncpg introspects both types (typtype 'e', the
        # array's typelem) and sends/receives enum values in binary as their label text.
        await conn.execute("DROP TABLE IF EXISTS apg_moods")
        await conn.execute("DROP TYPE IF EXISTS apg_mood")
        await conn.execute("CREATE TYPE apg_mood AS ENUM ('sad', 'ok', 'happy')")
        await conn.execute("CREATE TABLE apg_moods (id int PRIMARY KEY, m apg_mood NOT NULL, hist apg_mood[])")
        await conn.executemany("INSERT INTO apg_moods VALUES ($1, $2, $3)",
                               [(1, "happy", ["sad", "ok"]), (2, "sad", None), (3, "ok", ["happy"])])
        rows = await conn.fetch("SELECT id, m, hist FROM apg_moods WHERE m >= $1 ORDER BY m", "ok")
        bad = None
        try:
            await conn.execute("INSERT INTO apg_moods VALUES ($1, $2)", 4, "angry")
        except asyncpg.PostgresError as e:
            bad = [e.sqlstate, str(e)]
        rng = await conn.fetchval("SELECT enum_range(NULL::apg_mood)")
        await conn.execute("DROP TABLE apg_moods")
        await conn.execute("DROP TYPE apg_mood")
        return [[dict(r) for r in rows], bad, rng]

    async def teardown():
        await conn.execute("DROP TABLE apg_events")
        return "dropped"

    for name, fn in [("setup", setup), ("binary_round_trip", binary_round_trip), ("nulls", nulls),
                     ("prepared", prepared), ("executemany", executemany), ("transactions", transactions),
                     ("copy_binary_in", copy_binary_in), ("copy_out", copy_out), ("cursor", cursor),
                     ("errors", errors), ("pool", pool), ("type_introspection", type_introspection),
                     ("enums", enums), ("teardown", teardown)]:
        await step(name, fn)
    await conn.close()
    s.results = results
    s.emit()


asyncio.run(main())
