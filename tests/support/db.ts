// Shared harness for the vitest suites and the benchmarks: connections, PostgREST-style RPC calls,
// per-test fixtures (users, workspace, admin, gateway, agent) and the small tools the soak tests share
// (seeded randomness, call recording, killing a worker's backend).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import pg from 'pg';

// pg's own conversion of a parameter to its text form (arrays, dates, buffers), as used for $n values.
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils') as { prepareValue: (v: unknown) => unknown };

export const DB_URL =
  process.env.SUPABASE_DB_URL ?? 'postgresql://postgres:postgres@127.0.0.1:54322/postgres';

/** Anything that can run a query: a pg.Client or a checked-out pool client. */
export type Queryable = pg.Client | pg.PoolClient;
/** Anything with query(): a pool, a client or a pool client (for one-off statements outside transactions). */
export type Sql = Pick<pg.Pool, 'query'>;

/** A pool for the test's own bookkeeping. Workers use their own `connect()`ed clients instead. */
export function createPool(max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: DB_URL, max, application_name: 'agentbase-tests' });
  // A backend we terminate on purpose must not crash the process through an unhandled 'error' event.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * One dedicated connection (one backend). The 'error' listener keeps a terminated backend from
 * becoming an unhandled event; the next query on the dead client rejects, which callers handle.
 */
export async function connect(applicationName = 'agentbase-tests'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: DB_URL, application_name: applicationName });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export async function backendPid(client: Queryable): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  return rows[0]!.pid;
}

/** Kills another connection's backend, as a crashed network or a killed pod would. */
export async function terminateBackend(controller: Queryable, pid: number): Promise<boolean> {
  const { rows } = await controller.query<{ ok: boolean }>('select pg_terminate_backend($1) as ok', [pid]);
  return rows[0]?.ok === true;
}

export async function closeQuietly(client: pg.Client | undefined): Promise<void> {
  if (!client) return;
  try {
    await client.end();
  } catch {
    /* already dead */
  }
}

// ------------------------------------------------------------------------------------------------
// PostgREST-style calls
// ------------------------------------------------------------------------------------------------

export type ApiRole = 'anon' | 'authenticated' | 'service_role';

/** The API role and the JWT claims PostgREST would put in `request.jwt.claims`. */
export interface Auth {
  role: ApiRole;
  claims: Record<string, unknown>;
}

const nowEpoch = (): number => Math.floor(Date.now() / 1000);

/** The service_role key's claims (what a daemon using the service key sends). */
export function serviceRoleAuth(): Auth {
  return {
    role: 'service_role',
    claims: { iss: 'supabase', role: 'service_role', iat: nowEpoch(), exp: nowEpoch() + 3600 },
  };
}

/** anon key claims. */
export function anonAuth(): Auth {
  return { role: 'anon', claims: { iss: 'supabase', role: 'anon', iat: nowEpoch(), exp: nowEpoch() + 3600 } };
}

/** A signed-in user's access token claims, shaped like GoTrue's. */
export function userAuth(user: { id: string; email: string }): Auth {
  const iat = nowEpoch();
  return {
    role: 'authenticated',
    claims: {
      iss: 'https://project.supabase.co/auth/v1',
      sub: user.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: user.email,
      phone: '',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: iat }],
      session_id: randomUUID(),
      is_anonymous: false,
      iat,
      exp: iat + 3600,
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: {},
    },
  };
}

/** Argument name -> SQL type of each public function, read once from the catalog (PostgREST's schema cache). */
const signatureCache = new Map<string, Map<string, string>>();

async function signature(client: Queryable, fn: string): Promise<Map<string, string>> {
  const cached = signatureCache.get(fn);
  if (cached) return cached;
  const { rows } = await client.query<{ oid: number; name: string; type: string }>(
    `select p.oid::int as oid, a.name, format_type(a.type, null) as type
       from pg_proc p
       cross join lateral unnest(
         coalesce(p.proallargtypes, p.proargtypes::oid[]),
         p.proargnames,
         coalesce(p.proargmodes, array_fill('i'::"char", array[p.pronargs]))
       ) as a(type, name, mode)
      where p.pronamespace = 'public'::regnamespace and p.proname = $1 and a.mode in ('i', 'b')
      order by p.oid`,
    [fn],
  );
  const oids = new Set(rows.map((r) => r.oid));
  if (oids.size === 0) throw new Error(`rpc: function public.${fn} not found`);
  if (oids.size > 1) throw new Error(`rpc: public.${fn} is overloaded; PostgREST would refuse it too`);
  const sig = new Map(rows.map((r) => [r.name, r.type]));
  signatureCache.set(fn, sig);
  return sig;
}

