// Telemetry benchmark: insert rate with 1 and 8 writers, then turn_timeline latency on a large table.
//
//   SUPABASE_DB_URL=postgresql://postgres:postgres@127.0.0.1:54322/postgres npm run bench:telemetry
//
// Writers insert the way the pipeline does through PostgREST with the service key: one transaction per
// batch (begin; set local role service_role; set_config('request.jwt.claims', ...); insert ... select from
// jsonb_to_recordset($1) -- PostgREST's bulk-insert shape; commit), each writer on its own connection.
// Rows are 5 stages per turn (stt, llm, tts, ...), in time order, into the current month's partition.
// Then the table is filled server-side (generate_series, as the owner) up to BENCH_TELEMETRY_ROWS and
// turn_timeline(turn_id) is called for random turns, as a workspace admin (RLS on) and as service_role.
//
// Knobs (env):
//   BENCH_TELEMETRY_INSERT_ROWS  rows written per insert cell            (default 50000)
//   BENCH_TELEMETRY_BATCH        rows per INSERT statement               (default 100)
//   BENCH_TELEMETRY_WRITERS      comma list of writer counts             (default 1,8)
//   BENCH_TELEMETRY_ROWS         table size for the timeline query       (default 1000000; 10000000 = the target)
//   BENCH_TELEMETRY_QUERIES      timeline calls per caller               (default 200)
//   BENCH_TELEMETRY_KEEP=1       keep the benchmark rows (default: deleted at the end)
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import {
  closeQuietly,
  connect,
  createWorkspaceFixture,
  rpc,
  serviceRoleAuth,
  type Auth,
  type Queryable,
} from '../tests/support/db';

const INSERT_ROWS = Number(process.env.BENCH_TELEMETRY_INSERT_ROWS ?? 50_000);
const BATCH = Number(process.env.BENCH_TELEMETRY_BATCH ?? 100);
const WRITERS = (process.env.BENCH_TELEMETRY_WRITERS ?? '1,8').split(',').map(Number);
const TABLE_ROWS = Number(process.env.BENCH_TELEMETRY_ROWS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_TELEMETRY_QUERIES ?? 200);
const KEEP = process.env.BENCH_TELEMETRY_KEEP === '1';

const STAGES = ['whatsapp_receive', 'stt', 'llm', 'tts', 'whatsapp_send'] as const;

