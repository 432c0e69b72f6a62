// The database server itself crashes (immediate shutdown: no checkpoint, every backend killed) while 16
// workers lease and finish on both queues; it restarts and the workers reconnect. After recovery every
// job must end in exactly one terminal state, no completion acknowledged before the crash may be lost, no
// job may be finished twice, and the leases held at the crash must come back through expiry.
// Needs control of the server, so it runs only against this checkout's local engine.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCluster } from '../scripts/lib/cluster.js';
import { dataDir, defaultUrl, runAsPostgres } from '../scripts/lib/engine.js';
import { createPool, createWorkspaceFixture, DB_URL, serviceRoleAuth, sleep, type WorkspaceFixture } from './support/db.js';

const JOBS = Number(process.env.CRASH_SOAK_JOBS ?? 400); // per queue
const WORKERS_PER_QUEUE = 8;
const LEASE_SECONDS = 5; // the contract's minimum, so held leases come back soon after the restart
const localEngine = DB_URL === defaultUrl && existsSync(join(dataDir, 'PG_VERSION'));

type Queue = 'command' | 'inbox';
interface Ack { queue: Queue; id: string; token: string; at: number }
interface Held { queue: Queue; id: string; token: string }

const service = serviceRoleAuth();
let pool: pg.Pool;
let fx: WorkspaceFixture;

/** One PostgREST-style call on its own connection; any error (including a dead server) is thrown. */
async function call<T>(client: pg.Client, fn: string, args: string, params: unknown[]): Promise<T[]> {
  await client.query(`begin; set local role service_role; select set_config('request.jwt.claims', $1, true)`
    .replace('$1', client.escapeLiteral(JSON.stringify(service.claims))));
  try {
    const res = await client.query(`select * from public.${fn}(${args})`, params);
    await client.query('commit');
    return res.rows as T[];
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

async function enqueueAll(): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    await c.query(`select set_config('role', 'service_role', true), set_config('request.jwt.claims', $1, true)`,
      [JSON.stringify(service.claims)]);
    await c.query(`select e.* from generate_series(1, $2::int) g,
      lateral public.enqueue_command(p_gateway_id => $1, p_action => 'crash.run', p_payload => jsonb_build_object('i', g),
                                     p_max_attempts => 5) e`, [fx.gatewayId, JOBS]);
    await c.query(`select e.* from generate_series(1, $2::int) g,
      lateral public.enqueue_inbox_item(p_agent_id => $1, p_event_type => 'crash_test', p_context => jsonb_build_object('i', g),
                                        p_max_attempts => 5) e`, [fx.agentId, JOBS]);
    await c.query('commit');
  } finally {
    c.release();
  }
}

beforeAll(async () => {
  if (!localEngine) return;
  pool = createPool(2);
  fx = await createWorkspaceFixture(pool, 'crash', { queue_event_log: 'all' }); // 'finished twice' is counted on the event trail too
  await enqueueAll();
});
afterAll(async () => {
  await pool?.end().catch(() => undefined);
});

