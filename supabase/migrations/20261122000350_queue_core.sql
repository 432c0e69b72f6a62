-- Queue core: what both agentbase queues share. A queue is a table of leasable rows plus an append-only
-- events table, driven only through RPCs; its contract (lease tokens, idempotent finishes, expiry, the
-- sweeper) is described in docs/queues.md and summarised in docs/architecture.md.
--
-- This file holds, once:
--   * the helpers every queue RPC calls (result shape, retry delay, argument checks, the append-only guard);
--   * the budget hook the inbox lease consults (a stub until budgets land; created only when absent);
--   * the queue builder: the shared table shape, the events table, access rules, the follow-up skeleton
--     (lock, authorise, stale-token answer), reclaim/sweep loops, heartbeat, release, cancel, the public
--     wrappers, and private.sweep_queues() with its pg_cron job. Each queue migration (20261122000400_command_queue.sql,
--     20261122000500_inbox_queue.sql) describes only what differs and asks the builder for the rest.
--
-- The builder renders templates with the queue's names into ordinary static SQL and PL/pgSQL when the
-- migration runs: the functions it creates contain no dynamic SQL, so the hot path plans and caches as
-- hand-written code does. The builder is migration-time only: the last queue migration drops it, so it
-- leaves nothing in the schema.

-- ===========================================================================================
-- Shared helpers
-- ===========================================================================================

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

-- ===========================================================================================
-- Budget hook
-- ===========================================================================================

-- True when the agent's budget is exceeded with hard cutoff on; lease_inbox_item then leases nothing.
-- The budgets domain replaces this stub, so it is created only when absent: re-applying this file never
-- reverts the real implementation.
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

-- ===========================================================================================
-- Queue builder (migration-time only; dropped by the last queue migration)
-- ===========================================================================================

-- A queue migration first stores its spec (names and the few expressions that differ) in the session
-- setting agentbase.queue_spec, then calls the builder. Placeholders are {{key}}: a spec key, a builder
-- variable (call), or one of the shared fragments below.
--
-- Spec keys: table, a / ea (row aliases), item / items / short (function name stems), noun, status_type,
-- events, event_key, owner (gateway | agent), oa (owner alias), live / not_live (status tests of a live
-- lease), open (statuses under the dedup key), terminal, ended (terminal minus cancelled), live_from /
-- reported_status / reported_attempt (what heartbeat and cancel report), limit_status (where the lease
-- limit ends a row), release_guard / release_refund, heartbeat_default, the table slots cols_subject /
-- cols_flags / cols_started / cols_output / constraints, and api (public name -> public argument list,
-- for the RPCs the queue exposes besides heartbeat, release and cancel).

