// Races pgTAP cannot stage: many hosts consuming one registration token at once, and two admins editing
// the org chart in opposite directions at once. Real parallel connections, PostgREST-style calls.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonAuth,
  closeQuietly,
  connect,
  createPool,
  createWorkspaceFixture,
  rpc,
  type WorkspaceFixture,
} from './support/db.js';

const CONSUMERS = 12;
let pool: pg.Pool;
let fx: WorkspaceFixture;

beforeAll(async () => {
  pool = createPool(2);
  fx = await createWorkspaceFixture(pool, 'races');
});
afterAll(() => pool.end());

/** Opens n connections, runs one call on each at the same moment, and closes them. */
async function inParallel<T>(n: number, call: (client: pg.Client, i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const clients = await Promise.all(Array.from({ length: n }, () => connect('agentbase-races')));
  try {
    return await Promise.allSettled(clients.map((c, i) => call(c, i)));
  } finally {
    await Promise.all(clients.map((c) => closeQuietly(c)));
  }
}

describe('consume_gateway_token under concurrency', () => {
  it('gives every concurrent consumer of one token the same single gateway', async () => {
    const admin = await pool.connect();
    let token: string;
    try {
      const [minted] = await rpc<{ token: string }>(admin, fx.admin.auth, 'create_gateway_token', {
        p_workspace_id: fx.workspaceId,
        p_ttl_seconds: 600,
      });
      token = minted!.token;
    } finally {
      admin.release();
    }
    const before = await pool.query<{ n: number }>('select count(*)::int as n from public.gateways where workspace_id = $1', [fx.workspaceId]);

    const results = await inParallel(CONSUMERS, (client, i) =>
      rpc<{ gateway_id: string; workspace_id: string }>(client, anonAuth(), 'consume_gateway_token', {
        p_token: token,
        p_label: `host ${i}`,
        p_slug_hint: 'race-host',
      }),
    );

    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures).toEqual([]);
    const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ gateway_id: string }[]>).value[0]!.gateway_id));
    expect(ids.size).toBe(1);
    const after = await pool.query<{ n: number }>('select count(*)::int as n from public.gateways where workspace_id = $1', [fx.workspaceId]);
    expect(after.rows[0]!.n - before.rows[0]!.n).toBe(1);
    const [gatewayId] = [...ids];
    const tokenRow = await pool.query<{ consumed_by_gateway_id: string }>(
      'select consumed_by_gateway_id from public.gateway_registration_tokens where workspace_id = $1', [fx.workspaceId]);
    expect(tokenRow.rows.map((r) => r.consumed_by_gateway_id)).toEqual([gatewayId]);
  });
});

describe('org chart under concurrency', () => {
  it('never lets opposite manager edits close a cycle', async () => {
    const rounds = 6;
    let committedBoth = 0;
    for (let round = 0; round < rounds; round++) {
      const { rows } = await pool.query<{ id: string }>(
        `insert into public.agents (workspace_id, slug, name)
         select $1, 'race-' || $2 || '-' || s, 'Race ' || s from unnest(array['a', 'b']) s returning id`,
        [fx.workspaceId, round],
      );
      const [a, b] = [rows[0]!.id, rows[1]!.id];
      // Admin 1 makes A report to B while admin 2 makes B report to A.
      const results = await inParallel(2, (client, i) =>
        client.query('begin')
          .then(() => client.query(`set local role authenticated`))
          .then(() => client.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(fx.admin.auth.claims)]))
          .then(() => client.query('update public.agents set reports_to = $1 where id = $2', i === 0 ? [b, a] : [a, b]))
          .then(() => client.query('commit'))
          .catch(async (err: unknown) => {
            await client.query('rollback').catch(() => undefined);
            throw err;
          }),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      if (ok === 2) committedBoth++;
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toMatch(/^(23514|40001|40P01)$/);
      }
      const chain = await pool.query<{ reports_to: string | null }>(
        'select reports_to from public.agents where id = any($1::uuid[]) order by id', [[a, b]]);
      const managers = chain.rows.map((r) => r.reports_to).filter((m) => m !== null);
      expect(managers.length).toBeLessThanOrEqual(1);
    }
    expect(committedBoth).toBe(0);
  });
});
