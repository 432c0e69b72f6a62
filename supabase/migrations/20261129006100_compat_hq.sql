-- compat_hq: HQ's RPC signatures, implemented on top of the agentbase contract, so an HQ runner,
-- dispatcher or setup wizard can be pointed at agentbase before it is ported to the native calls.
--
-- The schema is NOT exposed through the Data API unless a project adds "compat_hq" to
-- [api] schemas in supabase/config.toml. Every function here is security invoker and calls the public
-- RPCs (which check the caller: service_role, or an admin of the owning workspace), or writes tables
-- under the caller's RLS. Nothing here is security definer.
--
-- What HQ semantics are kept and which guarantees only the native calls give: docs/porting/hq.md.
-- In short: a compat finish call (start/complete/fail) acts on the row's CURRENT lease, whoever holds it;
-- the native calls take (id, lease_token) and refuse a stale holder (fencing). A runner whose lease
-- expired and was handed to another runner can therefore still finish the row through compat_hq.
--
-- Which workspace: HQ had one. compat_hq uses, in order: the setting compat_hq.workspace_id (set it per
-- connection or per role: alter role ... set compat_hq.workspace_id = '<uuid>'), else the one workspace
-- an authenticated caller administers, else the one workspace in the database (single-tenant installs).
-- Runs as the non-superuser `postgres` role; every statement is idempotent.

create schema if not exists compat_hq;
comment on schema compat_hq is
  'HQ-compatible RPCs (lease_command, start_command, complete_command, fail_command, lease_inbox_item, complete_inbox_item, fail_inbox_item, complete_setup) over the agentbase queues. Not exposed by default.';
revoke all on schema compat_hq from public;
grant usage on schema compat_hq to authenticated, service_role;

-- ===========================================================================================
-- Row shapes HQ's daemons read (HQ column names; lease_token added so a runner can move to the native
-- calls one at a time).
-- ===========================================================================================

do $$
begin
  if not exists (select 1 from pg_type where typname = 'agent_command' and typnamespace = 'compat_hq'::regnamespace) then
    create type compat_hq.agent_command as (
      id uuid,
      gateway_id uuid,
      agent_id uuid,
      agent_slug text,
      action text,
      payload jsonb,
      status text,
      leased_at timestamptz,
      leased_until timestamptz,
      started_at timestamptz,
      completed_at timestamptz,
      failed_at timestamptz,
      exit_code int,
      stdout text,
      stderr text,
      error_message text,
      requested_by uuid,
      created_at timestamptz,
      lease_token uuid
    );
  end if;
  if not exists (select 1 from pg_type where typname = 'agent_inbox_item' and typnamespace = 'compat_hq'::regnamespace) then
    create type compat_hq.agent_inbox_item as (
      id uuid,
      agent_id uuid,
      agent_slug text,
      event_type text,
      task_id uuid,
      comment_id uuid,
      contact_id uuid,
      status text,
      leased_at timestamptz,
      leased_until timestamptz,
      completed_at timestamptz,
      failed_at timestamptz,
      attempt_count int,
      max_attempts int,
      summary text,
      context jsonb,
      dedup_key text,
      created_at timestamptz,
      lease_token uuid
    );
  end if;
end
$$;
comment on type compat_hq.agent_command is 'An agent_commands row in HQ''s column names (plus lease_token).';
comment on type compat_hq.agent_inbox_item is 'An agent_inbox_items row in HQ''s column names (plus lease_token).';

-- ===========================================================================================
-- The workspace a compat call acts in.
-- ===========================================================================================

create or replace function compat_hq.workspace_id()
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_setting text := nullif(btrim(current_setting('compat_hq.workspace_id', true)), '');
  v_ids uuid[];
begin
  if v_setting is not null then
    if v_setting !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      raise exception 'compat_hq.workspace_id setting "%" is not a uuid', left(v_setting, 60) using errcode = '22023';
    end if;
    return v_setting::uuid;
  end if;
  if auth.uid() is not null then
    v_ids := array(select private.my_workspace_ids('admin'::public.workspace_role));
  else
    v_ids := array(select w.id from public.workspaces w order by w.created_at limit 2);
  end if;
  if cardinality(v_ids) = 1 then
    return v_ids[1];
  end if;
  raise exception 'compat_hq: % workspaces match the caller; set compat_hq.workspace_id to the one HQ calls act in',
    case when cardinality(v_ids) = 0 then 'no' else 'several' end using errcode = '55000';
