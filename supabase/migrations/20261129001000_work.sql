-- Work: streams (board lanes), tasks with ordered steps, task relations, labels, attachments, and
-- recurring task series spawned by a pg_cron job. Comments and the inbox automations that wake agents
-- live in 20261129001200_comments_and_automations.sql; the CRM in 20261129001100_crm.sql.
-- See docs/work-and-crm.md. Runs as the non-superuser `postgres` role; every statement is idempotent.

-- Trigram search on task titles and contact names (hosted Supabase allows pg_trgm).
create extension if not exists pg_trgm with schema extensions;

-- ============================================================================================ enums

do $$
begin
  create type public.task_status as enum ('todo', 'in_progress', 'blocked', 'done', 'cancelled', 'missed');
exception when duplicate_object then null;
end $$;

-- Shared by tasks and contacts.
do $$
begin
  create type public.priority_level as enum ('urgent', 'high', 'medium', 'low');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.stream_type as enum ('functional', 'project', 'custom');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.task_relation_type as enum ('blocks', 'relates_to', 'duplicate_of');
exception when duplicate_object then null;
end $$;

-- What the series job does with occurrences that fell due while it was not running.
do $$
begin
  create type public.series_catch_up as enum ('all', 'latest', 'none');
exception when duplicate_object then null;
end $$;

-- ============================================================================================ tables

create table if not exists public.streams (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '' check (length(description) <= 4000),
  type public.stream_type not null default 'functional',
  color text check (color ~ '^#[0-9a-fA-F]{6}$'),
  position double precision not null default 0,
  archived_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint streams_workspace_id_id_key unique (workspace_id, id)
);
create index if not exists streams_workspace_position_idx on public.streams (workspace_id, position);
create index if not exists streams_created_by_idx on public.streams (created_by);

create table if not exists public.task_series (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- Five-field cron (private.cron_validate), evaluated in `timezone`.
  schedule text not null,
  timezone text not null default 'UTC',
  catch_up public.series_catch_up not null default 'latest',
  -- When a new occurrence spawns, older occurrences of this series that are still open become `missed`.
  miss_previous boolean not null default false,
  active boolean not null default true,
  starts_at timestamptz not null default now(),
  ends_at timestamptz,
  -- Template of every occurrence.
  title text not null check (length(btrim(title)) between 1 and 500),
  summary text not null default '' check (length(summary) <= 4000),
  details text not null default '' check (length(details) <= 100000),
  steps jsonb not null default '[]'::jsonb,
  priority public.priority_level not null default 'medium',
  stream_id uuid,
  project_id uuid references public.projects (id) on delete set null,
  assignee_user_id uuid,
  assignee_agent_id uuid,
  -- Maintained by the database: the next due time to spawn, the last one spawned.
  next_run_at timestamptz,
  last_due_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint task_series_workspace_id_id_key unique (workspace_id, id),
  constraint task_series_one_assignee_check check (num_nonnulls(assignee_user_id, assignee_agent_id) <= 1),
  constraint task_series_ends_check check (ends_at is null or ends_at > starts_at),
  constraint task_series_stream_fkey foreign key (workspace_id, stream_id)
    references public.streams (workspace_id, id) on delete set null (stream_id),
  constraint task_series_assignee_user_fkey foreign key (workspace_id, assignee_user_id)
    references public.workspace_members (workspace_id, user_id) on delete set null (assignee_user_id),
  constraint task_series_assignee_agent_fkey foreign key (workspace_id, assignee_agent_id)
    references public.agents (workspace_id, id) on delete set null (assignee_agent_id)
);
create index if not exists task_series_workspace_id_idx on public.task_series (workspace_id);
create index if not exists task_series_due_idx on public.task_series (next_run_at) where active;
create index if not exists task_series_stream_idx on public.task_series (workspace_id, stream_id);
create index if not exists task_series_project_id_idx on public.task_series (project_id);
create index if not exists task_series_assignee_user_idx on public.task_series (workspace_id, assignee_user_id);
create index if not exists task_series_assignee_agent_idx on public.task_series (workspace_id, assignee_agent_id);
create index if not exists task_series_created_by_idx on public.task_series (created_by);

