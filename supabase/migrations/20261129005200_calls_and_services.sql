-- Enterprise operations, step 3: video calls and user services.
--
-- video_calls are voice/video sessions with an agent: times, provider room, recording and transcript as
-- storage references, and participants (workspace members or agents) in video_call_participants.
-- user_services are user-defined serverless services: a name unique per workspace, a container image,
-- environment values held as Supabase Vault references (secret ids, never plaintext), a status and a URL.
-- Runs as the non-superuser `postgres` role; idempotent. Contract: docs/enterprise-operations.md.

-- ===========================================================================================
-- Enums
-- ===========================================================================================

do $$
begin
  create type public.video_call_kind as enum ('voice', 'video');
exception when duplicate_object then null;
end $$;

-- scheduled -> active | cancelled | missed; active -> ended | failed; the last four are final.
do $$
begin
  create type public.video_call_status as enum ('scheduled', 'active', 'ended', 'cancelled', 'missed', 'failed');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.video_call_role as enum ('host', 'participant', 'observer');
exception when duplicate_object then null;
end $$;

-- pending -> deploying | failed | deleted; deploying -> running | failed; running -> deploying (redeploy) |
-- stopped | failed; stopped -> deploying | deleted; failed -> deploying | deleted; deleted is final.
do $$
begin
  create type public.user_service_status as enum ('pending', 'deploying', 'running', 'stopped', 'failed', 'deleted');
exception when duplicate_object then null;
end $$;

-- ===========================================================================================
-- Helpers
-- ===========================================================================================

