// Our two queues against pg-boss and graphile-worker, in one run on one server.
//
//   AGENTBASE_DB_PORT=54322 npm run db:reset          # our schema in the `postgres` database
//   SUPABASE_DB_URL=postgresql://postgres:postgres@127.0.0.1:54322/postgres npm run bench:peers
//
// Ours run in the main database (fresh workspace, gateway and agent per cell), called the PostgREST way
// (tests/support/db.ts rpc(): one round trip carrying begin; set_config(role, claims); select public.<fn>(...);
// commit). pg-boss@10 and graphile-worker@0.17 run in a scratch database on the same server
// (PEERS_DB, default agentbase_bench_peers, created when missing), each in its own schema, driven
// as their docs recommend:
//   - pg-boss: W loops of fetch(queue, {batchSize: B}) + complete(queue, ids), a pool of W connections;
//   - graphile-worker: run() with concurrency W and a no-op task; for B > 1 localQueue.size = B and
//     completeJobBatchDelay = 0 (its documented batching);
//   - ours: W loops of complete_and_lease_commands / complete_and_lease_inbox_items (finish the batch held,
//     lease the next B: one call per batch); BENCH_OURS_CALL=separate: lease_*(p_limit => B), then one
//     complete_* per job (B = 1) or one batch finish for the whole lease (B > 1; BENCH_BATCH_FINISH=0
//     forces one call per job).
//
// A cell is (system, W workers, B batch, backlog). Backlog b: the queue is filled with b jobs (200-byte
// payload, not timed), VACUUM ANALYZE, then drained by the W workers (timed); repeated until BENCH_JOBS
// jobs went through. Completions/s = jobs / total drain time. Lease latency is per lease call (client
// side; for graphile-worker the getJobs statement, timed on its pool's connections).
// WAL bytes/job: pg_current_wal_lsn() delta over the drains. Server CPU/job: user+system CPU of the
// backends serving the cell's connections (/proc/<pid>/stat utime+stime, needs the server on this host),
// over the drains. Client CPU/job: this process (process.cpuUsage), which runs every system's client.
//
// Knobs (env): BENCH_JOBS (10000), BENCH_WORKERS ("1,4,16"), BENCH_BATCHES ("1,10"),
// BENCH_BACKLOGS ("500,10000"), BENCH_SYSTEMS ("commands,inbox,pg-boss,graphile-worker"),
// BENCH_RUNS (1; more: shuffled order per round, medians), BENCH_CSV (output path; default
// bench/results/peers-<timestamp>.csv), PEERS_DB, BENCH_EVENT_LOG (default | changes | all: our workspace's
// settings.queue_event_log), BENCH_OURS_CALL (combined | separate), BENCH_BATCH_FINISH (0: one complete
// call per job even for B > 1, with separate).
// Quick check: BENCH_JOBS=500 BENCH_WORKERS=1,4 BENCH_BACKLOGS=500 npm run bench:peers
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { Logger as GraphileLogger, run as graphileRun, runMigrations as graphileMigrate } from 'graphile-worker';
import {
  closeQuietly,
  connect,
  createPool,
  createWorkspaceFixture,
  DB_URL,
  rpc,
  serviceRoleAuth,
  type WorkspaceFixture,
} from '../tests/support/db';

const list = (v: string | undefined, d: string): string[] =>
  (v ?? d).split(',').map((s) => s.trim()).filter(Boolean);
