// Job schedule materialisation under real concurrency: several sweeps (separate connections, as pg_cron
// and an operator's manual run would be) race over one schedule with a 30-minute backlog. Every due time
// must become exactly one job and one agent command, whoever wins each schedule row.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeQuietly, connect, createPool, createWorkspaceFixture, type WorkspaceFixture } from './support/db.js';

const SWEEPERS = 6;
let pool: pg.Pool;
let fx: WorkspaceFixture;
let scheduleId: string;

beforeAll(async () => {
  pool = createPool(2);
  fx = await createWorkspaceFixture(pool, 'sweeps');
  const { rows } = await pool.query<{ id: string }>(
    `insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command_action, agent_id, catch_up)
     values ($1, 'race', '* * * * *', 'agent_command', 'agent.tick', $2, 'all') returning id`,
    [fx.workspaceId, fx.agentId],
  );
  scheduleId = rows[0]!.id;
});

afterAll(async () => {
  // The workspace goes with everything in it, so the pg_cron sweep does not keep feeding it.
  await pool.query('delete from public.workspaces where id = $1', [fx.workspaceId]);
  await pool.query('delete from public.organizations where id = $1', [fx.organizationId]);
  await pool.end();
});

describe('materialize_due_job_schedules under concurrency', () => {
  it('turns every due time into exactly one job and one command, however many sweeps race', async () => {
    const start = '2026-01-01T10:00:00Z';
    const until = '2026-01-01T10:30:00Z';
    // Two rounds: the second races over a schedule rewound to the start, as a sweep replayed from an old snapshot would.
    for (let round = 0; round < 2; round++) {
      await pool.query('update public.job_schedules set next_run_at = $2 where id = $1', [scheduleId, start]);
      const clients = await Promise.all(Array.from({ length: SWEEPERS }, () => connect('agentbase-sweeps')));
      try {
        const results = await Promise.allSettled(
          clients.map((c) => c.query<{ n: number }>('select private.materialize_due_job_schedules($1) as n', [until])),
        );
        expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
        const created = results.reduce((n, r) => n + (r as PromiseFulfilledResult<pg.QueryResult<{ n: number }>>).value.rows[0]!.n, 0);
        // The live pg_cron sweep may take some due times itself; the sweeps here never create more than exist.
        expect(created).toBeLessThanOrEqual(round === 0 ? 31 : 0);
      } finally {
        await Promise.all(clients.map((c) => closeQuietly(c)));
      }
    }

    const jobs = await pool.query<{ due_at: Date; n: number; commands: number }>(
      `select j.due_at, count(*)::int as n, count(distinct j.command_id)::int as commands
       from public.jobs j where j.schedule_id = $1 and j.due_at between $2 and $3
       group by j.due_at order by j.due_at`,
      [scheduleId, start, until],
    );
    expect(jobs.rows).toHaveLength(31);
    expect(jobs.rows.every((r) => r.n === 1 && r.commands === 1)).toBe(true);

    const commands = await pool.query<{ n: number; keys: number }>(
      `select count(*)::int as n, count(distinct dedup_key)::int as keys from public.agent_commands
       where gateway_id = $1 and available_at between $2 and $3`,
      [fx.gatewayId, start, until],
    );
    expect(commands.rows[0]).toEqual({ n: 31, keys: 31 });
  });
});
