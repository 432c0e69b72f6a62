// Inbox queue under real concurrency: 16 dispatcher workers on 16 connections drain 2,000 inbox items
// for 4 agents through the PostgREST-style RPCs, while a controller kills their backends mid-lease and
// cancels items, some holders sleep past their short leases and then try to finish, others work for a
// while inside their lease, and finishes mix complete, retryable fail and permanent fail. A slice of the
// items is serialized (at most one live lease per agent). Every call is recorded; the invariants are
// then checked against the rows, the events table and the call log.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CallLog,
  type ClientLease,
  createPool,
  createWorkspaceFixture,
  jsonbResult,
  leaseAndTrack,
  type LeaseTracker,
  type QueueResult,
  rng,
  rpc,
  runSoak,
  serviceRoleAuth,
  soakSeed,
  type SoakWorker,
  toMs,
  type WorkspaceFixture,
} from './support/db';

const ROWS = Number(process.env.SOAK_ROWS ?? 2000);
const WORKERS = 16;
const AGENTS = 4;
const TERMINAL = new Set(['done', 'dead_letter', 'cancelled']);

interface LeaseRow {
  id: string;
  lease_token: string;
  attempt: number;
  lease_count: number;
  lease_expires_at: Date;
  event_type: string;
  summary: string | null;
  context: unknown;
  subject_type: string | null;
  subject_id: string | null;
  cancel_requested: boolean;
}

interface ItemRow {
  id: string;
  agent_id: string;
  status: string;
  attempt: number;
  max_attempts: number;
  max_leases: number;
  lease_count: number;
  lease_expires_at: Date | null;
  finished_at: Date | null;
  serialized: boolean;
}

interface EventRow {
  id: string;
  item_id: string;
  from_status: string | null;
  to_status: string;
  reason: string;
  attempt: number;
  lease_count: number;
  created_at: Date;
}

type Tag = 'fresh' | 'stale' | 'repeat';

interface Finish {
  fn: 'complete_inbox_item' | 'fail_inbox_item' | 'release_inbox_item' | 'heartbeat_inbox_item';
  lease: ClientLease;
  tag: Tag;
  result?: QueueResult;
  failed?: boolean; // the call errored (connection killed): outcome unknown
}

let pool: pg.Pool;
let fx: WorkspaceFixture;
let agents: string[] = [];
const seed = soakSeed();

beforeAll(async () => {
  pool = createPool(4);
  fx = await createWorkspaceFixture(pool, 'inboxsoak', { queue_event_log: 'all' }); // the checker reads the full event trail
  agents = [fx.agentId];
  for (let i = 1; i < AGENTS; i++) {
    const { rows } = await pool.query<{ id: string }>(
      `insert into public.agents (workspace_id, slug, name, gateway_id) values ($1, $2, $3, $4) returning id`,
      [fx.workspaceId, `soak-agent-${i}-${randomUUID().slice(0, 8)}`, `soak agent ${i}`, fx.gatewayId],
    );
    agents.push(rows[0]!.id);
  }
});

afterAll(async () => {
  await pool?.end();
});

