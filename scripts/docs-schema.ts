// npm run docs:schema — writes docs/schema.sql, the whole schema (public and private) in one readable file.
// Run it after `npm run db:reset` so the dump reflects the migrations, not a database's later changes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureEngine } from './lib/cluster.js';
import { log, main, projectRoot } from './lib/engine.js';
import { schemaSnapshot, schemaSnapshotPath } from './lib/schema-dump.js';

main(async () => {
  const { url } = await ensureEngine();
  writeFileSync(join(projectRoot, schemaSnapshotPath), schemaSnapshot(url));
  log(`wrote ${schemaSnapshotPath}`);
});
