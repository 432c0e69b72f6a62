-- Inbox queue: agent_inbox_items, leased per agent by the dispatcher (DESIGN §5, docs/queues.md).
--
-- Same contract and layout as the command queue (20261122000400_command_queue.sql), whose shared
-- helpers it reuses (private.queue_result, queue_retry_delay, queue_check_*, queue_events_append_only).
-- Differences: no `running` state (the lease is the start), so every lease counts an attempt and an
-- expired lease is a failed attempt; exhausted or permanent failures end in `dead_letter`.
-- Extras: the budget hook (private.agent_budget_blocked) and optional serialized items (at most one
-- live lease per agent among items enqueued with p_serialized => true).
-- This file also defines private.sweep_queues() and schedules the pg_cron job `agentbase-queue-sweeper`.

-- ---------------------------------------------------------------------------------------------------
-- Budget hook. A later issue (budgets) replaces this stub; it is created only when absent, so
-- re-applying this file never reverts the real implementation.
-- ---------------------------------------------------------------------------------------------------
do $$
begin
  if to_regprocedure('private.agent_budget_blocked(uuid)') is null then
    execute $fn$
      create function private.agent_budget_blocked(p_agent_id uuid)
      returns boolean
      language sql
      stable
      security definer
      set search_path = ''
      as $body$ select false $body$
    $fn$;
    execute 'comment on function private.agent_budget_blocked(uuid) is '
      || quote_literal('True when the agent''s budget is exceeded with hard cutoff on: lease_inbox_item then leases nothing. Stub (false) until budgets land.');
  end if;
end $$;
revoke all on function private.agent_budget_blocked(uuid) from public;

-- ---------------------------------------------------------------------------------------------------
-- Types and tables
-- ---------------------------------------------------------------------------------------------------

do $$
begin
  create type public.inbox_item_status as enum ('pending', 'leased', 'done', 'dead_letter', 'cancelled');
exception when duplicate_object then null;
end $$;

create table if not exists public.agent_inbox_items (
  id uuid primary key default gen_random_uuid(),
  -- Copied from the agent at enqueue (RLS boundary). The agent FK cascades workspace deletion.
  workspace_id uuid not null,
  agent_id uuid not null references public.agents (id) on delete cascade,
  event_type text not null check (event_type ~ '^[a-z][a-z0-9_.:-]{0,99}$'),
  summary text check (octet_length(summary) <= 16384),
  context jsonb not null default '{}'::jsonb check (jsonb_typeof(context) = 'object'),
  subject_type text check (subject_type ~ '^[a-z][a-z0-9_]{0,62}$'),
  subject_id uuid,
  status public.inbox_item_status not null default 'pending',
  priority int not null default 0 check (priority between -1000 and 1000),
  available_at timestamptz not null default now(),
  -- attempt = leases that were not given back (the lease is the start).
  attempt int not null default 0,
  max_attempts int not null default 3 check (max_attempts between 1 and 100),
  lease_count int not null default 0,
  max_leases int not null default 10 check (max_leases between 1 and 1000),
  -- Serialized items: at most one of them leased per agent at a time (partial unique index below).
  serialized boolean not null default false,
  dedup_key text check (length(dedup_key) between 1 and 200),
  lease_token uuid,
  lease_request_id uuid,
  leased_at timestamptz,
  lease_expires_at timestamptz,
  last_heartbeat_at timestamptz,
  finished_at timestamptz,
  finished_lease_token uuid,
  finished_status public.inbox_item_status,
  cancel_requested boolean not null default false,
  cancel_requested_at timestamptz,
  result jsonb,
  last_error text,
  failure_code text,
  requested_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agent_inbox_items_subject_check check (subject_id is null or subject_type is not null),
  constraint agent_inbox_items_attempts_check check (attempt between 0 and max_attempts),
  constraint agent_inbox_items_leases_check check (lease_count between 0 and max_leases),
  constraint agent_inbox_items_lease_columns_check check (
    case when status = 'leased'
      then lease_token is not null and lease_expires_at is not null and leased_at is not null
      else lease_token is null and lease_expires_at is null and leased_at is null and lease_request_id is null
    end),
  constraint agent_inbox_items_finished_check check (
    (finished_at is not null) = (status in ('done', 'dead_letter', 'cancelled'))),
  constraint agent_inbox_items_pending_check check (
    status <> 'pending' or (attempt < max_attempts and lease_count < max_leases)),
  constraint agent_inbox_items_dead_error_check check (status <> 'dead_letter' or last_error is not null),
  constraint agent_inbox_items_finish_pair_check check ((finished_lease_token is null) = (finished_status is null))
) with (
  fillfactor = 80,
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_insert_scale_factor = 0.02
);
alter table public.agent_inbox_items set (
  fillfactor = 80,
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_insert_scale_factor = 0.02
);

