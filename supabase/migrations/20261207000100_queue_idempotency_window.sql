-- Queue idempotency window: a dedup key remembered for a while, not only while its row is live
-- (docs/queues.md "Dedup: live rows, or an idempotency window").
--
-- Until now a dedup key was unique among the live rows of one queue (commands per gateway, inbox items per
-- agent): once the row finished, the same key enqueued a new row. HQ's inbox key was unique for ever, so
-- replaying a finished event there did nothing. Both behaviours are offered now, per workspace:
--
-- 1. settings.queue_idempotency_window_hours absent or 0 (the default): live dedup only, exactly as before.
-- 2. settings.queue_idempotency_window_hours = N (1 .. 24 x the workspace's queue_history_retention_days):
--    an enqueue with a dedup key also records (gateway or agent, key) -> row id for N hours in
--    private.agent_command_idempotency_keys / private.agent_inbox_idempotency_keys. While that record is
--    unexpired, the same key answers the recorded row's id with deduplicated = true, whether the row is
--    still live or already finished (in history). Live dedup keeps working underneath.
--
-- The window never outlasts history retention (a trigger on workspaces refuses a window longer than
-- 24 x retention days, and refuses shortening retention below the window), so a remembered id always names
-- a row that history still holds. Expired keys are pruned in batches by private.prune_queue_history (the
-- hourly retention job). The enqueue functions keep their signatures; only their bodies change here.
-- Runs as the non-superuser `postgres` role; every statement is idempotent.

-- ==================================================================================================
-- The workspace setting
-- ==================================================================================================

-- Validates settings.queue_idempotency_window_hours whenever a workspace's settings are written.
create or replace function private.workspaces_check_queue_settings()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_window jsonb := new.settings -> 'queue_idempotency_window_hours';
  v_max int := 24 * private.queue_history_retention_days(new.settings);
begin
  if v_window is null or v_window = 'null'::jsonb then
    return new;
  end if;
  if jsonb_typeof(v_window) <> 'number' or v_window::text !~ '^[0-9]{1,6}$' or v_window::text::int > v_max then
    raise exception 'settings.queue_idempotency_window_hours must be a whole number of hours from 0 (off) to % (24 x queue_history_retention_days, %), got %',
      v_max, v_max / 24, left(v_window::text, 80)
      using errcode = '22023';
  end if;
  return new;
end
$$;
revoke all on function private.workspaces_check_queue_settings() from public;

drop trigger if exists workspaces_check_queue_settings on public.workspaces;
create trigger workspaces_check_queue_settings
  before insert or update of settings on public.workspaces
  for each row execute function private.workspaces_check_queue_settings();

-- ==================================================================================================
-- Remembered keys
-- ==================================================================================================

create table if not exists private.agent_command_idempotency_keys (
  gateway_id uuid not null references public.gateways (id) on delete cascade,
  dedup_key text not null,
  command_id uuid not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (gateway_id, dedup_key)
);
create index if not exists agent_command_idempotency_keys_expires_at_idx
  on private.agent_command_idempotency_keys (expires_at);
alter table private.agent_command_idempotency_keys enable row level security;
revoke all on table private.agent_command_idempotency_keys from public, anon, authenticated, service_role;
-- RLS is on and this one policy admits nothing: no API role has a grant either, and only the definer
-- functions (run as the table owner) read and write the keys.
drop policy if exists agent_command_idempotency_keys_deny_api_roles on private.agent_command_idempotency_keys;
create policy agent_command_idempotency_keys_deny_api_roles on private.agent_command_idempotency_keys
  for all to anon, authenticated, service_role using (false) with check (false);
comment on table private.agent_command_idempotency_keys is
  'Dedup keys of agent commands remembered for the workspace''s settings.queue_idempotency_window_hours: (gateway_id, dedup_key) -> command_id until expires_at, whether the command is live or finished. Written only by private.enqueue_command_unchecked, pruned by private.prune_queue_history. No API role has access.';

create table if not exists private.agent_inbox_idempotency_keys (
  agent_id uuid not null references public.agents (id) on delete cascade,
  dedup_key text not null,
  item_id uuid not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (agent_id, dedup_key)
);
create index if not exists agent_inbox_idempotency_keys_expires_at_idx
  on private.agent_inbox_idempotency_keys (expires_at);
alter table private.agent_inbox_idempotency_keys enable row level security;
revoke all on table private.agent_inbox_idempotency_keys from public, anon, authenticated, service_role;
-- RLS is on and this one policy admits nothing: no API role has a grant either, and only the definer
-- functions (run as the table owner) read and write the keys.
drop policy if exists agent_inbox_idempotency_keys_deny_api_roles on private.agent_inbox_idempotency_keys;
create policy agent_inbox_idempotency_keys_deny_api_roles on private.agent_inbox_idempotency_keys
  for all to anon, authenticated, service_role using (false) with check (false);
comment on table private.agent_inbox_idempotency_keys is
  'Dedup keys of inbox items remembered for the workspace''s settings.queue_idempotency_window_hours: (agent_id, dedup_key) -> item_id until expires_at, whether the item is live or finished. Written only by private.enqueue_inbox_item_unchecked, pruned by private.prune_queue_history. No API role has access.';

-- ==================================================================================================
-- Enqueue: commands
-- ==================================================================================================

-- As in 20261129009000_queue_hot_path.sql, plus the window. With the window off (or no dedup key) the work
-- is the same as before: the setting is read by the query that already reads the workspace's settings.
-- With the window on, the key is claimed first (insert ... on conflict on the key's primary key): a
-- concurrent enqueue of the same key waits for the claim and then answers the claimed id; an unexpired key
-- answers its row; an expired one is taken over. The row is then inserted under the claimed id; if live
-- dedup returns an older live row instead, the key is pointed at that row.
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

  select g.workspace_id, (w.settings ->> 'queue_event_log') is distinct from 'changes',
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

-- ==================================================================================================
-- Enqueue: inbox
-- ==================================================================================================

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

  select a.workspace_id, (w.settings ->> 'queue_event_log') is distinct from 'changes',
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

-- ==================================================================================================
-- Retention: expired keys go with the hourly history prune
-- ==================================================================================================

-- As in 20261129009000_queue_hot_path.sql, plus a last step that deletes expired idempotency keys of both
-- queues, p_batch per statement and at most p_max_rows per call (reported as idempotency_keys).
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
  v_keys bigint := 0;
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

  -- Expired keys. The outer `expires_at < now()` is re-checked on a key an enqueue has just taken over
  -- (renewed) while this statement waited for it, so a renewed key is never deleted.
  loop
    exit when v_keys >= p_max_rows;
    delete from private.agent_command_idempotency_keys k
    where k.expires_at < now()
      and (k.gateway_id, k.dedup_key) in (select x.gateway_id, x.dedup_key from private.agent_command_idempotency_keys x
                                          where x.expires_at < now() order by x.expires_at limit p_batch);
    get diagnostics v_n = row_count;
    v_keys := v_keys + v_n;
    exit when v_n < p_batch;
  end loop;
  loop
    exit when v_keys >= p_max_rows;
    delete from private.agent_inbox_idempotency_keys k
    where k.expires_at < now()
      and (k.agent_id, k.dedup_key) in (select x.agent_id, x.dedup_key from private.agent_inbox_idempotency_keys x
                                        where x.expires_at < now() order by x.expires_at limit p_batch);
    get diagnostics v_n = row_count;
    v_keys := v_keys + v_n;
    exit when v_n < p_batch;
  end loop;

  return jsonb_build_object('commands', v_commands, 'inbox_items', v_items, 'idempotency_keys', v_keys);
end
$$;
revoke all on function private.prune_queue_history(int, int) from public;
