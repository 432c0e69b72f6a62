-- Inbox queue: agent_inbox_items, leased per agent by the dispatcher (docs/queues.md).
--
-- Same contract as the command queue, built from the same queue core (20261122000350_queue_core.sql).
-- What is particular to the inbox: no `running` state (the lease is the start), so every lease counts
-- an attempt, an expired lease is a failed attempt and a release refunds it; exhausted or permanent
-- failures end in `dead_letter`; the budget hook (private.agent_budget_blocked) can stop an agent from
-- leasing; optional serialized items (at most one live lease per agent among items enqueued with
-- p_serialized => true); items name what they are about (subject_type, subject_id).
-- This is the last queue migration: it drops the migration-time queue builder at the end.

-- ===========================================================================================
-- Status enum and the queue's names
-- ===========================================================================================

do $$
begin
  create type public.inbox_item_status as enum ('pending', 'leased', 'done', 'dead_letter', 'cancelled');
exception when duplicate_object then null;
end $$;

select set_config('agentbase.queue_spec', jsonb_build_object(
  'table', 'agent_inbox_items', 'a', 'i', 'ea', 'n', 'events', 'agent_inbox_events', 'event_key', 'item_id',
  'item', 'inbox_item', 'items', 'inbox_items', 'short', 'inbox', 'noun', 'inbox item',
  'status_type', 'inbox_item_status', 'owner', 'agent', 'oa', 'a',
  -- An inbox lease is live while leased; there is no running state.
  'live', $$= 'leased'$$, 'not_live', $$<> 'leased'$$, 'open', $$'pending', 'leased'$$,
  'terminal', $$'done', 'dead_letter', 'cancelled'$$, 'ended', $$'done', 'dead_letter'$$,
  'live_from', $$'leased'$$, 'reported_status', $$'leased'$$, 'reported_attempt', 'r.attempt',
  'heartbeat_default', '120', 'limit_status', 'dead_letter', 'release_guard', '',
  -- Giving an item back costs no attempt: the lease's attempt is refunded.
  'release_refund', ' attempt = i.attempt - 1,',
  'cols_subject', $$
  agent_id uuid not null references public.agents (id) on delete cascade,
  event_type text not null check (event_type ~ '^[a-z][a-z0-9_.:-]{0,99}$'),
  summary text check (octet_length(summary) <= 16384),
  context jsonb not null default '{}'::jsonb check (jsonb_typeof(context) = 'object'),
  subject_type text check (subject_type ~ '^[a-z][a-z0-9_]{0,62}$'),
  subject_id uuid,$$,
  -- Serialized items: at most one of them leased per agent at a time (partial unique index below).
  'cols_flags', '  serialized boolean not null default false,',
  'cols_started', '', 'cols_output', '',
  'constraints', $$
  constraint agent_inbox_items_subject_check check (subject_id is null or subject_type is not null),
  constraint agent_inbox_items_dead_error_check check (status <> 'dead_letter' or last_error is not null),$$,
  'api', jsonb_build_object(
    'enqueue_inbox_item', $$p_agent_id uuid, p_event_type text, p_summary text default null,
      p_context jsonb default '{}'::jsonb, p_subject_type text default null, p_subject_id uuid default null,
      p_priority int default 0, p_available_at timestamptz default null, p_max_attempts int default 3,
      p_dedup_key text default null, p_serialized boolean default false$$,
    'lease_inbox_item', 'p_agent_id uuid, p_limit int default 1, p_lease_seconds int default 120, p_request_id uuid default null',
    'complete_inbox_item', 'p_id uuid, p_lease_token uuid, p_result jsonb default null',
    'fail_inbox_item', $$p_id uuid, p_lease_token uuid, p_error text, p_retryable boolean default true,
      p_retry_after_seconds int default null$$)
)::text, false);

-- ===========================================================================================
-- Tables, indexes, access (shared shape) and what only inbox items have
-- ===========================================================================================

select private.queue_build_tables();

-- One live lease per agent among serialized items.
create unique index if not exists agent_inbox_items_one_serialized_lease_idx
  on public.agent_inbox_items (agent_id)
  where serialized and status = 'leased';

-- ===========================================================================================
-- Internals and RPC implementations (private, security definer)
-- ===========================================================================================

