-- Replaying a retryable fail after the row moved on (docs/queues.md, "Result of every non-lease call").
--
-- A finish remembers its outcome on the row (finished_lease_token, finished_status), so a call repeated after
-- a lost response answers the stored outcome with idempotent:true. A retryable fail sends the row back to
-- pending, and a later lease that finishes it overwrites those columns: a repeat of the fail arriving after
-- that (another worker leased and finished the row within the repeat's round trip; seen in the inbox soak on
-- PostgreSQL 17) answered already_terminal although its fail had taken effect. The retry event now keeps a
-- SHA-256 digest of the lease token that made it (the token itself is a capability while live, so it is not
-- stored), and the stale-call answer looks there before giving up: the repeat answers {ok:true, status:
-- 'pending', idempotent:true} with the attempt the fail left, as the first answer did.
--
-- Same signatures; `create or replace` only, so the file applies on top of itself.

create or replace function private.queue_token_digest(p_token uuid)
returns text
language sql
immutable
set search_path = ''
as $$
  select encode(pg_catalog.sha256(pg_catalog.convert_to(p_token::text, 'UTF8')), 'hex')
$$;
revoke all on function private.queue_token_digest(uuid) from public;
comment on function private.queue_token_digest(uuid) is
  'SHA-256 (hex) of a lease token, as kept in retry events (detail.lease_digest) to recognise a repeated fail.';

