-- Agent sessions (coding-agent product: sandbox + repository state with a checked lifecycle and a version
-- counter for optimistic updates), their chats (threads of kind session_chat), workflow runs and run steps.
-- The ownership chain session -> chat -> run -> step is held by composite foreign keys: a run can only
-- name a chat of its own session in its own workspace. Model, RPCs, errors: docs/runs.md.
-- Runs as the non-superuser `postgres` role inside one transaction; every statement is idempotent.

-- ===========================================================================================
-- Enums
-- ===========================================================================================

do $$ begin
  if not exists (select 1 from pg_type where typname = 'agent_session_status' and typnamespace = 'public'::regnamespace) then
    create type public.agent_session_status as enum ('running', 'completed', 'failed', 'archived');
  end if;
  if not exists (select 1 from pg_type where typname = 'agent_session_lifecycle' and typnamespace = 'public'::regnamespace) then
    create type public.agent_session_lifecycle as enum (
      'provisioning', 'active', 'hibernating', 'hibernated', 'restoring', 'archived', 'failed');
  end if;
  if not exists (select 1 from pg_type where typname = 'workflow_run_status' and typnamespace = 'public'::regnamespace) then
    create type public.workflow_run_status as enum ('running', 'completed', 'aborted', 'failed');
  end if;
  if not exists (select 1 from pg_type where typname = 'workflow_step_finish_reason' and typnamespace = 'public'::regnamespace) then
    -- The AI SDK's finish reasons, spelled as it spells them; raw_finish_reason keeps the provider's own.
    create type public.workflow_step_finish_reason as enum (
      'stop', 'length', 'content-filter', 'tool-calls', 'error', 'other', 'unknown');
  end if;
end $$;

-- ===========================================================================================
-- Tables
-- ===========================================================================================

create table if not exists public.agent_sessions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  agent_id uuid,
  -- An id from another system (open-agents' text ids) kept for imports; unique per workspace.
  external_id text check (length(external_id) between 1 and 200),
  title text not null check (length(btrim(title)) between 1 and 500),
  status public.agent_session_status not null default 'running',
  -- Repository.
  repo_owner text check (length(repo_owner) between 1 and 200),
  repo_name text check (length(repo_name) between 1 and 200),
  branch text check (length(branch) between 1 and 500),
  clone_url text check (length(clone_url) <= 2048 and clone_url ~ '^(https?|ssh|git)://[^\s]+$|^git@[^\s]+$'),
  is_new_branch boolean not null default false,
  global_skill_refs jsonb not null default '[]' check (jsonb_typeof(global_skill_refs) = 'array'),
  -- Sandbox and lifecycle.
  sandbox_state jsonb check (sandbox_state is null or jsonb_typeof(sandbox_state) = 'object'),
  lifecycle_state public.agent_session_lifecycle not null default 'provisioning',
  lifecycle_version integer not null default 0 check (lifecycle_version >= 0),
  lifecycle_run_id text check (length(lifecycle_run_id) <= 200),
  lifecycle_error text check (length(lifecycle_error) <= 10000),
  last_activity_at timestamptz,
  sandbox_expires_at timestamptz,
  hibernate_after timestamptz,
  -- Work done.
  lines_added integer not null default 0 check (lines_added >= 0),
  lines_removed integer not null default 0 check (lines_removed >= 0),
  snapshot_url text check (length(snapshot_url) <= 2048),
  snapshot_created_at timestamptz,
  snapshot_size_bytes bigint check (snapshot_size_bytes >= 0),
  cached_diff jsonb,
  cached_diff_updated_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agent_sessions_workspace_id_id_key unique (workspace_id, id),
  constraint agent_sessions_workspace_id_external_id_key unique (workspace_id, external_id),
  constraint agent_sessions_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id)
);
create index if not exists agent_sessions_owner_id_idx on public.agent_sessions (owner_id);
create index if not exists agent_sessions_workspace_agent_idx on public.agent_sessions (workspace_id, agent_id);
create index if not exists agent_sessions_agent_id_idx on public.agent_sessions (agent_id);
create index if not exists agent_sessions_workspace_activity_idx on public.agent_sessions (workspace_id, last_activity_at desc nulls last);
-- The hibernation sweeper's work list.
create index if not exists agent_sessions_hibernate_after_idx on public.agent_sessions (hibernate_after)
  where lifecycle_state = 'active';
