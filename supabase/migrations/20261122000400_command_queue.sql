-- Command queue: agent_commands, leased per gateway by the runner (DESIGN §5, docs/queues.md).
--
-- Contract in one paragraph: lease_command hands out up to p_limit pending rows in one statement
-- (CTE `for update skip locked` + `update ... from`, predicate re-checked), minting a fresh lease_token
-- and bumping lease_count each time. Every follow-up (start/heartbeat/complete/fail/release) names
-- (id, lease_token) and acts only while that token is the live one, else returns
-- {ok:false, reason:'lease_lost'} and writes nothing. complete/fail are idempotent per token
-- (finished_lease_token + finished_status), lease is idempotent per p_request_id. Expired leases are
-- reclaimed by every lease call (bounded) and by the pg_cron job `agentbase-queue-sweeper`.
--
-- Layout: the logic lives in SECURITY DEFINER functions in `private` (never exposed); `public` holds
-- thin SECURITY INVOKER wrappers, so no definer function sits in an exposed schema (splinter 0028/0029).
-- The tables take no direct writes from any API role: only these RPCs write them.
-- Shared helpers (result shape, retry delay, event actor, sweeper) are defined here and reused by the
-- inbox queue (20261122000500_inbox_queue.sql).

-- ---------------------------------------------------------------------------------------------------
-- Shared helpers
-- ---------------------------------------------------------------------------------------------------

-- The one result shape of every non-lease queue call.
create or replace function private.queue_result(
  p_ok boolean,
  p_reason text,
  p_status text,
  p_lease_expires_at timestamptz,
  p_cancel_requested boolean,
  p_idempotent boolean,
  p_attempt int
)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'ok', p_ok,
    'reason', p_reason,
    'status', p_status,
    'lease_expires_at', p_lease_expires_at,
    'cancel_requested', p_cancel_requested,
    'idempotent', p_idempotent,
    'attempt', p_attempt
  )
$$;

-- Delay before a retry: p_retry_after_seconds when given, else exponential backoff with jitter:
-- min(900 s, 2 s * 2^(attempt-1)) * uniform(0.5, 1.0).
create or replace function private.queue_retry_delay(p_attempt int, p_retry_after_seconds int default null)
returns interval
language sql
volatile
set search_path = ''
as $$
  select case
    when p_retry_after_seconds is not null then make_interval(secs => p_retry_after_seconds)
    else make_interval(secs => least(900::float8, 2::float8 * power(2::float8, greatest(coalesce(p_attempt, 1), 1) - 1))
                               * (0.5 + random() / 2))
  end
$$;

