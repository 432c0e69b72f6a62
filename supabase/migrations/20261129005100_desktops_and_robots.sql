-- Enterprise operations, step 2: virtual desktops, their live robot connections, computer-use tasks and
-- robot macros.
--
-- desktop_configs describe a VM (image, size, screen); desktop_virtual_machines are instances with a
-- checked state machine (provisioning / running / stopped / error / deleted) and a timestamp per state;
-- desktop_connections are the live WebSocket connections of robot clients: heartbeats keep them alive and
-- the pg_cron job `agentbase-desktop-connections` expires the stale ones. computer_use_tasks give an agent an
-- instruction to carry out on a desktop (steps and screenshots as storage references). robot_macros are
-- recorded step lists; robot_macro_executions their history with outcome and timing.
-- Every reference to another row is a composite foreign key (workspace_id, id): a row can only point into
-- its own workspace. Runs as the non-superuser `postgres` role; idempotent. Contract: docs/enterprise-operations.md.

-- ===========================================================================================
-- Enums
-- ===========================================================================================

-- provisioning -> running | error | deleted; running -> stopped | error | deleted;
-- stopped -> running | error | deleted; error -> provisioning | stopped | deleted; deleted is final.
do $$
begin
  create type public.desktop_vm_status as enum ('provisioning', 'running', 'stopped', 'error', 'deleted');
exception when duplicate_object then null;
end $$;

-- connected -> disconnected (closed by the client) | expired (no heartbeat in time); both final.
do $$
begin
  create type public.desktop_connection_status as enum ('connected', 'disconnected', 'expired');
exception when duplicate_object then null;
end $$;

-- pending -> running | cancelled; running -> succeeded | failed | cancelled; the last three are final.
do $$
begin
  create type public.computer_use_task_status as enum ('pending', 'running', 'succeeded', 'failed', 'cancelled');
exception when duplicate_object then null;
end $$;

-- running -> succeeded | failed | cancelled; all three final.
do $$
begin
  create type public.robot_execution_status as enum ('running', 'succeeded', 'failed', 'cancelled');
exception when duplicate_object then null;
end $$;

-- Storage references in arrays and in step objects (used by check constraints below).
create or replace function private.are_storage_paths(p_paths text[])
returns boolean
language sql
immutable
set search_path = ''
as $$
  select coalesce(bool_and(private.is_storage_path(p)), true) from unnest(p_paths) as p
$$;
revoke all on function private.are_storage_paths(text[]) from public;
grant execute on function private.are_storage_paths(text[]) to authenticated, service_role;
grant execute on function private.is_storage_path(text) to authenticated, service_role;

-- Every step is an object; a step's "screenshot", when present, is a storage reference.
create or replace function private.steps_have_storage_screenshots(p_steps jsonb)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select coalesce(bool_and(
    jsonb_typeof(s) = 'object'
    and (not (s ? 'screenshot') or (jsonb_typeof(s -> 'screenshot') = 'string' and private.is_storage_path(s ->> 'screenshot')))
  ), true)
  from jsonb_array_elements(case when jsonb_typeof(p_steps) = 'array' then p_steps else '[]'::jsonb end) as s
$$;
revoke all on function private.steps_have_storage_screenshots(jsonb) from public;
grant execute on function private.steps_have_storage_screenshots(jsonb) to authenticated, service_role;

-- ===========================================================================================
-- Tables
-- ===========================================================================================

create table if not exists public.desktop_configs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '' check (length(description) <= 4000),
  os text not null default 'linux' check (os in ('linux', 'windows', 'macos')),
  image text not null check (length(image) between 1 and 500),
  provider text not null default 'default' check (provider ~ '^[a-z][a-z0-9_.-]{0,62}$'),
  region text check (length(region) between 1 and 100),
  cpu_cores int not null default 2 check (cpu_cores between 1 and 256),
  memory_mb int not null default 4096 check (memory_mb between 256 and 4194304),
  disk_gb int not null default 32 check (disk_gb between 1 and 65536),
  screen_width int not null default 1280 check (screen_width between 320 and 7680),
  screen_height int not null default 800 check (screen_height between 240 and 4320),
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object' and octet_length(settings::text) <= 65536),
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint desktop_configs_workspace_id_name_key unique (workspace_id, name),
  constraint desktop_configs_workspace_id_id_key unique (workspace_id, id)
);
create index if not exists desktop_configs_created_by_idx on public.desktop_configs (created_by);

