/**
 * The one error type that crosses layers. Every user-facing failure carries a SQLSTATE
 * (https://www.postgresql.org/docs/15/errcodes-appendix.html). Anything thrown that is
 * not a SqlError is reported to the client as XX000 (internal_error) and logged.
 */
export interface SqlErrorFields {
  detail?: string;
  hint?: string;
  /** 1-based character position in the query text (syntax errors). */
  position?: number;
  severity?: 'ERROR' | 'FATAL' | 'PANIC';
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  dataType?: string;
  /** CONTEXT: where the error happened (e.g. `COPY t, line 3`). */
  where?: string;
}

export class SqlError extends Error {
  override name = 'SqlError';
  readonly code: string;
  readonly fields: SqlErrorFields;
  constructor(code: string, message: string, fields: SqlErrorFields = {}) {
    super(message);
    this.code = code;
    this.fields = fields;
  }
}

/** SQLSTATE codes used across the code base; add here rather than spelling literals. */
export const SqlState = {
  successfulCompletion: '00000',
  warning: '01000',
  connectionException: '08000',
  protocolViolation: '08P01',
  featureNotSupported: '0A000',
  invalidTransactionInitiation: '0B000',
  cardinalityViolation: '21000',
  dataException: '22000',
  stringDataRightTruncation: '22001',
  numericValueOutOfRange: '22003',
  nullValueNotAllowed: '22004',
  invalidDatetimeFormat: '22007',
  datetimeFieldOverflow: '22008',
  divisionByZero: '22012',
  invalidParameterValue: '22023',
  invalidTextRepresentation: '22P02',
  invalidBinaryRepresentation: '22P03',
  characterNotInRepertoire: '22021',
  invalidEscapeSequence: '22025',
  badCopyFileFormat: '22P04',
  sequenceGeneratorLimitExceeded: '2200H',
  cantChangeRuntimeParam: '55P02',
  arraySubscriptError: '2202E',
  integrityConstraintViolation: '23000',
  notNullViolation: '23502',
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
  checkViolation: '23514',
  withCheckOptionViolation: '44000',
  invalidCursorState: '24000',
  invalidTransactionState: '25000',
  activeSqlTransaction: '25001',
  noActiveSqlTransaction: '25P01',
  inFailedSqlTransaction: '25P02',
  readOnlySqlTransaction: '25006',
  invalidSqlStatementName: '26000',
  invalidAuthorizationSpecification: '28000',
  invalidPassword: '28P01',
  invalidCursorName: '34000',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  syntaxError: '42601',
  insufficientPrivilege: '42501',
  undefinedColumn: '42703',
  invalidName: '42602',
  undefinedFunction: '42883',
  undefinedTable: '42P01',
  undefinedParameter: '42P02',
  undefinedObject: '42704',
  undefinedSchema: '3F000',
  duplicateColumn: '42701',
  duplicateCursor: '42P03',
  duplicateDatabase: '42P04',
  duplicatePreparedStatement: '42P05',
  duplicateSchema: '42P06',
  duplicateTable: '42P07',
  duplicateObject: '42710',
  ambiguousColumn: '42702',
  ambiguousFunction: '42725',
  groupingError: '42803',
  datatypeMismatch: '42804',
  wrongObjectType: '42809',
  invalidColumnReference: '42P10',
  invalidForeignKey: '42830',
  invalidTableDefinition: '42P16',
  indeterminateDatatype: '42P18',
  cannotCoerce: '42846',
  invalidSchemaDefinition: '42P15',
  invalidObjectDefinition: '42P17',
  dependentObjectsStillExist: '2BP01',
  programLimitExceeded: '54000',
  statementTooComplex: '54001',
  objectNotInPrerequisiteState: '55000',
  lockNotAvailable: '55P03',
  queryCanceled: '57014',
  adminShutdown: '57P01',
  cannotConnectNow: '57P03',
  outOfMemory: '53200',
  tooManyConnections: '53300',
  configFileError: 'F0000',
  internalError: 'XX000',
} as const;

export function sqlError(code: string, message: string, fields?: SqlErrorFields): SqlError {
  return new SqlError(code, message, fields);
}
