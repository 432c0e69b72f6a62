// npm run db:status — which database the scripts use, and whether it answers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { canConnect, clusterRunning, dataDir, dbUrl, engineDir, main, port, query } from './lib/engine.js';

main(async () => {
  const url = dbUrl();
  const up = await canConnect(url);
  console.log(`url:          ${url}`);
  console.log(`source:       ${process.env.SUPABASE_DB_URL ? 'SUPABASE_DB_URL' : `local engine (or supabase start) on ${port}`}`);
  console.log(`local engine: ${existsSync(join(dataDir, 'PG_VERSION')) ? (clusterRunning() ? 'running' : 'stopped') : 'not created'}`);
  console.log(`engine data:  ${engineDir}`);
  console.log(`reachable:    ${up ? 'yes' : 'no'}`);
  if (up) {
    const [row] = await query<{ version: string; migrations: string }>(url, `
      select current_setting('server_version') as version,
             (select count(*)::text from supabase_migrations.schema_migrations) as migrations`).catch(async () =>
      query<{ version: string; migrations: string }>(url, `select current_setting('server_version') as version, 'none' as migrations`));
    console.log(`postgres:     ${row?.version}`);
    console.log(`migrations:   ${row?.migrations} applied`);
  }
  process.exitCode = up ? 0 : 1;
});
