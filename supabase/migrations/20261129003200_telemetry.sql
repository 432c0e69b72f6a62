-- Telemetry: one row per pipeline stage transition of a conversational turn (speech-to-text, LLM,
-- text-to-speech, delivery, ...), keyed by turn_id. Built for volume: append-only, range-partitioned by
-- month on started_at with a BRIN index per partition, partitions created ahead and dropped after the
-- retention period by the database itself (a pg_cron job), turn_timeline(turn_id) for one turn.
-- Partitions live in schema private (not exposed by the Data API, no API role has grants there); every
-- read and write goes through the parent, whose RLS applies. See docs/telemetry.md.
-- Runs as the non-superuser `postgres` role inside one transaction; every statement is idempotent.

do $$ begin
  if not exists (select 1 from pg_type where typname = 'telemetry_status' and typnamespace = 'public'::regnamespace) then
    create type public.telemetry_status as enum ('started', 'completed', 'failed', 'skipped', 'cancelled');
  end if;
end $$;

create sequence if not exists public.telemetry_events_id_seq as bigint;

create table if not exists public.telemetry_events (
  id bigint not null default nextval('public.telemetry_events_id_seq'),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  turn_id uuid not null,
  -- Open vocabulary (stt, llm, tts, whatsapp_send, tool:calendar, ...), lowercase identifiers.
  stage text not null check (stage ~ '^[a-z][a-z0-9_.:-]{0,62}$'),
  status public.telemetry_status not null,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  duration_ms bigint generated always as (
    case when ended_at is null then null
         else (extract(epoch from (ended_at - started_at)) * 1000)::bigint end) stored,
  -- Who and what, without foreign keys (a hot append-only table pays for no lookups per row).
  agent_id uuid,
  member_id uuid,
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz not null default now(),
  constraint telemetry_events_pkey primary key (id, started_at),
  constraint telemetry_events_order_check check (ended_at is null or ended_at >= started_at)
) partition by range (started_at);
alter sequence public.telemetry_events_id_seq owned by public.telemetry_events.id;

-- Indexes on the parent are created on every partition.
create index if not exists telemetry_events_turn_idx on public.telemetry_events (turn_id, started_at);
create index if not exists telemetry_events_workspace_started_idx on public.telemetry_events (workspace_id, started_at);
create index if not exists telemetry_events_started_at_brin_idx on public.telemetry_events using brin (started_at);
comment on table public.telemetry_events is
  'One row per pipeline stage transition of a turn (stage, status, start, end, derived duration, metadata). Append-only, partitioned by month on started_at (partitions in schema private, created ahead and dropped after the retention period by the cron job agentbase-telemetry-partitions). Written by service_role; read by workspace admins.';
comment on column public.telemetry_events.turn_id is 'The conversational turn this stage belongs to; turn_timeline(turn_id) reads one turn.';

-- Retention and look-ahead: a single row; changed by the platform operator (postgres / service_role).
create table if not exists private.telemetry_config (
  id boolean primary key default true check (id),
  retention_months integer not null default 6 check (retention_months between 1 and 120),
  months_ahead integer not null default 2 check (months_ahead between 1 and 24),
  updated_at timestamptz not null default now()
);
insert into private.telemetry_config (id) values (true) on conflict (id) do nothing;
revoke all on table private.telemetry_config from public, anon, authenticated;
grant select, update on table private.telemetry_config to service_role;

-- ===========================================================================================
-- Append-only
-- ===========================================================================================

create or replace function private.telemetry_append_only()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' and (pg_trigger_depth() > 1 or not private.request_role() in ('anon', 'authenticated', 'service_role')) then
    return old;
  end if;
  raise exception 'telemetry_events is append-only: % is not allowed', tg_op using errcode = '42501';
end
$$;
revoke all on function private.telemetry_append_only() from public;

drop trigger if exists telemetry_events_append_only on public.telemetry_events;
create trigger telemetry_events_append_only before update or delete on public.telemetry_events
  for each row execute function private.telemetry_append_only();

revoke all on table public.telemetry_events from anon, authenticated, service_role;
grant select on table public.telemetry_events to authenticated;
grant select, insert on table public.telemetry_events to service_role;
revoke all on sequence public.telemetry_events_id_seq from anon, authenticated;
grant usage on sequence public.telemetry_events_id_seq to service_role;

-- RLS is enabled on the parent; its policies apply to every row read or written through it.
alter table public.telemetry_events enable row level security;
drop policy if exists telemetry_events_select on public.telemetry_events;
create policy telemetry_events_select on public.telemetry_events for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'))));

-- ===========================================================================================
-- Partition maintenance
-- ===========================================================================================

-- The partition for the month containing p_month: private.telemetry_events_pYYYYMM, [month, month + 1).
-- Created if missing, with no API grants: it is only ever reached through the parent, whose RLS applies
-- (schema private is not exposed by the Data API; RLS on the partition itself would be a second, unused
-- set of rules).
create or replace function private.telemetry_create_partition(p_month date)
returns text
language plpgsql
set search_path = ''
as $$
declare
  v_from date := date_trunc('month', p_month)::date;
  v_name text := 'telemetry_events_p' || to_char(date_trunc('month', p_month), 'YYYYMM');
