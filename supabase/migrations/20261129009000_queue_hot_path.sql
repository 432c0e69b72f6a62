-- Queue hot path: finished rows leave the hot tables, batch finishes, cheaper calls (docs/queues.md
-- "Hot path and history", docs/performance.md "Against pg-boss and graphile-worker").
--
-- What changes, on top of the command queue (agent_commands) and the inbox queue (agent_inbox_items):
--
-- 1. History tables. public.agent_command_history and public.agent_inbox_history INHERIT the hot tables
--    (same columns, same CHECK constraints). A row that reaches a terminal state is deleted from the hot
--    table and inserted into its history table in the same transaction, so the hot tables hold live rows
--    only and their indexes stay as small as the work in flight. Reading the hot table name
--    (`select ... from agent_commands`) still returns both live and finished rows (inheritance), under the
--    hot table's RLS policy; the hot path itself reads `only` the hot table. Finished rows keep their
--    outcome (finished_lease_token, finished_status), so a repeated complete/fail with the same token still
--    answers idempotent:true after the move.
-- 2. Events no longer reference the hot row by foreign key (the move would cascade them away). Deleting a
--    gateway/agent (cascade) or pruning history removes the rows' events through triggers instead.
-- 3. Batch finishes: complete_commands / fail_commands / complete_inbox_items / fail_inbox_items take a JSON
--    array of {id, lease_token, ...} and answer every element exactly as the single call would, in one
--    transaction (one round trip, one commit for a whole lease batch).
-- 4. Cheaper calls: the single finish does its work in one function (no lock helper, no nested checks),
--    the lease call only runs the reclaim pass when an index probe finds an expired lease, and the
--    updated_at triggers skip rows whose updated_at the RPC already set.
-- 5. Event log per workspace: settings.queue_event_log = 'all' (default: one event per transition) or
--    'changes' (no event for the four transitions the row itself records: enqueued -> created_at,
--    requested_by; leased -> lease_count; started -> started_at; completed -> finished_at,
--    finished_lease_token; every other transition is still logged: retries, failures, expiries, releases,
--    cancels, dead letters).
-- 6. Retention: private.prune_queue_history() deletes history older than each workspace's
--    settings.queue_history_retention_days (default 30) in batches; pg_cron job
--    `agentbase-queue-history-retention`, hourly.
--
-- Every function is created with `create or replace` under its existing signature, so the file applies on
-- top of itself and on top of a reorganised queue core alike.

-- ---------------------------------------------------------------------------------------------------
-- History tables
-- ---------------------------------------------------------------------------------------------------

create table if not exists public.agent_command_history ()
  inherits (public.agent_commands)
  with (fillfactor = 100, autovacuum_vacuum_insert_scale_factor = 0.05);
alter table public.agent_command_history set (fillfactor = 100, autovacuum_vacuum_insert_scale_factor = 0.05);

create table if not exists public.agent_inbox_history ()
  inherits (public.agent_inbox_items)
  with (fillfactor = 100, autovacuum_vacuum_insert_scale_factor = 0.05);
alter table public.agent_inbox_history set (fillfactor = 100, autovacuum_vacuum_insert_scale_factor = 0.05);

do $$
begin
  if not exists (select 1 from pg_constraint where conrelid = 'public.agent_command_history'::regclass
                 and conname = 'agent_command_history_pkey') then
    alter table public.agent_command_history add constraint agent_command_history_pkey primary key (id);
  end if;
  if not exists (select 1 from pg_constraint where conrelid = 'public.agent_command_history'::regclass
                 and conname = 'agent_command_history_terminal_check') then
    alter table public.agent_command_history add constraint agent_command_history_terminal_check
      check (status in ('done', 'failed', 'cancelled'));
  end if;
  -- Deleting a gateway deletes its finished commands too (as it does its live ones).
  if not exists (select 1 from pg_constraint where conrelid = 'public.agent_command_history'::regclass
                 and conname = 'agent_command_history_gateway_id_fkey') then
    alter table public.agent_command_history add constraint agent_command_history_gateway_id_fkey
      foreign key (gateway_id) references public.gateways (id) on delete cascade;
  end if;
  if not exists (select 1 from pg_constraint where conrelid = 'public.agent_inbox_history'::regclass
                 and conname = 'agent_inbox_history_pkey') then
    alter table public.agent_inbox_history add constraint agent_inbox_history_pkey primary key (id);
  end if;
  if not exists (select 1 from pg_constraint where conrelid = 'public.agent_inbox_history'::regclass
                 and conname = 'agent_inbox_history_terminal_check') then
    alter table public.agent_inbox_history add constraint agent_inbox_history_terminal_check
      check (status in ('done', 'dead_letter', 'cancelled'));
  end if;
  if not exists (select 1 from pg_constraint where conrelid = 'public.agent_inbox_history'::regclass
                 and conname = 'agent_inbox_history_agent_id_fkey') then
    alter table public.agent_inbox_history add constraint agent_inbox_history_agent_id_fkey
      foreign key (agent_id) references public.agents (id) on delete cascade;
  end if;