/** Thrown by rpc() when the database raised: carries the SQLSTATE. */
export class RpcError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly fn: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

/**
 * Calls `public.<fn>` the way PostgREST does for `POST /rpc/<fn>`: one transaction that switches to
 * the request's role, sets the transaction-local JWT claims (and request.method/path), calls the
 * function with named arguments cast to their declared types, then commits; on any error it rolls back
 * and rethrows. One round trip, as PostgREST sends it: the four statements travel as one message
 * (`begin; select set_config('role', …), set_config('request.jwt.claims', …), …; select * from
 * public.<fn>(…); commit`), with every value sent as an escaped literal cast to the argument's type.
 * Arguments left undefined are omitted so the function's defaults apply, as PostgREST does.
 */
export async function rpc<T = Record<string, unknown>>(
  client: Queryable,
  auth: Auth,
  fn: string,
  args: Record<string, unknown> = {},
): Promise<T[]> {
  const sig = await signature(client, fn);
  const named: string[] = [];
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined) continue;
    const type = sig.get(name);
    if (!type) throw new Error(`rpc: public.${fn} has no argument ${name}`);
    named.push(`${client.escapeIdentifier(name)} => ${sqlLiteral(client, value, type)}::${type}`);
  }
  const text =
    `begin; select set_config('role', ${client.escapeLiteral(auth.role)}, true), ` +
    `set_config('request.jwt.claims', ${client.escapeLiteral(JSON.stringify(auth.claims))}, true), ` +
    `set_config('request.method', 'POST', true), ` +
    `set_config('request.path', ${client.escapeLiteral(`/rpc/${fn}`)}, true); ` +
    `select * from public.${client.escapeIdentifier(fn)}(${named.join(', ')}); commit`;
  try {
    const results = (await client.query(text)) as unknown as pg.QueryResult[];
    return results[2]!.rows as T[];
  } catch (err) {
    try {
      await client.query('rollback');
    } catch {
      /* connection gone: the server rolled back for us */
    }
    const e = err as { message?: string; code?: string };
    throw new RpcError(e.message ?? String(err), e.code, fn);
  }
}

/** A value as the SQL literal pg would have sent as a parameter (json/jsonb values as JSON text). */
function sqlLiteral(client: Queryable, value: unknown, type: string): string {
  if (value === null) return 'null';
  if (type === 'jsonb' || type === 'json') return client.escapeLiteral(JSON.stringify(value));
  const prepared = prepareValue(value) as string | Buffer | null;
  if (prepared === null) return 'null';
  if (Buffer.isBuffer(prepared)) return `'\\x${prepared.toString('hex')}'`;
  return client.escapeLiteral(String(prepared));
}

/** Runs one SQL statement as the given API role with its claims, in a transaction that rolls back. */
export async function asRole<T = Record<string, unknown>>(
  client: Queryable,
  auth: Auth,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  await client.query('begin');
  try {
    await client.query(`set local role ${client.escapeIdentifier(auth.role)}`);
    await client.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(auth.claims)]);
    const res = await client.query(sql, params);
    return res.rows as T[];
  } finally {
    await client.query('rollback').catch(() => undefined);
  }
}

// ------------------------------------------------------------------------------------------------
// Fixtures: created directly as postgres, one fresh workspace per test so tests never interfere
// ------------------------------------------------------------------------------------------------

export interface TestUser {
  id: string;
  email: string;
  auth: Auth;
}

export interface WorkspaceFixture {
  organizationId: string;
  workspaceId: string;
  admin: TestUser;
  gatewayId: string;
  agentId: string;
}

