/**
 * nodedb's own SQL AST. libpg-query's output is converted once, in sql/parser/, into these
 * frozen, readonly discriminated unions; parser types never leave sql/parser/.
 *
 * Every node has a literal `kind`. Every switch over a kind ends in assertNever.
 * `location` fields are 0-based character offsets into the statement text (-1 = unknown);
 * error positions sent to clients are location + 1.
 *
 * Descriptors (catalog/) store expressions as these nodes (they are plain JSON-serialisable
 * data: no classes, no bigint — integer literals keep their source text), and sql/deparse
 * prints them back the way PostgreSQL does (pg_get_expr, \d).
 */

// ---------------------------------------------------------------------------------------
// Names and types

/** A possibly qualified name: ['public', 't'] or ['t']. */
export type QualifiedName = readonly string[];

/** A type as written: resolved to a SqlType by sql/types resolveTypeName. */
export interface TypeName {
  readonly kind: 'TypeName';
  /** e.g. ['pg_catalog', 'int4'], ['varchar'], ['my_enum']. */
  readonly names: readonly string[];
  /** Typmod arguments as written: varchar(10) → [10]; numeric(10,2) → [10, 2]. */
  readonly typmods: readonly number[];
  /** Number of array dimensions (int[] → 1). */
  readonly arrayBounds: number;
  /** `setof` / `%TYPE` are not supported. */
  readonly location: number;
}

// ---------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | ConstExpr
  | ParamRef
  | ColumnRef
  | StarExpr
  | BinaryOp
  | UnaryOp
  | BoolExpr
  | NullTest
  | BooleanTest
  | CastExpr
  | FuncCall
  | CaseExpr
  | CoalesceExpr
  | NullIfExpr
  | MinMaxExpr
  | InListExpr
  | BetweenExpr
  | SubLinkExpr
  | ArrayExpr
  | RowExpr
  | SubscriptExpr
  | FieldSelectExpr
  | CollateExpr
  | DefaultExpr
  | SqlValueFunction
  | IsDistinctExpr
  | LikeExpr
  | AnyAllExpr;

/** A literal. `value` holds the source text for numbers and strings; null for NULL. */
export interface ConstExpr {
  readonly kind: 'Const';
  readonly type: 'integer' | 'numeric' | 'string' | 'bool' | 'null' | 'bitstring';
  /** Text of the literal: '42', '3.14', 'abc', 'true'; null for NULL. */
  readonly value: string | null;
  readonly location: number;
}

/** $1, $2 ... (1-based). */
export interface ParamRef {
  readonly kind: 'ParamRef';
  readonly number: number;
  readonly location: number;
}

/** a, t.a, s.t.a (not `*`: see StarExpr). */
export interface ColumnRef {
  readonly kind: 'ColumnRef';
  readonly names: readonly string[];
  readonly location: number;
}

/** `*` or `t.*` in a target list or function arg list (count(*) uses FuncCall.star). */
export interface StarExpr {
  readonly kind: 'Star';
  /** Qualifier before `.*`, empty for a bare `*`. */
  readonly qualifier: readonly string[];
  readonly location: number;
}

/** Binary operator, as written (name may be schema-qualified via OPERATOR(pg_catalog.~)). */
export interface BinaryOp {
  readonly kind: 'BinaryOp';
  readonly op: string;
  /** Schema from OPERATOR(schema.op), else undefined. */
  readonly schema?: string;
  readonly left: Expr;
  readonly right: Expr;
  readonly location: number;
}

export interface UnaryOp {
  readonly kind: 'UnaryOp';
  /** Prefix operator: '-', '+', '~', '@', '|/' ... */
  readonly op: string;
  readonly operand: Expr;
  readonly location: number;
}

export interface BoolExpr {
  readonly kind: 'BoolExpr';
  readonly op: 'and' | 'or' | 'not';
  readonly args: readonly Expr[];
  readonly location: number;
}

/** x IS [NOT] NULL */
export interface NullTest {
  readonly kind: 'NullTest';
  readonly arg: Expr;
  readonly negated: boolean;
  readonly location: number;
}

/** x IS [NOT] TRUE / FALSE / UNKNOWN */
export interface BooleanTest {
  readonly kind: 'BooleanTest';
  readonly arg: Expr;
  readonly test: 'true' | 'false' | 'unknown';
  readonly negated: boolean;
  readonly location: number;
}

