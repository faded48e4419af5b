"""SQLAlchemy 2 Core + ORM as an application uses it: create_all (checkfirst) over many column
types, constraints and indexes, session CRUD, relationships, inspect(), drop_all.
Run by capture.sh against a scratch PostgreSQL 15 with log_statement=all."""
import datetime
import decimal
import os
import uuid

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, Column, Date, DateTime, Float, Index, Integer,
                        Interval, LargeBinary, MetaData, Numeric, SmallInteger, String, Table, Text, Time,
                        UniqueConstraint, create_engine, delete, func, inspect, insert, select, text, update)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload

url = f"postgresql+psycopg2://postgres@{os.environ['PGHOST']}:{os.environ['PGPORT']}/postgres"
engine = create_engine(url, connect_args={"application_name": "sqlalchemy"})

md = MetaData()
kinds = Table(
    "cap_kinds", md,
    Column("id", Integer, primary_key=True),
    Column("small", SmallInteger, nullable=False, server_default="0"),
    Column("big", BigInteger),
    Column("name", String(40), nullable=False, unique=True),
    Column("body", Text),
    Column("price", Numeric(10, 2), CheckConstraint("price >= 0", name="cap_kinds_price_ck")),
    Column("ratio", Float),
    Column("flag", Boolean, server_default="true"),
    Column("born", Date),
    Column("at", DateTime(timezone=True), server_default=func.now()),
    Column("naive", DateTime),
    Column("tod", Time),
    Column("dur", Interval),
    Column("blob", LargeBinary),
    Column("doc", JSONB),
    Column("plain_json", JSON),
    Column("tags", ARRAY(Text)),
    Column("uid", UUID(as_uuid=True)),
    UniqueConstraint("big", "small", name="cap_kinds_big_small_key"),
    Index("cap_kinds_born_idx", "born"),
    Index("cap_kinds_ratio_name_idx", "ratio", "name", unique=True),
)


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "cap_authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    posts: Mapped[list["Post"]] = relationship(back_populates="author", order_by="Post.id",
                                               primaryjoin="Author.id == foreign(Post.author_id)")


class Post(Base):
    __tablename__ = "cap_posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(Text)
    score: Mapped[decimal.Decimal] = mapped_column(Numeric(6, 2), default=decimal.Decimal("0"))
    author: Mapped[Author] = relationship(back_populates="posts", primaryjoin="foreign(Post.author_id) == Author.id")


md.create_all(engine)
Base.metadata.create_all(engine)

