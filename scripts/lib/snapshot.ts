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

/**
 * The catalog, read query by query (no pg_dump): what a migration run leaves behind, in a stable text form
 * with no oids. Covers our schemas (tables, columns, constraints, indexes, policies, triggers, types, views,
 * functions with their bodies, settings and owners, comments, grants and default privileges) and what the
 * migrations touch elsewhere (storage.objects policies, auth.users triggers, extensions, the Realtime
 * publication, cron jobs, storage buckets).
 */
export const catalogQueries: Record<string, string> = {
  schemas: `select nspname, pg_get_userbyid(nspowner), coalesce(nspacl::text, '') from pg_namespace
            where nspname in ('public', 'private') order by 1`,
  extensions: `select e.extname, e.extversion, n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace order by 1`,
  relations: `select n.nspname, c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner),
                     coalesce(c.relacl::text, ''), coalesce(c.reloptions::text, ''), coalesce(obj_description(c.oid, 'pg_class'), '')
              from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname in ('public', 'private') and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') order by 1, 2`,
  columns: `select n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, a.attgenerated,
                   coalesce(pg_get_expr(d.adbin, d.adrelid), ''), coalesce(a.attacl::text, ''), coalesce(col_description(c.oid, a.attnum), '')
            from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
            where n.nspname in ('public', 'private') and c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped
            order by 1, 2, a.attnum`,
  constraints: `select n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid)
                from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
                where n.nspname in ('public', 'private') order by 1, 2, 3`,
  indexes: `select schemaname, tablename, indexname, indexdef from pg_indexes where schemaname in ('public', 'private') order by 1, 2, 3`,
  policies: `select p.schemaname, p.tablename, p.policyname, p.permissive, p.roles::text, p.cmd, coalesce(p.qual, ''), coalesce(p.with_check, ''),
                    coalesce(obj_description(pp.oid, 'pg_policy'), '')
             from pg_policies p join pg_policy pp on pp.polname = p.policyname
               and pp.polrelid = format('%I.%I', p.schemaname, p.tablename)::regclass
             where p.schemaname in ('public', 'private', 'storage') order by 1, 2, 3`,
  triggers: `select n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled
             from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
             where not t.tgisinternal and (n.nspname in ('public', 'private') or (n.nspname, c.relname) in (('auth', 'users'), ('storage', 'objects')))
             order by 1, 2, 3`,
  types: `select n.nspname, t.typname, t.typtype,
                 coalesce((select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), ''),
                 coalesce(t.typacl::text, ''), coalesce(obj_description(t.oid, 'pg_type'), '')
          from pg_type t join pg_namespace n on n.oid = t.typnamespace
          where n.nspname in ('public', 'private') and t.typtype in ('e', 'd', 'c')
            and not exists (select 1 from pg_class c where c.oid = t.typrelid and c.relkind <> 'c')
          order by 1, 2`,
  views: `select schemaname, viewname, definition from pg_views where schemaname in ('public', 'private') order by 1, 2`,
  functions: `select p.oid::regprocedure::text, pg_get_function_result(p.oid), l.lanname, p.prokind, p.prosecdef, p.provolatile,
                     p.proleakproof, p.proisstrict, p.proretset, coalesce(p.proconfig::text, ''), pg_get_userbyid(p.proowner),
                     coalesce(p.proacl::text, ''), coalesce(obj_description(p.oid, 'pg_proc'), ''), md5(p.prosrc), p.prosrc
              from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
              where n.nspname in ('public', 'private') order by 1`,
  default_privileges: `select pg_get_userbyid(d.defaclrole), coalesce(n.nspname, ''), d.defaclobjtype, d.defaclacl::text
                       from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace order by 1, 2, 3`,
  publication: `select pubname, schemaname, tablename from pg_publication_tables where pubname = 'supabase_realtime' order by 1, 2, 3`,
  cron_jobs: `select jobname, schedule, command, database, username, active from cron.job order by 1`,
  buckets: `select id, name, public, coalesce(file_size_limit::text, ''), coalesce(allowed_mime_types::text, '') from storage.buckets order by 1`,
};

export function catalogSnapshot(url: string): string {
  const parts: string[] = [];
  for (const [name, sql] of Object.entries(catalogQueries)) {
    const out = run('psql', ['-X', '-v', 'ON_ERROR_STOP=1', '-q', '-At', '-c', sql], { env: pgEnv(url) }).stdout;
    parts.push(`## ${name}\n${out}`);
  }
  return parts.join('\n');
}