const pct = (sorted: number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** One PostgREST-style bulk insert of `rows` telemetry rows as service_role. */
async function insertBatch(client: Queryable, auth: Auth, workspaceId: string, rows: number, clock: { t: number }): Promise<void> {
  const records: Record<string, unknown>[] = [];
  while (records.length < rows) {
    const turn = randomUUID();
    for (const [i, stage] of STAGES.entries()) {
      if (records.length >= rows) break;
      const start = clock.t + i * 300;
      records.push({
        workspace_id: workspaceId,
        turn_id: turn,
        stage,
        status: 'completed',
        started_at: new Date(start).toISOString(),
        ended_at: new Date(start + 250).toISOString(),
        metadata: { bench: true, i },
      });
    }
    clock.t += 1;
  }
  await client.query(
    `begin; set local role service_role; select set_config('request.jwt.claims', ${client.escapeLiteral(JSON.stringify(auth.claims))}, true)`,
  );
  try {
    await client.query(
      `insert into public.telemetry_events (workspace_id, turn_id, stage, status, started_at, ended_at, metadata)
       select workspace_id, turn_id, stage, status, started_at, ended_at, metadata
       from jsonb_to_recordset($1::jsonb) as r(workspace_id uuid, turn_id uuid, stage text, status public.telemetry_status,
                                               started_at timestamptz, ended_at timestamptz, metadata jsonb)`,
      [JSON.stringify(records)],
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

interface InsertResult {
  writers: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  batchP50: number;
  batchP99: number;
}

async function insertCell(workspaceId: string, writers: number): Promise<InsertResult> {
  const auth = serviceRoleAuth();
  const clients = await Promise.all(Array.from({ length: writers }, () => connect('bench-telemetry')));
  const perWriter = Math.ceil(INSERT_ROWS / writers);
  // Start times: just before now, in the current month's partition, advancing with every turn.
  const base = Date.now() - 60 * 60 * 1000;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (client, w) => {
      const clock = { t: base + w * 1_000_000 };
      for (let done = 0; done < perWriter; done += BATCH) {
        const n = Math.min(BATCH, perWriter - done);
        const s = performance.now();
        await insertBatch(client, auth, workspaceId, n, clock);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => closeQuietly(c)));
  latencies.sort((a, b) => a - b);
  const rows = perWriter * writers;
  return { writers, rows, seconds, rowsPerSecond: rows / seconds, batchP50: pct(latencies, 50), batchP99: pct(latencies, 99) };
}

/** Server-side fill up to `target` rows in the bench workspace: 5 stages per turn, turns in time order. */
async function fill(admin: pg.Client, workspaceId: string, target: number): Promise<{ rows: number; seconds: number }> {
  const { rows } = await admin.query<{ n: string }>('select count(*) as n from public.telemetry_events where workspace_id = $1', [workspaceId]);
  const have = Number(rows[0]!.n);
  const t0 = performance.now();
  const chunk = 1_000_000;
  // The fill adds (target - rows already there) rows; turn k's id is md5('bench-turn-k')::uuid.
  const need = Math.max(0, target - have);
  for (let from = 0; from < need; from += chunk) {
    const to = Math.min(need, from + chunk);
    await admin.query(
      `insert into public.telemetry_events (workspace_id, turn_id, stage, status, started_at, ended_at, metadata)
       select $1, md5('bench-turn-' || (g / 5))::uuid,
              (array['whatsapp_receive', 'stt', 'llm', 'tts', 'whatsapp_send'])[g % 5 + 1],
              'completed',
              $4::timestamptz + (g / 5) * $5::interval + (g % 5) * interval '300 ms',
              $4::timestamptz + (g / 5) * $5::interval + (g % 5) * interval '300 ms' + interval '250 ms',
              '{}'::jsonb
       from generate_series($2::bigint, $3::bigint - 1) g`,
      [
        workspaceId,
        from,
        to,
        // Spread the target over the current month up to now (the partitions that exist).
        new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)).toISOString(),
        `${Math.max(1, Math.floor(((Date.now() - Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)) * 5) / Math.max(need, 1)))} milliseconds`,
      ],
    );
    process.stdout.write(`  filled ${fmt(to, 0)} rows (${fmt((performance.now() - t0) / 1000)} s)\n`);
  }
  return { rows: need, seconds: (performance.now() - t0) / 1000 };
}

async function timeline(client: pg.Client, auth: Auth, turns: string[]): Promise<{ p50: number; p99: number; mean: number; stages: number }> {
  const lat: number[] = [];
  let stages = 0;
  for (const turn of turns) {
    const s = performance.now();
    const rows = await rpc(client, auth, 'turn_timeline', { p_turn_id: turn });
    lat.push(performance.now() - s);
    stages += rows.length;
  }
  lat.sort((a, b) => a - b);
  return { p50: pct(lat, 50), p99: pct(lat, 99), mean: lat.reduce((a, b) => a + b, 0) / lat.length, stages: stages / turns.length };
}

async function main(): Promise<void> {
  const admin = await connect('bench-telemetry-admin');
  const version = (await admin.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0]!.v;
  console.log(`telemetry bench: PostgreSQL ${version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join('/')}`);
  console.log(`insert rows/cell ${fmt(INSERT_ROWS, 0)}, batch ${BATCH}, writers ${WRITERS.join(',')}, table ${fmt(TABLE_ROWS, 0)} rows, ${QUERIES} timeline calls/caller`);
  const fx = await createWorkspaceFixture(admin, 'bench-telemetry');
  try {
    console.log('\ninsert (service_role, PostgREST bulk-insert shape, one transaction per batch)');
    console.log('writers | rows    | seconds | rows/s   | batch p50 ms | batch p99 ms');
    for (const w of WRITERS) {
      const r = await insertCell(fx.workspaceId, w);
      console.log(`${String(w).padStart(7)} | ${fmt(r.rows, 0).padStart(7)} | ${fmt(r.seconds, 2).padStart(7)} | ${fmt(r.rowsPerSecond, 0).padStart(8)} | ${fmt(r.batchP50, 2).padStart(12)} | ${fmt(r.batchP99, 2).padStart(12)}`);
    }

    console.log(`\nfill to ${fmt(TABLE_ROWS, 0)} rows (server-side generate_series)`);
    const f = await fill(admin, fx.workspaceId, TABLE_ROWS);
    await admin.query('vacuum analyze public.telemetry_events');
    const size = await admin.query<{ rows: string; bytes: string; parts: number }>(
      `select (select count(*) from public.telemetry_events) as rows,
              sum(pg_total_relation_size(i.inhrelid)) as bytes, count(*)::int as parts
       from pg_inherits i where i.inhparent = 'public.telemetry_events'::regclass`,
    );
    const s = size.rows[0]!;
    console.log(`  ${fmt(f.rows, 0)} rows in ${fmt(f.seconds, 1)} s (${fmt(f.rows / Math.max(f.seconds, 0.001), 0)} rows/s server-side); table now ${fmt(Number(s.rows), 0)} rows, ${fmt(Number(s.bytes) / 1024 ** 3, 2)} GiB with indexes, ${s.parts} partitions`);

    // Random turns of the fill, and a plan for one of them.
    const turnCount = Math.max(1, Math.floor(f.rows / 5));
    const turns = Array.from({ length: QUERIES }, () => Math.floor(Math.random() * turnCount));
    const ids = (await admin.query<{ id: string }>(`select md5('bench-turn-' || k)::uuid as id from unnest($1::bigint[]) k`, [turns])).rows.map((r) => r.id);
    const plan = await admin.query<{ 'QUERY PLAN': string }>(
      `explain (analyze, buffers, costs off, timing off, summary on) select * from public.telemetry_events where turn_id = $1 order by started_at`,
      [ids[0]],
    );
    console.log('\nplan of the lookup turn_timeline runs (as owner):');
    for (const r of plan.rows) console.log('  ' + r['QUERY PLAN']);

    console.log('\nturn_timeline(turn_id), PostgREST-style call (3 round trips), random turns');
    console.log('caller                   | calls | stages/turn | mean ms | p50 ms | p99 ms');
    const callers: [string, Auth][] = [
      ['workspace admin (RLS on)', fx.admin.auth],
      ['service_role', serviceRoleAuth()],
    ];
    for (const [name, auth] of callers) {
      const r = await timeline(admin, auth, ids);
      console.log(`${name.padEnd(24)} | ${String(ids.length).padStart(5)} | ${fmt(r.stages, 1).padStart(11)} | ${fmt(r.mean, 2).padStart(7)} | ${fmt(r.p50, 2).padStart(6)} | ${fmt(r.p99, 2).padStart(6)}`);
    }
  } finally {
    if (!KEEP) {
      const t0 = performance.now();
      await admin.query('delete from public.telemetry_events where workspace_id = $1', [fx.workspaceId]);
      await admin.query('delete from public.workspaces where id = $1', [fx.workspaceId]);
      await admin.query('delete from public.organizations where id = $1', [fx.organizationId]);
      console.log(`\ncleaned up the benchmark rows in ${fmt((performance.now() - t0) / 1000, 1)} s (BENCH_TELEMETRY_KEEP=1 keeps them)`);
    }
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