create table if not exists public.desktop_virtual_machines (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  config_id uuid,
  -- The agent this desktop is assigned to, if any.
  agent_id uuid,
  name text not null check (length(btrim(name)) between 1 and 200),
  status public.desktop_vm_status not null default 'provisioning',
  provider text not null default 'default' check (provider ~ '^[a-z][a-z0-9_.-]{0,62}$'),
  external_id text check (length(external_id) between 1 and 500),
  host text check (length(host) between 1 and 500),
  last_error text check (length(last_error) <= 4000),
  status_changed_at timestamptz not null default now(),
  provisioning_at timestamptz not null default now(),
  running_at timestamptz,
  stopped_at timestamptz,
  error_at timestamptz,
  deleted_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint desktop_virtual_machines_workspace_id_id_key unique (workspace_id, id),
  constraint desktop_virtual_machines_config_id_fkey foreign key (workspace_id, config_id)
    references public.desktop_configs (workspace_id, id) on delete set null (config_id),
  constraint desktop_virtual_machines_agent_id_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id),
  constraint desktop_virtual_machines_error_check check (status <> 'error' or last_error is not null),
  constraint desktop_virtual_machines_deleted_check check ((status = 'deleted') = (deleted_at is not null))
);
create index if not exists desktop_virtual_machines_workspace_config_idx on public.desktop_virtual_machines (workspace_id, config_id);
create index if not exists desktop_virtual_machines_workspace_agent_idx on public.desktop_virtual_machines (workspace_id, agent_id);
create index if not exists desktop_virtual_machines_created_by_idx on public.desktop_virtual_machines (created_by);
create unique index if not exists desktop_virtual_machines_external_id_idx
  on public.desktop_virtual_machines (provider, external_id) where external_id is not null and status <> 'deleted';

create table if not exists public.desktop_connections (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  vm_id uuid not null,
  -- The robot client on the other end: its own id, and the agent it acts for, if any.
  client_id text not null check (length(client_id) between 1 and 200),
  agent_id uuid,
  status public.desktop_connection_status not null default 'connected',
  heartbeat_timeout_seconds int not null default 90 check (heartbeat_timeout_seconds between 5 and 3600),
  connected_at timestamptz not null default now(),
  last_heartbeat_at timestamptz not null default now(),
  disconnected_at timestamptz,
  close_reason text check (length(close_reason) <= 500),
  meta jsonb not null default '{}'::jsonb check (jsonb_typeof(meta) = 'object' and octet_length(meta::text) <= 16384),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint desktop_connections_workspace_id_id_key unique (workspace_id, id),
  constraint desktop_connections_vm_id_fkey foreign key (workspace_id, vm_id)
    references public.desktop_virtual_machines (workspace_id, id) on delete cascade,
  constraint desktop_connections_agent_id_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id),
  constraint desktop_connections_closed_check check ((status = 'connected') = (disconnected_at is null))
);
create index if not exists desktop_connections_workspace_vm_idx on public.desktop_connections (workspace_id, vm_id);
create index if not exists desktop_connections_workspace_agent_idx on public.desktop_connections (workspace_id, agent_id);
-- The sweeper's scan: live connections only.
create index if not exists desktop_connections_live_idx on public.desktop_connections (last_heartbeat_at) where status = 'connected';
-- One live connection per robot client and desktop.
create unique index if not exists desktop_connections_one_live_idx
  on public.desktop_connections (vm_id, client_id) where status = 'connected';