/** x IS [NOT] DISTINCT FROM y */
export interface IsDistinctExpr {
  readonly kind: 'IsDistinct';
  readonly left: Expr;
  readonly right: Expr;
  readonly negated: boolean;
  readonly location: number;
}

/** CAST(x AS t), x::t, and typed literals `date '2020-01-01'`. */
export interface CastExpr {
  readonly kind: 'Cast';
  readonly arg: Expr;
  readonly type: TypeName;
  readonly location: number;
}

export interface SortBy {
  readonly kind: 'SortBy';
  readonly expr: Expr;
  readonly direction: 'default' | 'asc' | 'desc';
  readonly nulls: 'default' | 'first' | 'last';
  /** ORDER BY x USING < (not supported: converter rejects). */
  readonly location: number;
}

export interface WindowSpec {
  readonly kind: 'WindowSpec';
  /** Reference to a named window (OVER w), or undefined. */
  readonly refName?: string;
  /** OVER w without parentheses: copies the named window including its frame (OVER (w) may not). */
  readonly bareRef?: boolean;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly SortBy[];
  readonly frame?: WindowFrame;
  readonly location: number;
}

export interface WindowFrame {
  readonly kind: 'WindowFrame';
  readonly mode: 'rows' | 'range' | 'groups';
  readonly start: FrameBound;
  readonly end: FrameBound;
  readonly exclude: 'no others' | 'current row' | 'group' | 'ties';
}

export type FrameBound =
  | { readonly kind: 'unboundedPreceding' }
  | { readonly kind: 'preceding'; readonly offset: Expr }
  | { readonly kind: 'currentRow' }
  | { readonly kind: 'following'; readonly offset: Expr }
  | { readonly kind: 'unboundedFollowing' };

/** f(args), including aggregates and window functions; count(*) has star=true and no args. */
export interface FuncCall {
  readonly kind: 'FuncCall';
  /** Possibly qualified: ['pg_catalog', 'now'] or ['lower']. Lower-cased unless quoted. */
  readonly name: readonly string[];
  readonly args: readonly Expr[];
  /** Named arguments (name => value) in the same order as written, aligned with args (undefined = positional). */
  readonly argNames: readonly (string | undefined)[];
  readonly star: boolean;
  readonly distinct: boolean;
  /** VARIADIC in the last argument. */
  readonly variadic: boolean;
  /** ORDER BY inside an aggregate call. */
  readonly orderBy: readonly SortBy[];
  /** WITHIN GROUP (ORDER BY ...) for ordered-set aggregates. */
  readonly withinGroup: boolean;
  readonly filter?: Expr;
  readonly over?: WindowSpec;
  readonly location: number;
}

export interface CaseWhen {
  readonly kind: 'CaseWhen';
  readonly when: Expr;
  readonly then: Expr;
}

/** CASE [arg] WHEN ... THEN ... [ELSE ...] END */
export interface CaseExpr {
  readonly kind: 'Case';
  readonly arg?: Expr;
  readonly whens: readonly CaseWhen[];
  readonly else?: Expr;
  readonly location: number;
}

export interface CoalesceExpr {
  readonly kind: 'Coalesce';
  readonly args: readonly Expr[];
  readonly location: number;
}

export interface NullIfExpr {
  readonly kind: 'NullIf';
  readonly left: Expr;
  readonly right: Expr;
  readonly location: number;
}

/** GREATEST / LEAST */
export interface MinMaxExpr {
  readonly kind: 'MinMax';
  readonly op: 'greatest' | 'least';
  readonly args: readonly Expr[];
  readonly location: number;
}

/** x [NOT] IN (a, b, c) — the list form; IN (subquery) is a SubLink. */
export interface InListExpr {
  readonly kind: 'InList';
  readonly arg: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
  readonly location: number;
}

/** x [NOT] BETWEEN [SYMMETRIC] a AND b */
export interface BetweenExpr {
  readonly kind: 'Between';
  readonly arg: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
  readonly symmetric: boolean;
  readonly location: number;
}

