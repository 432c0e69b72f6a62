// Snapshots for comparing two databases (or one before and after): a pg_dump of our two schemas plus what
// migrations put elsewhere (cron jobs, Realtime publication, storage buckets), and the object-by-object
// catalog snapshot of scripts/lib/catalog.ts as text.
import pg from 'pg';
import { snapshotCatalog, snapshotText } from './catalog.js';
import { pgTool, run } from './engine.js';

/** libpq environment for a URL, so psql/pg_dump reach the same database the scripts use. */
export function pgEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  return {
    ...process.env,
    PGHOST: u.hostname,
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: u.pathname.replace(/^\//, '') || 'postgres',
    PGSSLMODE: process.env.PGSSLMODE ?? 'prefer',
  };
}

/** Schema-only pg_dump of `public` and `private` (pg_dump of the server's major), minus its per-run key. */
export function dumpOurSchemas(url: string, extraArgs: string[] = []): string {
  const [dump, dumpArgs] = pgTool('pg_dump');
  return run(dump, [...dumpArgs, '--schema-only', ...extraArgs, '-n', 'public', '-n', 'private'], { env: pgEnv(url) })
    .stdout.split('\n').filter((line) => !/^\\(un)?restrict /.test(line)).join('\n');
}

export function schemaSnapshot(url: string): string {
  const schema = dumpOurSchemas(url);
  const extras = run('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-q', '-At',
    '-c', 'select jobname, schedule, command from cron.job order by 1',
    '-c', `select tablename from pg_publication_tables where pubname = 'supabase_realtime' order by 1`,
    '-c', 'select id, public from storage.buckets order by 1'], { env: pgEnv(url) }).stdout;
  return `${schema}\n${extras}`;
}

/** The catalog snapshot of scripts/lib/catalog.ts, as one text, read over its own connection. */
export async function catalogSnapshot(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return snapshotText(await snapshotCatalog(client));
  } finally {
    await client.end();
  }
}
