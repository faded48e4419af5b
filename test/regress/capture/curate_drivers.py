#!/usr/bin/env python3
"""raw/{psycopg2,psycopg3,asyncpg,node-postgres,postgres.js}.sql -> ../sql/orm_drivers.sql:
COPY data written inline (the log does not show it), asyncpg's binary COPY replayed as text,
volatile output projected away. Usage: curate_drivers.py (from any directory)."""
import os
import re

here = os.path.dirname(os.path.abspath(__file__))


def stmts(name):
    body = open(os.path.join(here, 'raw', f'{name}.sql')).read().split('\n', 1)[1]
    return [s.strip() for s in re.split(r';\n', body) if s.strip()]


copy_data = {
    'COPY cap_p2 (id, name) FROM STDIN WITH (FORMAT csv)': '5,five\n6,"si,x"\n\\.',
    'COPY cap_p3 (id, name) FROM STDIN': '3\tc\n4\t\\N\n\\.',
    'COPY "cap_ap"("id", "name", "score", "vals") FROM STDIN (FORMAT binary)': '3\tc\t2.5\t{3}\n\\.',
}
out = ["""-- What psycopg2, psycopg 3, asyncpg, node-postgres and postgres.js send for typical application
-- code (test/regress/capture/drivers_app.py and node_app.mjs), captured from PostgreSQL 15 by
-- test/regress/capture/capture.sh and made replayable by capture/curate_drivers.py;
-- extended-protocol parameters appear as the literals the drivers bound. COPY data is inline
-- (the log does not show it); asyncpg's binary COPY is replayed in text format."""]
for client in ['psycopg2', 'psycopg3', 'asyncpg', 'node-postgres', 'postgres.js']:
    out.append(f'\n-- ── {client}')
    for s in stmts(client):
        s = s.rstrip(';')
        if s in copy_data:
            if 'FORMAT binary' in s:
                s = s.replace(' (FORMAT binary)', '')
            out.append(s + ';\n' + copy_data[s if s in copy_data else s + ' (FORMAT binary)'])
            continue
        if s.startswith('select b.oid, b.typarray'):
            # postgres.js reads every array type; compare the ones for the types nodedb has
            s = ('SELECT oid, typarray FROM (\n' + s + '\n) AS q WHERE oid IN '
                 '(16, 20, 21, 23, 25, 114, 700, 701, 1043, 1082, 1114, 1184, 1700, 2950, 3802) ORDER BY oid')
        if re.match(r"SELECT\s+current_setting\('jit'\)", s):
            out.append("-- (nodedb has no JIT: jit is off there, on in PostgreSQL; only the new value is compared)")
            s = 'SELECT new FROM (' + s + ') AS q'
        out.append(s + ';')
open(os.path.join(here, '..', 'sql', 'orm_drivers.sql'), 'w').write('\n'.join(out) + '\n')
