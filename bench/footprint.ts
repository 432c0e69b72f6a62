// npm run bench:footprint — bytes one workspace occupies: rows and heap bytes per table for the seeded demo
// workspace (or BENCH_WORKSPACE_ID), plus the database's index-to-heap ratio to estimate index bytes.
import pg from 'pg';

const url = process.env.SUPABASE_DB_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54322/postgres';
const workspaceId = process.env.BENCH_WORKSPACE_ID ?? 'd2000000-0000-4000-8000-000000000001';

const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows: tables } = await client.query<{ name: string }>(`
  select c.relname as name from pg_class c
  join pg_attribute a on a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped
  where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
  order by 1`);
let totalRows = 0;
let totalBytes = 0;
let totalIndexEntries = 0;
const lines: string[] = [];
for (const { name } of tables) {
  const { rows } = await client.query<{ n: string; bytes: string | null }>(
    `select count(*) as n, sum(pg_column_size(t.*)) as bytes from public.${client.escapeIdentifier(name)} t where t.workspace_id = $1`,
    [workspaceId]);
  const n = Number(rows[0]!.n);
  const bytes = Number(rows[0]!.bytes ?? 0);
  if (n === 0) continue;
  // Partial indexes hold only some rows; counted in full here, so this over- rather than under-estimates.
  const { rows: idx } = await client.query<{ n: number }>(
    `select count(*)::int as n from pg_index where indrelid = ('public.' || quote_ident($1))::regclass`, [name]);
  totalRows += n;
  totalBytes += bytes;
  totalIndexEntries += n * idx[0]!.n;
  lines.push(`| \`${name}\` | ${n} | ${bytes.toLocaleString('en-US')} | ${idx[0]!.n} |`);
}
await client.end();

// A btree entry on uuid/int/timestamptz keys takes about 32 bytes with its tuple header and line pointer;
// heap rows carry a 24-byte header and a 4-byte line pointer beyond pg_column_size.
const heapBytes = totalBytes + totalRows * 28;
const indexBytes = totalIndexEntries * 32;
console.log(`workspace ${workspaceId}: ${totalRows} rows in ${lines.length} tables`);
console.log(`row data ${totalBytes.toLocaleString('en-US')} B; heap with tuple overhead ~${heapBytes.toLocaleString('en-US')} B; ` +
  `${totalIndexEntries} index entries ~${indexBytes.toLocaleString('en-US')} B; total ~${(heapBytes + indexBytes).toLocaleString('en-US')} B ` +
  `(~${Math.round((heapBytes + indexBytes) / Math.max(1, totalRows))} B per row)`);
console.log('\n| table | rows | row bytes | indexes |\n|---|---|---|---|');
for (const line of lines) console.log(line);
