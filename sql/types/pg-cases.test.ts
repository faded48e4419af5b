/**
 * Replays sql/types/testdata/*.cases (expected output recorded from PostgreSQL 15 by
 * testdata/gen-expected.mjs) through parseText/casts/operators/functions/formatText.
 * A tiny expression evaluator covers the syntax used in the case files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  castOrThrow,
  formatText,
  makeEvalContext,
  Oid,
  resolveFunction,
  resolveOperator,
  resolveTypeName,
  sqlType,
  type Datum,
  type EvalContext,
  type SqlType,
} from './index.js';
import { SqlError } from '../../util/errors.js';

interface Val {
  readonly type: SqlType;
  readonly datum: Datum;
}

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), 'testdata');

class Evaluator {
  private i = 0;
  private toks: string[] = [];
  constructor(private ctx: EvalContext) {}

  set(line: string): void {
    const m = /^SET (\w+) = '?([^']*)'?$/i.exec(line);
    if (m === null) throw new Error(`bad SET line ${line}`);
    const v = m[2]!;
    switch (m[1]!.toLowerCase()) {
      case 'timezone': this.ctx = { ...this.ctx, timeZone: v }; break;
      case 'intervalstyle': this.ctx = { ...this.ctx, intervalStyle: v }; break;
      case 'datestyle': this.ctx = { ...this.ctx, dateStyle: v }; break;
      case 'extra_float_digits': this.ctx = { ...this.ctx, extraFloatDigits: Number(v) }; break;
      case 'bytea_output': this.ctx = { ...this.ctx, byteaOutput: v === 'escape' ? 'escape' : 'hex' }; break;
      default: throw new Error(`unknown setting ${m[1]}`);
    }
  }

  run(expr: string): string {
    this.toks = tokenize(expr);
    this.i = 0;
    const v = this.expr(0);
    if (this.i !== this.toks.length) throw new Error(`junk after expression: ${this.toks.slice(this.i).join(' ')}`);
    return v.datum === null ? 'NULL' : JSON.stringify(formatText(v.type, v.datum, this.ctx));
  }

  private peek(): string | undefined {
    return this.toks[this.i];
  }

  private next(): string {
    const t = this.toks[this.i++];
    if (t === undefined) throw new Error('unexpected end');
    return t;
  }

  private static readonly binPrec: Record<string, number> = {
    '=': 1, '<': 1, '>': 1, '<=': 1, '>=': 1, '<>': 1, LIKE: 2, ILIKE: 2, 'NOT LIKE': 2,
    '||': 3, '@>': 3, '<@': 3, '&&': 3, '->': 3, '->>': 3, '~': 3, '~*': 3, '!~': 3,
    '+': 4, '-': 4, '*': 5, '/': 5, '%': 5, '^': 6,
  };

  private expr(minPrec: number): Val {
    let left = this.unary();
    for (;;) {
      let op = this.peek();
      if (op === 'NOT' && this.toks[this.i + 1] === 'LIKE') op = 'NOT LIKE';
      if (op === undefined || !(op in Evaluator.binPrec)) return left;
      const prec = Evaluator.binPrec[op]!;
      if (prec < minPrec) return left;
      this.i += op === 'NOT LIKE' ? 2 : 1;
      const right = this.expr(prec + 1);
      const name = op === 'LIKE' ? '~~' : op === 'ILIKE' ? '~~*' : op === 'NOT LIKE' ? '!~~' : op;
      left = this.applyOp(name, left, right);
    }
  }

  private applyOp(name: string, l: Val | null, r: Val): Val {
    const o = resolveOperator(name, l === null ? null : l.type, r.type);
    const a = l === null ? null : this.coerce(l, o.leftType!);
    const b = this.coerce(r, o.rightType);
    if ((l !== null && a === null) || b === null) return { type: o.resultType, datum: null };
    return { type: o.resultType, datum: o.eval(a, b, this.ctx) };
  }

  private coerce(v: Val, to: SqlType): Datum {
    if (v.datum === null) return null;
    return castOrThrow(v.type, to, 'implicit')(v.datum, this.ctx);
  }

  private unary(): Val {
    if (this.peek() === '@') {
      this.i++;
      return this.applyOp('@', null, this.unary());
    }
    if (this.peek() === '-') {
      this.i++;
      // The grammar folds '-' into a numeric constant (doNegate) unless a cast binds first.
      const lit = this.peek();
      if (lit !== undefined && /^\d/.test(lit) && this.toks[this.i + 1] !== '::') {
        this.toks[this.i] = '-' + lit;
        return this.postfix(this.primary());
      }
      const v = this.unary();
      return this.applyOp('-', null, v);
    }
    return this.postfix(this.primary());
  }

  private postfix(v0: Val): Val {
    let v = v0;
    while (this.peek() === '::') {
      this.i++;
      const to = this.typeName();
      v = v.datum === null ? { type: to, datum: null } : { type: to, datum: castOrThrow(v.type, to, 'explicit')(v.datum, this.ctx) };
    }
    return v;
  }

  private typeName(): SqlType {
    let name = this.next().toLowerCase();
    const mods: number[] = [];
    if (this.peek() === '(') {
      this.i++;
      while (this.peek() !== ')') {
        const t = this.next();
        if (t === ',') continue;
        if (t === '-') mods.push(-Number(this.next()));
        else mods.push(Number(t));
      }
      this.i++;
    }
    let bounds = 0;
    while (this.peek() === '[') {
      this.i += 2;
      bounds++;
    }
    if (name === 'char') {
      name = 'bpchar';
      if (mods.length === 0) mods.push(1);
    }
    if (name === 'interval' && mods.length === 1) mods.unshift(0x7fff);
    const r = resolveTypeName(['pg_catalog', name], mods, bounds);
    return r.type;
  }

  private primary(): Val {
    const t = this.next();
    if (t === '(') {
      const v = this.expr(0);
      expect(this.next()).toBe(')');
      return v;
    }
    if (t.startsWith("'")) return { type: sqlType(Oid.unknown), datum: t.slice(1, -1).replace(/''/g, "'") };
    if (/^-?\d/.test(t)) {
      if (/^-?\d+$/.test(t)) {
        const b = BigInt(t);
        if (b <= 2147483647n && b >= -2147483648n) return { type: sqlType(Oid.int4), datum: Number(b) };
        if (b <= 9223372036854775807n && b >= -9223372036854775808n) return { type: sqlType(Oid.int8), datum: b };
      }
      return { type: sqlType(Oid.numeric), datum: castOrThrow(sqlType(Oid.unknown), sqlType(Oid.numeric), 'explicit')(t, this.ctx) };
    }
    const upper = t.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { type: sqlType(Oid.bool), datum: upper === 'TRUE' };
    if (upper === 'NULL') return { type: sqlType(Oid.unknown), datum: null };
    if (this.peek() === '(') return this.call(t);
    throw new Error(`unexpected token ${t}`);
  }

  private call(name0: string): Val {
    this.i++;
    let name = name0.toLowerCase();
    const args: Val[] = [];
    const text = (s: string): Val => ({ type: sqlType(Oid.unknown), datum: s });
    if (name === 'extract') {
      args.push(text(this.next().toLowerCase()));
      expect(this.next().toUpperCase()).toBe('FROM');
    }
    if (name === 'trim' && this.peek()?.toUpperCase() === 'BOTH') {
      this.i++;
      const chars = this.expr(0);
      expect(this.next().toUpperCase()).toBe('FROM');
      args.push(this.expr(0), chars);
      this.i++;
      return this.invoke('btrim', args);
    }
    while (this.peek() !== ')') {
      if (this.peek() === ',') {
        this.i++;
        continue;
      }
      if (['IN', 'FROM', 'FOR', 'PLACING'].includes(this.peek()?.toUpperCase() ?? '')) {
        this.i++;
        continue;
      }
      args.push(this.expr(0));
    }
    this.i++;
    if (name === 'trim') name = 'btrim';
    if (name === 'position') args.reverse();
    return this.invoke(name, args);
  }

  private invoke(name: string, args: Val[]): Val {
    const f = resolveFunction(name, args.map((a) => a.type));
    const vals = args.map((a, k) => this.coerce(a, f.argTypes[k]!));
    if (f.strict && vals.some((v) => v === null)) return { type: f.resultType, datum: null };
    return { type: f.resultType, datum: f.eval(vals, this.ctx) };
  }
}

function tokenize(s: string): string[] {
  const re = /\s*('(?:[^']|'')*'|::|->>|->|<@|@>|&&|\|\||<=|>=|<>|!~\*?|~\*?|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+|[A-Za-z_][A-Za-z_0-9]*|[-+*/%^=<>(),[\]@])/iy;
  const out: string[] = [];
  let m: RegExpExecArray | null;
  while (re.lastIndex < s.length && (m = re.exec(s)) !== null) out.push(m[1]!);
  if (re.lastIndex < s.trimEnd().length) throw new Error(`cannot tokenize: ${s.slice(re.lastIndex)}`);
  return out;
}