create or replace function private.queue_render(p_text text, p_vars jsonb default '{}'::jsonb)
returns text
language plpgsql
stable
set search_path = ''
as $builder$
declare
  v_vars jsonb := coalesce(nullif(current_setting('agentbase.queue_spec', true), '')::jsonb, '{}'::jsonb)
                  || jsonb_strip_nulls(p_vars)
                  || jsonb_build_object(
    -- Lock the row for a follow-up call and authorise the caller; a token that is not the live one gets
    -- the stale answer (idempotent replay, lease_lost or already_terminal) and nothing is written.
    'follow_up', $f$
  r := private.lock_{{item}}_for_call(p_id, p_lease_token);
  if r.status {{not_live}} or r.lease_token is distinct from p_lease_token then
    return private.{{short}}_stale_result(r, p_lease_token, '{{call}}');
  end if;$f$,
    -- The owner row (gateway or agent) names the workspace; unknown owners are P0002.
    'find_owner', $f$
  select {{oa}}.workspace_id into v_workspace_id from public.{{owner}}s {{oa}} where {{oa}}.id = p_{{owner}}_id;
  if not found then
    raise exception 'p_{{owner}}_id: {{owner}} % does not exist', p_{{owner}}_id using errcode = 'P0002';
  end if;$f$,
    'event_insert', $f$
    insert into public.{{events}}
      ({{event_key}}, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id)$f$,
    'clear_lease', $f$lease_token = null, lease_request_id = null, leased_at = null, lease_expires_at = null$f$,
    -- Declarations of the functions that write events for an owner (enqueue, lease).
    'owner_declare', $f$#variable_conflict use_column
declare
  v_role text := private.request_role();
  v_uid uuid := auth.uid();
  v_workspace_id uuid;$f$,
    -- Lease arguments, the owner, and the caller (admins of the owner's workspace, or trusted callers).
    'lease_prologue', $f$
  perform private.queue_check_not_null('p_{{owner}}_id', p_{{owner}}_id is null);
  perform private.queue_check_range('p_limit', p_limit, 1, 100);
  perform private.queue_check_range('p_lease_seconds', p_lease_seconds, 5, 3600);{{find_owner}}
  perform private.assert_workspace_role(v_workspace_id, 'admin');$f$,
    'return_if_found', $f$
    if found then
      return;
    end if;$f$,
    -- The enqueue upsert: a live row with the same (owner, dedup_key) is returned instead of a new one,
    -- and only a new row gets its 'enqueued' event.
    'enqueue_tail', $f$
    on conflict ({{owner}}_id, dedup_key) where dedup_key is not null and status in ({{open}})
    do update set dedup_key = excluded.dedup_key
    returning {{a}}.id, {{a}}.workspace_id, {{a}}.attempt, {{a}}.lease_count, ({{a}}.xmax <> 0) as deduplicated
  ), ev as ({{event_insert}}
    select {{ea}}.id, {{ea}}.workspace_id, null, 'pending', 'enqueued', {{ea}}.attempt, {{ea}}.lease_count, v_role, v_uid
    from ins {{ea}}
    where not {{ea}}.deduplicated
  )
  select {{ea}}.id, {{ea}}.deduplicated from ins {{ea}};$f$,
    -- expire_<short>_leases(p_ids): the ids were locked by the caller; an empty list settles nothing.
    'expire_declare', $f$
declare
  v_role text := private.request_role();
  v_uid uuid := auth.uid();
  v_count int;
begin
  if p_ids is null or cardinality(p_ids) = 0 then
    return 0;
  end if;$f$,
    'expire_tail', $f$
  select count(*) into v_count from upd;
  return v_count;$f$,
    'fail_checks', $f$
  perform private.queue_check_not_null('p_error', p_error is null);
  perform private.queue_check_not_null('p_retryable', p_retryable is null);
  perform private.queue_check_text('p_error', p_error, 65536);$f$);
  v_text text := p_text;
  v_key text;
  v_round int := 0;
begin
  while v_text ~ '\{\{\w+\}\}' and v_round < 4 loop
    for v_key in select jsonb_object_keys(v_vars) loop
      v_text := replace(v_text, '{{' || v_key || '}}', v_vars ->> v_key);
    end loop;
    v_round := v_round + 1;
  end loop;
  if v_text ~ '\{\{\w+\}\}' then
    raise exception 'queue builder: unknown placeholder %', substring(v_text from '\{\{\w+\}\}') using errcode = '22023';
  end if;
  return v_text;
end
$builder$;

-- Creates or replaces one private SECURITY DEFINER queue function from its signature and PL/pgSQL body;
-- p_call names the follow-up call for the stale answer. API functions are executable by the API roles.
create or replace function private.queue_define(
  p_call text, p_signature text, p_returns text, p_body text, p_api boolean default true
)
returns void
language plpgsql
set search_path = ''
as $builder$
declare
  v_name text := private.queue_render(split_part(p_signature, '(', 1), jsonb_build_object('call', p_call));
  v_fn regprocedure;