/** x [NOT] LIKE / ILIKE / SIMILAR TO pattern [ESCAPE e] */
export interface LikeExpr {
  readonly kind: 'Like';
  readonly op: 'like' | 'ilike' | 'similar';
  readonly arg: Expr;
  readonly pattern: Expr;
  readonly escape?: Expr;
  readonly negated: boolean;
  readonly location: number;
}

/** x op ANY/ALL (array expression) — the array form; the subquery form is a SubLink. */
export interface AnyAllExpr {
  readonly kind: 'AnyAll';
  readonly quantifier: 'any' | 'all';
  readonly op: string;
  readonly left: Expr;
  readonly array: Expr;
  readonly location: number;
}

/** Subqueries in expressions. */
export interface SubLinkExpr {
  readonly kind: 'SubLink';
  /** exists: EXISTS (q); scalar: (q); in: x IN (q) (test op '='); any/all: x op ANY/ALL (q); array: ARRAY(q). */
  readonly linkType: 'exists' | 'scalar' | 'any' | 'all' | 'array';
  /** For any/all: the comparison operator (IN is any with '='). */
  readonly op?: string;
  readonly testExpr?: Expr;
  readonly query: SelectStmt;
  readonly location: number;
}

/** ARRAY[a, b] (nested ARRAY[[..],[..]] keeps ArrayExpr elements). */
export interface ArrayExpr {
  readonly kind: 'Array';
  readonly elements: readonly Expr[];
  readonly location: number;
}

/** ROW(a, b) or (a, b) */
export interface RowExpr {
  readonly kind: 'Row';
  readonly args: readonly Expr[];
  readonly explicitRow: boolean;
  readonly location: number;
}

/** a[1], a[1:2], a[1][2] */
export interface SubscriptExpr {
  readonly kind: 'Subscript';
  readonly arg: Expr;
  readonly indices: readonly { readonly lower?: Expr; readonly upper?: Expr; readonly isSlice: boolean }[];
  readonly location: number;
}

/** (expr).field */
export interface FieldSelectExpr {
  readonly kind: 'FieldSelect';
  readonly arg: Expr;
  readonly field: string;
  readonly location: number;
}

export interface CollateExpr {
  readonly kind: 'Collate';
  readonly arg: Expr;
  readonly collation: readonly string[];
  readonly location: number;
}

/** DEFAULT in INSERT VALUES / UPDATE SET. */
export interface DefaultExpr {
  readonly kind: 'Default';
  readonly location: number;
}

/** CURRENT_DATE, CURRENT_TIMESTAMP[(p)], LOCALTIMESTAMP, CURRENT_USER, SESSION_USER, CURRENT_CATALOG, ... */
export interface SqlValueFunction {
  readonly kind: 'SqlValueFunction';
  readonly fn:
    | 'current_date'
    | 'current_time'
    | 'current_timestamp'
    | 'localtime'
    | 'localtimestamp'
    | 'current_role'
    | 'current_user'
    | 'user'
    | 'session_user'
    | 'current_catalog'
    | 'current_schema';
  /** Precision for the time functions, -1 when absent. */
  readonly precision: number;
  readonly location: number;
}

// ---------------------------------------------------------------------------------------
// Queries

export interface Alias {
  readonly name: string;
  readonly columns: readonly string[];
}

export type FromItem = RangeVar | RangeSubselect | JoinExpr | RangeFunction;

/** A table reference [schema.]name [AS alias(cols)] */
export interface RangeVar {
  readonly kind: 'RangeVar';
  readonly schema?: string;
  readonly name: string;
  readonly alias?: Alias;
  /** false for ONLY t. */
  readonly inherit: boolean;
  readonly location: number;
}

export interface RangeSubselect {
  readonly kind: 'RangeSubselect';
  readonly query: SelectStmt;
  readonly alias?: Alias;
  readonly lateral: boolean;
  readonly location: number;
}

/** One column of a function's column definition list: `a int`. */
export interface FunctionColumnDef {
  readonly name: string;
  readonly type: TypeName;
  readonly location: number;
}

/** generate_series(1, 10) AS g(x), unnest(...) WITH ORDINALITY, ROWS FROM (...) */
export interface RangeFunction {
  readonly kind: 'RangeFunction';
  readonly functions: readonly FuncCall[];
  /** Column definition list of each function (`AS x(a int, b text)`, `ROWS FROM (f() AS (a int))`), parallel to `functions`. */
  readonly columnDefs?: readonly (readonly FunctionColumnDef[] | undefined)[];
  readonly alias?: Alias;
  readonly lateral: boolean;
  readonly ordinality: boolean;
  readonly location: number;
}

