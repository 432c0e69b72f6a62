// Usage benchmark: the cost of the budget rollup on usage inserts.
//
//   SUPABASE_DB_URL=postgresql://postgres:postgres@127.0.0.1:54322/postgres npm run bench:usage
//
// Each cell inserts BENCH_ROWS usage rows for one agent, with the rollup trigger (agent_usage_rollup) on
// and then off (ALTER TABLE ... DISABLE TRIGGER for the cell, re-enabled afterwards; the before-insert
// trigger that resolves the workspace stays on in both). Shapes:
//   - "1 row/stmt":   one autocommitted INSERT per row (a gateway reporting each call as it happens)
//   - "500 rows/stmt": one INSERT ... SELECT of 500 rows per statement (a batch upload)
//   - "rpc":          record_agent_usage through the PostgREST path as service_role (what clients call)
//   - "4 writers":    four connections, 1 row/stmt each, all for the SAME agent (hot budget row)
// Knobs: BENCH_ROWS (default 2000), BENCH_RUNS (default 3; on/off alternate and the table reports the
// median rows/s with min-max). Run it on a quiet machine: shared cores make single runs noisy.
import os from 'node:os';
import type pg from 'pg';
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

const ROWS = Number(process.env.BENCH_ROWS ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

type Shape = '1 row/stmt' | '500 rows/stmt' | 'rpc' | '4 writers';
const SHAPES: Shape[] = ['1 row/stmt', '500 rows/stmt', 'rpc', '4 writers'];

const INSERT_ONE = `insert into public.agent_usage (agent_id, provider, model, input_tokens, output_tokens, cost_total_usd)
  values ($1, 'anthropic', 'claude-sonnet-4', 1200, 300, 0.004512)`;
const INSERT_BATCH = `insert into public.agent_usage (agent_id, provider, model, input_tokens, output_tokens, cost_total_usd)
  select $1, 'anthropic', 'claude-sonnet-4', 1200, 300, 0.004512 from generate_series(1, $2::int)`;

async function runCell(shape: Shape, fx: WorkspaceFixture, clients: pg.Client[]): Promise<number> {
  const started = performance.now();
  if (shape === '1 row/stmt') {
    for (let i = 0; i < ROWS; i++) await clients[0]!.query(INSERT_ONE, [fx.agentId]);
  } else if (shape === '500 rows/stmt') {
    for (let i = 0; i < ROWS; i += 500) await clients[0]!.query(INSERT_BATCH, [fx.agentId, Math.min(500, ROWS - i)]);
  } else if (shape === 'rpc') {
    for (let i = 0; i < ROWS; i++) {
      await rpc(clients[0]!, serviceRoleAuth(), 'record_agent_usage', {
        p_agent_id: fx.agentId, p_provider: 'anthropic', p_model: 'claude-sonnet-4',
        p_input_tokens: 1200, p_output_tokens: 300, p_cost_total_usd: '0.004512',
      });
    }
  } else {
    const per = Math.ceil(ROWS / 4);
    await Promise.all(clients.slice(0, 4).map(async (c) => {
      for (let i = 0; i < per; i++) await c.query(INSERT_ONE, [fx.agentId]);
    }));
  }
  return ROWS / ((performance.now() - started) / 1000);
}

async function setRollup(admin: pg.Pool, on: boolean): Promise<void> {
  await admin.query(`alter table public.agent_usage ${on ? 'enable' : 'disable'} trigger agent_usage_rollup`);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const admin = createPool(2);
  const clients = await Promise.all([0, 1, 2, 3].map((i) => connect(`bench-usage-${i}`)));
  const results = new Map<string, number[]>();
  try {
    const { rows } = await admin.query<{ v: string }>(`select version() as v`);
    console.log(`# usage rollup benchmark\n${rows[0]!.v}\n${os.cpus().length} cpus, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(`database: ${DB_URL.replace(/:[^:@/]+@/, ':***@')}; rows per cell: ${ROWS}; runs: ${RUNS}\n`);
    // Warm-up (unreported).
    const warm = await createWorkspaceFixture(admin, 'benchwarm');
    await runCell('1 row/stmt', warm, clients);
    for (let run = 0; run < RUNS; run++) {
      for (const shape of SHAPES) {
        // Alternate which variant goes first so drift in machine load does not favour one side.
        const order = run % 2 === 0 ? [true, false] : [false, true];
        for (const on of order) {
          const fx = await createWorkspaceFixture(admin, 'benchusage');
          await admin.query(`update public.agent_budgets set monthly_limit_usd = 1000000 where agent_id = $1`, [fx.agentId]);
          await setRollup(admin, on);
          try {
            const rate = await runCell(shape, fx, clients);
            const key = `${shape}|${on}`;
            results.set(key, [...(results.get(key) ?? []), rate]);
          } finally {
            await setRollup(admin, true);
          }
        }
      }
    }
    console.log('| Shape | Rows/s with rollup | Rows/s without | Overhead (time ratio, median) |');
    console.log('|---|---|---|---|');
    for (const shape of SHAPES) {
      const on = results.get(`${shape}|true`)!;
      const off = results.get(`${shape}|false`)!;
      const fmt = (xs: number[]): string =>
        `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
      console.log(`| ${shape} | ${fmt(on)} | ${fmt(off)} | ${(median(off) / median(on)).toFixed(2)}x |`);
    }
    console.log(`\nload after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    await setRollup(admin, true).catch(() => undefined);
    await Promise.all(clients.map((c) => closeQuietly(c)));
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