end $$;

-- RLS filter + retention order (workspace, finished_at); FK covers.
create index if not exists agent_command_history_workspace_id_idx on public.agent_command_history (workspace_id, finished_at);
create index if not exists agent_command_history_gateway_id_idx on public.agent_command_history (gateway_id);
create index if not exists agent_inbox_history_workspace_id_idx on public.agent_inbox_history (workspace_id, finished_at);
create index if not exists agent_inbox_history_agent_id_idx on public.agent_inbox_history (agent_id);

alter table public.agent_command_history enable row level security;
alter table public.agent_inbox_history enable row level security;
revoke all on table public.agent_command_history from anon, authenticated, service_role;
revoke all on table public.agent_inbox_history from anon, authenticated, service_role;
grant select on table public.agent_command_history to authenticated, service_role;
grant select on table public.agent_inbox_history to authenticated, service_role;

drop policy if exists agent_command_history_select on public.agent_command_history;
create policy agent_command_history_select on public.agent_command_history
  for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids())));
drop policy if exists agent_inbox_history_select on public.agent_inbox_history;
create policy agent_inbox_history_select on public.agent_inbox_history
  for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids())));

comment on table public.agent_command_history is
  'Finished commands (done, failed, cancelled), moved here from agent_commands in the transaction that finished them. Same columns; agent_commands (without ONLY) reads both. Pruned per workspace by settings.queue_history_retention_days (default 30). Read-only for API roles; agent_id is kept as a plain value after the agent is deleted.';
comment on table public.agent_inbox_history is
  'Finished inbox items (done, dead_letter, cancelled), moved here from agent_inbox_items in the transaction that finished them. Same columns; agent_inbox_items (without ONLY) reads both. Pruned per workspace by settings.queue_history_retention_days (default 30). Read-only for API roles.';

-- Events outlive the hot row: drop the foreign keys that would cascade them away on the move.
do $$
declare
  v record;
begin
  for v in
    select c.conname, c.conrelid::regclass as tbl
    from pg_constraint c
    where c.contype = 'f'
      and ((c.conrelid = 'public.agent_command_events'::regclass and c.confrelid = 'public.agent_commands'::regclass)
        or (c.conrelid = 'public.agent_inbox_events'::regclass and c.confrelid = 'public.agent_inbox_items'::regclass))
  loop
    execute format('alter table %s drop constraint %I', v.tbl, v.conname);
  end loop;
end $$;

-- What the foreign keys did on a real deletion: a cascaded delete of a hot row (gateway/agent/workspace
-- deletion; pg_trigger_depth() > 0) and any delete of a history row (cascade or retention) remove the
-- row's events. The move keeps them: it deletes and inserts in one statement, so when the delete's
-- trigger runs the row is already in history (checked, for an RPC called from inside another trigger);
-- an RPC called at the top level (depth 0) does not even fire it.
create or replace function private.queue_delete_row_events()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_table_name = 'agent_commands' then
    if not exists (select 1 from public.agent_command_history h where h.id = old.id) then
      delete from public.agent_command_events e where e.command_id = old.id;
    end if;
  elsif tg_table_name = 'agent_command_history' then
    delete from public.agent_command_events e where e.command_id = old.id;
  elsif tg_table_name = 'agent_inbox_items' then
    if not exists (select 1 from public.agent_inbox_history h where h.id = old.id) then
      delete from public.agent_inbox_events e where e.item_id = old.id;
    end if;
  else
    delete from public.agent_inbox_events e where e.item_id = old.id;
  end if;
  return null;
end
$$;
revoke all on function private.queue_delete_row_events() from public;

drop trigger if exists agent_commands_delete_events on public.agent_commands;
create trigger agent_commands_delete_events
  after delete on public.agent_commands
  for each row when (pg_trigger_depth() > 0) execute function private.queue_delete_row_events();
drop trigger if exists agent_command_history_delete_events on public.agent_command_history;
create trigger agent_command_history_delete_events
  after delete on public.agent_command_history
  for each row execute function private.queue_delete_row_events();
drop trigger if exists agent_inbox_items_delete_events on public.agent_inbox_items;
create trigger agent_inbox_items_delete_events
  after delete on public.agent_inbox_items
  for each row when (pg_trigger_depth() > 0) execute function private.queue_delete_row_events();
drop trigger if exists agent_inbox_history_delete_events on public.agent_inbox_history;
create trigger agent_inbox_history_delete_events
  after delete on public.agent_inbox_history
  for each row execute function private.queue_delete_row_events();

-- updated_at: the RPCs set it themselves on the hot path; the trigger covers every other update.
drop trigger if exists agent_commands_set_updated_at on public.agent_commands;
create trigger agent_commands_set_updated_at
  before update on public.agent_commands
  for each row when (new.updated_at is not distinct from old.updated_at)
  execute function private.set_updated_at();