create table if not exists public.tasks (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  stream_id uuid,
  project_id uuid references public.projects (id) on delete set null,
  title text not null check (length(btrim(title)) between 1 and 500),
  summary text not null default '' check (length(summary) <= 4000),
  details text not null default '' check (length(details) <= 100000),
  -- Ordered checklist: [{"position": 1, "text": "...", "done": false}, ...], normalised by the trigger.
  steps jsonb not null default '[]'::jsonb,
  status public.task_status not null default 'todo',
  priority public.priority_level not null default 'medium',
  due_at timestamptz,
  position double precision not null default 0,
  -- A member of the task's workspace, or an agent of it, or nobody; never both.
  assignee_user_id uuid,
  assignee_agent_id uuid,
  -- +1 on every change of assignee: identifies the assignment event (inbox dedup key).
  assignment_version integer not null default 0,
  -- Occurrence of a recurring series: (series_id, series_due_at) is unique, so each due time spawns once.
  series_id uuid,
  series_due_at timestamptz,
  completed_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  search tsvector generated always as (
    to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(summary, ''))) stored,
  constraint tasks_workspace_id_id_key unique (workspace_id, id),
  constraint tasks_series_occurrence_key unique (series_id, series_due_at),
  constraint tasks_one_assignee_check check (num_nonnulls(assignee_user_id, assignee_agent_id) <= 1),
  constraint tasks_completed_at_check check ((status = 'done') = (completed_at is not null)),
  constraint tasks_series_check check ((series_id is null) = (series_due_at is null)),
  constraint tasks_steps_check check (jsonb_typeof(steps) = 'array'),
  constraint tasks_stream_fkey foreign key (workspace_id, stream_id)
    references public.streams (workspace_id, id) on delete set null (stream_id),
  constraint tasks_assignee_user_fkey foreign key (workspace_id, assignee_user_id)
    references public.workspace_members (workspace_id, user_id) on delete set null (assignee_user_id),
  constraint tasks_assignee_agent_fkey foreign key (workspace_id, assignee_agent_id)
    references public.agents (workspace_id, id) on delete set null (assignee_agent_id),
  constraint tasks_series_fkey foreign key (workspace_id, series_id)
    references public.task_series (workspace_id, id) on delete set null (series_id)
);
create index if not exists tasks_board_idx on public.tasks (workspace_id, stream_id, status, position);
create index if not exists tasks_project_id_idx on public.tasks (project_id);
create index if not exists tasks_assignee_user_idx on public.tasks (workspace_id, assignee_user_id);
create index if not exists tasks_assignee_agent_idx on public.tasks (workspace_id, assignee_agent_id);
create index if not exists tasks_series_idx on public.tasks (workspace_id, series_id);
create index if not exists tasks_open_series_idx on public.tasks (series_id, series_due_at)
  where status in ('todo', 'in_progress', 'blocked');
create index if not exists tasks_created_by_idx on public.tasks (created_by);
create index if not exists tasks_due_idx on public.tasks (workspace_id, due_at) where status in ('todo', 'in_progress', 'blocked');
create index if not exists tasks_search_idx on public.tasks using gin (search);
create index if not exists tasks_title_trgm_idx on public.tasks using gin (title extensions.gin_trgm_ops);

create table if not exists public.task_relations (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- "from_task blocks / relates to / duplicates to_task".
  from_task_id uuid not null,
  to_task_id uuid not null,
  relation_type public.task_relation_type not null,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint task_relations_not_self_check check (from_task_id <> to_task_id),
  constraint task_relations_key unique (from_task_id, to_task_id, relation_type),
  constraint task_relations_from_fkey foreign key (workspace_id, from_task_id)
    references public.tasks (workspace_id, id) on delete cascade,
  constraint task_relations_to_fkey foreign key (workspace_id, to_task_id)
    references public.tasks (workspace_id, id) on delete cascade
);
create index if not exists task_relations_workspace_from_idx on public.task_relations (workspace_id, from_task_id);
create index if not exists task_relations_workspace_to_idx on public.task_relations (workspace_id, to_task_id);
create index if not exists task_relations_created_by_idx on public.task_relations (created_by);