begin
  execute private.queue_render(
    'create or replace function private.' || p_signature || E'\nreturns ' || p_returns
    || E'\nlanguage plpgsql\nsecurity definer\nset search_path = ''''\nas $fn$' || p_body || '$fn$',
    jsonb_build_object('call', p_call));
  select p.oid::regprocedure into v_fn from pg_catalog.pg_proc p
  where p.pronamespace = 'private'::regnamespace and p.proname = v_name;
  execute format('revoke all on function %s from public', v_fn);
  if p_api then
    execute format('grant execute on function %s to authenticated, service_role', v_fn);
  end if;
end
$builder$;

-- The queue table in the shared shape (the queue's own columns go into four slots, in column order),
-- its lease invariants, storage settings, indexes, events table, row-level security and realtime.
create or replace function private.queue_build_tables()
returns void
language plpgsql
set search_path = ''
as $builder$
begin
  execute private.queue_render($tpl$
create table if not exists public.{{table}} (
  id uuid primary key default gen_random_uuid(),
  -- Copied from the owner at enqueue (RLS boundary). The owner FK cascades workspace deletion.
  workspace_id uuid not null,
{{cols_subject}}
  status public.{{status_type}} not null default 'pending',
  priority int not null default 0 check (priority between -1000 and 1000),
  available_at timestamptz not null default now(),
  attempt int not null default 0,
  max_attempts int not null default 3 check (max_attempts between 1 and 100),
  -- lease_count = times handed out, capped by max_leases.
  lease_count int not null default 0,
  max_leases int not null default 10 check (max_leases between 1 and 1000),
{{cols_flags}}
  dedup_key text check (length(dedup_key) between 1 and 200),
  lease_token uuid,
  lease_request_id uuid,
  leased_at timestamptz,
  lease_expires_at timestamptz,
{{cols_started}}
  last_heartbeat_at timestamptz,
  finished_at timestamptz,
  -- The token of the lease that last ended with complete/fail, and the status it produced: a repeated
  -- complete/fail with that token returns this outcome with idempotent:true.
  finished_lease_token uuid,
  finished_status public.{{status_type}},
  cancel_requested boolean not null default false,
  cancel_requested_at timestamptz,
  result jsonb,
{{cols_output}}
  last_error text,
  failure_code text,
  requested_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
{{constraints}}
  constraint {{table}}_attempts_check check (attempt between 0 and max_attempts),
  constraint {{table}}_leases_check check (lease_count between 0 and max_leases),
  -- Lease columns are set exactly while a lease is live.
  constraint {{table}}_lease_columns_check check (
    case when status {{live}}
      then lease_token is not null and lease_expires_at is not null and leased_at is not null
      else lease_token is null and lease_expires_at is null and leased_at is null and lease_request_id is null
    end),
  -- finished_at is set exactly in the terminal states.
  constraint {{table}}_finished_check check ((finished_at is not null) = (status in ({{terminal}}))),
  -- A pending row can always be leased once more.
  constraint {{table}}_pending_check check (
    status <> 'pending' or (attempt < max_attempts and lease_count < max_leases)),
  constraint {{table}}_finish_pair_check check ((finished_lease_token is null) = (finished_status is null))
)$tpl$);
  -- Hot, short-lived rows: leave room for HOT updates, vacuum and analyze early. Set again on re-apply
  -- (create table if not exists leaves an existing table as it was).
  execute private.queue_render($tpl$
alter table public.{{table}} set (
  fillfactor = 80,
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_analyze_scale_factor = 0.02,
  autovacuum_vacuum_insert_scale_factor = 0.02
)$tpl$);

  -- Leasable set only (terminal history never enters it); live leases only (expiry reclaim and
  -- idempotent-lease lookups); dedup_key unique among open rows of one owner; RLS filter and FK covers.
  execute private.queue_render($tpl$
create index if not exists {{table}}_lease_idx
  on public.{{table}} ({{owner}}_id, priority desc, available_at, id)
  where status = 'pending';
create index if not exists {{table}}_live_idx
  on public.{{table}} ({{owner}}_id, lease_expires_at)
  where status {{live}};
create unique index if not exists {{table}}_dedup_key_idx
  on public.{{table}} ({{owner}}_id, dedup_key)
  where dedup_key is not null and status in ({{open}});
create index if not exists {{table}}_workspace_id_idx on public.{{table}} (workspace_id, created_at);
create index if not exists {{table}}_{{owner}}_id_idx on public.{{table}} ({{owner}}_id, created_at);

drop trigger if exists {{table}}_set_updated_at on public.{{table}};
create trigger {{table}}_set_updated_at
  before update on public.{{table}}
  for each row execute function private.set_updated_at();

create table if not exists public.{{events}} (
  id bigint generated always as identity primary key,
  {{event_key}} uuid not null references public.{{table}} (id) on delete cascade,
  -- Copied from the row (RLS boundary); the row FK cascades workspace deletion.
  workspace_id uuid not null,
  from_status public.{{status_type}},
  to_status public.{{status_type}} not null,
  reason text not null,
  attempt int not null,
  lease_count int not null,
  actor_role text not null,
  actor_user_id uuid,
  detail jsonb,
  created_at timestamptz not null default now()
);
create index if not exists {{events}}_{{event_key}}_idx on public.{{events}} ({{event_key}}, id);
create index if not exists {{events}}_workspace_id_idx on public.{{events}} (workspace_id, created_at);

drop trigger if exists {{events}}_append_only on public.{{events}};
create trigger {{events}}_append_only
  before update or delete on public.{{events}}
  for each row execute function private.queue_events_append_only();

-- Members of the workspace read; nobody writes directly (the queue RPCs are the only writers).
alter table public.{{table}} enable row level security;
alter table public.{{events}} enable row level security;
revoke all on table public.{{table}} from anon, authenticated, service_role;
revoke all on table public.{{events}} from anon, authenticated, service_role;
grant select on table public.{{table}} to authenticated, service_role;
grant select on table public.{{events}} to authenticated, service_role;

drop policy if exists {{table}}_select on public.{{table}};
create policy {{table}}_select on public.{{table}}
  for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids())));
drop policy if exists {{events}}_select on public.{{events}};
create policy {{events}}_select on public.{{events}}
  for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids())));
$tpl$);

  -- What the shared columns mean, for Studio and the API docs.
  execute private.queue_render($tpl$
comment on column public.{{table}}.workspace_id is 'Copied from the {{owner}} at enqueue: the RLS boundary.';
comment on column public.{{table}}.attempt is 'Attempts counted so far (see docs/queues.md for when each queue counts one).';
comment on column public.{{table}}.lease_count is 'Times the row was handed out; at max_leases it ends instead of being leased again.';
comment on column public.{{table}}.dedup_key is 'Optional: unique among the open rows of one {{owner}}; enqueue returns the open row instead of a new one.';
comment on column public.{{table}}.lease_token is 'The live lease''s token, minted by every lease; follow-up calls must name it. Null when not leased.';
comment on column public.{{table}}.lease_request_id is 'The p_request_id of the lease call that holds the row: repeating that call returns it again.';
comment on column public.{{table}}.finished_lease_token is 'The token of the lease that last completed or failed the row: a repeat of that call is answered idempotently.';
comment on column public.{{table}}.cancel_requested is 'Set by cancel while leased: the holder sees it on its next call; an expiry then ends the row as cancelled.';
comment on column public.{{table}}.failure_code is 'Why the row failed or ended: permanent, attempts_exhausted, lease_limit, lease_expired, cancelled ...';
comment on table public.{{events}} is 'Append-only history of {{table}}: one row per transition (who, when, from, to, attempt). Members of the workspace read it.';
$tpl$);

  -- Realtime: consumers subscribe to inserts (a hint; they also poll).
  if exists (select 1 from pg_catalog.pg_publication where pubname = 'supabase_realtime')
     and not exists (select 1 from pg_catalog.pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = 'public'
                       and tablename = private.queue_render('{{table}}')) then
    execute private.queue_render('alter publication supabase_realtime add table public.{{table}}');
  end if;
end
$builder$;

-- The functions whose shape both queues share, then the public wrappers of every RPC of the queue, and
-- the sweeper over every queue built so far.
create or replace function private.queue_build_functions()
returns void
language plpgsql
set search_path = ''
as $builder$
declare
  v_spec jsonb := current_setting('agentbase.queue_spec')::jsonb;
  v_rpc record;
  v_private regprocedure;
  v_public regprocedure;
  v_sweepers text;
  v_args text;
  v_call text;
begin
  -- Reclaim up to p_limit expired leases, for one owner (lease path) or all of them (sweeper, null).
  perform private.queue_define(null, 'reclaim_expired_{{items}}(p_{{owner}}_id uuid, p_limit int default 100)', 'int', $body$
declare
  v_ids uuid[];
begin
  if p_{{owner}}_id is null then
    select array_agg(s.id) into v_ids
    from (
      select {{a}}.id from public.{{table}} {{a}}
      where {{a}}.status {{live}} and {{a}}.lease_expires_at < now()
      order by {{a}}.lease_expires_at
      limit p_limit
      for update skip locked
    ) s;
  else
    select array_agg(s.id) into v_ids
    from (
      select {{a}}.id from public.{{table}} {{a}}
      where {{a}}.{{owner}}_id = p_{{owner}}_id and {{a}}.status {{live}} and {{a}}.lease_expires_at < now()
      order by {{a}}.lease_expires_at
      limit p_limit
      for update skip locked
    ) s;
  end if;
  return private.expire_{{short}}_leases(v_ids);
end
$body$, false);

  -- Settle every expired lease in batches (up to 50 per run); private.sweep_queues() calls this.
  perform private.queue_define(null, 'sweep_expired_{{items}}(p_batch int default 1000)', 'int', $body$
declare
  v_total int := 0;
  v_n int;
  v_round int := 0;
begin
  loop
    v_n := private.reclaim_expired_{{items}}(null, p_batch);
    v_total := v_total + v_n;
    v_round := v_round + 1;
    exit when v_n < p_batch or v_round >= 50;
  end loop;
  return v_total;
end
$body$, false);

  -- Lock one row for a follow-up call, check the caller (admins of its workspace; trusted callers pass
  -- inside assert_workspace_role), return the row.
  perform private.queue_define(null,
    'lock_{{item}}_for_call(p_id uuid, p_lease_token uuid, p_check_token boolean default true)',
    'public.{{table}}', $body$
declare
  r public.{{table}};
begin
  perform private.queue_check_not_null('p_id', p_id is null);
  if p_check_token then
    perform private.queue_check_not_null('p_lease_token', p_lease_token is null);
  end if;
  select {{a}}.* into r from public.{{table}} {{a}} where {{a}}.id = p_id for update;
  if not found then
    raise exception 'p_id: {{noun}} % does not exist', p_id using errcode = 'P0002';
  end if;
  perform private.assert_workspace_role(r.workspace_id, 'admin');
  return r;
end
$body$, false);

  -- The answer to a follow-up whose token is not the live one: an idempotent replay of the finish that
  -- token already made, or lease_lost / already_terminal. Invoker and stable: it only reads its row.
  execute private.queue_render($tpl$
create or replace function private.{{short}}_stale_result(r public.{{table}}, p_lease_token uuid, p_call text)
returns jsonb
language plpgsql
stable
set search_path = ''
as $fn$
begin
  if r.finished_lease_token = p_lease_token
     and ((p_call = 'complete' and r.finished_status = 'done')
          or (p_call = 'fail' and r.finished_status <> 'done')) then
    return private.queue_result(true, null, r.finished_status::text, null, r.cancel_requested, true, r.attempt);
  end if;
  if r.status in ({{terminal}}) then
    return private.queue_result(false, 'already_terminal', r.status::text, null, r.cancel_requested, false, r.attempt);
  end if;
  return private.queue_result(false, 'lease_lost', r.status::text, null, r.cancel_requested, false, r.attempt);
end
$fn$;
revoke all on function private.{{short}}_stale_result(public.{{table}}, uuid, text) from public;

-- One event row per transition, written by the definer RPCs.
create or replace function private.log_{{short}}_event(
  r public.{{table}},
  p_from public.{{status_type}},
  p_reason text,
  p_detail jsonb default null
)
returns void
language plpgsql
set search_path = ''
as $fn$
begin
  insert into public.{{events}}
    ({{event_key}}, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role, actor_user_id, detail)
  values (r.id, r.workspace_id, p_from, r.status, p_reason, r.attempt, r.lease_count,
          private.request_role(), auth.uid(), p_detail);
end
$fn$;
revoke all on function private.log_{{short}}_event(public.{{table}}, public.{{status_type}}, text, jsonb) from public;
$tpl$);

  -- Enqueue for API callers: admins of the owner's workspace (or trusted callers), then the unchecked path
  -- (the queue's own enqueue_<item>_unchecked, whose arguments it takes and passes on).
  select pg_catalog.pg_get_function_arguments(p.oid), array_to_string(p.proargnames[1:p.pronargs], ', ')
  into v_args, v_call
  from pg_catalog.pg_proc p
  where p.pronamespace = 'private'::regnamespace and p.proname = private.queue_render('enqueue_{{item}}_unchecked');
  perform private.queue_define(null, 'enqueue_{{item}}(' || v_args || ')',
    'table (id uuid, deduplicated boolean)', replace($body$
#variable_conflict use_column
declare
  v_workspace_id uuid;
begin
  perform private.queue_check_not_null('p_{{owner}}_id', p_{{owner}}_id is null);{{find_owner}}
  perform private.assert_workspace_role(v_workspace_id, 'admin');
  return query select * from private.enqueue_{{item}}_unchecked({{enqueue_call}});
end
$body$, '{{enqueue_call}}', v_call));

  -- Extends a live lease (never shortens it; at most now() + 3600 s).
  perform private.queue_define('heartbeat', 'heartbeat_{{item}}(p_id uuid, p_lease_token uuid, p_extend_seconds int)', 'jsonb', $body$
declare
  r public.{{table}};
begin
  perform private.queue_check_range('p_extend_seconds', p_extend_seconds, 5, 3600);{{follow_up}}
  update public.{{table}} {{a}}
  set lease_expires_at = greatest({{a}}.lease_expires_at, now() + make_interval(secs => p_extend_seconds)),
      last_heartbeat_at = now()
  where {{a}}.id = r.id
  returning {{a}}.* into r;
  return private.queue_result(true, null, {{reported_status}}, r.lease_expires_at, r.cancel_requested, false,
                              {{reported_attempt}});
end
$body$);

  -- Give a leased row back: pending again (no attempt cost), cancelled when requested, or ended by the
  -- lease limit. {{release_guard}} refuses what may no longer be given back; {{release_refund}} undoes
  -- what the lease counted.
  perform private.queue_define('release', 'release_{{item}}(p_id uuid, p_lease_token uuid)', 'jsonb', $body$
declare
  r public.{{table}};
  v_to public.{{status_type}};
begin{{follow_up}}{{release_guard}}
  v_to := case
    when r.cancel_requested then 'cancelled'
    when r.lease_count >= r.max_leases then '{{limit_status}}'
    else 'pending'
  end::public.{{status_type}};
  update public.{{table}} {{a}}
  set status = v_to,{{release_refund}} {{clear_lease}},
      finished_at = case when v_to = 'pending' then null else now() end,
      last_error = case when v_to = '{{limit_status}}' then 'lease_limit' else {{a}}.last_error end,
      failure_code = case v_to when '{{limit_status}}' then 'lease_limit' when 'cancelled' then 'cancelled' else {{a}}.failure_code end
  where {{a}}.id = r.id
  returning {{a}}.* into r;
  perform private.log_{{short}}_event(r, 'leased',
    case v_to when 'pending' then 'released' when 'cancelled' then 'cancelled' else 'lease_limit' end);
  return private.queue_result(true, null, v_to::text, null, r.cancel_requested, false, r.attempt);
end
$body$);

  -- Cancel: a pending row ends at once; a leased one is flagged (the holder sees cancel_requested on its
  -- next call, and an expiry ends it as cancelled). Cancelling twice is idempotent.
  perform private.queue_define(null, 'cancel_{{item}}(p_id uuid)', 'jsonb', $body$
declare
  r public.{{table}};
begin
  r := private.lock_{{item}}_for_call(p_id, null, false);
  if r.status = 'cancelled' then
    return private.queue_result(true, null, 'cancelled', null, r.cancel_requested, true, r.attempt);
  end if;
  if r.status in ({{ended}}) then
    return private.queue_result(false, 'already_terminal', r.status::text, null, r.cancel_requested, false, r.attempt);
  end if;
  if r.status = 'pending' then
    update public.{{table}} {{a}}
    set status = 'cancelled', finished_at = now(), failure_code = 'cancelled',
        cancel_requested = true, cancel_requested_at = now()
    where {{a}}.id = r.id
    returning {{a}}.* into r;
    perform private.log_{{short}}_event(r, 'pending', 'cancelled');
    return private.queue_result(true, null, 'cancelled', null, true, false, r.attempt);
  end if;
  if r.cancel_requested then
    return private.queue_result(true, null, {{reported_status}}, r.lease_expires_at, true, true, r.attempt);
  end if;
  update public.{{table}} {{a}}
  set cancel_requested = true, cancel_requested_at = now()
  where {{a}}.id = r.id
  returning {{a}}.* into r;
  perform private.log_{{short}}_event(r, {{live_from}}, 'cancel_requested');
  return private.queue_result(true, null, {{reported_status}}, r.lease_expires_at, true, false, r.attempt);
end
$body$);

  -- Public RPCs: thin SECURITY INVOKER wrappers over the private definer functions, so no definer
  -- function sits in an exposed schema. Same name, the public argument list (with defaults), same result.
  for v_rpc in
    select e.key as name, private.queue_render(e.value) as args
    from jsonb_each_text(v_spec -> 'api' || private.queue_render(
      '{"heartbeat_{{item}}": "p_id uuid, p_lease_token uuid, p_extend_seconds int default {{heartbeat_default}}",'
      || ' "release_{{item}}": "p_id uuid, p_lease_token uuid", "cancel_{{item}}": "p_id uuid"}')::jsonb) e
  loop
    select p.oid::regprocedure into v_private from pg_catalog.pg_proc p
    where p.pronamespace = 'private'::regnamespace and p.proname = v_rpc.name;
    execute (
      select format(
        E'create or replace function public.%I(%s)\nreturns %s\nlanguage plpgsql\nset search_path = %L\nas $fn$\nbegin\n  %s private.%I(%s);\nend\n$fn$',
        v_rpc.name, v_rpc.args, pg_catalog.pg_get_function_result(p.oid), '',
        case when p.proretset then 'return query select * from' else 'return' end,
        v_rpc.name, array_to_string(p.proargnames[1:p.pronargs], ', '))
      from pg_catalog.pg_proc p where p.oid = v_private);
    select p.oid::regprocedure into v_public from pg_catalog.pg_proc p
    where p.pronamespace = 'public'::regnamespace and p.proname = v_rpc.name;
    execute format('revoke all on function %s from public, anon', v_public);
    execute format('grant execute on function %s to authenticated, service_role', v_public);
  end loop;

  -- What the pg_cron job runs every minute: settle every expired lease of every queue built so far.
  select string_agg(format('%L, private.%I(p_batch)', substr(p.proname, 15), p.proname), E',\n    ' order by p.proname)
  into v_sweepers
  from pg_catalog.pg_proc p
  where p.pronamespace = 'private'::regnamespace and p.proname like 'sweep\_expired\_%';
  execute E'create or replace function private.sweep_queues(p_batch int default 1000)\nreturns jsonb\nlanguage sql\n'
    || E'security definer\nset search_path = ''''\nas $fn$\n  select jsonb_build_object(\n    ' || v_sweepers || E')\n$fn$';
  revoke all on function private.sweep_queues(int) from public;
  -- Scheduled by name, so re-running updates the same job. cron.schedule is the documented way on
  -- hosted Supabase (postgres may not write cron.job directly).
  perform cron.schedule('agentbase-queue-sweeper', '* * * * *', 'select private.sweep_queues()');
  -- Done with this queue: the next migration starts from no spec.
  perform set_config('agentbase.queue_spec', '', false);
end
$builder$;
