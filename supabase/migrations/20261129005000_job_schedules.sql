-- Enterprise operations, step 1: job schedules and jobs.
--
-- job_schedules hold a five-field cron expression in an IANA timezone (validated on save by the shared
-- parser, next_run_at computed by the database) and a target: an agent command (enqueued on the command
-- queue) or a job definition (a command line with arguments, run by a worker that reports back on the job).
-- The pg_cron job `agentbase-job-schedules` calls private.materialize_due_job_schedules() every minute: it
-- creates each due job exactly once per (schedule, due time) -- a unique key plus ON CONFLICT DO NOTHING --
-- however often or however late it runs. jobs are the executions: a checked status state machine, attempt,
-- exit code, logs capped at 1 MiB (truncated on write, keeping the newest output) with a truncated flag.
-- Also defines the helpers the later enterprise steps reuse (transition check, storage paths, project check).
-- Runs as the non-superuser `postgres` role; every statement is idempotent. Contract: docs/enterprise-operations.md.

-- ===========================================================================================
-- Shared helpers of the enterprise domain
-- ===========================================================================================

-- Closed state machines: TG_ARGV[0] is a JSON object mapping each status to the statuses it may move to.
-- Fired only when the status changes (trigger WHEN clause); raises 55000 naming table, column, from and to.
create or replace function private.enterprise_check_transition()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_map jsonb := tg_argv[0]::jsonb;
  v_from text := to_jsonb(old) ->> 'status';
  v_to text := to_jsonb(new) ->> 'status';
begin
  if not coalesce((v_map -> v_from) ? v_to, false) then
    raise exception '%.status: illegal transition from % to %', tg_table_name, v_from, v_to
      using errcode = '55000',
            hint = format('allowed from %s: %s', v_from, coalesce((v_map -> v_from)::text, '[]'));
  end if;
  return new;
end
$$;
revoke all on function private.enterprise_check_transition() from public;