create table if not exists public.task_labels (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 100),
  color text check (color ~ '^#[0-9a-fA-F]{6}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint task_labels_workspace_id_id_key unique (workspace_id, id)
);
create unique index if not exists task_labels_workspace_name_idx on public.task_labels (workspace_id, lower(name));

create table if not exists public.task_label_assignments (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  task_id uuid not null,
  label_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (task_id, label_id),
  constraint task_label_assignments_task_fkey foreign key (workspace_id, task_id)
    references public.tasks (workspace_id, id) on delete cascade,
  constraint task_label_assignments_label_fkey foreign key (workspace_id, label_id)
    references public.task_labels (workspace_id, id) on delete cascade
);
create index if not exists task_label_assignments_workspace_task_idx on public.task_label_assignments (workspace_id, task_id);
create index if not exists task_label_assignments_workspace_label_idx on public.task_label_assignments (workspace_id, label_id);

create table if not exists public.task_attachments (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  task_id uuid not null,
  name text not null check (length(btrim(name)) between 1 and 500),
  -- Exactly one of: an object in Supabase Storage ("bucket/path"), an external URL, a document id.
  storage_path text check (storage_path ~ '^[a-z0-9][a-z0-9_-]{1,62}/.+' and length(storage_path) <= 1024),
  url text check (url ~ '^https?://[^\s]+$' and length(url) <= 2048),
  document_id uuid,
  mime_type text check (length(mime_type) <= 200),
  size_bytes bigint check (size_bytes >= 0),
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint task_attachments_one_target_check check (num_nonnulls(storage_path, url, document_id) = 1),
  constraint task_attachments_task_fkey foreign key (workspace_id, task_id)
    references public.tasks (workspace_id, id) on delete cascade
);
create index if not exists task_attachments_workspace_task_idx on public.task_attachments (workspace_id, task_id);
create index if not exists task_attachments_created_by_idx on public.task_attachments (created_by);

-- ============================================================================================ helpers

-- Steps -> the normalised ordered form. Input: an array of objects with "text" (1..2000 characters),
-- optional "done" (boolean, default false) and optional "position" (number; sorts, ties keep array
-- order). Output positions are 1..n. 22023 naming the argument and the step otherwise.
create or replace function private.normalize_task_steps(p_steps jsonb, p_arg text default 'steps')
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_step jsonb;
  v_i int := 0;
  v_key text;
begin
  if p_steps is null or jsonb_typeof(p_steps) <> 'array' then
    raise exception '% must be a JSON array of steps', p_arg using errcode = '22023';
  end if;
  if jsonb_array_length(p_steps) > 500 then
    raise exception '% has % steps (max 500)', p_arg, jsonb_array_length(p_steps) using errcode = '22023';
  end if;
  for v_step in select e from jsonb_array_elements(p_steps) e loop
    v_i := v_i + 1;
    if jsonb_typeof(v_step) <> 'object' then
      raise exception '%[%] must be an object with "text"', p_arg, v_i using errcode = '22023';
    end if;
    for v_key in select jsonb_object_keys(v_step) loop
      if v_key not in ('text', 'done', 'position') then
        raise exception '%[%] has an unknown key "%" (allowed: text, done, position)', p_arg, v_i, v_key
          using errcode = '22023';
      end if;
    end loop;
    if jsonb_typeof(v_step -> 'text') is distinct from 'string'
       or length(btrim(v_step ->> 'text')) not between 1 and 2000 then
      raise exception '%[%].text must be a string of 1 to 2000 characters', p_arg, v_i using errcode = '22023';
    end if;
    if v_step ? 'done' and jsonb_typeof(v_step -> 'done') <> 'boolean' then
      raise exception '%[%].done must be a boolean', p_arg, v_i using errcode = '22023';
    end if;
    if v_step ? 'position' and jsonb_typeof(v_step -> 'position') <> 'number' then
      raise exception '%[%].position must be a number', p_arg, v_i using errcode = '22023';
    end if;
  end loop;
  return coalesce((
    select jsonb_agg(jsonb_build_object(
             'position', s.n,
             'text', btrim(s.e ->> 'text'),
             'done', coalesce((s.e ->> 'done')::boolean, false)) order by s.n)
    from (
      select e, row_number() over (order by (e ->> 'position')::numeric nulls last, ord) as n
      from jsonb_array_elements(p_steps) with ordinality as t (e, ord)
    ) s), '[]'::jsonb);
