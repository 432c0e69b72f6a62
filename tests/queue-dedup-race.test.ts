// K concurrent identical enqueues with one dedup_key, from K real connections at once, must produce
// exactly one live row: one caller creates it, the other K-1 are told deduplicated=true, and all K get
// the same id back. Run for both queues, several rounds each, with service_role and admin callers mixed.
// With an idempotency window (settings.queue_idempotency_window_hours) the same holds for the first
// enqueue, and K concurrent replays after the row finished all get its id back and create nothing.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeQuietly,
  connect,
  createPool,
  createWorkspaceFixture,
  rpc,
  serviceRoleAuth,
  type WorkspaceFixture,
} from './support/db';

const K = 16;
const ROUNDS = 5;

interface EnqueueRow {
  id: string;
  deduplicated: boolean;
}

let pool: pg.Pool;
let clients: pg.Client[] = [];
let fx: WorkspaceFixture;
let fxWindow: WorkspaceFixture;

beforeAll(async () => {
  pool = createPool(2);
  fx = await createWorkspaceFixture(pool, 'dedup');
  fxWindow = await createWorkspaceFixture(pool, 'dedupwin');
  await pool.query(
    `update public.workspaces set settings = settings || '{"queue_idempotency_window_hours": 24}' where id = $1`,
    [fxWindow.workspaceId],
  );
  clients = await Promise.all(Array.from({ length: K }, (_, i) => connect(`dedup-race-${i}`)));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => closeQuietly(c)));
  await pool?.end();
});

/** Fires one enqueue per connection at the same instant (all connections are warm and idle). */
async function race(call: (client: pg.Client, i: number) => Promise<EnqueueRow[]>): Promise<EnqueueRow[]> {
  const results = await Promise.all(clients.map((c, i) => call(c, i)));
  return results.map((rows) => {
    expect(rows).toHaveLength(1);
    return rows[0]!;
  });
}

function expectOneWinner(results: EnqueueRow[]): string {
  const ids = new Set(results.map((r) => r.id));
  expect(ids.size).toBe(1);
  expect(results.filter((r) => r.deduplicated === false)).toHaveLength(1);
  expect(results.filter((r) => r.deduplicated === true)).toHaveLength(K - 1);
  return results[0]!.id;
}

describe('dedup race', () => {
  it(`command queue: ${K} concurrent enqueues with one dedup_key make one row (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const key = `race-${randomUUID()}`;
      const results = await race((c, i) =>
        rpc<EnqueueRow>(c, i % 4 === 0 ? fx.admin.auth : serviceRoleAuth(), 'enqueue_command', {
          p_gateway_id: fx.gatewayId,
          p_action: 'race.test',
          p_payload: { round, caller: i },
          p_dedup_key: key,
        }),
      );
      const id = expectOneWinner(results);
      const { rows } = await pool.query<{ id: string }>(
        'select id from public.agent_commands where dedup_key = $1',
        [key],
      );
      expect(rows.map((r) => r.id)).toEqual([id]);
    }
  });

  it(`inbox queue: ${K} concurrent enqueues with one dedup_key make one row (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const key = `race-${randomUUID()}`;
      const results = await race((c, i) =>
        rpc<EnqueueRow>(c, i % 4 === 0 ? fx.admin.auth : serviceRoleAuth(), 'enqueue_inbox_item', {
          p_agent_id: fx.agentId,
          p_event_type: 'race.test',
          p_summary: `round ${round}`,
          p_context: { round, caller: i },
          p_dedup_key: key,
        }),
      );
      const id = expectOneWinner(results);
      const { rows } = await pool.query<{ id: string }>(
        'select id from public.agent_inbox_items where dedup_key = $1',
        [key],
      );
      expect(rows.map((r) => r.id)).toEqual([id]);
    }
  });
});

describe('dedup race with an idempotency window', () => {
  it(`command queue: ${K} concurrent enqueues make one row and one key; ${K} concurrent replays after it finished make none`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const key = `win-race-${randomUUID()}`;
      const enqueue = () =>
        race((c, i) =>
          rpc<EnqueueRow>(c, i % 4 === 0 ? fxWindow.admin.auth : serviceRoleAuth(), 'enqueue_command', {
            p_gateway_id: fxWindow.gatewayId,
            p_action: 'race.test',
            p_payload: { round, caller: i },
            p_dedup_key: key,
          }),
        );
      const id = expectOneWinner(await enqueue());
      const keys = await pool.query<{ command_id: string }>(
        'select command_id from private.agent_command_idempotency_keys where gateway_id = $1 and dedup_key = $2',
        [fxWindow.gatewayId, key],
      );
      expect(keys.rows.map((r) => r.command_id)).toEqual([id]);

      const [leased] = await rpc<{ id: string; lease_token: string }>(
        clients[0]!, serviceRoleAuth(), 'lease_command', { p_gateway_id: fxWindow.gatewayId, p_limit: 1 },
      );
      expect(leased!.id).toBe(id);
      await rpc(clients[0]!, serviceRoleAuth(), 'complete_command', { p_id: id, p_lease_token: leased!.lease_token });

      const replays = await enqueue();
      expect(replays.every((r) => r.id === id && r.deduplicated)).toBe(true);
      const { rows } = await pool.query<{ id: string }>(
        'select id from public.agent_commands where dedup_key = $1',
        [key],
      );
      expect(rows.map((r) => r.id)).toEqual([id]);
    }
  });

  it(`inbox queue: ${K} concurrent enqueues make one row and one key; ${K} concurrent replays after it finished make none`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const key = `win-race-${randomUUID()}`;
      const enqueue = () =>
        race((c, i) =>
          rpc<EnqueueRow>(c, i % 4 === 0 ? fxWindow.admin.auth : serviceRoleAuth(), 'enqueue_inbox_item', {
            p_agent_id: fxWindow.agentId,
            p_event_type: 'race.test',
            p_context: { round, caller: i },
            p_dedup_key: key,
          }),
        );
      const id = expectOneWinner(await enqueue());
      const keys = await pool.query<{ item_id: string }>(
        'select item_id from private.agent_inbox_idempotency_keys where agent_id = $1 and dedup_key = $2',
        [fxWindow.agentId, key],
      );
      expect(keys.rows.map((r) => r.item_id)).toEqual([id]);

      const [leased] = await rpc<{ id: string; lease_token: string }>(
        clients[0]!, serviceRoleAuth(), 'lease_inbox_item', { p_agent_id: fxWindow.agentId, p_limit: 1 },
      );
      expect(leased!.id).toBe(id);
      await rpc(clients[0]!, serviceRoleAuth(), 'complete_inbox_item', { p_id: id, p_lease_token: leased!.lease_token });

      const replays = await enqueue();
      expect(replays.every((r) => r.id === id && r.deduplicated)).toBe(true);
      const { rows } = await pool.query<{ id: string }>(
        'select id from public.agent_inbox_items where dedup_key = $1',
        [key],
      );
      expect(rows.map((r) => r.id)).toEqual([id]);
    }
  });
});