-- A storage reference: "<bucket>/<object path>" (no leading slash, no "..", at most 1024 characters).
create or replace function private.is_storage_path(p_path text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select p_path ~ '^[a-z0-9][a-z0-9_.-]{0,62}/[^\s/][^\s]*$'
     and p_path !~ '(^|/)\.\.(/|$)'
     and length(p_path) <= 1024
$$;
revoke all on function private.is_storage_path(text) from public;

-- Tenancy of a row never changes (its references were checked against the original workspace).
create or replace function private.enterprise_forbid_workspace_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.workspace_id is distinct from old.workspace_id then
    raise exception '%.workspace_id cannot be changed', tg_table_name using errcode = '22023';
  end if;
  return new;
end
$$;
revoke all on function private.enterprise_forbid_workspace_change() from public;

-- projects have no (workspace_id, id) key to point a composite foreign key at, so project_id is checked
-- here. Definer: the caller may not see the project, and must still get the precise error.
create or replace function private.enterprise_check_project()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ws uuid;
begin
  if new.project_id is not null then
    select p.workspace_id into v_ws from public.projects p where p.id = new.project_id;
    if v_ws is distinct from new.workspace_id then
      raise exception '%.project_id: project % is not in workspace %', tg_table_name, new.project_id, new.workspace_id
        using errcode = '23503';
    end if;
  end if;
  return new;
end
$$;
revoke all on function private.enterprise_check_project() from public;

-- ===========================================================================================
-- Enums
-- ===========================================================================================

do $$
begin
  create type public.job_target_kind as enum ('agent_command', 'job_definition');
exception when duplicate_object then null;
end $$;

-- After an outage: 'latest' creates one job for the most recent missed due time (the others are skipped),
-- 'all' creates one per missed due time (at most 100 per schedule per sweep; the backlog drains next sweeps).
do $$
begin
  create type public.job_catch_up as enum ('latest', 'all');
exception when duplicate_object then null;
end $$;

-- queued -> running | cancelled | failed; running -> succeeded | failed | cancelled | timed_out;
-- failed | timed_out -> queued (retry while attempts remain); succeeded and cancelled are final.
do $$
begin
  create type public.job_status as enum ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out');
exception when duplicate_object then null;
end $$;

-- ===========================================================================================
-- Tables
-- ===========================================================================================

create table if not exists public.job_schedules (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  project_id uuid references public.projects (id) on delete set null,
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '' check (length(description) <= 4000),
  cron_expression text not null check (length(cron_expression) <= 200),
  timezone text not null default 'UTC',
  enabled boolean not null default true,
  catch_up public.job_catch_up not null default 'latest',
  target_kind public.job_target_kind not null,
  -- Where it runs: the gateway (defaults to the agent's gateway for agent commands).
  gateway_id uuid,
  agent_id uuid,
  -- agent_command target: the command queue action and payload.
  command_action text check (command_action ~ '^[a-z][a-z0-9_.:-]{0,99}$'),
  command_payload jsonb not null default '{}'::jsonb
    check (jsonb_typeof(command_payload) = 'object' and octet_length(command_payload::text) <= 262144),
  -- job_definition target: a command line and its arguments.
  command text check (length(command) between 1 and 4000),
  arguments jsonb not null default '[]'::jsonb
    check (jsonb_typeof(arguments) = 'array' and octet_length(arguments::text) <= 65536),
  timeout_seconds int not null default 3600 check (timeout_seconds between 1 and 86400),
  max_attempts int not null default 1 check (max_attempts between 1 and 100),
  next_run_at timestamptz,
  last_due_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint job_schedules_workspace_id_name_key unique (workspace_id, name),
  constraint job_schedules_workspace_id_id_key unique (workspace_id, id),
  constraint job_schedules_gateway_id_fkey foreign key (workspace_id, gateway_id)
    references public.gateways (workspace_id, id) on delete set null (gateway_id),
  constraint job_schedules_agent_id_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id),
  constraint job_schedules_target_check check (
    case target_kind
      when 'agent_command' then command_action is not null and command is null
      when 'job_definition' then command is not null and command_action is null
    end),
  constraint job_schedules_next_run_check check (enabled or next_run_at is null)
);
create index if not exists job_schedules_workspace_gateway_idx on public.job_schedules (workspace_id, gateway_id);
create index if not exists job_schedules_workspace_agent_idx on public.job_schedules (workspace_id, agent_id);
create index if not exists job_schedules_project_id_idx on public.job_schedules (project_id);
create index if not exists job_schedules_created_by_idx on public.job_schedules (created_by);
-- The sweep's scan: enabled schedules by next due time.
create index if not exists job_schedules_due_idx on public.job_schedules (next_run_at) where enabled;

create table if not exists public.jobs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- Null for a job started by hand. due_at: the schedule's fire time this job was made for.
  schedule_id uuid,
  due_at timestamptz,
  target_kind public.job_target_kind not null default 'job_definition',
  gateway_id uuid,
  agent_id uuid,
  command text check (length(command) between 1 and 4000),
  arguments jsonb not null default '[]'::jsonb
    check (jsonb_typeof(arguments) = 'array' and octet_length(arguments::text) <= 65536),
  -- agent_command target: the queued command this job mirrors (status, exit code, output).
  command_id uuid references public.agent_commands (id) on delete set null,
  status public.job_status not null default 'queued',
  attempt int not null default 0,
  max_attempts int not null default 1 check (max_attempts between 1 and 100),
  timeout_seconds int not null default 3600 check (timeout_seconds between 1 and 86400),
  exit_code int,
  logs text not null default '',
  logs_truncated boolean not null default false,
  error text check (length(error) <= 4000),
  queued_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint jobs_workspace_id_id_key unique (workspace_id, id),
  -- Exactly once per due time: the materialiser inserts with ON CONFLICT DO NOTHING on this key.
  constraint jobs_schedule_id_due_at_key unique (schedule_id, due_at),
  constraint jobs_schedule_id_fkey foreign key (workspace_id, schedule_id)
    references public.job_schedules (workspace_id, id) on delete set null (schedule_id),
  constraint jobs_gateway_id_fkey foreign key (workspace_id, gateway_id)
    references public.gateways (workspace_id, id) on delete set null (gateway_id),
  constraint jobs_agent_id_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id),
  constraint jobs_definition_command_check check (target_kind <> 'job_definition' or command is not null),
  constraint jobs_attempt_check check (attempt between 0 and max_attempts),
  constraint jobs_logs_size_check check (octet_length(logs) <= 1048576),
  constraint jobs_started_check check (status = 'queued' or started_at is not null or status in ('cancelled', 'failed')),
  constraint jobs_finished_check check ((finished_at is not null) = (status in ('succeeded', 'failed', 'cancelled', 'timed_out'))),
  constraint jobs_exit_code_check check (exit_code is null or status in ('succeeded', 'failed', 'timed_out', 'cancelled'))
);
create index if not exists jobs_workspace_created_idx on public.jobs (workspace_id, created_at desc);
create index if not exists jobs_workspace_schedule_idx on public.jobs (workspace_id, schedule_id);
create index if not exists jobs_workspace_gateway_idx on public.jobs (workspace_id, gateway_id);
create index if not exists jobs_workspace_agent_idx on public.jobs (workspace_id, agent_id);
create index if not exists jobs_command_id_idx on public.jobs (command_id);
create index if not exists jobs_created_by_idx on public.jobs (created_by);
-- Workers pick queued job definitions; the sync step follows live command-backed jobs.
create index if not exists jobs_queued_idx on public.jobs (gateway_id, queued_at) where status = 'queued';
create index if not exists jobs_live_command_idx on public.jobs (command_id) where command_id is not null and status in ('queued', 'running');

