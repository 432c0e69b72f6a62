// Races pgTAP cannot stage: concurrent posts into one thread (sequence numbers stay dense and unique, and
// last_seq ends at the count), and concurrent lifecycle transitions from the same version (exactly one
// wins, the others get 40001). Real parallel connections, PostgREST-style calls.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asRole, closeQuietly, connect, createPool, createWorkspaceFixture, rpc, RpcError, type WorkspaceFixture } from './support/db.js';

const WRITERS = 8;
const POSTS_EACH = 10;
let pool: pg.Pool;
let fx: WorkspaceFixture;

beforeAll(async () => {
  pool = createPool(2);
  fx = await createWorkspaceFixture(pool, 'conv-races');
});
afterAll(() => pool.end());

async function inParallel<T>(n: number, call: (client: pg.Client, i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const clients = await Promise.all(Array.from({ length: n }, () => connect('agentbase-conv-races')));
  try {
    return await Promise.allSettled(clients.map((c, i) => call(c, i)));
  } finally {
    await Promise.all(clients.map((c) => closeQuietly(c)));
  }
}

/** One PostgREST-style insert (own transaction, committed) as the given user. */
async function post(client: pg.Client, threadId: string, text: string): Promise<void> {
  await client.query('begin');
  try {
    await client.query('set local role authenticated');
    await client.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(fx.admin.auth.claims)]);
    await client.query(
      `insert into public.messages (thread_id, sender_type, content, parts) values ($1, 'user', $2, jsonb_build_array(jsonb_build_object('type', 'text', 'text', $2::text)))`,
      [threadId, text],
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

describe('messages under concurrency', () => {
  it('numbers concurrent posts into one thread 1..n without gaps or duplicates', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `insert into public.threads (workspace_id, kind, title) values ($1, 'channel', 'race') returning id`,
      [fx.workspaceId],
    );
    const threadId = rows[0]!.id;
    const results = await inParallel(WRITERS, async (client, w) => {
      for (let i = 0; i < POSTS_EACH; i++) await post(client, threadId, `w${w} #${i}`);
    });
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);

    const seqs = await pool.query<{ seq: string }>('select seq from public.messages where thread_id = $1 order by seq', [threadId]);
    const n = WRITERS * POSTS_EACH;
    expect(seqs.rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const thread = await pool.query<{ last_seq: string }>('select last_seq from public.threads where id = $1', [threadId]);
    expect(Number(thread.rows[0]!.last_seq)).toBe(n);
    // The poster has read everything they wrote: nothing unread for them.
    const client = await pool.connect();
    try {
      const mine = await asRole<{ unread_count: string }>(client, fx.admin.auth, 'select unread_count from public.my_threads() where thread_id = $1', [threadId]);
      expect(Number(mine[0]!.unread_count)).toBe(0);
    } finally {
      client.release();
    }
  });
});

describe('transition_agent_session under concurrency', () => {
  it('lets exactly one of several transitions from the same version win; the rest get 40001', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `insert into public.agent_sessions (workspace_id, owner_id, title, lifecycle_state) values ($1, $2, 'race', 'active') returning id`,
      [fx.workspaceId, fx.admin.id],
    );
    const sessionId = rows[0]!.id;
    const targets = ['hibernating', 'archived', 'failed', 'hibernating', 'archived', 'failed'];
    const results = await inParallel(targets.length, (client, i) =>
      rpc<{ lifecycle_state: string; lifecycle_version: number }>(client, fx.admin.auth, 'transition_agent_session', {
        p_session_id: sessionId,
        p_expected_version: 0,
        p_to: targets[i],
      }),
    );
    const won = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ lifecycle_state: string; lifecycle_version: number }[]>[];
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as RpcError).code)).toEqual(Array(targets.length - 1).fill('40001'));
    const final = await pool.query<{ lifecycle_state: string; lifecycle_version: number }>(
      'select lifecycle_state, lifecycle_version from public.agent_sessions where id = $1',
      [sessionId],
    );
    expect(final.rows[0]).toEqual({ lifecycle_state: won[0]!.value[0]!.lifecycle_state, lifecycle_version: 1 });
  });
});
