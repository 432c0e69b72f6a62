-- The usage rollup: totals, idempotent retries, cost parts, unmetered calls, status thresholds, workspace
-- defaults, and recompute_agent_budget rebuilding the totals from agent_usage.
begin;
select plan(26);

select tests.create_workspace_fixture('ubroll');
update public.workspaces set monthly_budget_usd = 10, budget_hard_cutoff = false where id = tests.workspace_id('ubroll');
create table pg_temp.fx as select tests.create_agent_fixture(tests.workspace_id('ubroll'), 'ubroll-agent') as agent;
grant select on pg_temp.fx to authenticated, service_role;
create function pg_temp.budget() returns public.agent_budgets language sql as
  $$ select * from public.agent_budgets where agent_id = (select agent from pg_temp.fx) $$;

-- A new agent gets its budget row from the workspace defaults.
select is((pg_temp.budget()).monthly_limit_usd, 10.00::numeric(12,2), 'a new agent''s limit comes from the workspace default');
select is((pg_temp.budget()).follows_workspace_default, true, 'and follows the workspace default');
select is((pg_temp.budget()).status, 'ok'::public.budget_status, 'a fresh budget is ok');

select tests.authenticate_as('ubroll_admin');
select results_eq($$ select deduplicated from public.record_agent_usage((select agent from pg_temp.fx), 'anthropic', 'claude-sonnet-4',
    p_input_tokens => 1000, p_output_tokens => 200, p_cache_read_tokens => 50, p_cache_write_tokens => 25,
    p_cost_input_usd => 1.5, p_cost_output_usd => 2, p_cost_cache_read_usd => 0.25, p_cost_cache_write_usd => 0.25,
    p_idempotency_key => 'call-1') $$, $$ values (false) $$, 'first report is recorded');
select results_eq($$ select deduplicated from public.record_agent_usage((select agent from pg_temp.fx), 'anthropic', 'claude-sonnet-4',
    p_input_tokens => 1000, p_output_tokens => 200, p_cost_total_usd => 4, p_idempotency_key => 'call-1') $$,
  $$ values (true) $$, 'a retried report with the same key is recognised as a duplicate');
select is((select count(*)::int from public.agent_usage where idempotency_key = 'call-1'), 1, 'the retry wrote no second row');
select is((select cost_total_usd from public.agent_usage where idempotency_key = 'call-1'), 4.000000::numeric(14,6),
  'cost_total_usd is the sum of the parts when only parts are given');
select is((select total_tokens from public.agent_usage where idempotency_key = 'call-1'), 1275::bigint, 'total_tokens sums the four token kinds');
select is((pg_temp.budget()).spend_usd, 4.000000::numeric(16,6), 'spend counts the first report once');
select is((pg_temp.budget()).tokens, 1275::bigint, 'tokens count the first report once');
select is((pg_temp.budget()).metered_calls, 1::bigint, 'one metered call');
select is((pg_temp.budget()).status, 'ok'::public.budget_status, '4 of 10 USD: ok');

select public.record_agent_usage((select agent from pg_temp.fx), 'anthropic', 'claude-sonnet-4', p_cost_total_usd => 4.5,
  p_idempotency_key => 'call-2');
select is((pg_temp.budget()).status, 'warned'::public.budget_status, '8.5 of 10 USD with an 80% threshold: warned');
select isnt((pg_temp.budget()).warned_at, null, 'warned_at is set');
select public.record_agent_usage((select agent from pg_temp.fx), 'openai', 'gpt-4.1', 'tool', p_cost_total_usd => 1.5);
select is((pg_temp.budget()).status, 'exceeded'::public.budget_status, '10 of 10 USD: exceeded (limit reached counts)');
select is((pg_temp.budget()).spend_usd, 10.000000::numeric(16,6), 'three distinct reports add up exactly');

-- An unmetered call (no cost) counts as a call, not as spend.
select public.record_agent_usage((select agent from pg_temp.fx), 'local', 'llama-3', 'embedding', p_input_tokens => 500);
select is(((pg_temp.budget()).unmetered_calls, (pg_temp.budget()).spend_usd), (1::bigint, 10.000000::numeric(16,6)),
  'an unmetered call is counted apart and adds no spend');

-- Raising the limit recomputes the status at once (the before-write trigger derives it).
select is((select status from public.set_agent_budget((select agent from pg_temp.fx), 100)), 'ok'::public.budget_status,
  'raising the limit to 100 USD brings the status back to ok');
select is((pg_temp.budget()).follows_workspace_default, false, 'an explicit limit stops following the workspace default');

-- Only-unmetered agents are "unmetered".
select tests.clear_authentication();
create table pg_temp.fx2 as select tests.create_agent_fixture(tests.workspace_id('ubroll'), 'ubroll-free') as agent;
insert into public.agent_usage (agent_id, provider, model) select agent, 'local', 'llama-3' from pg_temp.fx2;
select is((select status from public.agent_budgets where agent_id = (select agent from pg_temp.fx2)), 'unmetered'::public.budget_status,
  'an agent with a limit but only unmetered calls is unmetered');

-- Workspace default changes flow into following budgets only.
update public.workspaces set monthly_budget_usd = 3, budget_hard_cutoff = true where id = tests.workspace_id('ubroll');
select is((select (monthly_limit_usd, hard_cutoff)::text from public.agent_budgets where agent_id = (select agent from pg_temp.fx2)),
  '(3.00,t)', 'a budget that follows the workspace takes the new default limit and cutoff');
select is((pg_temp.budget()).monthly_limit_usd, 100.00::numeric(12,2), 'a budget with its own limit keeps it');

-- A multi-row, multi-agent statement: the rollup runs once per statement and sums per agent.
create table pg_temp.fx3 as select tests.create_agent_fixture(tests.workspace_id('ubroll'), 'ubroll-batch-1') as a1,
  tests.create_agent_fixture(tests.workspace_id('ubroll'), 'ubroll-batch-2') as a2;
insert into public.agent_usage (agent_id, provider, model, input_tokens, cost_total_usd)
select case when g % 3 = 0 then a1 else a2 end, 'openai', 'gpt-4.1', g, 0.001 from pg_temp.fx3, generate_series(1, 600) g;
select is((select (spend_usd, tokens, metered_calls)::text from public.agent_budgets where agent_id = (select a1 from pg_temp.fx3)),
  '(0.200000,60300,200)', 'a 600-row statement adds exactly the first agent''s 200 rows');
select is((select (spend_usd, tokens, metered_calls)::text from public.agent_budgets where agent_id = (select a2 from pg_temp.fx3)),
  '(0.400000,120000,400)', 'and exactly the second agent''s 400 rows');

-- recompute_agent_budget rebuilds totals from agent_usage (here after corrupting them as the owner).
update public.agent_budgets set spend_usd = 999, tokens = 0, metered_calls = 0 where agent_id = (select agent from pg_temp.fx);
select tests.authenticate_as('ubroll_admin');
select is((select (spend_usd, metered_calls, unmetered_calls)::text from public.recompute_agent_budget((select agent from pg_temp.fx))),
  '(10.000000,3,1)', 'recompute_agent_budget restores the exact totals from agent_usage');
select tests.authenticate_as('ubroll_member');
select throws_ok($$ select public.recompute_agent_budget((select agent from pg_temp.fx)) $$, '42501', null,
  'members cannot recompute budgets');

select tests.clear_authentication();
select * from finish();
rollback;