const slugPart = (): string => randomUUID().replace(/-/g, '').slice(0, 12);

export async function createUser(client: Sql, label: string): Promise<TestUser> {
  const id = randomUUID();
  const email = `${label}-${slugPart()}@test.agentbase.dev`;
  await client.query(
    `insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at, updated_at)
     values ($1, 'authenticated', 'authenticated', $2, $3, '{"provider":"email","providers":["email"]}', now(), now())`,
    [id, email, JSON.stringify({ test_identifier: label })],
  );
  return { id, email, auth: userAuth({ id, email }) };
}

/** Organization + workspace + an admin member + one gateway + one agent on that gateway. */
export async function createWorkspaceFixture(
  client: Sql,
  label = 'soak',
  settings: Record<string, unknown> = {},
): Promise<WorkspaceFixture> {
  const admin = await createUser(client, `${label}-admin`);
  const slug = `${label}-${slugPart()}`.toLowerCase();
  const org = await client.query<{ id: string }>(
    `insert into public.organizations (name, slug, created_by) values ($1, $2, $3) returning id`,
    [`${label} org`, slug, admin.id],
  );
  const organizationId = org.rows[0]!.id;
  const ws = await client.query<{ id: string }>(
    `insert into public.workspaces (organization_id, name, slug, created_by, settings) values ($1, $2, $3, $4, $5) returning id`,
    [organizationId, `${label} workspace`, slug, admin.id, JSON.stringify(settings)],
  );
  const workspaceId = ws.rows[0]!.id;
  await client.query(
    `insert into public.workspace_members (workspace_id, user_id, role) values ($1, $2, 'admin')
     on conflict (workspace_id, user_id) do update set role = 'admin'`,
    [workspaceId, admin.id],
  );
  const gw = await client.query<{ id: string }>(
    `insert into public.gateways (workspace_id, slug, label) values ($1, $2, $3) returning id`,
    [workspaceId, `gw-${slugPart()}`, `${label} gateway`],
  );
  const gatewayId = gw.rows[0]!.id;
  const agent = await client.query<{ id: string }>(
    `insert into public.agents (workspace_id, slug, name, gateway_id) values ($1, $2, $3, $4) returning id`,
    [workspaceId, `agent-${slugPart()}`, `${label} agent`, gatewayId],
  );
  return { organizationId, workspaceId, admin, gatewayId, agentId: agent.rows[0]!.id };
}

// ------------------------------------------------------------------------------------------------
// Soak tools
// ------------------------------------------------------------------------------------------------

/** Deterministic PRNG (mulberry32) so a failing soak can be replayed with SOAK_SEED. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function soakSeed(): number {
  const env = process.env.SOAK_SEED;
  return env ? Number(env) : Math.floor(Math.random() * 2 ** 31);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The shape every non-lease queue RPC returns. */
export interface QueueResult {
  ok: boolean;
  reason: 'lease_lost' | 'already_terminal' | 'invalid_state' | 'not_found' | null;
  status: string | null;
  lease_expires_at: string | null;
  cancel_requested: boolean | null;
  idempotent: boolean | null;
  attempt: number | null;
}

/** One client-side record per RPC call: what was asked, when, and what came back (or the error). */
export interface CallRecord {
  seq: number;
  worker: string;
  fn: string;
  id: string | null;
  token: string | null;
  startedAt: number;
  endedAt: number;
  result?: unknown;
  error?: { message: string; code: string | undefined };
}

export class CallLog {
  readonly calls: CallRecord[] = [];
  private seq = 0;

  async record<T>(
    worker: string,
    fn: string,
    id: string | null,
    token: string | null,
    call: () => Promise<T>,
  ): Promise<T> {
    const rec: CallRecord = { seq: this.seq++, worker, fn, id, token, startedAt: Date.now(), endedAt: 0 };
    this.calls.push(rec);
    try {
      const result = await call();
      rec.result = result;
      return result;
    } catch (err) {
      const e = err as { message?: string; code?: string };
      rec.error = { message: e.message ?? String(err), code: e.code };
      throw err;
    } finally {
      rec.endedAt = Date.now();
    }
  }
}

