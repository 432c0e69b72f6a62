// Batch finishes racing each other and the single call: K connections complete the same leased rows at
// once (each in its own order, one of them with single complete calls). Every row must be accepted exactly
// once; every other answer is the idempotent replay of that completion; each row ends in history with
// one `completed` event; no call fails (no deadlock between batches that lock in different input orders).
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeQuietly,
  connect,
  createPool,
  createWorkspaceFixture,
  rpc,
  serviceRoleAuth,
  type QueueResult,
  type WorkspaceFixture,
} from './support/db';

const K = 8;
const ROWS = 40;
const ROUNDS = 3;

let pool: pg.Pool;
let clients: pg.Client[] = [];
let fx: WorkspaceFixture;

beforeAll(async () => {
  pool = createPool(2);
  fx = await createWorkspaceFixture(pool, 'batchrace', { queue_event_log: 'all' }); // counts completion events
  clients = await Promise.all(Array.from({ length: K }, (_, i) => connect(`batch-race-${i}`)));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => closeQuietly(c)));
  await pool?.end();
});

const shuffled = <T>(xs: T[], seed: number): T[] => {
  const a = [...xs];
  let s = seed + 1;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
};

async function raceQueue(queue: 'commands' | 'inbox'): Promise<void> {
  const auth = serviceRoleAuth();
  const enqueue = queue === 'commands' ? 'enqueue_command' : 'enqueue_inbox_item';
  const lease = queue === 'commands' ? 'lease_command' : 'lease_inbox_item';
  const single = queue === 'commands' ? 'complete_command' : 'complete_inbox_item';
  const batch = queue === 'commands' ? 'complete_commands' : 'complete_inbox_items';
  const target = queue === 'commands' ? { p_gateway_id: fx.gatewayId } : { p_agent_id: fx.agentId };
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < ROWS; i++) {
      await rpc(clients[0]!, auth, enqueue, queue === 'commands'
        ? { ...target, p_action: 'race.batch', p_payload: { round, i } }
        : { ...target, p_event_type: 'race.batch', p_context: { round, i } });
    }
    const leased = await rpc<{ id: string; lease_token: string }>(clients[0]!, auth, lease, { ...target, p_limit: ROWS, p_lease_seconds: 60 });
    expect(leased).toHaveLength(ROWS);
    const items = leased.map((l) => ({ id: l.id, lease_token: l.lease_token }));

    const answers = await Promise.all(
      clients.map(async (c, k): Promise<{ id: string; result: QueueResult }[]> => {
        if (k === K - 1) {
          const out: { id: string; result: QueueResult }[] = [];
          for (const it of [...items].reverse()) {
            const rows = await rpc<Record<string, QueueResult>>(c, auth, single, { p_id: it.id, p_lease_token: it.lease_token });
            out.push({ id: it.id, result: rows[0]![single]! });
          }
          return out;
        }
        return rpc<{ id: string; result: QueueResult }>(c, auth, batch, { p_items: shuffled(items, round * K + k) });
      }),
    );

    const all = answers.flat();
    expect(all).toHaveLength(K * ROWS);
    for (const it of items) {
      const mine = all.filter((a) => a.id === it.id);
      expect(mine.every((a) => a.result.ok && a.result.status === 'done')).toBe(true);
      expect(mine.filter((a) => a.result.idempotent === false)).toHaveLength(1);
    }
    const ids = items.map((i) => i.id);
    const hist = queue === 'commands' ? 'agent_command_history' : 'agent_inbox_history';
    const events = queue === 'commands' ? 'agent_command_events' : 'agent_inbox_events';
    const idCol = queue === 'commands' ? 'command_id' : 'item_id';
    const { rows: moved } = await pool.query<{ n: number }>(
      `select count(*)::int as n from public.${hist} where id = any ($1::uuid[]) and status = 'done'`,
      [ids],
    );
    expect(moved[0]!.n).toBe(ROWS);
    const { rows: ev } = await pool.query<{ n: number }>(
      `select count(*)::int as n from public.${events} where ${idCol} = any ($1::uuid[]) and reason = 'completed'`,
      [ids],
    );
    expect(ev[0]!.n).toBe(ROWS);
  }
}

describe('batch finish race', () => {
  it(`command queue: ${K} connections complete the same ${ROWS} leases at once (${ROUNDS} rounds)`, async () => {
    await raceQueue('commands');
  });
  it(`inbox queue: ${K} connections complete the same ${ROWS} leases at once (${ROUNDS} rounds)`, async () => {
    await raceQueue('inbox');
  });
});