comment on table public.job_schedules is
  'Cron schedules (five fields, IANA timezone). Target: an agent command (enqueued on agent_commands) or a job definition (command + arguments). next_run_at is computed by the database; the pg_cron job agentbase-job-schedules materialises each due time into exactly one job.';
comment on column public.job_schedules.cron_expression is 'Five-field cron (minute hour day-of-month month day-of-week), names and @daily-style macros; validated on save (22023 naming the field).';
comment on column public.job_schedules.timezone is 'IANA timezone the expression is evaluated in (DST-safe).';
comment on column public.job_schedules.next_run_at is 'Next due time, computed by the database on save and advanced by the materialiser; null while disabled or when the expression never fires. Not writable by API roles.';
comment on column public.job_schedules.last_due_at is 'The latest due time already materialised into a job.';
comment on column public.job_schedules.catch_up is 'After missed due times: latest = one job for the most recent, all = one per due time (100 per schedule per sweep).';
comment on column public.job_schedules.gateway_id is 'Gateway that runs the target; for agent commands it defaults to the agent''s gateway.';
comment on table public.jobs is
  'Executions of job schedules (or started by hand): checked status state machine, attempt, exit code, logs capped at 1 MiB with a truncated flag. Agent-command jobs mirror their agent_commands row.';
comment on column public.jobs.due_at is 'The schedule''s due time this job was created for; unique per schedule (exactly once).';
comment on column public.jobs.logs is 'Output, at most 1 MiB: longer writes keep the newest 1 MiB and set logs_truncated.';
comment on column public.jobs.command_id is 'The agent_commands row enqueued for an agent-command job (dedup key job_schedule:<schedule>:<due epoch>).';
comment on column public.jobs.attempt is 'Executions started: bumped each time the job enters running.';

-- ===========================================================================================
-- Triggers
-- ===========================================================================================

-- Validates the expression and timezone (22023 naming the column) and computes next_run_at. API roles
-- cannot move next_run_at or last_due_at themselves; a change of expression, timezone or enabled
-- recomputes next_run_at from now. Definer: the cron parser is not executable by API roles.
create or replace function private.job_schedules_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_recompute boolean;
begin
  if tg_op = 'UPDATE' and new.workspace_id is distinct from old.workspace_id then
    raise exception 'job_schedules.workspace_id cannot be changed' using errcode = '22023';
  end if;
  if new.cron_expression is null then
    raise exception 'cron_expression must not be null' using errcode = '22004';
  end if;
  new.cron_expression := private.cron_validate(new.cron_expression, 'cron_expression');
  if new.timezone is null or not private.is_valid_timezone(new.timezone) then
    raise exception 'timezone: "%" is not a known IANA timezone', new.timezone using errcode = '22023';
  end if;

  v_recompute := tg_op = 'INSERT'
    or new.cron_expression is distinct from old.cron_expression
    or new.timezone is distinct from old.timezone
    or new.enabled is distinct from old.enabled;

  if not private.is_trusted_caller() then
    if tg_op = 'INSERT' then
      new.last_due_at := null;
    else
      new.next_run_at := old.next_run_at;
      new.last_due_at := old.last_due_at;
    end if;
  elsif not v_recompute then
    return new;  -- the materialiser (or an operator) moves next_run_at itself
  end if;

  if v_recompute then
    new.next_run_at := case when new.enabled
      then private.cron_next_run(new.cron_expression, new.timezone, now()) end;
  end if;
  return new;
end
$$;
revoke all on function private.job_schedules_before_write() from public;

drop trigger if exists job_schedules_before_write on public.job_schedules;
create trigger job_schedules_before_write
  before insert or update on public.job_schedules
  for each row execute function private.job_schedules_before_write();