create table if not exists public.computer_use_tasks (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  project_id uuid references public.projects (id) on delete set null,
  agent_id uuid,
  vm_id uuid,
  instruction text not null check (length(btrim(instruction)) between 1 and 20000),
  status public.computer_use_task_status not null default 'pending',
  -- [{"index": 1, "action": "click", "detail": {...}, "screenshot": "<bucket>/<path>", "at": "..."}]
  steps jsonb not null default '[]'::jsonb check (jsonb_typeof(steps) = 'array' and octet_length(steps::text) <= 1048576),
  screenshots text[] not null default '{}' check (cardinality(screenshots) <= 10000),
  result jsonb check (octet_length(result::text) <= 262144),
  error text check (length(error) <= 4000),
  started_at timestamptz,
  finished_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint computer_use_tasks_agent_id_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id),
  constraint computer_use_tasks_vm_id_fkey foreign key (workspace_id, vm_id)
    references public.desktop_virtual_machines (workspace_id, id) on delete set null (vm_id),
  constraint computer_use_tasks_screenshot_paths_check check (private.are_storage_paths(screenshots)),
  constraint computer_use_tasks_steps_screenshot_check check (private.steps_have_storage_screenshots(steps)),
  constraint computer_use_tasks_finished_check
    check ((finished_at is not null) = (status in ('succeeded', 'failed', 'cancelled'))),
  constraint computer_use_tasks_failed_check check (status <> 'failed' or error is not null)
);
create index if not exists computer_use_tasks_workspace_created_idx on public.computer_use_tasks (workspace_id, created_at desc);
create index if not exists computer_use_tasks_workspace_agent_idx on public.computer_use_tasks (workspace_id, agent_id);
create index if not exists computer_use_tasks_workspace_vm_idx on public.computer_use_tasks (workspace_id, vm_id);
create index if not exists computer_use_tasks_project_id_idx on public.computer_use_tasks (project_id);
create index if not exists computer_use_tasks_created_by_idx on public.computer_use_tasks (created_by);

create table if not exists public.robot_macros (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '' check (length(description) <= 4000),
  -- The recorded steps, replayed in order: [{"action": "click", "x": 10, "y": 20}, ...].
  steps jsonb not null default '[]'::jsonb check (jsonb_typeof(steps) = 'array' and octet_length(steps::text) <= 1048576),
  -- Desktop configuration the macro was recorded on (screen size matters for coordinates).
  config_id uuid,
  version int not null default 1 check (version >= 1),
  enabled boolean not null default true,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint robot_macros_workspace_id_name_key unique (workspace_id, name),
  constraint robot_macros_workspace_id_id_key unique (workspace_id, id),
  constraint robot_macros_config_id_fkey foreign key (workspace_id, config_id)
    references public.desktop_configs (workspace_id, id) on delete set null (config_id)
);
create index if not exists robot_macros_workspace_config_idx on public.robot_macros (workspace_id, config_id);
create index if not exists robot_macros_created_by_idx on public.robot_macros (created_by);