end
$$;
revoke all on function private.normalize_task_steps(jsonb, text) from public;

-- The legal status graph. Open: todo, in_progress, blocked. Closed: done, cancelled, missed.
--   todo        -> in_progress, blocked, done, cancelled, missed
--   in_progress -> todo, blocked, done, cancelled, missed
--   blocked     -> todo, in_progress, cancelled, missed      (unblock before finishing)
--   done        -> todo, in_progress                         (reopen)
--   cancelled   -> todo                                      (reopen)
--   missed      -> todo, done, cancelled                     (late work on a missed occurrence)
create or replace function private.task_status_next(p_from public.task_status)
returns public.task_status[]
language sql
immutable
set search_path = ''
as $$
  select case p_from
    when 'todo' then array['in_progress', 'blocked', 'done', 'cancelled', 'missed']
    when 'in_progress' then array['todo', 'blocked', 'done', 'cancelled', 'missed']
    when 'blocked' then array['todo', 'in_progress', 'cancelled', 'missed']
    when 'done' then array['todo', 'in_progress']
    when 'cancelled' then array['todo']
    when 'missed' then array['todo', 'done', 'cancelled']
  end::public.task_status[]
$$;
revoke all on function private.task_status_next(public.task_status) from public;
grant execute on function private.task_status_next(public.task_status) to authenticated, service_role;

-- Cross-workspace reference checks shared by tasks and task_series (named column, 23503). Definer:
-- membership and agents are checked whatever the caller may read.
create or replace function private.check_work_references(
  p_workspace_id uuid, p_stream_id uuid, p_project_id uuid, p_assignee_user_id uuid, p_assignee_agent_id uuid)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_assignee_user_id is not null and p_assignee_agent_id is not null then
    raise exception 'assignee_user_id and assignee_agent_id: assign a member or an agent, not both'
      using errcode = '23514';
  end if;
  if p_assignee_user_id is not null and not exists (
    select 1 from public.workspace_members m where m.workspace_id = p_workspace_id and m.user_id = p_assignee_user_id) then
    raise exception 'assignee_user_id: user % is not a member of workspace %', p_assignee_user_id, p_workspace_id
      using errcode = '23503';
  end if;
  if p_assignee_agent_id is not null and not exists (
    select 1 from public.agents a where a.workspace_id = p_workspace_id and a.id = p_assignee_agent_id) then
    raise exception 'assignee_agent_id: agent % is not in workspace %', p_assignee_agent_id, p_workspace_id
      using errcode = '23503';
  end if;
  if p_stream_id is not null and not exists (
    select 1 from public.streams s where s.workspace_id = p_workspace_id and s.id = p_stream_id) then
    raise exception 'stream_id: stream % is not in workspace %', p_stream_id, p_workspace_id using errcode = '23503';
  end if;
  if p_project_id is not null and not exists (
    select 1 from public.projects p where p.workspace_id = p_workspace_id and p.id = p_project_id) then
    raise exception 'project_id: project % is not in workspace %', p_project_id, p_workspace_id using errcode = '23503';
  end if;
end
$$;
revoke all on function private.check_work_references(uuid, uuid, uuid, uuid, uuid) from public;

-- ============================================================================================ triggers

create or replace function private.streams_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    if new.workspace_id is distinct from old.workspace_id then
      raise exception 'streams: workspace_id cannot be changed' using errcode = '22023';
    end if;
    new.created_by := old.created_by;
  end if;
  return new;
end
$$;
revoke all on function private.streams_before_write() from public;