comment on table public.agent_sessions is
  'A coding-agent session: repository (owner/name/branch/clone URL), sandbox state and lifecycle (provisioning -> active -> hibernating -> hibernated -> restoring -> active; archived or failed), lifecycle_version for optimistic updates, activity and expiry times, line counts, snapshot, cached diff. Its chats are threads of kind session_chat.';
comment on column public.agent_sessions.lifecycle_version is
  'Bumped by the database on every update. Write back the version you read (or call transition_agent_session with p_expected_version): a different value raises 40001.';

-- Chats of a session: threads.session_id must name a session of the thread's own workspace.
do $$ begin
  if not exists (select 1 from pg_constraint where conname = 'threads_session_fkey' and conrelid = 'public.threads'::regclass) then
    alter table public.threads add constraint threads_session_fkey foreign key (workspace_id, session_id)
      references public.agent_sessions (workspace_id, id) on delete cascade;
  end if;
end $$;

create table if not exists public.workflow_runs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  session_id uuid not null,
  thread_id uuid not null,
  owner_id uuid default auth.uid() references auth.users (id) on delete set null,
  external_id text check (length(external_id) between 1 and 200),
  model_id text check (length(model_id) between 1 and 200),
  status public.workflow_run_status not null default 'running',
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  total_duration_ms bigint generated always as (
    case when finished_at is null then null
         else (extract(epoch from (finished_at - started_at)) * 1000)::bigint end) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint workflow_runs_workspace_id_id_key unique (workspace_id, id),
  constraint workflow_runs_workspace_id_external_id_key unique (workspace_id, external_id),
  constraint workflow_runs_session_fkey foreign key (workspace_id, session_id)
    references public.agent_sessions (workspace_id, id) on delete cascade,
  -- The chain: the chat must belong to this very session (and so to this workspace).
  constraint workflow_runs_thread_fkey foreign key (workspace_id, session_id, thread_id)
    references public.threads (workspace_id, session_id, id) on delete cascade,
  constraint workflow_runs_finished_check check ((status = 'running') = (finished_at is null)),
  constraint workflow_runs_order_check check (finished_at is null or finished_at >= started_at)
);
create index if not exists workflow_runs_workspace_session_idx on public.workflow_runs (workspace_id, session_id, started_at desc);
create index if not exists workflow_runs_workspace_session_thread_idx on public.workflow_runs (workspace_id, session_id, thread_id);
create index if not exists workflow_runs_thread_id_idx on public.workflow_runs (thread_id);
create index if not exists workflow_runs_session_id_idx on public.workflow_runs (session_id);
create index if not exists workflow_runs_owner_id_idx on public.workflow_runs (owner_id);
comment on table public.workflow_runs is
  'One agent run in a session chat: model, status (running -> completed | aborted | failed), start and finish; total_duration_ms is derived.';

create table if not exists public.workflow_run_steps (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  run_id uuid not null,
  step_number integer not null check (step_number between 0 and 100000),
  started_at timestamptz not null,
  finished_at timestamptz not null,
  duration_ms bigint generated always as ((extract(epoch from (finished_at - started_at)) * 1000)::bigint) stored,
  finish_reason public.workflow_step_finish_reason,
  raw_finish_reason text check (length(raw_finish_reason) <= 200),
  model_id text check (length(model_id) between 1 and 200),
  input_tokens integer check (input_tokens >= 0),
  output_tokens integer check (output_tokens >= 0),
  created_at timestamptz not null default now(),
  constraint workflow_run_steps_run_fkey foreign key (workspace_id, run_id)
    references public.workflow_runs (workspace_id, id) on delete cascade,
  constraint workflow_run_steps_run_id_step_number_key unique (run_id, step_number),
  constraint workflow_run_steps_order_check check (finished_at >= started_at)
);
create index if not exists workflow_run_steps_workspace_run_idx on public.workflow_run_steps (workspace_id, run_id);
comment on table public.workflow_run_steps is 'Per-step timings of a workflow run: step number (unique per run), start, finish, derived duration, finish reason.';

