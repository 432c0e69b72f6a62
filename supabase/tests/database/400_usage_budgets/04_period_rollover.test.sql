-- Periods are calendar months in the workspace's timezone. Pacific/Auckland is UTC+13 in October and
-- November 2026 (NZDT), so its November starts at 2026-10-31 11:00 UTC: a call at 11:30 UTC that day is
-- still October in UTC but November for the budget. Rollover resets the totals; a late report for the old
-- month is kept in agent_usage but does not touch the new month; the hourly job rolls idle agents over.
begin;
select plan(18);

select tests.create_workspace_fixture('ubper');
update public.workspaces set timezone = 'Pacific/Auckland', monthly_budget_usd = 5, budget_hard_cutoff = true
where id = tests.workspace_id('ubper');
create table pg_temp.fx as select tests.create_agent_fixture(tests.workspace_id('ubper'), 'ubper-agent') as agent;
create function pg_temp.budget() returns public.agent_budgets language sql as
  $$ select * from public.agent_budgets where agent_id = (select agent from pg_temp.fx) $$;

select is((select period_start from private.budget_period('2026-10-31 11:30+00', 'Pacific/Auckland')),
  '2026-10-31 11:00+00'::timestamptz, 'November in Auckland starts at 11:00 UTC on 31 October');
select is((select period_end from private.budget_period('2026-10-31 10:30+00', 'Pacific/Auckland')),
  '2026-10-31 11:00+00'::timestamptz, 'and October in Auckland ends there');
select is((select period_start from private.budget_period('2026-10-31 11:30+00', 'UTC')),
  '2026-10-01 00:00+00'::timestamptz, 'the same instant is still October in UTC');

-- Put the agent's budget in Auckland's October (as if it had been created then).
update public.agent_budgets set period_start = '2026-09-30 11:00+00', period_end = '2026-10-31 11:00+00'
where agent_id = (select agent from pg_temp.fx);

insert into public.agent_usage (agent_id, provider, model, cost_total_usd, occurred_at, idempotency_key)
select agent, 'openai', 'gpt-4.1', 3, '2026-10-31 10:30+00', 'oct-1' from pg_temp.fx;
insert into public.agent_usage (agent_id, provider, model, cost_total_usd, occurred_at, idempotency_key)
select agent, 'openai', 'gpt-4.1', 2.5, '2026-10-31 10:45+00', 'oct-2' from pg_temp.fx;
select is(((pg_temp.budget()).spend_usd, (pg_temp.budget()).status), (5.5::numeric(16,6), 'exceeded'::public.budget_status),
  'October (Auckland) adds up to 5.5 of 5 USD: exceeded');

-- First call of Auckland's November (still October in UTC).
insert into public.agent_usage (agent_id, provider, model, cost_total_usd, input_tokens, occurred_at, idempotency_key)
select agent, 'openai', 'gpt-4.1', 1, 10, '2026-10-31 11:30+00', 'nov-1' from pg_temp.fx;
select is((pg_temp.budget()).period_start, '2026-10-31 11:00+00'::timestamptz, 'the budget rolled over to Auckland''s November');
select is((pg_temp.budget()).period_end, '2026-11-30 11:00+00'::timestamptz, 'which ends at Auckland''s December');
select is(((pg_temp.budget()).spend_usd, (pg_temp.budget()).tokens, (pg_temp.budget()).metered_calls),
  (1::numeric(16,6), 10::bigint, 1::bigint), 'totals restart from the first call of the new month');
select is((pg_temp.budget()).status, 'ok'::public.budget_status, 'the new month starts ok');
select is((pg_temp.budget()).exceeded_at, null, 'exceeded_at is cleared by the rollover');

-- A late report for October: kept, not counted in November.
insert into public.agent_usage (agent_id, provider, model, cost_total_usd, occurred_at, idempotency_key)
select agent, 'openai', 'gpt-4.1', 7, '2026-10-31 10:59+00', 'oct-late' from pg_temp.fx;
select is((pg_temp.budget()).spend_usd, 1::numeric(16,6), 'a late October report does not change November''s spend');
select is((select count(*)::int from public.agent_usage where agent_id = (select agent from pg_temp.fx)), 4,
  'but it is stored in agent_usage');

-- One statement spanning both months (a batch upload): only the later month counts, once.
update public.agent_budgets set period_start = '2026-09-30 11:00+00', period_end = '2026-10-31 11:00+00',
  spend_usd = 0, tokens = 0, metered_calls = 0, unmetered_calls = 0 where agent_id = (select agent from pg_temp.fx);
insert into public.agent_usage (agent_id, provider, model, cost_total_usd, occurred_at)
select agent, 'openai', 'gpt-4.1', v.cost, v.at from pg_temp.fx,
  (values (2::numeric, '2026-10-31 10:00+00'::timestamptz), (0.25, '2026-10-31 12:00+00'), (0.5, '2026-11-02 00:00+00')) v(cost, at);
select is((pg_temp.budget()).period_start, '2026-10-31 11:00+00'::timestamptz, 'a two-month batch rolls the budget to the later month');
select is(((pg_temp.budget()).spend_usd, (pg_temp.budget()).metered_calls), (0.75::numeric(16,6), 2::bigint),
  'and counts only that month''s rows of the batch');

-- The hook ignores an exceeded status whose period has ended, even before any rollover writes the row.
update public.agent_budgets set period_start = '2026-09-30 11:00+00', period_end = '2026-10-31 11:00+00', spend_usd = 50
where agent_id = (select agent from pg_temp.fx);
select is((pg_temp.budget()).status, 'exceeded'::public.budget_status, 'an old exceeded period');
select is(private.agent_budget_blocked((select agent from pg_temp.fx)), false, 'does not block: its period has ended');

-- The hourly job moves idle budgets into the current period with zero totals.
select cmp_ok(private.roll_over_budgets(), '>=', 1, 'roll_over_budgets moves at least this budget');
select is((pg_temp.budget()).period_start, date_trunc('month', now(), 'Pacific/Auckland'),
  'the budget now covers the current Auckland month');
select is(((pg_temp.budget()).spend_usd, (pg_temp.budget()).status), (0::numeric(16,6), 'ok'::public.budget_status),
  'with zero totals and status ok');

select * from finish();
rollback;
