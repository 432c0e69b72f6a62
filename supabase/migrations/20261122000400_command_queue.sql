-- Command queue: agent_commands, leased per gateway by the runner (docs/queues.md).
--
-- Contract in one paragraph: lease_command hands out up to p_limit pending rows in one statement
-- (CTE `for update skip locked` + `update ... from`, predicate re-checked), minting a fresh lease_token
-- and bumping lease_count each time. Every follow-up (start/heartbeat/complete/fail/release) names
-- (id, lease_token) and acts only while that token is the live one, else returns
-- {ok:false, reason:'lease_lost'} and writes nothing. complete/fail are idempotent per token
-- (finished_lease_token + finished_status), lease is idempotent per p_request_id. Expired leases are
-- reclaimed by every lease call (bounded) and by the pg_cron job `agentbase-queue-sweeper`.
--
-- What both queues share (table shape, events, access, lock/stale/reclaim/sweep, heartbeat, cancel,
-- public wrappers, the sweeper) comes from the queue core (20261122000350_queue_core.sql). This file
-- holds what is particular to commands: a `running` state between lease and finish (start_command),
-- attempts counted at start, safe_to_retry deciding whether an expiry after start may run again, and
-- the runner's output columns (exit_code, stdout, stderr).

-- ===========================================================================================
-- Status enum and the queue's names
-- ===========================================================================================

do $$
begin
  create type public.command_status as enum ('pending', 'leased', 'running', 'done', 'failed', 'cancelled');
exception when duplicate_object then null;
end $$;

select set_config('agentbase.queue_spec', jsonb_build_object(
  'table', 'agent_commands', 'a', 'c', 'ea', 'i', 'events', 'agent_command_events', 'event_key', 'command_id',
  'item', 'command', 'items', 'commands', 'short', 'command', 'noun', 'command', 'status_type', 'command_status',
  'owner', 'gateway', 'oa', 'g',
  -- A command's lease is live while leased or running.
  'live', $$in ('leased', 'running')$$, 'not_live', $$not in ('leased', 'running')$$,
  'open', $$'pending', 'leased', 'running'$$,
  'terminal', $$'done', 'failed', 'cancelled'$$, 'ended', $$'done', 'failed'$$,
  'live_from', 'r.status', 'reported_status', 'r.status::text',
  -- The attempt a lease runs as: the column counts starts, so a leased row reports one more.
  'reported_attempt', $$r.attempt + case when r.status = 'leased' then 1 else 0 end$$,
  'heartbeat_default', '60', 'limit_status', 'failed', 'release_refund', '',
  -- After start the outcome is the holder's to report (complete/fail), not to give back.
  'release_guard', $$
  if r.status = 'running' then
    return private.queue_result(false, 'invalid_state', 'running', r.lease_expires_at, r.cancel_requested, false, r.attempt);
  end if;$$,
  'cols_subject', $$
  gateway_id uuid not null references public.gateways (id) on delete cascade,
  agent_id uuid references public.agents (id) on delete set null,
  action text not null check (action ~ '^[a-z][a-z0-9_.:-]{0,99}$'),
  payload jsonb not null default '{}'::jsonb check (jsonb_typeof(payload) = 'object'),$$,
  -- attempt = executions started (bumped by start_command, or by complete/fail straight from leased);
  -- expiry before start and release cost no attempt.
  'cols_flags', '  safe_to_retry boolean not null default false,',
  'cols_started', '  started_at timestamptz,',
  'cols_output', $$
  exit_code int,
  stdout text,
  stderr text,$$,
  'constraints', $$
  constraint agent_commands_started_check check (
    case status
      when 'running' then started_at is not null
      when 'pending' then started_at is null
      when 'leased' then started_at is null
      else true
    end),
  constraint agent_commands_failed_error_check check (status <> 'failed' or last_error is not null),
  constraint agent_commands_stdout_check check (octet_length(stdout) <= 1048576 and octet_length(stderr) <= 1048576),$$,
  'api', jsonb_build_object(
    'enqueue_command', $$p_gateway_id uuid, p_action text, p_payload jsonb default '{}'::jsonb,
      p_agent_id uuid default null, p_priority int default 0, p_available_at timestamptz default null,
      p_max_attempts int default 3, p_dedup_key text default null, p_safe_to_retry boolean default false$$,
    'lease_command', 'p_gateway_id uuid, p_limit int default 1, p_lease_seconds int default 60, p_request_id uuid default null',
    'start_command', 'p_id uuid, p_lease_token uuid',
    'complete_command', $$p_id uuid, p_lease_token uuid, p_result jsonb default null, p_exit_code int default 0,
      p_stdout text default null, p_stderr text default null$$,
    'fail_command', $$p_id uuid, p_lease_token uuid, p_error text, p_retryable boolean default true,
      p_exit_code int default null, p_stdout text default null, p_stderr text default null,
      p_retry_after_seconds int default null$$)
)::text, false);