begin
  if p_month is null then
    raise exception 'p_month must not be null' using errcode = '22004';
  end if;
  if to_regclass('private.' || v_name) is null then
    execute format(
      'create table private.%I partition of public.telemetry_events for values from (%L) to (%L)',
      v_name, v_from::timestamp at time zone 'UTC', (v_from + interval '1 month')::timestamp at time zone 'UTC');
    execute format('revoke all on table private.%I from public, anon, authenticated, service_role', v_name);
  end if;
  return v_name;
end
$$;
revoke all on function private.telemetry_create_partition(date) from public;

-- Creates the partitions from the month of p_now to months_ahead months later and drops those that
-- ended more than retention_months before the month of p_now. Returns what it did. Idempotent; run by
-- the cron job daily and by this migration. p_now is a parameter so tests can move time.
create or replace function private.telemetry_maintain_partitions(p_now timestamptz default now())
returns table (action text, partition_name text)
language plpgsql
set search_path = ''
as $$
declare
  v_config private.telemetry_config;
  v_month date := date_trunc('month', p_now at time zone 'UTC')::date;
  v_cutoff timestamp;
  v_part record;
begin
  if p_now is null then
    raise exception 'p_now must not be null' using errcode = '22004';
  end if;
  select * into v_config from private.telemetry_config where id;
  for i in 0 .. v_config.months_ahead loop
    if to_regclass('private.telemetry_events_p' || to_char(v_month + make_interval(months => i), 'YYYYMM')) is null then
      action := 'created';
      partition_name := private.telemetry_create_partition((v_month + make_interval(months => i))::date);
      return next;
    end if;
  end loop;
  -- A partition is dropped once its upper bound is retention_months before the current month.
  v_cutoff := v_month - make_interval(months => v_config.retention_months);
  for v_part in
    select c.oid::regclass::text as name, c.relname
    from pg_catalog.pg_inherits i
    join pg_catalog.pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'public.telemetry_events'::regclass
      and c.relname ~ '^telemetry_events_p[0-9]{6}$'
      and to_date(right(c.relname, 6), 'YYYYMM') + interval '1 month' <= v_cutoff
    order by c.relname
  loop
    execute format('drop table %s', v_part.name);
    action := 'dropped';
    partition_name := v_part.relname;
    return next;
  end loop;
end
$$;
revoke all on function private.telemetry_maintain_partitions(timestamptz) from public;

-- The current month and the look-ahead exist as soon as the migration has run.
select count(*) from private.telemetry_maintain_partitions();

-- Daily at 03:17 UTC (cron.schedule is idempotent by job name).
select cron.schedule('agentbase-telemetry-partitions', '17 3 * * *',
  $$select count(*) from private.telemetry_maintain_partitions()$$);

-- ===========================================================================================
-- RPCs
-- ===========================================================================================

-- The stages of one turn in order, one row per stage: first start, last end, the stage's duration (end -
-- start), the offset from the turn's first event, the latest status and how many transitions it had.
create or replace function public.turn_timeline(p_turn_id uuid)
returns table (
  stage text,
  status public.telemetry_status,
  started_at timestamptz,
  ended_at timestamptz,
  duration_ms bigint,
  offset_ms bigint,
  transitions integer,
  metadata jsonb
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if p_turn_id is null then
    raise exception 'p_turn_id must not be null' using errcode = '22004';
  end if;
  return query
    with ev as (
      select e.stage, e.status, e.started_at, e.ended_at, e.metadata, e.id
      from public.telemetry_events e
      where e.turn_id = p_turn_id
    ), per_stage as (
      select ev.stage,
             (array_agg(ev.status order by coalesce(ev.ended_at, ev.started_at), ev.id))[count(*)] as status,
             min(ev.started_at) as started_at,
             max(ev.ended_at) as ended_at,
             count(*)::integer as transitions,
             (array_agg(ev.metadata order by coalesce(ev.ended_at, ev.started_at), ev.id))[count(*)] as metadata
      from ev group by ev.stage
    )
    select p.stage, p.status, p.started_at, p.ended_at,
           case when p.ended_at is null then null
                else (extract(epoch from (p.ended_at - p.started_at)) * 1000)::bigint end,
           (extract(epoch from (p.started_at - min(p.started_at) over ())) * 1000)::bigint,
           p.transitions, p.metadata
    from per_stage p
    order by p.started_at, p.stage;
end
$$;
revoke all on function public.turn_timeline(uuid) from public, anon;
grant execute on function public.turn_timeline(uuid) to authenticated, service_role;
comment on function public.turn_timeline(uuid) is
  'The pipeline stages of one turn in order: stage, latest status, first start, last end, duration_ms, offset_ms from the turn''s start, number of transitions, latest metadata. Workspace admins and service_role.';