create table if not exists public.robot_macro_executions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  macro_id uuid not null,
  -- The macro's version when it ran (macros are edited in place).
  macro_version int not null check (macro_version >= 1),
  vm_id uuid,
  connection_id uuid,
  agent_id uuid,
  status public.robot_execution_status not null default 'running',
  steps_completed int not null default 0 check (steps_completed >= 0),
  output jsonb check (octet_length(output::text) <= 262144),
  error text check (length(error) <= 4000),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  duration_ms bigint generated always as ((extract(epoch from (finished_at - started_at)) * 1000)::bigint) stored,
  triggered_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint robot_macro_executions_macro_id_fkey foreign key (workspace_id, macro_id)
    references public.robot_macros (workspace_id, id) on delete cascade,
  constraint robot_macro_executions_vm_id_fkey foreign key (workspace_id, vm_id)
    references public.desktop_virtual_machines (workspace_id, id) on delete set null (vm_id),
  constraint robot_macro_executions_connection_id_fkey foreign key (workspace_id, connection_id)
    references public.desktop_connections (workspace_id, id) on delete set null (connection_id),
  constraint robot_macro_executions_agent_id_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id),
  constraint robot_macro_executions_finished_check
    check ((finished_at is not null) = (status <> 'running') and (finished_at is null or finished_at >= started_at)),
  constraint robot_macro_executions_failed_check check (status <> 'failed' or error is not null)
);
create index if not exists robot_macro_executions_workspace_macro_idx on public.robot_macro_executions (workspace_id, macro_id, started_at desc);
create index if not exists robot_macro_executions_workspace_vm_idx on public.robot_macro_executions (workspace_id, vm_id);
create index if not exists robot_macro_executions_workspace_connection_idx on public.robot_macro_executions (workspace_id, connection_id);
create index if not exists robot_macro_executions_workspace_agent_idx on public.robot_macro_executions (workspace_id, agent_id);
create index if not exists robot_macro_executions_triggered_by_idx on public.robot_macro_executions (triggered_by);

comment on table public.desktop_configs is 'Virtual desktop configurations: OS, image, provider/region, CPU, memory, disk and screen size.';
comment on table public.desktop_virtual_machines is
  'Virtual desktop instances. status is a checked state machine (provisioning, running, stopped, error, deleted; 55000 on an illegal move) with the time each state was last entered.';
comment on column public.desktop_virtual_machines.status_changed_at is 'When status last changed.';
comment on column public.desktop_virtual_machines.last_error is 'Why the machine is in error (required there); kept afterwards for history.';
comment on table public.desktop_connections is
  'Live WebSocket connections of robot clients to a desktop. Clients bump last_heartbeat_at; the pg_cron job agentbase-desktop-connections expires connections silent for longer than heartbeat_timeout_seconds.';
comment on column public.desktop_connections.heartbeat_timeout_seconds is 'A connection with no heartbeat for this long is expired by the sweeper.';
comment on table public.computer_use_tasks is
  'An instruction for an agent to carry out on a virtual desktop: status, steps taken (jsonb, screenshots as storage paths), screenshots, result.';
comment on column public.computer_use_tasks.screenshots is 'Storage references "<bucket>/<object path>".';
comment on column public.computer_use_tasks.steps is 'Array of step objects; a step''s "screenshot" is a storage reference "<bucket>/<object path>".';
comment on table public.robot_macros is 'Recorded robot step lists replayed on a desktop; version bumps when the steps change.';
comment on table public.robot_macro_executions is 'History of macro runs: macro version, desktop, connection, agent, outcome, timing (duration_ms derived).';

-- ===========================================================================================
-- Helpers and triggers
-- ===========================================================================================

-- VM: a new machine starts provisioning; entering a state stamps <state>_at and status_changed_at.
create or replace function private.desktop_virtual_machines_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'provisioning' then
      raise exception 'desktop_virtual_machines.status: a new machine starts provisioning, not %', new.status
        using errcode = '55000';
    end if;
    new.provisioning_at := now();
    new.status_changed_at := now();
    new.deleted_at := null;
    return new;
  end if;
  if new.workspace_id is distinct from old.workspace_id then
    raise exception 'desktop_virtual_machines.workspace_id cannot be changed' using errcode = '22023';
  end if;
  if new.status is distinct from old.status then
    new.status_changed_at := now();
    case new.status
      when 'provisioning' then new.provisioning_at := now();
      when 'running' then new.running_at := now();
      when 'stopped' then new.stopped_at := now();
      when 'error' then new.error_at := now();
      when 'deleted' then new.deleted_at := now();
    end case;
  end if;
  return new;
end
$$;
revoke all on function private.desktop_virtual_machines_before_write() from public;