export interface JoinExpr {
  readonly kind: 'Join';
  readonly joinType: 'inner' | 'left' | 'right' | 'full' | 'cross';
  readonly left: FromItem;
  readonly right: FromItem;
  readonly natural: boolean;
  readonly on?: Expr;
  readonly using: readonly string[];
  readonly alias?: Alias;
  readonly location: number;
}

export interface ResTarget {
  readonly kind: 'ResTarget';
  readonly expr: Expr;
  /** AS name (or the column name in INSERT column lists / UPDATE SET). */
  readonly name?: string;
  readonly location: number;
}

export interface CommonTableExpr {
  readonly kind: 'CTE';
  readonly name: string;
  readonly columns: readonly string[];
  readonly query: Statement;
  readonly materialized: 'default' | 'always' | 'never';
  readonly location: number;
}

export interface WithClause {
  readonly recursive: boolean;
  readonly ctes: readonly CommonTableExpr[];
}

export interface LockingClause {
  readonly strength: 'update' | 'no key update' | 'share' | 'key share';
  readonly of: readonly string[];
  /** Location of each OF name (-1 when unknown). */
  readonly ofLocations?: readonly number[];
  readonly waitPolicy: 'block' | 'nowait' | 'skip locked';
}

export interface NamedWindow {
  readonly name: string;
  readonly spec: WindowSpec;
}

export type GroupingElement =
  | { readonly kind: 'expr'; readonly expr: Expr }
  | { readonly kind: 'rollup' | 'cube' | 'sets'; readonly items: readonly GroupingElement[] }
  | { readonly kind: 'empty' };

/** SELECT / VALUES / set operations. */
export type SelectStmt = SimpleSelect | ValuesSelect | SetOpSelect;

export interface SelectCommon {
  readonly with?: WithClause;
  readonly orderBy: readonly SortBy[];
  readonly limit?: Expr;
  /** FETCH FIRST n ROWS WITH TIES */
  readonly limitWithTies: boolean;
  readonly offset?: Expr;
  readonly locking: readonly LockingClause[];
}

export interface SimpleSelect extends SelectCommon {
  readonly kind: 'Select';
  /** undefined = no DISTINCT; [] = DISTINCT; [exprs] = DISTINCT ON (exprs). */
  readonly distinct?: readonly Expr[];
  readonly targets: readonly ResTarget[];
  /** SELECT ... INTO t (CREATE TABLE AS): rejected by the converter for now. */
  readonly from: readonly FromItem[];
  readonly where?: Expr;
  readonly groupBy: readonly GroupingElement[];
  readonly groupByDistinct: boolean;
  readonly having?: Expr;
  readonly windows: readonly NamedWindow[];
}

export interface ValuesSelect extends SelectCommon {
  readonly kind: 'Values';
  readonly rows: readonly (readonly Expr[])[];
}

export interface SetOpSelect extends SelectCommon {
  readonly kind: 'SetOp';
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: SelectStmt;
  readonly right: SelectStmt;
}

// ---------------------------------------------------------------------------------------
// DML

export interface OnConflict {
  readonly target: readonly string[];
  /** Expression elements of the conflict target (`ON CONFLICT (lower(k))`), matched against index expressions. */
  readonly targetExprs?: readonly Expr[];
  readonly targetWhere?: Expr;
  /** ON CONFLICT ON CONSTRAINT name */
  readonly constraint?: string;
  readonly action: 'nothing' | 'update';
  readonly set: readonly ResTarget[];
  readonly where?: Expr;
  /** Of the ON CONFLICT clause (-1 when unknown). */
  readonly location?: number;
  /** Of the conflict target (its opening parenthesis), where PostgreSQL reports a bad target column. */
  readonly targetLocation?: number;
}

export interface InsertStmt {
  readonly kind: 'Insert';
  readonly with?: WithClause;
  readonly table: RangeVar;
  /** Column list as written; [] = all columns in order. */
  readonly columns: readonly string[];
  /** Location of each name in `columns` (error positions). */
  readonly columnLocations?: readonly number[];
  /** undefined = DEFAULT VALUES. */
  readonly source?: SelectStmt;
  readonly overriding?: 'user' | 'system';
  readonly onConflict?: OnConflict;
  readonly returning: readonly ResTarget[];
  readonly location: number;
}

