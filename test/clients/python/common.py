"""Step runner shared by the Python client sessions.

Each session is a list of named steps run in order; a step's return value (made JSON-safe) or
its error (type, SQLSTATE, message) is recorded, and the whole record is printed as one JSON
object on stdout for the vitest test to compare. A failing step does not stop later steps.
"""
import datetime
import decimal
import json
import os
import sys
import traceback
import uuid


def conn_params():
    return {
        "host": os.environ["PGHOST"],
        "port": int(os.environ["PGPORT"]),
        "user": os.environ.get("PGUSER", "postgres"),
        "dbname": os.environ.get("PGDATABASE", "postgres"),
    }


def plain(v):
    """Values as JSON: Decimal -> str, dates -> ISO strings, bytes -> hex, containers recursively."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, (datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, datetime.timedelta):
        return {"days": v.days, "seconds": v.seconds, "microseconds": v.microseconds}
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(v).hex()
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if hasattr(v, "_asdict"):
        return plain(v._asdict())
    if hasattr(v, "items"):
        return {str(k): plain(x) for k, x in v.items()}
    return repr(v)


def sqlstate_of(e):
    for attr in ("pgcode", "sqlstate"):
        code = getattr(e, attr, None)
        if isinstance(code, str):
            return code
    diag = getattr(e, "diag", None)
    if diag is not None and getattr(diag, "sqlstate", None):
        return diag.sqlstate
    return None


class Session:
    def __init__(self):
        self.results = {}

    def step(self, name, fn):
        # progress on stderr: when a server hangs, the test shows which step it hung in
        sys.stderr.write(f"step {name}\n")
        sys.stderr.flush()
        try:
            self.results[name] = {"ok": plain(fn())}
        except Exception as e:  # recorded, compared by the test
            self.results[name] = {
                "error": type(e).__name__,
                "sqlstate": sqlstate_of(e),
                "message": str(e).strip(),
                "trace": traceback.format_exc(limit=3),
            }

    def expect_error(self, fn):
        """Runs fn expecting a database error; returns its SQLSTATE (or raises if none)."""
        try:
            fn()
        except Exception as e:
            code = sqlstate_of(e)
            if code is None:
                raise
            return code
        raise AssertionError("expected an error, statement succeeded")

    def emit(self):
        json.dump(self.results, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
