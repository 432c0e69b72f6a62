-- LLM usage and per-agent monthly budgets, enforced in the queues.
--
-- agent_usage: append-only call records with an idempotency key unique per workspace (a retried report
-- is counted once). An AFTER INSERT trigger rolls each new row into the agent's agent_budgets row with one
-- upsert, so the row lock serialises writers of one agent and the totals stay exact (no read-modify-write
-- in application code, one lock per agent, hence no lock-order deadlocks between writers of one agent).
-- Periods are calendar months in the workspace's timezone; the row carries [period_start, period_end),
-- so private.agent_budget_blocked (called by lease_inbox_item) is one primary-key lookup with no join.
-- An exceeded agent with hard cutoff: lease_inbox_item leases nothing (items stay pending = parked) and
-- enqueueing a command for it is refused (55000). See docs/usage-and-budgets.md.

-- ============================================================================================ enums

do $$
begin
  create type public.usage_operation as enum ('chat', 'checkin', 'embedding', 'tool');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.budget_status as enum ('ok', 'warned', 'exceeded', 'unmetered');
exception when duplicate_object then null;
end $$;

-- ============================================================================================ helpers

-- The calendar month containing p_at, in time zone p_tz, as [period_start, period_end).
create or replace function private.budget_period(p_at timestamptz, p_tz text,
  out period_start timestamptz, out period_end timestamptz)
language sql
stable
set search_path = ''
as $$
  -- Month arithmetic on local wall-clock time: "+ 1 month" on a timestamptz would follow the session's
  -- time zone instead of p_tz.
  select s.local_month at time zone p_tz, (s.local_month + interval '1 month') at time zone p_tz
  from (select pg_catalog.date_trunc('month', p_at at time zone p_tz) as local_month) s
$$;
revoke all on function private.budget_period(timestamptz, text) from public;

-- Status from the totals: no limit -> ok; only unmetered calls -> unmetered; spend >= limit -> exceeded
-- (a zero limit allows no spend); spend >= limit x threshold% -> warned; else ok.
create or replace function private.budget_status_for(
  p_limit numeric, p_threshold_pct integer, p_spend numeric, p_metered bigint, p_unmetered bigint)
returns public.budget_status
language sql
immutable
set search_path = ''
as $$
  select case
    when p_limit is null then 'ok'::public.budget_status
    when p_metered = 0 and p_unmetered > 0 then 'unmetered'::public.budget_status
    when p_spend >= p_limit then 'exceeded'::public.budget_status
    when p_spend >= p_limit * p_threshold_pct / 100.0 then 'warned'::public.budget_status
    else 'ok'::public.budget_status
  end
$$;
revoke all on function private.budget_status_for(numeric, integer, numeric, bigint, bigint) from public;
-- Pure helpers: the API roles may run them (the status trigger runs as whoever writes agent_budgets).
grant execute on function private.budget_period(timestamptz, text) to authenticated, service_role;
grant execute on function private.budget_status_for(numeric, integer, numeric, bigint, bigint) to authenticated, service_role;

-- ============================================================================================ tables