export interface UpdateStmt {
  readonly kind: 'Update';
  readonly with?: WithClause;
  readonly table: RangeVar;
  /** SET a = x; SET (a, b) = (x, y) is expanded into one target per column. */
  readonly set: readonly ResTarget[];
  readonly from: readonly FromItem[];
  readonly where?: Expr;
  /** WHERE CURRENT OF cursor (instead of `where`): the session rewrites it before binding. */
  readonly currentOf?: string;
  readonly returning: readonly ResTarget[];
  readonly location: number;
}

export interface DeleteStmt {
  readonly kind: 'Delete';
  readonly with?: WithClause;
  readonly table: RangeVar;
  readonly using: readonly FromItem[];
  readonly where?: Expr;
  /** WHERE CURRENT OF cursor (instead of `where`): the session rewrites it before binding. */
  readonly currentOf?: string;
  readonly returning: readonly ResTarget[];
  readonly location: number;
}

// ---------------------------------------------------------------------------------------
// DDL

export type ConstraintDef =
  | { readonly kind: 'primaryKey'; readonly name?: string; readonly columns: readonly string[] }
  | { readonly kind: 'unique'; readonly name?: string; readonly columns: readonly string[]; readonly nullsNotDistinct: boolean }
  | { readonly kind: 'check'; readonly name?: string; readonly expr: Expr; readonly source: string; readonly noInherit: boolean }
  | {
      readonly kind: 'foreignKey';
      readonly name?: string;
      readonly columns: readonly string[];
      readonly refTable: RangeVar;
      readonly refColumns: readonly string[];
      readonly onDelete: FkAction;
      readonly onUpdate: FkAction;
      readonly match: 'simple' | 'full' | 'partial';
      /** ON DELETE SET NULL/SET DEFAULT (cols) (PostgreSQL 15); absent = every key column. */
      readonly deleteSetColumns?: readonly string[];
      /** NOT VALID: existing rows are not checked (ALTER TABLE ADD only; CREATE TABLE's table is empty). */
      readonly notValid?: boolean;
      /** DEFERRABLE [INITIALLY DEFERRED]: INITIALLY DEFERRED checks at COMMIT (implies DEFERRABLE). */
      readonly deferrable?: boolean;
      readonly initiallyDeferred?: boolean;
    };

export type FkAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

/** Constraints written on a column. */
export type ColumnConstraint =
  | { readonly kind: 'notNull' }
  | { readonly kind: 'null' }
  | { readonly kind: 'default'; readonly expr: Expr; readonly source: string }
  | { readonly kind: 'identity'; readonly generated: 'always' | 'by default'; readonly options: SequenceOptions }
  | { readonly kind: 'generated'; readonly expr: Expr; readonly source: string; readonly location: number }
  | ConstraintDef;

export interface ColumnDef {
  readonly kind: 'ColumnDef';
  readonly name: string;
  readonly type: TypeName;
  readonly constraints: readonly ColumnConstraint[];
  readonly collation?: readonly string[];
  readonly location: number;
}

export interface CreateTableStmt {
  readonly kind: 'CreateTable';
  readonly table: RangeVar;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDef[];
  readonly constraints: readonly ConstraintDef[];
  readonly temporary: boolean;
  readonly unlogged: boolean;
  /** WITH (fillfactor = n) as written (pgbench -i sends it); other storage parameters are rejected. */
  readonly fillfactor?: number;
  readonly location: number;
}

export interface IndexElem {
  readonly column?: string;
  /** Expression index element. */
  readonly expr?: Expr;
  readonly direction: 'default' | 'asc' | 'desc';
  readonly nulls: 'default' | 'first' | 'last';
}

export interface CreateIndexStmt {
  readonly kind: 'CreateIndex';
  readonly name?: string;
  readonly table: RangeVar;
  readonly unique: boolean;
  readonly ifNotExists: boolean;
  readonly concurrently: boolean;
  /** btree only for now; 'btree' when not written. */
  readonly method: string;
  readonly elements: readonly IndexElem[];
  readonly include: readonly string[];
  readonly where?: Expr;
  readonly nullsNotDistinct: boolean;
  readonly location: number;
}

