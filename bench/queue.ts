// Queue benchmark: lease -> complete throughput and lease latency, burn-down mode.
//
//   SUPABASE_DB_URL=postgresql://postgres:postgres@127.0.0.1:54322/postgres npx tsx bench/queue.ts
//
// Every call goes through the PostgREST path (tests/support/db.ts rpc(): begin; set local role;
// set_config('request.jwt.claims', ...); select * from public.<fn>(...); commit), so RLS-era checks,
// fencing and events are all on. Each cell gets a fresh workspace/gateway/agent, N preloaded jobs
// (enqueued through the real enqueue RPC in one statement), VACUUM ANALYZE, then W workers (one
// connection each) lease batches of B and complete every leased row with its token until the queue is
// empty. Knobs: BENCH_JOBS (default 4000), BENCH_ONLY (substring filter on the cell label),
// BENCH_RUNS (default 1; with more, cells run in a shuffled order each round and the table reports the
// median with the min-max range of jobs/s). A small unreported warm-up cell runs first.
import { createRequire } from 'node:module';
import os from 'node:os';
import pg from 'pg';
import {
  closeQuietly,
  connect,
  createPool,
  createWorkspaceFixture,
  DB_URL,
  type Auth,
  rpc,
  serviceRoleAuth,
  type WorkspaceFixture,
} from '../tests/support/db';

const JOBS = Number(process.env.BENCH_JOBS ?? 4000);
const ONLY = process.env.BENCH_ONLY ?? '';
const RUNS = Number(process.env.BENCH_RUNS ?? 1);

type QueueName = 'commands' | 'inbox';

type Caller = 'service_role' | 'authenticated admin';

interface Cell {
  queue: QueueName;
  caller: Caller;
  workers: number;
  batch: number;
}

interface CellResult extends Cell {
  jobs: number;
  seconds: number;
  perSecond: number;
  leaseP50: number;
  leaseP99: number;
  completeP50: number;
  completeP99: number;
  leaseCalls: number;
  walBytesPerJob: number;
}

const label = (c: Cell): string => `${c.queue} ${c.caller} ${c.workers}w x${c.batch}`;

const cell = (queue: QueueName, caller: Caller, workers: number, batch: number): Cell => ({ queue, caller, workers, batch });
const CELLS: Cell[] = [
  ...[1, 4, 16].flatMap((w) => [1, 10].map((b) => cell('commands', 'service_role', w, b))),
  // The same calls with a signed-in workspace admin's JWT: the authorization path that reads membership.
  cell('commands', 'authenticated admin', 1, 1),
  cell('commands', 'authenticated admin', 16, 10),
  ...[1, 16].flatMap((w) => [1, 10].map((b) => cell('inbox', 'service_role', w, b))),
].filter((c) => label(c).includes(ONLY));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function preload(pool: pg.Pool, fx: WorkspaceFixture, queue: QueueName, n: number): Promise<void> {
  const c = await pool.connect();
  try {
    // The real enqueue RPC, n times in one PostgREST-style transaction.
    await c.query('begin');
    await c.query('set local role service_role');
    await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(serviceRoleAuth().claims)]);
    const sql =
      queue === 'commands'
        ? `select count(*)::int as n from generate_series(1, $2::int) g,
             lateral public.enqueue_command(p_gateway_id => $1::uuid, p_action => 'bench.run',
                                            p_payload => jsonb_build_object('i', g, 'pad', repeat('x', 200)))`
        : `select count(*)::int as n from generate_series(1, $2::int) g,
             lateral public.enqueue_inbox_item(p_agent_id => $1::uuid, p_event_type => 'bench.event',
                                               p_summary => 'bench', p_context => jsonb_build_object('i', g, 'pad', repeat('x', 200)))`;
    const { rows } = await c.query<{ n: number }>(sql, [queue === 'commands' ? fx.gatewayId : fx.agentId, n]);
    if (rows[0]!.n !== n) throw new Error(`preload: expected ${n} rows, got ${rows[0]!.n}`);
    await c.query('commit');
  } catch (err) {
    await c.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
  const tables =
    queue === 'commands'
      ? ['public.agent_commands', 'public.agent_command_events']
      : ['public.agent_inbox_items', 'public.agent_inbox_events'];
  for (const t of tables) await pool.query(`vacuum analyze ${t}`);
}

async function walLsn(pool: pg.Pool): Promise<bigint> {
  const { rows } = await pool.query<{ b: string }>(`select (pg_current_wal_lsn() - '0/0'::pg_lsn)::text as b`);
  return BigInt(rows[0]!.b.split('.')[0]!);
}

