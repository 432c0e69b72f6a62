// Vector search benchmark: HNSW (cosine) against exact search on synthetic 1536-d embeddings.
//
//   AGENTBASE_DB_PORT=54322 npm run bench:vector            (or SUPABASE_DB_URL=...)
//
// Everything happens in a scratch schema `bench_vector` (dropped at the end unless BENCH_KEEP=1), on a
// table shaped like the knowledge tables: `embedding extensions.vector` plus the same HNSW expression
// index the migrations create, `using hnsw ((embedding::extensions.vector(1536)) vector_cosine_ops)`
// (m = 16, ef_construction = 64, pgvector's defaults), and a btree on workspace_id.
//
// Data, generated server-side in SQL from a fixed seed (setseed, one process, no parallel workers), with
// two levels of clusters like topics and sub-topics of real document embeddings: BENCH_CLUSTERS centroids
// with coordinates uniform in ±0.5; BENCH_SUBCLUSTERS sub-centroids per cluster at centroid + uniform ±0.25;
// each point = a random sub-centroid + uniform noise in ±0.1 per coordinate, in a random one of
// BENCH_WORKSPACES workspaces. Cosine similarity is about 0.97 within a sub-cluster, 0.78 within a cluster,
// 0 across clusters. Queries are drawn from the same distribution (not rows of the table).
//
// Per query: exact top-10 (the bare column `embedding <=> q`, which the expression index cannot serve,
// so the planner scans) and HNSW top-10 (`embedding::vector(1536) <=> q`, with the settings the search
// RPCs use: hnsw.iterative_scan = relaxed_order; hnsw.ef_search 100 is the RPCs' value, 40 pgvector's default), each without and with a
// `workspace_id = $ws` filter. Recall@10 = |HNSW ∩ exact| / 10, averaged. Latencies are client-side
// round trips of a prepared statement on one connection: all exact queries first, then per ef_search an
// untimed warm-up pass and a timed pass of the HNSW queries (a hot index, as in steady use).
//
// Knobs: BENCH_ROWS (100000), BENCH_QUERIES (100), BENCH_CLUSTERS (100), BENCH_SUBCLUSTERS (50), BENCH_WORKSPACES (10),
// BENCH_SEED (0.42), BENCH_EF_SEARCH (40,100,200: one pass each), BENCH_MAINTENANCE_WORK_MEM (1GB), BENCH_KEEP (unset).
import os from 'node:os';
import pg from 'pg';
import { dbUrl } from '../scripts/lib/engine';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 100);
const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 100);
const SUBCLUSTERS = Number(process.env.BENCH_SUBCLUSTERS ?? 50);
const WORKSPACES = Number(process.env.BENCH_WORKSPACES ?? 10);
const SEED = Number(process.env.BENCH_SEED ?? 0.42);
const EF_SEARCH = (process.env.BENCH_EF_SEARCH ?? '40,100,200').split(',').map(Number);
const MWM = process.env.BENCH_MAINTENANCE_WORK_MEM ?? '1GB';
const KEEP = process.env.BENCH_KEEP === '1';
const DIM = 1536;
const K = 10;
const SQL_NAMES = { approx: 1, approxWs: 1, approxWsGraph: 1 } as const;

for (const [name, value] of Object.entries({ ROWS, QUERIES, CLUSTERS, SUBCLUSTERS, WORKSPACES })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`BENCH_${name} must be a positive integer, got ${value}`);
}
if (!(SEED >= -1 && SEED <= 1)) throw new Error(`BENCH_SEED must be between -1 and 1, got ${SEED}`);

const url = dbUrl();
const client = new pg.Client({ connectionString: url, application_name: 'bench-vector' });

const ms = (t0: number): number => performance.now() - t0;
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const fmt = (x: number, d = 2): string => x.toFixed(d);
const log = (m: string): void => void process.stderr.write(`[bench:vector] ${m}\n`);

async function timed<T>(label: string, fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  const t = ms(t0);
  log(`${label}: ${(t / 1000).toFixed(1)} s`);
  return [out, t];
}