drop trigger if exists agent_inbox_items_set_updated_at on public.agent_inbox_items;
create trigger agent_inbox_items_set_updated_at
  before update on public.agent_inbox_items
  for each row when (new.updated_at is not distinct from old.updated_at)
  execute function private.set_updated_at();

-- Rows that finished before this migration move now (a no-op when re-applied).
with moved as (
  delete from only public.agent_commands c where c.status in ('done', 'failed', 'cancelled') returning c.*
)
insert into public.agent_command_history select * from moved;
with moved as (
  delete from only public.agent_inbox_items i where i.status in ('done', 'dead_letter', 'cancelled') returning i.*
)
insert into public.agent_inbox_history select * from moved;

-- ---------------------------------------------------------------------------------------------------
-- Shared: caller check in one call
-- ---------------------------------------------------------------------------------------------------

-- The request role (what private.request_role() answers) without its function layers when PostgREST set
-- the role; raises 42501 unless the caller is trusted or an admin of p_workspace_id. Returns the role.
create or replace function private.queue_authorize(p_workspace_id uuid)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_role text := current_setting('role');
begin
  if v_role = 'none' then
    v_role := private.request_role();
  end if;
  if v_role not in ('service_role', 'postgres', 'supabase_admin') then
    perform private.assert_workspace_role(p_workspace_id, 'admin');
  end if;
  return v_role;
end
$$;
revoke all on function private.queue_authorize(uuid) from public;

-- ---------------------------------------------------------------------------------------------------
-- Commands
-- ---------------------------------------------------------------------------------------------------

-- Enqueue: unchanged, except that the 'enqueued' event follows the workspace's event-log setting.
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
  v_log boolean;
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

  select g.workspace_id, (w.settings ->> 'queue_event_log') is distinct from 'changes' into v_workspace_id, v_log
  from public.gateways g join public.workspaces w on w.id = g.workspace_id where g.id = p_gateway_id;
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
    where not i.deduplicated and v_log
  )
  select i.id, i.deduplicated from ins i;
end
$$;

-- Moves one finished command (already carrying its terminal values) from the hot table to history.
create or replace function private.command_to_history(r public.agent_commands)
returns void
language plpgsql
set search_path = ''
as $$
begin
  r.updated_at := now();
  -- One statement: the delete's after-row triggers run after the insert and see the row in history.
  with gone as (delete from only public.agent_commands c where c.id = r.id)
  insert into public.agent_command_history select r.*;
end
$$;
revoke all on function private.command_to_history(public.agent_commands) from public;

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
    select c.id, c.status, c.lease_token,
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
    from only public.agent_commands c
    where c.id = any (p_ids)
      and c.status in ('leased', 'running')
      and c.lease_expires_at < now()
  ), upd as (
    update only public.agent_commands c
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
        last_error = case when old.reason = 'cancelled' then c.last_error else old.reason end,
        failure_code = case when old.to_status = 'pending' then c.failure_code else old.reason end,
        updated_at = now()
    from old
    where c.id = old.id
      and c.lease_token = old.lease_token
      and c.status in ('leased', 'running')
    returning c.id, c.workspace_id, old.status as from_status, c.status as to_status, old.reason,
              c.attempt, c.lease_count
  ), ev as (
    insert into public.agent_command_events
      (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    select u.id, u.workspace_id, u.from_status, u.to_status, u.reason, u.attempt, u.lease_count, v_role, v_uid
    from upd u
  )
  select count(*) into v_count from upd;
  -- Expiries that ended the row move it to history (a later statement sees the update above).
  with moved as (
    delete from only public.agent_commands c
    where c.id = any (p_ids) and c.status in ('done', 'failed', 'cancelled')
    returning c.*
  )
  insert into public.agent_command_history select * from moved;
  return v_count;
end
$$;

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
      select c.id from only public.agent_commands c
      where c.status in ('leased', 'running') and c.lease_expires_at < now()
      order by c.lease_expires_at
      limit p_limit
      for update skip locked
    ) s;
  else
    select array_agg(s.id) into v_ids
    from (
      select c.id from only public.agent_commands c
      where c.gateway_id = p_gateway_id and c.status in ('leased', 'running') and c.lease_expires_at < now()
      order by c.lease_expires_at
      limit p_limit
      for update skip locked
    ) s;
  end if;
  return private.expire_command_leases(v_ids);
end
$$;