/** Single jsonb result of a non-lease queue RPC (`returns jsonb` comes back as one column named after the function). */
export function jsonbResult(rows: Record<string, unknown>[], fn: string): QueueResult {
  const row = rows[0];
  if (!row) throw new Error(`${fn} returned no row`);
  const value = fn in row ? row[fn] : Object.values(row)[0];
  return value as QueueResult;
}

// ------------------------------------------------------------------------------------------------
// Soak engine: N workers, each on its own connection, a controller that kills backends mid-lease
// ------------------------------------------------------------------------------------------------

/** A lease a worker received: the client-side truth the invariants are checked against. */
export interface ClientLease {
  id: string;
  token: string;
  leaseCount: number;
  attempt: number;
  /** Latest lease expiry the holder was told (lease, start or heartbeat result), epoch ms. */
  expiresAt: number;
  worker: string;
  receivedAt: number;
}

/** A holder that "sleeps past its lease": it acts again only after wakeAt. */
export interface Parked {
  wakeAt: number;
  lease: ClientLease;
  act: () => Promise<void>;
}

export interface SoakWorker {
  slot: number;
  generation: number;
  /** slot.generation: a reconnected worker is a new worker that remembers nothing. */
  name: string;
  client: pg.Client;
  pid: number;
  auth: Auth;
  rand: () => number;
  /** Rows this worker holds right now (for the killer to pick a worker mid-lease). */
  held: Map<string, ClientLease>;
  parked: Parked[];
}

export interface SoakOptions {
  workers: number;
  seed: number;
  authFor: (slot: number) => Auth;
  /** One iteration: lease and handle a batch. Return false when nothing was leasable. */
  step: (w: SoakWorker) => Promise<boolean>;
  /** Polled by the controller; the run drains once it returns true. */
  isDone: () => Promise<boolean>;
  /** Polled by the controller while workers run (e.g. overdue-lease sampling). */
  sample?: () => Promise<void>;
  killIntervalMs: [number, number];
  maxKills: number;
  deadlineMs: number;
}

export interface SoakStats {
  kills: number;
  reconnects: number;
  unexpectedErrors: { worker: string; message: string; code: string | undefined }[];
  durationMs: number;
  timedOut: boolean;
}

function isConnectionLoss(err: unknown): boolean {
  const e = err as { message?: string; code?: string };
  if (e.code === '57P01') return true; // terminating connection due to administrator command
  return /not queryable|Connection terminated|terminating connection|ECONNRESET|EPIPE|write after end/i.test(
    e.message ?? '',
  );
}