export type ObjectKind = 'table' | 'index' | 'sequence' | 'view' | 'schema' | 'type' | 'materialized view';

export interface DropStmt {
  readonly kind: 'Drop';
  readonly objectKind: ObjectKind;
  readonly names: readonly QualifiedName[];
  readonly ifExists: boolean;
  readonly cascade: boolean;
  readonly location: number;
}

export type AlterTableCmd =
  | { readonly kind: 'addColumn'; readonly column: ColumnDef; readonly ifNotExists: boolean }
  | { readonly kind: 'dropColumn'; readonly name: string; readonly ifExists: boolean; readonly cascade: boolean }
  | { readonly kind: 'renameColumn'; readonly from: string; readonly to: string }
  | { readonly kind: 'renameTable'; readonly to: string }
  | { readonly kind: 'renameConstraint'; readonly from: string; readonly to: string }
  | { readonly kind: 'addConstraint'; readonly constraint: ConstraintDef }
  | { readonly kind: 'dropConstraint'; readonly name: string; readonly ifExists: boolean; readonly cascade: boolean }
  /** VALIDATE CONSTRAINT name: checks the rows a NOT VALID foreign key skipped. */
  | { readonly kind: 'validateConstraint'; readonly name: string }
  | { readonly kind: 'setDefault'; readonly column: string; readonly expr: Expr; readonly source: string }
  | { readonly kind: 'dropDefault'; readonly column: string }
  | { readonly kind: 'setNotNull'; readonly column: string }
  | { readonly kind: 'dropNotNull'; readonly column: string }
  | {
      readonly kind: 'alterColumnType';
      readonly column: string;
      readonly type: TypeName;
      readonly using?: Expr;
      /** COLLATE name (qualified as written). */
      readonly collation?: readonly string[];
    }
  /** ALTER COLUMN c DROP EXPRESSION [IF EXISTS]: a generated column becomes a plain one. */
  | { readonly kind: 'dropExpression'; readonly column: string; readonly ifExists: boolean }
  | { readonly kind: 'setSchema'; readonly schema: string };

export interface AlterTableStmt {
  readonly kind: 'AlterTable';
  readonly table: RangeVar;
  /** ALTER VIEW (only ALTER COLUMN SET/DROP DEFAULT converts). */
  readonly view?: boolean;
  readonly ifExists: boolean;
  readonly commands: readonly AlterTableCmd[];
  readonly location: number;
}

/** ALTER INDEX/SEQUENCE/VIEW ... RENAME TO, ALTER SCHEMA ... RENAME TO */
export interface RenameStmt {
  readonly kind: 'Rename';
  readonly objectKind: ObjectKind;
  readonly name: QualifiedName;
  readonly newName: string;
  readonly ifExists: boolean;
  readonly location: number;
}

export interface CreateSchemaStmt {
  readonly kind: 'CreateSchema';
  readonly name: string;
  readonly ifNotExists: boolean;
  readonly authorization?: string;
  readonly location: number;
}

export interface SequenceOptions {
  readonly as?: TypeName;
  readonly increment?: string;
  readonly minValue?: string | null;
  readonly maxValue?: string | null;
  readonly start?: string;
  readonly cache?: string;
  readonly cycle?: boolean;
  /** RESTART [WITH n]: '' = restart at start. */
  readonly restart?: string;
  readonly ownedBy?: QualifiedName | 'none';
}

export interface CreateSequenceStmt {
  readonly kind: 'CreateSequence';
  readonly sequence: RangeVar;
  readonly ifNotExists: boolean;
  readonly options: SequenceOptions;
  readonly location: number;
}

export interface AlterSequenceStmt {
  readonly kind: 'AlterSequence';
  readonly sequence: RangeVar;
  readonly ifExists: boolean;
  readonly options: SequenceOptions;
  readonly location: number;
}

export interface CreateViewStmt {
  readonly kind: 'CreateView';
  readonly view: RangeVar;
  readonly columns: readonly string[];
  readonly query: SelectStmt;
  /** Query text as written, for pg_get_viewdef until the deparser prints it. */
  readonly source: string;
  readonly orReplace: boolean;
  /** WITH [LOCAL | CASCADED] CHECK OPTION; absent = none. */
  readonly checkOption?: 'local' | 'cascaded';
  readonly location: number;
}

