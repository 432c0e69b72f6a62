// Races pgTAP cannot stage: eight connections reassigning one task between agents at once (exactly one
// inbox item per effective assignment, none for no-op writes), and eight task-series jobs running at
// once over the same backlog (exactly one occurrence per series and due time).
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeQuietly, connect, createPool, createWorkspaceFixture, type Auth, type WorkspaceFixture } from './support/db.js';

const CONNECTIONS = 8;
const ROUNDS = 6;
let pool: pg.Pool;
let fx: WorkspaceFixture;
let agents: string[];

beforeAll(async () => {
  pool = createPool(2);
  fx = await createWorkspaceFixture(pool, 'work-races');
  const { rows } = await pool.query<{ id: string }>(
    `insert into public.agents (workspace_id, slug, name)
     select $1, 'racer-' || n, 'Racer ' || n from generate_series(1, 3) n returning id`,
    [fx.workspaceId],
  );
  agents = [fx.agentId, ...rows.map((r) => r.id)];
});
afterAll(() => pool.end());

/** Opens n connections, runs one call on each at the same moment, and closes them. */
async function inParallel<T>(n: number, call: (client: pg.Client, i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const clients = await Promise.all(Array.from({ length: n }, () => connect('agentbase-work-races')));
  try {
    return await Promise.all(clients.map((c) => c.query('select 1'))).then(() =>
      Promise.allSettled(clients.map((c, i) => call(c, i))));
  } finally {
    await Promise.all(clients.map((c) => closeQuietly(c)));
  }
}

/** One committed transaction as a signed-in user (PostgREST's role + claims). */
async function asUserCommitted<T extends pg.QueryResultRow>(client: pg.Client, auth: Auth, sql: string, params: unknown[]): Promise<T[]> {
  await client.query('begin');
  try {
    await client.query(`set local role ${client.escapeIdentifier(auth.role)}`);
    await client.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(auth.claims)]);
    const res = await client.query<T>(sql, params);
    await client.query('commit');
    return res.rows;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

describe('task assignment under concurrency', () => {
  it('enqueues exactly one inbox item per effective assignment', async () => {
    const { rows } = await pool.query<{ id: string }>(
      `insert into public.tasks (workspace_id, title) values ($1, 'Contested task') returning id`, [fx.workspaceId]);
    const taskId = rows[0]!.id;

    // Each connection assigns the task ROUNDS times, to agents chosen so that some writes repeat the
    // current assignee (no-ops) and most change it. Every effective change returns a new
    // assignment_version; a no-op returns the version of the change it repeats.
    const results = await inParallel(CONNECTIONS, async (client, i) => {
      const outcomes: { next: string; version: number }[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const next = agents[(i + r * (i % 2 === 0 ? 1 : 3)) % agents.length]!;
        const [row] = await asUserCommitted<{ version: number }>(client, fx.admin.auth,
          `update public.tasks set assignee_agent_id = $2 where id = $1 returning assignment_version as version`,
          [taskId, next]);
        outcomes.push({ next, version: row!.version });
      }
      return outcomes;
    });
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const outcomes = results.flatMap((r) => (r as PromiseFulfilledResult<{ next: string; version: number }[]>).value);
    expect(outcomes.length).toBe(CONNECTIONS * ROUNDS);
    const byVersion = new Map<number, Set<string>>();
    for (const o of outcomes) byVersion.set(o.version, (byVersion.get(o.version) ?? new Set()).add(o.next));
    // A version is one assignee: no-op writes share the version of the change they repeat.
    expect([...byVersion.values()].every((agentsOfVersion) => agentsOfVersion.size === 1)).toBe(true);
    const effective = [...byVersion.entries()].map(([version, a]) => ({ version, next: [...a][0]! }));
    expect(effective.length).toBeGreaterThan(1);
    expect(effective.length).toBeLessThan(outcomes.length); // the schedule above does contain no-ops

    const items = await pool.query<{ agent_id: string; dedup_key: string; event_type: string }>(
      `select agent_id, dedup_key, event_type from public.agent_inbox_items
       where subject_type = 'task' and subject_id = $1 order by dedup_key`, [taskId]);
    // One item per effective change, none for the no-ops, each for the agent assigned by that change.
    expect(items.rows.length).toBe(effective.length);
    const expected = effective.map((o) => `${o.next}|task-assigned:${taskId}:${o.version}`).sort();
    expect(items.rows.map((r) => `${r.agent_id}|${r.dedup_key}`).sort()).toEqual(expected);
    const task = await pool.query<{ assignment_version: number }>('select assignment_version from public.tasks where id = $1', [taskId]);
    expect(task.rows[0]!.assignment_version).toBe(effective.length);
    expect(Math.max(...effective.map((o) => o.version))).toBe(effective.length);
  });
});

describe('task series job under concurrency', () => {
  it('spawns exactly one occurrence per series and due time when eight jobs run at once', async () => {
    // Four per-minute series whose backlog is exactly 30 due times each, ending at a fixed "now" so the
    // real pg_cron job cannot add later occurrences while the test runs.
    const { rows: nowRow } = await pool.query<{ now: string }>(`select date_trunc('minute', now())::text as now`);
    const pNow = nowRow[0]!.now;
    const { rows: series } = await pool.query<{ id: string }>(
      `insert into public.task_series (workspace_id, schedule, timezone, title, catch_up, miss_previous, starts_at, ends_at, assignee_agent_id)
       select $1, '* * * * *', 'UTC', 'Race series ' || n, 'all', n % 2 = 0,
              $2::timestamptz - interval '30 minutes' + interval '1 second', $2::timestamptz + interval '1 second', $3
       from generate_series(1, 4) n returning id`,
      [fx.workspaceId, pNow, agents[1]],
    );
    const ids = series.map((s) => s.id);

    const results = await inParallel(CONNECTIONS, (client) =>
      client.query<{ n: number }>('select private.spawn_due_task_series($1::timestamptz) as n', [pNow]).then((r) => r.rows[0]!.n));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const spawned = results.reduce((sum, r) => sum + (r as PromiseFulfilledResult<number>).value, 0);

    const counts = await pool.query<{ series_id: string; n: number; distinct_due: number; first: string; last: string }>(
      `select series_id, count(*)::int as n, count(distinct series_due_at)::int as distinct_due,
              min(series_due_at)::text as first, max(series_due_at)::text as last
       from public.tasks where series_id = any ($1::uuid[]) group by series_id`, [ids]);
    expect(counts.rows.length).toBe(4);
    for (const c of counts.rows) {
      expect(c.n).toBe(30);
      expect(c.distinct_due).toBe(30);
    }
    // The inserts of all jobs add up to the backlog (the real pg_cron job may have taken a share).
    expect(spawned).toBeGreaterThan(0);
    expect(spawned).toBeLessThanOrEqual(4 * 30);

    // Running the job again (twice, at once) adds nothing.
    const again = await inParallel(2, (client) =>
      client.query<{ n: number }>('select private.spawn_due_task_series($1::timestamptz) as n', [pNow]).then((r) => r.rows[0]!.n));
    expect(again.map((r) => (r as PromiseFulfilledResult<number>).value)).toEqual([0, 0]);

    // Each occurrence assigned to the agent woke it exactly once.
    const items = await pool.query<{ n: number; keys: number }>(
      `select count(*)::int as n, count(distinct dedup_key)::int as keys from public.agent_inbox_items i
       join public.tasks t on t.id = i.subject_id where t.series_id = any ($1::uuid[])`, [ids]);
    expect(items.rows[0]).toEqual({ n: 4 * 30, keys: 4 * 30 });

    // miss_previous series: all but the newest occurrence are missed.
    const missed = await pool.query<{ missed: number; open: number }>(
      `select count(*) filter (where status = 'missed')::int as missed, count(*) filter (where status = 'todo')::int as open
       from public.tasks t join public.task_series s on s.id = t.series_id
       where s.id = any ($1::uuid[]) and s.miss_previous`, [ids]);
    expect(missed.rows[0]).toEqual({ missed: 2 * 29, open: 2 });
  });
});
