// Mermaid ER diagrams of the public schema, one per domain (the migration that creates each table), read
// from the live catalog so the picture cannot drift from the schema.
import { localMigrations, migrationsDir } from './migrations.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { query } from './engine.js';

export const erdPath = 'docs/erd.md';

/** table name -> the migration (domain step) that creates it. */
function tableDomains(): Map<string, string> {
  const domains = new Map<string, string>();
  for (const m of localMigrations()) {
    const sql = readFileSync(join(migrationsDir, m.file), 'utf8').replace(/--[^\n]*/g, '');
    for (const t of sql.matchAll(/create\s+table\s+(?:if\s+not\s+exists\s+)?public\.("?)([a-z_][a-z0-9_]*)\1/gi)) {
      if (!domains.has(t[2]!)) domains.set(t[2]!, m.name);
    }
  }
  return domains;
}

interface Column { table: string; column: string; type: string; pk: boolean; fk: boolean; nullable: boolean }
interface ForeignKey { from: string; to: string; columns: string; nullable: boolean; unique: boolean }

/** A column type as one Mermaid word: short names for the verbose ones, other characters folded to _. */
function mermaidType(type: string): string {
  const short = type
    .replace(/^timestamp with time zone/, 'timestamptz')
    .replace(/^timestamp without time zone/, 'timestamp')
    .replace(/^character varying/, 'varchar')
    .replace(/^double precision/, 'float8');
  return short.replace(/\[\]$/, '_array').replace(/[^A-Za-z0-9_]+/g, '_').replace(/_+$/, '');
}

export async function generateErd(url: string): Promise<string> {
  const columns = await query<Column>(url, `
    select c.relname as table, a.attname as column,
           regexp_replace(format_type(a.atttypid, a.atttypmod), '^(extensions|public)\\.', '') as type,
           exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'p' and a.attnum = any (k.conkey)) as pk,
           exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'f' and a.attnum = any (k.conkey)) as fk,
           not a.attnotnull as nullable
    from pg_class c
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
    order by c.relname, a.attnum`);
  const fks = await query<ForeignKey>(url, `
    select c.relname as from, r.relname as to,
           (select string_agg(a.attname, ', ' order by a.attnum) from pg_attribute a
             where a.attrelid = c.oid and a.attnum = any (k.conkey)) as columns,
           exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attnum = any (k.conkey) and not a.attnotnull) as nullable,
           exists (select 1 from pg_index i where i.indrelid = c.oid and i.indisunique and i.indpred is null
                   and (select array_agg(x order by x) from unnest(i.indkey::int2[]) x) =
                       (select array_agg(x order by x) from unnest(k.conkey) x)) as unique
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid
    join pg_class r on r.oid = k.confrelid
    where k.contype = 'f' and c.relnamespace = 'public'::regnamespace and r.relnamespace = 'public'::regnamespace
      and not c.relispartition
    order by 1, 2, 3`);
  const domains = tableDomains();
  const tables = [...new Set(columns.map((c) => c.table))];
  const byDomain = new Map<string, string[]>();
  for (const t of tables) {
    const d = domains.get(t) ?? 'other';
    byDomain.set(d, [...(byDomain.get(d) ?? []), t]);
  }
  const order = [...localMigrations().map((m) => m.name), 'other'].filter((d, i, all) => byDomain.has(d) && all.indexOf(d) === i);

  const out: string[] = [
    '# Entity-relationship diagrams',
    '',
    'Generated from the live catalog by `npm run docs:erd` (one diagram per migration that creates tables);',
    'a test fails when this file is stale. Tables of other domains that a domain references appear with',
    'their name only. Relationship labels are the foreign-key columns.',
    '',
  ];
  for (const domain of order) {
    const own = byDomain.get(domain)!;
    const edges = fks.filter((f) => own.includes(f.from));
    out.push(`## ${domain}`, '', '```mermaid', 'erDiagram');
    for (const t of own) {
      out.push(`  ${t} {`);
      for (const c of columns.filter((col) => col.table === t)) {
        const keys = [c.pk ? 'PK' : '', c.fk ? 'FK' : ''].filter(Boolean).join(', ');
        out.push(`    ${mermaidType(c.type)} ${c.column}${keys ? ` ${keys}` : ''}`);
      }
      out.push('  }');
    }
    for (const e of edges) {
      // to ||--o{ from: one referenced row, zero or more referencing rows (one or zero when unique).
      const right = e.unique ? (e.nullable ? 'o|' : '||') : 'o{';
      const left = e.nullable ? '|o' : '||';
      out.push(`  ${e.to} ${left}--${right} ${e.from} : "${e.columns}"`);
    }
    out.push('```', '');
  }
  return out.join('\n');
}