drop trigger if exists desktop_virtual_machines_check_status_transition on public.desktop_virtual_machines;
create trigger desktop_virtual_machines_check_status_transition
  before update of status on public.desktop_virtual_machines
  for each row when (old.status is distinct from new.status)
  execute function private.enterprise_check_transition(
    '{"provisioning": ["running", "error", "deleted"],
      "running": ["stopped", "error", "deleted"],
      "stopped": ["running", "error", "deleted"],
      "error": ["provisioning", "stopped", "deleted"],
      "deleted": []}');

drop trigger if exists desktop_virtual_machines_prepare_write on public.desktop_virtual_machines;
create trigger desktop_virtual_machines_prepare_write
  before insert or update on public.desktop_virtual_machines
  for each row execute function private.desktop_virtual_machines_before_write();

-- Connections: a new one is connected; closing stamps disconnected_at; a heartbeat on a closed
-- connection is refused (55000) so a robot knows to reconnect.
create or replace function private.desktop_connections_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'connected' then
      raise exception 'desktop_connections.status: a new connection starts connected, not %', new.status using errcode = '55000';
    end if;
    new.disconnected_at := null;
    return new;
  end if;
  if new.workspace_id is distinct from old.workspace_id then
    raise exception 'desktop_connections.workspace_id cannot be changed' using errcode = '22023';
  end if;
  if old.status <> 'connected' and new.last_heartbeat_at is distinct from old.last_heartbeat_at then
    raise exception 'desktop_connections.last_heartbeat_at: connection % is %; open a new connection', old.id, old.status
      using errcode = '55000';
  end if;
  if new.status is distinct from old.status then
    new.disconnected_at := now();
  end if;
  return new;
end
$$;
revoke all on function private.desktop_connections_before_write() from public;

drop trigger if exists desktop_connections_check_status_transition on public.desktop_connections;
create trigger desktop_connections_check_status_transition
  before update of status on public.desktop_connections
  for each row when (old.status is distinct from new.status)
  execute function private.enterprise_check_transition(
    '{"connected": ["disconnected", "expired"], "disconnected": [], "expired": []}');

drop trigger if exists desktop_connections_prepare_write on public.desktop_connections;
create trigger desktop_connections_prepare_write
  before insert or update on public.desktop_connections
  for each row execute function private.desktop_connections_before_write();

-- A connection can only attach to a machine that is up (provisioning or running).
create or replace function private.desktop_connections_check_vm()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_status public.desktop_vm_status;
begin
  select m.status into v_status from public.desktop_virtual_machines m
  where m.id = new.vm_id and m.workspace_id = new.workspace_id;
  if v_status in ('stopped', 'error', 'deleted') then
    raise exception 'desktop_connections.vm_id: machine % is %', new.vm_id, v_status using errcode = '55000';
  end if;
  return new;
end
$$;
revoke all on function private.desktop_connections_check_vm() from public;

drop trigger if exists desktop_connections_check_vm on public.desktop_connections;
create trigger desktop_connections_check_vm
  before insert on public.desktop_connections
  for each row execute function private.desktop_connections_check_vm();

-- Stopping, failing or deleting a machine closes its live connections.
create or replace function private.desktop_virtual_machines_close_connections()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.desktop_connections c
  set status = 'disconnected', close_reason = 'machine ' || new.status::text
  where c.vm_id = new.id and c.status = 'connected';
  return null;
end
$$;
revoke all on function private.desktop_virtual_machines_close_connections() from public;

drop trigger if exists desktop_virtual_machines_close_connections on public.desktop_virtual_machines;
create trigger desktop_virtual_machines_close_connections
  after update of status on public.desktop_virtual_machines
  for each row when (new.status in ('stopped', 'error', 'deleted') and old.status is distinct from new.status)
  execute function private.desktop_virtual_machines_close_connections();