-- Lock a live command (hot table) or read a finished one (history), check the caller, return the row.
create or replace function private.lock_command_for_call(p_id uuid, p_lease_token uuid, p_check_token boolean default true)
returns public.agent_commands
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_commands;
begin
  if p_id is null then
    raise exception 'p_id must not be null' using errcode = '22004';
  end if;
  if p_check_token and p_lease_token is null then
    raise exception 'p_lease_token must not be null' using errcode = '22004';
  end if;
  select c.* into r from only public.agent_commands c where c.id = p_id for update;
  if not found then
    -- Finished rows never change again: no lock needed. A row moved by a concurrent finish we waited
    -- for is visible here (new statement, new snapshot).
    select h.* into r from public.agent_command_history h where h.id = p_id;
    if not found then
      raise exception 'p_id: command % does not exist', p_id using errcode = 'P0002';
    end if;
  end if;
  perform private.queue_authorize(r.workspace_id);
  return r;
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
  select g.workspace_id, (w.settings ->> 'queue_event_log') is distinct from 'changes' into v_workspace_id, v_log
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
    from cand
    where c.id = cand.id
      and c.status = 'pending'
      and c.workspace_id = v_workspace_id
    returning c.id, c.workspace_id, c.lease_token, c.attempt, c.lease_count, c.lease_expires_at, c.action,
              c.payload, c.agent_id, c.cancel_requested, c.priority, c.available_at
  ), ev as (
    insert into public.agent_command_events
      (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    select u.id, u.workspace_id, 'pending', 'leased', 'leased', u.attempt, u.lease_count, v_role, v_uid
    from upd u
    where v_log
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
  if (select w.settings ->> 'queue_event_log' from public.workspaces w where w.id = r.workspace_id) is distinct from 'changes' then
    perform private.log_command_event(r, 'leased', 'started');
  end if;
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
  update only public.agent_commands c
  set lease_expires_at = greatest(c.lease_expires_at, now() + make_interval(secs => p_extend_seconds)),
      last_heartbeat_at = now(), updated_at = now()
  where c.id = r.id
  returning c.* into r;
  return private.queue_result(true, null, r.status::text, r.lease_expires_at, r.cancel_requested, false,
                              r.attempt + case when r.status = 'leased' then 1 else 0 end);
end
$$;

-- The hot finish, in one function: lock, check the caller and the token, move the row to history, log.
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
  v_role text;
  v_from public.command_status;
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
  if (select w.settings ->> 'queue_event_log' from public.workspaces w where w.id = r.workspace_id) is distinct from 'changes' then
    insert into public.agent_command_events
      (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    values (r.id, r.workspace_id, v_from, 'done', 'completed', r.attempt, r.lease_count, v_role, auth.uid());
  end if;
  return jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null,
                            'cancel_requested', r.cancel_requested, 'idempotent', false, 'attempt', r.attempt);
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
  if v_to = 'pending' then
    update only public.agent_commands c
    set status = 'pending',
        lease_token = null, lease_request_id = null, leased_at = null, lease_expires_at = null,
        updated_at = now()
    where c.id = r.id
    returning c.* into r;
  else
    r.status := v_to;
    r.lease_token := null; r.lease_request_id := null; r.leased_at := null; r.lease_expires_at := null;
    r.finished_at := now();
    r.last_error := case when v_to = 'failed' then 'lease_limit' else r.last_error end;
    r.failure_code := case v_to when 'failed' then 'lease_limit' else 'cancelled' end;
    perform private.command_to_history(r);
  end if;
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
    r.status := 'cancelled'; r.finished_at := now(); r.failure_code := 'cancelled';
    r.cancel_requested := true; r.cancel_requested_at := now();
    perform private.command_to_history(r);
    perform private.log_command_event(r, 'pending', 'cancelled');
    return private.queue_result(true, null, 'cancelled', null, true, false, r.attempt);
  end if;
  -- leased/running: the holder sees the flag on its next call; an expiry ends the row as cancelled.
  if r.cancel_requested then
    return private.queue_result(true, null, r.status::text, r.lease_expires_at, true, true, r.attempt);
  end if;
  update only public.agent_commands c
  set cancel_requested = true, cancel_requested_at = now(), updated_at = now()
  where c.id = r.id
  returning c.* into r;
  perform private.log_command_event(r, r.status, 'cancel_requested');
  return private.queue_result(true, null, r.status::text, r.lease_expires_at, true, false, r.attempt);
end
$$;

-- Batch finishes: every element answered as the single call answers it, in input order, one transaction.
-- Elements are processed in id order (two batches over the same rows lock them in the same order).
-- An id that exists in neither table answers {ok:false, reason:'not_found'} instead of failing the batch.
create or replace function private.queue_check_items(p_items jsonb)
returns int
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_items is null then
    raise exception 'p_items must not be null' using errcode = '22004';
  end if;
  if jsonb_typeof(p_items) <> 'array' then
    raise exception 'p_items must be a JSON array (got %)', jsonb_typeof(p_items) using errcode = '22023';
  end if;
  if jsonb_array_length(p_items) > 1000 then
    raise exception 'p_items must hold at most 1000 elements (got %)', jsonb_array_length(p_items) using errcode = '22023';
  end if;
  if exists (select 1 from jsonb_array_elements(p_items) e where jsonb_typeof(e) <> 'object') then
    raise exception 'p_items elements must be JSON objects' using errcode = '22023';
  end if;
  return jsonb_array_length(p_items);
end
$$;
revoke all on function private.queue_check_items(jsonb) from public;

create or replace function private.complete_commands(p_items jsonb)
returns table (id uuid, result jsonb)
language plpgsql
security definer
set search_path = ''
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
            is distinct from 'changes'
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

create or replace function private.fail_commands(p_items jsonb)
returns table (id uuid, result jsonb)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_n int := private.queue_check_items(p_items);
  v_out jsonb[];
  v record;
begin
  if v_n = 0 then
    return;
  end if;
  v_out := array_fill(null::jsonb, array[v_n]);
  for v in
    select x.ord, x.id, x.lease_token, x.error, x.retryable, x.exit_code, x.stdout, x.stderr, x.retry_after_seconds
    from rows from (jsonb_to_recordset(p_items) as (id uuid, lease_token uuid, error text, retryable boolean, exit_code int, stdout text, stderr text, retry_after_seconds int)) with ordinality as x(id, lease_token, error, retryable, exit_code, stdout, stderr, retry_after_seconds, ord)
    order by x.id, x.ord
  loop
    if v.id is null then
      raise exception 'p_items[%].id must not be null', v.ord - 1 using errcode = '22004';
    end if;
    if not exists (select 1 from only public.agent_commands c where c.id = v.id)
       and not exists (select 1 from public.agent_command_history h where h.id = v.id) then
      v_out[v.ord::int] := private.queue_result(false, 'not_found', null, null, null, false, null);
    else
      v_out[v.ord::int] := private.fail_command(v.id, v.lease_token, v.error, coalesce(v.retryable, true), v.exit_code,
                                           v.stdout, v.stderr, v.retry_after_seconds);
    end if;
  end loop;
  return query
  select x.id, v_out[x.ord::int]
  from rows from (jsonb_to_recordset(p_items) as (id uuid)) with ordinality as x(id, ord)
  order by x.ord;
end
$$;

revoke all on function private.complete_commands(jsonb) from public;
revoke all on function private.fail_commands(jsonb) from public;
grant execute on function private.complete_commands(jsonb) to authenticated, service_role;
grant execute on function private.fail_commands(jsonb) to authenticated, service_role;

create or replace function public.complete_commands(p_items jsonb)
returns table (id uuid, result jsonb)
language plpgsql
set search_path = ''
as $$
begin
  return query select * from private.complete_commands(p_items);
end
$$;

create or replace function public.fail_commands(p_items jsonb)
returns table (id uuid, result jsonb)
language plpgsql
set search_path = ''
as $$
begin
  return query select * from private.fail_commands(p_items);
end
$$;

revoke all on function public.complete_commands(jsonb) from public, anon;
revoke all on function public.fail_commands(jsonb) from public, anon;
grant execute on function public.complete_commands(jsonb) to authenticated, service_role;
grant execute on function public.fail_commands(jsonb) to authenticated, service_role;

comment on function public.complete_commands(jsonb) is
  'Complete many leased commands in one transaction. p_items: JSON array (at most 1000) of {id, lease_token, result?, exit_code? (default 0), stdout?, stderr?}. Returns one row per element, in input order: (id, result), result being exactly what complete_command answers for that element ({ok:false, reason:''not_found''} for an unknown id). Workspace admin or service_role.';
comment on function public.fail_commands(jsonb) is
  'Fail many leased commands in one transaction. p_items: JSON array (at most 1000) of {id, lease_token, error, retryable? (default true), exit_code?, stdout?, stderr?, retry_after_seconds?}. Returns one row per element, in input order: (id, result), result being exactly what fail_command answers for that element ({ok:false, reason:''not_found''} for an unknown id). Workspace admin or service_role.';

-- ---------------------------------------------------------------------------------------------------
-- Inbox
-- ---------------------------------------------------------------------------------------------------

-- Enqueue: unchanged, except that the 'enqueued' event follows the workspace's event-log setting.
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
  v_log boolean;
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

  select a.workspace_id, (w.settings ->> 'queue_event_log') is distinct from 'changes' into v_workspace_id, v_log
  from public.agents a join public.workspaces w on w.id = a.workspace_id where a.id = p_agent_id;
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
    where not n.deduplicated and v_log
  )
  select n.id, n.deduplicated from ins n;
end
$$;

create or replace function private.inbox_item_to_history(r public.agent_inbox_items)
returns void
language plpgsql
set search_path = ''
as $$
begin
  r.updated_at := now();
  with gone as (delete from only public.agent_inbox_items i where i.id = r.id)
  insert into public.agent_inbox_history select r.*;
end
$$;
revoke all on function private.inbox_item_to_history(public.agent_inbox_items) from public;

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
    from only public.agent_inbox_items i
    where i.id = any (p_ids)
      and i.status = 'leased'
      and i.lease_expires_at < now()
  ), upd as (
    update only public.agent_inbox_items i
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
        failure_code = case when old.to_status = 'pending' then i.failure_code else old.reason end,
        updated_at = now()
    from old
    where i.id = old.id
      and i.lease_token = old.lease_token
      and i.status = 'leased'
    returning i.id, i.workspace_id, i.status as to_status, old.reason, i.attempt, i.lease_count
  ), ev as (
    insert into public.agent_inbox_events
      (item_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    select u.id, u.workspace_id, 'leased', u.to_status, u.reason, u.attempt, u.lease_count, v_role, v_uid
    from upd u
  )
  select count(*) into v_count from upd;
  with moved as (
    delete from only public.agent_inbox_items i
    where i.id = any (p_ids) and i.status in ('done', 'dead_letter', 'cancelled')
    returning i.*
  )
  insert into public.agent_inbox_history select * from moved;
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
      select i.id from only public.agent_inbox_items i
      where i.status = 'leased' and i.lease_expires_at < now()
      order by i.lease_expires_at
      limit p_limit
      for update skip locked
    ) s;
  else
    select array_agg(s.id) into v_ids
    from (
      select i.id from only public.agent_inbox_items i
      where i.agent_id = p_agent_id and i.status = 'leased' and i.lease_expires_at < now()
      order by i.lease_expires_at
      limit p_limit
      for update skip locked
    ) s;
  end if;
  return private.expire_inbox_leases(v_ids);