create table if not exists public.agent_usage (
  id uuid primary key default gen_random_uuid(),
  -- Set from the agent by the before-insert trigger (RLS boundary).
  workspace_id uuid not null,
  agent_id uuid not null,
  gateway_id uuid references public.gateways (id) on delete set null,
  session_id text check (length(session_id) between 1 and 200),
  run_id text check (length(run_id) between 1 and 200),
  provider text not null check (provider ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  model text not null check (length(btrim(model)) between 1 and 200),
  operation public.usage_operation not null default 'chat',
  input_tokens bigint not null default 0 check (input_tokens >= 0),
  output_tokens bigint not null default 0 check (output_tokens >= 0),
  cache_read_tokens bigint not null default 0 check (cache_read_tokens >= 0),
  cache_write_tokens bigint not null default 0 check (cache_write_tokens >= 0),
  total_tokens bigint generated always as (input_tokens + output_tokens + cache_read_tokens + cache_write_tokens) stored,
  cost_input_usd numeric(14, 6) check (cost_input_usd >= 0),
  cost_output_usd numeric(14, 6) check (cost_output_usd >= 0),
  cost_cache_read_usd numeric(14, 6) check (cost_cache_read_usd >= 0),
  cost_cache_write_usd numeric(14, 6) check (cost_cache_write_usd >= 0),
  -- Null = unmetered call (no price known). Filled from the parts when only parts are given.
  cost_total_usd numeric(14, 6) check (cost_total_usd >= 0),
  occurred_at timestamptz not null default now(),
  -- A retried report carries the same key; unique per workspace.
  idempotency_key text check (length(idempotency_key) between 1 and 200),
  metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz not null default now(),
  constraint agent_usage_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete cascade,
  constraint agent_usage_workspace_idempotency_key unique (workspace_id, idempotency_key)
);
create index if not exists agent_usage_agent_id_idx on public.agent_usage (agent_id, occurred_at);
create index if not exists agent_usage_workspace_agent_idx on public.agent_usage (workspace_id, agent_id);
create index if not exists agent_usage_workspace_occurred_idx on public.agent_usage (workspace_id, occurred_at desc);
create index if not exists agent_usage_gateway_id_idx on public.agent_usage (gateway_id);

create table if not exists public.agent_budgets (
  agent_id uuid primary key,
  workspace_id uuid not null,
  -- Null = no limit. follows_workspace_default: limit and hard cutoff track the workspace defaults.
  monthly_limit_usd numeric(12, 2) check (monthly_limit_usd >= 0),
  soft_threshold_pct integer not null default 80 check (soft_threshold_pct between 1 and 100),
  hard_cutoff boolean not null default false,
  follows_workspace_default boolean not null default true,
  -- The current period: a calendar month in the workspace's timezone.
  period_start timestamptz not null,
  period_end timestamptz not null,
  spend_usd numeric(16, 6) not null default 0 check (spend_usd >= 0),
  tokens bigint not null default 0 check (tokens >= 0),
  metered_calls bigint not null default 0 check (metered_calls >= 0),
  unmetered_calls bigint not null default 0 check (unmetered_calls >= 0),
  status public.budget_status not null default 'ok',
  warned_at timestamptz,
  exceeded_at timestamptz,
  last_usage_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agent_budgets_period_check check (period_end > period_start),
  constraint agent_budgets_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete cascade
);
create unique index if not exists agent_budgets_workspace_agent_idx on public.agent_budgets (workspace_id, agent_id);

comment on table public.agent_usage is
  'Append-only LLM call records (tokens and cost per part). idempotency_key is unique per workspace: a retried report is counted once. Each new row is rolled into agent_budgets by trigger.';
comment on column public.agent_usage.cost_total_usd is 'Null = unmetered call; when null but parts are given, the sum of the parts.';
comment on column public.agent_usage.occurred_at is 'When the call happened (at most 5 minutes in the future); decides the budget period.';
comment on table public.agent_budgets is
  'Per-agent monthly budget and running totals of the current period (calendar month in the workspace timezone). Written by the usage rollup and set_agent_budget; status ok / warned / exceeded / unmetered.';
comment on column public.agent_budgets.hard_cutoff is
  'When exceeded: lease_inbox_item leases nothing for the agent and enqueueing a command for it raises 55000.';
comment on column public.agent_budgets.follows_workspace_default is
  'True: monthly_limit_usd and hard_cutoff follow workspaces.monthly_budget_usd / budget_hard_cutoff.';

-- ============================================================================================ triggers

-- agent_usage before insert: workspace from the agent, cost total from the parts, no far-future reports.
create or replace function private.agent_usage_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  select a.workspace_id into new.workspace_id from public.agents a where a.id = new.agent_id;
  if new.workspace_id is null then
    raise exception 'agent_id: agent % does not exist', new.agent_id using errcode = 'P0002';
  end if;
  if new.occurred_at > now() + interval '5 minutes' then
    raise exception 'occurred_at % is in the future', new.occurred_at using errcode = '22023';
  end if;
  if new.cost_total_usd is null and num_nonnulls(new.cost_input_usd, new.cost_output_usd,
                                                 new.cost_cache_read_usd, new.cost_cache_write_usd) > 0 then
    new.cost_total_usd := coalesce(new.cost_input_usd, 0) + coalesce(new.cost_output_usd, 0)
                          + coalesce(new.cost_cache_read_usd, 0) + coalesce(new.cost_cache_write_usd, 0);
  end if;
  return new;
end
$$;
revoke all on function private.agent_usage_before_insert() from public;

-- agent_usage after insert, once per statement: the statement's new rows are summed per agent and period
-- and each agent's budget row gets ONE upsert (a 500-row batch costs one row update, not 500). Same
-- period: add; later period: start over; earlier period (a late report): totals unchanged (the row stays in
-- agent_usage). Of a batch spanning two months only the latest month can count, so only it is summed.
-- Agents are upserted in agent_id order: concurrent multi-agent batches lock budget rows in one order.
create or replace function private.agent_usage_rollup()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.agent_budgets as b
    (agent_id, workspace_id, monthly_limit_usd, hard_cutoff, period_start, period_end,
     spend_usd, tokens, metered_calls, unmetered_calls, last_usage_at)
  select s.agent_id, s.workspace_id, w.monthly_budget_usd, w.budget_hard_cutoff, s.period_start, s.period_end,
         s.spend, s.tokens, s.metered, s.unmetered, s.last_at
  from (
    select r.agent_id, r.workspace_id, r.period_start, r.period_end,
           coalesce(sum(r.cost_total_usd), 0) as spend, sum(r.total_tokens)::bigint as tokens,
           count(r.cost_total_usd) as metered, count(*) - count(r.cost_total_usd) as unmetered,
           max(r.occurred_at) as last_at,
           rank() over (partition by r.agent_id order by r.period_start desc) as latest
    from (
      select n.agent_id, n.workspace_id, n.cost_total_usd, n.total_tokens, n.occurred_at,
             p.period_start, p.period_end
      from new_rows n
      join public.workspaces ws on ws.id = n.workspace_id
      cross join lateral private.budget_period(n.occurred_at, ws.timezone) p
    ) r
    group by r.agent_id, r.workspace_id, r.period_start, r.period_end
  ) s
  join public.workspaces w on w.id = s.workspace_id
  where s.latest = 1
  order by s.agent_id
  on conflict (agent_id) do update set
    spend_usd = case when excluded.period_start > b.period_start then excluded.spend_usd
                     when excluded.period_start = b.period_start then b.spend_usd + excluded.spend_usd
                     else b.spend_usd end,
    tokens = case when excluded.period_start > b.period_start then excluded.tokens
                  when excluded.period_start = b.period_start then b.tokens + excluded.tokens
                  else b.tokens end,
    metered_calls = case when excluded.period_start > b.period_start then excluded.metered_calls
                         when excluded.period_start = b.period_start then b.metered_calls + excluded.metered_calls
                         else b.metered_calls end,
    unmetered_calls = case when excluded.period_start > b.period_start then excluded.unmetered_calls
                           when excluded.period_start = b.period_start then b.unmetered_calls + excluded.unmetered_calls
                           else b.unmetered_calls end,
    last_usage_at = greatest(b.last_usage_at, excluded.last_usage_at),
    period_end = case when excluded.period_start > b.period_start then excluded.period_end else b.period_end end,
    period_start = greatest(b.period_start, excluded.period_start);
  return null;
end
$$;
revoke all on function private.agent_usage_rollup() from public;

drop trigger if exists agent_usage_before_insert on public.agent_usage;
create trigger agent_usage_before_insert before insert on public.agent_usage
  for each row execute function private.agent_usage_before_insert();
drop trigger if exists agent_usage_rollup on public.agent_usage;
create trigger agent_usage_rollup after insert on public.agent_usage
  referencing new table as new_rows
  for each statement execute function private.agent_usage_rollup();
drop trigger if exists agent_usage_append_only on public.agent_usage;
create trigger agent_usage_append_only before update or delete on public.agent_usage
  for each row execute function private.append_only();

-- agent_budgets before write: status (and warned_at / exceeded_at) derived from the totals; a new period
-- clears the marks. Pins the agent and workspace.
create or replace function private.agent_budgets_derive_status()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    if new.agent_id <> old.agent_id or new.workspace_id <> old.workspace_id then
      raise exception 'agent_id and workspace_id of a budget cannot change' using errcode = '22023';
    end if;
    if new.period_start <> old.period_start then
      new.warned_at := null;
      new.exceeded_at := null;
    end if;
  end if;
  new.status := private.budget_status_for(new.monthly_limit_usd, new.soft_threshold_pct, new.spend_usd,
                                          new.metered_calls, new.unmetered_calls);
  if new.status = 'exceeded' then
    new.exceeded_at := coalesce(new.exceeded_at, now());
    new.warned_at := coalesce(new.warned_at, now());
  elsif new.status = 'warned' then
    new.warned_at := coalesce(new.warned_at, now());
    new.exceeded_at := null;
  else
    new.warned_at := null;
    new.exceeded_at := null;
  end if;
  return new;
end
$$;
revoke all on function private.agent_budgets_derive_status() from public;

-- agent_budgets after write: entering warned / exceeded notifies the workspace's admins and owners,
-- once per agent, kind and period (dedup key agent:period_start).
create or replace function private.agent_budgets_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_name text;
begin
  if new.status not in ('warned', 'exceeded') then
    return null;
  end if;
  if tg_op = 'UPDATE' and old.status = new.status and old.period_start = new.period_start then
    return null;
  end if;
  select a.name into v_name from public.agents a where a.id = new.agent_id;
  perform private.notify_workspace(
    new.workspace_id, 'admin', 'budget.' || new.status::text,
    case new.status when 'exceeded' then format('%s is over its monthly budget', v_name)
                    else format('%s has used %s%% of its monthly budget', v_name, new.soft_threshold_pct) end,
    format('Spent %s USD of %s USD this period%s.', round(new.spend_usd, 2), new.monthly_limit_usd,
           case when new.status = 'exceeded' and new.hard_cutoff then '; work is paused until the limit is raised or the period ends' else '' end),
    'agent', new.agent_id,
    jsonb_build_object('agent_id', new.agent_id, 'period_start', new.period_start, 'spend_usd', new.spend_usd,
                       'monthly_limit_usd', new.monthly_limit_usd, 'hard_cutoff', new.hard_cutoff),
    new.agent_id::text || ':' || to_char(new.period_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
  return null;
end
$$;
revoke all on function private.agent_budgets_notify() from public;

drop trigger if exists agent_budgets_derive_status on public.agent_budgets;
create trigger agent_budgets_derive_status before insert or update on public.agent_budgets
  for each row execute function private.agent_budgets_derive_status();
drop trigger if exists agent_budgets_set_updated_at on public.agent_budgets;
create trigger agent_budgets_set_updated_at before update on public.agent_budgets
  for each row execute function private.set_updated_at();
-- WHEN clauses keep the rollup's hot path free of this function unless the status or period moved.
drop trigger if exists agent_budgets_notify on public.agent_budgets;
create trigger agent_budgets_notify after update on public.agent_budgets
  for each row
  when (new.status in ('warned', 'exceeded')
        and (old.status is distinct from new.status or old.period_start is distinct from new.period_start))
  execute function private.agent_budgets_notify();
drop trigger if exists agent_budgets_notify_insert on public.agent_budgets;
create trigger agent_budgets_notify_insert after insert on public.agent_budgets
  for each row when (new.status in ('warned', 'exceeded'))
  execute function private.agent_budgets_notify();
-- Audit only the configuration (limit, threshold, cutoff): the trigger fires only for updates naming those
-- columns (the rollup never does), and ignores the rest of the row.
drop trigger if exists agent_budgets_audit on public.agent_budgets;
create trigger agent_budgets_audit
  after update of monthly_limit_usd, soft_threshold_pct, hard_cutoff, follows_workspace_default or delete
  on public.agent_budgets
  for each row execute function private.audit_row_change(
    'period_start', 'period_end', 'spend_usd', 'tokens', 'metered_calls', 'unmetered_calls', 'status',
    'warned_at', 'exceeded_at', 'last_usage_at');

-- Every agent gets a budget row from the workspace defaults when it is created.
create or replace function private.agents_create_budget()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ws record;
  v_period record;
begin
  select w.timezone, w.monthly_budget_usd, w.budget_hard_cutoff into v_ws
  from public.workspaces w where w.id = new.workspace_id;
  select * into v_period from private.budget_period(now(), v_ws.timezone);
  insert into public.agent_budgets (agent_id, workspace_id, monthly_limit_usd, hard_cutoff, period_start, period_end)
  values (new.id, new.workspace_id, v_ws.monthly_budget_usd, v_ws.budget_hard_cutoff,
          v_period.period_start, v_period.period_end)
  on conflict (agent_id) do nothing;
  return null;
end
$$;
revoke all on function private.agents_create_budget() from public;

drop trigger if exists agents_create_budget on public.agents;
create trigger agents_create_budget after insert on public.agents
  for each row execute function private.agents_create_budget();

-- Agents that existed before this migration.
insert into public.agent_budgets (agent_id, workspace_id, monthly_limit_usd, hard_cutoff, period_start, period_end)
select a.id, a.workspace_id, w.monthly_budget_usd, w.budget_hard_cutoff, p.period_start, p.period_end
from public.agents a
join public.workspaces w on w.id = a.workspace_id
cross join lateral private.budget_period(now(), w.timezone) p
on conflict (agent_id) do nothing;

-- ============================================================================================ recompute

-- Rebuilds the agent's current-period totals from agent_usage (period = the month containing now() in the
-- workspace's timezone). Takes the budget row lock first, so it serialises with concurrent rollups.
create or replace function private.recompute_agent_budget_unchecked(p_agent_id uuid)
returns public.agent_budgets
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ws record;
  v_period record;
  v_budget public.agent_budgets;
  v_sum record;
begin
  select a.workspace_id, w.timezone, w.monthly_budget_usd, w.budget_hard_cutoff into v_ws
  from public.agents a join public.workspaces w on w.id = a.workspace_id
  where a.id = p_agent_id;
  if not found then
    raise exception 'p_agent_id: agent % does not exist', p_agent_id using errcode = 'P0002';
  end if;
  select * into v_period from private.budget_period(now(), v_ws.timezone);
  insert into public.agent_budgets (agent_id, workspace_id, monthly_limit_usd, hard_cutoff, period_start, period_end)
  values (p_agent_id, v_ws.workspace_id, v_ws.monthly_budget_usd, v_ws.budget_hard_cutoff,
          v_period.period_start, v_period.period_end)
  on conflict (agent_id) do nothing;
  perform 1 from public.agent_budgets b where b.agent_id = p_agent_id for update;

  select coalesce(sum(u.cost_total_usd), 0) as spend, coalesce(sum(u.total_tokens), 0)::bigint as tokens,
         count(u.cost_total_usd) as metered, count(*) filter (where u.cost_total_usd is null) as unmetered,
         max(u.occurred_at) as last_at
  into v_sum
  from public.agent_usage u
  where u.agent_id = p_agent_id and u.occurred_at >= v_period.period_start and u.occurred_at < v_period.period_end;

  update public.agent_budgets b set
    period_start = v_period.period_start, period_end = v_period.period_end,
    spend_usd = v_sum.spend, tokens = v_sum.tokens, metered_calls = v_sum.metered,
    unmetered_calls = v_sum.unmetered, last_usage_at = coalesce(v_sum.last_at, b.last_usage_at)
  where b.agent_id = p_agent_id
  returning * into v_budget;
  return v_budget;
end
$$;
revoke all on function private.recompute_agent_budget_unchecked(uuid) from public;

-- Month rollover for agents without new usage: every row whose period has ended starts the current one
-- with zero totals. Scheduled hourly (agentbase-budget-rollover); usage itself also rolls a row over.
create or replace function private.roll_over_budgets()
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  update public.agent_budgets b set
    period_start = p.period_start, period_end = p.period_end,
    spend_usd = 0, tokens = 0, metered_calls = 0, unmetered_calls = 0
  from public.workspaces w
  cross join lateral private.budget_period(now(), w.timezone) p
  where b.period_end <= now() and w.id = b.workspace_id;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
revoke all on function private.roll_over_budgets() from public;

-- Workspace defaults flow into budgets that follow them; a timezone change re-cuts the current period.
create or replace function private.workspaces_sync_budgets()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_agent uuid;
begin
  if new.monthly_budget_usd is distinct from old.monthly_budget_usd
     or new.budget_hard_cutoff is distinct from old.budget_hard_cutoff then
    update public.agent_budgets b
    set monthly_limit_usd = new.monthly_budget_usd, hard_cutoff = new.budget_hard_cutoff
    where b.workspace_id = new.id and b.follows_workspace_default;
  end if;
  if new.timezone is distinct from old.timezone then
    for v_agent in select b.agent_id from public.agent_budgets b where b.workspace_id = new.id order by b.agent_id loop
      perform private.recompute_agent_budget_unchecked(v_agent);
    end loop;
  end if;
  return null;
end
$$;
revoke all on function private.workspaces_sync_budgets() from public;

drop trigger if exists workspaces_sync_budgets on public.workspaces;
create trigger workspaces_sync_budgets after update of monthly_budget_usd, budget_hard_cutoff, timezone on public.workspaces
  for each row execute function private.workspaces_sync_budgets();

-- ============================================================================================ enforcement

-- Replaces the queue's stub (same signature). One primary-key lookup: exceeded, hard cutoff, and the
-- period still running (a new month unblocks at once, before any rollover writes the row).
create or replace function private.agent_budget_blocked(p_agent_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.agent_budgets b
    where b.agent_id = p_agent_id and b.status = 'exceeded' and b.hard_cutoff and b.period_end > now())
$$;
comment on function private.agent_budget_blocked(uuid) is
  'True when the agent''s budget is exceeded with hard cutoff on in the current period: lease_inbox_item then leases nothing and commands for the agent are refused.';
revoke all on function private.agent_budget_blocked(uuid) from public;

-- Commands addressed to a blocked agent are refused at insert (whichever enqueue path is used).
create or replace function private.agent_commands_check_budget()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.agent_id is not null and private.agent_budget_blocked(new.agent_id) then
    raise exception 'agent % is over its monthly budget with hard cutoff: command "%" refused', new.agent_id, new.action
      using errcode = '55000',
            hint = 'Raise the limit or turn hard cutoff off (set_agent_budget), or wait for the next period.';
  end if;
  return new;
end
$$;
revoke all on function private.agent_commands_check_budget() from public;

drop trigger if exists agent_commands_check_budget on public.agent_commands;
create trigger agent_commands_check_budget before insert on public.agent_commands
  for each row execute function private.agent_commands_check_budget();

-- ============================================================================================ privileges + RLS

revoke all on public.agent_usage, public.agent_budgets from anon, authenticated, service_role;
grant select on public.agent_usage, public.agent_budgets to authenticated;
grant select, insert on public.agent_usage to service_role;
grant select, insert, update, delete on public.agent_budgets to service_role;

alter table public.agent_usage enable row level security;
alter table public.agent_budgets enable row level security;

-- Members of the workspace (viewer and up) read usage and budgets; writes go through the RPCs.
drop policy if exists agent_usage_select on public.agent_usage;
create policy agent_usage_select on public.agent_usage for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('viewer'::public.workspace_role))));
drop policy if exists agent_budgets_select on public.agent_budgets;
create policy agent_budgets_select on public.agent_budgets for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('viewer'::public.workspace_role))));