-- tasks: references, steps, assignment version, status graph, completed_at. Definer: the reference
-- checks read membership and agents without exposing a lookup function to the API roles.
create or replace function private.tasks_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    if new.workspace_id is distinct from old.workspace_id then
      raise exception 'tasks: workspace_id cannot be changed' using errcode = '22023';
    end if;
    new.created_by := old.created_by;
    -- Deleting a series (FK set null on series_id) turns its occurrences into plain tasks.
    if new.series_id is null and old.series_id is not null then
      new.series_due_at := null;
    end if;
    if (new.series_id, new.series_due_at) is distinct from (old.series_id, old.series_due_at)
       and not (new.series_id is null and new.series_due_at is null) then
      raise exception 'series_id: the series occurrence of a task cannot be changed' using errcode = '22023';
    end if;
  elsif new.series_id is not null and not private.is_trusted_caller() then
    raise exception 'series_id: occurrences are spawned by the series job, not inserted' using errcode = '42501';
  end if;

  perform private.check_work_references(new.workspace_id,
    case when tg_op = 'INSERT' or new.stream_id is distinct from old.stream_id then new.stream_id end,
    case when tg_op = 'INSERT' or new.project_id is distinct from old.project_id then new.project_id end,
    new.assignee_user_id, new.assignee_agent_id);

  if tg_op = 'INSERT' or new.steps is distinct from old.steps then
    new.steps := private.normalize_task_steps(new.steps, 'steps');
  end if;

  if tg_op = 'INSERT' then
    new.assignment_version := case when num_nonnulls(new.assignee_user_id, new.assignee_agent_id) > 0 then 1 else 0 end;
    new.completed_at := case when new.status = 'done' then coalesce(new.completed_at, now()) end;
  else
    new.assignment_version := old.assignment_version
      + case when (new.assignee_user_id, new.assignee_agent_id) is distinct from (old.assignee_user_id, old.assignee_agent_id)
             then 1 else 0 end;
    if new.status is distinct from old.status then
      if not new.status = any (private.task_status_next(old.status)) then
        raise exception 'status: illegal transition from % to % (allowed from %: %)',
          old.status, new.status, old.status, array_to_string(private.task_status_next(old.status), ', ')
          using errcode = '55000';
      end if;
      new.completed_at := case when new.status = 'done' then now() end;
    else
      -- completed_at follows status; a direct write cannot desynchronise them.
      new.completed_at := old.completed_at;
    end if;
  end if;
  return new;
end
$$;
revoke all on function private.tasks_before_write() from public;

-- "blocks" may not close a cycle (A blocks B blocks ... blocks A). Serialised per workspace so two
-- concurrent inserts cannot close one together.
create or replace function private.task_relations_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_cycle boolean;
begin
  if tg_op = 'UPDATE' then
    raise exception 'task_relations: relations are not updated; delete and insert instead' using errcode = '55000';
  end if;
  if new.from_task_id = new.to_task_id then
    raise exception 'to_task_id: a task cannot relate to itself' using errcode = '23514';
  end if;
  if not exists (select 1 from public.tasks t where t.workspace_id = new.workspace_id and t.id = new.from_task_id) then
    raise exception 'from_task_id: task % is not in workspace %', new.from_task_id, new.workspace_id using errcode = '23503';
  end if;
  if not exists (select 1 from public.tasks t where t.workspace_id = new.workspace_id and t.id = new.to_task_id) then
    raise exception 'to_task_id: task % is not in workspace %', new.to_task_id, new.workspace_id using errcode = '23503';
  end if;
  if new.relation_type = 'blocks' then
    perform pg_advisory_xact_lock(hashtextextended('agentbase.task_blocks:' || new.workspace_id::text, 0));
    with recursive reach (task_id) as (
      select new.to_task_id
      union
      select r.to_task_id from public.task_relations r join reach on r.from_task_id = reach.task_id
      where r.relation_type = 'blocks'
    )
    select exists (select 1 from reach where task_id = new.from_task_id) into v_cycle;
    if v_cycle then
      raise exception 'to_task_id: task % already blocks task % (directly or through others); "blocks" cannot form a cycle',
        new.to_task_id, new.from_task_id using errcode = '23514';
    end if;
  end if;
  return new;
end
$$;
revoke all on function private.task_relations_before_write() from public;