-- Leasable set only.
create index if not exists agent_inbox_items_lease_idx
  on public.agent_inbox_items (agent_id, priority desc, available_at, id)
  where status = 'pending';
-- Live leases only.
create index if not exists agent_inbox_items_live_idx
  on public.agent_inbox_items (agent_id, lease_expires_at)
  where status = 'leased';
-- One live lease per agent among serialized items.
create unique index if not exists agent_inbox_items_one_serialized_lease_idx
  on public.agent_inbox_items (agent_id)
  where serialized and status = 'leased';
-- dedup_key is unique among live items of one agent.
create unique index if not exists agent_inbox_items_dedup_key_idx
  on public.agent_inbox_items (agent_id, dedup_key)
  where dedup_key is not null and status in ('pending', 'leased');
create index if not exists agent_inbox_items_workspace_id_idx on public.agent_inbox_items (workspace_id, created_at);
create index if not exists agent_inbox_items_agent_id_idx on public.agent_inbox_items (agent_id, created_at);

drop trigger if exists agent_inbox_items_set_updated_at on public.agent_inbox_items;
create trigger agent_inbox_items_set_updated_at
  before update on public.agent_inbox_items
  for each row execute function private.set_updated_at();

create table if not exists public.agent_inbox_events (
  id bigint generated always as identity primary key,
  item_id uuid not null references public.agent_inbox_items (id) on delete cascade,
  workspace_id uuid not null,
  from_status public.inbox_item_status,
  to_status public.inbox_item_status not null,
  reason text not null,
  attempt int not null,
  lease_count int not null,
  actor_role text not null,
  actor_user_id uuid,
  detail jsonb,
  created_at timestamptz not null default now()
);
create index if not exists agent_inbox_events_item_id_idx on public.agent_inbox_events (item_id, id);
create index if not exists agent_inbox_events_workspace_id_idx on public.agent_inbox_events (workspace_id, created_at);

drop trigger if exists agent_inbox_events_append_only on public.agent_inbox_events;
create trigger agent_inbox_events_append_only
  before update or delete on public.agent_inbox_events
  for each row execute function private.queue_events_append_only();

-- ---------------------------------------------------------------------------------------------------
-- Access
-- ---------------------------------------------------------------------------------------------------

alter table public.agent_inbox_items enable row level security;
alter table public.agent_inbox_events enable row level security;

revoke all on table public.agent_inbox_items from anon, authenticated, service_role;
revoke all on table public.agent_inbox_events from anon, authenticated, service_role;
grant select on table public.agent_inbox_items to authenticated, service_role;
grant select on table public.agent_inbox_events to authenticated, service_role;

drop policy if exists agent_inbox_items_select_members on public.agent_inbox_items;
create policy agent_inbox_items_select_members on public.agent_inbox_items
  for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids())));

drop policy if exists agent_inbox_events_select_members on public.agent_inbox_events;
create policy agent_inbox_events_select_members on public.agent_inbox_events
  for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids())));

do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime')
     and not exists (select 1 from pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'agent_inbox_items') then
    alter publication supabase_realtime add table public.agent_inbox_items;
  end if;
end $$;

-- ---------------------------------------------------------------------------------------------------
-- Internals
-- ---------------------------------------------------------------------------------------------------