end
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
  if p_id is null then
    raise exception 'p_id must not be null' using errcode = '22004';
  end if;
  if p_check_token and p_lease_token is null then
    raise exception 'p_lease_token must not be null' using errcode = '22004';
  end if;
  select i.* into r from only public.agent_inbox_items i where i.id = p_id for update;
  if not found then
    select h.* into r from public.agent_inbox_history h where h.id = p_id;
    if not found then
      raise exception 'p_id: inbox item % does not exist', p_id using errcode = 'P0002';
    end if;
  end if;
  perform private.queue_authorize(r.workspace_id);
  return r;
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
  select a.workspace_id, (w.settings ->> 'queue_event_log') is distinct from 'changes' into v_workspace_id, v_log
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
    from pick
    where i.id = pick.id
      and i.status = 'pending'
      and i.workspace_id = v_workspace_id
    returning i.id, i.workspace_id, i.lease_token, i.attempt, i.lease_count, i.lease_expires_at, i.event_type,
              i.summary, i.context, i.subject_type, i.subject_id, i.cancel_requested, i.priority, i.available_at
  ), ev as (
    insert into public.agent_inbox_events
      (item_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    select u.id, u.workspace_id, 'pending', 'leased', 'leased', u.attempt, u.lease_count, v_role, v_uid
    from upd u
    where v_log
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
  update only public.agent_inbox_items i
  set lease_expires_at = greatest(i.lease_expires_at, now() + make_interval(secs => p_extend_seconds)),
      last_heartbeat_at = now(), updated_at = now()
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
  v_role text;
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
  if (select w.settings ->> 'queue_event_log' from public.workspaces w where w.id = r.workspace_id) is distinct from 'changes' then
    insert into public.agent_inbox_events
      (item_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)
    values (r.id, r.workspace_id, 'leased', 'done', 'completed', r.attempt, r.lease_count, v_role, auth.uid());
  end if;
  return jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null,
                            'cancel_requested', r.cancel_requested, 'idempotent', false, 'attempt', r.attempt);
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
  if v_to = 'pending' then
    update only public.agent_inbox_items i
    set status = 'pending',
        attempt = i.attempt - 1,
        lease_token = null, lease_request_id = null, leased_at = null, lease_expires_at = null,
        updated_at = now()
    where i.id = r.id
    returning i.* into r;
  else
    r.status := v_to; r.attempt := r.attempt - 1;
    r.lease_token := null; r.lease_request_id := null; r.leased_at := null; r.lease_expires_at := null;
    r.finished_at := now();
    r.last_error := case when v_to = 'dead_letter' then 'lease_limit' else r.last_error end;
    r.failure_code := case v_to when 'dead_letter' then 'lease_limit' else 'cancelled' end;
    perform private.inbox_item_to_history(r);
  end if;
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
    r.status := 'cancelled'; r.finished_at := now(); r.failure_code := 'cancelled';
    r.cancel_requested := true; r.cancel_requested_at := now();
    perform private.inbox_item_to_history(r);
    perform private.log_inbox_event(r, 'pending', 'cancelled');
    return private.queue_result(true, null, 'cancelled', null, true, false, r.attempt);
  end if;
  if r.cancel_requested then
    return private.queue_result(true, null, 'leased', r.lease_expires_at, true, true, r.attempt);
  end if;
  update only public.agent_inbox_items i
  set cancel_requested = true, cancel_requested_at = now(), updated_at = now()
  where i.id = r.id
  returning i.* into r;
  perform private.log_inbox_event(r, 'leased', 'cancel_requested');
  return private.queue_result(true, null, 'leased', r.lease_expires_at, true, false, r.attempt);
end
$$;

create or replace function private.complete_inbox_items(p_items jsonb)
returns table (id uuid, result jsonb)
language plpgsql
security definer
set search_path = ''
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
            is distinct from 'changes'
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

create or replace function private.fail_inbox_items(p_items jsonb)
returns table (id uuid, result jsonb)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_n int := private.queue_check_items(p_items);
  v_out jsonb[];
  v record;
begin
  if v_n = 0 then
    return;
  end if;
  v_out := array_fill(null::jsonb, array[v_n]);
  for v in
    select x.ord, x.id, x.lease_token, x.error, x.retryable, x.retry_after_seconds
    from rows from (jsonb_to_recordset(p_items) as (id uuid, lease_token uuid, error text, retryable boolean, retry_after_seconds int)) with ordinality as x(id, lease_token, error, retryable, retry_after_seconds, ord)
    order by x.id, x.ord
  loop
    if v.id is null then
      raise exception 'p_items[%].id must not be null', v.ord - 1 using errcode = '22004';
    end if;
    if not exists (select 1 from only public.agent_inbox_items i where i.id = v.id)
       and not exists (select 1 from public.agent_inbox_history h where h.id = v.id) then
      v_out[v.ord::int] := private.queue_result(false, 'not_found', null, null, null, false, null);
    else
      v_out[v.ord::int] := private.fail_inbox_item(v.id, v.lease_token, v.error, coalesce(v.retryable, true),
                                              v.retry_after_seconds);
    end if;
  end loop;
  return query
  select x.id, v_out[x.ord::int]
  from rows from (jsonb_to_recordset(p_items) as (id uuid)) with ordinality as x(id, ord)
  order by x.ord;
end
$$;

revoke all on function private.complete_inbox_items(jsonb) from public;
revoke all on function private.fail_inbox_items(jsonb) from public;
grant execute on function private.complete_inbox_items(jsonb) to authenticated, service_role;
grant execute on function private.fail_inbox_items(jsonb) to authenticated, service_role;

create or replace function public.complete_inbox_items(p_items jsonb)
returns table (id uuid, result jsonb)
language plpgsql
set search_path = ''
as $$
begin
  return query select * from private.complete_inbox_items(p_items);
end
$$;

create or replace function public.fail_inbox_items(p_items jsonb)
returns table (id uuid, result jsonb)
language plpgsql
set search_path = ''
as $$
begin
  return query select * from private.fail_inbox_items(p_items);
end
$$;

revoke all on function public.complete_inbox_items(jsonb) from public, anon;
revoke all on function public.fail_inbox_items(jsonb) from public, anon;
grant execute on function public.complete_inbox_items(jsonb) to authenticated, service_role;
grant execute on function public.fail_inbox_items(jsonb) to authenticated, service_role;

comment on function public.complete_inbox_items(jsonb) is
  'Complete many leased inbox items in one transaction. p_items: JSON array (at most 1000) of {id, lease_token, result?}. Returns one row per element, in input order: (id, result), result being exactly what complete_inbox_item answers for that element ({ok:false, reason:''not_found''} for an unknown id). Workspace admin or service_role.';
comment on function public.fail_inbox_items(jsonb) is
  'Fail many leased inbox items in one transaction. p_items: JSON array (at most 1000) of {id, lease_token, error, retryable? (default true), retry_after_seconds?}. Returns one row per element, in input order: (id, result), result being exactly what fail_inbox_item answers for that element ({ok:false, reason:''not_found''} for an unknown id). Workspace admin or service_role.';

-- ---------------------------------------------------------------------------------------------------
-- Retention
-- ---------------------------------------------------------------------------------------------------

-- Days of queue history a workspace keeps: settings.queue_history_retention_days (1..3650), default 30.
create or replace function private.queue_history_retention_days(p_settings jsonb)
returns int
language sql
immutable
set search_path = ''
as $$
  select case
    when jsonb_typeof(p_settings -> 'queue_history_retention_days') = 'number'
         and (p_settings ->> 'queue_history_retention_days') ~ '^[0-9]{1,4}$'
         and (p_settings ->> 'queue_history_retention_days')::int between 1 and 3650
      then (p_settings ->> 'queue_history_retention_days')::int
    else 30
  end
$$;
revoke all on function private.queue_history_retention_days(jsonb) from public;

-- Delete finished rows older than their workspace's retention, at most p_batch rows per statement and
-- p_max_rows per call (the cron job runs hourly, so a backlog drains over several runs without one long
-- transaction). Their events go with them (history delete trigger).
create or replace function private.prune_queue_history(p_batch int default 5000, p_max_rows int default 200000)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  w record;
  v_n int;
  v_commands bigint := 0;
  v_items bigint := 0;
begin
  for w in
    select ws.id, now() - make_interval(days => private.queue_history_retention_days(ws.settings)) as cutoff
    from public.workspaces ws
    where exists (select 1 from public.agent_command_history h where h.workspace_id = ws.id)
       or exists (select 1 from public.agent_inbox_history h where h.workspace_id = ws.id)
  loop
    loop
      exit when v_commands + v_items >= p_max_rows;
      delete from public.agent_command_history h
      where h.id in (select x.id from public.agent_command_history x
                     where x.workspace_id = w.id and x.finished_at < w.cutoff
                     order by x.finished_at limit p_batch);
      get diagnostics v_n = row_count;
      v_commands := v_commands + v_n;
      exit when v_n < p_batch;
    end loop;
    loop
      exit when v_commands + v_items >= p_max_rows;
      delete from public.agent_inbox_history h
      where h.id in (select x.id from public.agent_inbox_history x
                     where x.workspace_id = w.id and x.finished_at < w.cutoff
                     order by x.finished_at limit p_batch);
      get diagnostics v_n = row_count;
      v_items := v_items + v_n;
      exit when v_n < p_batch;
    end loop;
  end loop;
  return jsonb_build_object('commands', v_commands, 'inbox_items', v_items);
end
$$;
revoke all on function private.prune_queue_history(int, int) from public;

select cron.schedule('agentbase-queue-history-retention', '17 * * * *', 'select private.prune_queue_history()');

-- ---------------------------------------------------------------------------------------------------
-- Plans: generic, always
-- ---------------------------------------------------------------------------------------------------
-- plpgsql caches a plan per statement, but with parameters the plan cache keeps re-planning a custom plan
-- on every call while a custom plan looks cheaper than the generic one, which it does for the lease CTE.
-- Measured: lease_command on an empty queue cost ~3x more server time than with the generic plan. The
-- generic plans are the index plans the queries are written for (07_lease_plan asserts the lease index).
do $$
declare
  v_fn regprocedure;
begin
  foreach v_fn in array array[
    'private.expire_command_leases(uuid[])', 'private.reclaim_expired_commands(uuid, int)',
    'private.lock_command_for_call(uuid, uuid, boolean)', 'private.lease_command(uuid, int, int, uuid)',
    'private.start_command(uuid, uuid)', 'private.heartbeat_command(uuid, uuid, int)',
    'private.complete_command(uuid, uuid, jsonb, int, text, text)',
    'private.fail_command(uuid, uuid, text, boolean, int, text, text, int)', 'private.release_command(uuid, uuid)',
    'private.cancel_command(uuid)', 'private.command_to_history(public.agent_commands)',
    'private.complete_commands(jsonb)', 'private.fail_commands(jsonb)',
    'private.enqueue_command_unchecked(uuid, text, jsonb, uuid, int, timestamptz, int, text, boolean)',
    'private.expire_inbox_leases(uuid[])', 'private.reclaim_expired_inbox_items(uuid, int)',
    'private.lock_inbox_item_for_call(uuid, uuid, boolean)', 'private.lease_inbox_item(uuid, int, int, uuid)',
    'private.heartbeat_inbox_item(uuid, uuid, int)', 'private.complete_inbox_item(uuid, uuid, jsonb)',
    'private.fail_inbox_item(uuid, uuid, text, boolean, int)', 'private.release_inbox_item(uuid, uuid)',
    'private.cancel_inbox_item(uuid)', 'private.inbox_item_to_history(public.agent_inbox_items)',
    'private.complete_inbox_items(jsonb)', 'private.fail_inbox_items(jsonb)',
    'private.enqueue_inbox_item_unchecked(uuid, text, text, jsonb, text, uuid, int, timestamptz, int, text, boolean)'
  ]::regprocedure[]
  loop
    execute format('alter function %s set plan_cache_mode = force_generic_plan', v_fn);
  end loop;
end $$;

-- ---------------------------------------------------------------------------------------------------
-- RLS helper: the membership list in plpgsql
-- ---------------------------------------------------------------------------------------------------
-- Every workspace policy evaluates `array(select private.my_workspace_ids(...))` once per query. As a SQL
-- function with SET search_path it cannot be inlined and is planned again on every call; plpgsql keeps the
-- plan for the session. Same signature, same result. Measured with bench/rls.ts (1M commands, 1,000
-- workspaces): the fixed per-query cost of the policy for a member fell from ~0.10 ms to ~0.05 ms
-- (one command's events: 0.135 ms -> 0.089 ms as a member; 0.036-0.038 ms as service_role).
create or replace function private.my_workspace_ids(p_min_role public.workspace_role default 'viewer')
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return query
  select m.workspace_id
  from public.workspace_members m
  where m.user_id = (select auth.uid())
    and m.role >= p_min_role;
end
$$;
