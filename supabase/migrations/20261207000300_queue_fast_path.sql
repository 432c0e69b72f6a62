-- Queue fast path: cheaper lease and finish calls, measured against pg-boss and graphile-worker
-- (docs/performance.md, "Against pg-boss and graphile-worker"; docs/queues.md, "Hot path and history").
--
-- 1. Lease plans that cannot degrade. The queue functions run with generic plans. In a generic plan the
--    lease's `limit p_limit` is unknown, so the planner joined the update to the candidates with a hash
--    join over a bitmap scan of every live row of the workspace: each lease read the whole backlog (2,169
--    rows for a lease of 1 at a backlog of 2,000; 0.59 ms of a 0.70 ms call). The update now addresses its
--    rows by primary key (`id = any (array(...))`): one index probe per leased row, 0.23 ms a call.
-- 2. The event log defaults to 'changes'. A workspace without settings.queue_event_log (or with any value
--    but 'all') no longer logs the four transitions the row itself records (enqueued -> created_at and
--    requested_by; leased -> lease_count and leased_at; started -> started_at; completed -> finished_at,
--    finished_lease_token and the history row). Every other transition is still logged: retries,
--    failures, expiries, releases, cancels, dead letters. settings.queue_event_log = 'all' keeps one event
--    per transition. Two of the three event rows a job wrote are gone, with their three index entries each.
-- 3. Command outcome notifications follow the history insert instead of the completion event, so they do
--    not depend on the event log.
-- 4. The single complete moves a live lease to history in one statement (the delete takes the row lock;
--    no separate select ... for update); anything else takes the previous path and answers as before.
-- 5. Three hot-table indexes that no queue statement used are dropped (see the index section).
-- 6. complete_and_lease_commands / complete_and_lease_inbox_items: a runner's finish-then-lease in one
--    call, one transaction (see their section).
-- 7. private.agent_budget_blocked, asked on every inbox lease, keeps its plan (plpgsql instead of SQL).
-- 8. The lease runs one of two statements, with or without the event insert, so a workspace that does not
--    log leases does not open and lock the events table and its three indexes on every lease.
--
-- Same signatures, `create or replace` and guarded DDL only, so the file applies on top of itself. The
-- enqueue functions are the idempotency-window versions (20261207000100) with the event-log default
-- changed, nothing else.

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
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_role text;
  v_uid uuid := auth.uid();
  v_workspace_id uuid;
  v_log boolean;
