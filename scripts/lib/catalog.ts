// A catalog snapshot: what the migrations define, as sorted text rows per section, so two databases can
// be compared object by object (the catalog-identity test, bundle and hosted-fidelity checks).
//
// Covered: the `public` and `private` schemas (tables and their storage options, columns, constraints,
// indexes, policies, triggers, functions with bodies and settings, enum types, grants, default
// privileges), plus what migrations put elsewhere: triggers on auth.users, policies on storage.objects,
// the supabase_realtime publication, cron jobs. Comments are a section of their own, so a comparison can
// leave them out. Rows hold names, never oids, so two databases built the same way give the same text.
import type pg from 'pg';

/** Schemas whose objects the snapshot lists. */
export const snapshotSchemas = ['public', 'private'] as const;

/** Section name -> query returning one `row` text column; rows are sorted in SQL and again in JS. */
export const catalogQueries: Record<string, string> = {
  schemas: `
    select n.nspname || ' owner=' || pg_get_userbyid(n.nspowner) || ' acl=' || coalesce(n.nspacl::text, '') as row
    from pg_namespace n where n.nspname = any ($1)`,

  tables: `
    select n.nspname || '.' || c.relname || ' kind=' || c.relkind::text || ' rls=' || c.relrowsecurity
           || ' force_rls=' || c.relforcerowsecurity || ' options=' || coalesce(array_to_string(c.reloptions, ','), '')
           || ' owner=' || pg_get_userbyid(c.relowner) as row
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = any ($1) and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')`,

  columns: `
    select n.nspname || '.' || c.relname || ' #' || lpad(a.attnum::text, 3, '0') || ' ' || a.attname || ' '
           || format_type(a.atttypid, a.atttypmod) || case when a.attnotnull then ' not null' else '' end
           || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
           || case when a.attidentity::text <> '' then ' identity=' || a.attidentity::text else '' end
           || case when a.attgenerated::text <> '' then ' generated=' || a.attgenerated::text else '' end
           || coalesce(' acl=' || a.attacl::text, '') as row
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where n.nspname = any ($1) and c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped`,

  constraints: `
    select n.nspname || '.' || c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid, true) as row
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = any ($1)`,

  indexes: `
    select schemaname || '.' || tablename || ' ' || indexdef as row
    from pg_indexes where schemaname = any ($1)`,

  policies: `
    select schemaname || '.' || tablename || ' ' || policyname || ' ' || permissive || ' ' || cmd
           || ' to ' || array_to_string(roles, ',') || ' using (' || coalesce(qual, '') || ')'
           || ' check (' || coalesce(with_check, '') || ')' as row
    from pg_policies
    where schemaname = any ($1) or (schemaname = 'storage' and tablename = 'objects')`,

  triggers: `
    select n.nspname || '.' || c.relname || ' ' || t.tgname || ' enabled=' || t.tgenabled::text || ' '
           || pg_get_triggerdef(t.oid, true) as row
    from pg_trigger t
    join pg_class c on c.oid = t.tgrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_proc p on p.oid = t.tgfoid
    where not t.tgisinternal
      and (n.nspname = any ($1) or p.pronamespace::regnamespace::text = any ($1))`,

  functions: `
    select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
           || ' returns ' || pg_get_function_result(p.oid)
           || ' kind=' || p.prokind::text || ' lang=' || l.lanname || ' volatility=' || p.provolatile::text
           || ' strict=' || p.proisstrict || ' security_definer=' || p.prosecdef || ' leakproof=' || p.proleakproof
           || ' parallel=' || p.proparallel::text || ' owner=' || pg_get_userbyid(p.proowner)
           || ' config=' || coalesce(array_to_string(p.proconfig, ','), '')
           || ' args=' || pg_get_function_arguments(p.oid)
           || ' body=' || coalesce(p.prosrc, '') as row
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    join pg_language l on l.oid = p.prolang
    where n.nspname = any ($1)`,

  types: `
    select n.nspname || '.' || t.typname || ' type=' || t.typtype::text
           || coalesce(' labels=' || (select string_agg(e.enumlabel, ',' order by e.enumsortorder)
                                      from pg_enum e where e.enumtypid = t.oid), '')
           || ' owner=' || pg_get_userbyid(t.typowner) || ' acl=' || coalesce(t.typacl::text, '') as row
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where n.nspname = any ($1) and t.typtype in ('e', 'd', 'r', 'm')
       or (n.nspname = any ($1) and t.typtype = 'c'
           and exists (select 1 from pg_class c where c.oid = t.typrelid and c.relkind = 'c'))`,

  grants: `
    select 'table ' || n.nspname || '.' || c.relname || ' ' || coalesce(nullif(x.grantee::regrole::text, '-'), 'public')
           || ' ' || x.privilege_type || case when x.is_grantable then ' with grant option' else '' end as row
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    cross join lateral aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) x
    where n.nspname = any ($1) and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
    union all
    select 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
           || case when x.grantee = 0 then 'public' else x.grantee::regrole::text end
           || ' ' || x.privilege_type || case when x.is_grantable then ' with grant option' else '' end
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    cross join lateral aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) x
    where n.nspname = any ($1)`,

  default_privileges: `
    select pg_get_userbyid(d.defaclrole) || ' in ' || coalesce(n.nspname, '(all schemas)') || ' on ' || d.defaclobjtype::text
           || ' ' || d.defaclacl::text as row
    from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace
    where n.nspname is null or n.nspname = any ($1)`,

  publications: `
    select pubname || ' ' || schemaname || '.' || tablename as row
    from pg_publication_tables
    where pubname = 'supabase_realtime' and schemaname = any ($1)`,

  cron_jobs: `
    select jobname || ' ' || schedule || ' ' || command || ' active=' || active as row
    from cron.job`,

  views: `
    select schemaname || '.' || viewname || ' ' || definition as row
    from pg_views where schemaname = any ($1)`,

  extensions: `
    select e.extname || ' ' || e.extversion || ' in ' || n.nspname as row
    from pg_extension e join pg_namespace n on n.oid = e.extnamespace`,

  buckets: `
    select id || ' ' || name || ' public=' || public || ' size=' || coalesce(file_size_limit::text, '')
           || ' mime=' || coalesce(allowed_mime_types::text, '') as row
    from storage.buckets`,

  comments: `
    select 'table ' || n.nspname || '.' || c.relname
           || coalesce('.' || a.attname, '') || ' ' || d.description as row
    from pg_description d
    join pg_class c on d.classoid = 'pg_class'::regclass and c.oid = d.objoid
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid and d.objsubid > 0
    where n.nspname = any ($1)
    union all
    select 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
           || d.description
    from pg_description d
    join pg_proc p on d.classoid = 'pg_proc'::regclass and p.oid = d.objoid
    join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = any ($1)
    union all
    select 'type ' || n.nspname || '.' || t.typname || ' ' || d.description
    from pg_description d
    join pg_type t on d.classoid = 'pg_type'::regclass and t.oid = d.objoid
    join pg_namespace n on n.oid = t.typnamespace
    where n.nspname = any ($1)
    union all
    select 'schema ' || n.nspname || ' ' || d.description
    from pg_description d
    join pg_namespace n on d.classoid = 'pg_namespace'::regclass and n.oid = d.objoid
    where n.nspname = any ($1)`,
};

