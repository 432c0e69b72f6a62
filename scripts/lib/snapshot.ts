// A schema snapshot for comparing two databases (or one database before and after): pg_dump of our two
// schemas plus what migrations put elsewhere (cron jobs, Realtime publication, storage buckets).
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