end
$$;
revoke all on function compat_hq.workspace_id() from public, anon;
grant execute on function compat_hq.workspace_id() to authenticated, service_role;
comment on function compat_hq.workspace_id() is
  'The workspace HQ-style calls act in: setting compat_hq.workspace_id, else the one workspace the caller administers, else the only workspace. 55000 when ambiguous.';

-- HQ's status words: an inbox item waiting for a retry was "failed" in HQ.
create or replace function compat_hq.command_row(p_id uuid)
returns compat_hq.agent_command
language sql
stable
set search_path = ''
as $$
  select row(
    c.id, c.gateway_id, c.agent_id, a.slug, c.action, c.payload, c.status::text,
    c.leased_at, c.lease_expires_at, c.started_at,
    case when c.status = 'done' then c.finished_at end,
    case when c.status in ('failed', 'cancelled') then c.finished_at end,
    c.exit_code, c.stdout, c.stderr, c.last_error, c.requested_by, c.created_at, c.lease_token
  )::compat_hq.agent_command
  from public.agent_commands c
  left join public.agents a on a.id = c.agent_id
  where c.id = p_id
$$;
revoke all on function compat_hq.command_row(uuid) from public, anon;
grant execute on function compat_hq.command_row(uuid) to authenticated, service_role;
comment on function compat_hq.command_row(uuid) is 'One agent_commands row in HQ''s shape (null when not visible).';

create or replace function compat_hq.inbox_row(p_id uuid)
returns compat_hq.agent_inbox_item
language sql
stable
set search_path = ''
as $$
  select row(
    i.id, i.agent_id, a.slug, i.event_type,
    case when i.subject_type = 'task' then i.subject_id
         when i.context ->> 'entity_type' = 'task' then (i.context ->> 'entity_id')::uuid
         else (i.context ->> 'task_id')::uuid end,
    (i.context ->> 'comment_id')::uuid,
    case when i.subject_type = 'contact' then i.subject_id
         when i.context ->> 'entity_type' = 'contact' then (i.context ->> 'entity_id')::uuid
         else (i.context ->> 'contact_id')::uuid end,
    case when i.status = 'pending' and i.attempt > 0 and i.last_error is not null then 'failed'
         else i.status::text end,
    i.leased_at, i.lease_expires_at,
    case when i.status = 'done' then i.finished_at end,
    case when i.status in ('dead_letter', 'cancelled') then i.finished_at
         when i.status = 'pending' and i.last_error is not null then i.updated_at end,
    i.attempt, i.max_attempts, i.summary,
    case when i.last_error is null then i.context
         else i.context || jsonb_build_object('last_failure_reason', i.last_error) end,
    i.dedup_key, i.created_at, i.lease_token
  )::compat_hq.agent_inbox_item
  from public.agent_inbox_items i
  left join public.agents a on a.id = i.agent_id
  where i.id = p_id
$$;
revoke all on function compat_hq.inbox_row(uuid) from public, anon;
grant execute on function compat_hq.inbox_row(uuid) to authenticated, service_role;
comment on function compat_hq.inbox_row(uuid) is
  'One agent_inbox_items row in HQ''s shape: pending after a failed attempt reads "failed"; the last error is context.last_failure_reason.';

-- ===========================================================================================
-- Commands (the runner)
-- ===========================================================================================

create or replace function compat_hq.lease_command(p_lease_seconds int default 300, p_gateway_slug text default null)
returns setof compat_hq.agent_command
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_ws uuid := compat_hq.workspace_id();
  v_gateway uuid;
  v_id uuid;
