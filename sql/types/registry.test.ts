import { describe, expect, test } from 'vitest';
import { allTypes, formatType, Oid, resolveTypeName, sqlType, typeInfo } from './index.js';

describe('type registry', () => {
  test('pg_type rows', () => {
    expect(typeInfo(Oid.int4)).toMatchObject({ name: 'int4', typlen: 4, typbyval: true, typcategory: 'N', typarray: Oid._int4, typinput: 'int4in' });
    expect(typeInfo(Oid._text)).toMatchObject({ name: '_text', typcategory: 'A', typelem: Oid.text });
    expect(typeInfo(Oid.float8).typispreferred).toBe(true);
    expect(allTypes().length).toBeGreaterThan(90);
    expect(() => typeInfo(999999)).toThrow(expect.objectContaining({ code: '42704' }));
  });

  test('resolveTypeName as the parser gives names', () => {
    expect(resolveTypeName(['pg_catalog', 'int4'], [], 0)).toEqual({ kind: 'type', type: sqlType(Oid.int4) });
    expect(resolveTypeName(['varchar'], [10], 0).type).toEqual(sqlType(Oid.varchar, 14));
    expect(resolveTypeName(['pg_catalog', 'numeric'], [10, 2], 0).type).toEqual(sqlType(Oid.numeric, ((10 << 16) | 2) + 4));
    expect(resolveTypeName(['timestamptz'], [], 0).type).toEqual(sqlType(Oid.timestamptz));
    expect(resolveTypeName(['int4'], [], 1).type).toEqual(sqlType(Oid._int4));
    expect(resolveTypeName(['serial'], [], 0)).toEqual({ kind: 'serial', type: sqlType(Oid.int4) });
    expect(resolveTypeName(['bigserial'], [], 0)).toEqual({ kind: 'serial', type: sqlType(Oid.int8) });
    expect(resolveTypeName(['double precision'], [], 0).type).toEqual(sqlType(Oid.float8));
  });

  test('resolveTypeName errors (messages from PostgreSQL 15)', () => {
    expect(() => resolveTypeName(['foo'], [], 0)).toThrow(expect.objectContaining({ code: '42704', message: 'type "foo" does not exist' }));
    expect(() => resolveTypeName(['public', 'foo'], [], 0)).toThrow(expect.objectContaining({ message: 'type "public.foo" does not exist' }));
    expect(() => resolveTypeName(['varchar'], [0], 0)).toThrow(expect.objectContaining({ code: '22023', message: 'length for type varchar must be at least 1' }));
    expect(() => resolveTypeName(['varchar'], [20000000], 0)).toThrow(expect.objectContaining({ message: 'length for type varchar cannot exceed 10485760' }));
    expect(() => resolveTypeName(['numeric'], [0], 0)).toThrow(expect.objectContaining({ message: 'NUMERIC precision 0 must be between 1 and 1000' }));
    expect(() => resolveTypeName(['numeric'], [5, 1001], 0)).toThrow(expect.objectContaining({ message: 'NUMERIC scale 1001 must be between -1000 and 1000' }));
    expect(() => resolveTypeName(['int4'], [3], 0)).toThrow(expect.objectContaining({ message: 'type modifier is not allowed for type "int4"' }));
  });

  test('formatType = format_type()', () => {
    // select format_type('varchar(10)'::regtype, 14), ... on PostgreSQL 15
    const got = [
      formatType(sqlType(Oid.varchar, 14)),
      formatType(sqlType(Oid.numeric, ((10 << 16) | 2) + 4)),
      formatType(sqlType(Oid._int4)),
      formatType(sqlType(Oid.timestamptz, 3)),
      formatType(sqlType(Oid.bpchar, 5)),
      formatType(sqlType(Oid._varchar, 7)),
      formatType(sqlType(Oid.time)),
      formatType(sqlType(Oid.interval)),
      formatType(sqlType(Oid.float8)),
      formatType(sqlType(Oid.jsonb)),
    ].join('|');
    expect(got).toBe(
      'character varying(10)|numeric(10,2)|integer[]|timestamp(3) with time zone|character(1)|character varying(3)[]|time without time zone|interval|double precision|jsonb',
    );
  });
});