export type CatalogSnapshot = Record<string, string[]>;

/** Reads every section; a section whose catalog is absent (no pg_cron) comes back as one `(absent)` row. */
export async function snapshotCatalog(
  client: Pick<pg.Client, 'query'>,
  schemas: readonly string[] = snapshotSchemas,
): Promise<CatalogSnapshot> {
  const snapshot: CatalogSnapshot = {};
  for (const [section, sql] of Object.entries(catalogQueries)) {
    const usesSchemas = sql.includes('$1');
    try {
      const { rows } = await client.query<{ row: string }>(sql, usesSchemas ? [schemas] : []);
      snapshot[section] = rows.map((r) => r.row).sort();
    } catch (error) {
      if ((error as { code?: string }).code !== '42P01') throw error;
      snapshot[section] = ['(absent)'];
    }
  }
  return snapshot;
}

/**
 * A function body as behaviour sees it: SQL line comments removed, runs of whitespace collapsed. Layout
 * and comments inside a body can change without a catalog difference that matters.
 */
/** The snapshot as one text (sections in order, rows sorted), for equality checks and readable diffs. */
export function snapshotText(snapshot: CatalogSnapshot): string {
  return Object.entries(snapshot).map(([section, rows]) => `## ${section}\n${rows.join('\n')}`).join('\n');
}

export function normalizeBody(body: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === '-' && body[i + 1] === '-') {
      while (i < body.length && body[i] !== '\n') i++;
      out += '\n';
      continue;
    }
    out += ch;
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** The functions section with every body normalized (see normalizeBody). */
export function normalizeFunctionBodies(rows: string[]): string[] {
  return rows
    .map((row) => {
      const at = row.indexOf(' body=');
      return at < 0 ? row : `${row.slice(0, at)} body=${normalizeBody(row.slice(at + 6))}`;
    })
    .sort();
}

export interface SnapshotDiff {
  section: string;
  onlyLeft: string[];
  onlyRight: string[];
}

/** Rows present on one side only, per section (empty when the snapshots match). */
export function diffSnapshots(left: CatalogSnapshot, right: CatalogSnapshot, skip: string[] = []): SnapshotDiff[] {
  const diffs: SnapshotDiff[] = [];
  const sections = [...new Set([...Object.keys(left), ...Object.keys(right)])].filter((s) => !skip.includes(s)).sort();
  for (const section of sections) {
    const a = new Set(left[section] ?? []);
    const b = new Set(right[section] ?? []);
    const onlyLeft = [...a].filter((r) => !b.has(r));
    const onlyRight = [...b].filter((r) => !a.has(r));
    if (onlyLeft.length || onlyRight.length) diffs.push({ section, onlyLeft, onlyRight });
  }
  return diffs;
}