-- Settle expired leases (rows locked by the caller with skip locked, re-checked here):
--   cancel requested                 -> cancelled
--   attempts left and leases left    -> pending after backoff (the expired lease was a failed attempt)
--   otherwise                        -> dead_letter ('lease_expired' or 'lease_limit')
create or replace function private.expire_inbox_leases(p_ids uuid[])
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
    select i.id, i.lease_token,
           case
             when i.cancel_requested then 'cancelled'
             when i.attempt < i.max_attempts and i.lease_count < i.max_leases then 'pending'
             else 'dead_letter'
           end::public.inbox_item_status as to_status,
           case
             when i.cancel_requested then 'cancelled'
             when i.attempt >= i.max_attempts then 'lease_expired'
             when i.lease_count >= i.max_leases then 'lease_limit'
             else 'lease_expired'
           end as reason
    from public.agent_inbox_items i
    where i.id = any (p_ids)
      and i.status = 'leased'
      and i.lease_expires_at < now()
  ), upd as (
    update public.agent_inbox_items i
    set status = old.to_status,
        lease_token = null,
        lease_request_id = null,
        leased_at = null,
        lease_expires_at = null,
        available_at = case when old.to_status = 'pending'
                            then now() + private.queue_retry_delay(i.attempt)
                            else i.available_at end,
        finished_at = case when old.to_status = 'pending' then null else now() end,
        last_error = case when old.reason = 'cancelled' then i.last_error else old.reason end,
        failure_code = case when old.to_status = 'pending' then i.failure_code else old.reason end
    from old
    where i.id = old.id
      and i.lease_token = old.lease_token
      and i.status = 'leased'
    returning i.id, i.workspace_id, i.status as to_status, old.reason, i.attempt, i.lease_count
  ), ev as (
    insert into public.agent_inbox_events
      (item_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    select u.id, u.workspace_id, 'leased', u.to_status, u.reason, u.attempt, u.lease_count,
           v_role, v_uid
    from upd u
  )
  select count(*) into v_count from upd;
  return v_count;
end
$$;

create or replace function private.reclaim_expired_inbox_items(p_agent_id uuid, p_limit int default 100)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  if p_agent_id is null then
    select array_agg(s.id) into v_ids
    from (
      select i.id from public.agent_inbox_items i
      where i.status = 'leased' and i.lease_expires_at < now()
      order by i.lease_expires_at
      limit p_limit
      for update skip locked
    ) s;
  else
    select array_agg(s.id) into v_ids
    from (
      select i.id from public.agent_inbox_items i
      where i.agent_id = p_agent_id and i.status = 'leased' and i.lease_expires_at < now()
      order by i.lease_expires_at
      limit p_limit
      for update skip locked
    ) s;
  end if;
  return private.expire_inbox_leases(v_ids);
end
$$;

create or replace function private.sweep_expired_inbox_items(p_batch int default 1000)
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
    v_n := private.reclaim_expired_inbox_items(null, p_batch);
    v_total := v_total + v_n;
    v_round := v_round + 1;
    exit when v_n < p_batch or v_round >= 50;
  end loop;
  return v_total;
end
$$;

-- What the pg_cron job runs every minute: settle every expired lease of both queues.
create or replace function private.sweep_queues(p_batch int default 1000)
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'commands', private.sweep_expired_commands(p_batch),
    'inbox_items', private.sweep_expired_inbox_items(p_batch))
$$;

create or replace function private.lock_inbox_item_for_call(p_id uuid, p_lease_token uuid, p_check_token boolean default true)
returns public.agent_inbox_items
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_inbox_items;
begin
  perform private.queue_check_not_null('p_id', p_id is null);
  if p_check_token then
    perform private.queue_check_not_null('p_lease_token', p_lease_token is null);
  end if;
  select i.* into r from public.agent_inbox_items i where i.id = p_id for update;
  if not found then
    raise exception 'p_id: inbox item % does not exist', p_id using errcode = 'P0002';
  end if;
  if not private.is_trusted_caller() then
    perform private.assert_workspace_role(r.workspace_id, 'admin');
  end if;
  return r;
end
$$;