drop trigger if exists job_schedules_check_project on public.job_schedules;
create trigger job_schedules_check_project
  before insert or update of project_id on public.job_schedules
  for each row execute function private.enterprise_check_project();

drop trigger if exists job_schedules_set_updated_at on public.job_schedules;
create trigger job_schedules_set_updated_at before update on public.job_schedules
  for each row execute function private.set_updated_at();

-- Keeps the newest p_max bytes of p_text, cut on a UTF-8 character boundary (leading continuation
-- bytes of a split character are dropped, so at most 3 bytes under p_max).
create or replace function private.text_tail(p_text text, p_max int)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_bytes bytea;
  v_skip int := 0;
begin
  if p_text is null or octet_length(p_text) <= p_max then
    return p_text;
  end if;
  v_bytes := convert_to(p_text, 'UTF8');
  v_bytes := substring(v_bytes from octet_length(v_bytes) - p_max + 1);
  while v_skip < 3 and (get_byte(v_bytes, v_skip) & 192) = 128 loop
    v_skip := v_skip + 1;
  end loop;
  return convert_from(substring(v_bytes from v_skip + 1), 'UTF8');
end
$$;
revoke all on function private.text_tail(text, int) from public;

-- jobs: new rows start queued; jobs of a schedule (schedule_id, due_at) and agent-command jobs come only
-- from the materialiser (API roles run commands with enqueue_command); logs over 1 MiB keep their newest 1 MiB and set logs_truncated;
-- entering running bumps attempt and stamps started_at; a final status stamps finished_at; a retry
-- (back to queued) needs an attempt left and clears the previous run's outcome.
create or replace function private.jobs_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'queued' then
      raise exception 'jobs.status: a new job starts queued, not %', new.status using errcode = '55000';
    end if;
    -- A hand-made job claiming a schedule's due time would take that due time's place (exactly-once key).
    if (new.schedule_id is not null or new.due_at is not null) and not private.is_trusted_caller() then
      raise exception 'jobs.schedule_id: jobs of a schedule are created by the scheduler; leave schedule_id and due_at empty'
        using errcode = '42501';
    end if;
    if new.target_kind = 'agent_command' and not private.is_trusted_caller() then
      raise exception 'jobs.target_kind: agent-command jobs are created by their schedule; call enqueue_command to run a command now'
        using errcode = '42501';
    end if;
    new.attempt := 0;
    new.started_at := null;
    new.finished_at := null;
  else
    if new.workspace_id is distinct from old.workspace_id then
      raise exception 'jobs.workspace_id cannot be changed' using errcode = '22023';
    end if;
    -- Clearing schedule_id (the schedule was deleted) is fine; pointing a job at a due time is not.
    if ((new.schedule_id is not null and new.schedule_id is distinct from old.schedule_id)
        or new.due_at is distinct from old.due_at) and not private.is_trusted_caller() then
      raise exception 'jobs.schedule_id: jobs of a schedule are created by the scheduler; schedule_id and due_at cannot be set'
        using errcode = '42501';
    end if;
    if new.status is distinct from old.status then
      case new.status
        when 'running' then
          new.attempt := old.attempt + 1;
          new.started_at := now();
          new.finished_at := null;
        when 'queued' then
          if old.attempt >= old.max_attempts then
            raise exception 'jobs.status: cannot retry job % from %: all % attempts used', old.id, old.status, old.max_attempts
              using errcode = '55000';
          end if;
          new.queued_at := now();
          new.finished_at := null;
          new.exit_code := null;
          new.error := null;
        else
          new.finished_at := coalesce(new.finished_at, now());
      end case;
    end if;
  end if;
  if octet_length(new.logs) > 1048576 then
    new.logs := private.text_tail(new.logs, 1048576);
    new.logs_truncated := true;
  end if;
  return new;
end
$$;
revoke all on function private.jobs_before_write() from public;

drop trigger if exists jobs_check_status_transition on public.jobs;
create trigger jobs_check_status_transition
  before update of status on public.jobs
  for each row when (old.status is distinct from new.status)
  execute function private.enterprise_check_transition(
    '{"queued": ["running", "cancelled", "failed"],
      "running": ["succeeded", "failed", "cancelled", "timed_out"],
      "failed": ["queued"],
      "timed_out": ["queued"],
      "succeeded": [],
      "cancelled": []}');

-- Named so it fires after the transition check (triggers fire in name order).
drop trigger if exists jobs_prepare_write on public.jobs;
create trigger jobs_prepare_write
  before insert or update on public.jobs
  for each row execute function private.jobs_before_write();