-- ===========================================================================================
-- Tables, indexes, access (shared shape) and what only commands have
-- ===========================================================================================

select private.queue_build_tables();

create index if not exists agent_commands_agent_id_idx on public.agent_commands (agent_id);

comment on table public.agent_commands is
  'Commands for the runner on a gateway host (restart, deploy, run ...), leased per gateway. Written only through the command RPCs.';
comment on column public.agent_commands.safe_to_retry is
  'When a lease expires after start the outcome is unknown: true runs the command again, false fails it (lease_expired_after_start).';

-- ===========================================================================================
-- Internals and RPC implementations (private, security definer)
-- ===========================================================================================

-- Settle expired leases. Rows are locked by the caller (skip locked) and passed by id; each one is
-- re-checked (still live, still expired, same token) before it moves:
--   cancel requested                      -> cancelled
--   expired before start                  -> pending at once, no attempt cost; failed 'lease_limit' when
--                                            lease_count reached max_leases
--   expired after start, safe_to_retry    -> pending after backoff if attempts remain
--   expired after start otherwise         -> failed 'lease_expired_after_start'
select private.queue_define(null, 'expire_command_leases(p_ids uuid[])', 'int', $body${{expire_declare}}
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
    set status = old.to_status, {{clear_lease}},
        started_at = case when old.to_status = 'pending' then null else c.started_at end,
        available_at = case
          when old.to_status <> 'pending' then c.available_at
          when old.status = 'leased' then now()
          else now() + private.queue_retry_delay(c.attempt)
        end,
        finished_at = case when old.to_status = 'pending' then null else now() end,
        last_error = case when old.reason = 'cancelled' then c.last_error else old.reason end,
        failure_code = case when old.to_status = 'pending' then c.failure_code else old.reason end
    from old
    where c.id = old.id and c.lease_token = old.lease_token and c.status in ('leased', 'running')
    returning c.id, c.workspace_id, old.status as from_status, c.status as to_status, old.reason,
              c.attempt, c.lease_count
  ), ev as ({{event_insert}}
    select u.id, u.workspace_id, u.from_status, u.to_status, u.reason, u.attempt, u.lease_count, v_role, v_uid
    from upd u
  ){{expire_tail}}
end
$body$, false);