async function runCell(pool: pg.Pool, cell: Cell, jobs: number): Promise<CellResult> {
  const fx = await createWorkspaceFixture(pool, 'bench');
  await preload(pool, fx, cell.queue, jobs);
  const auth: Auth = cell.caller === 'service_role' ? serviceRoleAuth() : fx.admin.auth;
  const leaseFn = cell.queue === 'commands' ? 'lease_command' : 'lease_inbox_item';
  const completeFn = cell.queue === 'commands' ? 'complete_command' : 'complete_inbox_item';
  const leaseArgs =
    cell.queue === 'commands'
      ? { p_gateway_id: fx.gatewayId, p_limit: cell.batch, p_lease_seconds: 60 }
      : { p_agent_id: fx.agentId, p_limit: cell.batch, p_lease_seconds: 60 };

  const clients = await Promise.all(Array.from({ length: cell.workers }, (_, i) => connect(`bench-w${i}`)));
  // Warm each connection's catalog cache and our signature cache outside the timed window.
  for (const c of clients) await c.query(`select 1 from public.${leaseFn === 'lease_command' ? 'agent_commands' : 'agent_inbox_items'} limit 0`);

  const leaseMs: number[] = [];
  const completeMs: number[] = [];
  let completed = 0;
  const wal0 = await walLsn(pool);
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (;;) {
        const a = performance.now();
        const rows = await rpc<{ id: string; lease_token: string }>(c, auth, leaseFn, leaseArgs);
        leaseMs.push(performance.now() - a);
        if (rows.length === 0) break;
        for (const r of rows) {
          const b = performance.now();
          const out = await rpc<Record<string, { ok: boolean }>>(c, auth, completeFn, {
            p_id: r.id,
            p_lease_token: r.lease_token,
            p_result: { ok: true },
          });
          completeMs.push(performance.now() - b);
          if (!out[0]?.[completeFn]?.ok) throw new Error(`${completeFn} refused a fresh lease: ${JSON.stringify(out)}`);
          completed++;
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const wal1 = await walLsn(pool);
  await Promise.all(clients.map((c) => closeQuietly(c)));
  if (completed !== jobs) throw new Error(`${label(cell)}: completed ${completed} of ${jobs}`);

  leaseMs.sort((x, y) => x - y);
  completeMs.sort((x, y) => x - y);
  return {
    ...cell,
    jobs,
    seconds,
    perSecond: jobs / seconds,
    leaseP50: percentile(leaseMs, 50),
    leaseP99: percentile(leaseMs, 99),
    completeP50: percentile(completeMs, 50),
    completeP99: percentile(completeMs, 99),
    leaseCalls: leaseMs.length,
    walBytesPerJob: Number(wal1 - wal0) / jobs,
  };
}

async function environment(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string; setting: string; unit: string | null }>(
    `select name, setting, unit from pg_settings
      where name in ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers',
                     'wal_level', 'max_connections', 'work_mem')
      order by name`,
  );
  const cpus = os.cpus();
  return [
    `machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()}`,
    `client: node ${process.version}, pg ${(createRequire(import.meta.url)('pg/package.json') as { version: string }).version} (same machine as the server)`,
    `server: ${rows.map((r) => `${r.name}=${r.setting}${r.unit && r.unit !== '' ? ` ${r.unit}` : ''}`).join(', ')}`,
    `database: ${DB_URL.replace(/:[^:@/]*@/, ':***@')}`,
  ];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function shuffled<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function main(): Promise<void> {
  const pool = createPool(2);
  try {
    const env = await environment(pool);
    for (const line of env) console.log(line);
    console.log(`jobs per cell: ${JOBS}; cells: ${CELLS.length}; runs per cell: ${RUNS}\n`);
    const started = performance.now();
    // Warm-up (not reported): first-touch costs (catalog caches, plan caches, WAL segment creation).
    await runCell(pool, cell('commands', 'service_role', 4, 10), 500);
    const byCell = new Map<string, CellResult[]>(CELLS.map((c) => [label(c), []]));
    for (let run = 0; run < RUNS; run++) {
      for (const c of RUNS > 1 ? shuffled(CELLS) : CELLS) {
        const r = await runCell(pool, c, JOBS);
        byCell.get(label(c))!.push(r);
        console.error(
          `run ${run + 1} ${label(c)}: ${r.perSecond.toFixed(0)} jobs/s, lease p50 ${r.leaseP50.toFixed(2)} ms p99 ${r.leaseP99.toFixed(2)} ms`,
        );
      }
    }
    const ms = (xs: number[]): string => median(xs).toFixed(2);
    const header =
      '| Queue | Caller | Workers | Batch | Jobs/s' + (RUNS > 1 ? ' (median, min-max)' : '') +
      ' | Lease p50 (ms) | Lease p99 (ms) | Complete p50 (ms) | Complete p99 (ms) | Lease calls | WAL bytes/job |';
    const sep = '|' + header.split('|').slice(1, -1).map(() => '---').join('|') + '|';
    console.log(header);
    console.log(sep);
    for (const c of CELLS) {
      const rs = byCell.get(label(c))!;
      const rate = rs.map((r) => r.perSecond);
      const rateText =
        RUNS > 1
          ? `${median(rate).toFixed(0)} (${Math.min(...rate).toFixed(0)}-${Math.max(...rate).toFixed(0)})`
          : rate[0]!.toFixed(0);
      console.log(
        `| ${c.queue} | ${c.caller} | ${c.workers} | ${c.batch} | ${rateText} | ` +
          `${ms(rs.map((r) => r.leaseP50))} | ${ms(rs.map((r) => r.leaseP99))} | ` +
          `${ms(rs.map((r) => r.completeP50))} | ${ms(rs.map((r) => r.completeP99))} | ` +
          `${median(rs.map((r) => r.leaseCalls)).toFixed(0)} | ${median(rs.map((r) => r.walBytesPerJob)).toFixed(0)} |`,
      );
    }
    console.log(`\n${JOBS} jobs per cell; total bench time ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