-- ===========================================================================================
-- Trigger functions
-- ===========================================================================================

-- The lifecycle as a table of allowed moves (from -> to). Staying in the same state is always allowed.
create or replace function private.agent_session_transition_allowed(
  p_from public.agent_session_lifecycle, p_to public.agent_session_lifecycle)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select p_from = p_to or (p_from::text, p_to::text) in (
    ('provisioning', 'active'), ('provisioning', 'failed'), ('provisioning', 'archived'),
    ('active', 'hibernating'), ('active', 'archived'), ('active', 'failed'),
    ('hibernating', 'hibernated'), ('hibernating', 'active'), ('hibernating', 'failed'),
    ('hibernated', 'restoring'), ('hibernated', 'archived'), ('hibernated', 'failed'),
    ('restoring', 'active'), ('restoring', 'failed'),
    ('failed', 'provisioning'), ('failed', 'restoring'), ('failed', 'archived'))
$$;
revoke all on function private.agent_session_transition_allowed(public.agent_session_lifecycle, public.agent_session_lifecycle) from public;
grant execute on function private.agent_session_transition_allowed(public.agent_session_lifecycle, public.agent_session_lifecycle)
  to authenticated, service_role;

-- Every update: the version written must be the version read (40001 otherwise), then it is bumped;
-- lifecycle moves must be allowed (55000); workspace and owner never change.
create or replace function private.agent_sessions_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.lifecycle_version := 0;
    if new.lifecycle_state not in ('provisioning', 'active') then
      raise exception 'agent_sessions.lifecycle_state: a session starts in provisioning or active (got %)', new.lifecycle_state
        using errcode = '55000';
    end if;
    return new;
  end if;
  if new.lifecycle_version <> old.lifecycle_version then
    raise exception 'agent_sessions.lifecycle_version is stale: expected %, current %', new.lifecycle_version, old.lifecycle_version
      using errcode = '40001', hint = 'Re-read the session and retry with its current lifecycle_version.';
  end if;
  if new.workspace_id <> old.workspace_id then
    raise exception 'agent_sessions.workspace_id cannot change' using errcode = '55000';
  end if;
  if new.owner_id <> old.owner_id and not private.is_trusted_caller() then
    raise exception 'agent_sessions.owner_id cannot change' using errcode = '55000';
  end if;
  if not private.agent_session_transition_allowed(old.lifecycle_state, new.lifecycle_state) then
    raise exception 'agent_sessions.lifecycle_state: illegal transition % -> %', old.lifecycle_state, new.lifecycle_state
      using errcode = '55000';
  end if;
  if new.lifecycle_state = 'archived' then
    new.status := 'archived';
  end if;
  if new.lifecycle_state <> old.lifecycle_state and new.lifecycle_state <> 'failed' then
    new.lifecycle_error := null;
  end if;
  new.lifecycle_version := old.lifecycle_version + 1;
  return new;
end
$$;
revoke all on function private.agent_sessions_before_write() from public;

-- Runs: a finished run stays finished.
create or replace function private.workflow_runs_before_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if (new.workspace_id, new.session_id, new.thread_id) is distinct from (old.workspace_id, old.session_id, old.thread_id) then
    raise exception 'workflow_runs: session_id and thread_id cannot change' using errcode = '55000';
  end if;
  if old.status <> 'running' and (new.status, new.finished_at) is distinct from (old.status, old.finished_at) then
    raise exception 'workflow_runs.status: illegal transition % -> % (run % is finished)', old.status, new.status, old.id
      using errcode = '55000';
  end if;
  return new;
end
$$;
revoke all on function private.workflow_runs_before_update() from public;

drop trigger if exists agent_sessions_before_write on public.agent_sessions;
create trigger agent_sessions_before_write before insert or update on public.agent_sessions
  for each row execute function private.agent_sessions_before_write();