-- Settle expired leases (rows locked by the caller with skip locked, re-checked here):
--   cancel requested                 -> cancelled
--   attempts left and leases left    -> pending after backoff (the expired lease was a failed attempt)
--   otherwise                        -> dead_letter ('lease_expired' or 'lease_limit')
select private.queue_define(null, 'expire_inbox_leases(p_ids uuid[])', 'int', $body${{expire_declare}}
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
    where i.id = any (p_ids) and i.status = 'leased' and i.lease_expires_at < now()
  ), upd as (
    update public.agent_inbox_items i
    set status = old.to_status, {{clear_lease}},
        available_at = case when old.to_status = 'pending' then now() + private.queue_retry_delay(i.attempt)
                            else i.available_at end,
        finished_at = case when old.to_status = 'pending' then null else now() end,
        last_error = case when old.reason = 'cancelled' then i.last_error else old.reason end,
        failure_code = case when old.to_status = 'pending' then i.failure_code else old.reason end
    from old
    where i.id = old.id and i.lease_token = old.lease_token and i.status = 'leased'
    returning i.id, i.workspace_id, i.status as to_status, old.reason, i.attempt, i.lease_count
  ), ev as ({{event_insert}}
    select u.id, u.workspace_id, 'leased', u.to_status, u.reason, u.attempt, u.lease_count, v_role, v_uid
    from upd u
  ){{expire_tail}}
end
$body$, false);

-- Lease up to p_limit pending items of one agent. Each lease counts an attempt. Agents over a hard
-- budget get nothing new; serialized items go out one at a time per agent.
select private.queue_define(null, 'lease_inbox_item(p_agent_id uuid, p_limit int, p_lease_seconds int, p_request_id uuid)',
  $ret$table (
  id uuid, lease_token uuid, attempt int, lease_count int, lease_expires_at timestamptz,
  event_type text, summary text, context jsonb, subject_type text, subject_id uuid, cancel_requested boolean
)$ret$, $body$
{{owner_declare}}
  v_allow_serialized boolean;
begin{{lease_prologue}}

  -- Idempotent lease per request id.
  if p_request_id is not null then
    return query
    select i.id, i.lease_token, i.attempt, i.lease_count, i.lease_expires_at, i.event_type, i.summary,
           i.context, i.subject_type, i.subject_id, i.cancel_requested
    from public.agent_inbox_items i
    where i.agent_id = p_agent_id and i.status = 'leased' and i.lease_request_id = p_request_id
    order by i.priority desc, i.available_at, i.id;{{return_if_found}}
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
    where i.agent_id = p_agent_id and i.status = 'pending' and i.available_at <= now()
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
    set status = 'leased', attempt = i.attempt + 1, lease_token = gen_random_uuid(),
        lease_count = i.lease_count + 1, lease_request_id = p_request_id, leased_at = now(),
        lease_expires_at = now() + make_interval(secs => p_lease_seconds), last_heartbeat_at = null
    from pick
    where i.id = pick.id and i.status = 'pending' and i.workspace_id = v_workspace_id
    returning i.*
  ), ev as ({{event_insert}}
    select u.id, u.workspace_id, 'pending', 'leased', 'leased', u.attempt, u.lease_count, v_role, v_uid
    from upd u
  )
  select u.id, u.lease_token, u.attempt, u.lease_count, u.lease_expires_at, u.event_type, u.summary, u.context,
         u.subject_type, u.subject_id, u.cancel_requested
  from upd u
  order by u.priority desc, u.available_at, u.id;
end
$body$);