-- ============================================================================================ RPCs

create or replace function private.record_agent_usage(
  p_agent_id uuid, p_provider text, p_model text, p_operation public.usage_operation,
  p_input_tokens bigint, p_output_tokens bigint, p_cache_read_tokens bigint, p_cache_write_tokens bigint,
  p_cost_input_usd numeric, p_cost_output_usd numeric, p_cost_cache_read_usd numeric, p_cost_cache_write_usd numeric,
  p_cost_total_usd numeric, p_occurred_at timestamptz, p_idempotency_key text, p_gateway_id uuid,
  p_session_id text, p_run_id text, p_metadata jsonb)
returns table (id uuid, deduplicated boolean)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_workspace_id uuid;
  v_id uuid;
begin
  if p_agent_id is null then
    raise exception 'p_agent_id must not be null' using errcode = '22004';
  end if;
  if p_provider is null then
    raise exception 'p_provider must not be null' using errcode = '22004';
  end if;
  if p_model is null then
    raise exception 'p_model must not be null' using errcode = '22004';
  end if;
  select a.workspace_id into v_workspace_id from public.agents a where a.id = p_agent_id;
  if not found then
    raise exception 'p_agent_id: agent % does not exist', p_agent_id using errcode = 'P0002';
  end if;
  perform private.assert_workspace_role(v_workspace_id, 'admin');

  if p_provider !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' then
    raise exception 'p_provider "%" is not a valid provider name (lowercase letters, digits, _ . -)', left(p_provider, 80)
      using errcode = '22023';
  end if;
  if length(btrim(p_model)) not between 1 and 200 then
    raise exception 'p_model must be 1 to 200 characters' using errcode = '22023';
  end if;
  if least(p_input_tokens, p_output_tokens, p_cache_read_tokens, p_cache_write_tokens) < 0 then
    raise exception 'token counts must not be negative (p_input_tokens %, p_output_tokens %, p_cache_read_tokens %, p_cache_write_tokens %)',
      p_input_tokens, p_output_tokens, p_cache_read_tokens, p_cache_write_tokens using errcode = '22023';
  end if;
  if least(p_cost_input_usd, p_cost_output_usd, p_cost_cache_read_usd, p_cost_cache_write_usd, p_cost_total_usd) < 0 then
    raise exception 'costs must not be negative (p_cost_*_usd)' using errcode = '22023';
  end if;
  if greatest(p_cost_input_usd, p_cost_output_usd, p_cost_cache_read_usd, p_cost_cache_write_usd, p_cost_total_usd) >= 100000000 then
    raise exception 'costs must be below 100000000 USD (p_cost_*_usd)' using errcode = '22023';
  end if;
  if p_occurred_at > now() + interval '5 minutes' then
    raise exception 'p_occurred_at % is in the future', p_occurred_at using errcode = '22023';
  end if;
  if p_idempotency_key is not null and length(p_idempotency_key) not between 1 and 200 then
    raise exception 'p_idempotency_key must be 1 to 200 characters' using errcode = '22023';
  end if;
  if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
    raise exception 'p_metadata must be a JSON object (got %)', jsonb_typeof(p_metadata) using errcode = '22023';
  end if;
  if p_gateway_id is not null
     and not exists (select 1 from public.gateways g where g.id = p_gateway_id and g.workspace_id = v_workspace_id) then
    raise exception 'p_gateway_id: gateway % does not exist in the agent''s workspace', p_gateway_id using errcode = 'P0002';
  end if;

  insert into public.agent_usage as u
    (workspace_id, agent_id, gateway_id, session_id, run_id, provider, model, operation,
     input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
     cost_input_usd, cost_output_usd, cost_cache_read_usd, cost_cache_write_usd, cost_total_usd,
     occurred_at, idempotency_key, metadata)
  values
    (v_workspace_id, p_agent_id, p_gateway_id, p_session_id, p_run_id, p_provider, btrim(p_model), coalesce(p_operation, 'chat'),
     coalesce(p_input_tokens, 0), coalesce(p_output_tokens, 0), coalesce(p_cache_read_tokens, 0), coalesce(p_cache_write_tokens, 0),
     p_cost_input_usd, p_cost_output_usd, p_cost_cache_read_usd, p_cost_cache_write_usd, p_cost_total_usd,
     coalesce(p_occurred_at, now()), p_idempotency_key, coalesce(p_metadata, '{}'::jsonb))
  on conflict (workspace_id, idempotency_key) do nothing
  returning u.id into v_id;

  if v_id is not null then
    return query select v_id, false;
    return;
  end if;
  -- A retry: the first report's row (committed, or we waited for it above).
  return query select u.id, true from public.agent_usage u
    where u.workspace_id = v_workspace_id and u.idempotency_key = p_idempotency_key;