with engine.begin() as c:
    c.execute(insert(kinds), [
        {"id": 1, "small": 1, "big": 10, "name": "a", "body": "x", "price": decimal.Decimal("1.50"), "ratio": 0.5,
         "born": datetime.date(2020, 1, 2), "naive": datetime.datetime(2020, 1, 2, 3, 4, 5), "tod": datetime.time(1, 2),
         "dur": datetime.timedelta(days=1, seconds=5), "blob": b"\x00\x01", "doc": {"k": [1, 2]}, "plain_json": {"a": 1},
         "tags": ["p", "q"], "uid": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    ])
    c.execute(insert(kinds).values(id=2, small=2, big=20, name="b", price=decimal.Decimal("2"), flag=False))
    c.execute(update(kinds).where(kinds.c.id == 2).values(body="y"))
    c.execute(select(kinds.c.name, kinds.c.doc["k"], kinds.c.tags).where(kinds.c.doc.is_not(None))).all()
    c.execute(select(func.count()).select_from(kinds)).scalar()
    c.execute(delete(kinds).where(kinds.c.id == 2))

with Session(engine) as s:
    ann = Author(name="ann", posts=[Post(title="one", score=decimal.Decimal("1.5")), Post(title="two")])
    s.add(ann)
    s.add(Author(name="bob"))
    s.commit()
    a = s.scalars(select(Author).where(Author.name == "ann")).one()
    [p.title for p in a.posts]
    a.posts[0].score += 1
    s.commit()
    s.scalars(select(Author).options(selectinload(Author.posts)).order_by(Author.id)).all()
    s.execute(select(Author.name, func.count(Post.id)).outerjoin(Post, Post.author_id == Author.id)
              .group_by(Author.name).order_by(Author.name)).all()
    s.get(Author, a.id)
    s.delete(s.scalars(select(Author).where(Author.name == "bob")).one())
    s.commit()
    s.execute(text("select id, title from cap_posts where score > :m order by id"), {"m": 0}).all()

insp = inspect(engine)
insp.get_schema_names()
insp.get_table_names()
insp.has_table("cap_kinds")
for t in ["cap_kinds", "cap_authors", "cap_posts"]:
    insp.get_columns(t)
    insp.get_pk_constraint(t)
    insp.get_unique_constraints(t)
    insp.get_indexes(t)
    insp.get_check_constraints(t)
    insp.get_table_comment(t)
insp.get_view_names()
insp.get_sequence_names()

Base.metadata.drop_all(engine)
md.drop_all(engine)

# The psycopg 3 dialect: its own connect-time queries, then a small round trip. (The asyncpg
# dialect needs greenlet, which the offline wheel set does not have.)
small = MetaData()
notes = Table("cap_notes", small, Column("id", Integer, primary_key=True), Column("body", Text),
              Column("doc", JSONB), Column("at", DateTime(timezone=True)))


def round_trip(c):
    small.create_all(c)
    c.execute(insert(notes), [{"id": 1, "body": "a", "doc": {"k": 1}, "at": None}, {"id": 2, "body": None, "doc": None, "at": None}])
    c.execute(select(notes.c.id, notes.c.body).where(notes.c.id > 0).order_by(notes.c.id)).all()
    inspect(c).get_columns("cap_notes")
    small.drop_all(c)


pg3 = create_engine(url.replace("psycopg2", "psycopg"), connect_args={"application_name": "sqlalchemy-psycopg"})
with pg3.begin() as c:
    round_trip(c)


# Core features apps lean on: identity and sequences, upsert, RETURNING, CTEs, window functions,
# DISTINCT ON, JSONB and ARRAY operators, FOR UPDATE, pagination.
from sqlalchemy import Identity, Sequence, and_, any_, cast, exists, literal, or_, tuple_  # noqa: E402
from sqlalchemy.dialects.postgresql import insert as pg_insert  # noqa: E402

core = create_engine(url, connect_args={"application_name": "sqlalchemy-core"})
cm = MetaData()
items = Table("cap_items", cm,
              Column("id", BigInteger, Identity(start=10, increment=5), primary_key=True),
              Column("code", String(10), nullable=False, unique=True),
              Column("grp", Integer, nullable=False),
              Column("qty", Integer, server_default="0"),
              Column("ord", Integer, Sequence("cap_items_ord_seq", start=100)),
              Column("attrs", JSONB, server_default=text("'{}'::jsonb")),
              Column("labels", ARRAY(String(20))),
              Column("uid", UUID(as_uuid=True), server_default=text("gen_random_uuid()")))
cm.create_all(core)
with core.begin() as c:
    c.execute(insert(items).values(code="a", grp=1, qty=5, attrs={"color": "red", "n": 1}, labels=["x", "y"]))
    c.execute(insert(items), [{"code": "b", "grp": 1, "qty": 2, "labels": ["y"]}, {"code": "c", "grp": 2, "qty": 7, "labels": None}])
    c.execute(insert(items).values(code="d", grp=2, qty=1).returning(items.c.id, items.c.ord)).all()
    up = pg_insert(items).values(code="a", grp=1, qty=9)
    c.execute(up.on_conflict_do_update(index_elements=["code"], set_={"qty": up.excluded.qty + items.c.qty}).returning(items.c.qty)).all()
    c.execute(pg_insert(items).values(code="b", grp=9).on_conflict_do_nothing(index_elements=["code"]))
    c.execute(select(items.c.code, items.c.qty).where(items.c.attrs["color"].astext == "red")).all()
    c.execute(select(items.c.code).where(items.c.attrs.has_key("n"))).all()
    c.execute(select(items.c.code).where(items.c.attrs.contains({"color": "red"}))).all()
    c.execute(select(items.c.code).where(items.c.labels.contains(["y"])).order_by(items.c.code)).all()
    c.execute(select(items.c.code).where(literal("x") == any_(items.c.labels))).all()
    c.execute(select(items.c.code, func.array_length(items.c.labels, 1)).order_by(items.c.code)).all()
    tot = select(items.c.grp, func.sum(items.c.qty).label("total")).group_by(items.c.grp).cte("totals")
    c.execute(select(tot.c.grp, tot.c.total).where(tot.c.total > 3).order_by(tot.c.grp)).all()
    c.execute(select(items.c.code, func.row_number().over(partition_by=items.c.grp, order_by=items.c.qty.desc()).label("rn"),
                     func.sum(items.c.qty).over(partition_by=items.c.grp).label("grp_total")).order_by(items.c.code)).all()
    c.execute(select(items.c.grp, items.c.code).distinct(items.c.grp).order_by(items.c.grp, items.c.qty.desc())).all()
    c.execute(select(items.c.code).where(or_(and_(items.c.grp == 1, items.c.qty > 3), items.c.code.ilike("C%")))
              .order_by(items.c.code).limit(2).offset(0)).all()
    c.execute(select(items.c.code).where(tuple_(items.c.grp, items.c.qty).in_([(1, 2), (2, 7)])).order_by(items.c.code)).all()
    c.execute(select(exists().where(items.c.qty > 100))).scalar()
    c.execute(select(items.c.code).where(items.c.code == "c").with_for_update()).all()
    c.execute(select(cast(items.c.qty, String), func.coalesce(items.c.labels, cast([], ARRAY(String)))).order_by(items.c.id)).all()
    c.execute(select(func.jsonb_build_object("code", items.c.code, "qty", items.c.qty)).order_by(items.c.id)).all()
    c.execute(update(items).where(items.c.grp == 2).values(qty=items.c.qty + 1).returning(items.c.code, items.c.qty)).all()
    c.execute(delete(items).where(items.c.code == "d").returning(items.c.id)).all()
    c.execute(select(func.count(), func.max(items.c.ord) - func.min(items.c.ord))).one()
    c.execute(select(Sequence("cap_items_ord_seq").next_value())).scalar()
cm.drop_all(core)