-- task_series: validate the schedule and timezone when saved, keep next_run_at right.
create or replace function private.task_series_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    if new.workspace_id is distinct from old.workspace_id then
      raise exception 'task_series: workspace_id cannot be changed' using errcode = '22023';
    end if;
    new.created_by := old.created_by;
    -- Bookkeeping columns belong to the job.
    if not private.is_trusted_caller() then
      new.next_run_at := old.next_run_at;
      new.last_due_at := old.last_due_at;
    end if;
  end if;
  new.schedule := private.cron_validate(new.schedule, 'schedule');
  if not private.is_valid_timezone(new.timezone) then
    raise exception 'timezone: "%" is not a known IANA timezone', new.timezone using errcode = '22023';
  end if;
  perform private.check_work_references(new.workspace_id, new.stream_id, new.project_id,
    new.assignee_user_id, new.assignee_agent_id);
  new.steps := private.normalize_task_steps(new.steps, 'steps');
  if tg_op = 'INSERT'
     or (new.schedule, new.timezone, new.starts_at, new.active) is distinct from
        (old.schedule, old.timezone, old.starts_at, old.active) then
    new.next_run_at := case when new.active then
      private.cron_next_run(new.schedule, new.timezone,
        greatest(new.starts_at - interval '1 microsecond',
                 case when tg_op = 'UPDATE' then coalesce(old.last_due_at, '-infinity') else '-infinity' end))
    end;
  end if;
  return new;
end
$$;
revoke all on function private.task_series_before_write() from public;

create or replace function private.forbid_workspace_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.workspace_id is distinct from old.workspace_id then
    raise exception '%: workspace_id cannot be changed', tg_table_name using errcode = '22023';
  end if;
  return new;
end
$$;
revoke all on function private.forbid_workspace_change() from public;

drop trigger if exists streams_before_write on public.streams;
create trigger streams_before_write before insert or update on public.streams
  for each row execute function private.streams_before_write();
drop trigger if exists streams_set_updated_at on public.streams;
create trigger streams_set_updated_at before update on public.streams
  for each row execute function private.set_updated_at();

drop trigger if exists tasks_before_write on public.tasks;
create trigger tasks_before_write before insert or update on public.tasks
  for each row execute function private.tasks_before_write();
drop trigger if exists tasks_set_updated_at on public.tasks;
create trigger tasks_set_updated_at before update on public.tasks
  for each row execute function private.set_updated_at();

drop trigger if exists task_relations_before_write on public.task_relations;
create trigger task_relations_before_write before insert or update on public.task_relations
  for each row execute function private.task_relations_before_write();

drop trigger if exists task_labels_forbid_workspace_change on public.task_labels;
create trigger task_labels_forbid_workspace_change before update on public.task_labels
  for each row execute function private.forbid_workspace_change();
drop trigger if exists task_labels_set_updated_at on public.task_labels;
create trigger task_labels_set_updated_at before update on public.task_labels
  for each row execute function private.set_updated_at();

drop trigger if exists task_attachments_forbid_workspace_change on public.task_attachments;
create trigger task_attachments_forbid_workspace_change before update on public.task_attachments
  for each row execute function private.forbid_workspace_change();
drop trigger if exists task_attachments_set_updated_at on public.task_attachments;
create trigger task_attachments_set_updated_at before update on public.task_attachments
  for each row execute function private.set_updated_at();

drop trigger if exists task_series_before_write on public.task_series;
create trigger task_series_before_write before insert or update on public.task_series
  for each row execute function private.task_series_before_write();
drop trigger if exists task_series_set_updated_at on public.task_series;
create trigger task_series_set_updated_at before update on public.task_series
  for each row execute function private.set_updated_at();

-- ============================================================================================ series job

-- Spawns every due occurrence of every active series, exactly once per (series, due time):
--   catch_up 'all'    every missed due time since the last run (at most p_max_per_series per call;
--                     the rest follow on the next run);
--   catch_up 'latest' only the most recent due time; older missed ones are skipped;
--   catch_up 'none'   only a due time within the last p_grace; a longer outage spawns nothing.
-- miss_previous: after spawning, open older occurrences of the series become `missed`.
-- Safe to run twice or concurrently: series rows are claimed with SKIP LOCKED, and the unique key
-- tasks_series_occurrence_key with ON CONFLICT DO NOTHING makes a second insert of a due time a no-op.
-- Returns the number of tasks inserted. Owner-only (the pg_cron job runs as postgres).
create or replace function private.spawn_due_task_series(
  p_now timestamptz default now(), p_max_per_series int default 100, p_grace interval default interval '10 minutes')