end
$$;
revoke all on function private.record_agent_usage(uuid, text, text, public.usage_operation, bigint, bigint, bigint, bigint,
  numeric, numeric, numeric, numeric, numeric, timestamptz, text, uuid, text, text, jsonb) from public;
grant execute on function private.record_agent_usage(uuid, text, text, public.usage_operation, bigint, bigint, bigint, bigint,
  numeric, numeric, numeric, numeric, numeric, timestamptz, text, uuid, text, text, jsonb) to authenticated, service_role;

create or replace function public.record_agent_usage(
  p_agent_id uuid, p_provider text, p_model text, p_operation public.usage_operation default 'chat',
  p_input_tokens bigint default 0, p_output_tokens bigint default 0,
  p_cache_read_tokens bigint default 0, p_cache_write_tokens bigint default 0,
  p_cost_input_usd numeric default null, p_cost_output_usd numeric default null,
  p_cost_cache_read_usd numeric default null, p_cost_cache_write_usd numeric default null,
  p_cost_total_usd numeric default null, p_occurred_at timestamptz default null,
  p_idempotency_key text default null, p_gateway_id uuid default null,
  p_session_id text default null, p_run_id text default null, p_metadata jsonb default null)
returns table (id uuid, deduplicated boolean)
language plpgsql
security invoker
set search_path = ''
as $$
begin
  return query select * from private.record_agent_usage(p_agent_id, p_provider, p_model, p_operation,
    p_input_tokens, p_output_tokens, p_cache_read_tokens, p_cache_write_tokens,
    p_cost_input_usd, p_cost_output_usd, p_cost_cache_read_usd, p_cost_cache_write_usd, p_cost_total_usd,
    p_occurred_at, p_idempotency_key, p_gateway_id, p_session_id, p_run_id, p_metadata);