create or replace function private.inbox_stale_result(r public.agent_inbox_items, p_lease_token uuid, p_call text)
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
  if r.status in ('done', 'dead_letter', 'cancelled') then
    return private.queue_result(false, 'already_terminal', r.status::text, null, r.cancel_requested, false, r.attempt);
  end if;
  return private.queue_result(false, 'lease_lost', r.status::text, null, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.log_inbox_event(
  r public.agent_inbox_items,
  p_from public.inbox_item_status,
  p_reason text,
  p_detail jsonb default null
)
returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into public.agent_inbox_events
    (item_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id, detail)
  values (r.id, r.workspace_id, p_from, r.status, p_reason, r.attempt, r.lease_count,
          private.request_role(), auth.uid(), p_detail);
end
$$;

-- ---------------------------------------------------------------------------------------------------
-- RPC implementations (private, definer)
-- ---------------------------------------------------------------------------------------------------

-- Enqueue without a caller check, for server-side code (triggers of other domains that feed this queue
-- while a member is the request role). Owner-only: no API role may execute it.
create or replace function private.enqueue_inbox_item_unchecked(
  p_agent_id uuid,
  p_event_type text,
  p_summary text,
  p_context jsonb,
  p_subject_type text,
  p_subject_id uuid,
  p_priority int,
  p_available_at timestamptz,
  p_max_attempts int,
  p_dedup_key text,
  p_serialized boolean
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
  perform private.queue_check_not_null('p_agent_id', p_agent_id is null);
  perform private.queue_check_not_null('p_event_type', p_event_type is null);
  perform private.queue_check_not_null('p_context', p_context is null);
  perform private.queue_check_not_null('p_serialized', p_serialized is null);
  perform private.queue_check_vocabulary('p_event_type', p_event_type);
  perform private.queue_check_text('p_summary', p_summary, 16384);
  perform private.queue_check_jsonb('p_context', p_context);
  if p_subject_type is not null and p_subject_type !~ '^[a-z][a-z0-9_]{0,62}$' then
    raise exception 'p_subject_type must match ^[a-z][a-z0-9_]{0,62}$ (got %)', left(p_subject_type, 80) using errcode = '22023';
  end if;
  if p_subject_id is not null and p_subject_type is null then
    raise exception 'p_subject_type must be given with p_subject_id' using errcode = '22023';
  end if;
  perform private.queue_check_range('p_priority', p_priority, -1000, 1000);
  perform private.queue_check_range('p_max_attempts', p_max_attempts, 1, 100);
  perform private.queue_check_dedup_key(p_dedup_key);

  select a.workspace_id into v_workspace_id from public.agents a where a.id = p_agent_id;
  if not found then
    raise exception 'p_agent_id: agent % does not exist', p_agent_id using errcode = 'P0002';
  end if;

  return query
  with ins as (
    insert into public.agent_inbox_items as i
      (workspace_id, agent_id, event_type, summary, context, subject_type, subject_id, priority, available_at,
       max_attempts, max_leases, serialized, dedup_key, requested_by)
    values
      (v_workspace_id, p_agent_id, p_event_type, p_summary, p_context, p_subject_type, p_subject_id, p_priority,
       coalesce(p_available_at, now()), p_max_attempts, greatest(10, 2 * p_max_attempts), p_serialized,
       p_dedup_key, (select auth.uid()))
    on conflict (agent_id, dedup_key) where dedup_key is not null and status in ('pending', 'leased')
    do update set dedup_key = excluded.dedup_key
    returning i.id, i.workspace_id, i.attempt, i.lease_count, (i.xmax <> 0) as deduplicated
  ), ev as (
    insert into public.agent_inbox_events
      (item_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    select n.id, n.workspace_id, null, 'pending', 'enqueued', n.attempt, n.lease_count,
           v_role, v_uid
    from ins n
    where not n.deduplicated
  )
  select n.id, n.deduplicated from ins n;
end
$$;

create or replace function private.enqueue_inbox_item(
  p_agent_id uuid,
  p_event_type text,
  p_summary text,
  p_context jsonb,
  p_subject_type text,
  p_subject_id uuid,
  p_priority int,
  p_available_at timestamptz,
  p_max_attempts int,
  p_dedup_key text,
  p_serialized boolean
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
  perform private.queue_check_not_null('p_agent_id', p_agent_id is null);
  select a.workspace_id into v_workspace_id from public.agents a where a.id = p_agent_id;
  if not found then
    raise exception 'p_agent_id: agent % does not exist', p_agent_id using errcode = 'P0002';
  end if;
  if not private.is_trusted_caller() then
    perform private.assert_workspace_role(v_workspace_id, 'admin');
  end if;
  return query select * from private.enqueue_inbox_item_unchecked(p_agent_id, p_event_type, p_summary, p_context,
    p_subject_type, p_subject_id, p_priority, p_available_at, p_max_attempts, p_dedup_key, p_serialized);
end
$$;

create or replace function private.lease_inbox_item(
  p_agent_id uuid,
  p_limit int,
  p_lease_seconds int,
  p_request_id uuid
)
returns table (
  id uuid, lease_token uuid, attempt int, lease_count int, lease_expires_at timestamptz,
  event_type text, summary text, context jsonb, subject_type text, subject_id uuid, cancel_requested boolean
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
  v_allow_serialized boolean;
begin
  perform private.queue_check_not_null('p_agent_id', p_agent_id is null);
  perform private.queue_check_range('p_limit', p_limit, 1, 100);
  perform private.queue_check_range('p_lease_seconds', p_lease_seconds, 5, 3600);
  select a.workspace_id into v_workspace_id from public.agents a where a.id = p_agent_id;
  if not found then
    raise exception 'p_agent_id: agent % does not exist', p_agent_id using errcode = 'P0002';
  end if;
  if not private.is_trusted_caller() then
    perform private.assert_workspace_role(v_workspace_id, 'admin');
  end if;

  if p_request_id is not null then
    return query
    select i.id, i.lease_token, i.attempt, i.lease_count, i.lease_expires_at, i.event_type, i.summary,
           i.context, i.subject_type, i.subject_id, i.cancel_requested
    from public.agent_inbox_items i
    where i.agent_id = p_agent_id
      and i.status = 'leased'
      and i.lease_request_id = p_request_id
    order by i.priority desc, i.available_at, i.id;
    if found then
      return;
    end if;
  end if;

  perform private.reclaim_expired_inbox_items(p_agent_id, 100);

  -- Budget enforcement: an agent over budget with hard cutoff gets nothing new.
  if private.agent_budget_blocked(p_agent_id) then
    return;
  end if;

  -- Serialized items: only the caller holding the per-agent try-lock, and only when none is leased
  -- (checked in a later statement, so its snapshot sees every lease committed before the lock).
  v_allow_serialized := pg_try_advisory_xact_lock(hashtextextended('agentbase.inbox.serialized:' || p_agent_id::text, 0));
  if v_allow_serialized then
    v_allow_serialized := not exists (
      select 1 from public.agent_inbox_items i
      where i.agent_id = p_agent_id and i.serialized and i.status = 'leased');
  end if;

  return query
  with cand as (
    select i.id, i.serialized, i.priority, i.available_at
    from public.agent_inbox_items i
    where i.agent_id = p_agent_id
      and i.status = 'pending'
      and i.available_at <= now()
      and (v_allow_serialized or not i.serialized)
    order by i.priority desc, i.available_at, i.id
    limit p_limit
    for update skip locked
  ), pick as (
    select c.id
    from (
      select cand.id, cand.serialized,
             row_number() over (partition by cand.serialized order by cand.priority desc, cand.available_at, cand.id) as rn
      from cand
    ) c
    where not c.serialized or c.rn = 1
  ), upd as (
    update public.agent_inbox_items i
    set status = 'leased',
        attempt = i.attempt + 1,
        lease_token = gen_random_uuid(),
        lease_count = i.lease_count + 1,
        lease_request_id = p_request_id,
        leased_at = now(),
        lease_expires_at = now() + make_interval(secs => p_lease_seconds),
        last_heartbeat_at = null
    from pick
    where i.id = pick.id
      and i.status = 'pending'
      and i.workspace_id = v_workspace_id
    returning i.*
  ), ev as (
    insert into public.agent_inbox_events
      (item_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    select u.id, u.workspace_id, 'pending', 'leased', 'leased', u.attempt, u.lease_count,
           v_role, v_uid
    from upd u
  )
  select u.id, u.lease_token, u.attempt, u.lease_count, u.lease_expires_at, u.event_type, u.summary, u.context,
         u.subject_type, u.subject_id, u.cancel_requested
  from upd u
  order by u.priority desc, u.available_at, u.id;
end
$$;

create or replace function private.heartbeat_inbox_item(p_id uuid, p_lease_token uuid, p_extend_seconds int)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_inbox_items;
begin
  perform private.queue_check_range('p_extend_seconds', p_extend_seconds, 5, 3600);
  r := private.lock_inbox_item_for_call(p_id, p_lease_token);
  if r.status <> 'leased' or r.lease_token is distinct from p_lease_token then
    return private.inbox_stale_result(r, p_lease_token, 'heartbeat');
  end if;
  update public.agent_inbox_items i
  set lease_expires_at = greatest(i.lease_expires_at, now() + make_interval(secs => p_extend_seconds)),
      last_heartbeat_at = now()
  where i.id = r.id
  returning i.* into r;
  return private.queue_result(true, null, 'leased', r.lease_expires_at, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.complete_inbox_item(p_id uuid, p_lease_token uuid, p_result jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_inbox_items;
begin
  perform private.queue_check_jsonb('p_result', p_result, false);
  r := private.lock_inbox_item_for_call(p_id, p_lease_token);
  if r.status <> 'leased' or r.lease_token is distinct from p_lease_token then
    return private.inbox_stale_result(r, p_lease_token, 'complete');
  end if;
  update public.agent_inbox_items i
  set status = 'done',
      lease_token = null, lease_request_id = null, leased_at = null, lease_expires_at = null,
      finished_at = now(), finished_lease_token = p_lease_token, finished_status = 'done',
      result = p_result, failure_code = null
  where i.id = r.id
  returning i.* into r;
  perform private.log_inbox_event(r, 'leased', 'completed');
  return private.queue_result(true, null, 'done', null, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.fail_inbox_item(
  p_id uuid, p_lease_token uuid, p_error text, p_retryable boolean, p_retry_after_seconds int
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_inbox_items;
  v_to public.inbox_item_status;
  v_code text;
begin
  perform private.queue_check_not_null('p_error', p_error is null);
  perform private.queue_check_not_null('p_retryable', p_retryable is null);
  perform private.queue_check_text('p_error', p_error, 65536);
  if p_retry_after_seconds is not null then
    perform private.queue_check_range('p_retry_after_seconds', p_retry_after_seconds, 0, 86400);
  end if;
  r := private.lock_inbox_item_for_call(p_id, p_lease_token);
  if r.status <> 'leased' or r.lease_token is distinct from p_lease_token then
    return private.inbox_stale_result(r, p_lease_token, 'fail');
  end if;
  if r.cancel_requested then
    v_to := 'cancelled'; v_code := 'cancelled';
  elsif not p_retryable then
    v_to := 'dead_letter'; v_code := 'permanent';
  elsif r.attempt >= r.max_attempts then
    v_to := 'dead_letter'; v_code := 'attempts_exhausted';
  elsif r.lease_count >= r.max_leases then
    v_to := 'dead_letter'; v_code := 'lease_limit';
  else
    v_to := 'pending'; v_code := null;
  end if;
  update public.agent_inbox_items i
  set status = v_to,
      available_at = case when v_to = 'pending'
                          then now() + private.queue_retry_delay(i.attempt, p_retry_after_seconds)
                          else i.available_at end,
      lease_token = null, lease_request_id = null, leased_at = null, lease_expires_at = null,
      finished_at = case when v_to = 'pending' then null else now() end,
      finished_lease_token = p_lease_token, finished_status = v_to,
      last_error = p_error, failure_code = coalesce(v_code, i.failure_code)
  where i.id = r.id
  returning i.* into r;
  perform private.log_inbox_event(r, 'leased',
    case v_to when 'pending' then 'retry_scheduled' when 'cancelled' then 'cancelled' else 'dead_lettered' end,
    jsonb_build_object('error', left(p_error, 1000), 'retryable', p_retryable, 'failure_code', v_code));
  return private.queue_result(true, null, v_to::text, null, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.release_inbox_item(p_id uuid, p_lease_token uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_inbox_items;
  v_to public.inbox_item_status;
begin
  r := private.lock_inbox_item_for_call(p_id, p_lease_token);
  if r.status <> 'leased' or r.lease_token is distinct from p_lease_token then
    return private.inbox_stale_result(r, p_lease_token, 'release');
  end if;
  v_to := case
    when r.cancel_requested then 'cancelled'
    when r.lease_count >= r.max_leases then 'dead_letter'
    else 'pending'
  end::public.inbox_item_status;
  -- Giving an item back costs no attempt: the lease's attempt is refunded.
  update public.agent_inbox_items i
  set status = v_to,
      attempt = i.attempt - 1,
      lease_token = null, lease_request_id = null, leased_at = null, lease_expires_at = null,
      finished_at = case when v_to = 'pending' then null else now() end,
      last_error = case when v_to = 'dead_letter' then 'lease_limit' else i.last_error end,
      failure_code = case v_to when 'dead_letter' then 'lease_limit' when 'cancelled' then 'cancelled' else i.failure_code end
  where i.id = r.id
  returning i.* into r;
  perform private.log_inbox_event(r, 'leased',
    case v_to when 'pending' then 'released' when 'cancelled' then 'cancelled' else 'lease_limit' end);
  return private.queue_result(true, null, v_to::text, null, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.cancel_inbox_item(p_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_inbox_items;
begin
  r := private.lock_inbox_item_for_call(p_id, null, false);
  if r.status = 'cancelled' then
    return private.queue_result(true, null, 'cancelled', null, r.cancel_requested, true, r.attempt);
  end if;
  if r.status in ('done', 'dead_letter') then
    return private.queue_result(false, 'already_terminal', r.status::text, null, r.cancel_requested, false, r.attempt);
  end if;
  if r.status = 'pending' then
    update public.agent_inbox_items i
    set status = 'cancelled', finished_at = now(), failure_code = 'cancelled',
        cancel_requested = true, cancel_requested_at = now()
    where i.id = r.id
    returning i.* into r;
    perform private.log_inbox_event(r, 'pending', 'cancelled');
    return private.queue_result(true, null, 'cancelled', null, true, false, r.attempt);
  end if;
  if r.cancel_requested then
    return private.queue_result(true, null, 'leased', r.lease_expires_at, true, true, r.attempt);
  end if;
  update public.agent_inbox_items i
  set cancel_requested = true, cancel_requested_at = now()
  where i.id = r.id
  returning i.* into r;
  perform private.log_inbox_event(r, 'leased', 'cancel_requested');
  return private.queue_result(true, null, 'leased', r.lease_expires_at, true, false, r.attempt);
end
$$;

revoke all on function private.expire_inbox_leases(uuid[]) from public;
revoke all on function private.reclaim_expired_inbox_items(uuid, int) from public;
revoke all on function private.sweep_expired_inbox_items(int) from public;
revoke all on function private.sweep_queues(int) from public;
revoke all on function private.lock_inbox_item_for_call(uuid, uuid, boolean) from public;
revoke all on function private.inbox_stale_result(public.agent_inbox_items, uuid, text) from public;
revoke all on function private.log_inbox_event(public.agent_inbox_items, public.inbox_item_status, text, jsonb) from public;

revoke all on function private.enqueue_inbox_item_unchecked(uuid, text, text, jsonb, text, uuid, int, timestamptz, int, text, boolean) from public;
revoke all on function private.enqueue_inbox_item(uuid, text, text, jsonb, text, uuid, int, timestamptz, int, text, boolean) from public;
revoke all on function private.lease_inbox_item(uuid, int, int, uuid) from public;
revoke all on function private.heartbeat_inbox_item(uuid, uuid, int) from public;
revoke all on function private.complete_inbox_item(uuid, uuid, jsonb) from public;
revoke all on function private.fail_inbox_item(uuid, uuid, text, boolean, int) from public;
revoke all on function private.release_inbox_item(uuid, uuid) from public;
revoke all on function private.cancel_inbox_item(uuid) from public;
grant execute on function private.enqueue_inbox_item(uuid, text, text, jsonb, text, uuid, int, timestamptz, int, text, boolean) to authenticated, service_role;
grant execute on function private.lease_inbox_item(uuid, int, int, uuid) to authenticated, service_role;
grant execute on function private.heartbeat_inbox_item(uuid, uuid, int) to authenticated, service_role;
grant execute on function private.complete_inbox_item(uuid, uuid, jsonb) to authenticated, service_role;
grant execute on function private.fail_inbox_item(uuid, uuid, text, boolean, int) to authenticated, service_role;
grant execute on function private.release_inbox_item(uuid, uuid) to authenticated, service_role;
grant execute on function private.cancel_inbox_item(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------------
-- Public RPCs (invoker wrappers)
-- ---------------------------------------------------------------------------------------------------

create or replace function public.enqueue_inbox_item(
  p_agent_id uuid,
  p_event_type text,
  p_summary text default null,
  p_context jsonb default '{}'::jsonb,
  p_subject_type text default null,
  p_subject_id uuid default null,
  p_priority int default 0,
  p_available_at timestamptz default null,
  p_max_attempts int default 3,
  p_dedup_key text default null,
  p_serialized boolean default false
)
returns table (id uuid, deduplicated boolean)
language plpgsql
set search_path = ''
as $$
begin
  return query select * from private.enqueue_inbox_item(p_agent_id, p_event_type, p_summary, p_context, p_subject_type,
                                           p_subject_id, p_priority, p_available_at, p_max_attempts, p_dedup_key,
                                           p_serialized);
end
$$;

create or replace function public.lease_inbox_item(
  p_agent_id uuid,
  p_limit int default 1,
  p_lease_seconds int default 120,
  p_request_id uuid default null
)
returns table (
  id uuid, lease_token uuid, attempt int, lease_count int, lease_expires_at timestamptz,
  event_type text, summary text, context jsonb, subject_type text, subject_id uuid, cancel_requested boolean
)
language plpgsql
set search_path = ''
as $$
begin
  return query select * from private.lease_inbox_item(p_agent_id, p_limit, p_lease_seconds, p_request_id);
end
$$;

create or replace function public.heartbeat_inbox_item(p_id uuid, p_lease_token uuid, p_extend_seconds int default 120)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.heartbeat_inbox_item(p_id, p_lease_token, p_extend_seconds);
end
$$;

create or replace function public.complete_inbox_item(p_id uuid, p_lease_token uuid, p_result jsonb default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.complete_inbox_item(p_id, p_lease_token, p_result);
end
$$;

create or replace function public.fail_inbox_item(
  p_id uuid,
  p_lease_token uuid,
  p_error text,
  p_retryable boolean default true,
  p_retry_after_seconds int default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.fail_inbox_item(p_id, p_lease_token, p_error, p_retryable, p_retry_after_seconds);
end
$$;

create or replace function public.release_inbox_item(p_id uuid, p_lease_token uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.release_inbox_item(p_id, p_lease_token);
end
$$;

create or replace function public.cancel_inbox_item(p_id uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.cancel_inbox_item(p_id);
end
$$;

revoke all on function public.enqueue_inbox_item(uuid, text, text, jsonb, text, uuid, int, timestamptz, int, text, boolean) from public, anon;
revoke all on function public.lease_inbox_item(uuid, int, int, uuid) from public, anon;
revoke all on function public.heartbeat_inbox_item(uuid, uuid, int) from public, anon;
revoke all on function public.complete_inbox_item(uuid, uuid, jsonb) from public, anon;
revoke all on function public.fail_inbox_item(uuid, uuid, text, boolean, int) from public, anon;
revoke all on function public.release_inbox_item(uuid, uuid) from public, anon;
revoke all on function public.cancel_inbox_item(uuid) from public, anon;
grant execute on function public.enqueue_inbox_item(uuid, text, text, jsonb, text, uuid, int, timestamptz, int, text, boolean) to authenticated, service_role;
grant execute on function public.lease_inbox_item(uuid, int, int, uuid) to authenticated, service_role;
grant execute on function public.heartbeat_inbox_item(uuid, uuid, int) to authenticated, service_role;
grant execute on function public.complete_inbox_item(uuid, uuid, jsonb) to authenticated, service_role;
grant execute on function public.fail_inbox_item(uuid, uuid, text, boolean, int) to authenticated, service_role;
grant execute on function public.release_inbox_item(uuid, uuid) to authenticated, service_role;
grant execute on function public.cancel_inbox_item(uuid) to authenticated, service_role;

-- The sweeper job, scheduled by name: re-running this file updates the same job. cron.schedule is the
-- documented way on hosted Supabase (postgres may not write cron.job directly).
select cron.schedule('agentbase-queue-sweeper', '* * * * *', 'select private.sweep_queues()');