const JOBS = Number(process.env.BENCH_JOBS ?? 10000);
const WORKERS = list(process.env.BENCH_WORKERS, '1,4,16').map(Number);
const BATCHES = list(process.env.BENCH_BATCHES, '1,10').map(Number);
const BACKLOGS = list(process.env.BENCH_BACKLOGS, '500,10000').map(Number);
const SYSTEMS = list(process.env.BENCH_SYSTEMS, 'commands,inbox,pg-boss,graphile-worker') as System[];
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const BATCH_FINISH = process.env.BENCH_BATCH_FINISH !== '0';
// Our event log per workspace: 'default' (no setting: 'changes'), 'changes' or 'all' (one event per transition).
const EVENT_LOG = process.env.BENCH_EVENT_LOG ?? 'default';
// How our workers call: 'combined' (one complete_and_lease_* call per batch, when the database has it)
// or 'separate' (lease_*, then complete_* per job or one batch finish per lease).
const OURS_CALL = process.env.BENCH_OURS_CALL ?? 'combined';
const PEERS_DB = process.env.PEERS_DB ?? 'agentbase_bench_peers';
const PEERS_URL = (() => {
  const u = new URL(DB_URL);
  u.pathname = `/${PEERS_DB}`;
  return u.toString();
})();
const here = path.dirname(fileURLToPath(import.meta.url));
const CSV_PATH =
  process.env.BENCH_CSV ?? path.join(here, 'results', `peers-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`);
const PAD = 'x'.repeat(200);
const CLK_TCK = 100; // Linux USER_HZ

type System = 'commands' | 'inbox' | 'pg-boss' | 'graphile-worker';
interface Combined {
  completed: { id: string; result: { ok: boolean } }[];
  leased: { id: string; lease_token: string }[];
}
const OURS: System[] = ['commands', 'inbox'];

interface Cell {
  system: System;
  workers: number;
  batch: number;
  backlog: number;
}

interface Result extends Cell {
  jobs: number;
  seconds: number;
  perSecond: number;
  leaseP50: number;
  leaseP95: number;
  leaseP99: number;
  walPerJob: number;
  serverCpuMsPerJob: number;
  clientCpuMsPerJob: number;
}

const key = (c: Omit<Cell, 'system'>): string => `${c.workers}x${c.batch}@${c.backlog}`;
const label = (c: Cell): string => `${c.system} ${key(c)}`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// ------------------------------------------------------------------------------------------------
// Measurement helpers
// ------------------------------------------------------------------------------------------------

async function walLsn(admin: pg.Pool): Promise<bigint> {
  const { rows } = await admin.query<{ b: string }>(`select (pg_current_wal_lsn() - '0/0'::pg_lsn)::text as b`);
  return BigInt(rows[0]!.b.split('.')[0]!);
}

/** CPU ticks (user + system) of every backend whose application_name is `app`, by pid. */
async function backendTicks(admin: pg.Pool, app: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>(
    `select pid from pg_stat_activity where application_name = $1`,
    [app],
  );
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, Number(fields[11]) + Number(fields[12])); // utime, stime (fields 14, 15)
    } catch {
      /* server on another host or backend gone */
    }
  }
  return out;
}

/** Accumulates backend CPU over several timed windows. */
class CpuMeter {
  ms = 0;
  private start = new Map<number, number>();
  constructor(
    private admin: pg.Pool,
    private app: string,
  ) {}
  async begin(): Promise<void> {
    this.start = await backendTicks(this.admin, this.app);
  }
  async end(): Promise<void> {
    const now = await backendTicks(this.admin, this.app);
    for (const [pid, t] of now) this.ms += ((t - (this.start.get(pid) ?? 0)) * 1000) / CLK_TCK;
  }
}

/** A pg.Client that times the statements matching `timedPattern` (graphile-worker's getJobs). */
function timedClientClass(timedPattern: RegExp, sink: () => number[]): typeof pg.Client {
  return class TimedClient extends pg.Client {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override query(...args: any[]): any {
      const first = args[0] as string | { text?: string } | undefined;
      const text = typeof first === 'string' ? first : first?.text;
      const res = (super.query as (...a: unknown[]) => unknown)(...args);
      if (text && timedPattern.test(text) && res && typeof (res as Promise<unknown>).then === 'function') {
        const t = performance.now();
        return (res as Promise<unknown>).then((v) => {
          sink().push(performance.now() - t);
          return v;
        });
      }
      return res;
    }
  } as unknown as typeof pg.Client;
}