returns integer
language plpgsql
set search_path = ''
as $$
declare
  s public.task_series%rowtype;
  v_horizon timestamptz;
  v_due timestamptz;
  v_from timestamptz;
  v_probe timestamptz;
  v_last timestamptz;
  v_window interval;
  v_dues timestamptz[];
  v_inserted int;
  v_total int := 0;
begin
  for s in
    select * from public.task_series ts
    where ts.active and ts.next_run_at is not null and ts.next_run_at <= p_now
    order by ts.next_run_at
    for update skip locked
  loop
    v_horizon := least(p_now, coalesce(s.ends_at, p_now));
    v_dues := '{}';
    if s.catch_up = 'all' then
      v_due := s.next_run_at;
      while v_due is not null and v_due <= v_horizon and cardinality(v_dues) < p_max_per_series loop
        v_dues := v_dues || v_due;
        v_due := private.cron_next_run(s.schedule, s.timezone, v_due);
      end loop;
    else
      -- Only the last due time matters: probe growing windows back from the horizon instead of
      -- walking a long backlog one due time at a time.
      v_from := s.next_run_at;
      foreach v_window in array array['1 hour', '1 day', '32 days', '366 days']::interval[] loop
        v_probe := private.cron_next_run(s.schedule, s.timezone,
          greatest(s.next_run_at, v_horizon - v_window) - interval '1 microsecond');
        if v_probe is not null and v_probe <= v_horizon then
          v_from := v_probe;
          exit;
        end if;
      end loop;
      v_due := v_from;
      v_last := null;
      while v_due is not null and v_due <= v_horizon loop
        v_last := v_due;
        v_due := private.cron_next_run(s.schedule, s.timezone, v_due);
      end loop;
      if v_last is not null and (s.catch_up = 'latest' or v_last >= p_now - p_grace) then
        v_dues := array[v_last];
      end if;
    end if;

    insert into public.tasks (workspace_id, stream_id, project_id, title, summary, details, steps, priority,
                              due_at, assignee_user_id, assignee_agent_id, series_id, series_due_at, created_by)
    select s.workspace_id, s.stream_id, s.project_id, s.title, s.summary, s.details, s.steps, s.priority,
           d, s.assignee_user_id, s.assignee_agent_id, s.id, d, s.created_by
    from unnest(v_dues) d
    order by d
    on conflict on constraint tasks_series_occurrence_key do nothing;
    get diagnostics v_inserted = row_count;
    v_total := v_total + v_inserted;

    if s.miss_previous and cardinality(v_dues) > 0 then
      update public.tasks t set status = 'missed'
      where t.series_id = s.id and t.status in ('todo', 'in_progress', 'blocked')
        and t.series_due_at < v_dues[cardinality(v_dues)];
    end if;

    update public.task_series ts
    set last_due_at = coalesce(v_dues[cardinality(v_dues)], ts.last_due_at),
        -- Past the end of the series: nothing more to spawn.
        next_run_at = case when s.ends_at is null or v_due <= s.ends_at then v_due end
    where ts.id = s.id;
  end loop;
  return v_total;
end
$$;
revoke all on function private.spawn_due_task_series(timestamptz, int, interval) from public;
comment on function private.spawn_due_task_series(timestamptz, int, interval) is
  'Spawns due task-series occurrences exactly once per (series, due time), per each series'' catch_up policy; run every minute by pg_cron job agentbase-task-series.';

select cron.schedule('agentbase-task-series', '* * * * *', $$select private.spawn_due_task_series()$$);

-- ============================================================================================ search