begin
  if p_gateway_slug is not null then
    select g.id into v_gateway from public.gateways g where g.workspace_id = v_ws and g.slug = p_gateway_slug;
    if v_gateway is null then
      raise exception 'gateway "%" not found (p_gateway_slug)', left(p_gateway_slug, 80) using errcode = 'P0002';
    end if;
  else
    -- HQ without a slug leased any gateway's oldest command: lease from the gateway that holds it.
    select c.gateway_id into v_gateway
    from only public.agent_commands c  -- live rows only, should finished rows ever live in child tables
    where c.workspace_id = v_ws
      and ((c.status = 'pending' and c.available_at <= now())
           or (c.status = 'leased' and c.lease_expires_at < now()))
    order by c.priority desc, c.available_at, c.id
    limit 1;
    if v_gateway is null then
      return;
    end if;
  end if;
  for v_id in select l.id from public.lease_command(v_gateway, 1, p_lease_seconds) l loop
    -- A new statement: it sees the lease just written.
    return query select (compat_hq.command_row(v_id)).*;
  end loop;
end
$$;

-- The current lease of a command for a compat finish call; raises when there is none to act on.
create or replace function compat_hq.live_command_lease(p_command_id uuid, p_call text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_token uuid;
  v_status public.command_status;
begin
  if p_command_id is null then
    raise exception 'p_command_id must not be null' using errcode = '22004';
  end if;
  select c.lease_token, c.status into v_token, v_status from public.agent_commands c where c.id = p_command_id;
  if v_status is null then
    raise exception 'command % not found (p_command_id)', p_command_id using errcode = 'P0002';
  end if;
  if v_status not in ('leased', 'running') or v_token is null then
    raise exception '%: command % is %, not leased (its lease was lost or it has finished)', p_call, p_command_id, v_status
      using errcode = '55000';
  end if;
  return v_token;
end
$$;

create or replace function compat_hq.start_command(p_command_id uuid)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  if (select c.status from public.agent_commands c where c.id = p_command_id) = 'running' then
    return;  -- HQ: starting twice changes nothing
  end if;
  v_result := public.start_command(p_command_id, compat_hq.live_command_lease(p_command_id, 'start_command'));
  if not (v_result ->> 'ok')::boolean then
    raise exception 'start_command: command % %', p_command_id, v_result ->> 'reason' using errcode = '55000';
  end if;
end
$$;

create or replace function compat_hq.complete_command(
  p_command_id uuid, p_exit_code int default null, p_stdout text default null, p_stderr text default null)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  if (select c.status from public.agent_commands c where c.id = p_command_id) = 'done' then
    return;  -- a repeated completion (lost response) is a no-op
  end if;
  v_result := public.complete_command(p_command_id, compat_hq.live_command_lease(p_command_id, 'complete_command'),
    null, p_exit_code, p_stdout, p_stderr);
  if not (v_result ->> 'ok')::boolean then
    raise exception 'complete_command: command % %', p_command_id, v_result ->> 'reason' using errcode = '55000';
  end if;
end
$$;

-- HQ: failed is final (no retry); kept. The native fail_command offers retries with backoff.
create or replace function compat_hq.fail_command(
  p_command_id uuid, p_exit_code int default null, p_stdout text default null, p_stderr text default null,
  p_error text default null)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  if (select c.status from public.agent_commands c where c.id = p_command_id) = 'failed' then
    return;
  end if;
  v_result := public.fail_command(p_command_id, compat_hq.live_command_lease(p_command_id, 'fail_command'),
    coalesce(nullif(btrim(p_error), ''), 'failed'), false, p_exit_code, p_stdout, p_stderr, null);
  if not (v_result ->> 'ok')::boolean then
    raise exception 'fail_command: command % %', p_command_id, v_result ->> 'reason' using errcode = '55000';
  end if;
end
$$;

-- ===========================================================================================
-- Inbox (the dispatcher)
-- ===========================================================================================

create or replace function compat_hq.lease_inbox_item(p_agent_id uuid, p_lease_seconds int default 120)
returns setof compat_hq.agent_inbox_item
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_id uuid;
begin
  for v_id in select l.id from public.lease_inbox_item(p_agent_id, 1, p_lease_seconds) l loop
    return query select (compat_hq.inbox_row(v_id)).*;
  end loop;
end
$$;

create or replace function compat_hq.live_inbox_lease(p_item_id uuid, p_call text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  v_token uuid;
  v_status public.inbox_item_status;
begin
  if p_item_id is null then
    raise exception 'p_item_id must not be null' using errcode = '22004';
  end if;
  select i.lease_token, i.status into v_token, v_status from public.agent_inbox_items i where i.id = p_item_id;
  if v_status is null then
    raise exception 'inbox item % not found (p_item_id)', p_item_id using errcode = 'P0002';
  end if;
  if v_status <> 'leased' or v_token is null then
    raise exception '%: inbox item % is %, not leased (its lease was lost or it has finished)', p_call, p_item_id, v_status
      using errcode = '55000';
  end if;
  return v_token;
end
$$;

create or replace function compat_hq.complete_inbox_item(p_item_id uuid)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  if (select i.status from public.agent_inbox_items i where i.id = p_item_id) = 'done' then
    return;
  end if;
  v_result := public.complete_inbox_item(p_item_id, compat_hq.live_inbox_lease(p_item_id, 'complete_inbox_item'), null);
  if not (v_result ->> 'ok')::boolean then
    raise exception 'complete_inbox_item: item % %', p_item_id, v_result ->> 'reason' using errcode = '55000';
  end if;
end
$$;

-- HQ: a failure is retried by the next lease at once (no backoff) until max_attempts, then dead_letter;
-- kept (p_retry_after_seconds 0). The reason is readable as context.last_failure_reason (inbox_row).
create or replace function compat_hq.fail_inbox_item(p_item_id uuid, p_reason text default null)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  v_result := public.fail_inbox_item(p_item_id, compat_hq.live_inbox_lease(p_item_id, 'fail_inbox_item'),
    coalesce(nullif(btrim(p_reason), ''), 'failed'), true, 0);
  if not (v_result ->> 'ok')::boolean then
    raise exception 'fail_inbox_item: item % %', p_item_id, v_result ->> 'reason' using errcode = '55000';
  end if;
end
$$;

-- ===========================================================================================
-- The setup wizard
-- ===========================================================================================

-- HQ: sets the workspace's identity once (only while not initialized), then replaces the contact pipeline
-- stages, contact field definitions and streams from the JSON arrays. Here: the workspace part goes through
-- public.complete_setup (admins only) and runs only while setup is not completed, as in HQ; stages and
-- fields listed are upserted by key and unlisted ones removed (a stage still used by contacts stays);
-- streams are matched by name, and unlisted streams are archived instead of deleted, so tasks keep them.
create or replace function compat_hq.complete_setup(
  p_name text default null,
  p_slug text default null,
  p_description text default null,
  p_owner_name text default null,
  p_preferred_name text default null,
  p_timezone text default null,
  p_stages jsonb default '[]'::jsonb,
  p_fields jsonb default '[]'::jsonb,
  p_streams jsonb default '[]'::jsonb)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_ws uuid := compat_hq.workspace_id();
  v_state public.workspace_setup_state;
  v_item jsonb;
  v_keys text[] := '{}'::text[];
  v_stream uuid;
  v_streams uuid[] := '{}'::uuid[];
  v_type text;
begin
  perform private.assert_workspace_role(v_ws, 'admin');
  foreach v_type in array array['p_stages', 'p_fields', 'p_streams'] loop
    if jsonb_typeof(case v_type when 'p_stages' then coalesce(p_stages, '[]') when 'p_fields' then coalesce(p_fields, '[]')
                    else coalesce(p_streams, '[]') end) <> 'array' then
      raise exception '% must be a JSON array', v_type using errcode = '22023';
    end if;
  end loop;

  select w.setup_state into v_state from public.workspaces w where w.id = v_ws;
  if v_state is distinct from 'completed' then
    perform public.complete_setup(
      p_workspace_id => v_ws,
      p_owner_name => p_owner_name,
      p_owner_preferred_name => p_preferred_name,
      p_timezone => p_timezone,
      p_description => p_description,
      p_completed => true);
    update public.workspaces w
      set name = coalesce(nullif(btrim(p_name), ''), w.name),
          slug = coalesce(nullif(btrim(p_slug), ''), w.slug)
      where w.id = v_ws;
  end if;

  -- Contact pipeline stages: {stage_key|key, label, color, sort_order|position, is_closed}.
  for v_item in select x.e from jsonb_array_elements(coalesce(p_stages, '[]')) x (e) loop
    insert into public.pipeline_stages (workspace_id, entity_type, stage_key, label, color, position, is_closed)
    values (v_ws, 'contact', coalesce(v_item ->> 'stage_key', v_item ->> 'key'),
            coalesce(v_item ->> 'label', v_item ->> 'stage_key', v_item ->> 'key'), v_item ->> 'color',
            coalesce((v_item ->> 'sort_order')::int, (v_item ->> 'position')::int, 0),
            coalesce((v_item ->> 'is_closed')::boolean, false))
    on conflict (workspace_id, entity_type, stage_key) do update
      set label = excluded.label, color = excluded.color, position = excluded.position, is_closed = excluded.is_closed;
    v_keys := v_keys || coalesce(v_item ->> 'stage_key', v_item ->> 'key');
  end loop;
  delete from public.pipeline_stages s
  where s.workspace_id = v_ws and s.entity_type = 'contact' and not s.stage_key = any (v_keys)
    and not exists (select 1 from public.contacts c where c.workspace_id = v_ws and c.stage_key = s.stage_key);

  -- Contact field definitions: {field_key|key, label, field_type|type, options, required, sort_order|position}.
  v_keys := '{}'::text[];
  for v_item in select x.e from jsonb_array_elements(coalesce(p_fields, '[]')) x (e) loop
    v_type := lower(coalesce(v_item ->> 'field_type', v_item ->> 'type', 'text'));
    v_type := case v_type when 'url' then 'text' when 'email' then 'text' when 'phone' then 'text'
                          when 'textarea' then 'text' when 'multi_select' then 'multiselect'
                          when 'checkbox' then 'boolean' else v_type end;
    insert into public.field_definitions (workspace_id, entity_type, field_key, label, field_type, options, required, position)
    values (v_ws, 'contact', coalesce(v_item ->> 'field_key', v_item ->> 'key'),
            coalesce(v_item ->> 'label', v_item ->> 'field_key', v_item ->> 'key'), v_type::public.custom_field_type,
            coalesce(array(select jsonb_array_elements_text(v_item -> 'options')), '{}'),
            coalesce((v_item ->> 'required')::boolean, false),
            coalesce((v_item ->> 'sort_order')::int, (v_item ->> 'position')::int, 0))
    on conflict (workspace_id, entity_type, field_key) do update
      set label = excluded.label, field_type = excluded.field_type, options = excluded.options,
          required = excluded.required, position = excluded.position;
    v_keys := v_keys || coalesce(v_item ->> 'field_key', v_item ->> 'key');
  end loop;
  delete from public.field_definitions f
  where f.workspace_id = v_ws and f.entity_type = 'contact' and not f.field_key = any (v_keys);

  -- Streams: {name, description, type, color, sort_order|position}.
  for v_item in select x.e from jsonb_array_elements(coalesce(p_streams, '[]')) x (e) loop
    select s.id into v_stream from public.streams s
    where s.workspace_id = v_ws and lower(s.name) = lower(btrim(v_item ->> 'name'))
    order by s.archived_at nulls first, s.created_at limit 1;
    if v_stream is null then
      insert into public.streams (workspace_id, name, description, type, color, position)
      values (v_ws, btrim(v_item ->> 'name'), coalesce(v_item ->> 'description', ''),
              coalesce(v_item ->> 'type', 'functional')::public.stream_type, v_item ->> 'color',
              coalesce((v_item ->> 'sort_order')::float8, (v_item ->> 'position')::float8, 0))
      returning id into v_stream;
    else
      update public.streams s
        set description = coalesce(v_item ->> 'description', s.description),
            type = coalesce(v_item ->> 'type', s.type::text)::public.stream_type,
            color = coalesce(v_item ->> 'color', s.color),
            position = coalesce((v_item ->> 'sort_order')::float8, (v_item ->> 'position')::float8, s.position),
            archived_at = null
        where s.id = v_stream;
    end if;
    v_streams := v_streams || v_stream;
  end loop;
  update public.streams s set archived_at = now()
  where s.workspace_id = v_ws and s.archived_at is null and not s.id = any (v_streams);
end
$$;

-- ===========================================================================================
-- Grants: as HQ had them (authenticated and service_role); the public RPCs underneath still require
-- service_role or a workspace admin, so a plain member calling a lease gets 42501.
-- ===========================================================================================

revoke all on function compat_hq.lease_command(int, text) from public, anon;
revoke all on function compat_hq.live_command_lease(uuid, text) from public, anon;
revoke all on function compat_hq.start_command(uuid) from public, anon;
revoke all on function compat_hq.complete_command(uuid, int, text, text) from public, anon;
revoke all on function compat_hq.fail_command(uuid, int, text, text, text) from public, anon;
revoke all on function compat_hq.lease_inbox_item(uuid, int) from public, anon;
revoke all on function compat_hq.live_inbox_lease(uuid, text) from public, anon;
revoke all on function compat_hq.complete_inbox_item(uuid) from public, anon;
revoke all on function compat_hq.fail_inbox_item(uuid, text) from public, anon;
revoke all on function compat_hq.complete_setup(text, text, text, text, text, text, jsonb, jsonb, jsonb) from public, anon;
grant execute on function compat_hq.lease_command(int, text) to authenticated, service_role;
grant execute on function compat_hq.live_command_lease(uuid, text) to authenticated, service_role;
grant execute on function compat_hq.start_command(uuid) to authenticated, service_role;
grant execute on function compat_hq.complete_command(uuid, int, text, text) to authenticated, service_role;
grant execute on function compat_hq.fail_command(uuid, int, text, text, text) to authenticated, service_role;
grant execute on function compat_hq.lease_inbox_item(uuid, int) to authenticated, service_role;
grant execute on function compat_hq.live_inbox_lease(uuid, text) to authenticated, service_role;
grant execute on function compat_hq.complete_inbox_item(uuid) to authenticated, service_role;
grant execute on function compat_hq.fail_inbox_item(uuid, text) to authenticated, service_role;
grant execute on function compat_hq.complete_setup(text, text, text, text, text, text, jsonb, jsonb, jsonb) to authenticated, service_role;

comment on function compat_hq.lease_command(int, text) is
  'HQ: leases the oldest leasable command (of gateway p_gateway_slug, or of any gateway) for p_lease_seconds; HQ row shape. Over public.lease_command.';
comment on function compat_hq.start_command(uuid) is 'HQ: marks a leased command running, acting on its current lease. Over public.start_command.';
comment on function compat_hq.complete_command(uuid, int, text, text) is
  'HQ: completes a leased or running command with exit code and output, acting on its current lease; repeating it is a no-op.';
comment on function compat_hq.fail_command(uuid, int, text, text, text) is
  'HQ: fails a leased or running command for good (no retry, as in HQ), acting on its current lease.';
comment on function compat_hq.lease_inbox_item(uuid, int) is
  'HQ: leases one inbox item of the agent for p_lease_seconds; HQ row shape. Over public.lease_inbox_item (budget cutoff applies).';
comment on function compat_hq.complete_inbox_item(uuid) is 'HQ: marks a leased inbox item done, acting on its current lease.';
comment on function compat_hq.fail_inbox_item(uuid, text) is
  'HQ: fails a leased inbox item; retried by the next lease at once until max_attempts, then dead_letter.';
comment on function compat_hq.complete_setup(text, text, text, text, text, text, jsonb, jsonb, jsonb) is
  'HQ setup wizard: workspace identity (once) through public.complete_setup, then contact stages, contact fields and streams from the JSON arrays.';
comment on function compat_hq.live_command_lease(uuid, text) is 'The current lease token of a leased/running command; 55000 when none.';
comment on function compat_hq.live_inbox_lease(uuid, text) is 'The current lease token of a leased inbox item; 55000 when none.';