-- Argument checks shared by both queues (raise with the argument's name, write nothing).
create or replace function private.queue_check_range(p_name text, p_value int, p_min int, p_max int)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is null then
    raise exception '% must not be null', p_name using errcode = '22004';
  end if;
  if p_value < p_min or p_value > p_max then
    raise exception '% must be between % and % (got %)', p_name, p_min, p_max, p_value using errcode = '22023';
  end if;
end
$$;

create or replace function private.queue_check_not_null(p_name text, p_is_null boolean)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_is_null then
    raise exception '% must not be null', p_name using errcode = '22004';
  end if;
end
$$;

-- Size limit for jsonb arguments (payload, context, result): 256 kB of JSON text.
create or replace function private.queue_check_jsonb(p_name text, p_value jsonb, p_require_object boolean default true)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is null then
    return;
  end if;
  if p_require_object and jsonb_typeof(p_value) <> 'object' then
    raise exception '% must be a JSON object (got %)', p_name, jsonb_typeof(p_value) using errcode = '22023';
  end if;
  if octet_length(p_value::text) > 262144 then
    raise exception '% is too large: % bytes (max 262144)', p_name, octet_length(p_value::text) using errcode = '54000';
  end if;
end
$$;

-- Size limit for text arguments (stdout, stderr, error, summary).
create or replace function private.queue_check_text(p_name text, p_value text, p_max_bytes int)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is not null and octet_length(p_value) > p_max_bytes then
    raise exception '% is too large: % bytes (max %)', p_name, octet_length(p_value), p_max_bytes using errcode = '54000';
  end if;
end
$$;

revoke all on function private.queue_result(boolean, text, text, timestamptz, boolean, boolean, int) from public;
revoke all on function private.queue_retry_delay(int, int) from public;
-- A queue's runtime vocabulary (command action, inbox event type): lowercase, dotted/namespaced words.
create or replace function private.queue_check_vocabulary(p_name text, p_value text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value !~ '^[a-z][a-z0-9_.:-]{0,99}$' then
    raise exception '% must match ^[a-z][a-z0-9_.:-]{0,99}$ (got %)', p_name, left(p_value, 120) using errcode = '22023';
  end if;
end
$$;

create or replace function private.queue_check_dedup_key(p_dedup_key text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_dedup_key is not null and length(p_dedup_key) not between 1 and 200 then
    raise exception 'p_dedup_key must be 1 to 200 characters (got %)', length(p_dedup_key) using errcode = '22023';
  end if;
end
$$;

revoke all on function private.queue_check_range(text, int, int, int) from public;
revoke all on function private.queue_check_vocabulary(text, text) from public;
revoke all on function private.queue_check_dedup_key(text) from public;
revoke all on function private.queue_check_not_null(text, boolean) from public;
revoke all on function private.queue_check_jsonb(text, jsonb, boolean) from public;
revoke all on function private.queue_check_text(text, text, int) from public;

-- Append-only guard for the queue event tables: no API role may UPDATE or DELETE an event. Deletes
-- that cascade from a deleted command/item (workspace removal) or come from the owner (retention) pass.
create or replace function private.queue_events_append_only()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' and (pg_trigger_depth() > 1 or not private.request_role() in ('anon', 'authenticated', 'service_role')) then
    return old;
  end if;
  raise exception '% is append-only: % is not allowed', tg_table_name, tg_op using errcode = '42501';
end
$$;
revoke all on function private.queue_events_append_only() from public;

-- ---------------------------------------------------------------------------------------------------
-- Types and tables
-- ---------------------------------------------------------------------------------------------------

do $$
begin
  create type public.command_status as enum ('pending', 'leased', 'running', 'done', 'failed', 'cancelled');
exception when duplicate_object then null;
end $$;

create table if not exists public.agent_commands (
  id uuid primary key default gen_random_uuid(),
  -- Copied from the gateway at enqueue (RLS boundary). The gateway FK cascades workspace deletion.
  workspace_id uuid not null,
  gateway_id uuid not null references public.gateways (id) on delete cascade,
  agent_id uuid references public.agents (id) on delete set null,
  action text not null check (action ~ '^[a-z][a-z0-9_.:-]{0,99}$'),
  payload jsonb not null default '{}'::jsonb check (jsonb_typeof(payload) = 'object'),
  status public.command_status not null default 'pending',
  priority int not null default 0 check (priority between -1000 and 1000),
  available_at timestamptz not null default now(),
  -- attempt = executions started (bumped by start_command, or by complete/fail straight from leased).
  attempt int not null default 0,
  max_attempts int not null default 3 check (max_attempts between 1 and 100),
  -- lease_count = times handed out; capped by max_leases (expiry before start / release cost no attempt).
  lease_count int not null default 0,
  max_leases int not null default 10 check (max_leases between 1 and 1000),
  safe_to_retry boolean not null default false,
  dedup_key text check (length(dedup_key) between 1 and 200),
  lease_token uuid,
  lease_request_id uuid,
  leased_at timestamptz,
  lease_expires_at timestamptz,
  started_at timestamptz,
  last_heartbeat_at timestamptz,
  finished_at timestamptz,
  -- The token of the lease that last ended with complete/fail, and the status it produced: a repeated
  -- complete/fail with that token returns this outcome with idempotent:true.
  finished_lease_token uuid,
  finished_status public.command_status,
  cancel_requested boolean not null default false,
  cancel_requested_at timestamptz,
  result jsonb,
  exit_code int,
  stdout text,
  stderr text,
  last_error text,
  failure_code text,
  requested_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agent_commands_attempts_check check (attempt between 0 and max_attempts),
  constraint agent_commands_leases_check check (lease_count between 0 and max_leases),
  -- Lease columns are set exactly while a lease is live.
  constraint agent_commands_lease_columns_check check (
    case when status in ('leased', 'running')
      then lease_token is not null and lease_expires_at is not null and leased_at is not null
      else lease_token is null and lease_expires_at is null and leased_at is null and lease_request_id is null
    end),
  -- finished_at is set exactly in the terminal states.
  constraint agent_commands_finished_check check (
    (finished_at is not null) = (status in ('done', 'failed', 'cancelled'))),
  constraint agent_commands_started_check check (
    case status
      when 'running' then started_at is not null
      when 'pending' then started_at is null
      when 'leased' then started_at is null
      else true
    end),
  -- A pending row can always be leased and started once more.
  constraint agent_commands_pending_check check (
    status <> 'pending' or (attempt < max_attempts and lease_count < max_leases)),
  constraint agent_commands_failed_error_check check (status <> 'failed' or last_error is not null),
  constraint agent_commands_finish_pair_check check ((finished_lease_token is null) = (finished_status is null)),
  constraint agent_commands_stdout_check check (octet_length(stdout) <= 1048576 and octet_length(stderr) <= 1048576)
) with (
  fillfactor = 80,
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_insert_scale_factor = 0.02
);
-- Re-assert the storage parameters on re-apply (an existing table is left as it was by the create above).
alter table public.agent_commands set (
  fillfactor = 80,
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_insert_scale_factor = 0.02
);

-- Leasable set only: terminal history never enters this index.
create index if not exists agent_commands_lease_idx
  on public.agent_commands (gateway_id, priority desc, available_at, id)
  where status = 'pending';
-- Live leases only: expiry reclaim and idempotent-lease lookups.
create index if not exists agent_commands_live_idx
  on public.agent_commands (gateway_id, lease_expires_at)
  where status in ('leased', 'running');
-- dedup_key is unique among live rows of one gateway.
create unique index if not exists agent_commands_dedup_key_idx
  on public.agent_commands (gateway_id, dedup_key)
  where dedup_key is not null and status in ('pending', 'leased', 'running');
-- RLS filter + listing, FK covers.
create index if not exists agent_commands_workspace_id_idx on public.agent_commands (workspace_id, created_at);
create index if not exists agent_commands_gateway_id_idx on public.agent_commands (gateway_id, created_at);
create index if not exists agent_commands_agent_id_idx on public.agent_commands (agent_id);

drop trigger if exists agent_commands_set_updated_at on public.agent_commands;
create trigger agent_commands_set_updated_at
  before update on public.agent_commands
  for each row execute function private.set_updated_at();

create table if not exists public.agent_command_events (
  id bigint generated always as identity primary key,
  command_id uuid not null references public.agent_commands (id) on delete cascade,
  -- Copied from the command (RLS boundary); the command FK cascades workspace deletion.
  workspace_id uuid not null,
  from_status public.command_status,
  to_status public.command_status not null,
  reason text not null,
  attempt int not null,
  lease_count int not null,
  actor_role text not null,
  actor_user_id uuid,
  detail jsonb,
  created_at timestamptz not null default now()
);
create index if not exists agent_command_events_command_id_idx on public.agent_command_events (command_id, id);
create index if not exists agent_command_events_workspace_id_idx on public.agent_command_events (workspace_id, created_at);

drop trigger if exists agent_command_events_append_only on public.agent_command_events;
create trigger agent_command_events_append_only
  before update or delete on public.agent_command_events
  for each row execute function private.queue_events_append_only();

-- ---------------------------------------------------------------------------------------------------
-- Access: members of the workspace read; nobody writes directly (the RPCs below are the only writers).
-- ---------------------------------------------------------------------------------------------------

alter table public.agent_commands enable row level security;
alter table public.agent_command_events enable row level security;

revoke all on table public.agent_commands from anon, authenticated, service_role;
revoke all on table public.agent_command_events from anon, authenticated, service_role;
grant select on table public.agent_commands to authenticated, service_role;
grant select on table public.agent_command_events to authenticated, service_role;

drop policy if exists agent_commands_select_members on public.agent_commands;
create policy agent_commands_select_members on public.agent_commands
  for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids())));