drop trigger if exists jobs_set_updated_at on public.jobs;
create trigger jobs_set_updated_at before update on public.jobs
  for each row execute function private.set_updated_at();

-- ===========================================================================================
-- Materialisation and command sync
-- ===========================================================================================

-- The due times of one schedule that a sweep at p_now materialises, oldest first.
-- 'all': every due time from next_run_at up to p_now, at most p_cap of them.
-- 'latest': only the most recent due time <= p_now. It is found by looking back over growing windows
-- (1 minute, 1 hour, 1 day, 32 days, 1 year) so a long outage costs a bounded walk, not one step per
-- missed minute.
create or replace function private.job_schedule_due_times(
  p_expr text, p_timezone text, p_next_run_at timestamptz, p_catch_up public.job_catch_up, p_now timestamptz,
  p_cap int default 100
)
returns timestamptz[]
language plpgsql
stable
set search_path = ''
as $$
declare
  v_due timestamptz;
  v_next timestamptz;
  v_start timestamptz;
  v_window interval;
  v_out timestamptz[] := '{}'::timestamptz[];
begin
  if p_next_run_at is null or p_next_run_at > p_now then
    return v_out;
  end if;
  if p_catch_up = 'all' then
    v_due := p_next_run_at;
    while v_due is not null and v_due <= p_now and cardinality(v_out) < p_cap loop
      v_out := v_out || v_due;
      v_due := private.cron_next_run(p_expr, p_timezone, v_due);
    end loop;
    return v_out;
  end if;

  foreach v_window in array array['1 minute', '1 hour', '1 day', '32 days', '366 days']::interval[] loop
    if p_now - v_window <= p_next_run_at then
      v_start := p_next_run_at;
      exit;
    end if;
    v_next := private.cron_next_run(p_expr, p_timezone, p_now - v_window);
    if v_next is not null and v_next <= p_now then
      v_start := v_next;
      exit;
    end if;
  end loop;
  v_due := coalesce(v_start, p_next_run_at);
  loop
    v_next := private.cron_next_run(p_expr, p_timezone, v_due);
    exit when v_next is null or v_next > p_now;
    v_due := v_next;
  end loop;
  return array[v_due];
end
$$;
revoke all on function private.job_schedule_due_times(text, text, timestamptz, public.job_catch_up, timestamptz, int) from public;

-- One sweep: every enabled schedule whose next_run_at <= p_now gets one job per due time (see catch_up),
-- then next_run_at moves past the last materialised due time. Exactly once per (schedule, due time): the
-- schedule row is locked (SKIP LOCKED: a concurrent sweep skips it) and the job insert is ON CONFLICT
-- DO NOTHING on jobs_schedule_id_due_at_key, so a repeated, concurrent or late sweep never makes a second
-- job, and only a newly inserted job enqueues its agent command (dedup key from the due time as a second
-- guard). Returns the number of jobs created.
create or replace function private.materialize_due_job_schedules(p_now timestamptz default now(), p_limit int default 500)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  s public.job_schedules;
  v_due timestamptz;
  v_dues timestamptz[];
  v_job_id uuid;
  v_gateway uuid;
  v_command_id uuid;
  v_created int := 0;
begin
  perform private.queue_check_not_null('p_now', p_now is null);
  perform private.queue_check_range('p_limit', p_limit, 1, 10000);
  for s in
    select js.* from public.job_schedules js
    where js.enabled and js.next_run_at <= p_now
    order by js.next_run_at
    limit p_limit
    for update skip locked
  loop
    v_dues := private.job_schedule_due_times(s.cron_expression, s.timezone, s.next_run_at, s.catch_up, p_now);
    foreach v_due in array v_dues loop
      v_gateway := s.gateway_id;
      if v_gateway is null and s.agent_id is not null then
        select a.gateway_id into v_gateway from public.agents a where a.id = s.agent_id;
      end if;
      insert into public.jobs (workspace_id, schedule_id, due_at, target_kind, gateway_id, agent_id, command,
                               arguments, max_attempts, timeout_seconds, created_by)
      values (s.workspace_id, s.id, v_due, s.target_kind, v_gateway, s.agent_id,
              case when s.target_kind = 'job_definition' then s.command end,
              s.arguments, s.max_attempts, s.timeout_seconds, s.created_by)
      on conflict on constraint jobs_schedule_id_due_at_key do nothing
      returning id into v_job_id;
      continue when v_job_id is null;
      v_created := v_created + 1;
      if s.target_kind = 'agent_command' then
        if v_gateway is null then
          update public.jobs set status = 'failed', error = 'no gateway: the schedule has no gateway and its agent has none'
          where id = v_job_id;
        else
          select e.id into v_command_id
          from private.enqueue_command_unchecked(
            v_gateway, s.command_action, s.command_payload, s.agent_id, 0, v_due, s.max_attempts,
            'job_schedule:' || s.id || ':' || extract(epoch from v_due)::bigint, false) e;
          update public.jobs set command_id = v_command_id where id = v_job_id;
        end if;
      end if;
    end loop;
    update public.job_schedules
    set next_run_at = private.cron_next_run(s.cron_expression, s.timezone,
                                            greatest(v_dues[cardinality(v_dues)], s.next_run_at)),
        last_due_at = coalesce(v_dues[cardinality(v_dues)], last_due_at)
    where id = s.id;
  end loop;
  return v_created;
