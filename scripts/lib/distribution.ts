// What stands between the schema and distributing it by workspace_id (e.g. on Citus): for every public
// table, the keys and foreign keys that a hash-distributed table co-located on workspace_id could not
// keep as they are. workspaces itself is the distribution root, keyed by its id.
import { query } from './engine.js';

export interface DistributionProblem {
  table: string;
  problem: string;
}

export async function distributionProblems(url: string): Promise<DistributionProblem[]> {
  return query<DistributionProblem>(url, `
    with t as (
      select c.oid, c.relname,
             case when c.relname = 'workspaces' then 'id'
                  when exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id'
                               and not a.attisdropped) then 'workspace_id' end as dist_col
      from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
    ),
    keyed as (
      select t.*, (select attnum from pg_attribute a where a.attrelid = t.oid and a.attname = t.dist_col) as dist_attnum
      from t
    ),
    problems as (
      -- Unique constraints and unique indexes (incl. the primary key) must contain the distribution column.
      select k.relname as table,
             case when i.indisprimary then 'primary key' else 'unique index ' || ic.relname end
               || ' does not include ' || k.dist_col as problem
      from keyed k
      join pg_index i on i.indrelid = k.oid and i.indisunique
      join pg_class ic on ic.oid = i.indexrelid
      where k.dist_col is not null and not (k.dist_attnum = any (i.indkey::int2[]))
      union all
      -- Foreign keys between distributed tables must match on the distribution column (co-location).
      select k.relname,
             'foreign key ' || f.conname || ' to ' || r.relname || ' does not match on ' || k.dist_col
      from keyed k
      join pg_constraint f on f.conrelid = k.oid and f.contype = 'f'
      join keyed r on r.oid = f.confrelid
      where k.dist_col is not null and r.dist_col is not null
        and not exists (select 1 from unnest(f.conkey, f.confkey) as p(local, remote)
                        where p.local = k.dist_attnum and p.remote = r.dist_attnum)
      union all
      -- A table without workspace_id would be a reference table, which cannot point at distributed ones.
      select k.relname, 'no workspace_id, yet foreign key ' || f.conname || ' points at distributed ' || r.relname
      from keyed k
      join pg_constraint f on f.conrelid = k.oid and f.contype = 'f'
      join keyed r on r.oid = f.confrelid
      where k.dist_col is null and r.dist_col is not null
    )
    select "table", problem from problems order by 1, 2`);
}

const startMarker = '<!-- distribution:start (npm run docs:distribution) -->';
const endMarker = '<!-- distribution:end -->';

/** The markdown list between the markers in docs/scaling.md. */
export function distributionBlock(problems: DistributionProblem[]): string {
  const tables = new Set(problems.map((p) => p.table));
  const lines = problems.map((p) => `| \`${p.table}\` | ${p.problem} |`);
  return [`${problems.length} blockers in ${tables.size} tables.`, '', '| table | what blocks it |', '|---|---|', ...lines].join('\n');
}

export function extractDistributionBlock(doc: string): string | null {
  const start = doc.indexOf(startMarker);
  const end = doc.indexOf(endMarker);
  if (start < 0 || end < start) return null;
  return doc.slice(start + startMarker.length, end).trim();
}

export function replaceDistributionBlock(doc: string, block: string): string {
  const start = doc.indexOf(startMarker);
  const end = doc.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`docs/scaling.md lacks the markers ${startMarker} ... ${endMarker}`);
  return `${doc.slice(0, start + startMarker.length)}\n${block}\n${doc.slice(end)}`;
}