interface Drain {
  seconds: number;
  leaseMs: number[];
  completed: number;
}

// ------------------------------------------------------------------------------------------------
// Ours
// ------------------------------------------------------------------------------------------------

async function hasFunction(admin: pg.Pool, name: string): Promise<boolean> {
  const { rows } = await admin.query(`select 1 from pg_proc where pronamespace = 'public'::regnamespace and proname = $1`, [
    name,
  ]);
  return rows.length > 0;
}

async function oursFill(admin: pg.Pool, fx: WorkspaceFixture, queue: 'commands' | 'inbox', n: number): Promise<void> {
  const c = await admin.connect();
  try {
    await c.query('begin');
    await c.query('set local role service_role');
    await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(serviceRoleAuth().claims)]);
    const sql =
      queue === 'commands'
        ? `select count(*)::int as n from generate_series(1, $2::int) g,
             lateral public.enqueue_command(p_gateway_id => $1::uuid, p_action => 'bench.run',
                                            p_payload => jsonb_build_object('i', g, 'pad', $3::text))`
        : `select count(*)::int as n from generate_series(1, $2::int) g,
             lateral public.enqueue_inbox_item(p_agent_id => $1::uuid, p_event_type => 'bench.event',
                                               p_context => jsonb_build_object('i', g, 'pad', $3::text))`;
    const { rows } = await c.query<{ n: number }>(sql, [queue === 'commands' ? fx.gatewayId : fx.agentId, n, PAD]);
    if (rows[0]!.n !== n) throw new Error(`fill: expected ${n}, got ${rows[0]!.n}`);
    await c.query('commit');
  } catch (err) {
    await c.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
  const { rows } = await admin.query<{ t: string }>(
    `select c.oid::regclass::text as t from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
        and c.relname like any (array[$1, $2])`,
    queue === 'commands' ? ['agent_command%', 'agent_commands'] : ['agent_inbox%', 'agent_inbox_items'],
  );
  for (const { t } of rows) await admin.query(`vacuum analyze ${t}`);
}