export interface TruncateStmt {
  readonly kind: 'Truncate';
  readonly tables: readonly RangeVar[];
  readonly restartIdentity: boolean;
  readonly cascade: boolean;
  readonly location: number;
}

export interface CommentStmt {
  readonly kind: 'Comment';
  readonly objectKind: 'table' | 'column' | 'index' | 'sequence' | 'view' | 'schema' | 'database' | 'type' | 'constraint';
  readonly name: QualifiedName;
  /** For COMMENT ON CONSTRAINT c ON t. */
  readonly onTable?: QualifiedName;
  readonly comment: string | null;
  readonly location: number;
}

export interface CreateEnumStmt {
  readonly kind: 'CreateEnum';
  readonly name: QualifiedName;
  readonly labels: readonly string[];
  readonly location: number;
}

/** ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'x' [BEFORE|AFTER 'y'] / RENAME VALUE 'a' TO 'b'. */
export interface AlterEnumStmt {
  readonly kind: 'AlterEnum';
  readonly name: QualifiedName;
  readonly action:
    | {
        readonly kind: 'addValue';
        readonly label: string;
        readonly ifNotExists: boolean;
        readonly position?: { readonly where: 'before' | 'after'; readonly neighbor: string };
      }
    | { readonly kind: 'renameValue'; readonly from: string; readonly to: string };
  readonly location: number;
}

// ---------------------------------------------------------------------------------------
// Transactions, sessions, utilities

export type IsolationLevel = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionModes {
  readonly isolation?: IsolationLevel;
  readonly readOnly?: boolean;
  readonly deferrable?: boolean;
}

export type TransactionStmt =
  | { readonly kind: 'Begin'; readonly modes: TransactionModes; readonly location: number }
  | { readonly kind: 'Commit'; readonly chain: boolean; readonly location: number }
  | { readonly kind: 'Rollback'; readonly chain: boolean; readonly location: number }
  | { readonly kind: 'Savepoint'; readonly name: string; readonly location: number }
  | { readonly kind: 'ReleaseSavepoint'; readonly name: string; readonly location: number }
  | { readonly kind: 'RollbackToSavepoint'; readonly name: string; readonly location: number }
  | { readonly kind: 'SetTransaction'; readonly modes: TransactionModes; readonly session: boolean; readonly location: number };

export interface SetStmt {
  readonly kind: 'Set';
  /** Lower-cased parameter name, e.g. 'datestyle', 'nodedb.read_consistency', 'search_path'. */
  readonly name: string;
  /** Values as text: SET x = a, b → ['a', 'b']; SET x TO DEFAULT → 'default'. */
  readonly value: readonly string[] | 'default';
  readonly local: boolean;
  readonly location: number;
}

export interface ResetStmt {
  readonly kind: 'Reset';
  /** 'all' for RESET ALL. */
  readonly name: string;
  readonly location: number;
}

export interface ShowStmt {
  readonly kind: 'Show';
  /** Lower-cased; 'all' for SHOW ALL. */
  readonly name: string;
  readonly location: number;
}

export interface ExplainStmt {
  readonly kind: 'Explain';
  readonly analyze: boolean;
  readonly verbose: boolean;
  readonly costs: boolean;
  readonly format: 'text' | 'json';
  readonly statement: Statement;
  readonly location: number;
}

export interface CopyOptions {
  readonly format: 'text' | 'csv' | 'binary';
  readonly delimiter?: string;
  readonly null?: string;
  readonly header: boolean | 'match';
  readonly quote?: string;
  readonly escape?: string;
  readonly forceQuote: readonly string[] | '*';
  readonly forceNotNull: readonly string[];
  readonly encoding?: string;
  /** FREEZE (pgbench -i sends `with (freeze on)`); undefined = not written. */
  readonly freeze?: boolean;
}

export interface CopyStmt {
  readonly kind: 'Copy';
  readonly table?: RangeVar;
  readonly columns: readonly string[];
  /** COPY (query) TO STDOUT */
  readonly query?: Statement;
  readonly direction: 'from' | 'to';
  /** Only STDIN/STDOUT are supported; a file name is rejected (server-side files are not allowed). */
  readonly target: 'stdio';
  readonly options: CopyOptions;
  readonly where?: Expr;
  readonly location: number;
}