-- Computer-use tasks: start stamps started_at, a final status stamps finished_at.
create or replace function private.computer_use_tasks_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'pending' then
      raise exception 'computer_use_tasks.status: a new task starts pending, not %', new.status using errcode = '55000';
    end if;
    new.started_at := null;
    new.finished_at := null;
    return new;
  end if;
  if new.workspace_id is distinct from old.workspace_id then
    raise exception 'computer_use_tasks.workspace_id cannot be changed' using errcode = '22023';
  end if;
  if new.status is distinct from old.status then
    if new.status = 'running' then
      new.started_at := now();
    elsif new.status in ('succeeded', 'failed', 'cancelled') then
      new.finished_at := now();
    end if;
  end if;
  return new;
end
$$;
revoke all on function private.computer_use_tasks_before_write() from public;

drop trigger if exists computer_use_tasks_check_status_transition on public.computer_use_tasks;
create trigger computer_use_tasks_check_status_transition
  before update of status on public.computer_use_tasks
  for each row when (old.status is distinct from new.status)
  execute function private.enterprise_check_transition(
    '{"pending": ["running", "cancelled"], "running": ["succeeded", "failed", "cancelled"],
      "succeeded": [], "failed": [], "cancelled": []}');

drop trigger if exists computer_use_tasks_prepare_write on public.computer_use_tasks;
create trigger computer_use_tasks_prepare_write
  before insert or update on public.computer_use_tasks
  for each row execute function private.computer_use_tasks_before_write();

drop trigger if exists computer_use_tasks_check_project on public.computer_use_tasks;
create trigger computer_use_tasks_check_project
  before insert or update of project_id on public.computer_use_tasks
  for each row execute function private.enterprise_check_project();

-- Macros: editing the steps bumps the version.
create or replace function private.robot_macros_bump_version()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.workspace_id is distinct from old.workspace_id then
    raise exception 'robot_macros.workspace_id cannot be changed' using errcode = '22023';
  end if;
  if new.steps is distinct from old.steps then
    new.version := old.version + 1;
  end if;
  return new;
end
$$;
revoke all on function private.robot_macros_bump_version() from public;

drop trigger if exists robot_macros_bump_version on public.robot_macros;
create trigger robot_macros_bump_version
  before update on public.robot_macros
  for each row execute function private.robot_macros_bump_version();

-- Executions: record the macro's current version; a disabled macro cannot run; a final status stamps
-- finished_at (duration_ms follows).
create or replace function private.robot_macro_executions_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_enabled boolean;
  v_version int;
begin
  if tg_op = 'INSERT' then
    if new.status <> 'running' then
      raise exception 'robot_macro_executions.status: a new execution starts running, not %', new.status using errcode = '55000';
    end if;
    select m.enabled, m.version into v_enabled, v_version from public.robot_macros m
    where m.id = new.macro_id and m.workspace_id = new.workspace_id;
    if v_enabled is false then
      raise exception 'robot_macro_executions.macro_id: macro % is disabled', new.macro_id using errcode = '55000';
    end if;
    new.macro_version := coalesce(v_version, new.macro_version, 1);
    new.started_at := coalesce(new.started_at, now());
    new.finished_at := null;
    return new;
  end if;
  if new.workspace_id is distinct from old.workspace_id or new.macro_id is distinct from old.macro_id then
    raise exception 'robot_macro_executions: workspace_id and macro_id cannot be changed' using errcode = '22023';
  end if;
  if new.status is distinct from old.status then
    new.finished_at := greatest(now(), new.started_at);
  end if;
  return new;
end
$$;
revoke all on function private.robot_macro_executions_before_write() from public;

drop trigger if exists robot_macro_executions_check_status_transition on public.robot_macro_executions;
create trigger robot_macro_executions_check_status_transition
  before update of status on public.robot_macro_executions
  for each row when (old.status is distinct from new.status)
  execute function private.enterprise_check_transition(
    '{"running": ["succeeded", "failed", "cancelled"], "succeeded": [], "failed": [], "cancelled": []}');

drop trigger if exists robot_macro_executions_prepare_write on public.robot_macro_executions;
create trigger robot_macro_executions_prepare_write
  before insert or update on public.robot_macro_executions
  for each row execute function private.robot_macro_executions_before_write();