drop policy if exists agent_command_events_select_members on public.agent_command_events;
create policy agent_command_events_select_members on public.agent_command_events
  for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids())));

-- Realtime: the runner subscribes to inserts (a hint; it also polls).
do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime')
     and not exists (select 1 from pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'agent_commands') then
    alter publication supabase_realtime add table public.agent_commands;
  end if;
end $$;

-- ---------------------------------------------------------------------------------------------------
-- Internals
-- ---------------------------------------------------------------------------------------------------

-- Settle expired leases. Rows are locked by the caller (skip locked) and passed by id; each one is
-- re-checked (still live, still expired, same token) before it moves:
--   cancel requested                      -> cancelled
--   expired before start                  -> pending at once, no attempt cost; failed 'lease_limit' when
--                                            lease_count reached max_leases
--   expired after start, safe_to_retry    -> pending after backoff if attempts remain
--   expired after start otherwise         -> failed 'lease_expired_after_start'
create or replace function private.expire_command_leases(p_ids uuid[])
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_role text := private.request_role();
  v_uid uuid := auth.uid();
  v_count int;
begin
  if p_ids is null or cardinality(p_ids) = 0 then
    return 0;
  end if;
  with old as (
    select c.id, c.status, c.lease_token, c.cancel_requested, c.lease_count, c.max_leases, c.attempt,
           c.max_attempts, c.safe_to_retry,
           case
             when c.cancel_requested then 'cancelled'
             when c.status = 'leased' and c.lease_count >= c.max_leases then 'failed'
             when c.status = 'leased' then 'pending'
             when c.safe_to_retry and c.attempt < c.max_attempts and c.lease_count < c.max_leases then 'pending'
             else 'failed'
           end::public.command_status as to_status,
           case
             when c.cancel_requested then 'cancelled'
             when c.status = 'leased' and c.lease_count >= c.max_leases then 'lease_limit'
             when c.status = 'leased' then 'lease_expired'
             else 'lease_expired_after_start'
           end as reason
    from public.agent_commands c
    where c.id = any (p_ids)
      and c.status in ('leased', 'running')
      and c.lease_expires_at < now()
  ), upd as (
    update public.agent_commands c
    set status = old.to_status,
        lease_token = null,
        lease_request_id = null,
        leased_at = null,
        lease_expires_at = null,
        started_at = case when old.to_status = 'pending' then null else c.started_at end,
        available_at = case
          when old.to_status <> 'pending' then c.available_at
          when old.status = 'leased' then now()
          else now() + private.queue_retry_delay(c.attempt)
        end,
        finished_at = case when old.to_status = 'pending' then null else now() end,
        last_error = case
          when old.reason = 'cancelled' then c.last_error
          else old.reason
        end,
        failure_code = case when old.to_status = 'pending' then c.failure_code else old.reason end
    from old
    where c.id = old.id
      and c.lease_token = old.lease_token
      and c.status in ('leased', 'running')
    returning c.id, c.workspace_id, old.status as from_status, c.status as to_status, old.reason,
              c.attempt, c.lease_count
  ), ev as (
    insert into public.agent_command_events
      (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    select u.id, u.workspace_id, u.from_status, u.to_status, u.reason, u.attempt, u.lease_count,
           v_role, v_uid
    from upd u
  )
  select count(*) into v_count from upd;
  return v_count;
end
$$;

-- Reclaim up to p_limit expired leases, for one gateway (lease path) or all (sweeper, p_gateway_id null).
create or replace function private.reclaim_expired_commands(p_gateway_id uuid, p_limit int default 100)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  if p_gateway_id is null then
    select array_agg(s.id) into v_ids
    from (
      select c.id from public.agent_commands c
      where c.status in ('leased', 'running') and c.lease_expires_at < now()
      order by c.lease_expires_at
      limit p_limit
      for update skip locked
    ) s;
  else
    select array_agg(s.id) into v_ids
    from (
      select c.id from public.agent_commands c
      where c.gateway_id = p_gateway_id and c.status in ('leased', 'running') and c.lease_expires_at < now()
      order by c.lease_expires_at
      limit p_limit
      for update skip locked
    ) s;
  end if;
  return private.expire_command_leases(v_ids);
end
$$;

-- Lock one command for a follow-up call, check the caller, return the row.
create or replace function private.lock_command_for_call(p_id uuid, p_lease_token uuid, p_check_token boolean default true)
returns public.agent_commands
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_commands;
begin
  perform private.queue_check_not_null('p_id', p_id is null);
  if p_check_token then
    perform private.queue_check_not_null('p_lease_token', p_lease_token is null);
  end if;
  select c.* into r from public.agent_commands c where c.id = p_id for update;
  if not found then
    raise exception 'p_id: command % does not exist', p_id using errcode = 'P0002';
  end if;
  if not private.is_trusted_caller() then
    perform private.assert_workspace_role(r.workspace_id, 'admin');
  end if;
  return r;
end
$$;

-- The answer to a follow-up whose token is not the live one: an idempotent replay of the finish that
-- token already made, or lease_lost / already_terminal.
create or replace function private.command_stale_result(r public.agent_commands, p_lease_token uuid, p_call text)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
begin
  if r.finished_lease_token = p_lease_token
     and ((p_call = 'complete' and r.finished_status = 'done')
          or (p_call = 'fail' and r.finished_status <> 'done')) then
    return private.queue_result(true, null, r.finished_status::text, null, r.cancel_requested, true, r.attempt);
  end if;
  if r.status in ('done', 'failed', 'cancelled') then
    return private.queue_result(false, 'already_terminal', r.status::text, null, r.cancel_requested, false, r.attempt);
  end if;
  return private.queue_result(false, 'lease_lost', r.status::text, null, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.log_command_event(
  r public.agent_commands,
  p_from public.command_status,
  p_reason text,
  p_detail jsonb default null
)
returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into public.agent_command_events
    (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id, detail)
  values (r.id, r.workspace_id, p_from, r.status, p_reason, r.attempt, r.lease_count,
          private.request_role(), auth.uid(), p_detail);
end
$$;

-- ---------------------------------------------------------------------------------------------------
-- RPC implementations (private, definer)
-- ---------------------------------------------------------------------------------------------------

-- Enqueue without a caller check, for server-side code (triggers of other domains that feed this queue
-- while a member is the request role). Owner-only: no API role may execute it.
create or replace function private.enqueue_command_unchecked(
  p_gateway_id uuid,
  p_action text,
  p_payload jsonb,
  p_agent_id uuid,
  p_priority int,
  p_available_at timestamptz,
  p_max_attempts int,
  p_dedup_key text,
  p_safe_to_retry boolean
)
returns table (id uuid, deduplicated boolean)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_role text := private.request_role();
  v_uid uuid := auth.uid();
  v_workspace_id uuid;
begin
  perform private.queue_check_not_null('p_gateway_id', p_gateway_id is null);
  perform private.queue_check_not_null('p_action', p_action is null);
  perform private.queue_check_not_null('p_payload', p_payload is null);
  perform private.queue_check_not_null('p_safe_to_retry', p_safe_to_retry is null);
  perform private.queue_check_vocabulary('p_action', p_action);
  perform private.queue_check_jsonb('p_payload', p_payload);
  perform private.queue_check_range('p_priority', p_priority, -1000, 1000);
  perform private.queue_check_range('p_max_attempts', p_max_attempts, 1, 100);
  perform private.queue_check_dedup_key(p_dedup_key);

  select g.workspace_id into v_workspace_id from public.gateways g where g.id = p_gateway_id;
  if not found then
    raise exception 'p_gateway_id: gateway % does not exist', p_gateway_id using errcode = 'P0002';
  end if;
  if p_agent_id is not null
     and not exists (select 1 from public.agents a where a.id = p_agent_id and a.workspace_id = v_workspace_id) then
    raise exception 'p_agent_id: agent % does not exist in the gateway''s workspace', p_agent_id using errcode = 'P0002';
  end if;

  -- One statement: a live row with the same (gateway, dedup_key) is returned instead of a new one.
  return query
  with ins as (
    insert into public.agent_commands as c
      (workspace_id, gateway_id, agent_id, action, payload, priority, available_at, max_attempts, max_leases,
       dedup_key, safe_to_retry, requested_by)
    values
      (v_workspace_id, p_gateway_id, p_agent_id, p_action, p_payload, p_priority, coalesce(p_available_at, now()),
       p_max_attempts, greatest(10, 2 * p_max_attempts), p_dedup_key, p_safe_to_retry, (select auth.uid()))
    on conflict (gateway_id, dedup_key) where dedup_key is not null and status in ('pending', 'leased', 'running')
    do update set dedup_key = excluded.dedup_key
    returning c.id, c.workspace_id, c.attempt, c.lease_count, (c.xmax <> 0) as deduplicated
  ), ev as (
    insert into public.agent_command_events
      (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    select i.id, i.workspace_id, null, 'pending', 'enqueued', i.attempt, i.lease_count,
           v_role, v_uid
    from ins i
    where not i.deduplicated
  )
  select i.id, i.deduplicated from ins i;
end
$$;

create or replace function private.enqueue_command(
  p_gateway_id uuid,
  p_action text,
  p_payload jsonb,
  p_agent_id uuid,
  p_priority int,
  p_available_at timestamptz,
  p_max_attempts int,
  p_dedup_key text,
  p_safe_to_retry boolean
)
returns table (id uuid, deduplicated boolean)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_workspace_id uuid;
begin
  perform private.queue_check_not_null('p_gateway_id', p_gateway_id is null);
  select g.workspace_id into v_workspace_id from public.gateways g where g.id = p_gateway_id;
  if not found then
    raise exception 'p_gateway_id: gateway % does not exist', p_gateway_id using errcode = 'P0002';
  end if;
  if not private.is_trusted_caller() then
    perform private.assert_workspace_role(v_workspace_id, 'admin');
  end if;
  return query select * from private.enqueue_command_unchecked(p_gateway_id, p_action, p_payload, p_agent_id,
    p_priority, p_available_at, p_max_attempts, p_dedup_key, p_safe_to_retry);
end
$$;

create or replace function private.lease_command(
  p_gateway_id uuid,
  p_limit int,
  p_lease_seconds int,
  p_request_id uuid
)
returns table (
  id uuid, lease_token uuid, attempt int, lease_count int, lease_expires_at timestamptz,
  action text, payload jsonb, agent_id uuid, cancel_requested boolean
)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_role text := private.request_role();
  v_uid uuid := auth.uid();
  v_workspace_id uuid;
begin
  perform private.queue_check_not_null('p_gateway_id', p_gateway_id is null);
  perform private.queue_check_range('p_limit', p_limit, 1, 100);
  perform private.queue_check_range('p_lease_seconds', p_lease_seconds, 5, 3600);
  select g.workspace_id into v_workspace_id from public.gateways g where g.id = p_gateway_id;
  if not found then
    raise exception 'p_gateway_id: gateway % does not exist', p_gateway_id using errcode = 'P0002';
  end if;
  if not private.is_trusted_caller() then
    perform private.assert_workspace_role(v_workspace_id, 'admin');
  end if;

  -- Idempotent lease: the same request id gets back what it still holds, and nothing new.
  if p_request_id is not null then
    return query
    select c.id, c.lease_token, c.attempt + case when c.status = 'leased' then 1 else 0 end, c.lease_count,
           c.lease_expires_at, c.action, c.payload, c.agent_id, c.cancel_requested
    from public.agent_commands c
    where c.gateway_id = p_gateway_id
      and c.status in ('leased', 'running')
      and c.lease_request_id = p_request_id
    order by c.priority desc, c.available_at, c.id;
    if found then
      return;
    end if;
  end if;

  -- Expiry without a daemon: settle a bounded number of this gateway's expired leases first.
  perform private.reclaim_expired_commands(p_gateway_id, 100);

  return query
  with cand as (
    select c.id
    from public.agent_commands c
    where c.gateway_id = p_gateway_id
      and c.status = 'pending'
      and c.available_at <= now()
    order by c.priority desc, c.available_at, c.id
    limit p_limit
    for update skip locked
  ), upd as (
    update public.agent_commands c
    set status = 'leased',
        lease_token = gen_random_uuid(),
        lease_count = c.lease_count + 1,
        lease_request_id = p_request_id,
        leased_at = now(),
        lease_expires_at = now() + make_interval(secs => p_lease_seconds),
        last_heartbeat_at = null
    from cand
    where c.id = cand.id
      and c.status = 'pending'
      and c.workspace_id = v_workspace_id
    returning c.*
  ), ev as (
    insert into public.agent_command_events
      (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    select u.id, u.workspace_id, 'pending', 'leased', 'leased', u.attempt, u.lease_count,
           v_role, v_uid
    from upd u
  )
  -- attempt reported = the attempt this lease runs as (the column counts starts).
  select u.id, u.lease_token, u.attempt + 1, u.lease_count, u.lease_expires_at, u.action, u.payload,
         u.agent_id, u.cancel_requested
  from upd u
  order by u.priority desc, u.available_at, u.id;
end
$$;

create or replace function private.start_command(p_id uuid, p_lease_token uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_commands;
begin
  r := private.lock_command_for_call(p_id, p_lease_token);
  if r.status not in ('leased', 'running') or r.lease_token is distinct from p_lease_token then
    return private.command_stale_result(r, p_lease_token, 'start');
  end if;
  if r.status = 'running' then
    return private.queue_result(true, null, 'running', r.lease_expires_at, r.cancel_requested, true, r.attempt);
  end if;
  if r.cancel_requested then
    -- Cancelled before it ran: end it now, never execute.
    update public.agent_commands c
    set status = 'cancelled', lease_token = null, lease_request_id = null, leased_at = null,
        lease_expires_at = null, finished_at = now(), failure_code = 'cancelled'
    where c.id = r.id
    returning c.* into r;
    perform private.log_command_event(r, 'leased', 'cancelled');
    return private.queue_result(false, 'already_terminal', 'cancelled', null, true, false, r.attempt);
  end if;
  update public.agent_commands c
  set status = 'running', attempt = c.attempt + 1, started_at = now(), last_heartbeat_at = now()
  where c.id = r.id
  returning c.* into r;
  perform private.log_command_event(r, 'leased', 'started');
  return private.queue_result(true, null, 'running', r.lease_expires_at, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.heartbeat_command(p_id uuid, p_lease_token uuid, p_extend_seconds int)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_commands;
begin
  perform private.queue_check_range('p_extend_seconds', p_extend_seconds, 5, 3600);
  r := private.lock_command_for_call(p_id, p_lease_token);
  if r.status not in ('leased', 'running') or r.lease_token is distinct from p_lease_token then
    return private.command_stale_result(r, p_lease_token, 'heartbeat');
  end if;
  -- Extends, never shortens; never beyond now() + 3600 s.
  update public.agent_commands c
  set lease_expires_at = greatest(c.lease_expires_at, now() + make_interval(secs => p_extend_seconds)),
      last_heartbeat_at = now()
  where c.id = r.id
  returning c.* into r;
  return private.queue_result(true, null, r.status::text, r.lease_expires_at, r.cancel_requested, false,
                              r.attempt + case when r.status = 'leased' then 1 else 0 end);
end
$$;

create or replace function private.complete_command(
  p_id uuid, p_lease_token uuid, p_result jsonb, p_exit_code int, p_stdout text, p_stderr text
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_commands;
  v_from public.command_status;
begin
  perform private.queue_check_jsonb('p_result', p_result, false);
  perform private.queue_check_text('p_stdout', p_stdout, 1048576);
  perform private.queue_check_text('p_stderr', p_stderr, 1048576);
  r := private.lock_command_for_call(p_id, p_lease_token);
  if r.status not in ('leased', 'running') or r.lease_token is distinct from p_lease_token then
    return private.command_stale_result(r, p_lease_token, 'complete');
  end if;
  v_from := r.status;
  -- Completing straight from leased counts the execution as started.
  update public.agent_commands c
  set status = 'done',
      attempt = c.attempt + case when c.status = 'leased' then 1 else 0 end,
      started_at = coalesce(c.started_at, now()),
      lease_token = null, lease_request_id = null, leased_at = null, lease_expires_at = null,
      finished_at = now(), finished_lease_token = p_lease_token, finished_status = 'done',
      result = p_result, exit_code = p_exit_code, stdout = p_stdout, stderr = p_stderr,
      failure_code = null
  where c.id = r.id
  returning c.* into r;
  perform private.log_command_event(r, v_from, 'completed');
  return private.queue_result(true, null, 'done', null, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.fail_command(
  p_id uuid, p_lease_token uuid, p_error text, p_retryable boolean, p_exit_code int, p_stdout text,
  p_stderr text, p_retry_after_seconds int
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_commands;
  v_from public.command_status;
  v_attempt int;
  v_to public.command_status;
  v_code text;
begin
  perform private.queue_check_not_null('p_error', p_error is null);
  perform private.queue_check_not_null('p_retryable', p_retryable is null);
  perform private.queue_check_text('p_error', p_error, 65536);
  perform private.queue_check_text('p_stdout', p_stdout, 1048576);
  perform private.queue_check_text('p_stderr', p_stderr, 1048576);
  if p_retry_after_seconds is not null then
    perform private.queue_check_range('p_retry_after_seconds', p_retry_after_seconds, 0, 86400);
  end if;
  r := private.lock_command_for_call(p_id, p_lease_token);
  if r.status not in ('leased', 'running') or r.lease_token is distinct from p_lease_token then
    return private.command_stale_result(r, p_lease_token, 'fail');
  end if;
  v_from := r.status;
  -- Failing straight from leased counts as an attempt too (the runner tried and could not run it).
  v_attempt := r.attempt + case when r.status = 'leased' then 1 else 0 end;
  if r.cancel_requested then
    v_to := 'cancelled'; v_code := 'cancelled';
  elsif not p_retryable then
    v_to := 'failed'; v_code := 'permanent';
  elsif v_attempt >= r.max_attempts then
    v_to := 'failed'; v_code := 'attempts_exhausted';
  elsif r.lease_count >= r.max_leases then
    v_to := 'failed'; v_code := 'lease_limit';
  else
    v_to := 'pending'; v_code := null;
  end if;
  update public.agent_commands c
  set status = v_to,
      attempt = v_attempt,
      started_at = case when v_to = 'pending' then null else coalesce(c.started_at, now()) end,
      available_at = case when v_to = 'pending'
                          then now() + private.queue_retry_delay(v_attempt, p_retry_after_seconds)
                          else c.available_at end,
      lease_token = null, lease_request_id = null, leased_at = null, lease_expires_at = null,
      finished_at = case when v_to = 'pending' then null else now() end,
      finished_lease_token = p_lease_token, finished_status = v_to,
      last_error = p_error, failure_code = coalesce(v_code, c.failure_code),
      exit_code = p_exit_code, stdout = p_stdout, stderr = p_stderr
  where c.id = r.id
  returning c.* into r;
  perform private.log_command_event(r, v_from,
    case v_to when 'pending' then 'retry_scheduled' when 'cancelled' then 'cancelled' else 'failed' end,
    jsonb_build_object('error', left(p_error, 1000), 'retryable', p_retryable, 'failure_code', v_code));
  return private.queue_result(true, null, v_to::text, null, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.release_command(p_id uuid, p_lease_token uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_commands;
  v_to public.command_status;
begin
  r := private.lock_command_for_call(p_id, p_lease_token);
  if r.status not in ('leased', 'running') or r.lease_token is distinct from p_lease_token then
    return private.command_stale_result(r, p_lease_token, 'release');
  end if;
  if r.status = 'running' then
    -- After start the outcome is the holder's to report (complete/fail), not to give back.
    return private.queue_result(false, 'invalid_state', 'running', r.lease_expires_at, r.cancel_requested, false, r.attempt);
  end if;
  v_to := case
    when r.cancel_requested then 'cancelled'
    when r.lease_count >= r.max_leases then 'failed'
    else 'pending'
  end::public.command_status;
  update public.agent_commands c
  set status = v_to,
      lease_token = null, lease_request_id = null, leased_at = null, lease_expires_at = null,
      finished_at = case when v_to = 'pending' then null else now() end,
      last_error = case when v_to = 'failed' then 'lease_limit' else c.last_error end,
      failure_code = case v_to when 'failed' then 'lease_limit' when 'cancelled' then 'cancelled' else c.failure_code end
  where c.id = r.id
  returning c.* into r;
  perform private.log_command_event(r, 'leased',
    case v_to when 'pending' then 'released' when 'cancelled' then 'cancelled' else 'lease_limit' end);
  return private.queue_result(true, null, v_to::text, null, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.cancel_command(p_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_commands;
begin
  r := private.lock_command_for_call(p_id, null, false);
  if r.status = 'cancelled' then
    return private.queue_result(true, null, 'cancelled', null, r.cancel_requested, true, r.attempt);
  end if;
  if r.status in ('done', 'failed') then
    return private.queue_result(false, 'already_terminal', r.status::text, null, r.cancel_requested, false, r.attempt);
  end if;
  if r.status = 'pending' then
    update public.agent_commands c
    set status = 'cancelled', finished_at = now(), failure_code = 'cancelled',
        cancel_requested = true, cancel_requested_at = now()
    where c.id = r.id
    returning c.* into r;
    perform private.log_command_event(r, 'pending', 'cancelled');
    return private.queue_result(true, null, 'cancelled', null, true, false, r.attempt);
  end if;
  -- leased/running: the holder sees the flag on its next call; an expiry ends the row as cancelled.
  if r.cancel_requested then
    return private.queue_result(true, null, r.status::text, r.lease_expires_at, true, true, r.attempt);
  end if;
  update public.agent_commands c
  set cancel_requested = true, cancel_requested_at = now()
  where c.id = r.id
  returning c.* into r;
  perform private.log_command_event(r, r.status, 'cancel_requested');
  return private.queue_result(true, null, r.status::text, r.lease_expires_at, true, false, r.attempt);
end
$$;

-- Sweep every expired command lease in batches (the pg_cron job `agentbase-queue-sweeper`, scheduled in
-- 20261122000500_inbox_queue.sql, calls this through private.sweep_queues()).
create or replace function private.sweep_expired_commands(p_batch int default 1000)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_total int := 0;
  v_n int;
  v_round int := 0;
begin
  loop
    v_n := private.reclaim_expired_commands(null, p_batch);
    v_total := v_total + v_n;
    v_round := v_round + 1;
    exit when v_n < p_batch or v_round >= 50;
  end loop;
  return v_total;
end
$$;

revoke all on function private.expire_command_leases(uuid[]) from public;
revoke all on function private.reclaim_expired_commands(uuid, int) from public;
revoke all on function private.lock_command_for_call(uuid, uuid, boolean) from public;
revoke all on function private.command_stale_result(public.agent_commands, uuid, text) from public;
revoke all on function private.log_command_event(public.agent_commands, public.command_status, text, jsonb) from public;
revoke all on function private.sweep_expired_commands(int) from public;

revoke all on function private.enqueue_command_unchecked(uuid, text, jsonb, uuid, int, timestamptz, int, text, boolean) from public;
revoke all on function private.enqueue_command(uuid, text, jsonb, uuid, int, timestamptz, int, text, boolean) from public;
revoke all on function private.lease_command(uuid, int, int, uuid) from public;
revoke all on function private.start_command(uuid, uuid) from public;
revoke all on function private.heartbeat_command(uuid, uuid, int) from public;
revoke all on function private.complete_command(uuid, uuid, jsonb, int, text, text) from public;
revoke all on function private.fail_command(uuid, uuid, text, boolean, int, text, text, int) from public;
revoke all on function private.release_command(uuid, uuid) from public;
revoke all on function private.cancel_command(uuid) from public;
grant execute on function private.enqueue_command(uuid, text, jsonb, uuid, int, timestamptz, int, text, boolean) to authenticated, service_role;
grant execute on function private.lease_command(uuid, int, int, uuid) to authenticated, service_role;
grant execute on function private.start_command(uuid, uuid) to authenticated, service_role;
grant execute on function private.heartbeat_command(uuid, uuid, int) to authenticated, service_role;
grant execute on function private.complete_command(uuid, uuid, jsonb, int, text, text) to authenticated, service_role;
grant execute on function private.fail_command(uuid, uuid, text, boolean, int, text, text, int) to authenticated, service_role;
grant execute on function private.release_command(uuid, uuid) to authenticated, service_role;
grant execute on function private.cancel_command(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------
-- Public RPCs (invoker wrappers; the private definer functions check the caller)
-- ---------------------------------------------------------------------------------------------------

create or replace function public.enqueue_command(
  p_gateway_id uuid,
  p_action text,
  p_payload jsonb default '{}'::jsonb,
  p_agent_id uuid default null,
  p_priority int default 0,
  p_available_at timestamptz default null,
  p_max_attempts int default 3,
  p_dedup_key text default null,
  p_safe_to_retry boolean default false
)
returns table (id uuid, deduplicated boolean)
language plpgsql
set search_path = ''
as $$
begin
  return query select * from private.enqueue_command(p_gateway_id, p_action, p_payload, p_agent_id, p_priority,
                                        p_available_at, p_max_attempts, p_dedup_key, p_safe_to_retry);
end
$$;

create or replace function public.lease_command(
  p_gateway_id uuid,
  p_limit int default 1,
  p_lease_seconds int default 60,
  p_request_id uuid default null
)
returns table (
  id uuid, lease_token uuid, attempt int, lease_count int, lease_expires_at timestamptz,
  action text, payload jsonb, agent_id uuid, cancel_requested boolean
)
language plpgsql
set search_path = ''
as $$
begin
  return query select * from private.lease_command(p_gateway_id, p_limit, p_lease_seconds, p_request_id);
end
$$;

create or replace function public.start_command(p_id uuid, p_lease_token uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.start_command(p_id, p_lease_token);
end
$$;

create or replace function public.heartbeat_command(p_id uuid, p_lease_token uuid, p_extend_seconds int default 60)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.heartbeat_command(p_id, p_lease_token, p_extend_seconds);
end
$$;

create or replace function public.complete_command(
  p_id uuid,
  p_lease_token uuid,
  p_result jsonb default null,
  p_exit_code int default 0,
  p_stdout text default null,
  p_stderr text default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.complete_command(p_id, p_lease_token, p_result, p_exit_code, p_stdout, p_stderr);
end
$$;

create or replace function public.fail_command(
  p_id uuid,
  p_lease_token uuid,
  p_error text,
  p_retryable boolean default true,
  p_exit_code int default null,
  p_stdout text default null,
  p_stderr text default null,
  p_retry_after_seconds int default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.fail_command(p_id, p_lease_token, p_error, p_retryable, p_exit_code, p_stdout, p_stderr,
                              p_retry_after_seconds);
end
$$;

create or replace function public.release_command(p_id uuid, p_lease_token uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.release_command(p_id, p_lease_token);
end
$$;

create or replace function public.cancel_command(p_id uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.cancel_command(p_id);
end
$$;

revoke all on function public.enqueue_command(uuid, text, jsonb, uuid, int, timestamptz, int, text, boolean) from public, anon;
revoke all on function public.lease_command(uuid, int, int, uuid) from public, anon;
revoke all on function public.start_command(uuid, uuid) from public, anon;
revoke all on function public.heartbeat_command(uuid, uuid, int) from public, anon;
revoke all on function public.complete_command(uuid, uuid, jsonb, int, text, text) from public, anon;
revoke all on function public.fail_command(uuid, uuid, text, boolean, int, text, text, int) from public, anon;
revoke all on function public.release_command(uuid, uuid) from public, anon;
revoke all on function public.cancel_command(uuid) from public, anon;
grant execute on function public.enqueue_command(uuid, text, jsonb, uuid, int, timestamptz, int, text, boolean) to authenticated, service_role;
grant execute on function public.lease_command(uuid, int, int, uuid) to authenticated, service_role;
grant execute on function public.start_command(uuid, uuid) to authenticated, service_role;
grant execute on function public.heartbeat_command(uuid, uuid, int) to authenticated, service_role;
grant execute on function public.complete_command(uuid, uuid, jsonb, int, text, text) to authenticated, service_role;
grant execute on function public.fail_command(uuid, uuid, text, boolean, int, text, text, int) to authenticated, service_role;
grant execute on function public.release_command(uuid, uuid) to authenticated, service_role;
grant execute on function public.cancel_command(uuid) to authenticated, service_role;
