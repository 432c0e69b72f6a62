// npm run db:bundle [-- --out <file>] — writes every migration as one SQL file (default
// dist/agentbase.sql) for pasting into Supabase Studio's SQL editor; see scripts/lib/bundle.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { log, main, projectRoot } from './lib/engine.js';
import { buildBundle } from './lib/bundle.js';
import { localMigrations } from './lib/migrations.js';

main(() => {
  const i = process.argv.indexOf('--out');
  const out = resolve(projectRoot, i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : 'dist/agentbase.sql');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, buildBundle());
  log(`wrote ${out} (${localMigrations().length} migrations)`);
});