-- Tasks whose title or summary match p_query (full text, prefix of the last word) or whose title is
-- similar to it (trigram), best first. Invoker: RLS limits it to the caller's workspaces.
create or replace function public.search_tasks(p_workspace_id uuid, p_query text, p_limit int default 20)
returns setof public.tasks
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_tsq tsquery;
begin
  if p_workspace_id is null then
    raise exception 'p_workspace_id must not be null' using errcode = '22004';
  end if;
  if p_query is null or length(btrim(p_query)) not between 1 and 200 then
    raise exception 'p_query must be 1 to 200 characters' using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception 'p_limit must be between 1 and 200 (got %)', p_limit using errcode = '22023';
  end if;
  v_tsq := nullif(regexp_replace(
             array_to_string(array(select quote_literal(w) || ':*' from regexp_split_to_table(lower(btrim(p_query)), '[^[:alnum:]]+') w
                                   where w <> ''), ' & '), '^$', ''), '')::tsquery;
  return query
  select t.* from public.tasks t
  where t.workspace_id = p_workspace_id
    and ((v_tsq is not null and t.search @@ v_tsq) or t.title operator(extensions.%) p_query)
  order by extensions.similarity(t.title, p_query) desc, t.created_at desc
  limit p_limit;
end
$$;
revoke all on function public.search_tasks(uuid, text, int) from public, anon;
grant execute on function public.search_tasks(uuid, text, int) to authenticated, service_role;
comment on function public.search_tasks(uuid, text, int) is
  'Tasks of a workspace whose title/summary match the words of p_query (prefix full-text) or whose title is trigram-similar; best first.';

-- ============================================================================================ grants, RLS

revoke all on table public.streams, public.tasks, public.task_relations, public.task_labels,
  public.task_label_assignments, public.task_attachments, public.task_series from anon, authenticated;
grant select, insert, update, delete on table public.streams, public.tasks, public.task_relations,
  public.task_labels, public.task_label_assignments, public.task_attachments, public.task_series
  to authenticated, service_role;

alter table public.streams enable row level security;
alter table public.tasks enable row level security;
alter table public.task_relations enable row level security;
alter table public.task_labels enable row level security;
alter table public.task_label_assignments enable row level security;
alter table public.task_attachments enable row level security;
alter table public.task_series enable row level security;

-- Viewers read; members do the work; admins remove lanes, labels and series.
select private.create_workspace_policies('public.streams', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.tasks', 'viewer', 'member', 'member');
select private.create_workspace_policies('public.task_relations', 'viewer', 'member', 'member');
select private.create_workspace_policies('public.task_labels', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.task_label_assignments', 'viewer', 'member', 'member');
select private.create_workspace_policies('public.task_attachments', 'viewer', 'member', 'member');
select private.create_workspace_policies('public.task_series', 'viewer', 'member', 'admin');

-- ============================================================================================ docs

comment on table public.streams is 'Board lanes of a workspace (functional, project or custom), ordered by position; archived_at hides a lane.';
comment on table public.tasks is 'Work items: status graph checked by trigger, completed_at set iff status is done, assignee a member or an agent of the workspace (never both), ordered steps.';
comment on column public.tasks.steps is 'Ordered checklist, normalised to [{"position": 1, "text": "...", "done": false}, ...] on write.';
comment on column public.tasks.assignment_version is 'Incremented by the database on every assignee change; identifies the assignment event (inbox dedup key).';
comment on column public.tasks.series_due_at is 'For an occurrence of a task series: the due time it was spawned for; unique with series_id.';
comment on column public.tasks.completed_at is 'Set by the database when status becomes done, cleared when it leaves done.';
comment on table public.task_relations is 'from_task blocks / relates to / duplicates to_task; "blocks" never forms a cycle.';
comment on table public.task_labels is 'Labels of a workspace (name unique case-insensitively).';
comment on table public.task_label_assignments is 'Which labels a task carries.';
comment on table public.task_attachments is 'A file on a task: a Storage object path, an external URL or a document id (exactly one).';
comment on table public.task_series is 'Recurring task definitions: cron schedule in a timezone, a task template, a catch-up policy; spawned by pg_cron job agentbase-task-series.';
comment on column public.task_series.catch_up is 'After downtime: all = every missed due time, latest = only the most recent, none = only one due within the grace window.';
comment on column public.task_series.miss_previous is 'When a new occurrence spawns, older open occurrences of the series become missed.';
comment on column public.task_series.next_run_at is 'Next due time to spawn (maintained by the database).';
