// Command queue under real concurrency: 16 workers on 16 connections drain 2,000 commands through the
// PostgREST-style RPCs while a controller kills their backends mid-lease, some holders sleep past their
// short leases (before and after start) and then try to act, and finishes mix complete, retryable fail
// and permanent fail. Every call is recorded; the invariants are then checked against the rows, the
// events table and the call log.
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
const TERMINAL = new Set(['done', 'failed', 'cancelled']);
const LIVE = new Set(['leased', 'running']);

interface LeaseRow {
  id: string;
  lease_token: string;
  attempt: number;
  lease_count: number;
  lease_expires_at: Date;
  action: string;
  payload: unknown;
  agent_id: string | null;
  cancel_requested: boolean;
}

interface CommandRow {
  id: string;
  status: string;
  attempt: number;
  max_attempts: number;
  max_leases: number;
  lease_count: number;
  lease_token: string | null;
  lease_expires_at: Date | null;
  finished_at: Date | null;
  safe_to_retry: boolean;
}

interface EventRow {
  id: string;
  command_id: string;
  from_status: string | null;
  to_status: string;
  attempt: number;
  lease_count: number;
  reason: string;
  created_at: Date;
  [k: string]: unknown;
}

/** What a worker did with a lease, so the checks know which client call claims which transition. */
type Tag = 'fresh' | 'stale' | 'repeat';

interface Finish {
  fn: 'start_command' | 'complete_command' | 'fail_command' | 'release_command' | 'heartbeat_command';
  lease: ClientLease;
  tag: Tag;
  retryable?: boolean;
  result?: QueueResult;
  failed?: boolean; // the call errored (connection killed): outcome unknown
}

let pool: pg.Pool;
let fx: WorkspaceFixture;
const seed = soakSeed();

beforeAll(async () => {
  pool = createPool(4);
  fx = await createWorkspaceFixture(pool, 'cmdsoak', { queue_event_log: 'all' }); // the checker reads the full event trail
});

afterAll(async () => {
  await pool?.end();
});