-- Environment of a user service: an object mapping variable names (^[A-Z_][A-Z0-9_]{0,127}$) to Vault
-- secret ids (uuid strings). Anything else -- a number, a nested object, a string that is not a uuid --
-- looks like a plaintext value and is refused.
create or replace function private.is_vault_env(p_env jsonb)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select jsonb_typeof(p_env) = 'object'
     and (select count(*) from jsonb_object_keys(p_env)) <= 200
     and coalesce((
       select bool_and(
         e.key ~ '^[A-Z_][A-Z0-9_]{0,127}$'
         and jsonb_typeof(e.value) = 'string'
         and (e.value #>> '{}') ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
       from jsonb_each(p_env) as e), true)
$$;
revoke all on function private.is_vault_env(jsonb) from public;
grant execute on function private.is_vault_env(jsonb) to authenticated, service_role;

-- ===========================================================================================
-- Tables
-- ===========================================================================================

create table if not exists public.video_calls (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  project_id uuid references public.projects (id) on delete set null,
  agent_id uuid,
  kind public.video_call_kind not null default 'video',
  status public.video_call_status not null default 'scheduled',
  title text check (length(title) <= 500),
  provider text not null default 'default' check (provider ~ '^[a-z][a-z0-9_.-]{0,62}$'),
  room_id text check (length(room_id) between 1 and 500),
  scheduled_for timestamptz,
  started_at timestamptz,
  ended_at timestamptz,
  duration_seconds int generated always as (extract(epoch from (ended_at - started_at))::int) stored,
  recording_path text check (private.is_storage_path(recording_path)),
  transcript_path text check (private.is_storage_path(transcript_path)),
  -- The conversation thread this call belongs to, once conversations exist (no foreign key yet).
  thread_id uuid,
  error text check (length(error) <= 4000),
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint video_calls_workspace_id_id_key unique (workspace_id, id),
  constraint video_calls_agent_id_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id),
  constraint video_calls_times_check check (ended_at is null or (started_at is not null and ended_at >= started_at)),
  constraint video_calls_started_check check (status not in ('active', 'ended') or started_at is not null),
  constraint video_calls_ended_check check ((ended_at is not null) = (status in ('ended', 'failed') and started_at is not null))
);
create index if not exists video_calls_workspace_created_idx on public.video_calls (workspace_id, created_at desc);
create index if not exists video_calls_workspace_agent_idx on public.video_calls (workspace_id, agent_id);
create index if not exists video_calls_project_id_idx on public.video_calls (project_id);
create index if not exists video_calls_created_by_idx on public.video_calls (created_by);
create index if not exists video_calls_thread_id_idx on public.video_calls (thread_id) where thread_id is not null;

create table if not exists public.video_call_participants (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  call_id uuid not null,
  -- Exactly one of: a workspace member, or an agent of the workspace.
  user_id uuid references auth.users (id) on delete cascade,
  agent_id uuid,
  role public.video_call_role not null default 'participant',
  joined_at timestamptz,
  left_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint video_call_participants_call_id_fkey foreign key (workspace_id, call_id)
    references public.video_calls (workspace_id, id) on delete cascade,
  constraint video_call_participants_agent_id_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete cascade,
  constraint video_call_participants_one_party_check check (num_nonnulls(user_id, agent_id) = 1),
  constraint video_call_participants_times_check check (left_at is null or (joined_at is not null and left_at >= joined_at)),
  constraint video_call_participants_call_id_user_id_key unique (call_id, user_id),
  constraint video_call_participants_call_id_agent_id_key unique (call_id, agent_id)
);
create index if not exists video_call_participants_workspace_call_idx on public.video_call_participants (workspace_id, call_id);
create index if not exists video_call_participants_workspace_agent_idx on public.video_call_participants (workspace_id, agent_id);
create index if not exists video_call_participants_user_id_idx on public.video_call_participants (user_id);

create table if not exists public.user_services (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  project_id uuid references public.projects (id) on delete set null,
  name text not null check (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  description text not null default '' check (length(description) <= 4000),
  -- Container image reference, e.g. "ghcr.io/acme/report-bot:1.4" or "...@sha256:<digest>".
  image text not null check (length(image) <= 500 and image ~ '^[a-z0-9][a-z0-9._/:-]*(@sha256:[0-9a-f]{64})?$'),
  -- {"VAR_NAME": "<vault secret id>"}: values are Vault references, never plaintext.
  env jsonb not null default '{}'::jsonb,
  port int check (port between 1 and 65535),
  status public.user_service_status not null default 'pending',
  url text check (length(url) <= 2048 and url ~ '^https?://[^\s]+$'),
  -- Which agent may call it, if it is an agent's tool.
  agent_id uuid,
  last_error text check (length(last_error) <= 4000),
  status_changed_at timestamptz not null default now(),
  deployed_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint user_services_workspace_id_name_key unique (workspace_id, name),
  constraint user_services_agent_id_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id),
  constraint user_services_env_vault_check check (private.is_vault_env(env)),
  constraint user_services_running_url_check check (status <> 'running' or url is not null),
  constraint user_services_failed_check check (status <> 'failed' or last_error is not null)
);
create index if not exists user_services_workspace_agent_idx on public.user_services (workspace_id, agent_id);
create index if not exists user_services_project_id_idx on public.user_services (project_id);
create index if not exists user_services_created_by_idx on public.user_services (created_by);

comment on table public.video_calls is
  'Voice/video sessions with an agent: status, times, provider room, recording and transcript as storage references "<bucket>/<object path>".';
comment on column public.video_calls.thread_id is 'The conversation thread id once conversations exist; no foreign key yet.';
comment on column public.video_calls.recording_path is 'Storage reference "<bucket>/<object path>" of the recording.';
comment on column public.video_calls.transcript_path is 'Storage reference "<bucket>/<object path>" of the transcript.';
comment on table public.video_call_participants is 'Who is on a call: a workspace member (user_id) or an agent (agent_id), with role and join/leave times.';
comment on table public.user_services is
  'User-defined serverless services: name unique per workspace, container image, env as Vault secret ids (plaintext refused), status, URL.';
comment on column public.user_services.env is 'Object of VAR_NAME -> Supabase Vault secret id (uuid). Plaintext values are refused (23514).';

-- ===========================================================================================
-- Triggers
-- ===========================================================================================

create or replace function private.video_calls_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'scheduled' then
      raise exception 'video_calls.status: a new call starts scheduled, not %', new.status using errcode = '55000';
    end if;
    new.started_at := null;
    new.ended_at := null;
    return new;
  end if;
  if new.workspace_id is distinct from old.workspace_id then
    raise exception 'video_calls.workspace_id cannot be changed' using errcode = '22023';
  end if;
  if new.status is distinct from old.status then
    if new.status = 'active' then
      new.started_at := now();
    elsif new.status in ('ended', 'failed') and new.started_at is not null then
      new.ended_at := greatest(now(), new.started_at);
    end if;
  end if;
  return new;
end
$$;
revoke all on function private.video_calls_before_write() from public;

drop trigger if exists video_calls_check_status_transition on public.video_calls;
create trigger video_calls_check_status_transition
  before update of status on public.video_calls
  for each row when (old.status is distinct from new.status)
  execute function private.enterprise_check_transition(
    '{"scheduled": ["active", "cancelled", "missed", "failed"], "active": ["ended", "failed"],
      "ended": [], "cancelled": [], "missed": [], "failed": []}');

drop trigger if exists video_calls_prepare_write on public.video_calls;
create trigger video_calls_prepare_write
  before insert or update on public.video_calls
  for each row execute function private.video_calls_before_write();

drop trigger if exists video_calls_check_project on public.video_calls;
create trigger video_calls_check_project
  before insert or update of project_id on public.video_calls
  for each row execute function private.enterprise_check_project();

-- A user participant must be a member of the call's workspace. Definer: reads membership.
create or replace function private.video_call_participants_check_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and (new.workspace_id is distinct from old.workspace_id or new.call_id is distinct from old.call_id) then
    raise exception 'video_call_participants: workspace_id and call_id cannot be changed' using errcode = '22023';
  end if;
  if new.user_id is not null and not exists (
    select 1 from public.workspace_members m where m.workspace_id = new.workspace_id and m.user_id = new.user_id
  ) then
    raise exception 'video_call_participants.user_id: user % is not a member of workspace %', new.user_id, new.workspace_id
      using errcode = '23503';
  end if;
  return new;
end
$$;
revoke all on function private.video_call_participants_check_user() from public;

drop trigger if exists video_call_participants_check_user on public.video_call_participants;
create trigger video_call_participants_check_user
  before insert or update on public.video_call_participants
  for each row execute function private.video_call_participants_check_user();

create or replace function private.user_services_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'pending' then
      raise exception 'user_services.status: a new service starts pending, not %', new.status using errcode = '55000';
    end if;
    new.status_changed_at := now();
    return new;
  end if;
  if new.workspace_id is distinct from old.workspace_id then
    raise exception 'user_services.workspace_id cannot be changed' using errcode = '22023';
  end if;
  if new.status is distinct from old.status then
    new.status_changed_at := now();
    if new.status = 'running' then
      new.deployed_at := now();
    end if;
  end if;
  return new;
end
$$;
revoke all on function private.user_services_before_write() from public;

drop trigger if exists user_services_check_status_transition on public.user_services;
create trigger user_services_check_status_transition
  before update of status on public.user_services
  for each row when (old.status is distinct from new.status)
  execute function private.enterprise_check_transition(
    '{"pending": ["deploying", "failed", "deleted"], "deploying": ["running", "failed"],
      "running": ["deploying", "stopped", "failed"], "stopped": ["deploying", "deleted"],
      "failed": ["deploying", "deleted"], "deleted": []}');

drop trigger if exists user_services_prepare_write on public.user_services;
create trigger user_services_prepare_write
  before insert or update on public.user_services
  for each row execute function private.user_services_before_write();

drop trigger if exists user_services_check_project on public.user_services;
create trigger user_services_check_project
  before insert or update of project_id on public.user_services
  for each row execute function private.enterprise_check_project();

do $$
declare
  t text;
begin
  foreach t in array array['video_calls', 'video_call_participants', 'user_services'] loop
    execute format('drop trigger if exists %I on public.%I', t || '_set_updated_at', t);
    execute format('create trigger %I before update on public.%I for each row execute function private.set_updated_at()',
                   t || '_set_updated_at', t);
  end loop;
end $$;

-- ===========================================================================================
-- Grants and row-level security
-- ===========================================================================================
-- Viewers read; members start calls and add participants; admins manage services (their env points at
-- secrets) and delete calls.

revoke all on table public.video_calls, public.video_call_participants, public.user_services from anon, authenticated;
grant select, insert, update, delete on table public.video_calls, public.video_call_participants, public.user_services
  to authenticated, service_role;

alter table public.video_calls enable row level security;
alter table public.video_call_participants enable row level security;
alter table public.user_services enable row level security;

select private.create_workspace_policies('public.video_calls', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.video_call_participants', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.user_services', 'viewer', 'admin');

do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime')
     and not exists (select 1 from pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'video_calls') then
    alter publication supabase_realtime add table public.video_calls;
  end if;
end $$;