describe('inbox queue soak', () => {
  it(`${WORKERS} workers x ${ROWS} inbox items with killed connections, stale holders and mixed outcomes`, async () => {
    const log = new CallLog();
    const service = serviceRoleAuth();

    // ---------------------------------------------------------------- enqueue
    const config = new Map<string, { maxAttempts: number; serialized: boolean; agent: string }>();
    const enqueuers = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
    try {
      await Promise.all(
        enqueuers.map(async (c, k) => {
          for (let i = k; i < ROWS; i += enqueuers.length) {
            const maxAttempts = 2 + (i % 3); // 2, 3, 4
            const serialized = i % 50 === 7; // 2%: one live lease per agent among these
            const agent = agents[i % AGENTS]!;
            const rows = await rpc<{ id: string; deduplicated: boolean }>(c, service, 'enqueue_inbox_item', {
              p_agent_id: agent,
              p_event_type: 'soak.event',
              p_summary: `item ${i}`,
              p_context: { i },
              p_priority: i % 3,
              p_max_attempts: maxAttempts,
              p_serialized: serialized,
            });
            expect(rows).toHaveLength(1);
            expect(rows[0]!.deduplicated).toBe(false);
            config.set(rows[0]!.id, { maxAttempts, serialized, agent });
          }
        }),
      );
    } finally {
      enqueuers.forEach((c) => c.release());
    }
    expect(config.size).toBe(ROWS);

    // ---------------------------------------------------------------- workers
    const finishes: Finish[] = [];
    // Granted leases and lease replays; finish replays that disagree go in tracker.mismatches too.
    const tracker: LeaseTracker = { leases: [], repeats: 0, mismatches: [] };
    let overdueMaxMs = 0;
    const LEASE_SECONDS = [5, 6]; // the RPC's minimum is 5 s
    const ids = [...config.keys()];
    const cancelled = new Set<string>();
    let cancelCalls = 0;
    const operator = rng(seed + 1);

    const call = async (w: SoakWorker, f: Finish, args: Record<string, unknown>): Promise<QueueResult> => {
      delete f.result;
      delete f.failed;
      finishes.push(f);
      try {
        const rows = await log.record(w.name, f.fn, f.lease.id, f.lease.token, () =>
          rpc(w.client, w.auth, f.fn, { p_id: f.lease.id, p_lease_token: f.lease.token, ...args }),
        );
        f.result = jsonbResult(rows, f.fn);
        if (f.result.ok && f.result.lease_expires_at) {
          f.lease.expiresAt = Math.max(f.lease.expiresAt, toMs(f.result.lease_expires_at));
        }
        return f.result;
      } catch (err) {
        f.failed = true;
        throw err;
      }
    };

    const finish = async (w: SoakWorker, lease: ClientLease, tag: Tag): Promise<void> => {
      const r = w.rand();
      let fn: Finish['fn'];
      let args: Record<string, unknown>;
      if (r < 0.7) {
        fn = 'complete_inbox_item';
        args = { p_result: { by: w.name } };
      } else if (r < 0.9) {
        fn = 'fail_inbox_item';
        args = { p_error: 'transient', p_retryable: true, p_retry_after_seconds: Math.floor(w.rand() * 2) };
      } else {
        fn = 'fail_inbox_item';
        args = { p_error: 'permanent', p_retryable: false };
      }
      const res = await call(w, { fn, lease, tag }, args);
      w.held.delete(lease.id);
      if (res.ok && w.rand() < 0.05) {
        // A lost HTTP response retried with the same token: must replay the stored outcome.
        const again = await call(w, { fn, lease, tag: 'repeat' }, args);
        if (!(again.ok && again.idempotent === true && again.status === res.status)) {
          tracker.mismatches.push(`${fn} ${lease.id}: first ${JSON.stringify(res)} then ${JSON.stringify(again)}`);
        }
      }
    };

    const park = (w: SoakWorker, lease: ClientLease, act: () => Promise<void>): void => {
      // Still its lease, but asleep: the killer aims at workers actively working a lease instead.
      w.held.delete(lease.id);
      // Wakes up to 4 s late: by then a retried item is often leased (and worked on) by someone else.
      w.parked.push({ wakeAt: lease.expiresAt + 100 + Math.floor(w.rand() * 3900), lease, act });
    };
    // Real work takes time: while one holder works (inside its lease), a stale one may wake up.
    const work = (w: SoakWorker, lease: ClientLease, act: () => Promise<void>): void => {
      w.parked.push({ wakeAt: Date.now() + 200 + Math.floor(w.rand() * 2800), lease, act });
    };

    const handle = async (w: SoakWorker, lease: ClientLease): Promise<void> => {
      const r = w.rand();
      if (r < 0.03) {
        await call(w, { fn: 'release_inbox_item', lease, tag: 'fresh' }, {});
        w.held.delete(lease.id);
        return;
      }
      if (r < 0.13) {
        // Sleeps past its lease (the lease was the attempt): its late result must be refused.
        park(w, lease, () => finish(w, lease, 'stale'));
        return;
      }
      if (w.rand() < 0.05) await call(w, { fn: 'heartbeat_inbox_item', lease, tag: 'fresh' }, { p_extend_seconds: 6 });
      if (w.rand() < 0.3) work(w, lease, () => finish(w, lease, 'fresh'));
      else await finish(w, lease, 'fresh');
    };

    const step = async (w: SoakWorker): Promise<boolean> => {
      const agent = agents[Math.floor(w.rand() * agents.length)]!;
      const limit = 1 + Math.floor(w.rand() * 4);
      const leaseSeconds = LEASE_SECONDS[Math.floor(w.rand() * LEASE_SECONDS.length)]!;
      const requestId = randomUUID();
      const args = { p_agent_id: agent, p_limit: limit, p_lease_seconds: leaseSeconds, p_request_id: requestId };
      const mine = await leaseAndTrack<LeaseRow>(w, log, tracker, 'lease_inbox_item', args);
      if (mine.length === 0) return false;
      expect(mine.length).toBeLessThanOrEqual(limit);
      for (const l of mine) await handle(w, l);
      return true;
    };

    const stats = await runSoak({
      workers: WORKERS,
      seed,
      // Worker 0 is a workspace admin with a user JWT (RLS path); the rest use the service key.
      authFor: (slot) => (slot === 0 ? fx.admin.auth : service),
      step,
      isDone: async () => {
        const { rows } = await pool.query<{ n: number }>(
          `select count(*)::int as n from public.agent_inbox_items
            where agent_id = any($1::uuid[]) and status not in ('done', 'dead_letter', 'cancelled')`,
          [agents],
        );
        return rows[0]!.n === 0;
      },
      sample: async () => {
        // An operator cancels a random item now and then (pending: ends it; leased: flags it).
        if (operator() < 0.3) {
          const id = ids[Math.floor(operator() * ids.length)]!;
          const c = await pool.connect();
          try {
            cancelCalls++;
            const res = jsonbResult(await rpc(c, service, 'cancel_inbox_item', { p_id: id }), 'cancel_inbox_item');
            if (res.ok && !res.idempotent && res.status === 'cancelled') cancelled.add(id);
          } finally {
            c.release();
          }
        }
        const { rows } = await pool.query<{ overdue_ms: number | null }>(
          `select (extract(epoch from max(now() - lease_expires_at)) * 1000)::int as overdue_ms
             from public.agent_inbox_items
            where agent_id = any($1::uuid[]) and status = 'leased' and lease_expires_at < now()`,
          [agents],
        );
        overdueMaxMs = Math.max(overdueMaxMs, rows[0]?.overdue_ms ?? 0);
      },
      killIntervalMs: [150, 450],
      maxKills: 40,
      deadlineMs: 100_000,
    });

    // ---------------------------------------------------------------- load the truth
    const { rows: dbRows } = await pool.query<ItemRow>(
      `select id, agent_id, status::text as status, attempt, max_attempts, max_leases, lease_count,
              lease_expires_at, finished_at, serialized
         from public.agent_inbox_items where agent_id = any($1::uuid[])`,
      [agents],
    );
    const { rows: events } = await pool.query<EventRow>(
      `select e.id, e.item_id, e.from_status::text as from_status, e.to_status::text as to_status, e.reason,
              e.attempt, e.lease_count, e.created_at
         from public.agent_inbox_events e
        where e.item_id = any($1::uuid[])
        order by e.id`,
      [[...config.keys()]],
    );
    const eventsByRow = new Map<string, EventRow[]>();
    for (const e of events) {
      const list = eventsByRow.get(e.item_id) ?? [];
      list.push(e);
      eventsByRow.set(e.item_id, list);
    }

    const violations: string[] = [];
    const v = (msg: string): void => {
      if (violations.length < 200) violations.push(msg);
    };

    // Nothing lost, every row terminal, nothing left leased, attempts bounded.
    expect(dbRows).toHaveLength(ROWS);
    const byId = new Map(dbRows.map((r) => [r.id, r]));
    for (const id of config.keys()) if (!byId.has(id)) v(`lost row ${id}`);
    for (const r of dbRows) {
      if (!TERMINAL.has(r.status)) v(`row ${r.id} not terminal: ${r.status}`);
      if (r.finished_at === null) v(`row ${r.id} terminal without finished_at`);
      if (r.lease_expires_at !== null && r.status !== 'leased') v(`row ${r.id} keeps a lease while ${r.status}`);
      if (r.attempt > r.max_attempts) v(`row ${r.id} attempt ${r.attempt} > max ${r.max_attempts}`);
      if (r.max_attempts !== config.get(r.id)?.maxAttempts) v(`row ${r.id} max_attempts changed`);
    }

    // Events: one linear history per row (in the order the row lock serialized them); a lease is
    // granted only from pending, with lease_count + 1 and attempt + 1 (the lease is the attempt);
    // exactly one terminal transition and it is the last; attempts bounded throughout.
    const leaseEvents = new Map<string, EventRow>(); // `${id}/${lease_count}` -> grant
    const leaseEnd = new Map<string, EventRow>(); // `${id}/${lease_count}` -> end
    for (const [id, list] of eventsByRow) {
      const row = byId.get(id);
      if (!row) continue;
      let prev: EventRow | undefined;
      let leaseCount = 0;
      let terminals = 0;
      let current: string | null = null;
      for (const e of list) {
        if (!prev && (e.from_status !== null || e.reason !== 'enqueued')) v(`row ${id} first event ${e.reason}`);
        if (prev && e.from_status !== prev.to_status) v(`row ${id} event ${e.id} from ${e.from_status} after ${prev.to_status}`);
        if (prev && TERMINAL.has(prev.to_status)) v(`row ${id} transition ${e.reason} after terminal ${prev.to_status}`);
        if (e.attempt > row.max_attempts) v(`row ${id} event ${e.id} attempt ${e.attempt} > max ${row.max_attempts}`);
        if (e.to_status === 'leased' && e.from_status !== 'leased') {
          if (e.from_status !== 'pending') v(`row ${id} leased from ${e.from_status} (two live leases)`);
          if (e.lease_count !== leaseCount + 1) v(`row ${id} lease_count ${leaseCount} -> ${e.lease_count}`);
          if (prev && e.attempt !== prev.attempt + 1) v(`row ${id} lease #${e.lease_count} attempt ${prev.attempt} -> ${e.attempt}`);
          leaseCount = e.lease_count;
          current = `${id}/${e.lease_count}`;
          leaseEvents.set(current, e);
        } else {
          if (e.lease_count !== leaseCount) v(`row ${id} event ${e.reason} lease_count ${e.lease_count}, current ${leaseCount}`);
          if (current && e.to_status !== 'leased') {
            leaseEnd.set(current, e);
            current = null;
          } else if (!current && e.to_status === 'leased') {
            v(`row ${id} ${e.reason} to leased without a lease`);
          }
        }
        if (TERMINAL.has(e.to_status)) terminals++;
        prev = e;
      }
      if (terminals !== 1) v(`row ${id} has ${terminals} terminal transitions`);
      if (prev && prev.to_status !== row.status) v(`row ${id} last event ${prev.to_status} but row ${row.status}`);
      if (leaseCount !== row.lease_count) v(`row ${id} lease_count ${row.lease_count} but events say ${leaseCount}`);
    }
    for (const id of config.keys()) if (!eventsByRow.has(id)) v(`row ${id} has no events`);

    // Client leases: unique tokens, one holder per (row, lease_count), each granted by an event.
    const tokens = new Set<string>();
    const holders = new Map<string, ClientLease>();
    for (const l of tracker.leases) {
      if (tokens.has(l.token)) v(`token ${l.token} handed out twice`);
      tokens.add(l.token);
      const key = `${l.id}/${l.leaseCount}`;
      if (holders.has(key)) v(`row ${l.id} lease #${l.leaseCount} given to ${holders.get(key)!.worker} and ${l.worker}`);
      holders.set(key, l);
      const grant = leaseEvents.get(key);
      if (!grant) v(`lease ${key} returned to a client but no event granted it`);
      else if (grant.attempt !== l.attempt) v(`lease ${key} returned attempt ${l.attempt}, event says ${grant.attempt}`);
      if (l.attempt > (config.get(l.id)?.maxAttempts ?? 0)) v(`lease ${key} attempt ${l.attempt} over max`);
    }
    for (const f of finishes) {
      if (f.result?.ok && f.result.lease_expires_at) {
        const h = holders.get(`${f.lease.id}/${f.lease.leaseCount}`);
        if (h) h.expiresAt = Math.max(h.expiresAt, toMs(f.result.lease_expires_at));
      }
    }

    // Accepted calls must carry the token that was current: the transition each caused is the one that
    // ended its own lease. Per row at most one accepted complete; per lease at most one accepted finish.
    const expectTo: Record<Finish['fn'], string[]> = {
      complete_inbox_item: ['done'],
      fail_inbox_item: ['pending', 'dead_letter', 'cancelled'],
      release_inbox_item: ['pending', 'dead_letter', 'cancelled'],
      heartbeat_inbox_item: [],
    };
    const acceptedCompletes = new Map<string, number>();
    const acceptedFinishesPerLease = new Map<string, number>();
    let staleAttempts = 0;
    let staleRejected = 0;
    let staleAccepted = 0;
    const explained = new Set<string>();
    for (const f of finishes) {
      const key = `${f.lease.id}/${f.lease.leaseCount}`;
      if (f.tag === 'stale') {
        staleAttempts++;
        if (f.result && !f.result.ok) staleRejected++;
        if (f.result?.ok) staleAccepted++;
      }
      if (f.result && !f.result.ok && !['lease_lost', 'already_terminal', 'invalid_state'].includes(f.result.reason ?? '')) {
        v(`${f.fn} ${key} refused with unexpected reason ${f.result.reason}`);
      }
      if (!f.result?.ok || f.result.idempotent) continue;
      if (f.fn === 'heartbeat_inbox_item') continue;
      if (f.fn === 'complete_inbox_item') acceptedCompletes.set(f.lease.id, (acceptedCompletes.get(f.lease.id) ?? 0) + 1);
      acceptedFinishesPerLease.set(key, (acceptedFinishesPerLease.get(key) ?? 0) + 1);
      const end = leaseEnd.get(key);
      if (!end || !expectTo[f.fn].includes(end.to_status) || explained.has(String(end.id))) {
        v(`${f.fn} ${key} (${f.tag}) returned ok but did not end that lease (${end?.reason ?? 'still open'}): stale accepted`);
        continue;
      }
      explained.add(String(end.id));
      if (f.result.status && f.result.status !== end.to_status) v(`${f.fn} ${key} said ${f.result.status}, event says ${end.to_status}`);
      if (f.fn === 'release_inbox_item' && end.attempt !== leaseEvents.get(key)!.attempt - 1) v(`release of ${key} kept the attempt`);
    }
    for (const [id, n] of acceptedCompletes) if (n > 1) v(`row ${id} accepted ${n} completions`);
    for (const [key, n] of acceptedFinishesPerLease) if (n > 1) v(`lease ${key} accepted ${n} finishes`);

    // Every lease ended by an accepted call, by a call whose response was lost, or by expiry. An expiry
    // comes at or after the latest expiry its holder was told, counts as a failed attempt (no refund),
    // and ends the item in dead_letter when it was the last attempt.
    let expiries = 0;
    let expiredToDeadLetter = 0;
    let endedByLostResponse = 0;
    for (const [key, end] of leaseEnd) {
      if (explained.has(String(end.id))) continue;
      const [id, countText] = key.split('/') as [string, string];
      const count = Number(countText);
      const unknownCall = finishes.some(
        (f) => f.failed && f.lease.id === id && f.lease.leaseCount === count && f.fn !== 'heartbeat_inbox_item',
      );
      const reason = end.reason;
      const expiry = reason === 'lease_expired' || ((reason === 'lease_limit' || reason === 'cancelled') && !unknownCall);
      if (!expiry) {
        if (unknownCall) endedByLostResponse++;
        else v(`lease ${key} ended by '${reason}' that no accepted call and no expiry explains`);
        continue;
      }
      expiries++;
      const holder = holders.get(key);
      if (holder && toMs(end.created_at) + 1 < holder.expiresAt) {
        v(`lease ${key} reclaimed (${reason}) at ${end.created_at.toISOString()} before its expiry ${new Date(holder.expiresAt).toISOString()}`);
      }
      const grant = leaseEvents.get(key)!;
      const row = byId.get(id)!;
      if (end.attempt !== grant.attempt) v(`expiry of ${key} refunded the attempt (${grant.attempt} -> ${end.attempt})`);
      const ok =
        end.to_status === 'cancelled' ||
        (end.to_status === 'pending' && end.attempt < row.max_attempts && end.lease_count < row.max_leases) ||
        (end.to_status === 'dead_letter' && (end.attempt >= row.max_attempts || end.lease_count >= row.max_leases));
      if (!ok) v(`expiry of ${key} at attempt ${end.attempt}/${row.max_attempts} went to ${end.to_status}`);
      if (end.to_status === 'dead_letter') expiredToDeadLetter++;
    }

    // Cancels: a pending row cancelled only by an accepted cancel call.
    for (const e of events) {
      if (e.from_status === 'pending' && e.to_status === 'cancelled' && !cancelled.has(e.item_id)) {
        v(`row ${e.item_id} cancelled from pending without an accepted cancel call`);
      }
    }

    // Serialized items: at most one live lease per agent at any moment. Grants and ends of all the
    // agent's serialized items, in event order (a grant after another lease's end has a larger id).
    let serializedLeases = 0;
    for (const agent of agents) {
      const marks: { id: bigint; delta: number; key: string }[] = [];
      for (const [key, grant] of leaseEvents) {
        const cfg = config.get(grant.item_id);
        if (!cfg?.serialized || cfg.agent !== agent) continue;
        serializedLeases++;
        marks.push({ id: BigInt(grant.id), delta: +1, key });
        const end = leaseEnd.get(key);
        if (end) marks.push({ id: BigInt(end.id), delta: -1, key });
      }
      marks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      let live = 0;
      for (const m of marks) {
        live += m.delta;
        if (live > 1) v(`agent ${agent}: two serialized leases live at once (at ${m.key})`);
      }
    }

    const statusCounts: Record<string, number> = {};
    for (const r of dbRows) statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
    const leaseCalls = log.calls.filter((c) => c.fn === 'lease_inbox_item').length;
    console.log(
      [
        `inbox soak (seed ${seed}): ${ROWS} rows for ${AGENTS} agents, ${WORKERS} workers, ${log.calls.length} calls (${leaseCalls} lease calls, ${tracker.leases.length} leases granted, ${tracker.repeats} lease retries) in ${(stats.durationMs / 1000).toFixed(1)} s`,
        `  killed connections ${stats.kills}, reconnects ${stats.reconnects}, unexpected errors ${stats.unexpectedErrors.length}`,
        `  stale attempts ${staleAttempts}: rejected ${staleRejected}, accepted while still current ${staleAccepted}`,
        `  expiries reclaimed ${expiries} (${expiredToDeadLetter} were the last attempt -> dead_letter); leases ended by a call whose response was lost ${endedByLostResponse}; max overdue lease seen ${overdueMaxMs} ms`,
        `  serialized leases ${serializedLeases}; cancel calls ${cancelCalls} (${cancelled.size} cancelled while pending)`,
        `  final statuses ${JSON.stringify(statusCounts)}; events ${events.length}`,
        `  violations found ${violations.length}${violations.length ? ': ' + violations.slice(0, 10).join(' | ') : ''}`,
      ].join('\n'),
    );

    expect(stats.unexpectedErrors).toEqual([]);
    expect(stats.timedOut).toBe(false);
    expect(violations).toEqual([]);
    expect(tracker.mismatches).toEqual([]);
    // The run must actually have exercised what it claims to prove.
    expect(stats.kills).toBeGreaterThanOrEqual(10);
    expect(staleRejected).toBeGreaterThan(0);
    expect(expiries).toBeGreaterThan(0);
    expect(expiredToDeadLetter).toBeGreaterThan(0);
    expect(serializedLeases).toBeGreaterThan(0);
    expect(statusCounts.done ?? 0).toBeGreaterThan(0);
    expect(statusCounts.dead_letter ?? 0).toBeGreaterThan(0);
    // Expired leases are reclaimed by the lease calls themselves: nothing sat expired for long.
    expect(overdueMaxMs).toBeLessThan(10_000);
  });
});