end
$$;

create or replace function private.set_agent_budget(
  p_agent_id uuid, p_monthly_limit_usd numeric, p_clear_limit boolean, p_soft_threshold_pct integer,
  p_hard_cutoff boolean, p_follow_workspace_default boolean)
returns public.agent_budgets
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ws public.workspaces;
  v_budget public.agent_budgets;
begin
  if p_agent_id is null then
    raise exception 'p_agent_id must not be null' using errcode = '22004';
  end if;
  select w.* into v_ws from public.agents a join public.workspaces w on w.id = a.workspace_id where a.id = p_agent_id;
  if not found then
    raise exception 'p_agent_id: agent % does not exist', p_agent_id using errcode = 'P0002';
  end if;
  perform private.assert_workspace_role(v_ws.id, 'admin');
  if p_monthly_limit_usd is not null and (p_monthly_limit_usd < 0 or p_monthly_limit_usd >= 10000000000) then
    raise exception 'p_monthly_limit_usd must be between 0 and 9999999999.99 (got %)', p_monthly_limit_usd using errcode = '22023';
  end if;
  if p_soft_threshold_pct is not null and p_soft_threshold_pct not between 1 and 100 then
    raise exception 'p_soft_threshold_pct must be between 1 and 100 (got %)', p_soft_threshold_pct using errcode = '22023';
  end if;
  if coalesce(p_clear_limit, false) and p_monthly_limit_usd is not null then
    raise exception 'p_clear_limit and p_monthly_limit_usd exclude each other' using errcode = '22023';
  end if;
  if coalesce(p_follow_workspace_default, false) and (p_monthly_limit_usd is not null or coalesce(p_clear_limit, false) or p_hard_cutoff is not null) then
    raise exception 'p_follow_workspace_default true takes limit and cutoff from the workspace: pass neither' using errcode = '22023';
  end if;

  insert into public.agent_budgets (agent_id, workspace_id, monthly_limit_usd, hard_cutoff, period_start, period_end)
  select p_agent_id, v_ws.id, v_ws.monthly_budget_usd, v_ws.budget_hard_cutoff, p.period_start, p.period_end
  from private.budget_period(now(), v_ws.timezone) p
  on conflict (agent_id) do nothing;

  update public.agent_budgets b set
    monthly_limit_usd = case
      when p_follow_workspace_default then v_ws.monthly_budget_usd
      when p_clear_limit then null
      else coalesce(round(p_monthly_limit_usd, 2), b.monthly_limit_usd) end,
    hard_cutoff = case when p_follow_workspace_default then v_ws.budget_hard_cutoff
                       else coalesce(p_hard_cutoff, b.hard_cutoff) end,
    soft_threshold_pct = coalesce(p_soft_threshold_pct, b.soft_threshold_pct),
    follows_workspace_default = case
      when p_follow_workspace_default is not null then p_follow_workspace_default
      when p_monthly_limit_usd is not null or p_clear_limit or p_hard_cutoff is not null then false
      else b.follows_workspace_default end
  where b.agent_id = p_agent_id
  returning * into v_budget;
  return v_budget;
