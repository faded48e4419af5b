// psql's describe commands for expression and partial indexes, against nodedb and a scratch
// PostgreSQL 15 holding the same schema: the printed text must be identical (index lines of
// \d TABLE, and \d INDEX with its expression columns). Needs the built CLI (npm run build).
import { describe, expect, it } from 'vitest';
import { psqlAgainstPostgres } from '../test/harness/psql-compare.js';

const schema = `
CREATE TABLE ix (id int PRIMARY KEY, email text, a int, b int, active bool, n numeric);
CREATE INDEX ix_lower ON ix (lower(email));
CREATE UNIQUE INDEX ix_sum ON ix ((a + b));
CREATE INDEX ix_mixed ON ix (a, lower(email) DESC NULLS LAST, upper(email), lower(email)) WHERE active;
CREATE INDEX ix_pred ON ix (n) WHERE n > 0 AND email IS NOT NULL;
CREATE INDEX ix_cast ON ix ((a::text)) WHERE email = 'x';
`;

const servers = psqlAgainstPostgres(schema);

describe('psql describes expression and partial indexes as PostgreSQL 15', () => {
  for (const cmd of ['\\d ix', '\\d+ ix', '\\di', '\\d ix_lower', '\\d ix_sum', '\\d+ ix_mixed', '\\d ix_pred', '\\d ix_cast']) {
    it(cmd, async () => {
      const [ours, theirs] = await servers.both(['-c', cmd]);
      expect(ours).toBe(theirs);
    });
  }
});