end
$$;
revoke all on function private.materialize_due_job_schedules(timestamptz, int) from public;

-- Agent-command jobs follow their command: pending/leased -> queued, running -> running, done ->
-- succeeded, failed -> failed, cancelled -> cancelled, with exit code and output (stdout then stderr,
-- capped like any job log). Steps through running when the command ran and finished between two syncs
-- (so attempt counts it), and back
-- to queued when the queue retries it. Run by the same pg_cron job after each materialisation.
create or replace function private.sync_command_jobs(p_limit int default 1000)
returns int
language plpgsql
security definer
set search_path = ''
as $$
declare
  r record;
  v_target public.job_status;
  v_n int := 0;
begin
  for r in
    select j.id, j.status, c.status as command_status, c.exit_code, c.stdout, c.stderr, c.last_error, c.attempt
    from public.jobs j
    join public.agent_commands c on c.id = j.command_id
    where j.command_id is not null and j.status in ('queued', 'running')
    order by j.queued_at
    limit p_limit
    for update of j skip locked
  loop
    v_target := case r.command_status
      when 'pending' then 'queued' when 'leased' then 'queued'
      when 'running' then 'running' when 'done' then 'succeeded'
      when 'failed' then 'failed' else 'cancelled' end::public.job_status;
    continue when v_target = r.status;
    -- Finished between two syncs after it ran (the queue counted an attempt): the job runs first.
    if r.status = 'queued' and (v_target = 'succeeded' or (v_target = 'failed' and r.attempt > 0)) then
      update public.jobs set status = 'running' where id = r.id;
    elsif r.status = 'running' and v_target = 'queued' then
      update public.jobs set status = 'failed', error = coalesce(r.last_error, 'retried by the command queue') where id = r.id;
    end if;
    update public.jobs
    set status = v_target,
        exit_code = case when v_target in ('succeeded', 'failed') then r.exit_code end,
        error = case when v_target = 'failed' then r.last_error end,
        logs = case when v_target in ('succeeded', 'failed')
                 then concat_ws(E'\n', nullif(r.stdout, ''), nullif(r.stderr, '')) else logs end
    where id = r.id;
    v_n := v_n + 1;
  end loop;
  return v_n;
end
$$;
revoke all on function private.sync_command_jobs(int) from public;

comment on function private.materialize_due_job_schedules(timestamptz, int) is
  'pg_cron agentbase-job-schedules: one job per (schedule, due time), exactly once, enqueueing agent commands with dedup key job_schedule:<schedule>:<due epoch>.';

-- ===========================================================================================
-- Grants and row-level security
-- ===========================================================================================
-- Viewers read; admins manage schedules and jobs (a schedule enqueues agent commands, which needs admin);
-- workers (service_role) report job progress. anon: nothing.

revoke all on table public.job_schedules, public.jobs from anon, authenticated;
grant select, insert, update, delete on table public.job_schedules, public.jobs to authenticated, service_role;
-- next_run_at / last_due_at belong to the database (the trigger keeps them for API roles).

alter table public.job_schedules enable row level security;
alter table public.jobs enable row level security;
select private.create_workspace_policies('public.job_schedules', 'viewer', 'admin');
select private.create_workspace_policies('public.jobs', 'viewer', 'admin');

do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime')
     and not exists (select 1 from pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'jobs') then
    alter publication supabase_realtime add table public.jobs;
  end if;
end $$;

-- The sweep, scheduled by name (re-running this file updates the same job).
select cron.schedule('agentbase-job-schedules', '* * * * *',
  'select private.materialize_due_job_schedules(); select private.sync_command_jobs();');