end
$$;
revoke all on function private.set_agent_budget(uuid, numeric, boolean, integer, boolean, boolean) from public;
grant execute on function private.set_agent_budget(uuid, numeric, boolean, integer, boolean, boolean) to authenticated, service_role;

create or replace function public.set_agent_budget(
  p_agent_id uuid, p_monthly_limit_usd numeric default null, p_clear_limit boolean default false,
  p_soft_threshold_pct integer default null, p_hard_cutoff boolean default null,
  p_follow_workspace_default boolean default null)
returns public.agent_budgets
language sql
security invoker
set search_path = ''
as $$
  select * from private.set_agent_budget(p_agent_id, p_monthly_limit_usd, p_clear_limit, p_soft_threshold_pct,
                                         p_hard_cutoff, p_follow_workspace_default)
$$;

create or replace function private.recompute_agent_budget(p_agent_id uuid)
returns public.agent_budgets
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace_id uuid;
begin
  if p_agent_id is null then
    raise exception 'p_agent_id must not be null' using errcode = '22004';
  end if;
  select a.workspace_id into v_workspace_id from public.agents a where a.id = p_agent_id;
  if not found then
    raise exception 'p_agent_id: agent % does not exist', p_agent_id using errcode = 'P0002';
  end if;
  perform private.assert_workspace_role(v_workspace_id, 'admin');
  return private.recompute_agent_budget_unchecked(p_agent_id);