export interface PrepareStmt {
  readonly kind: 'Prepare';
  readonly name: string;
  readonly paramTypes: readonly TypeName[];
  readonly statement: Statement;
  /** Text of the inner statement. */
  readonly source: string;
  readonly location: number;
}

export interface ExecuteStmt {
  readonly kind: 'Execute';
  readonly name: string;
  readonly params: readonly Expr[];
  readonly location: number;
}

export interface DeallocateStmt {
  readonly kind: 'Deallocate';
  /** undefined = DEALLOCATE ALL */
  readonly name?: string;
  readonly location: number;
}

export interface DeclareCursorStmt {
  readonly kind: 'DeclareCursor';
  readonly name: string;
  readonly query: SelectStmt;
  readonly binary: boolean;
  readonly scroll: boolean;
  /** NO SCROLL written (neither SCROLL nor NO SCROLL: scrollable when the plan allows, as in PostgreSQL). */
  readonly noScroll: boolean;
  readonly hold: boolean;
  readonly location: number;
}

export interface FetchStmt {
  readonly kind: 'Fetch';
  readonly name: string;
  /** MOVE instead of FETCH. */
  readonly move: boolean;
  readonly direction: 'forward' | 'backward' | 'absolute' | 'relative';
  /** Row count; Infinity for ALL. */
  readonly count: number;
  readonly location: number;
}

export interface ClosePortalStmt {
  readonly kind: 'CloseCursor';
  /** undefined = CLOSE ALL */
  readonly name?: string;
  readonly location: number;
}

export interface VacuumStmt {
  readonly kind: 'Vacuum';
  readonly analyze: boolean;
  /** VACUUM without VACUUM (only ANALYZE written). */
  readonly vacuum: boolean;
  readonly tables: readonly RangeVar[];
  readonly location: number;
}

export interface DiscardStmt {
  readonly kind: 'Discard';
  readonly target: 'all' | 'plans' | 'sequences' | 'temp';
  readonly location: number;
}

/** LISTEN/NOTIFY/UNLISTEN are accepted only where they can be honoured. */
export interface ListenStmt {
  readonly kind: 'Listen' | 'Unlisten' | 'Notify';
  readonly channel: string;
  readonly payload?: string;
  readonly location: number;
}

/** nodedb's own statements, recognised by the pre-parser on scanSync tokens. */
export type NodedbStmt =
  | { readonly kind: 'ShowSchemaVersion'; readonly location: number }
  | { readonly kind: 'ShowNodes'; readonly location: number }
  | {
      readonly kind: 'ShowRanges';
      readonly from?: { readonly table: QualifiedName; readonly index?: string };
      readonly location: number;
    }
  | { readonly kind: 'ShowRouting'; readonly table: QualifiedName; readonly key: readonly Expr[]; readonly location: number };

export type DdlStatement =
  | CreateTableStmt
  | CreateIndexStmt
  | DropStmt
  | AlterTableStmt
  | RenameStmt
  | CreateSchemaStmt
  | CreateSequenceStmt
  | AlterSequenceStmt
  | CreateViewStmt
  | TruncateStmt
  | CommentStmt
  | CreateEnumStmt
  | AlterEnumStmt;

export type Statement =
  | SelectStmt
  | InsertStmt
  | UpdateStmt
  | DeleteStmt
  | DdlStatement
  | TransactionStmt
  | SetStmt
  | ResetStmt
  | ShowStmt
  | ExplainStmt
  | CopyStmt
  | PrepareStmt
  | ExecuteStmt
  | DeallocateStmt
  | DeclareCursorStmt
  | FetchStmt
  | ClosePortalStmt
  | VacuumStmt
  | DiscardStmt
  | ListenStmt
  | NodedbStmt;

/** One statement of a query string, with its source text span. */
export interface ParsedStatement {
  readonly statement: Statement;
  /** The statement's own text (for pg_stat_activity, PREPARE source, logs). */
  readonly text: string;
  /** Offset of `text` in the whole query string (error positions are relative to the whole string). */
  readonly offset: number;
}