drop trigger if exists desktop_configs_forbid_workspace_change on public.desktop_configs;
create trigger desktop_configs_forbid_workspace_change
  before update of workspace_id on public.desktop_configs
  for each row execute function private.enterprise_forbid_workspace_change();

do $$
declare
  t text;
begin
  foreach t in array array['desktop_configs', 'desktop_virtual_machines', 'desktop_connections',
                           'computer_use_tasks', 'robot_macros', 'robot_macro_executions'] loop
    execute format('drop trigger if exists %I on public.%I', t || '_set_updated_at', t);
    execute format('create trigger %I before update on public.%I for each row execute function private.set_updated_at()',
                   t || '_set_updated_at', t);
  end loop;
end $$;

-- ===========================================================================================
-- Stale-connection sweeper
-- ===========================================================================================

-- Expires connected rows whose last heartbeat is older than their timeout (at p_now). Batched and
-- SKIP LOCKED, so it never waits on a client's heartbeat. Returns the number expired.
create or replace function private.expire_stale_desktop_connections(p_now timestamptz default now(), p_batch int default 1000)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_n int;
begin
  perform private.queue_check_not_null('p_now', p_now is null);
  perform private.queue_check_range('p_batch', p_batch, 1, 100000);
  with stale as (
    select c.id from public.desktop_connections c
    where c.status = 'connected'
      and c.last_heartbeat_at < p_now - make_interval(secs => c.heartbeat_timeout_seconds)
    order by c.last_heartbeat_at
    limit p_batch
    for update skip locked
  )
  update public.desktop_connections c
  set status = 'expired', close_reason = 'heartbeat timeout'
  from stale
  where c.id = stale.id;
  get diagnostics v_n = row_count;
  return v_n;
end
$$;
revoke all on function private.expire_stale_desktop_connections(timestamptz, int) from public;
comment on function private.expire_stale_desktop_connections(timestamptz, int) is
  'pg_cron agentbase-desktop-connections: marks connections expired when silent longer than heartbeat_timeout_seconds.';

-- ===========================================================================================
-- Grants and row-level security
-- ===========================================================================================
-- Viewers read everything. Admins manage configs, machines and connections (robot clients connect with
-- service_role); members create computer-use tasks, macros and executions; admins delete those.

revoke all on table public.desktop_configs, public.desktop_virtual_machines, public.desktop_connections,
  public.computer_use_tasks, public.robot_macros, public.robot_macro_executions from anon, authenticated;
grant select, insert, update, delete on table public.desktop_configs, public.desktop_virtual_machines,
  public.desktop_connections, public.computer_use_tasks, public.robot_macros, public.robot_macro_executions
  to authenticated, service_role;

alter table public.desktop_configs enable row level security;
alter table public.desktop_virtual_machines enable row level security;
alter table public.desktop_connections enable row level security;
alter table public.computer_use_tasks enable row level security;
alter table public.robot_macros enable row level security;
alter table public.robot_macro_executions enable row level security;

select private.create_workspace_policies('public.desktop_configs', 'viewer', 'admin');
select private.create_workspace_policies('public.desktop_virtual_machines', 'viewer', 'admin');
select private.create_workspace_policies('public.desktop_connections', 'viewer', 'admin');
select private.create_workspace_policies('public.computer_use_tasks', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.robot_macros', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.robot_macro_executions', 'viewer', 'member', 'admin');

do $$
declare
  t text;
begin
  foreach t in array array['desktop_virtual_machines', 'desktop_connections', 'computer_use_tasks'] loop
    if exists (select 1 from pg_publication where pubname = 'supabase_realtime')
       and not exists (select 1 from pg_publication_tables
                       where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = t) then
      execute format('alter publication supabase_realtime add table public.%I', t);
    end if;
  end loop;
end $$;

select cron.schedule('agentbase-desktop-connections', '* * * * *',
  'select private.expire_stale_desktop_connections()');