end
$$;
revoke all on function private.recompute_agent_budget(uuid) from public;
grant execute on function private.recompute_agent_budget(uuid) to authenticated, service_role;

create or replace function public.recompute_agent_budget(p_agent_id uuid)
returns public.agent_budgets
language sql
security invoker
set search_path = ''
as $$
  select * from private.recompute_agent_budget(p_agent_id)
$$;

revoke all on function public.record_agent_usage(uuid, text, text, public.usage_operation, bigint, bigint, bigint, bigint,
  numeric, numeric, numeric, numeric, numeric, timestamptz, text, uuid, text, text, jsonb) from public, anon;
revoke all on function public.set_agent_budget(uuid, numeric, boolean, integer, boolean, boolean) from public, anon;
revoke all on function public.recompute_agent_budget(uuid) from public, anon;
grant execute on function public.record_agent_usage(uuid, text, text, public.usage_operation, bigint, bigint, bigint, bigint,
  numeric, numeric, numeric, numeric, numeric, timestamptz, text, uuid, text, text, jsonb) to authenticated, service_role;
grant execute on function public.set_agent_budget(uuid, numeric, boolean, integer, boolean, boolean) to authenticated, service_role;
grant execute on function public.recompute_agent_budget(uuid) to authenticated, service_role;

comment on function public.record_agent_usage(uuid, text, text, public.usage_operation, bigint, bigint, bigint, bigint,
  numeric, numeric, numeric, numeric, numeric, timestamptz, text, uuid, text, text, jsonb) is
  'Records one LLM call for an agent (workspace admins, service_role). A repeated p_idempotency_key returns the first row with deduplicated = true and counts nothing.';
comment on function public.set_agent_budget(uuid, numeric, boolean, integer, boolean, boolean) is
  'Sets an agent''s monthly limit (or p_clear_limit), soft threshold %, hard cutoff, or makes it follow the workspace defaults again. Null arguments keep the current value. Admins.';
comment on function public.recompute_agent_budget(uuid) is
  'Rebuilds the agent''s current-period totals (month in the workspace timezone) from agent_usage. Admins.';

-- ============================================================================================ cron + realtime

select cron.schedule('agentbase-budget-rollover', '7 * * * *', 'select private.roll_over_budgets()');

-- agent_budgets is published (dashboards); agent_usage is not (too chatty).
do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime')
     and not exists (select 1 from pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'agent_budgets') then
    alter publication supabase_realtime add table public.agent_budgets;
  end if;
end $$;