describe('command queue soak', () => {
  it(`${WORKERS} workers x ${ROWS} commands with killed connections, stale holders and mixed outcomes`, async () => {
    const log = new CallLog();
    const service = serviceRoleAuth();

    // ---------------------------------------------------------------- enqueue
    const config = new Map<string, { maxAttempts: number; safe: boolean }>();
    const enqueueOne = async (c: pg.PoolClient, i: number): Promise<void> => {
      const maxAttempts = 2 + (i % 3); // 2, 3, 4
      const safe = i % 10 < 3;
      const rows = await rpc<{ id: string; deduplicated: boolean }>(c, service, 'enqueue_command', {
        p_gateway_id: fx.gatewayId,
        p_action: 'soak.run',
        p_payload: { i },
        p_priority: i % 3,
        p_max_attempts: maxAttempts,
        p_safe_to_retry: safe,
      });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.deduplicated).toBe(false);
      config.set(rows[0]!.id, { maxAttempts, safe });
    };
    const enqueuers = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
    try {
      await Promise.all(
        enqueuers.map(async (c, k) => {
          for (let i = k; i < ROWS; i += enqueuers.length) await enqueueOne(c, i);
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
      let f: Finish;
      let args: Record<string, unknown>;
      if (r < 0.7) {
        f = { fn: 'complete_command', lease, tag };
        args = { p_result: { by: w.name }, p_exit_code: 0, p_stdout: 'ok' };
      } else if (r < 0.9) {
        f = { fn: 'fail_command', lease, tag, retryable: true };
        args = { p_error: 'transient', p_retryable: true, p_retry_after_seconds: Math.floor(w.rand() * 2) };
      } else {
        f = { fn: 'fail_command', lease, tag, retryable: false };
        args = { p_error: 'permanent', p_retryable: false, p_exit_code: 2 };
      }
      const res = await call(w, f, args);
      w.held.delete(lease.id);
      if (res.ok && w.rand() < 0.05) {
        // A lost HTTP response retried with the same token: must replay the stored outcome.
        const again = await call(w, { fn: f.fn, lease, tag: 'repeat', retryable: f.retryable }, args);
        if (!(again.ok && again.idempotent === true && again.status === res.status)) {
          tracker.mismatches.push(`${f.fn} ${lease.id}: first ${JSON.stringify(res)} then ${JSON.stringify(again)}`);
        }
      }
    };

    const park = (w: SoakWorker, lease: ClientLease, act: () => Promise<void>): void => {
      // Still its lease, but asleep: the killer aims at workers actively working a lease instead.
      w.held.delete(lease.id);
      w.parked.push({ wakeAt: lease.expiresAt + 100 + Math.floor(w.rand() * 1900), lease, act });
    };
    // Real work takes time: while one holder works (inside its lease), a stale one may wake up.
    const work = (w: SoakWorker, lease: ClientLease, act: () => Promise<void>): void => {
      w.parked.push({ wakeAt: Date.now() + 200 + Math.floor(w.rand() * 2800), lease, act });
    };

    const handle = async (w: SoakWorker, lease: ClientLease): Promise<void> => {
      const r = w.rand();
      if (r < 0.03) {
        await call(w, { fn: 'release_command', lease, tag: 'fresh' }, {});
        w.held.delete(lease.id);
        return;
      }
      if (r < 0.13) {
        // Sleeps past its lease before starting: the command must be requeued, never executed twice.
        // Half of them wake and start; the other half report a result straight away (complete/fail
        // from leased is allowed), by then usually against a row another worker holds.
        park(w, lease, async () => {
          if (w.rand() < 0.5) {
            const res = await call(w, { fn: 'start_command', lease, tag: 'stale' }, {});
            if (res.ok) await finish(w, lease, 'stale');
          } else {
            await finish(w, lease, 'stale');
          }
          w.held.delete(lease.id);
        });
        return;
      }
      const started = await call(w, { fn: 'start_command', lease, tag: 'fresh' }, {});
      if (!started.ok) {
        w.held.delete(lease.id);
        return;
      }
      if (w.rand() < 0.05) await call(w, { fn: 'heartbeat_command', lease, tag: 'fresh' }, { p_extend_seconds: 6 });
      if (w.rand() < 0.08) {
        // Started, then stalls past its lease: outcome unknown, and its late result must be refused.
        park(w, lease, async () => {
          await finish(w, lease, 'stale');
          w.held.delete(lease.id);
        });
        return;
      }
      if (w.rand() < 0.3) work(w, lease, () => finish(w, lease, 'fresh'));
      else await finish(w, lease, 'fresh');
    };

    const step = async (w: SoakWorker): Promise<boolean> => {
      const limit = 1 + Math.floor(w.rand() * 4);
      const leaseSeconds = LEASE_SECONDS[Math.floor(w.rand() * LEASE_SECONDS.length)]!;
      const requestId = randomUUID();
      const args = { p_gateway_id: fx.gatewayId, p_limit: limit, p_lease_seconds: leaseSeconds, p_request_id: requestId };
      const mine = await leaseAndTrack<LeaseRow>(w, log, tracker, 'lease_command', args);
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
          `select count(*)::int as n from public.agent_commands
            where gateway_id = $1 and status not in ('done', 'failed', 'cancelled')`,
          [fx.gatewayId],
        );
        return rows[0]!.n === 0;
      },
      sample: async () => {
        // An operator cancels a random command now and then (pending: ends it; leased: flags it).
        if (operator() < 0.3) {
          const id = ids[Math.floor(operator() * ids.length)]!;
          const c = await pool.connect();
          try {
            cancelCalls++;
            const res = jsonbResult(await rpc(c, service, 'cancel_command', { p_id: id }), 'cancel_command');
            if (res.ok && !res.idempotent && res.status === 'cancelled') cancelled.add(id);
          } finally {
            c.release();
          }
        }
        const { rows } = await pool.query<{ overdue_ms: number | null }>(
          `select (extract(epoch from max(now() - lease_expires_at)) * 1000)::int as overdue_ms
             from public.agent_commands
            where gateway_id = $1 and status in ('leased', 'running') and lease_expires_at < now()`,
          [fx.gatewayId],
        );
        overdueMaxMs = Math.max(overdueMaxMs, rows[0]?.overdue_ms ?? 0);
      },
      killIntervalMs: [150, 450],
      maxKills: 40,
      deadlineMs: 100_000,
    });

    // ---------------------------------------------------------------- load the truth
    const { rows: dbRows } = await pool.query<CommandRow>(
      `select id, status::text as status, attempt, max_attempts, max_leases, lease_count, lease_token, lease_expires_at,
              finished_at, safe_to_retry
         from public.agent_commands where gateway_id = $1`,
      [fx.gatewayId],
    );
    const { rows: events } = await pool.query<EventRow>(
      `select e.*, e.from_status::text as from_status, e.to_status::text as to_status
         from public.agent_command_events e
        where e.command_id = any($1::uuid[])
        order by e.id`,
      [[...config.keys()]],
    );
    const eventsByRow = new Map<string, EventRow[]>();
    for (const e of events) {
      const list = eventsByRow.get(e.command_id) ?? [];
      list.push(e);
      eventsByRow.set(e.command_id, list);
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
      if (r.lease_expires_at !== null && !LIVE.has(r.status)) v(`row ${r.id} keeps a lease while ${r.status}`);
      if (r.attempt > r.max_attempts) v(`row ${r.id} attempt ${r.attempt} > max ${r.max_attempts}`);
      if (r.max_attempts !== config.get(r.id)?.maxAttempts) v(`row ${r.id} max_attempts changed`);
    }

    // Events: one linear history per row (each transition starts where the previous one ended, in the
    // order the row lock serialized them); a lease is granted only from pending, with lease_count + 1;
    // exactly one terminal transition and it is the last; attempts bounded throughout.
    const leaseEvents = new Map<string, EventRow>(); // `${id}/${lease_count}` -> event that granted it
    const leaseEnd = new Map<string, EventRow>(); // `${id}/${lease_count}` -> event that ended it
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
          leaseCount = e.lease_count;
          current = `${id}/${e.lease_count}`;
          leaseEvents.set(current, e);
        } else {
          if (e.lease_count !== leaseCount) v(`row ${id} event ${e.reason} lease_count ${e.lease_count}, current ${leaseCount}`);
          if (current && !LIVE.has(e.to_status)) {
            leaseEnd.set(current, e);
            current = null;
          } else if (!current && LIVE.has(e.to_status)) {
            v(`row ${id} ${e.reason} to ${e.to_status} without a lease`);
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
      if (!leaseEvents.has(key)) v(`lease ${key} returned to a client but no event granted it`);
      if (l.attempt > (config.get(l.id)?.maxAttempts ?? 0)) v(`lease ${key} attempt ${l.attempt} over max`);
    }
    // Latest expiry each holder was told (start/heartbeat results may have extended it).
    for (const f of finishes) {
      if (f.result?.ok && f.result.lease_expires_at) {
        const h = holders.get(`${f.lease.id}/${f.lease.leaseCount}`);
        if (h) h.expiresAt = Math.max(h.expiresAt, toMs(f.result.lease_expires_at));
      }
    }

    // Accepted calls must carry the token that was current: the transition each one caused belongs to
    // its lease (complete/fail/release: the very transition that ended that lease). Per row at most one
    // accepted complete; per lease at most one accepted finish.
    const expectTo: Record<Finish['fn'], string[]> = {
      start_command: ['running'],
      complete_command: ['done'],
      fail_command: ['pending', 'failed', 'cancelled'],
      release_command: ['pending', 'failed', 'cancelled'],
      heartbeat_command: [],
    };
    const acceptedCompletes = new Map<string, number>();
    const acceptedFinishesPerLease = new Map<string, number>();
    let staleAttempts = 0;
    let staleRejected = 0;
    let staleAccepted = 0;
    const explained = new Set<string>(); // event ids caused by an accepted client call
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
      const ends = f.fn === 'complete_command' || f.fn === 'fail_command' || f.fn === 'release_command';
      if (f.fn === 'complete_command') acceptedCompletes.set(f.lease.id, (acceptedCompletes.get(f.lease.id) ?? 0) + 1);
      if (ends) acceptedFinishesPerLease.set(key, (acceptedFinishesPerLease.get(key) ?? 0) + 1);
      if (f.fn === 'heartbeat_command') continue;
      const grant = leaseEvents.get(key);
      const next = leaseEvents.get(`${f.lease.id}/${f.lease.leaseCount + 1}`);
      const match = (eventsByRow.get(f.lease.id) ?? []).find(
        (e) =>
          grant !== undefined &&
          BigInt(e.id) > BigInt(grant.id) &&
          (next === undefined || BigInt(e.id) < BigInt(next.id)) &&
          expectTo[f.fn].includes(e.to_status) &&
          !explained.has(String(e.id)),
      );
      if (!match) {
        v(`${f.fn} ${key} (${f.tag}) returned ok but no transition of that lease matches: stale accepted`);
        continue;
      }
      explained.add(String(match.id));
      if (ends && leaseEnd.get(key)?.id !== match.id) v(`${f.fn} ${key} accepted but did not end its lease`);
      if (f.result.status && f.result.status !== match.to_status) {
        v(`${f.fn} ${key} said ${f.result.status}, event says ${match.to_status}`);
      }
    }
    for (const [id, n] of acceptedCompletes) if (n > 1) v(`row ${id} accepted ${n} completions`);
    for (const [key, n] of acceptedFinishesPerLease) if (n > 1) v(`lease ${key} accepted ${n} finishes`);

    // Every lease ended by an accepted call, by a call whose response was lost (killed connection), or
    // by expiry. An expiry must come at or after the latest expiry its holder was told (otherwise two
    // leases were live at once), and follows the contract: before start -> requeued at no attempt cost
    // (failed only at the lease cap), after start -> failed 'lease_expired_after_start' unless safe_to_retry.
    const EXPIRY_REASONS = new Set(['lease_expired', 'lease_expired_after_start', 'lease_limit', 'cancelled']);
    let expiries = 0;
    let preStartExpiries = 0;
    let postStartExpiries = 0;
    let endedByLostResponse = 0;
    const attemptsBefore = new Map<string, number>(); // event id -> attempt of the event before it
    for (const list of eventsByRow.values()) list.forEach((e, i) => i > 0 && attemptsBefore.set(String(e.id), list[i - 1]!.attempt));
    for (const [key, end] of leaseEnd) {
      if (explained.has(String(end.id))) continue;
      const [id, countText] = key.split('/') as [string, string];
      const count = Number(countText);
      const unknownCall = finishes.some(
        (f) => f.failed && f.lease.id === id && f.lease.leaseCount === count && f.fn !== 'heartbeat_command',
      );
      const reason = String(end.reason);
      // start_command on a command whose cancel was requested ends it as cancelled (and says so).
      const cancelledByStart = finishes.some(
        (f) =>
          f.fn === 'start_command' && f.lease.id === id && f.lease.leaseCount === count &&
          f.result?.status === 'cancelled' && end.to_status === 'cancelled',
      );
      if (cancelledByStart) {
        if (end.from_status !== 'leased') v(`start cancelled ${key} from ${end.from_status}`);
        continue;
      }
      const expiry = reason === 'lease_expired' || reason === 'lease_expired_after_start' || (EXPIRY_REASONS.has(reason) && !unknownCall);
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
      const row = byId.get(id)!;
      if (end.from_status === 'leased') {
        preStartExpiries++;
        if (end.attempt !== attemptsBefore.get(String(end.id))) v(`pre-start expiry of ${key} cost an attempt`);
        const ok =
          (end.to_status === 'pending' && reason === 'lease_expired') ||
          (end.to_status === 'failed' && reason === 'lease_limit' && end.lease_count >= row.max_leases) ||
          end.to_status === 'cancelled';
        if (!ok) v(`pre-start expiry of ${key} went to ${end.to_status} (${reason})`);
      } else {
        postStartExpiries++;
        const safe = config.get(id)!.safe;
        const ok =
          end.to_status === 'cancelled' ||
          (end.to_status === 'failed' && reason === 'lease_expired_after_start') ||
          (safe && end.to_status === 'pending' && end.attempt < row.max_attempts);
        if (!ok) v(`post-start expiry of ${safe ? 'safe' : 'unsafe'} ${key} went to ${end.to_status} (${reason})`);
        if (!safe && end.to_status === 'pending') v(`unsafe ${key} re-queued after an unknown outcome`);
      }
    }

    // Cancels: a pending row cancelled only by an accepted cancel call.
    for (const e of events) {
      if (e.from_status === 'pending' && e.to_status === 'cancelled' && !cancelled.has(e.command_id)) {
        v(`row ${e.command_id} cancelled from pending without an accepted cancel call`);
      }
    }

    const statusCounts: Record<string, number> = {};
    for (const r of dbRows) statusCounts[r.status] = (statusCounts[r.status] ?? 0) + 1;
    const leaseCalls = log.calls.filter((c) => c.fn === 'lease_command').length;
    console.log(
      [
        `command soak (seed ${seed}): ${ROWS} rows, ${WORKERS} workers, ${log.calls.length} calls (${leaseCalls} lease calls, ${tracker.leases.length} leases granted, ${tracker.repeats} lease retries) in ${(stats.durationMs / 1000).toFixed(1)} s`,
        `  killed connections ${stats.kills}, reconnects ${stats.reconnects}, unexpected errors ${stats.unexpectedErrors.length}`,
        `  stale attempts ${staleAttempts}: rejected ${staleRejected}, accepted while still current ${staleAccepted}`,
        `  expiries reclaimed ${expiries} (before start ${preStartExpiries}, after start ${postStartExpiries}); leases ended by a call whose response was lost ${endedByLostResponse}; max overdue lease seen ${overdueMaxMs} ms`,
        `  cancel calls ${cancelCalls} (${cancelled.size} cancelled while pending)`,
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
    expect(preStartExpiries).toBeGreaterThan(0);
    expect(postStartExpiries).toBeGreaterThan(0);
    expect(statusCounts.done ?? 0).toBeGreaterThan(0);
    expect(statusCounts.failed ?? 0).toBeGreaterThan(0);
    // Expired leases are reclaimed by the lease calls themselves: nothing sat expired for long.
    expect(overdueMaxMs).toBeLessThan(10_000);
  });
});
