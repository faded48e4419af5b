/**
 * Catalog functions about privileges and other sessions: has_*_privilege, pg_cancel_backend /
 * pg_terminate_backend and pg_sleep.
 *
 * Privileges: nodedb has no GRANT/REVOKE and enforces no object privileges (every role may do
 * everything to every object), so for an object that exists and a privilege string PostgreSQL
 * accepts, the answer is true — what the server will actually allow. Names that do not resolve
 * fail with PostgreSQL 15's SQLSTATE and message; an oid that names nothing gives NULL, as there.
 */
import { SqlError, SqlState } from '../util/errors.js';
import { assert } from '../util/assert.js';
import { Oid, sqlType, type Datum, type SqlType } from '../sql/types/index.js';
import type { CatalogFnContext, CatalogFunction } from './functions.js';
import { regLiteralOid, splitIdentifiers } from './functions.js';
import { procRows } from './pg-proc-data.js';
import { virtualTableByOid } from './virtual.js';
import { databaseByName, databaseByOid } from './databases.js';

const t = (oid: number): SqlType => sqlType(oid);
const OID = t(Oid.oid);
const TEXT = t(Oid.text);
const NAME = t(Oid.name);
const INT2 = t(Oid.int2);
const INT4 = t(Oid.int4);
const BOOL = t(Oid.bool);

/** pg_sleep sleeps in slices no longer than this (setTimeout's range), re-checking cancel between. */
const sleepSliceMsMax = 60_000;

type ObjectKind = 'table' | 'sequence' | 'schema' | 'database' | 'function' | 'anyColumn';

/** The privilege words each has_*_privilege accepts (PostgreSQL 15's convert_*_priv_string). */
const privilegeWords: Readonly<Record<ObjectKind | 'column', readonly string[]>> = {
  table: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
  sequence: ['USAGE', 'SELECT', 'UPDATE'],
  schema: ['CREATE', 'USAGE'],
  database: ['CREATE', 'CONNECT', 'TEMPORARY', 'TEMP'],
  function: ['EXECUTE'],
  anyColumn: ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'],
  column: ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'],
};

/** 22023 for a privilege PostgreSQL does not know for this object kind; else nothing. */
function checkPrivileges(kind: ObjectKind | 'column', text: string): void {
  for (const raw of text.split(',')) {
    const word = raw.trim().replace(/\s+with\s+grant\s+option$/i, '').toUpperCase();
    if (!privilegeWords[kind].includes(word)) throw new SqlError(SqlState.invalidParameterValue, `unrecognized privilege type: "${raw.trim()}"`);
  }
}

/** A role given by name must exist ('public' is the PUBLIC pseudo-role); by oid it is not checked, as PostgreSQL. */
function checkRole(c: CatalogFnContext, d: Datum, byName: boolean): void {
  if (!byName) return;
  const name = String(d);
  if (name === 'public') return;
  if (c.catalog.roleByNameOrUndefined(name) === undefined) throw new SqlError(SqlState.undefinedObject, `role "${name}" does not exist`);
}

/** The relation oid of a text or oid argument; undefined when an oid names nothing. */
function relationArg(c: CatalogFnContext, d: Datum, byName: boolean): number | undefined {
  if (byName) return regLiteralOid(c.catalog, c.searchPath, c.session.user, Oid.regclass, String(d));
  const oid = Number(d);
  return c.catalog.relationByOid(oid) !== undefined || virtualTableByOid(oid) !== undefined ? oid : undefined;
}

function objectExists(c: CatalogFnContext, kind: ObjectKind, d: Datum, byName: boolean): boolean {
  switch (kind) {
    case 'table':
    case 'anyColumn':
      return relationArg(c, d, byName) !== undefined;
    case 'sequence': {
      const oid = relationArg(c, d, byName);
      if (oid === undefined) return false;
      const rel = c.catalog.relationByOid(oid);
      if (rel?.kind !== 'sequence') throw new SqlError(SqlState.wrongObjectType, `"${rel?.name ?? String(d)}" is not a sequence`);
      return true;
    }
    case 'schema':
      if (byName) return c.catalog.resolveSchema(String(d)) !== undefined;
      return c.catalog.schema(Number(d)) !== undefined;
    case 'database': {
      if (!byName) return databaseByOid(c.catalog, Number(d)) !== undefined;
      if (databaseByName(c.catalog, String(d)) === undefined) throw new SqlError('3D000', `database "${String(d)}" does not exist`);
      return true;
    }
    case 'function':
      if (byName) return functionByText(c, String(d)) !== undefined;
      return procRows.some((p) => p[0] === Number(d));
    default: {
      const never: never = kind;
      throw new Error(`unexpected object kind ${String(never)}`);
    }
  }
}

/** regprocedure input: `name(type, ...)` among the functions nodedb implements; 42883 when none. */
function functionByText(c: CatalogFnContext, text: string): number {
  const open = text.indexOf('(');
  if (open < 0 || !text.trimEnd().endsWith(')')) throw new SqlError(SqlState.invalidTextRepresentation, 'expected a left parenthesis');
  const names = splitIdentifiers(text.slice(0, open));
  const name = names[names.length - 1]!;
  const inner = text.slice(open + 1, text.trimEnd().length - 1).trim();
  const argTypes = inner === '' ? [] : inner.split(',').map((a) => regLiteralOid(c.catalog, c.searchPath, c.session.user, Oid.regtype, a.trim()));
  const found = procRows.find((p) => p[1] === name && p[2].length === argTypes.length && p[2].every((x, i) => x === argTypes[i]));
  if (found === undefined) throw new SqlError(SqlState.undefinedFunction, `function "${text}" does not exist`);
  return found[0];
}