export async function runSoak(opts: SoakOptions): Promise<SoakStats> {
  const controller = await connect('soak-controller');
  const started = Date.now();
  const master = rng(opts.seed);
  const stats: SoakStats = { kills: 0, reconnects: 0, unexpectedErrors: [], durationMs: 0, timedOut: false };
  const killed = new Set<number>();
  const workers: SoakWorker[] = [];
  let draining = false;

  const open = async (slot: number, generation: number): Promise<SoakWorker> => {
    const client = await connect(`soak-w${slot}`);
    const w: SoakWorker = {
      slot,
      generation,
      name: `w${slot}.${generation}`,
      client,
      pid: await backendPid(client),
      auth: opts.authFor(slot),
      rand: rng(Math.floor(master() * 2 ** 31)),
      held: new Map(),
      parked: [],
    };
    workers[slot] = w;
    return w;
  };

  const runWorker = async (slot: number): Promise<void> => {
    let w = await open(slot, 0);
    for (;;) {
      try {
        // A holder that slept past its lease wakes up and tries to act on it.
        const due = w.parked.filter((p) => p.wakeAt <= Date.now());
        if (due.length > 0) {
          w.parked = w.parked.filter((p) => p.wakeAt > Date.now());
          for (const p of due) await p.act();
        }
        if (draining) {
          if (w.parked.length === 0) break;
          await sleep(Math.max(5, Math.min(...w.parked.map((p) => p.wakeAt)) - Date.now()));
          continue;
        }
        const busy = await opts.step(w);
        if (!busy) await sleep(50 + Math.floor(w.rand() * 100)); // poll interval when idle
      } catch (err) {
        const e = err as { message?: string; code?: string };
        if (isConnectionLoss(err) && killed.has(w.pid)) {
          // The process "died": everything it held or planned is forgotten; a new worker starts.
          await closeQuietly(w.client);
          stats.reconnects++;
          w = await open(slot, w.generation + 1);
          continue;
        }
        stats.unexpectedErrors.push({ worker: w.name, message: e.message ?? String(err), code: e.code });
        if (isConnectionLoss(err)) {
          await closeQuietly(w.client);
          w = await open(slot, w.generation + 1);
        }
        if (stats.unexpectedErrors.length > 50) break;
      }
    }
    await closeQuietly(w.client);
  };

  const killer = async (): Promise<void> => {
    const [lo, hi] = opts.killIntervalMs;
    while (!draining && stats.kills < opts.maxKills) {
      await sleep(lo + Math.floor(master() * (hi - lo)));
      if (draining) break;
      // Prefer a worker that holds a lease right now: that is the crash that matters.
      const holding = workers.filter((w) => w && w.held.size > 0 && !killed.has(w.pid));
      const pool = holding.length > 0 ? holding : workers.filter((w) => w && !killed.has(w.pid));
      if (pool.length === 0) continue;
      const victim = pool[Math.floor(master() * pool.length)]!;
      killed.add(victim.pid);
      if (await terminateBackend(controller, victim.pid)) stats.kills++;
    }
  };

  const watcher = async (): Promise<void> => {
    for (;;) {
      await sleep(250);
      if (opts.sample) await opts.sample();
      if (await opts.isDone()) break;
      if (Date.now() - started > opts.deadlineMs) {
        stats.timedOut = true;
        break;
      }
    }
    draining = true;
  };

  try {
    await Promise.all([watcher(), killer(), ...Array.from({ length: opts.workers }, (_, i) => runWorker(i))]);
  } finally {
    await closeQuietly(controller);
  }
  stats.durationMs = Date.now() - started;
  return stats;
}

export const toMs = (v: string | Date | null | undefined): number =>
  v === null || v === undefined ? Number.NaN : v instanceof Date ? v.getTime() : Date.parse(v);

/** What a soak keeps about the leases it was granted, and about lease replays that disagreed. */
export interface LeaseTracker {
  leases: ClientLease[];
  repeats: number;
  mismatches: string[];
}

/** The columns every lease RPC returns that the soaks track. */
export interface LeasedRow {
  id: string;
  lease_token: string;
  lease_count: number;
  attempt: number;
  lease_expires_at: string | Date;
}

/**
 * One lease call by a soak worker: recorded in the call log, every granted lease registered as held by
 * the worker, and 5 % of the time the same request replayed (a lost response), which must hand back
 * exactly the same leases; a difference is kept in tracker.mismatches.
 */
export async function leaseAndTrack<R extends LeasedRow>(
  w: SoakWorker,
  log: CallLog,
  tracker: LeaseTracker,
  fn: string,
  args: Record<string, unknown> & { p_request_id: string },
): Promise<ClientLease[]> {
  const rows = await log.record(w.name, fn, null, null, () => rpc<R>(w.client, w.auth, fn, args));
  if (rows.length === 0) return [];
  const mine: ClientLease[] = rows.map((row) => ({
    id: row.id,
    token: row.lease_token,
    leaseCount: row.lease_count,
    attempt: row.attempt,
    expiresAt: toMs(row.lease_expires_at),
    worker: w.name,
    receivedAt: Date.now(),
  }));
  for (const l of mine) {
    tracker.leases.push(l);
    w.held.set(l.id, l);
  }
  if (w.rand() < 0.05) {
    tracker.repeats++;
    const again = await log.record(w.name, fn, null, null, () => rpc<R>(w.client, w.auth, fn, args));
    const a = again.map((x) => `${x.id}/${x.lease_token}`).sort();
    const b = rows.map((x) => `${x.id}/${x.lease_token}`).sort();
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      tracker.mismatches.push(`lease ${args.p_request_id}: ${JSON.stringify(b)} then ${JSON.stringify(a)}`);
    }
  }
  return mine;
}
