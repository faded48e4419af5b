#!/usr/bin/env python3
"""Split a PostgreSQL log (log_statement=all, log_line_prefix '@@@%m [%p] %a|') into one file per
application_name: the distinct statements in first-seen order, extended-protocol parameters
($n, from the DETAIL line) substituted as literals. Usage: extract.py LOGFILE OUTDIR"""
import os
import re
import sys

prefix = re.compile(r'^@@@\S+ \S+ \S+ \[(\d+)\] (.*?)\|(\w+):  (.*)$')
stmt = re.compile(r'^(?:statement|execute [^:]*): (.*)$', re.S)
txn_control = re.compile(r'^(begin|start transaction|commit|end|rollback|savepoint|release|fetch|move)\b', re.I)
param = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")


def records(lines):
    cur = None
    for line in lines:
        m = prefix.match(line)
        if m:
            if cur:
                yield cur
            cur = {'pid': m.group(1), 'app': m.group(2) or 'unknown', 'level': m.group(3), 'text': m.group(4)}
        elif cur is not None:
            cur['text'] += '\n' + line.rstrip('\n').removeprefix('\t')
    if cur:
        yield cur


def main(logfile, outdir):
    with open(logfile, encoding='utf-8', errors='replace') as f:
        recs = list(records(f))
    per_app = {}
    last = {}
    for r in recs:
        if r['level'] == 'LOG':
            m = stmt.match(r['text'])
            if not m:
                continue
            item = [m.group(1).strip()]
            per_app.setdefault(r['app'], []).append(item)
            last[r['pid']] = item
        elif r['level'] == 'DETAIL' and r['text'].startswith('parameters: ') and r['pid'] in last:
            values = dict((int(n), v) for n, v in param.findall(r['text']))
            item = last[r['pid']]
            item[0] = re.sub(r'\$(\d+)\b', lambda mm: values.get(int(mm.group(1)), mm.group(0)), item[0])
    os.makedirs(outdir, exist_ok=True)
    for app, items in per_app.items():
        seen, out = set(), []
        for (s,) in items:
            key = ' '.join(s.split())
            # Transaction control and FETCH are kept every time so the replay has the same transactions and reads.
            if key and (key not in seen or txn_control.match(key)):
                seen.add(key)
                out.append(s if s.endswith(';') else s + ';')
        name = re.sub(r'[^A-Za-z0-9_.-]+', '_', app).strip('_') or 'unknown'
        with open(os.path.join(outdir, name + '.sql'), 'w') as f:
            f.write(f'-- captured from application_name "{app}": {len(out)} distinct statements\n')
            f.write('\n'.join(out) + '\n')
        print(f'{name}.sql: {len(out)} statements')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
