/** Aggregates against results recorded from PostgreSQL 15 (queries in comments). */
import { describe, expect, test } from 'vitest';
import { castOrThrow, formatText, formatType, makeEvalContext, parseText, resolveAggregate, resolveTypeName, type SqlType } from './index.js';

const ctx = makeEvalContext();

function typeOf(name: string): SqlType {
  const arr = name.endsWith('[]');
  return resolveTypeName([arr ? name.slice(0, -2) : name], [], arr ? 1 : 0).type;
}

/** Runs agg over text values of `typeName` (null = SQL NULL); returns "output:result type". */
function run(name: string, typeName: string, values: readonly (string | null)[], extra?: readonly [string, string | null]): string {
  const t = typeOf(typeName);
  const argTypes = extra === undefined ? [t] : [t, typeOf(extra[0])];
  const agg = resolveAggregate(name, name === 'count*' ? [] : argTypes);
  let state = agg.init();
  for (const v of values) {
    const d = v === null ? null : castOrThrow(t, agg.argTypes[0]!, 'implicit')(parseText(t, v, ctx), ctx);
    const args = extra === undefined ? [d] : [d, extra[1] === null ? null : parseText(typeOf(extra[0]), extra[1], ctx)];
    if (agg.strict && args.some((a) => a === null)) continue;
    state = agg.step(state, args, ctx);
  }
  const r = agg.final(state, ctx);
  return `${r === null ? 'NULL' : formatText(agg.resultType, r, ctx)}:${formatType(agg.resultType)}`;
}

const xs = ['1', '2', '4'];

describe('aggregates', () => {
  // select sum(x), avg(x), stddev(x), variance(x), stddev_pop(x), var_pop(x) from (values (1),(2),(4)) t(x)
  test('int4 statistics', () => {
    expect(run('sum', 'int4', xs)).toBe('7:bigint');
    expect(run('avg', 'int4', xs)).toBe('2.3333333333333333:numeric');
    expect(run('stddev', 'int4', xs)).toBe('1.5275252316519467:numeric');
    expect(run('variance', 'int4', xs)).toBe('2.3333333333333333:numeric');
    expect(run('stddev_pop', 'int4', xs)).toBe('1.2472191289246471:numeric');
    expect(run('var_pop', 'int4', xs)).toBe('1.5555555555555556:numeric');
  });

  // sum(x::int8), avg(x::float8), stddev(x::float8), sum(x::numeric(10,2)), avg(...), sum(x::int2), sum(x::float4), avg(x::int8), stddev_pop(x::float8), var_samp(x::numeric)
  test('result types and scales per input type', () => {
    expect(run('sum', 'int8', xs)).toBe('7:numeric');
    expect(run('avg', 'float8', xs)).toBe('2.3333333333333335:double precision');
    expect(run('stddev', 'float8', xs)).toBe('1.5275252316519468:double precision');
    expect(run('stddev_pop', 'float8', xs)).toBe('1.247219128924647:double precision');
    expect(run('sum', 'numeric', ['1.00', '2.00', '4.00'])).toBe('7.00:numeric');
    expect(run('avg', 'numeric', ['1.00', '2.00', '4.00'])).toBe('2.3333333333333333:numeric');
    expect(run('avg', 'numeric', ['1.5', '2.25'])).toBe('1.8750000000000000:numeric');
    expect(run('var_samp', 'numeric', xs)).toBe('2.3333333333333333:numeric');
    expect(run('sum', 'int2', xs)).toBe('7:bigint');
    expect(run('sum', 'float4', xs)).toBe('7:real');
    expect(run('avg', 'int8', xs)).toBe('2.3333333333333333:numeric');
    expect(run('sum', 'interval', ['1 day', '2 days', '4 days'])).toBe('7 days:interval');
    expect(run('avg', 'interval', ['1 hour', '2 hours', '4 hours'])).toBe('02:20:00:interval');
  });

  test('overflow behaviour', () => {
    // select sum(x) from (values (2147483647),(2147483647)) t(x)  → 4294967294
    expect(run('sum', 'int4', ['2147483647', '2147483647'])).toBe('4294967294:bigint');
    // select sum(x) from (values (9223372036854775807::int8),(1::int8)) t(x) → 9223372036854775808
    expect(run('sum', 'int8', ['9223372036854775807', '1'])).toBe('9223372036854775808:numeric');
  });

  test('min/max/bool/count/string_agg/array_agg', () => {
    expect(run('min', 'text', ['b', 'a', 'é'])).toBe('a:text');
    expect(run('max', 'text', ['b', 'a', 'é'])).toBe('é:text');
    expect(run('max', 'date', ['2024-01-01', '2024-01-04', '2024-01-02'])).toBe('2024-01-04:date');
    expect(run('min', 'numeric', ['1.50', 'NaN', '-3'])).toBe('-3:numeric');
    expect(run('max', 'float8', ['1', 'NaN', 'Infinity'])).toBe('NaN:double precision');
    expect(run('bool_and', 'bool', ['t', 'f'])).toBe('f:boolean');
    expect(run('bool_or', 'bool', ['t', 'f'])).toBe('t:boolean');
    expect(run('every', 'bool', ['t', null])).toBe('t:boolean');
    expect(run('count', 'int4', ['1', null, '3'])).toBe('2:bigint');
    expect(run('sum', 'int4', [null])).toBe('NULL:bigint');
    expect(run('avg', 'int4', [])).toBe('NULL:numeric');
    expect(run('stddev', 'int4', ['1'])).toBe('NULL:numeric');
    // select string_agg(x, ','), string_agg(x, null), array_agg(x) from (values ('a'),(null),('b')) t(x)
    expect(run('string_agg', 'text', ['a', null, 'b'], ['text', ','])).toBe('a,b:text');
    expect(run('string_agg', 'text', ['a', null, 'b'], ['text', null])).toBe('ab:text');
    expect(run('array_agg', 'text', ['a', null, 'b'])).toBe('{a,NULL,b}:text[]');
    expect(run('array_agg', 'int4', [])).toBe('NULL:integer[]');
  });

  test('count(*) takes no arguments; unknown aggregates are 42883', () => {
    const agg = resolveAggregate('count', []);
    let s = agg.init();
    s = agg.step(s, [], ctx);
    s = agg.step(s, [], ctx);
    expect(agg.final(s, ctx)).toBe(2n);
    expect(() => resolveAggregate('sum', [typeOf('text')])).toThrow(expect.objectContaining({ code: '42883', message: 'function sum(text) does not exist' }));
  });
});