-- Enqueue without a caller check, for server-side code (triggers of other domains that feed this queue
-- while a member is the request role). Owner-only: no API role may execute it.
select private.queue_define(null, $sig$enqueue_inbox_item_unchecked(
  p_agent_id uuid, p_event_type text, p_summary text, p_context jsonb, p_subject_type text, p_subject_id uuid,
  p_priority int, p_available_at timestamptz, p_max_attempts int, p_dedup_key text, p_serialized boolean)$sig$,
  'table (id uuid, deduplicated boolean)', $body$
{{owner_declare}}
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
{{find_owner}}

  return query
  with ins as (
    insert into public.agent_inbox_items as i
      (workspace_id, agent_id, event_type, summary, context, subject_type, subject_id, priority, available_at,
       max_attempts, max_leases, serialized, dedup_key, requested_by)
    values
      (v_workspace_id, p_agent_id, p_event_type, p_summary, p_context, p_subject_type, p_subject_id, p_priority,
       coalesce(p_available_at, now()), p_max_attempts, greatest(10, 2 * p_max_attempts), p_serialized,
       p_dedup_key, (select auth.uid()))
{{enqueue_tail}}
end
$body$, false);

-- leased -> done.
select private.queue_define('complete', 'complete_inbox_item(p_id uuid, p_lease_token uuid, p_result jsonb)', 'jsonb', $body$
declare
  r public.agent_inbox_items;
begin
  perform private.queue_check_jsonb('p_result', p_result, false);{{follow_up}}
  update public.agent_inbox_items i
  set status = 'done', {{clear_lease}}, finished_at = now(), finished_lease_token = p_lease_token,
      finished_status = 'done', result = p_result, failure_code = null
  where i.id = r.id
  returning i.* into r;
  perform private.log_inbox_event(r, 'leased', 'completed');
  return private.queue_result(true, null, 'done', null, r.cancel_requested, false, r.attempt);
end
$body$);

-- leased -> pending after backoff (retryable, attempts and leases left), dead_letter, or cancelled.
select private.queue_define('fail',
  'fail_inbox_item(p_id uuid, p_lease_token uuid, p_error text, p_retryable boolean, p_retry_after_seconds int)',
  'jsonb', $body$
declare
  r public.agent_inbox_items;
  v_to public.inbox_item_status;
  v_code text;
begin{{fail_checks}}
  if p_retry_after_seconds is not null then
    perform private.queue_check_range('p_retry_after_seconds', p_retry_after_seconds, 0, 86400);
  end if;{{follow_up}}
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
      available_at = case when v_to = 'pending' then now() + private.queue_retry_delay(i.attempt, p_retry_after_seconds)
                          else i.available_at end,
      {{clear_lease}}, finished_at = case when v_to = 'pending' then null else now() end,
      finished_lease_token = p_lease_token, finished_status = v_to, last_error = p_error,
      failure_code = coalesce(v_code, i.failure_code)
  where i.id = r.id
  returning i.* into r;
  perform private.log_inbox_event(r, 'leased',
    case v_to when 'pending' then 'retry_scheduled' when 'cancelled' then 'cancelled' else 'dead_lettered' end,
    jsonb_build_object('error', left(p_error, 1000), 'retryable', p_retryable, 'failure_code', v_code));
  return private.queue_result(true, null, v_to::text, null, r.cancel_requested, false, r.attempt);
end
$body$);

-- ===========================================================================================
-- Shared functions, public RPC wrappers, the sweeper over both queues and its pg_cron job
-- ===========================================================================================

select private.queue_build_functions();

-- ===========================================================================================
-- Comments (shown by Studio and the API docs)
-- ===========================================================================================

comment on table public.agent_inbox_items is
  'Work for an agent (a task assigned, a mention, an automation rule fired ...), leased per agent by the dispatcher that wakes agents.';
comment on column public.agent_inbox_items.serialized is
  'Serialized items of one agent are leased one at a time: at most one of them is leased per agent.';
comment on column public.agent_inbox_items.subject_type is 'What the item is about (task, comment, contact ...), with subject_id.';
comment on function public.enqueue_inbox_item(uuid, text, text, jsonb, text, uuid, integer, timestamptz, integer, text, boolean) is
  'Queues an inbox item for an agent (admins or the service role). Returns (id, deduplicated): an open item with the same dedup_key is returned instead.';
comment on function public.lease_inbox_item(uuid, integer, integer, uuid) is
  'The dispatcher leases up to p_limit pending items of one agent; every lease counts an attempt. Nothing while the agent is over a hard budget.';
comment on function public.heartbeat_inbox_item(uuid, uuid, integer) is
  'Extends a live inbox lease (never shortens it). Answers lease_lost when the token is no longer the live one.';
comment on function public.complete_inbox_item(uuid, uuid, jsonb) is 'Finishes an inbox item as done with its result. Idempotent per lease token.';
comment on function public.fail_inbox_item(uuid, uuid, text, boolean, integer) is
  'Reports a failure: retried after backoff while attempts remain and p_retryable, else dead_letter. Idempotent per lease token.';
comment on function public.release_inbox_item(uuid, uuid) is 'Gives a leased item back; the lease''s attempt is refunded.';
comment on function public.cancel_inbox_item(uuid) is
  'Cancels an item: at once when pending; when leased the holder sees cancel_requested on its next call.';

-- The builder is migration-time only: no trace of it stays in the schema.
drop function if exists private.queue_build_functions();
drop function if exists private.queue_build_tables();
drop function if exists private.queue_define(text, text, text, text, boolean);
drop function if exists private.queue_render(text, jsonb);