async function runOurs(admin: pg.Pool, cell: Cell, meter: CpuMeter): Promise<Drain[]> {
  const queue = cell.system as 'commands' | 'inbox';
  // The product default (no setting) unless BENCH_EVENT_LOG asks for one.
  const fx = await createWorkspaceFixture(admin, 'peers', EVENT_LOG === 'default' ? {} : { queue_event_log: EVENT_LOG });
  const auth = serviceRoleAuth();
  const leaseFn = queue === 'commands' ? 'lease_command' : 'lease_inbox_item';
  const completeFn = queue === 'commands' ? 'complete_command' : 'complete_inbox_item';
  const batchFn = queue === 'commands' ? 'complete_commands' : 'complete_inbox_items';
  const useBatch = BATCH_FINISH && cell.batch > 1 && (await hasFunction(admin, batchFn));
  const combinedFn = queue === 'commands' ? 'complete_and_lease_commands' : 'complete_and_lease_inbox_items';
  const useCombined = OURS_CALL === 'combined' && (await hasFunction(admin, combinedFn));
  const leaseArgs =
    queue === 'commands'
      ? { p_gateway_id: fx.gatewayId, p_limit: cell.batch, p_lease_seconds: 60 }
      : { p_agent_id: fx.agentId, p_limit: cell.batch, p_lease_seconds: 60 };
  const clients = await Promise.all(Array.from({ length: cell.workers }, () => connect('bench-peers-ours')));
  const drains: Drain[] = [];
  try {
    for (const c of clients) {
      await rpc(c, auth, leaseFn, { ...leaseArgs, p_limit: 1 }); // warm caches (queue is empty)
      if (useBatch) await rpc(c, auth, batchFn, { p_items: [] });
      if (useCombined) await rpc(c, auth, combinedFn, { ...leaseArgs, p_items: [] });
    }
    let done = 0;
    while (done < JOBS) {
      const n = Math.min(cell.backlog, JOBS - done);
      await oursFill(admin, fx, queue, n);
      const leaseMs: number[] = [];
      let completed = 0;
      await meter.begin();
      const t0 = performance.now();
      await Promise.all(
        clients.map(async (c) => {
          if (useCombined) {
            // The runner loop in one call per batch: finish what it holds, lease the next batch.
            let held: { id: string; lease_token: string }[] = [];
            for (;;) {
              const a = performance.now();
              const out = await rpc<Record<string, Combined>>(c, auth, combinedFn, {
                ...leaseArgs,
                p_items: held.map((r) => ({ id: r.id, lease_token: r.lease_token, result: { ok: true } })),
              });
              leaseMs.push(performance.now() - a);
              const res = out[0]![combinedFn]!;
              if (res.completed.filter((f) => f.result.ok).length !== held.length) {
                throw new Error(`${combinedFn} refused fresh leases: ${JSON.stringify(res.completed)}`);
              }
              completed += held.length;
              held = res.leased;
              if (held.length === 0) break;
            }
            return;
          }
          for (;;) {
            const a = performance.now();
            const rows = await rpc<{ id: string; lease_token: string }>(c, auth, leaseFn, leaseArgs);
            leaseMs.push(performance.now() - a);
            if (rows.length === 0) break;
            if (useBatch) {
              const out = await rpc<{ id: string; result: { ok: boolean } }>(c, auth, batchFn, {
                p_items: rows.map((r) => ({ id: r.id, lease_token: r.lease_token, result: { ok: true } })),
              });
              const ok = out.filter((o) => o.result.ok).length;
              if (ok !== rows.length) throw new Error(`${batchFn} refused fresh leases: ${JSON.stringify(out)}`);
              completed += ok;
            } else {
              for (const r of rows) {
                const out = await rpc<Record<string, { ok: boolean }>>(c, auth, completeFn, {
                  p_id: r.id,
                  p_lease_token: r.lease_token,
                  p_result: { ok: true },
                });
                if (!out[0]?.[completeFn]?.ok) throw new Error(`${completeFn} refused a fresh lease`);
                completed++;
              }
            }
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      await meter.end();
      if (completed !== n) throw new Error(`${label(cell)}: completed ${completed} of ${n}`);
      drains.push({ seconds, leaseMs, completed });
      done += n;
    }
  } finally {
    await Promise.all(clients.map((c) => closeQuietly(c)));
  }
  return drains;
}

// ------------------------------------------------------------------------------------------------
// pg-boss
// ------------------------------------------------------------------------------------------------

async function runPgBoss(peers: pg.Pool, cell: Cell, meter: CpuMeter): Promise<Drain[]> {
  const boss = new PgBoss({
    connectionString: PEERS_URL,
    schema: 'pgboss',
    max: cell.workers,
    application_name: 'bench-peers-pgboss',
    // Maintenance and cron off during the cells: both would add background statements to a short run.
    supervise: false,
    schedule: false,
  });
  boss.on('error', (e: unknown) => console.error('pg-boss error', e));
  await boss.start();
  const q = 'bench';
  await boss.createQueue(q).catch(() => undefined);
  const drains: Drain[] = [];
  try {
    await peers.query(`delete from pgboss.job where name = $1`, [q]);
    let done = 0;
    while (done < JOBS) {
      const n = Math.min(cell.backlog, JOBS - done);
      for (let i = 0; i < n; i += 1000) {
        const jobs = Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: q, data: { i: i + k, pad: PAD } }));
        await boss.insert(jobs);
      }
      await peers.query(`vacuum analyze pgboss.job`);
      const leaseMs: number[] = [];
      let completed = 0;
      // Open the pool's W connections before the clock starts (as our workers' connections are).
      await Promise.all(Array.from({ length: cell.workers }, () => boss.getQueueSize(q)));
      await meter.begin();
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: cell.workers }, async () => {
          for (;;) {
            const a = performance.now();
            const jobs = (await boss.fetch(q, { batchSize: cell.batch })) ?? [];
            leaseMs.push(performance.now() - a);
            if (jobs.length === 0) break;
            await boss.complete(
              q,
              jobs.map((j) => j.id),
            );
            completed += jobs.length;
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      await meter.end();
      if (completed !== n) throw new Error(`${label(cell)}: completed ${completed} of ${n}`);
      drains.push({ seconds, leaseMs, completed });
      done += n;
    }
    await peers.query(`delete from pgboss.job where name = $1`, [q]);
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
  }
  return drains;
}

// ------------------------------------------------------------------------------------------------
// graphile-worker
// ------------------------------------------------------------------------------------------------

let graphileLeaseMs: number[] = [];
const GraphileClient = timedClientClass(/skip locked/i, () => graphileLeaseMs);

async function runGraphile(peers: pg.Pool, cell: Cell, meter: CpuMeter): Promise<Drain[]> {
  const pgPool = new pg.Pool({
    connectionString: PEERS_URL,
    max: cell.workers + 2,
    application_name: 'bench-peers-graphile',
    idleTimeoutMillis: 0,
    Client: GraphileClient,
  });
  pgPool.on('error', () => undefined);
  pgPool.on('connect', (c) => c.on('error', () => undefined));
  const drains: Drain[] = [];
  try {
    await graphileMigrate({ pgPool });
    await peers.query(`delete from graphile_worker._private_jobs`);
    let done = 0;
    while (done < JOBS) {
      const n = Math.min(cell.backlog, JOBS - done);
      await peers.query(
        `select count(graphile_worker.add_job('bench', json_build_object('i', g, 'pad', $2::text))) from generate_series(1, $1::int) g`,
        [n, PAD],
      );
      await peers.query(`vacuum analyze graphile_worker._private_jobs`);
      graphileLeaseMs = [];
      let completed = 0;
      let firstStart = Number.POSITIVE_INFINITY;
      let allDone!: () => void;
      const finished = new Promise<void>((r) => (allDone = r));
      await meter.begin();
      const tCall = performance.now();
      const runner = await graphileRun({
        pgPool,
        concurrency: cell.workers,
        noHandleSignals: true,
        pollInterval: 1000,
        taskList: {
          bench: async () => {
            if (firstStart === Number.POSITIVE_INFINITY) firstStart = performance.now();
            completed++;
            if (completed === n) allDone();
          },
        },
        preset: {
          worker: cell.batch > 1 ? { localQueue: { size: cell.batch }, completeJobBatchDelay: 0 } : {},
        },
        logger: new GraphileLogger(() => () => undefined),
      });
      const tReady = performance.now();
      await finished;
      // Done when the last completion is committed (batched completions flush after the handler returns).
      for (;;) {
        const { rows } = await peers.query<{ n: number }>(`select count(*)::int as n from graphile_worker._private_jobs`);
        if (rows[0]!.n === 0) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      const tEnd = performance.now();
      await meter.end();
      await runner.stop();
      // The clock starts when the runner is up or at the first job, whichever is first: startup (migration
      // check, LISTEN) is not charged to throughput.
      const t0 = Math.max(tCall, Math.min(tReady, firstStart));
      drains.push({ seconds: (tEnd - t0) / 1000, leaseMs: graphileLeaseMs, completed });
      done += n;
    }
  } finally {
    await pgPool.end().catch(() => undefined);
  }
  return drains;
}

// ------------------------------------------------------------------------------------------------
// Driver
// ------------------------------------------------------------------------------------------------

async function ensurePeersDb(admin: pg.Pool): Promise<void> {
  const { rows } = await admin.query(`select 1 from pg_database where datname = $1`, [PEERS_DB]);
  if (rows.length === 0) await admin.query(`create database ${pg.escapeIdentifier(PEERS_DB)}`);
}

async function runCell(admin: pg.Pool, peers: pg.Pool, cell: Cell): Promise<Result> {
  const app = OURS.includes(cell.system)
    ? 'bench-peers-ours'
    : cell.system === 'pg-boss'
      ? 'bench-peers-pgboss'
      : 'bench-peers-graphile';
  const meter = new CpuMeter(admin, app);
  const wal0 = await walLsn(admin);
  const cpu0 = process.cpuUsage();
  const drains = OURS.includes(cell.system)
    ? await runOurs(admin, cell, meter)
    : cell.system === 'pg-boss'
      ? await runPgBoss(peers, cell, meter)
      : await runGraphile(peers, cell, meter);
  const cpu = process.cpuUsage(cpu0);
  const wal1 = await walLsn(admin);
  const jobs = drains.reduce((s, d) => s + d.completed, 0);
  const seconds = drains.reduce((s, d) => s + d.seconds, 0);
  const lease = drains.flatMap((d) => d.leaseMs).sort((a, b) => a - b);
  return {
    ...cell,
    jobs,
    seconds,
    perSecond: jobs / seconds,
    leaseP50: percentile(lease, 50),
    leaseP95: percentile(lease, 95),
    leaseP99: percentile(lease, 99),
    // WAL includes the (untimed) fills: every system pays its own enqueue too.
    walPerJob: Number(wal1 - wal0) / jobs,
    serverCpuMsPerJob: meter.ms / jobs,
    clientCpuMsPerJob: (cpu.user + cpu.system) / 1000 / jobs,
  };
}

function shuffled<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function environment(admin: pg.Pool): Promise<string[]> {
  const { rows } = await admin.query<{ name: string; setting: string; unit: string | null }>(
    `select name, setting, unit from pg_settings
      where name in ('server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers',
                     'wal_level', 'max_connections')
      order by name`,
  );
  const req = createRequire(import.meta.url);
  const v = (p: string): string => (req(`${p}/package.json`) as { version: string }).version;
  const cpus = os.cpus();
  return [
    `machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.platform()} ${os.release()}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`,
    `client: node ${process.version}, pg ${v('pg')}, pg-boss ${v('pg-boss')}, graphile-worker ${v('graphile-worker')}`,
    `server: ${rows.map((r) => `${r.name}=${r.setting}${r.unit ? ` ${r.unit}` : ''}`).join(', ')}`,
  ];
}

async function main(): Promise<void> {
  const admin = createPool(3);
  const env = await environment(admin);
  for (const line of env) console.log(line);
  const cells: Cell[] = [];
  for (const backlog of BACKLOGS)
    for (const workers of WORKERS)
      for (const batch of BATCHES) for (const system of SYSTEMS) cells.push({ system, workers, batch, backlog });
  console.log(`jobs per cell: ${JOBS}; cells: ${cells.length}; runs: ${RUNS}; our event log: ${EVENT_LOG}; our calls: ${OURS_CALL}; batch finish: ${BATCH_FINISH}\n`);
  let peers: pg.Pool | undefined;
  if (SYSTEMS.some((s) => !OURS.includes(s))) {
    await ensurePeersDb(admin);
    peers = new pg.Pool({ connectionString: PEERS_URL, max: 2, application_name: 'bench-peers-admin' });
    peers.on('error', () => undefined);
  }
  const byCell = new Map<string, Result[]>(cells.map((c) => [label(c), []]));
  const started = performance.now();
  try {
    for (let r = 0; r < RUNS; r++) {
      for (const c of RUNS > 1 ? shuffled(cells) : cells) {
        const res = await runCell(admin, peers!, c);
        byCell.get(label(c))!.push(res);
        console.error(
          `run ${r + 1} ${label(c)}: ${res.perSecond.toFixed(0)}/s, lease p50 ${res.leaseP50.toFixed(2)} ms, ` +
            `server CPU ${res.serverCpuMsPerJob.toFixed(3)} ms/job, WAL ${res.walPerJob.toFixed(0)} B/job`,
        );
      }
    }
  } finally {
    await peers?.end();
    await admin.end();
  }

  // Medians per cell.
  const med = (c: Cell): Result | undefined => {
    const rs = byCell.get(label(c)) ?? [];
    if (rs.length === 0) return undefined;
    const m = (f: (r: Result) => number): number => median(rs.map(f));
    return {
      ...rs[0]!,
      perSecond: m((r) => r.perSecond),
      leaseP50: m((r) => r.leaseP50),
      leaseP95: m((r) => r.leaseP95),
      leaseP99: m((r) => r.leaseP99),
      walPerJob: m((r) => r.walPerJob),
      serverCpuMsPerJob: m((r) => r.serverCpuMsPerJob),
      clientCpuMsPerJob: m((r) => r.clientCpuMsPerJob),
    };
  };

  // CSV: one row per run.
  const csv = [
    'system,workers,batch,backlog,run,jobs,seconds,completions_per_s,lease_p50_ms,lease_p95_ms,lease_p99_ms,wal_bytes_per_job,server_cpu_ms_per_job,client_cpu_ms_per_job',
  ];
  for (const c of cells)
    (byCell.get(label(c)) ?? []).forEach((r, i) =>
      csv.push(
        [r.system, r.workers, r.batch, r.backlog, i + 1, r.jobs, r.seconds.toFixed(3), r.perSecond.toFixed(1),
          r.leaseP50.toFixed(3), r.leaseP95.toFixed(3), r.leaseP99.toFixed(3), r.walPerJob.toFixed(0),
          r.serverCpuMsPerJob.toFixed(4), r.clientCpuMsPerJob.toFixed(4)].join(','),
      ),
    );
  mkdirSync(path.dirname(CSV_PATH), { recursive: true });
  writeFileSync(CSV_PATH, csv.join('\n') + '\n');

  // Table 1: completions/s and ratios per (W, B, backlog).
  const f0 = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(0));
  const ratio = (a: number | undefined, b: number | undefined): string =>
    a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`;
  const shapes = [...new Map(cells.map((c) => [key(c), c])).values()];
  const get = (s: System, c: Omit<Cell, 'system'>): Result | undefined => med({ ...c, system: s });
  console.log('\nCompletions per second' + (RUNS > 1 ? ` (median of ${RUNS})` : '') + ':\n');
  console.log('| W × B | backlog | commands | inbox | pg-boss | graphile-worker | commands/pg-boss | commands/graphile | inbox/pg-boss | inbox/graphile |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const c of shapes) {
    const [cm, ib, pb, gw] = (['commands', 'inbox', 'pg-boss', 'graphile-worker'] as System[]).map(
      (s) => get(s, c)?.perSecond,
    );
    console.log(
      `| ${c.workers} × ${c.batch} | ${c.backlog} | ${f0(cm)} | ${f0(ib)} | ${f0(pb)} | ${f0(gw)} | ` +
        `${ratio(cm, pb)} | ${ratio(cm, gw)} | ${ratio(ib, pb)} | ${ratio(ib, gw)} |`,
    );
  }
  // Table 2: per-system details.
  console.log('\nLease latency, WAL and CPU per job:\n');
  console.log('| system | W × B | backlog | lease p50 (ms) | p95 | p99 | WAL B/job | server CPU ms/job | client CPU ms/job |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const c of cells) {
    const r = med(c);
    if (!r) continue;
    console.log(
      `| ${c.system} | ${c.workers} × ${c.batch} | ${c.backlog} | ${r.leaseP50.toFixed(2)} | ${r.leaseP95.toFixed(2)} | ` +
        `${r.leaseP99.toFixed(2)} | ${r.walPerJob.toFixed(0)} | ${r.serverCpuMsPerJob.toFixed(3)} | ${r.clientCpuMsPerJob.toFixed(3)} |`,
    );
  }
  console.log(`\nCSV: ${path.relative(process.cwd(), CSV_PATH)}; total ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