describe.skipIf(!localEngine)('crash soak', () => {
  it(`${WORKERS_PER_QUEUE * 2} workers on both queues survive an immediate server shutdown`, async () => {
    const acks: Ack[] = [];
    const held = new Map<string, Held>(); // lease token -> lease, while a worker holds it
    const doubleFinish: string[] = [];
    const unexpected: string[] = [];
    let reconnects = 0;
    let crashedAt = 0;
    let heldAtCrash: Held[] = [];
    let acksBeforeCrash: Ack[] = [];
    let stop = false;

    const finished = async (): Promise<number> => {
      const { rows } = await pool.query<{ n: number }>(`
        select (select count(*) from public.agent_commands where gateway_id = $1 and status in ('done','failed','cancelled'))::int
             + (select count(*) from public.agent_inbox_items where agent_id = $2 and status in ('done','dead_letter','cancelled'))::int as n`,
      [fx.gatewayId, fx.agentId]);
      return rows[0]!.n;
    };

    const worker = async (queue: Queue, slot: number): Promise<void> => {
      let client: pg.Client | null = null;
      const mine = new Set<string>(); // lease tokens this worker holds
      let backoff = 50;
      while (!stop) {
        try {
          if (!client) {
            client = new pg.Client({ connectionString: DB_URL, application_name: `crash-${queue}-${slot}` });
            client.on('error', () => undefined);
            await client.connect();
            backoff = 50;
          }
          const leased = queue === 'command'
            ? await call<{ id: string; lease_token: string }>(client, 'lease_command',
              'p_gateway_id => $1, p_limit => $2, p_lease_seconds => $3, p_request_id => gen_random_uuid()', [fx.gatewayId, 1 + (slot % 5), LEASE_SECONDS])
            : await call<{ id: string; lease_token: string }>(client, 'lease_inbox_item',
              'p_agent_id => $1, p_limit => $2, p_lease_seconds => $3, p_request_id => gen_random_uuid()', [fx.agentId, 1 + (slot % 5), LEASE_SECONDS]);
          if (leased.length === 0) {
            await sleep(100);
            continue;
          }
          for (const l of leased) {
            held.set(l.lease_token, { queue, id: l.id, token: l.lease_token });
            mine.add(l.lease_token);
          }
          for (const l of leased) {
            const args = 'p_id => $1, p_lease_token => $2';
            if (queue === 'command') await call(client, 'start_command', args, [l.id, l.lease_token]);
            const fail = (l.id.charCodeAt(0) + slot) % 10 === 0;
            const [row] = fail
              ? await call<Record<string, { ok: boolean; idempotent?: boolean }>>(client, queue === 'command' ? 'fail_command' : 'fail_inbox_item',
                `${args}, p_error => 'crash soak retry', p_retryable => true, p_retry_after_seconds => 0`, [l.id, l.lease_token])
              : await call<Record<string, { ok: boolean; idempotent?: boolean }>>(client, queue === 'command' ? 'complete_command' : 'complete_inbox_item',
                args, [l.id, l.lease_token]);
            const result = Object.values(row!)[0]!;
            held.delete(l.lease_token);
            mine.delete(l.lease_token);
            if (!fail && result.ok && !result.idempotent) {
              if (acks.some((a) => a.id === l.id)) doubleFinish.push(l.id);
              acks.push({ queue, id: l.id, token: l.lease_token, at: Date.now() });
            }
          }
        } catch (err) {
          // The server went away (or this backend did): like a crashed process, forget what was held.
          const message = (err as Error).message ?? String(err);
          if (!/terminat|Connection|ECONNRESET|ECONNREFUSED|EPIPE|not queryable|shutting down|starting up|recovery|closed/i.test(message)) {
            unexpected.push(message);
          }
          for (const token of mine) held.delete(token);
          mine.clear();
          await client?.end().catch(() => undefined);
          client = null;
          reconnects++;
          await sleep(backoff);
          backoff = Math.min(1000, backoff * 2);
        }
      }
      await client?.end().catch(() => undefined);
    };

    const started = Date.now();
    const workers = [
      ...Array.from({ length: WORKERS_PER_QUEUE }, (_, i) => worker('command', i)),
      ...Array.from({ length: WORKERS_PER_QUEUE }, (_, i) => worker('inbox', i)),
    ];

    // Crash once a fifth of the jobs are finished, while leases are held.
    while ((await finished()) < (2 * JOBS) / 5 && Date.now() - started < 60_000) await sleep(100);
    await pool.end();
    heldAtCrash = [...held.values()];
    acksBeforeCrash = [...acks];
    crashedAt = Date.now();
    runAsPostgres('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    await sleep(500);
    startLocalCluster();
    const restartMs = Date.now() - crashedAt;
    pool = createPool(2);

    const deadline = Date.now() + 150_000;
    while ((await finished()) < 2 * JOBS && Date.now() < deadline) await sleep(250);
    stop = true;
    await Promise.all(workers);

    const { rows: finals } = await pool.query<{ id: string; status: string; finished_lease_token: string | null; q: Queue }>(`
      select id, status::text, finished_lease_token, 'command' as q from public.agent_commands where gateway_id = $1
      union all
      select id, status::text, finished_lease_token, 'inbox' from public.agent_inbox_items where agent_id = $2`,
    [fx.gatewayId, fx.agentId]);
    const byId = new Map(finals.map((r) => [r.id, r]));
    const terminal = finals.filter((r) => ['done', 'failed', 'cancelled', 'dead_letter'].includes(r.status));
    const lostAcks = acksBeforeCrash.filter((a) => byId.get(a.id)?.status !== 'done' || byId.get(a.id)?.finished_lease_token !== a.token);
    // A lease held at the crash either came back through expiry and was finished under a later lease, or its
    // holder's finish committed just before the crash and the answer was lost (then the row carries its token).
    const settled = heldAtCrash.filter((h) => !acks.some((a) => a.token === h.token));
    const reclaimed = settled.filter((h) => {
      const final = byId.get(h.id);
      return final && ['done', 'failed', 'cancelled', 'dead_letter'].includes(final.status) && final.finished_lease_token !== h.token;
    });
    const committedUnanswered = settled.filter((h) => byId.get(h.id)?.finished_lease_token === h.token);
    const { rows: twice } = await pool.query<{ n: number }>(`
      select count(*)::int as n from (
        select command_id from public.agent_command_events e join public.agent_commands c on c.id = e.command_id
        where c.gateway_id = $1 and e.to_status in ('done','failed','cancelled') group by command_id having count(*) > 1
        union all
        select item_id from public.agent_inbox_events e join public.agent_inbox_items i on i.id = e.item_id
        where i.agent_id = $2 and e.to_status in ('done','dead_letter','cancelled') group by item_id having count(*) > 1) t`,
    [fx.gatewayId, fx.agentId]);

    console.log(`crash soak: ${2 * JOBS} jobs, ${WORKERS_PER_QUEUE * 2} workers; crash after ${crashedAt - started} ms with ` +
      `${acksBeforeCrash.length} completions acknowledged and ${heldAtCrash.length} leases held; server back in ${restartMs} ms; ` +
      `${reconnects} reconnects; ${terminal.length} terminal; acknowledged-then-lost ${lostAcks.length}; ` +
      `finished twice ${doubleFinish.length + twice[0]!.n}; held leases reclaimed by expiry ${reclaimed.length}/${settled.length} ` +
      `(${committedUnanswered.length} finished just before the crash with the answer lost); ` +
      `unexpected errors ${unexpected.length}`);

    expect(unexpected).toEqual([]);
    expect(acksBeforeCrash.length).toBeGreaterThan(0);
    expect(heldAtCrash.length).toBeGreaterThan(0);
    expect(terminal.length).toBe(2 * JOBS);
    expect(lostAcks).toEqual([]);
    expect(doubleFinish).toEqual([]);
    expect(twice[0]!.n).toBe(0);
    expect(reclaimed.length).toBeGreaterThan(0);
    expect(reclaimed.length + committedUnanswered.length).toBe(settled.length);
  }, 300_000);
});