drop trigger if exists agent_sessions_set_updated_at on public.agent_sessions;
create trigger agent_sessions_set_updated_at before update on public.agent_sessions
  for each row execute function private.set_updated_at();
drop trigger if exists workflow_runs_before_update on public.workflow_runs;
create trigger workflow_runs_before_update before update on public.workflow_runs
  for each row execute function private.workflow_runs_before_update();
drop trigger if exists workflow_runs_set_updated_at on public.workflow_runs;
create trigger workflow_runs_set_updated_at before update on public.workflow_runs
  for each row execute function private.set_updated_at();

-- ===========================================================================================
-- Privileges and RLS
-- ===========================================================================================

revoke all on table public.agent_sessions, public.workflow_runs, public.workflow_run_steps from anon, authenticated;

grant select, delete on table public.agent_sessions to authenticated;
grant insert (id, workspace_id, agent_id, external_id, title, status, repo_owner, repo_name, branch, clone_url,
  is_new_branch, global_skill_refs, sandbox_state, lifecycle_state, last_activity_at, sandbox_expires_at, hibernate_after)
  on table public.agent_sessions to authenticated;
-- Lifecycle columns (state, run id, error) change through transition_agent_session only.
-- lifecycle_version may be written back as read (optimistic check); the trigger then bumps it.
grant update (lifecycle_version, agent_id, title, status, repo_owner, repo_name, branch, clone_url, is_new_branch, global_skill_refs,
  sandbox_state, last_activity_at, sandbox_expires_at, hibernate_after, lines_added, lines_removed, snapshot_url,
  snapshot_created_at, snapshot_size_bytes, cached_diff, cached_diff_updated_at)
  on table public.agent_sessions to authenticated;

grant select, delete on table public.workflow_runs to authenticated;
grant insert (id, workspace_id, session_id, thread_id, external_id, model_id, status, started_at, finished_at)
  on table public.workflow_runs to authenticated;
grant update (model_id, status, finished_at) on table public.workflow_runs to authenticated;

grant select, delete on table public.workflow_run_steps to authenticated;
grant insert (id, workspace_id, run_id, step_number, started_at, finished_at, finish_reason, raw_finish_reason,
  model_id, input_tokens, output_tokens) on table public.workflow_run_steps to authenticated;

grant select, insert, update, delete on table public.agent_sessions, public.workflow_runs, public.workflow_run_steps
  to service_role;

alter table public.agent_sessions enable row level security;
alter table public.workflow_runs enable row level security;
alter table public.workflow_run_steps enable row level security;

-- Sessions: the workspace's viewers read; members open sessions as themselves; the owner (a member
-- still) or an admin changes and deletes them.
drop policy if exists agent_sessions_select on public.agent_sessions;
create policy agent_sessions_select on public.agent_sessions for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('viewer'))));
drop policy if exists agent_sessions_insert on public.agent_sessions;
create policy agent_sessions_insert on public.agent_sessions for insert to authenticated
  with check (owner_id = (select auth.uid()) and workspace_id = any (array(select private.my_workspace_ids('member'))));
drop policy if exists agent_sessions_update on public.agent_sessions;
create policy agent_sessions_update on public.agent_sessions for update to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin')))
         or (owner_id = (select auth.uid()) and workspace_id = any (array(select private.my_workspace_ids('member')))))
  with check (workspace_id = any (array(select private.my_workspace_ids('member'))));
drop policy if exists agent_sessions_delete on public.agent_sessions;
create policy agent_sessions_delete on public.agent_sessions for delete to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin')))
         or (owner_id = (select auth.uid()) and workspace_id = any (array(select private.my_workspace_ids('member')))));

