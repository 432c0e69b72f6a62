// With AGENTBASE_COVERAGE=1 (npm test sets it), every test file ends by merging plpgsql_check's profiler
// counters into the coverage file: a later file may reset the database or crash the server, which would
// lose them (scripts/lib/coverage.ts).
import { afterAll } from 'vitest';
import { harvestCoverage } from '../../scripts/lib/coverage.js';
import { DB_URL } from './db.js';

if (process.env.AGENTBASE_COVERAGE === '1') {
  afterAll(async () => {
    try {
      await harvestCoverage(DB_URL);
    } catch (error) {
      process.stderr.write(`coverage harvest skipped: ${(error as Error).message}\n`);
    }
  }, 120_000);
}