/** Known, documented divergences from PostgreSQL: expression → reason. */
const knownDifferences: ReadonlyMap<string, string> = new Map([
  ["'abc' ~ 'b(c'", 'regex error text comes from the JS engine'],
]);

for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.expected'))) {
  describe(file, () => {
    const ev = new Evaluator(makeEvalContext({ txnTimestampMicros: 0n, statementTimestampMicros: 0n }));
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (line === '') continue;
      if (line.startsWith('SET ')) {
        test(line, () => ev.set(line));
        continue;
      }
      const [expr, expected] = line.split('\t') as [string, string];
      const reason = knownDifferences.get(expr);
      (reason === undefined ? test : test.skip)(expr, () => {
        let got: string;
        try {
          got = ev.run(expr);
        } catch (e) {
          if (!(e instanceof SqlError)) throw e;
          got = `ERROR ${e.code} ${JSON.stringify(e.message)}`;
          // json input errors are pinned with DETAIL and CONTEXT too.
          if (/::jsonb?$/.test(expr)) {
            if (e.fields.detail !== undefined) got += ` DETAIL ${JSON.stringify(e.fields.detail)}`;
            if (e.fields.where !== undefined) got += ` CONTEXT ${JSON.stringify(e.fields.where)}`;
          }
        }
        expect(got).toBe(expected);
      });
    }
  });
}