-- Enqueue without a caller check, for server-side code (triggers of other domains that feed this queue
-- while a member is the request role). Owner-only: no API role may execute it. One statement: a live
-- row with the same (gateway, dedup_key) is returned instead of a new one.
select private.queue_define(null, $sig$enqueue_command_unchecked(
  p_gateway_id uuid, p_action text, p_payload jsonb, p_agent_id uuid, p_priority int,
  p_available_at timestamptz, p_max_attempts int, p_dedup_key text, p_safe_to_retry boolean)$sig$,
  'table (id uuid, deduplicated boolean)', $body$
{{owner_declare}}
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
{{find_owner}}
  if p_agent_id is not null
     and not exists (select 1 from public.agents a where a.id = p_agent_id and a.workspace_id = v_workspace_id) then
    raise exception 'p_agent_id: agent % does not exist in the gateway''s workspace', p_agent_id using errcode = 'P0002';
  end if;
  return query
  with ins as (
    insert into public.agent_commands as c
      (workspace_id, gateway_id, agent_id, action, payload, priority, available_at, max_attempts, max_leases,
       dedup_key, safe_to_retry, requested_by)
    values
      (v_workspace_id, p_gateway_id, p_agent_id, p_action, p_payload, p_priority, coalesce(p_available_at, now()),
       p_max_attempts, greatest(10, 2 * p_max_attempts), p_dedup_key, p_safe_to_retry, (select auth.uid()))
{{enqueue_tail}}
end
$body$, false);

-- Lease up to p_limit pending commands of one gateway; the reported attempt is the one the lease runs as.
select private.queue_define(null, 'lease_command(p_gateway_id uuid, p_limit int, p_lease_seconds int, p_request_id uuid)',
  $ret$table (
  id uuid, lease_token uuid, attempt int, lease_count int, lease_expires_at timestamptz,
  action text, payload jsonb, agent_id uuid, cancel_requested boolean
)$ret$, $body$
{{owner_declare}}
begin{{lease_prologue}}

  -- Idempotent lease: the same request id gets back what it still holds, and nothing new.
  if p_request_id is not null then
    return query
    select c.id, c.lease_token, c.attempt + case when c.status = 'leased' then 1 else 0 end, c.lease_count,
           c.lease_expires_at, c.action, c.payload, c.agent_id, c.cancel_requested
    from public.agent_commands c
    where c.gateway_id = p_gateway_id and c.status in ('leased', 'running') and c.lease_request_id = p_request_id
    order by c.priority desc, c.available_at, c.id;{{return_if_found}}
  end if;

  -- Expiry without a daemon: settle a bounded number of this gateway's expired leases first.
  perform private.reclaim_expired_commands(p_gateway_id, 100);

  return query
  with cand as (
    select c.id
    from public.agent_commands c
    where c.gateway_id = p_gateway_id and c.status = 'pending' and c.available_at <= now()
    order by c.priority desc, c.available_at, c.id
    limit p_limit
    for update skip locked
  ), upd as (
    update public.agent_commands c
    set status = 'leased', lease_token = gen_random_uuid(), lease_count = c.lease_count + 1,
        lease_request_id = p_request_id, leased_at = now(),
        lease_expires_at = now() + make_interval(secs => p_lease_seconds), last_heartbeat_at = null
    from cand
    where c.id = cand.id and c.status = 'pending' and c.workspace_id = v_workspace_id
    returning c.*
  ), ev as ({{event_insert}}
    select u.id, u.workspace_id, 'pending', 'leased', 'leased', u.attempt, u.lease_count, v_role, v_uid
    from upd u
  )
  select u.id, u.lease_token, u.attempt + 1, u.lease_count, u.lease_expires_at, u.action, u.payload,
         u.agent_id, u.cancel_requested
  from upd u
  order by u.priority desc, u.available_at, u.id;
end
$body$);

-- leased -> running (counts the attempt). A cancel requested before the start ends it unexecuted.
select private.queue_define('start', 'start_command(p_id uuid, p_lease_token uuid)', 'jsonb', $body$
declare
  r public.agent_commands;
begin{{follow_up}}
  if r.status = 'running' then
    return private.queue_result(true, null, 'running', r.lease_expires_at, r.cancel_requested, true, r.attempt);
  end if;
  if r.cancel_requested then
    update public.agent_commands c
    set status = 'cancelled', {{clear_lease}}, finished_at = now(), failure_code = 'cancelled'
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
$body$);

-- -> done. Completing straight from leased counts the execution as started.
select private.queue_define('complete',
  'complete_command(p_id uuid, p_lease_token uuid, p_result jsonb, p_exit_code int, p_stdout text, p_stderr text)',
  'jsonb', $body$
declare
  r public.agent_commands;
  v_from public.command_status;
begin
  perform private.queue_check_jsonb('p_result', p_result, false);
  perform private.queue_check_text('p_stdout', p_stdout, 1048576);
  perform private.queue_check_text('p_stderr', p_stderr, 1048576);{{follow_up}}
  v_from := r.status;
  update public.agent_commands c
  set status = 'done', attempt = c.attempt + case when c.status = 'leased' then 1 else 0 end,
      started_at = coalesce(c.started_at, now()), {{clear_lease}},
      finished_at = now(), finished_lease_token = p_lease_token, finished_status = 'done',
      result = p_result, exit_code = p_exit_code, stdout = p_stdout, stderr = p_stderr, failure_code = null
  where c.id = r.id
  returning c.* into r;
  perform private.log_command_event(r, v_from, 'completed');
  return private.queue_result(true, null, 'done', null, r.cancel_requested, false, r.attempt);
end
$body$);

-- -> pending after backoff (retryable, attempts and leases left), failed, or cancelled when requested.
-- Failing straight from leased counts as an attempt too (the runner tried and could not run it).
select private.queue_define('fail', $sig$fail_command(p_id uuid, p_lease_token uuid, p_error text, p_retryable boolean,
  p_exit_code int, p_stdout text, p_stderr text, p_retry_after_seconds int)$sig$, 'jsonb', $body$
declare
  r public.agent_commands;
  v_from public.command_status;
  v_attempt int;
  v_to public.command_status;
  v_code text;
begin{{fail_checks}}
  perform private.queue_check_text('p_stdout', p_stdout, 1048576);
  perform private.queue_check_text('p_stderr', p_stderr, 1048576);
  if p_retry_after_seconds is not null then
    perform private.queue_check_range('p_retry_after_seconds', p_retry_after_seconds, 0, 86400);
  end if;{{follow_up}}
  v_from := r.status;
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
  set status = v_to, attempt = v_attempt,
      started_at = case when v_to = 'pending' then null else coalesce(c.started_at, now()) end,
      available_at = case when v_to = 'pending'
                          then now() + private.queue_retry_delay(v_attempt, p_retry_after_seconds)
                          else c.available_at end,
      {{clear_lease}},
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
$body$);

-- ===========================================================================================
-- Shared functions (reclaim, sweep, lock, stale answer, events, enqueue, heartbeat, cancel), the public
-- RPC wrappers, and the sweeper with its pg_cron job
-- ===========================================================================================

select private.queue_build_functions();

-- ===========================================================================================
-- RPC comments (shown by Studio and the API docs)
-- ===========================================================================================

comment on function public.enqueue_command(uuid, text, jsonb, uuid, integer, timestamptz, integer, text, boolean) is
  'Queues a command for a gateway (admins or the service role). Returns (id, deduplicated): an open command with the same dedup_key is returned instead.';
comment on function public.lease_command(uuid, integer, integer, uuid) is
  'The runner leases up to p_limit pending commands of its gateway, each with a fresh lease_token; p_request_id makes a retried call return the same lease.';
comment on function public.start_command(uuid, uuid) is
  'Marks a leased command running (counts the attempt). A cancel requested before the start ends it unexecuted.';
comment on function public.heartbeat_command(uuid, uuid, integer) is
  'Extends a live lease (never shortens it). Answers lease_lost when the token is no longer the live one.';
comment on function public.complete_command(uuid, uuid, jsonb, integer, text, text) is
  'Finishes a command as done with its result and output. Idempotent per lease token.';
comment on function public.fail_command(uuid, uuid, text, boolean, integer, text, text, integer) is
  'Reports a failure: retried after backoff while attempts remain and p_retryable, else failed. Idempotent per lease token.';
comment on function public.release_command(uuid, uuid) is
  'Gives a leased, not yet started command back without spending an attempt.';
comment on function public.cancel_command(uuid) is
  'Cancels a command: at once when pending; when leased or running the holder sees cancel_requested on its next call.';