-- Runs and steps: viewers read, members record, admins delete.
select private.create_workspace_policies('public.workflow_runs', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.workflow_run_steps', 'viewer', 'member', 'admin');
-- Steps are never edited once recorded.
drop policy if exists workflow_run_steps_update on public.workflow_run_steps;

-- ===========================================================================================
-- RPCs
-- ===========================================================================================

-- Optimistic lifecycle change: applies p_to only if the session is still at p_expected_version.
-- Stale version: 40001; illegal move: 55000; unknown session: P0002; not the owner or an admin: 42501.
-- Definer because the lifecycle columns are not updatable by API roles directly.
create or replace function private.agent_session_transition(
  p_session_id uuid,
  p_expected_version integer,
  p_to public.agent_session_lifecycle,
  p_error text,
  p_sandbox_state jsonb,
  p_lifecycle_run_id text
)
returns public.agent_sessions
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_row public.agent_sessions;
begin
  if p_session_id is null then
    raise exception 'p_session_id must not be null' using errcode = '22004';
  end if;
  if p_expected_version is null then
    raise exception 'p_expected_version must not be null' using errcode = '22004';
  end if;
  if p_to is null then
    raise exception 'p_to must not be null' using errcode = '22004';
  end if;
  if p_error is not null and p_to <> 'failed' then
    raise exception 'p_error is only accepted with p_to = failed (got %)', p_to using errcode = '22023';
  end if;
  if p_sandbox_state is not null and jsonb_typeof(p_sandbox_state) <> 'object' then
    raise exception 'p_sandbox_state must be a JSON object (got %)', jsonb_typeof(p_sandbox_state) using errcode = '22023';
  end if;
  select * into v_row from public.agent_sessions s where s.id = p_session_id;
  if v_row.id is null then
    raise exception 'agent session % not found', p_session_id using errcode = 'P0002';
  end if;
  if not (private.is_trusted_caller()
          or private.has_workspace_role(v_row.workspace_id, 'admin')
          or (v_row.owner_id = auth.uid() and private.has_workspace_role(v_row.workspace_id, 'member'))) then
    raise exception 'permission denied: only the session owner or an admin changes session %', p_session_id
      using errcode = '42501';
  end if;
  -- The version check and the bump happen in the trigger, on the row as locked by this update (a
  -- concurrent transition that committed first makes this one stale).
  update public.agent_sessions s
     set lifecycle_state = p_to,
         lifecycle_version = p_expected_version,
         lifecycle_error = case when p_to = 'failed' then coalesce(p_error, s.lifecycle_error) else null end,
         sandbox_state = coalesce(p_sandbox_state, s.sandbox_state),
         lifecycle_run_id = coalesce(p_lifecycle_run_id, s.lifecycle_run_id),
         last_activity_at = case when p_to = 'active' then now() else s.last_activity_at end
   where s.id = p_session_id
  returning * into v_row;
  return v_row;
end
$$;
revoke all on function private.agent_session_transition(uuid, integer, public.agent_session_lifecycle, text, jsonb, text) from public;
grant execute on function private.agent_session_transition(uuid, integer, public.agent_session_lifecycle, text, jsonb, text)
  to authenticated, service_role;

create or replace function public.transition_agent_session(
  p_session_id uuid,
  p_expected_version integer,
  p_to public.agent_session_lifecycle,
  p_error text default null,
  p_sandbox_state jsonb default null,
  p_lifecycle_run_id text default null
)
returns public.agent_sessions
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.agent_session_transition(p_session_id, p_expected_version, p_to, p_error, p_sandbox_state, p_lifecycle_run_id)
$$;
revoke all on function public.transition_agent_session(uuid, integer, public.agent_session_lifecycle, text, jsonb, text) from public, anon;
grant execute on function public.transition_agent_session(uuid, integer, public.agent_session_lifecycle, text, jsonb, text)
  to authenticated, service_role;
comment on function public.transition_agent_session(uuid, integer, public.agent_session_lifecycle, text, jsonb, text) is
  'Moves a session''s lifecycle to p_to if it is still at p_expected_version (the session owner or an admin). Stale version raises 40001, an illegal move 55000. p_error only with p_to = failed. Returns the updated session (lifecycle_version + 1).';

-- ===========================================================================================
-- Realtime
-- ===========================================================================================

do $$
declare
  t text;
begin
  foreach t in array array['agent_sessions', 'workflow_runs'] loop
    if not exists (select 1 from pg_publication_tables
                   where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = t) then
      execute format('alter publication supabase_realtime add table public.%I', t);
    end if;
  end loop;
end $$;
