-- What pgbench sends: -i (scale 1) and a TPC-B-like run of 5 transactions (-M prepared), captured
-- from PostgreSQL 15 by test/regress/capture/capture.sh (random values as they were bound).
-- COPY data is inline and holds only the accounts the run touches (the log does not show data).
drop table if exists pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers;
create table pgbench_history(tid int,bid int,aid    int,delta int,mtime timestamp,filler char(22));
create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84)) with (fillfactor=100);
create table pgbench_accounts(aid    int not null,bid int,abalance int,filler char(84)) with (fillfactor=100);
create table pgbench_branches(bid int not null,bbalance int,filler char(88)) with (fillfactor=100);
begin;
truncate table pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers;
insert into pgbench_branches(bid,bbalance) values(1,0);
insert into pgbench_tellers(tid,bid,tbalance) values (1,1,0);
insert into pgbench_tellers(tid,bid,tbalance) values (2,1,0);
insert into pgbench_tellers(tid,bid,tbalance) values (3,1,0);
insert into pgbench_tellers(tid,bid,tbalance) values (4,1,0);
insert into pgbench_tellers(tid,bid,tbalance) values (5,1,0);
insert into pgbench_tellers(tid,bid,tbalance) values (6,1,0);
insert into pgbench_tellers(tid,bid,tbalance) values (7,1,0);
insert into pgbench_tellers(tid,bid,tbalance) values (8,1,0);
insert into pgbench_tellers(tid,bid,tbalance) values (9,1,0);
insert into pgbench_tellers(tid,bid,tbalance) values (10,1,0);
copy pgbench_accounts from stdin with (freeze on);
12272	1	0	
29146	1	0	
38176	1	0	
64137	1	0	
78259	1	0	
\.
commit;
vacuum analyze pgbench_branches;
vacuum analyze pgbench_tellers;
vacuum analyze pgbench_accounts;
vacuum analyze pgbench_history;
alter table pgbench_branches add primary key (bid);
alter table pgbench_tellers add primary key (tid);
alter table pgbench_accounts add primary key (aid);
select count(*) from pgbench_branches;
select o.n, p.partstrat, pg_catalog.count(i.inhparent) from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on (n.oid = c.relnamespace) cross join lateral (select pg_catalog.array_position(pg_catalog.current_schemas(true), n.nspname)) as o(n) left join pg_catalog.pg_partitioned_table as p on (p.partrelid = c.oid) left join pg_catalog.pg_inherits as i on (c.oid = i.inhparent) where c.relname = 'pgbench_accounts' and o.n is not null group by 1, 2 order by 1 asc limit 1;
vacuum pgbench_branches;
vacuum pgbench_tellers;
truncate pgbench_history;
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + '-2594' WHERE aid = '12272';
SELECT abalance FROM pgbench_accounts WHERE aid = '12272';
UPDATE pgbench_tellers SET tbalance = tbalance + '-2594' WHERE tid = '3';
UPDATE pgbench_branches SET bbalance = bbalance + '-2594' WHERE bid = '1';
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ('3', '1', '12272', '-2594', CURRENT_TIMESTAMP);
END;
UPDATE pgbench_accounts SET abalance = abalance + '-4898' WHERE aid = '38176';
SELECT abalance FROM pgbench_accounts WHERE aid = '38176';
UPDATE pgbench_tellers SET tbalance = tbalance + '-4898' WHERE tid = '9';
UPDATE pgbench_branches SET bbalance = bbalance + '-4898' WHERE bid = '1';
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ('9', '1', '38176', '-4898', CURRENT_TIMESTAMP);
UPDATE pgbench_accounts SET abalance = abalance + '-2757' WHERE aid = '29146';
SELECT abalance FROM pgbench_accounts WHERE aid = '29146';
UPDATE pgbench_tellers SET tbalance = tbalance + '-2757' WHERE tid = '3';
UPDATE pgbench_branches SET bbalance = bbalance + '-2757' WHERE bid = '1';
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ('3', '1', '29146', '-2757', CURRENT_TIMESTAMP);
UPDATE pgbench_accounts SET abalance = abalance + '3953' WHERE aid = '78259';
SELECT abalance FROM pgbench_accounts WHERE aid = '78259';
UPDATE pgbench_tellers SET tbalance = tbalance + '3953' WHERE tid = '5';
UPDATE pgbench_branches SET bbalance = bbalance + '3953' WHERE bid = '1';
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ('5', '1', '78259', '3953', CURRENT_TIMESTAMP);
UPDATE pgbench_accounts SET abalance = abalance + '1679' WHERE aid = '64137';
SELECT abalance FROM pgbench_accounts WHERE aid = '64137';
UPDATE pgbench_tellers SET tbalance = tbalance + '1679' WHERE tid = '3';
UPDATE pgbench_branches SET bbalance = bbalance + '1679' WHERE bid = '1';
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ('3', '1', '64137', '1679', CURRENT_TIMESTAMP);
SELECT sum(abalance) AS accounts, (SELECT sum(tbalance) FROM pgbench_tellers) AS tellers, (SELECT sum(bbalance) FROM pgbench_branches) AS branches, (SELECT count(*) FROM pgbench_history) AS history FROM pgbench_accounts;
DROP TABLE pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers;
