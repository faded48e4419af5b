/** DDL execution: public API. */
export { executeDdl } from './execute.js';
export type { DdlContext, DdlDataOps, DdlExprPurpose, DdlResult, MissingValueResult, RewriteValue } from './context.js';