begin
  if p_gateway_id is null then
    raise exception 'p_gateway_id must not be null' using errcode = '22004';
  end if;
  -- The checks' function calls only when something is wrong (they raise the messages).
  if p_limit is null or p_lease_seconds is null or p_limit not between 1 and 100 or p_lease_seconds not between 5 and 3600 then
    perform private.queue_check_range('p_limit', p_limit, 1, 100);
    perform private.queue_check_range('p_lease_seconds', p_lease_seconds, 5, 3600);
  end if;
  select g.workspace_id, (w.settings ->> 'queue_event_log') is not distinct from 'all' into v_workspace_id, v_log
  from public.gateways g join public.workspaces w on w.id = g.workspace_id where g.id = p_gateway_id;
  if not found then
    raise exception 'p_gateway_id: gateway % does not exist', p_gateway_id using errcode = 'P0002';
  end if;
  v_role := private.queue_authorize(v_workspace_id);

  -- Idempotent lease: the same request id gets back what it still holds, and nothing new.
  if p_request_id is not null then
    return query
    select c.id, c.lease_token, c.attempt + case when c.status = 'leased' then 1 else 0 end, c.lease_count,
           c.lease_expires_at, c.action, c.payload, c.agent_id, c.cancel_requested
    from only public.agent_commands c
    where c.gateway_id = p_gateway_id
      and c.status in ('leased', 'running')
      and c.lease_request_id = p_request_id
    order by c.priority desc, c.available_at, c.id;
    if found then
      return;
    end if;
  end if;

  -- Expiry without a daemon, paid only when an index probe finds an expired lease of this gateway.
  if exists (select 1 from only public.agent_commands c
             where c.gateway_id = p_gateway_id and c.status in ('leased', 'running') and c.lease_expires_at < now()) then
    perform private.reclaim_expired_commands(p_gateway_id, 100);
  end if;

  -- Two statements, one per event-log mode: an insert in the plan opens and locks the events table and
  -- its indexes even when it inserts nothing (a third of the relation locks of a lease at 16 workers).
  if v_log then
    return query
    with cand as (
      select c.id
      from only public.agent_commands c
      where c.gateway_id = p_gateway_id
        and c.status = 'pending'
        and c.available_at <= now()
      order by c.priority desc, c.available_at, c.id
      limit p_limit
      for update skip locked
    ), upd as (
      update only public.agent_commands c
      set status = 'leased',
          lease_token = gen_random_uuid(),
          lease_count = c.lease_count + 1,
          lease_request_id = p_request_id,
          leased_at = now(),
          lease_expires_at = now() + make_interval(secs => p_lease_seconds),
          last_heartbeat_at = null,
          updated_at = now()
      -- By primary key: see the header.
      where c.id = any (array(select cand.id from cand))
        and c.status = 'pending'
        and c.workspace_id = v_workspace_id
      returning c.id, c.workspace_id, c.lease_token, c.attempt, c.lease_count, c.lease_expires_at, c.action,
                c.payload, c.agent_id, c.cancel_requested, c.priority, c.available_at
    ), ev as (
      insert into public.agent_command_events
        (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
      select u.id, u.workspace_id, 'pending', 'leased', 'leased', u.attempt, u.lease_count, v_role, v_uid
      from upd u
    )
    -- attempt reported = the attempt this lease runs as (the column counts starts).
    select u.id, u.lease_token, u.attempt + 1, u.lease_count, u.lease_expires_at, u.action, u.payload,
           u.agent_id, u.cancel_requested
    from upd u
    order by u.priority desc, u.available_at, u.id;
  else
    return query
    with cand as (
      select c.id
      from only public.agent_commands c
      where c.gateway_id = p_gateway_id
        and c.status = 'pending'
        and c.available_at <= now()
      order by c.priority desc, c.available_at, c.id
      limit p_limit
      for update skip locked
    ), upd as (
      update only public.agent_commands c
      set status = 'leased',
          lease_token = gen_random_uuid(),
          lease_count = c.lease_count + 1,
          lease_request_id = p_request_id,
          leased_at = now(),
          lease_expires_at = now() + make_interval(secs => p_lease_seconds),
          last_heartbeat_at = null,
          updated_at = now()
      -- By primary key: see the header.
      where c.id = any (array(select cand.id from cand))
        and c.status = 'pending'
        and c.workspace_id = v_workspace_id
      returning c.id, c.workspace_id, c.lease_token, c.attempt, c.lease_count, c.lease_expires_at, c.action,
                c.payload, c.agent_id, c.cancel_requested, c.priority, c.available_at
    )
    -- attempt reported = the attempt this lease runs as (the column counts starts).
    select u.id, u.lease_token, u.attempt + 1, u.lease_count, u.lease_expires_at, u.action, u.payload,
           u.agent_id, u.cancel_requested
    from upd u
    order by u.priority desc, u.available_at, u.id;
  end if;
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
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_role text;
  v_uid uuid := auth.uid();
  v_workspace_id uuid;
  v_log boolean;
  v_allow_serialized boolean;
begin
  if p_agent_id is null then
    raise exception 'p_agent_id must not be null' using errcode = '22004';
  end if;
  -- The checks' function calls only when something is wrong (they raise the messages).
  if p_limit is null or p_lease_seconds is null or p_limit not between 1 and 100 or p_lease_seconds not between 5 and 3600 then
    perform private.queue_check_range('p_limit', p_limit, 1, 100);
    perform private.queue_check_range('p_lease_seconds', p_lease_seconds, 5, 3600);
  end if;
  select a.workspace_id, (w.settings ->> 'queue_event_log') is not distinct from 'all' into v_workspace_id, v_log
  from public.agents a join public.workspaces w on w.id = a.workspace_id where a.id = p_agent_id;
  if not found then
    raise exception 'p_agent_id: agent % does not exist', p_agent_id using errcode = 'P0002';
  end if;
  v_role := private.queue_authorize(v_workspace_id);

  if p_request_id is not null then
    return query
    select i.id, i.lease_token, i.attempt, i.lease_count, i.lease_expires_at, i.event_type, i.summary,
           i.context, i.subject_type, i.subject_id, i.cancel_requested
    from only public.agent_inbox_items i
    where i.agent_id = p_agent_id
      and i.status = 'leased'
      and i.lease_request_id = p_request_id
    order by i.priority desc, i.available_at, i.id;
    if found then
      return;
    end if;
  end if;

  if exists (select 1 from only public.agent_inbox_items i
             where i.agent_id = p_agent_id and i.status = 'leased' and i.lease_expires_at < now()) then
    perform private.reclaim_expired_inbox_items(p_agent_id, 100);
  end if;

  -- Budget enforcement: an agent over budget with hard cutoff gets nothing new.
  if private.agent_budget_blocked(p_agent_id) then
    return;
  end if;

  -- Serialized items: only the caller holding the per-agent try-lock, and only when none is leased
  -- (checked in a later statement, so its snapshot sees every lease committed before the lock).
  v_allow_serialized := pg_try_advisory_xact_lock(hashtextextended('agentbase.inbox.serialized:' || p_agent_id::text, 0));
  if v_allow_serialized then
    v_allow_serialized := not exists (
      select 1 from only public.agent_inbox_items i
      where i.agent_id = p_agent_id and i.serialized and i.status = 'leased');
  end if;

  -- Two statements, one per event-log mode: an insert in the plan opens and locks the events table and
  -- its indexes even when it inserts nothing (a third of the relation locks of a lease at 16 workers).
  if v_log then
    return query
    with cand as (
      select i.id, i.serialized, i.priority, i.available_at
      from only public.agent_inbox_items i
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
      update only public.agent_inbox_items i
      set status = 'leased',
          attempt = i.attempt + 1,
          lease_token = gen_random_uuid(),
          lease_count = i.lease_count + 1,
          lease_request_id = p_request_id,
          leased_at = now(),
          lease_expires_at = now() + make_interval(secs => p_lease_seconds),
          last_heartbeat_at = null,
          updated_at = now()
      -- By primary key: see the header.
      where i.id = any (array(select pick.id from pick))
        and i.status = 'pending'
        and i.workspace_id = v_workspace_id
      returning i.id, i.workspace_id, i.lease_token, i.attempt, i.lease_count, i.lease_expires_at, i.event_type,
                i.summary, i.context, i.subject_type, i.subject_id, i.cancel_requested, i.priority, i.available_at
    ), ev as (
      insert into public.agent_inbox_events
        (item_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
      select u.id, u.workspace_id, 'pending', 'leased', 'leased', u.attempt, u.lease_count, v_role, v_uid
      from upd u
    )
    select u.id, u.lease_token, u.attempt, u.lease_count, u.lease_expires_at, u.event_type, u.summary, u.context,
           u.subject_type, u.subject_id, u.cancel_requested
    from upd u
    order by u.priority desc, u.available_at, u.id;
  else
    return query
    with cand as (
      select i.id, i.serialized, i.priority, i.available_at
      from only public.agent_inbox_items i
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
      update only public.agent_inbox_items i
      set status = 'leased',
          attempt = i.attempt + 1,
          lease_token = gen_random_uuid(),
          lease_count = i.lease_count + 1,
          lease_request_id = p_request_id,
          leased_at = now(),
          lease_expires_at = now() + make_interval(secs => p_lease_seconds),
          last_heartbeat_at = null,
          updated_at = now()
      -- By primary key: see the header.
      where i.id = any (array(select pick.id from pick))
        and i.status = 'pending'
        and i.workspace_id = v_workspace_id
      returning i.id, i.workspace_id, i.lease_token, i.attempt, i.lease_count, i.lease_expires_at, i.event_type,
                i.summary, i.context, i.subject_type, i.subject_id, i.cancel_requested, i.priority, i.available_at
    )
    select u.id, u.lease_token, u.attempt, u.lease_count, u.lease_expires_at, u.event_type, u.summary, u.context,
           u.subject_type, u.subject_id, u.cancel_requested
    from upd u
    order by u.priority desc, u.available_at, u.id;
  end if;
end
$$;

-- The live-lease half of complete_command: when p_id is leased or running under p_lease_token, moves it to
-- history as done in one statement (the delete takes the row lock, so there is no separate select ...
-- for update), authorizes the caller (a refusal raises and rolls the move back with the transaction),
-- logs the event when the workspace logs every transition, and returns complete_command's answer.
-- Returns null when the row is not a live lease with that token (stale, finished, unknown, or changed by a
-- concurrent finish or expiry, which the delete's re-check sees): the caller answers that case.
create or replace function private.complete_command_live(
  p_id uuid, p_lease_token uuid, p_result jsonb, p_exit_code int, p_stdout text, p_stderr text
)
returns jsonb
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  v_role text;
  v_from public.command_status;
  v_workspace_id uuid;
  v_attempt int;
  v_lease_count int;
  v_cancel_requested boolean;
begin
  with gone as (
    delete from only public.agent_commands c
    where c.id = p_id and c.status in ('leased', 'running') and c.lease_token = p_lease_token
    returning c
  ), moved as (
    insert into public.agent_command_history
    select p.*
    from gone g
    cross join lateral jsonb_populate_record(g.c, jsonb_build_object(
         'status', 'done', 'attempt', (g.c).attempt + case when (g.c).status = 'leased' then 1 else 0 end,
         'started_at', coalesce((g.c).started_at, now()),
         'lease_token', null, 'lease_request_id', null, 'leased_at', null, 'lease_expires_at', null,
         'finished_at', now(), 'finished_lease_token', p_lease_token, 'finished_status', 'done',
         'result', p_result, 'exit_code', p_exit_code, 'stdout', p_stdout, 'stderr', p_stderr,
         'failure_code', null, 'updated_at', now())) p
    returning workspace_id, attempt, lease_count, cancel_requested
  )
  select m.workspace_id, m.attempt, m.lease_count, m.cancel_requested, (g.c).status
  into v_workspace_id, v_attempt, v_lease_count, v_cancel_requested, v_from
  from moved m cross join gone g;
  if not found then
    return null;
  end if;
  v_role := private.queue_authorize(v_workspace_id);
  if (select w.settings ->> 'queue_event_log' from public.workspaces w where w.id = v_workspace_id) is not distinct from 'all' then
    insert into public.agent_command_events
      (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    values (p_id, v_workspace_id, v_from, 'done', 'completed', v_attempt, v_lease_count, v_role, auth.uid());
  end if;
  return jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null,
                            'cancel_requested', v_cancel_requested, 'idempotent', false, 'attempt', v_attempt);
end
$$;
revoke all on function private.complete_command_live(uuid, uuid, jsonb, int, text, text) from public;

create or replace function private.complete_command(
  p_id uuid, p_lease_token uuid, p_result jsonb, p_exit_code int, p_stdout text, p_stderr text
)
returns jsonb
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  r public.agent_commands;
  v_role text;
  v_from public.command_status;
  v_answer jsonb;
begin
  if p_result is not null and octet_length(p_result::text) > 262144 then
    perform private.queue_check_jsonb('p_result', p_result, false);
  end if;
  if octet_length(p_stdout) > 1048576 or octet_length(p_stderr) > 1048576 then
    perform private.queue_check_text('p_stdout', p_stdout, 1048576);
    perform private.queue_check_text('p_stderr', p_stderr, 1048576);
  end if;
  if p_id is null then
    raise exception 'p_id must not be null' using errcode = '22004';
  end if;
  if p_lease_token is null then
    raise exception 'p_lease_token must not be null' using errcode = '22004';
  end if;
  -- Fast path: the live lease (see private.complete_command_live).
  v_answer := private.complete_command_live(p_id, p_lease_token, p_result, p_exit_code, p_stdout, p_stderr);
  if v_answer is not null then
    return v_answer;
  end if;

  -- Slow path: anything but a live lease with this token (stale, finished, unknown).
  select c.* into r from only public.agent_commands c where c.id = p_id for update;
  if not found then
    select h.* into r from public.agent_command_history h where h.id = p_id;
    if not found then
      raise exception 'p_id: command % does not exist', p_id using errcode = 'P0002';
    end if;
  end if;
  v_role := private.queue_authorize(r.workspace_id);
  if r.status not in ('leased', 'running') or r.lease_token is distinct from p_lease_token then
    return private.command_stale_result(r, p_lease_token, 'complete');
  end if;
  v_from := r.status;
  -- Completing straight from leased counts the execution as started.
  r.attempt := r.attempt + case when v_from = 'leased' then 1 else 0 end;
  r.status := 'done';
  r.started_at := coalesce(r.started_at, now());
  r.lease_token := null; r.lease_request_id := null; r.leased_at := null; r.lease_expires_at := null;
  r.finished_at := now(); r.finished_lease_token := p_lease_token; r.finished_status := 'done';
  r.result := p_result; r.exit_code := p_exit_code; r.stdout := p_stdout; r.stderr := p_stderr;
  r.failure_code := null; r.updated_at := now();
  -- One statement: the delete's after-row triggers run after the insert and see the row in history.
  with gone as (delete from only public.agent_commands c where c.id = r.id)
  insert into public.agent_command_history select r.*;
  if (select w.settings ->> 'queue_event_log' from public.workspaces w where w.id = r.workspace_id) is not distinct from 'all' then
    insert into public.agent_command_events
      (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    values (r.id, r.workspace_id, v_from, 'done', 'completed', r.attempt, r.lease_count, v_role, auth.uid());
  end if;
  return jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null,
                            'cancel_requested', r.cancel_requested, 'idempotent', false, 'attempt', r.attempt);
end
$$;

-- The live-lease half of complete_inbox_item, as private.complete_command_live is for commands: the done
-- answer when p_id is leased under p_lease_token (moved to history, caller authorized), else null.
create or replace function private.complete_inbox_item_live(p_id uuid, p_lease_token uuid, p_result jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  v_role text;
  v_workspace_id uuid;
  v_attempt int;
  v_lease_count int;
  v_cancel_requested boolean;
begin
  with gone as (
    delete from only public.agent_inbox_items i
    where i.id = p_id and i.status = 'leased' and i.lease_token = p_lease_token
    returning i
  ), moved as (
    insert into public.agent_inbox_history
    select p.*
    from gone g
    cross join lateral jsonb_populate_record(g.i, jsonb_build_object(
         'status', 'done', 'lease_token', null, 'lease_request_id', null, 'leased_at', null,
         'lease_expires_at', null, 'finished_at', now(), 'finished_lease_token', p_lease_token,
         'finished_status', 'done', 'result', p_result, 'failure_code', null, 'updated_at', now())) p
    returning workspace_id, attempt, lease_count, cancel_requested
  )
  select m.workspace_id, m.attempt, m.lease_count, m.cancel_requested
  into v_workspace_id, v_attempt, v_lease_count, v_cancel_requested
  from moved m;
  if not found then
    return null;
  end if;
  v_role := private.queue_authorize(v_workspace_id);
  if (select w.settings ->> 'queue_event_log' from public.workspaces w where w.id = v_workspace_id) is not distinct from 'all' then
    insert into public.agent_inbox_events
      (item_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    values (p_id, v_workspace_id, 'leased', 'done', 'completed', v_attempt, v_lease_count, v_role, auth.uid());
  end if;
  return jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null,
                            'cancel_requested', v_cancel_requested, 'idempotent', false, 'attempt', v_attempt);
end
$$;
revoke all on function private.complete_inbox_item_live(uuid, uuid, jsonb) from public;

create or replace function private.complete_inbox_item(p_id uuid, p_lease_token uuid, p_result jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  r public.agent_inbox_items;
  v_role text;
  v_answer jsonb;
begin
  if p_result is not null and octet_length(p_result::text) > 262144 then
    perform private.queue_check_jsonb('p_result', p_result, false);
  end if;
  if p_id is null then
    raise exception 'p_id must not be null' using errcode = '22004';
  end if;
  if p_lease_token is null then
    raise exception 'p_lease_token must not be null' using errcode = '22004';
  end if;
  -- Fast path: the live lease (see private.complete_inbox_item_live).
  v_answer := private.complete_inbox_item_live(p_id, p_lease_token, p_result);
  if v_answer is not null then
    return v_answer;
  end if;

  -- Slow path: anything but a live lease with this token (stale, finished, unknown).
  select i.* into r from only public.agent_inbox_items i where i.id = p_id for update;
  if not found then
    select h.* into r from public.agent_inbox_history h where h.id = p_id;
    if not found then
      raise exception 'p_id: inbox item % does not exist', p_id using errcode = 'P0002';
    end if;
  end if;
  v_role := private.queue_authorize(r.workspace_id);
  if r.status <> 'leased' or r.lease_token is distinct from p_lease_token then
    return private.inbox_stale_result(r, p_lease_token, 'complete');
  end if;
  r.status := 'done';
  r.lease_token := null; r.lease_request_id := null; r.leased_at := null; r.lease_expires_at := null;
  r.finished_at := now(); r.finished_lease_token := p_lease_token; r.finished_status := 'done';
  r.result := p_result; r.failure_code := null; r.updated_at := now();
  with gone as (delete from only public.agent_inbox_items i where i.id = r.id)
  insert into public.agent_inbox_history select r.*;
  if (select w.settings ->> 'queue_event_log' from public.workspaces w where w.id = r.workspace_id) is not distinct from 'all' then
    insert into public.agent_inbox_events
      (item_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    values (r.id, r.workspace_id, 'leased', 'done', 'completed', r.attempt, r.lease_count, v_role, auth.uid());
  end if;
  return jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null,
                            'cancel_requested', r.cancel_requested, 'idempotent', false, 'attempt', r.attempt);
end
$$;

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
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_role text := private.request_role();
  v_uid uuid := auth.uid();
  v_workspace_id uuid;
  v_log boolean;
  v_window int;
  v_id uuid;
  v_known uuid;
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

  select g.workspace_id, (w.settings ->> 'queue_event_log') is not distinct from 'all',
         case when (w.settings ->> 'queue_idempotency_window_hours') ~ '^[0-9]{1,6}$'
              then (w.settings ->> 'queue_idempotency_window_hours')::int else 0 end
  into v_workspace_id, v_log, v_window
  from public.gateways g join public.workspaces w on w.id = g.workspace_id where g.id = p_gateway_id;
  if not found then
    raise exception 'p_gateway_id: gateway % does not exist', p_gateway_id using errcode = 'P0002';
  end if;
  if p_agent_id is not null
     and not exists (select 1 from public.agents a where a.id = p_agent_id and a.workspace_id = v_workspace_id) then
    raise exception 'p_agent_id: agent % does not exist in the gateway''s workspace', p_agent_id using errcode = 'P0002';
  end if;

  -- Idempotency window: claim the key, or answer the row an unexpired key remembers.
  if v_window > 0 and p_dedup_key is not null then
    v_id := gen_random_uuid();
    loop
      insert into private.agent_command_idempotency_keys as k (gateway_id, dedup_key, command_id, expires_at, created_at)
      values (p_gateway_id, p_dedup_key, v_id, now() + make_interval(hours => v_window), now())
      on conflict (gateway_id, dedup_key) do update
        set command_id = excluded.command_id, expires_at = excluded.expires_at, created_at = excluded.created_at
        where k.expires_at <= now()
      returning k.command_id into v_known;
      exit when found;
      -- An unexpired key, now locked by the statement above: a new statement sees it.
      select k.command_id into v_known from private.agent_command_idempotency_keys k
      where k.gateway_id = p_gateway_id and k.dedup_key = p_dedup_key;
      if found then
        return query select v_known, true;
        return;
      end if;
    end loop;
  end if;

  -- One statement: a live row with the same (gateway, dedup_key) is returned instead of a new one.
  return query
  with ins as (
    insert into public.agent_commands as c
      (id, workspace_id, gateway_id, agent_id, action, payload, priority, available_at, max_attempts, max_leases,
       dedup_key, safe_to_retry, requested_by)
    values
      (coalesce(v_id, gen_random_uuid()), v_workspace_id, p_gateway_id, p_agent_id, p_action, p_payload, p_priority,
       coalesce(p_available_at, now()), p_max_attempts, greatest(10, 2 * p_max_attempts), p_dedup_key,
       p_safe_to_retry, (select auth.uid()))
    on conflict (gateway_id, dedup_key) where dedup_key is not null and status in ('pending', 'leased', 'running')
    do update set dedup_key = excluded.dedup_key
    returning c.id, c.workspace_id, c.attempt, c.lease_count, (c.xmax <> 0) as deduplicated
  ), ev as (
    insert into public.agent_command_events
      (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    select i.id, i.workspace_id, null, 'pending', 'enqueued', i.attempt, i.lease_count,
           v_role, v_uid
    from ins i
    where not i.deduplicated and v_log
  ), remembered as (
    -- The key claimed above now names the live row that absorbed this enqueue.
    update private.agent_command_idempotency_keys k set command_id = i.id
    from ins i
    where v_id is not null and i.deduplicated and k.gateway_id = p_gateway_id and k.dedup_key = p_dedup_key
  )
  select i.id, i.deduplicated from ins i;
end
$$;

create or replace function private.start_command(p_id uuid, p_lease_token uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
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
    r.status := 'cancelled'; r.lease_token := null; r.lease_request_id := null; r.leased_at := null;
    r.lease_expires_at := null; r.finished_at := now(); r.failure_code := 'cancelled';
    perform private.command_to_history(r);
    perform private.log_command_event(r, 'leased', 'cancelled');
    return private.queue_result(false, 'already_terminal', 'cancelled', null, true, false, r.attempt);
  end if;
  update only public.agent_commands c
  set status = 'running', attempt = c.attempt + 1, started_at = now(), last_heartbeat_at = now(), updated_at = now()
  where c.id = r.id
  returning c.* into r;
  if (select w.settings ->> 'queue_event_log' from public.workspaces w where w.id = r.workspace_id) is not distinct from 'all' then
    perform private.log_command_event(r, 'leased', 'started');
  end if;
  return private.queue_result(true, null, 'running', r.lease_expires_at, r.cancel_requested, false, r.attempt);
end
$$;

create or replace function private.complete_commands(p_items jsonb)
returns table (id uuid, result jsonb)
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_n int := private.queue_check_items(p_items);
  v_out jsonb[];
  v_role text;
  v_uid uuid := auth.uid();
  v_bad bigint;
  v_ws uuid;
  v_ords bigint[] := '{}'::bigint[];
  v_answers jsonb[];
  v record;
begin
  if v_n = 0 then
    return;
  end if;
  v_out := array_fill(null::jsonb, array[v_n]);
  select min(x.ord) into v_bad
  from rows from (jsonb_to_recordset(p_items) as (id uuid)) with ordinality as x(id, ord)
  where x.id is null;
  if v_bad is not null then
    raise exception 'p_items[%].id must not be null', v_bad - 1 using errcode = '22004';
  end if;
  v_role := current_setting('role');
  if v_role = 'none' then
    v_role := private.request_role();
  end if;
  if v_role not in ('service_role', 'postgres', 'supabase_admin') then
    for v_ws in
      select s.ws from (
        select c.workspace_id as ws from only public.agent_commands c
        where c.id in (select (e ->> 'id')::uuid from jsonb_array_elements(p_items) e)
        union
        select h.workspace_id from public.agent_command_history h
        where h.id in (select (e ->> 'id')::uuid from jsonb_array_elements(p_items) e)
      ) s order by s.ws
    loop
      perform private.assert_workspace_role(v_ws, 'admin');
    end loop;
  end if;

  -- Fast path, one statement for the whole batch: elements whose id occurs once and whose token is the
  -- live one (everything else is answered by the single call below). Skipped when an element is
  -- oversized, so the single call raises its error for it.
  if not exists (select 1 from rows from (jsonb_to_recordset(p_items) as (id uuid, lease_token uuid, result jsonb, exit_code int, stdout text, stderr text)) with ordinality as x(id, lease_token, result, exit_code, stdout, stderr, ord)
                 where octet_length(x.result::text) > 262144 or octet_length(x.stdout) > 1048576 or octet_length(x.stderr) > 1048576) then
    with items as (
      select x.*
      from rows from (jsonb_to_recordset(p_items) as (id uuid, lease_token uuid, result jsonb, exit_code int, stdout text, stderr text)) with ordinality as x(id, lease_token, result, exit_code, stdout, stderr, ord)
    ), once as (
      select i.* from items i where i.id in (select i2.id from items i2 group by i2.id having count(*) = 1)
    ), lockd as (
      select c as r, c.id, c.workspace_id, c.status as from_status, c.attempt + case when c.status = 'leased' then 1 else 0 end as attempt, c.lease_count,
             c.cancel_requested, c.started_at, o.ord, o.lease_token, o.result, o.exit_code, o.stdout, o.stderr
      from only public.agent_commands c
      join once o on o.id = c.id
      where c.status in ('leased', 'running') and c.lease_token = o.lease_token
      order by c.id
      for update of c
    ), gone as (
      delete from only public.agent_commands c using lockd l where c.id = l.id
    ), moved as (
      insert into public.agent_command_history
      select p.*
      from lockd l
      cross join lateral jsonb_populate_record(l.r, jsonb_build_object(
           'status', 'done', 'attempt', l.attempt, 'started_at', coalesce(l.started_at, now()),
           'lease_token', null, 'lease_request_id', null, 'leased_at', null, 'lease_expires_at', null,
           'finished_at', now(), 'finished_lease_token', l.lease_token, 'finished_status', 'done',
           'result', l.result, 'exit_code', coalesce(l.exit_code, 0), 'stdout', l.stdout, 'stderr', l.stderr,
           'failure_code', null, 'updated_at', now())) p
    ), ev as (
      insert into public.agent_command_events
        (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
      select l.id, l.workspace_id, l.from_status, 'done', 'completed', l.attempt, l.lease_count, v_role, v_uid
      from lockd l
      where (select w.settings ->> 'queue_event_log' from public.workspaces w where w.id = l.workspace_id)
            is not distinct from 'all'
    )
    select coalesce(array_agg(l.ord), '{}'::bigint[]),
           array_agg(jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null,
                                        'cancel_requested', l.cancel_requested, 'idempotent', false,
                                        'attempt', l.attempt))
    into v_ords, v_answers
    from lockd l;
    for i in 1 .. coalesce(cardinality(v_ords), 0) loop
      v_out[v_ords[i]::int] := v_answers[i];
    end loop;
  end if;

  -- Everything else, one element at a time in id order: exactly the single call's answer.
  for v in
    select x.ord, x.id, x.lease_token, x.result, x.exit_code, x.stdout, x.stderr
    from rows from (jsonb_to_recordset(p_items) as (id uuid, lease_token uuid, result jsonb, exit_code int, stdout text, stderr text)) with ordinality as x(id, lease_token, result, exit_code, stdout, stderr, ord)
    where not x.ord = any (v_ords)
    order by x.id, x.ord
  loop
    if not exists (select 1 from only public.agent_commands c where c.id = v.id)
       and not exists (select 1 from public.agent_command_history h where h.id = v.id) then
      v_out[v.ord::int] := private.queue_result(false, 'not_found', null, null, null, false, null);
    else
      v_out[v.ord::int] := private.complete_command(v.id, v.lease_token, v.result, coalesce(v.exit_code, 0), v.stdout, v.stderr);
    end if;
  end loop;
  return query
  select x.id, v_out[x.ord::int]
  from rows from (jsonb_to_recordset(p_items) as (id uuid)) with ordinality as x(id, ord)
  order by x.ord;
end
$$;

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
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_role text := private.request_role();
  v_uid uuid := auth.uid();
  v_workspace_id uuid;
  v_log boolean;
  v_window int;
  v_id uuid;
  v_known uuid;
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

  select a.workspace_id, (w.settings ->> 'queue_event_log') is not distinct from 'all',
         case when (w.settings ->> 'queue_idempotency_window_hours') ~ '^[0-9]{1,6}$'
              then (w.settings ->> 'queue_idempotency_window_hours')::int else 0 end
  into v_workspace_id, v_log, v_window
  from public.agents a join public.workspaces w on w.id = a.workspace_id where a.id = p_agent_id;
  if not found then
    raise exception 'p_agent_id: agent % does not exist', p_agent_id using errcode = 'P0002';
  end if;

  -- Idempotency window: claim the key, or answer the item an unexpired key remembers.
  if v_window > 0 and p_dedup_key is not null then
    v_id := gen_random_uuid();
    loop
      insert into private.agent_inbox_idempotency_keys as k (agent_id, dedup_key, item_id, expires_at, created_at)
      values (p_agent_id, p_dedup_key, v_id, now() + make_interval(hours => v_window), now())
      on conflict (agent_id, dedup_key) do update
        set item_id = excluded.item_id, expires_at = excluded.expires_at, created_at = excluded.created_at
        where k.expires_at <= now()
      returning k.item_id into v_known;
      exit when found;
      select k.item_id into v_known from private.agent_inbox_idempotency_keys k
      where k.agent_id = p_agent_id and k.dedup_key = p_dedup_key;
      if found then
        return query select v_known, true;
        return;
      end if;
    end loop;
  end if;

  return query
  with ins as (
    insert into public.agent_inbox_items as i
      (id, workspace_id, agent_id, event_type, summary, context, subject_type, subject_id, priority, available_at,
       max_attempts, max_leases, serialized, dedup_key, requested_by)
    values
      (coalesce(v_id, gen_random_uuid()), v_workspace_id, p_agent_id, p_event_type, p_summary, p_context,
       p_subject_type, p_subject_id, p_priority, coalesce(p_available_at, now()), p_max_attempts,
       greatest(10, 2 * p_max_attempts), p_serialized, p_dedup_key, (select auth.uid()))
    on conflict (agent_id, dedup_key) where dedup_key is not null and status in ('pending', 'leased')
    do update set dedup_key = excluded.dedup_key
    returning i.id, i.workspace_id, i.attempt, i.lease_count, (i.xmax <> 0) as deduplicated
  ), ev as (
    insert into public.agent_inbox_events
      (item_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    select n.id, n.workspace_id, null, 'pending', 'enqueued', n.attempt, n.lease_count,
           v_role, v_uid
    from ins n
    where not n.deduplicated and v_log
  ), remembered as (
    update private.agent_inbox_idempotency_keys k set item_id = n.id
    from ins n
    where v_id is not null and n.deduplicated and k.agent_id = p_agent_id and k.dedup_key = p_dedup_key
  )
  select n.id, n.deduplicated from ins n;
end
$$;

create or replace function private.complete_inbox_items(p_items jsonb)
returns table (id uuid, result jsonb)
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
  v_n int := private.queue_check_items(p_items);
  v_out jsonb[];
  v_role text;
  v_uid uuid := auth.uid();
  v_bad bigint;
  v_ws uuid;
  v_ords bigint[] := '{}'::bigint[];
  v_answers jsonb[];
  v record;
begin
  if v_n = 0 then
    return;
  end if;
  v_out := array_fill(null::jsonb, array[v_n]);
  select min(x.ord) into v_bad
  from rows from (jsonb_to_recordset(p_items) as (id uuid)) with ordinality as x(id, ord)
  where x.id is null;
  if v_bad is not null then
    raise exception 'p_items[%].id must not be null', v_bad - 1 using errcode = '22004';
  end if;
  v_role := current_setting('role');
  if v_role = 'none' then
    v_role := private.request_role();
  end if;
  if v_role not in ('service_role', 'postgres', 'supabase_admin') then
    for v_ws in
      select s.ws from (
        select c.workspace_id as ws from only public.agent_inbox_items c
        where c.id in (select (e ->> 'id')::uuid from jsonb_array_elements(p_items) e)
        union
        select h.workspace_id from public.agent_inbox_history h
        where h.id in (select (e ->> 'id')::uuid from jsonb_array_elements(p_items) e)
      ) s order by s.ws
    loop
      perform private.assert_workspace_role(v_ws, 'admin');
    end loop;
  end if;

  -- Fast path, one statement for the whole batch: elements whose id occurs once and whose token is the
  -- live one (everything else is answered by the single call below). Skipped when an element is
  -- oversized, so the single call raises its error for it.
  if not exists (select 1 from rows from (jsonb_to_recordset(p_items) as (id uuid, lease_token uuid, result jsonb)) with ordinality as x(id, lease_token, result, ord)
                 where octet_length(x.result::text) > 262144) then
    with items as (
      select x.*
      from rows from (jsonb_to_recordset(p_items) as (id uuid, lease_token uuid, result jsonb)) with ordinality as x(id, lease_token, result, ord)
    ), once as (
      select i.* from items i where i.id in (select i2.id from items i2 group by i2.id having count(*) = 1)
    ), lockd as (
      select c as r, c.id, c.workspace_id, c.status as from_status, c.attempt as attempt, c.lease_count,
             c.cancel_requested, o.ord, o.lease_token, o.result
      from only public.agent_inbox_items c
      join once o on o.id = c.id
      where c.status = 'leased' and c.lease_token = o.lease_token
      order by c.id
      for update of c
    ), gone as (
      delete from only public.agent_inbox_items c using lockd l where c.id = l.id
    ), moved as (
      insert into public.agent_inbox_history
      select p.*
      from lockd l
      cross join lateral jsonb_populate_record(l.r, jsonb_build_object(
           'status', 'done', 'lease_token', null, 'lease_request_id', null, 'leased_at', null,
           'lease_expires_at', null, 'finished_at', now(), 'finished_lease_token', l.lease_token,
           'finished_status', 'done', 'result', l.result, 'failure_code', null, 'updated_at', now())) p
    ), ev as (
      insert into public.agent_inbox_events
        (item_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
      select l.id, l.workspace_id, l.from_status, 'done', 'completed', l.attempt, l.lease_count, v_role, v_uid
      from lockd l
      where (select w.settings ->> 'queue_event_log' from public.workspaces w where w.id = l.workspace_id)
            is not distinct from 'all'
    )
    select coalesce(array_agg(l.ord), '{}'::bigint[]),
           array_agg(jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null,
                                        'cancel_requested', l.cancel_requested, 'idempotent', false,
                                        'attempt', l.attempt))
    into v_ords, v_answers
    from lockd l;
    for i in 1 .. coalesce(cardinality(v_ords), 0) loop
      v_out[v_ords[i]::int] := v_answers[i];
    end loop;
  end if;

  -- Everything else, one element at a time in id order: exactly the single call's answer.
  for v in
    select x.ord, x.id, x.lease_token, x.result
    from rows from (jsonb_to_recordset(p_items) as (id uuid, lease_token uuid, result jsonb)) with ordinality as x(id, lease_token, result, ord)
    where not x.ord = any (v_ords)
    order by x.id, x.ord
  loop
    if not exists (select 1 from only public.agent_inbox_items c where c.id = v.id)
       and not exists (select 1 from public.agent_inbox_history h where h.id = v.id) then
      v_out[v.ord::int] := private.queue_result(false, 'not_found', null, null, null, false, null);
    else
      v_out[v.ord::int] := private.complete_inbox_item(v.id, v.lease_token, v.result);
    end if;
  end loop;
  return query
  select x.id, v_out[x.ord::int]
  from rows from (jsonb_to_recordset(p_items) as (id uuid)) with ordinality as x(id, ord)
  order by x.ord;
end
$$;

-- ---------------------------------------------------------------------------------------------------
-- Hot-table indexes: only what the queue's statements and the foreign keys need
-- ---------------------------------------------------------------------------------------------------
-- A lease changes `status`, which every partial index of the hot table names, so no lease is a HOT
-- update: each one writes a new entry into every index of the table. Three indexes served only listings
-- that the history tables now answer (they hold every finished row) or foreign keys whose leading column
-- another index already leads with:
--   agent_commands (gateway_id, created_at): the lease index (gateway_id, ...) leads with the gateway;
--   agent_inbox_items (agent_id, created_at): the lease index (agent_id, ...) leads with the agent;
--   agent_commands (agent_id): kept for the ON DELETE SET NULL, but only for rows that have an agent.
-- Deleting a gateway or an agent scans the hot table (live rows only) instead of probing an index.
drop index if exists public.agent_commands_gateway_id_idx;
drop index if exists public.agent_inbox_items_agent_id_idx;
create index if not exists agent_commands_agent_id_live_idx on public.agent_commands (agent_id) where agent_id is not null;
drop index if exists public.agent_commands_agent_id_idx;

-- ---------------------------------------------------------------------------------------------------
-- Command outcome notifications follow the history row, not the event trail
-- ---------------------------------------------------------------------------------------------------
-- With 'changes' as the default event log a completion writes no event, so the notification trigger moves
-- from agent_command_events to the history insert that every finish path makes (single, batch, sweeper).
-- Same recipients, kinds, preferences and dedup key as before; the WHEN clause skips the call entirely for
-- a command that nobody requested and that ended done (a daemon's routine work).
create or replace function private.agent_command_history_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  v_kind text := 'command.' || new.status::text;
  v_title text := left('Command ' || new.action || case new.status when 'done' then ' done' else ' failed' end, 300);
  v_data jsonb := jsonb_strip_nulls(jsonb_build_object('action', new.action, 'gateway_id', new.gateway_id,
    'agent_id', new.agent_id, 'exit_code', new.exit_code,
    'reason', case new.status when 'done' then 'completed' else coalesce(new.failure_code, 'failed') end,
    'attempt', new.attempt));
begin
  if new.requested_by is not null then
    insert into public.notifications (user_id, workspace_id, kind, title, body, entity_type, entity_id, data, dedup_key)
    select new.requested_by, new.workspace_id, v_kind, v_title, left(coalesce(new.last_error, ''), 4000), 'agent_command',
           new.id, v_data, new.id::text
    where exists (select 1 from public.workspace_members m
                  where m.workspace_id = new.workspace_id and m.user_id = new.requested_by)
      and private.notification_enabled(new.requested_by, v_kind, 'in_app')
    on conflict (user_id, kind, dedup_key) do nothing;
  elsif new.status = 'failed' then
    perform private.notify_workspace(new.workspace_id, 'admin', v_kind, v_title, left(coalesce(new.last_error, ''), 4000),
      'agent_command', new.id, v_data, new.id::text);
  end if;
  return null;
end
$$;
revoke all on function private.agent_command_history_notify() from public;
comment on function private.agent_command_history_notify() is
  'command.done to the requester; command.failed to the requester, else to the workspace admins. One per command and outcome; preferences respected. Fired by the move to history.';

drop trigger if exists agent_command_events_notify on public.agent_command_events;
drop function if exists private.agent_command_events_notify();
drop trigger if exists agent_command_history_notify on public.agent_command_history;
create trigger agent_command_history_notify
  after insert on public.agent_command_history
  for each row
  when (new.status = 'failed' or (new.status = 'done' and new.requested_by is not null))
  execute function private.agent_command_history_notify();

-- ---------------------------------------------------------------------------------------------------
-- Finish and lease in one call
-- ---------------------------------------------------------------------------------------------------
-- A runner's loop is "finish what I hold, lease what is next". Two calls cost two transactions, two
-- commits and two round trips per batch; one call costs one of each, which halves the fixed cost of a
-- job at batch size 1. The finish is exactly complete_commands / complete_inbox_items (every element
-- answered as the single call answers it), the lease exactly lease_command / lease_inbox_item, in that
-- order, in one transaction: a refusal (42501, bad arguments) raises and leaves both undone.

create or replace function private.complete_and_lease_commands(
  p_gateway_id uuid, p_items jsonb, p_limit int, p_lease_seconds int, p_request_id uuid
)
returns jsonb
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  v_completed jsonb := '[]'::jsonb;
  v_leased jsonb;
  v_answer jsonb;
  v record;
begin
  -- One element holding a live lease (a runner's usual case at batch size 1): the live-lease half of the
  -- single complete, which answers exactly as the batch would for it. Anything else, or a lease that is no
  -- longer live, goes to the batch finish, which also checks the input. [] finishes nothing.
  if jsonb_typeof(p_items) = 'array' and jsonb_array_length(p_items) = 1 and jsonb_typeof(p_items -> 0) = 'object' then
    select x.* into v from jsonb_to_recordset(p_items) as x(id uuid, lease_token uuid, result jsonb, exit_code int, stdout text, stderr text);
    if v.id is not null and v.lease_token is not null and octet_length(coalesce(v.result::text, '')) <= 262144 and coalesce(octet_length(v.stdout), 0) <= 1048576 and coalesce(octet_length(v.stderr), 0) <= 1048576 then
      v_answer := private.complete_command_live(v.id, v.lease_token, v.result, coalesce(v.exit_code, 0), v.stdout, v.stderr);
      if v_answer is not null then
        v_completed := jsonb_build_array(jsonb_build_object('id', v.id, 'result', v_answer));
      end if;
    end if;
  end if;
  if v_answer is null and p_items is distinct from '[]'::jsonb then
    select coalesce(jsonb_agg(jsonb_build_object('id', f.id, 'result', f.result) order by f.n), '[]') into v_completed
    from private.complete_commands(p_items) with ordinality f(id, result, n);
  end if;
  select coalesce(jsonb_agg(to_jsonb(l)), '[]') into v_leased
  from private.lease_command(p_gateway_id, p_limit, p_lease_seconds, p_request_id) l;
  return jsonb_build_object('completed', v_completed, 'leased', v_leased);
end
$$;
revoke all on function private.complete_and_lease_commands(uuid, jsonb, int, int, uuid) from public;
-- The public wrapper runs as its caller; the caller check is inside (queue_authorize).
grant execute on function private.complete_and_lease_commands(uuid, jsonb, int, int, uuid) to authenticated, service_role;

create or replace function public.complete_and_lease_commands(
  p_gateway_id uuid, p_items jsonb default '[]', p_limit int default 1, p_lease_seconds int default 60,
  p_request_id uuid default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.complete_and_lease_commands(p_gateway_id, p_items, p_limit, p_lease_seconds, p_request_id);
end
$$;
revoke all on function public.complete_and_lease_commands(uuid, jsonb, int, int, uuid) from public, anon;
grant execute on function public.complete_and_lease_commands(uuid, jsonb, int, int, uuid) to authenticated, service_role;
comment on function public.complete_and_lease_commands(uuid, jsonb, int, int, uuid) is
  'A runner''s loop in one call: completes p_items exactly as complete_commands does (JSON array of {id, lease_token, result?, exit_code?, stdout?, stderr?}; [] for none), then leases up to p_limit commands of p_gateway_id exactly as lease_command does, in one transaction. Returns {"completed": [{id, result}, ...] in input order, "leased": [lease_command rows as objects]}. Workspace admin or service_role.';

create or replace function private.complete_and_lease_inbox_items(
  p_agent_id uuid, p_items jsonb, p_limit int, p_lease_seconds int, p_request_id uuid
)
returns jsonb
language plpgsql
security definer
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
declare
  v_completed jsonb := '[]'::jsonb;
  v_leased jsonb;
  v_answer jsonb;
  v record;
begin
  -- One element holding a live lease (a runner's usual case at batch size 1): the live-lease half of the
  -- single complete, which answers exactly as the batch would for it. Anything else, or a lease that is no
  -- longer live, goes to the batch finish, which also checks the input. [] finishes nothing.
  if jsonb_typeof(p_items) = 'array' and jsonb_array_length(p_items) = 1 and jsonb_typeof(p_items -> 0) = 'object' then
    select x.* into v from jsonb_to_recordset(p_items) as x(id uuid, lease_token uuid, result jsonb);
    if v.id is not null and v.lease_token is not null and octet_length(coalesce(v.result::text, '')) <= 262144 then
      v_answer := private.complete_inbox_item_live(v.id, v.lease_token, v.result);
      if v_answer is not null then
        v_completed := jsonb_build_array(jsonb_build_object('id', v.id, 'result', v_answer));
      end if;
    end if;
  end if;
  if v_answer is null and p_items is distinct from '[]'::jsonb then
    select coalesce(jsonb_agg(jsonb_build_object('id', f.id, 'result', f.result) order by f.n), '[]') into v_completed
    from private.complete_inbox_items(p_items) with ordinality f(id, result, n);
  end if;
  select coalesce(jsonb_agg(to_jsonb(l)), '[]') into v_leased
  from private.lease_inbox_item(p_agent_id, p_limit, p_lease_seconds, p_request_id) l;
  return jsonb_build_object('completed', v_completed, 'leased', v_leased);
end
$$;
revoke all on function private.complete_and_lease_inbox_items(uuid, jsonb, int, int, uuid) from public;
-- The public wrapper runs as its caller; the caller check is inside (queue_authorize).
grant execute on function private.complete_and_lease_inbox_items(uuid, jsonb, int, int, uuid) to authenticated, service_role;

create or replace function public.complete_and_lease_inbox_items(
  p_agent_id uuid, p_items jsonb default '[]', p_limit int default 1, p_lease_seconds int default 120,
  p_request_id uuid default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
begin
  return private.complete_and_lease_inbox_items(p_agent_id, p_items, p_limit, p_lease_seconds, p_request_id);
end
$$;
revoke all on function public.complete_and_lease_inbox_items(uuid, jsonb, int, int, uuid) from public, anon;
grant execute on function public.complete_and_lease_inbox_items(uuid, jsonb, int, int, uuid) to authenticated, service_role;
comment on function public.complete_and_lease_inbox_items(uuid, jsonb, int, int, uuid) is
  'A dispatcher''s loop in one call: completes p_items exactly as complete_inbox_items does (JSON array of {id, lease_token, result?}; [] for none), then leases up to p_limit items of p_agent_id exactly as lease_inbox_item does, in one transaction. Returns {"completed": [{id, result}, ...] in input order, "leased": [lease_inbox_item rows as objects]}. Workspace admin or service_role.';

-- ---------------------------------------------------------------------------------------------------
-- Budget check with a cached plan
-- ---------------------------------------------------------------------------------------------------
-- Every inbox lease (and every enqueue of a command for an agent) asks whether the agent is blocked by its
-- budget. As a SQL function with SET search_path it cannot be inlined and its query was planned again on
-- every call; plpgsql keeps the plan for the session. Same signature, same answer.
create or replace function private.agent_budget_blocked(p_agent_id uuid)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return exists (
    select 1 from public.agent_budgets b
    where b.agent_id = p_agent_id and b.status = 'exceeded' and b.hard_cutoff and b.period_end > now());
end
$$;
