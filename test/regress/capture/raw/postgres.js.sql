-- captured from application_name "postgres.js": 9 distinct statements
select b.oid, b.typarray
      from pg_catalog.pg_type a
      left join pg_catalog.pg_type b on b.oid = a.typelem
      where a.typcategory = 'A'
      group by b.oid, b.typarray
      order by b.oid;
CREATE TABLE cap_pj (id int PRIMARY KEY, name text, tags text[], at date);
INSERT INTO cap_pj ("id","name","tags","at")values('1','a','{x}','2020-01-01'),('2','b','{}',NULL);
SELECT id, name, tags FROM cap_pj WHERE id IN ('1','2') ORDER BY id;
begin;
UPDATE cap_pj SET name = 'z' WHERE id = '1';
commit;
SELECT count(*)::int AS n FROM cap_pj;
DROP TABLE cap_pj;
