// Budget rollup under concurrency: 8 writers on 8 real connections report usage for ONE agent at the same
// time, and each also retries reports that another writer is sending right then (same idempotency key).
// The agent's budget row must end with totals exactly equal to the sum of the distinct reports: no lost
// update from concurrent rollups, no double count from a retry, no deadlock, no error.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asRole,
  closeQuietly,
  connect,
  createPool,
  createWorkspaceFixture,
  rng,
  rpc,
  serviceRoleAuth,
  soakSeed,
  type WorkspaceFixture,
} from './support/db';

const WRITERS = 8;
const REPORTS_PER_WRITER = 40;
/** Share of each writer's calls that are retries of another writer's report. */
const RETRY_SHARE = 0.5;

interface Report {
  key: string;
  /** Cost in micro-dollars (integers keep the expected sum exact). */
  costMicros: number;
  inputTokens: number;
  outputTokens: number;
  metered: boolean;
}

let pool: pg.Pool;
let clients: pg.Client[] = [];
let fx: WorkspaceFixture;

beforeAll(async () => {
  pool = createPool(2);
  fx = await createWorkspaceFixture(pool, 'usagerace');
  // A high limit: the race is about totals, not about status changes.
  await pool.query(`update public.agent_budgets set monthly_limit_usd = 1000000 where agent_id = $1`, [fx.agentId]);
  clients = await Promise.all(Array.from({ length: WRITERS }, (_, i) => connect(`usage-race-${i}`)));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => closeQuietly(c)));
  await pool?.end();
});

describe('usage rollup race', () => {
  it(`${WRITERS} writers with retried duplicates end with exact totals`, async () => {
    const seed = soakSeed();
    const rand = rng(seed);
    const run = randomUUID().slice(0, 8);
    // Each writer owns REPORTS_PER_WRITER distinct reports.
    const own: Report[][] = Array.from({ length: WRITERS }, (_, w) =>
      Array.from({ length: REPORTS_PER_WRITER }, (_, i) => {
        const metered = rand() > 0.1;
        return {
          key: `${run}-w${w}-r${i}`,
          costMicros: metered ? Math.floor(rand() * 5_000_000) : 0,
          inputTokens: Math.floor(rand() * 20_000),
          outputTokens: Math.floor(rand() * 4_000),
          metered,
        };
      }),
    );
    // Call plan: a writer's own reports interleaved with retries of its neighbour's reports at the same
    // positions, so the original and the retry are in flight at about the same moment.
    const plans: Report[][] = own.map((mine, w) => {
      const neighbour = own[(w + 1) % WRITERS]!;
      const plan: Report[] = [];
      mine.forEach((r, i) => {
        plan.push(r);
        if (rand() < RETRY_SHARE) plan.push(neighbour[i]!);
      });
      return plan;
    });

    const outcomes = await Promise.all(
      clients.map(async (client, w) => {
        let fresh = 0;
        let dup = 0;
        for (const r of plans[w]!) {
          const rows = await rpc<{ id: string; deduplicated: boolean }>(client, serviceRoleAuth(), 'record_agent_usage', {
            p_agent_id: fx.agentId,
            p_provider: 'anthropic',
            p_model: 'claude-sonnet-4',
            p_input_tokens: r.inputTokens,
            p_output_tokens: r.outputTokens,
            p_cost_total_usd: r.metered ? (r.costMicros / 1e6).toFixed(6) : null,
            p_idempotency_key: r.key,
            p_gateway_id: fx.gatewayId,
          });
          expect(rows).toHaveLength(1);
          if (rows[0]!.deduplicated) dup++;
          else fresh++;
        }
        return { fresh, dup };
      }),
    );

    const distinct = own.flat();
    const calls = plans.reduce((n, p) => n + p.length, 0);
    const fresh = outcomes.reduce((n, o) => n + o.fresh, 0);
    const dup = outcomes.reduce((n, o) => n + o.dup, 0);
    expect(fresh, `seed ${seed}`).toBe(distinct.length);
    expect(dup, `seed ${seed}`).toBe(calls - distinct.length);
    expect(dup).toBeGreaterThan(0);

    const expectedMicros = distinct.reduce((n, r) => n + r.costMicros, 0);
    const expectedTokens = distinct.reduce((n, r) => n + r.inputTokens + r.outputTokens, 0);
    const expectedMetered = distinct.filter((r) => r.metered).length;

    const { rows: usage } = await pool.query<{ n: number }>(
      `select count(*)::int as n from public.agent_usage where agent_id = $1`, [fx.agentId]);
    expect(usage[0]!.n, `seed ${seed}`).toBe(distinct.length);

    const { rows: budget } = await pool.query<{ micros: string; tokens: string; metered: string; unmetered: string }>(
      `select (spend_usd * 1000000)::bigint::text as micros, tokens::text, metered_calls::text as metered,
              unmetered_calls::text as unmetered
         from public.agent_budgets where agent_id = $1`, [fx.agentId]);
    expect(Number(budget[0]!.micros), `seed ${seed}`).toBe(expectedMicros);
    expect(Number(budget[0]!.tokens), `seed ${seed}`).toBe(expectedTokens);
    expect(Number(budget[0]!.metered), `seed ${seed}`).toBe(expectedMetered);
    expect(Number(budget[0]!.unmetered), `seed ${seed}`).toBe(distinct.length - expectedMetered);

    // The incremental totals agree with a recompute from agent_usage.
    const { rows: again } = await pool.query<{ micros: string; tokens: string }>(
      `select (spend_usd * 1000000)::bigint::text as micros, tokens::text
         from public.recompute_agent_budget($1)`, [fx.agentId]);
    expect(Number(again[0]!.micros)).toBe(expectedMicros);
    expect(Number(again[0]!.tokens)).toBe(expectedTokens);
  });

  it('service_role edits a budget directly on a fresh connection (the status trigger runs as the caller)', async () => {
    const client = await connect('usage-race-direct');
    try {
      const rows = await asRole<{ status: string; monthly_limit_usd: string }>(client, serviceRoleAuth(),
        `update public.agent_budgets set monthly_limit_usd = 0.01 where agent_id = $1 returning status, monthly_limit_usd`,
        [fx.agentId]);
      expect(rows).toEqual([{ status: 'exceeded', monthly_limit_usd: '0.01' }]);
    } finally {
      await closeQuietly(client);
    }
  });
});
