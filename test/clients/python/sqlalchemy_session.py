"""SQLAlchemy 2 (ORM over psycopg2): a blog app. The dialect's own connect-time queries
(version, current_schema, standard_conforming_strings, hstore lookup) plus ORM unit-of-work
flushes: INSERT ... RETURNING, UPDATE/DELETE by primary key, relationships loaded by joins,
transactions and IntegrityError rollbacks. Tables are created without checkfirst so no
catalog introspection beyond the dialect's own happens."""
import datetime
import decimal

from sqlalchemy import Numeric, String, Text, create_engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session as OrmSession, mapped_column, relationship

from common import Session, conn_params

s = Session()
p = conn_params()
engine = create_engine(f"postgresql+psycopg2://{p['user']}@{p['host']}:{p['port']}/{p['dbname']}",
                       connect_args={"application_name": "sqlalchemy-client-test"})


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "sa_authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    joined: Mapped[datetime.date]
    # no FOREIGN KEY in the foundation SQL: the join is declared on the mapping only
    posts: Mapped[list["Post"]] = relationship(back_populates="author", order_by="Post.id",
                                               primaryjoin="Author.id == foreign(Post.author_id)")


class Post(Base):
    __tablename__ = "sa_posts"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    score: Mapped[decimal.Decimal] = mapped_column(Numeric(6, 2), default=decimal.Decimal("0"))
    published: Mapped[datetime.datetime | None]
    author: Mapped[Author] = relationship(back_populates="posts", primaryjoin="foreign(Post.author_id) == Author.id")


def setup():
    with engine.begin() as c:
        c.execute(text("DROP TABLE IF EXISTS sa_posts"))
        c.execute(text("DROP TABLE IF EXISTS sa_authors"))
    Base.metadata.create_all(engine, checkfirst=False)
    with engine.connect() as c:
        return c.execute(text("SELECT count(*) FROM sa_posts")).scalar_one()


def orm_insert():
    with OrmSession(engine) as db:
        ann = Author(name="ann", joined=datetime.date(2020, 1, 2))
        bob = Author(name="bob", joined=datetime.date(2021, 3, 4))
        ann.posts = [Post(title="hello", score=decimal.Decimal("4.50"),
                          published=datetime.datetime(2024, 1, 1, 9, 30)),
                     Post(title="again")]
        bob.posts = [Post(title="bob's first", score=decimal.Decimal("1.25"))]
        db.add_all([ann, bob])
        db.commit()
        return [(a.id, a.name, [(p.id, p.title) for p in a.posts]) for a in (ann, bob)]


def orm_query():
    with OrmSession(engine) as db:
        rows = db.execute(select(Author.name, func.count(Post.id), func.sum(Post.score))
                          .join(Post, Post.author_id == Author.id)
                          .group_by(Author.name).order_by(Author.name)).all()
        best = db.scalars(select(Post).where(Post.score > 1).order_by(Post.score.desc())).all()
        return {"per_author": [tuple(r) for r in rows],
                "best": [(b.title, b.score, b.published, b.author.name) for b in best]}


def orm_update_delete():
    with OrmSession(engine) as db:
        post = db.scalars(select(Post).where(Post.title == "again")).one()
        post.score = decimal.Decimal("9.99")
        post.title = "again (edited)"
        bobs = db.scalars(select(Post).where(Post.title == "bob's first")).one()
        db.delete(bobs)
        db.commit()
        return db.execute(select(Post.title, Post.score).order_by(Post.id)).all()


def rollback_and_integrity():
    with OrmSession(engine) as db:
        db.add(Author(name="ann", joined=datetime.date(2022, 2, 2)))
        try:
            db.commit()
            dup = "no error"
        except IntegrityError as e:
            db.rollback()
            dup = [type(e.orig).__name__, e.orig.pgcode]
        db.add(Author(name="cid", joined=datetime.date(2023, 3, 3)))
        db.flush()
        db.rollback()
        names = db.scalars(select(Author.name).order_by(Author.name)).all()
        return {"duplicate": dup, "names": names}


def core_text():
    with engine.begin() as c:
        c.execute(text("UPDATE sa_posts SET score = score + :d WHERE author_id = :a"), {"d": 1, "a": 1})
        r = c.execute(text("SELECT title, score FROM sa_posts WHERE score BETWEEN :lo AND :hi ORDER BY title"),
                      {"lo": 0, "hi": 100}).all()
    return [tuple(x) for x in r]


def teardown():
    Base.metadata.drop_all(engine, checkfirst=False)
    engine.dispose()
    return "dropped"


for name, fn in [("setup", setup), ("orm_insert", orm_insert), ("orm_query", orm_query),
                 ("orm_update_delete", orm_update_delete), ("rollback_and_integrity", rollback_and_integrity),
                 ("core_text", core_text), ("teardown", teardown)]:
    s.step(name, fn)
s.emit()
