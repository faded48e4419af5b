"""SQLAlchemy 2 inspect() over psycopg2: the reflection queries an ORM, Alembic autogenerate or
a schema browser runs against pg_catalog (tables, columns, keys, indexes, constraints, views,
sequences, comments). Every answer is compared with what PostgreSQL 15 gives for the same schema."""
from sqlalchemy import Column, Enum, Integer, MetaData, Table, create_engine, inspect, text

from common import Session, conn_params

s = Session()
p = conn_params()
engine = create_engine(f"postgresql+psycopg2://{p['user']}@{p['host']}:{p['port']}/{p['dbname']}",
                       connect_args={"application_name": "sqlalchemy-inspect-test"})

SCHEMA = [
    "DROP VIEW IF EXISTS si_cheap",
    "DROP TABLE IF EXISTS si_items",
    "DROP TABLE IF EXISTS si_shops",
    "DROP SEQUENCE IF EXISTS si_ticket",
    """CREATE TABLE si_shops (
         id serial PRIMARY KEY,
         code varchar(8) NOT NULL UNIQUE,
         name text DEFAULT 'unnamed',
         opened date)""",
    """CREATE TABLE si_items (
         shop_id int NOT NULL,
         sku varchar(20) NOT NULL,
         price numeric(8,2) NOT NULL CHECK (price >= 0),
         qty int DEFAULT 0,
         note text,
         PRIMARY KEY (shop_id, sku),
         CONSTRAINT si_items_note_key UNIQUE (note))""",
    "CREATE INDEX si_items_price ON si_items (price DESC)",
    "CREATE UNIQUE INDEX si_items_qty_sku ON si_items (qty, sku)",
    "CREATE SEQUENCE si_ticket",
    "COMMENT ON TABLE si_shops IS 'where items are sold'",
]


def setup():
    with engine.begin() as c:
        for stmt in SCHEMA:
            c.execute(text(stmt))
    return "ok"


def add_view():
    with engine.begin() as c:
        c.execute(text("CREATE VIEW si_cheap AS SELECT sku, price FROM si_items WHERE price < 10"))
    return "ok"


def add_foreign_key():
    with engine.begin() as c:
        c.execute(text("ALTER TABLE si_items ADD CONSTRAINT si_items_shop_id_fkey "
                       "FOREIGN KEY (shop_id) REFERENCES si_shops (id) ON DELETE CASCADE"))
    return "ok"


def insp():
    return inspect(engine)


def expression_partial_indexes():
    with engine.begin() as c:
        c.execute(text("CREATE INDEX si_items_lower_note ON si_items (lower(note)) WHERE note IS NOT NULL"))
        c.execute(text("CREATE UNIQUE INDEX si_items_live_sku ON si_items (sku, (qty + 1) DESC) WHERE qty > 0"))
    indexes = named(insp().get_indexes("si_items"))
    with engine.begin() as c:
        c.execute(text("DROP INDEX si_items_lower_note"))
        c.execute(text("DROP INDEX si_items_live_sku"))
    return indexes


# An Enum column: metadata.create_all checks pg_type for the type, emits CREATE TYPE ... AS ENUM,
# then the table; drop_all drops both.
enum_meta = MetaData()
Table("si_moods", enum_meta, Column("id", Integer, primary_key=True),
      Column("mood", Enum("sad", "ok", "happy", name="si_mood"), nullable=False))


def enum_create_all():
    enum_meta.drop_all(engine)
    enum_meta.create_all(engine)
    with engine.begin() as c:
        c.execute(text("INSERT INTO si_moods VALUES (1, 'happy'), (2, 'sad')"))
        return [list(r) for r in c.execute(text("SELECT id, mood FROM si_moods ORDER BY mood"))]


def enum_drop_all():
    enum_meta.drop_all(engine)
    return [insp().has_table("si_moods"), [e["name"] for e in insp().get_enums()]]


def named(rows):
    return sorted(rows, key=lambda r: r.get("name") or "")


steps = [
    ("setup", setup),
    ("add_view", add_view),
    ("add_foreign_key", add_foreign_key),
    ("schema_names", lambda: [n for n in insp().get_schema_names() if n in ("public", "information_schema")]),
    ("table_names", lambda: sorted(n for n in insp().get_table_names() if n.startswith("si_"))),
    ("view_names", lambda: sorted(n for n in insp().get_view_names() if n.startswith("si_"))),
    ("sequence_names", lambda: sorted(n for n in insp().get_sequence_names() if n.startswith("si_"))),
    ("has_table", lambda: [insp().has_table("si_items"), insp().has_table("si_nope")]),
    ("columns_shops", lambda: insp().get_columns("si_shops")),
    ("columns_items", lambda: insp().get_columns("si_items")),
    ("columns_view", lambda: insp().get_columns("si_cheap")),
    ("pk_constraint", lambda: [insp().get_pk_constraint("si_shops"), insp().get_pk_constraint("si_items")]),
    ("foreign_keys", lambda: insp().get_foreign_keys("si_items")),
    ("indexes", lambda: named(insp().get_indexes("si_items"))),
    ("indexes_expression_partial", expression_partial_indexes),
    ("unique_constraints", lambda: [named(insp().get_unique_constraints("si_shops")),
                                    named(insp().get_unique_constraints("si_items"))]),
    ("check_constraints", lambda: named(insp().get_check_constraints("si_items"))),
    ("table_comment", lambda: [insp().get_table_comment("si_shops"), insp().get_table_comment("si_items")]),
    ("view_definition", lambda: insp().get_view_definition("si_cheap")),
    ("enum_create_all", enum_create_all),
    ("enums", lambda: insp().get_enums()),
    ("columns_enum", lambda: insp().get_columns("si_moods")),
    ("enum_drop_all", enum_drop_all),
]


def teardown():
    with engine.begin() as c:
        for stmt in SCHEMA[:4]:
            c.execute(text(stmt))
    engine.dispose()
    return "dropped"


for name, fn in steps + [("teardown", teardown)]:
    s.step(name, fn)
s.emit()