create or replace function private.fail_command(
  p_id uuid, p_lease_token uuid, p_error text, p_retryable boolean, p_exit_code int, p_stdout text,
  p_stderr text, p_retry_after_seconds int
)
returns jsonb
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
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
  if v_to = 'pending' then
    update only public.agent_commands c
    set status = 'pending',
        attempt = v_attempt,
        started_at = null,
        available_at = now() + private.queue_retry_delay(v_attempt, p_retry_after_seconds),
        lease_token = null, lease_request_id = null, leased_at = null, lease_expires_at = null,
        finished_at = null,
        finished_lease_token = p_lease_token, finished_status = 'pending',
        last_error = p_error,
        exit_code = p_exit_code, stdout = p_stdout, stderr = p_stderr, updated_at = now()
    where c.id = r.id
    returning c.* into r;
  else
    r.status := v_to; r.attempt := v_attempt; r.started_at := coalesce(r.started_at, now());
    r.lease_token := null; r.lease_request_id := null; r.leased_at := null; r.lease_expires_at := null;
    r.finished_at := now(); r.finished_lease_token := p_lease_token; r.finished_status := v_to;
    r.last_error := p_error; r.failure_code := v_code;
    r.exit_code := p_exit_code; r.stdout := p_stdout; r.stderr := p_stderr;
    perform private.command_to_history(r);
  end if;
  perform private.log_command_event(r, v_from,
    case v_to when 'pending' then 'retry_scheduled' when 'cancelled' then 'cancelled' else 'failed' end,
    jsonb_build_object('error', left(p_error, 1000), 'retryable', p_retryable, 'failure_code', v_code)
    -- A retry is the one finish a later lease can overwrite on the row: the event keeps which lease made it.
    || case when v_to = 'pending' then jsonb_build_object('lease_digest', private.queue_token_digest(p_lease_token)) else '{}'::jsonb end);
  return private.queue_result(true, null, v_to::text, null, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.fail_inbox_item(
  p_id uuid, p_lease_token uuid, p_error text, p_retryable boolean, p_retry_after_seconds int
)
returns jsonb
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
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
  if v_to = 'pending' then
    update only public.agent_inbox_items i
    set status = 'pending',
        available_at = now() + private.queue_retry_delay(i.attempt, p_retry_after_seconds),
        lease_token = null, lease_request_id = null, leased_at = null, lease_expires_at = null,
        finished_at = null,
        finished_lease_token = p_lease_token, finished_status = 'pending',
        last_error = p_error, updated_at = now()
    where i.id = r.id
    returning i.* into r;
  else
    r.status := v_to;
    r.lease_token := null; r.lease_request_id := null; r.leased_at := null; r.lease_expires_at := null;
    r.finished_at := now(); r.finished_lease_token := p_lease_token; r.finished_status := v_to;
    r.last_error := p_error; r.failure_code := v_code;
    perform private.inbox_item_to_history(r);
  end if;
  perform private.log_inbox_event(r, 'leased',
    case v_to when 'pending' then 'retry_scheduled' when 'cancelled' then 'cancelled' else 'dead_lettered' end,
    jsonb_build_object('error', left(p_error, 1000), 'retryable', p_retryable, 'failure_code', v_code)
    -- A retry is the one finish a later lease can overwrite on the row: the event keeps which lease made it.
    || case when v_to = 'pending' then jsonb_build_object('lease_digest', private.queue_token_digest(p_lease_token)) else '{}'::jsonb end);
  return private.queue_result(true, null, v_to::text, null, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.command_stale_result(r public.agent_commands, p_lease_token uuid, p_call text)
returns jsonb
language plpgsql
stable
set search_path = ''
as $fn$
declare
  v_attempt int;
begin
  if r.finished_lease_token = p_lease_token
     and ((p_call = 'complete' and r.finished_status = 'done')
          or (p_call = 'fail' and r.finished_status <> 'done')) then
    return private.queue_result(true, null, r.finished_status::text, null, r.cancel_requested, true, r.attempt);
  end if;
  -- A retryable fail whose row a later lease has leased (and maybe finished) since: the row no longer holds
  -- that finish, its retry event does.
  if p_call = 'fail' then
    select e.attempt into v_attempt
    from public.agent_command_events e
    where e.command_id = r.id and e.reason = 'retry_scheduled'
      and e.detail ->> 'lease_digest' = private.queue_token_digest(p_lease_token)
    limit 1;
    if found then
      return private.queue_result(true, null, 'pending', null, r.cancel_requested, true, v_attempt);
    end if;
  end if;
  if r.status in ('done', 'failed', 'cancelled') then
    return private.queue_result(false, 'already_terminal', r.status::text, null, r.cancel_requested, false, r.attempt);
  end if;
  return private.queue_result(false, 'lease_lost', r.status::text, null, r.cancel_requested, false, r.attempt);
end
$fn$;
revoke all on function private.command_stale_result(public.agent_commands, uuid, text) from public;

create or replace function private.inbox_stale_result(r public.agent_inbox_items, p_lease_token uuid, p_call text)
returns jsonb
language plpgsql
stable
set search_path = ''
as $fn$
declare
  v_attempt int;
begin
  if r.finished_lease_token = p_lease_token
     and ((p_call = 'complete' and r.finished_status = 'done')
          or (p_call = 'fail' and r.finished_status <> 'done')) then
    return private.queue_result(true, null, r.finished_status::text, null, r.cancel_requested, true, r.attempt);
  end if;
  -- A retryable fail whose row a later lease has leased (and maybe finished) since: the row no longer holds
  -- that finish, its retry event does.
  if p_call = 'fail' then
    select e.attempt into v_attempt
    from public.agent_inbox_events e
    where e.item_id = r.id and e.reason = 'retry_scheduled'
      and e.detail ->> 'lease_digest' = private.queue_token_digest(p_lease_token)
    limit 1;
    if found then
      return private.queue_result(true, null, 'pending', null, r.cancel_requested, true, v_attempt);
    end if;
  end if;
  if r.status in ('done', 'dead_letter', 'cancelled') then
    return private.queue_result(false, 'already_terminal', r.status::text, null, r.cancel_requested, false, r.attempt);
  end if;
  return private.queue_result(false, 'lease_lost', r.status::text, null, r.cancel_requested, false, r.attempt);
end
$fn$;
revoke all on function private.inbox_stale_result(public.agent_inbox_items, uuid, text) from public;