/** Every overload of one has_*_privilege function: optional user (name|oid), object (text|oid), privilege. */
function privilegeOverloads(fname: string, kind: ObjectKind): CatalogFunction[] {
  const out: CatalogFunction[] = [];
  const objForms: readonly [SqlType, boolean][] = [[TEXT, true], [OID, false]];
  const userForms: readonly ([SqlType, boolean] | undefined)[] = [undefined, [NAME, true], [OID, false]];
  for (const user of userForms) {
    for (const [objType, objByName] of objForms) {
      out.push({
        kind: 'sync',
        name: fname,
        argTypes: user === undefined ? [objType, TEXT] : [user[0], objType, TEXT],
        resultType: BOOL,
        strict: true,
        eval(args, c) {
          const [u, obj, priv] = user === undefined ? [undefined, args[0]!, args[1]!] : [args[0]!, args[1]!, args[2]!];
          if (u !== undefined && user !== undefined) checkRole(c, u, user[1]);
          const exists = objectExists(c, kind, obj, objByName);
          checkPrivileges(kind, String(priv));
          return exists ? true : null;
        },
      });
    }
  }
  return out;
}

/** has_column_privilege([user,] table, column name | attnum, privilege). */
function columnPrivilegeOverloads(): CatalogFunction[] {
  const out: CatalogFunction[] = [];
  const userForms: readonly ([SqlType, boolean] | undefined)[] = [undefined, [NAME, true], [OID, false]];
  for (const user of userForms) {
    for (const [objType, objByName] of [[TEXT, true], [OID, false]] as const) {
      for (const [colType, colByName] of [[TEXT, true], [INT2, false]] as const) {
        out.push({
          kind: 'sync',
          name: 'has_column_privilege',
          argTypes: user === undefined ? [objType, colType, TEXT] : [user[0], objType, colType, TEXT],
          resultType: BOOL,
          strict: true,
          eval(args, c) {
            const off = user === undefined ? 0 : 1;
            if (user !== undefined) checkRole(c, args[0]!, user[1]);
            const oid = relationArg(c, args[off]!, objByName);
            const col = args[off + 1]!;
            checkPrivileges('column', String(args[off + 2]));
            if (oid === undefined) return null;
            const rel = c.catalog.relationByOid(oid);
            if (rel === undefined || rel.kind !== 'table') return colByName ? true : null;
            const found = rel.columns.find((x) => !x.dropped && (colByName ? x.name === String(col) : x.attnum === Number(col)));
            if (found !== undefined) return true;
            if (colByName) throw new SqlError(SqlState.undefinedColumn, `column "${String(col)}" of relation "${rel.name}" does not exist`);
            return null;
          },
        });
      }
    }
  }
  return out;
}

/** pg_cancel_backend / pg_terminate_backend through the session registry hook. */
function signalFunction(name: 'pg_cancel_backend' | 'pg_terminate_backend'): CatalogFunction {
  const action = name === 'pg_cancel_backend' ? 'cancel' : 'terminate';
  return {
    kind: 'sync',
    name,
    argTypes: [INT4],
    resultType: BOOL,
    strict: true,
    eval(args, c) {
      const signal = c.session.signalBackend;
      if (signal === undefined) throw new SqlError(SqlState.featureNotSupported, `${name}() is not available in this context`);
      const pid = Number(args[0]);
      const target = c.session.activity?.().find((s) => s.pid === pid);
      if (target !== undefined && target.user !== c.session.user) {
        const me = c.catalog.roleByNameOrUndefined(c.session.user);
        const them = c.catalog.roleByNameOrUndefined(target.user);
        if (them?.superuser === true && me?.superuser !== true) {
          throw new SqlError(SqlState.insufficientPrivilege, `must be a superuser to ${action} superuser query`);
        }
        if (me?.superuser !== true) {
          const what = action === 'cancel' ? 'query is being canceled' : 'process is being terminated';
          throw new SqlError(SqlState.insufficientPrivilege, `must be a member of the role whose ${what} or member of pg_signal_backend`);
        }
      }
      return signal(pid, action);
    },
  };
}

/** pg_sleep(seconds): sleeps, ending early with the statement's cancel error (57014). */
function sleepFunction(): CatalogFunction {
  return {
    kind: 'async',
    name: 'pg_sleep',
    argTypes: [t(Oid.float8)],
    resultType: t(Oid.void),
    strict: true,
    async evalAsync(args, c) {
      const seconds = Number(args[0]);
      let remainingMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
      const signal = c.signal;
      while (remainingMs > 0) {
        const sliceMs = Math.min(remainingMs, sleepSliceMsMax);
        await sleepOrAbort(sliceMs, signal);
        remainingMs -= sliceMs;
      }
      signal?.throwIfAborted();
      return '';
    },
  };
}

function sleepOrAbort(ms: number, signal: AbortSignal | undefined): Promise<void> {
  assert(ms >= 0 && ms <= sleepSliceMsMax, 'sleep slice within bounds');
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function sessionFunctions(): CatalogFunction[] {
  return [
    ...privilegeOverloads('has_table_privilege', 'table'),
    ...privilegeOverloads('has_sequence_privilege', 'sequence'),
    ...privilegeOverloads('has_schema_privilege', 'schema'),
    ...privilegeOverloads('has_database_privilege', 'database'),
    ...privilegeOverloads('has_function_privilege', 'function'),
    ...privilegeOverloads('has_any_column_privilege', 'anyColumn'),
    ...columnPrivilegeOverloads(),
    signalFunction('pg_cancel_backend'),
    signalFunction('pg_terminate_backend'),
    sleepFunction(),
  ];
}
