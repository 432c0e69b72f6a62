// History never slows the queue: lease and complete latency with an empty history, then with HISTORY_ROWS
// (default 1,000,000) finished commands in agent_command_history (same workspace and gateway), then the ratio.
//
//   SUPABASE_DB_URL=postgresql://postgres:postgres@127.0.0.1:54322/postgres npm run bench:history
//
// Each phase: HISTORY_JOBS (2000) commands enqueued, VACUUM ANALYZE, then one worker leases 1 and completes
// it through the PostgREST-style call path until the queue is empty (the 1 x 1 cell of bench:peers, the
// one most sensitive to per-call cost). The history rows are deleted again at the end (with their
// workspace). Goal: lease p50 with history <= 1.2 x lease p50 without.
import pg from 'pg';
import {
  closeQuietly,
  connect,
  createPool,
  createWorkspaceFixture,
  rpc,
  serviceRoleAuth,
  type WorkspaceFixture,
} from '../tests/support/db';

const HISTORY_ROWS = Number(process.env.HISTORY_ROWS ?? 1_000_000);
const JOBS = Number(process.env.HISTORY_JOBS ?? 2000);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Phase {
  perSecond: number;
  leaseP50: number;
  leaseP95: number;
  completeP50: number;
  completeP95: number;
}

async function phase(pool: pg.Pool, fx: WorkspaceFixture): Promise<Phase> {
  const auth = serviceRoleAuth();
  const c = await connect('bench-history');
  try {
    await rpc(c, auth, 'enqueue_command', { p_gateway_id: fx.gatewayId, p_action: 'warm.up' });
    await pool.query(
      `begin; set local role service_role;
       select count(*) from generate_series(1, ${JOBS}) g,
         lateral public.enqueue_command(p_gateway_id => '${fx.gatewayId}', p_action => 'bench.run',
                                        p_payload => jsonb_build_object('i', g, 'pad', repeat('x', 200)));
       commit;`,
    );
    for (const t of ['agent_commands', 'agent_command_events', 'agent_command_history']) await pool.query(`vacuum analyze public.${t}`);
    const lease: number[] = [];
    const complete: number[] = [];
    let done = 0;
    const t0 = performance.now();
    for (;;) {
      const a = performance.now();
      const rows = await rpc<{ id: string; lease_token: string }>(c, auth, 'lease_command', {
        p_gateway_id: fx.gatewayId,
        p_limit: 1,
        p_lease_seconds: 60,
      });
      lease.push(performance.now() - a);
      if (rows.length === 0) break;
      const b = performance.now();
      await rpc(c, auth, 'complete_command', { p_id: rows[0]!.id, p_lease_token: rows[0]!.lease_token });
      complete.push(performance.now() - b);
      done++;
    }
    const seconds = (performance.now() - t0) / 1000;
    lease.sort((x, y) => x - y);
    complete.sort((x, y) => x - y);
    return {
      perSecond: done / seconds,
      leaseP50: pct(lease, 50),
      leaseP95: pct(lease, 95),
      completeP50: pct(complete, 50),
      completeP95: pct(complete, 95),
    };
  } finally {
    await closeQuietly(c);
  }
}

async function main(): Promise<void> {
  const pool = createPool(2);
  const fx = await createWorkspaceFixture(pool, 'history');
  try {
    const { rows: before } = await pool.query<{ n: string }>(`select count(*) as n from public.agent_command_history`);
    console.log(`history rows before: ${before[0]!.n}; jobs per phase: ${JOBS}`);
    const empty = await phase(pool, fx);
    const t0 = performance.now();
    await pool.query(
      `insert into public.agent_command_history
         (workspace_id, gateway_id, action, status, attempt, finished_at, created_at, result, finished_lease_token, finished_status)
       select $1, $2, 'bench.history', 'done', 1, now() - make_interval(secs => g), now() - make_interval(secs => g + 5),
              '{"ok": true}', gen_random_uuid(), 'done'
       from generate_series(1, $3::int) g`,
      [fx.workspaceId, fx.gatewayId, HISTORY_ROWS],
    );
    console.log(`filled ${HISTORY_ROWS} finished commands in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const full = await phase(pool, fx);
    const row = (name: string, p: Phase): string =>
      `| ${name} | ${p.perSecond.toFixed(0)} | ${p.leaseP50.toFixed(2)} | ${p.leaseP95.toFixed(2)} | ${p.completeP50.toFixed(2)} | ${p.completeP95.toFixed(2)} |`;
    console.log('\n| history | jobs/s | lease p50 (ms) | lease p95 | complete p50 (ms) | complete p95 |');
    console.log('|---|---|---|---|---|---|');
    console.log(row('empty', empty));
    console.log(row(`${HISTORY_ROWS.toLocaleString('en')} rows`, full));
    console.log(
      `\nlease p50 ratio ${(full.leaseP50 / empty.leaseP50).toFixed(2)} (goal <= 1.2); complete p50 ratio ${(full.completeP50 / empty.completeP50).toFixed(2)}`,
    );
  } finally {
    const t0 = performance.now();
    await pool.query(`delete from public.workspaces where id = $1`, [fx.workspaceId]);
    await pool.query(`delete from public.organizations where id = $1`, [fx.organizationId]);
    console.log(`cleanup ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