interface Query {
  q: number;
  ws: string;
  embedding: string;
}

interface Cell {
  name: string;
  ef: number;
  filtered: boolean;
  approxSql: keyof typeof SQL_NAMES;
  approx: number[];
  recall: number[];
  returned: number[];
}

async function main(): Promise<void> {
  await client.connect();
  const loadBefore = os.loadavg();
  const { rows: ver } = await client.query<{ pg: string; vector: string }>(
    `select current_setting('server_version') as pg, (select extversion from pg_extension where extname = 'vector') as vector`);
  log(`PostgreSQL ${ver[0]!.pg}, pgvector ${ver[0]!.vector}; ${ROWS} rows x ${DIM} dims, ${CLUSTERS}x${SUBCLUSTERS} clusters, ` +
    `${WORKSPACES} workspaces, ${QUERIES} queries; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);

  await client.query('drop schema if exists bench_vector cascade');
  await client.query('create schema bench_vector');
  await client.query(`create table bench_vector.items (
    id bigint primary key, workspace_id uuid not null, cluster integer not null, embedding extensions.vector not null)`);
  await client.query('create table bench_vector.queries (q integer primary key, workspace_id uuid not null, embedding extensions.vector not null)');
  // Deterministic: one process draws every random number in a fixed order from the seed.
  await client.query('set max_parallel_workers_per_gather = 0');
  await client.query('select setseed($1)', [SEED]);
  const uniform = (width: number, row: string): string =>
    `array(select ((random() - 0.5) * ${width})::real from generate_series(1, ${DIM}) where ${row} > 0)::extensions.vector`;
  await client.query(`create table bench_vector.centroids as
    select c, ${uniform(1, 'c')} as v from generate_series(1, ${CLUSTERS}) c`);
  await client.query('alter table bench_vector.centroids add primary key (c)');
  await client.query(`create table bench_vector.subcentroids as
    select (c.c - 1) * ${SUBCLUSTERS} + s as sub, c.v operator(extensions.+) ${uniform(0.5, 's')} as v
    from bench_vector.centroids c, generate_series(1, ${SUBCLUSTERS}) s order by c.c, s`);
  await client.query('alter table bench_vector.subcentroids add primary key (sub)');
  const wsExpr = (n: string): string => `('00000000-0000-4000-8000-' || lpad((${n})::text, 12, '0'))::uuid`;
  const points = (table: string, cols: string, from: number, to: number): string => `
    insert into bench_vector.${table} (${cols})
    select x.i, ${wsExpr('x.w')}, ${table === 'items' ? 'x.sub, ' : ''}c.v operator(extensions.+) ${uniform(0.2, 'x.i')}
    from (select i, 1 + floor(random() * ${WORKSPACES})::int as w, 1 + floor(random() * ${CLUSTERS * SUBCLUSTERS})::int as sub
          from generate_series(${from}, ${to}) i) x
    join bench_vector.subcentroids c on c.sub = x.sub
    order by x.i`;
  const [, genMs] = await timed(`generate ${ROWS} rows`, async () => {
    const batch = 10_000;
    for (let from = 1; from <= ROWS; from += batch) {
      await client.query(points('items', 'id, workspace_id, cluster, embedding', from, Math.min(ROWS, from + batch - 1)));
    }
    await client.query(points('queries', 'q, workspace_id, embedding', 1, QUERIES));
  });
  await client.query('reset max_parallel_workers_per_gather');
  await client.query('create index items_workspace_id_idx on bench_vector.items (workspace_id)');
  await client.query('vacuum analyze bench_vector.items');

  await client.query(`set maintenance_work_mem = '${MWM}'`);
  const { rows: pw } = await client.query<{ w: string }>(`select current_setting('max_parallel_maintenance_workers') as w`);
  const [, buildMs] = await timed('build HNSW index', () =>
    client.query(`create index items_embedding_idx on bench_vector.items
      using hnsw ((embedding::extensions.vector(${DIM})) extensions.vector_cosine_ops) with (m = 16, ef_construction = 64)`));
  await client.query('reset maintenance_work_mem');
  await client.query('analyze bench_vector.items');
  const { rows: sizes } = await client.query<{ index: string; table: string; index_bytes: string }>(`
    select pg_size_pretty(pg_relation_size('bench_vector.items_embedding_idx')) as index,
           pg_size_pretty(pg_total_relation_size('bench_vector.items') - pg_indexes_size('bench_vector.items')) as table,
           pg_relation_size('bench_vector.items_embedding_idx')::text as index_bytes`);

  const { rows: queries } = await client.query<Query>(
    'select q, workspace_id::text as ws, embedding::text as embedding from bench_vector.queries order by q');

  await client.query(`set hnsw.iterative_scan = 'relaxed_order'`);
  const sql = {
    exact: `select id from bench_vector.items order by embedding operator(extensions.<=>) $1::extensions.vector, id limit ${K}`,
    approx: `select id from (select id, embedding::extensions.vector(${DIM}) operator(extensions.<=>) $1::extensions.vector as d
               from bench_vector.items order by d limit ${K}) x order by d, id`,
    exactWs: `select id from bench_vector.items where workspace_id = $2::uuid
              order by embedding operator(extensions.<=>) $1::extensions.vector, id limit ${K}`,
    approxWs: `select id from (select id, embedding::extensions.vector(${DIM}) operator(extensions.<=>) $1::extensions.vector as d
                 from bench_vector.items where workspace_id = $2::uuid order by d limit ${K}) x order by d, id`,
    // The same filter written so no btree can serve it: the planner must walk the HNSW graph and filter
    // (iterative scan); seq and bitmap scans are switched off for it (see run()).
    approxWsGraph: `select id from (select id, embedding::extensions.vector(${DIM}) operator(extensions.<=>) $1::extensions.vector as d
                 from bench_vector.items where workspace_id::text = $2 order by d limit ${K}) x order by d, id`,
  };
  // approxWsGraph runs with seq/bitmap scans off so the HNSW graph walk (iterative scan + filter) is measured
  // even where the planner would rather scan one workspace exactly.
  const graphOnly = async (on: boolean): Promise<void> => {
    await client.query(on ? 'set enable_seqscan = off' : 'reset enable_seqscan');
    await client.query(on ? 'set enable_bitmapscan = off' : 'reset enable_bitmapscan');
  };
  const run = async (name: keyof typeof sql, q: Query): Promise<[string[], number]> => {
    const params = /Ws/.test(name) ? [q.embedding, q.ws] : [q.embedding];
    if (name === 'approxWsGraph') await graphOnly(true);
    const t0 = performance.now();
    const { rows } = await client.query<{ id: string }>({ name, text: sql[name], values: params });
    const t = ms(t0);
    if (name === 'approxWsGraph') await graphOnly(false);
    return [rows.map((r) => r.id), t];
  };

  const plans: Record<string, string> = {};
  for (const [name, text] of Object.entries(sql)) {
    const params = /Ws/.test(name) ? [queries[0]!.embedding, queries[0]!.ws] : [queries[0]!.embedding];
    if (name === 'approxWsGraph') await graphOnly(true);
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (costs off) ${text}`, params);
    if (name === 'approxWsGraph') await graphOnly(false);
    plans[name] = rows.map((r) => r['QUERY PLAN'].replace(/'\[[^\]]*\]'/g, "'<query>'")).join('\n');
  }

  // Exact pass first (its scans push the index out of cache), then per ef_search one untimed warm-up pass
  // and one timed pass of the HNSW queries, so HNSW latencies are those of a hot index.
  const truth = { all: [] as string[][], ws: [] as string[][] };
  const exactMs = { all: [] as number[], ws: [] as number[] };
  await run('exact', queries[0]!);
  const [, exactTotal] = await timed(`exact: ${QUERIES} queries x 2`, async () => {
    for (const q of queries) {
      const [a, ta] = await run('exact', q);
      const [w, tw] = await run('exactWs', q);
      truth.all.push(a);
      truth.ws.push(w);
      exactMs.all.push(ta);
      exactMs.ws.push(tw);
    }
  });
  const cells: Cell[] = [];
  let hnswTotal = 0;
  for (const ef of EF_SEARCH) {
    await client.query(`set hnsw.ef_search = ${ef}`);
    const mine: Cell[] = [
      { name: 'all rows', ef, filtered: false, approxSql: 'approx', approx: [], recall: [], returned: [] },
      { name: `one workspace (1/${WORKSPACES}), planner's choice`, ef, filtered: true, approxSql: 'approxWs',
        approx: [], recall: [], returned: [] },
      { name: `one workspace (1/${WORKSPACES}), HNSW graph + filter`, ef, filtered: true, approxSql: 'approxWsGraph',
        approx: [], recall: [], returned: [] },
    ];
    for (const q of queries) for (const cell of mine) await run(cell.approxSql, q);
    const [, t] = await timed(`HNSW ef_search=${ef}: ${QUERIES} queries x 3`, async () => {
      for (const [n, q] of queries.entries()) {
        for (const cell of mine) {
          const expected = cell.filtered ? truth.ws[n]! : truth.all[n]!;
          const [found, ta] = await run(cell.approxSql, q);
          cell.approx.push(ta);
          cell.recall.push(found.filter((id) => expected.includes(id)).length / Math.min(K, expected.length));
          cell.returned.push(found.length);
        }
      }
    });
    hnswTotal += t;
    cells.push(...mine);
  }
  const queryMs = exactTotal + hnswTotal;
  const loadAfter = os.loadavg();

  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`\n## bench:vector  ${new Date().toISOString()}`);
  console.log(`PostgreSQL ${ver[0]!.pg}, pgvector ${ver[0]!.vector}, ${os.cpus().length} cores, ` +
    `load average before ${loadBefore.map((l) => l.toFixed(2)).join('/')}, after ${loadAfter.map((l) => l.toFixed(2)).join('/')}`);
  console.log(`${ROWS} rows x ${DIM} dims, ${CLUSTERS} clusters x ${SUBCLUSTERS} sub-clusters, ${WORKSPACES} workspaces, ` +
    `${QUERIES} queries, seed ${SEED}, ` +
    `hnsw m=16 ef_construction=64, iterative_scan=relaxed_order`);
  console.log(`generate ${(genMs / 1000).toFixed(1)} s; HNSW build ${(buildMs / 1000).toFixed(1)} s ` +
    `(maintenance_work_mem ${MWM}, max_parallel_maintenance_workers ${pw[0]!.w}); index ${sizes[0]!.index} ` +
    `(${sizes[0]!.index_bytes} bytes); table with TOAST ${sizes[0]!.table}; queries ${(queryMs / 1000).toFixed(1)} s\n`);
  console.log('| ef_search | filter | recall@10 mean | recall@10 min | queries with recall < 0.5 | rows returned (min) | HNSW p50 ms | HNSW p95 ms | exact p50 ms | exact p95 ms |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const c of cells) {
    const ex = c.filtered ? exactMs.ws : exactMs.all;
    console.log(`| ${c.ef} | ${c.name} | ${fmt(mean(c.recall), 3)} | ${fmt(Math.min(...c.recall), 1)} | ` +
      `${c.recall.filter((r) => r < 0.5).length} | ${Math.min(...c.returned)} | ` +
      `${fmt(pct(c.approx, 50))} | ${fmt(pct(c.approx, 95))} | ${fmt(pct(ex, 50))} | ${fmt(pct(ex, 95))} |`);
  }
  console.log('\nplans (first query):');
  for (const [name, plan] of Object.entries(plans)) console.log(`-- ${name}\n${plan}`);

  if (!KEEP) await client.query('drop schema bench_vector cascade');
}

main()
  .catch(async (err: unknown) => {
    process.exitCode = 1;
    console.error(err);
    try {
      if (!KEEP) await client.query('drop schema if exists bench_vector cascade');
    } catch {
      /* connection gone */
    }
  })
  .finally(() => client.end().catch(() => undefined));
