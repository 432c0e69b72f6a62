// npm run db:status [-- --db-url <url>] — which database the scripts use, whether it answers, and whether
// it is behind this checkout: migrations present here but not applied there, and tables or RPCs the
// migrations create that the target lacks (a forgotten migration shows up after a deploy as an
// undefined-table error). Exits non-zero when the database is unreachable or behind.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { canConnect, clusterRunning, dataDir, dbUrl, engineDir, main, port, query } from './lib/engine.js';
import { expectedObjects, localMigrations } from './lib/migrations.js';

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  if (i < 0) return undefined;
  const value = process.argv[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`${flag} needs a value, e.g. ${flag} postgresql://user:pass@host:5432/postgres`);
  return value;
}

main(async () => {
  const explicit = argValue('--db-url');
  const url = explicit ?? dbUrl();
  const up = await canConnect(url);
  const shown = url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  console.log(`url:          ${shown}`);
  console.log(`source:       ${explicit ? '--db-url' : process.env.SUPABASE_DB_URL ? 'SUPABASE_DB_URL' : `local engine (or supabase start) on ${port}`}`);
  if (!explicit) {
    console.log(`local engine: ${existsSync(join(dataDir, 'PG_VERSION')) ? (clusterRunning() ? 'running' : 'stopped') : 'not created'}`);
    console.log(`engine data:  ${engineDir}`);
  }
  console.log(`reachable:    ${up ? 'yes' : 'no'}`);
  if (!up) {
    process.exitCode = 1;
    return;
  }

  const [server] = await query<{ version: string; tracked: boolean }>(url, `
    select current_setting('server_version') as version,
           to_regclass('supabase_migrations.schema_migrations') is not null as tracked`);
  const applied = server?.tracked
    ? (await query<{ version: string }>(url, 'select version from supabase_migrations.schema_migrations')).map((r) => r.version)
    : [];
  const local = localMigrations();
  const missing = local.filter((m) => !applied.includes(m.version));
  const unknown = applied.filter((v) => !local.some((m) => m.version === v)).sort();
  console.log(`postgres:     ${server?.version}`);
  console.log(`migrations:   ${applied.length} applied, ${local.length} here, ${missing.length} not applied`);
  for (const m of missing) console.log(`  not applied: ${m.file}`);
  for (const v of unknown) console.log(`  applied there but not in this checkout: ${v}`);

  const expected = expectedObjects();
  const present = await query<{ kind: string; name: string; found: boolean }>(url, `
    select e.kind, e.name,
           case e.kind
             when 'table' then to_regclass('public.' || quote_ident(e.name)) is not null
             else exists (select 1 from pg_proc p where p.pronamespace = 'public'::regnamespace and p.proname = e.name)
           end as found
    from jsonb_to_recordset($1::jsonb) as e(kind text, name text)`, [JSON.stringify(expected)]);
  const absent = present.filter((o) => !o.found);
  console.log(`objects:      ${present.length - absent.length} of ${present.length} expected tables and RPCs present`);
  for (const o of absent) console.log(`  missing ${o.kind}: public.${o.name}`);

  process.exitCode = missing.length > 0 || absent.length > 0 ? 1 : 0;
});
