-- Bad input to usage and budgets: each error path raises a SQLSTATE with a message naming the argument or
-- column, and nothing is written (no usage row, no change to the budget).
begin;
select plan(23);

select tests.create_workspace_fixture('ubbad');
create table pg_temp.fx as select
  tests.create_agent_fixture(tests.workspace_id('ubbad'), 'ubbad-agent') as agent,
  tests.create_agent_fixture(tests.workspace_id('ubbad', 'b'), 'ubbad-agent-b') as agent_b;
grant select on pg_temp.fx to authenticated, service_role;
create table pg_temp.gw_b as select gateway_id from public.agents where id = (select agent_b from pg_temp.fx);
grant select on pg_temp.gw_b to authenticated, service_role;

select tests.authenticate_as('ubbad_admin');
select throws_ok($$ select public.record_agent_usage(null, 'openai', 'gpt-4.1') $$, '22004', 'p_agent_id must not be null', 'null agent');
select throws_ok($$ select public.record_agent_usage((select agent from pg_temp.fx), null, 'gpt-4.1') $$, '22004', 'p_provider must not be null', 'null provider');
select throws_ok($$ select public.record_agent_usage((select agent from pg_temp.fx), 'openai', null) $$, '22004', 'p_model must not be null', 'null model');
select throws_ok($$ select public.record_agent_usage('00000000-0000-4000-8000-00000000dead', 'openai', 'gpt-4.1') $$, 'P0002',
  'p_agent_id: agent 00000000-0000-4000-8000-00000000dead does not exist', 'unknown agent');
select throws_ok($$ select public.record_agent_usage((select agent from pg_temp.fx), 'Open AI!', 'gpt-4.1') $$, '22023',
  'p_provider "Open AI!" is not a valid provider name (lowercase letters, digits, _ . -)', 'malformed provider name');
select throws_ok($$ select public.record_agent_usage((select agent from pg_temp.fx), 'openai', 'gpt-4.1', p_input_tokens => -1) $$, '22023',
  null, 'negative input tokens');
select throws_ok($$ select public.record_agent_usage((select agent from pg_temp.fx), 'openai', 'gpt-4.1', p_cache_write_tokens => -5) $$, '22023',
  null, 'negative cache-write tokens');
select throws_ok($$ select public.record_agent_usage((select agent from pg_temp.fx), 'openai', 'gpt-4.1', p_cost_output_usd => -0.01) $$, '22023',
  'p_cost_output_usd must not be negative (got -0.01)', 'negative cost part, named');
select throws_ok($$ select public.record_agent_usage((select agent from pg_temp.fx), 'openai', 'gpt-4.1', p_cost_total_usd => -1) $$, '22023',
  'p_cost_total_usd must not be negative (got -1)', 'negative total cost, named');
select throws_ok($$ select public.record_agent_usage((select agent from pg_temp.fx), 'openai', 'gpt-4.1', p_cost_cache_read_usd => 'NaN') $$, '22023',
  'p_cost_cache_read_usd must be a number below 100000000 USD (got NaN)', 'a cost that is not a number, named');
select throws_ok($$ select public.record_agent_usage((select agent from pg_temp.fx), 'openai', 'gpt-4.1', p_occurred_at => now() + interval '1 day') $$,
  '22023', null, 'a call dated tomorrow');
select throws_ok($$ select public.record_agent_usage((select agent from pg_temp.fx), 'openai', 'gpt-4.1', p_metadata => '[1]') $$, '22023',
  'p_metadata must be a JSON object (got array)', 'metadata must be an object');
select throws_ok($$ select public.record_agent_usage((select agent from pg_temp.fx), 'openai', 'gpt-4.1', p_gateway_id => (select gateway_id from pg_temp.gw_b)) $$,
  'P0002', null, 'a gateway of another workspace');
select throws_ok($$ select public.record_agent_usage((select agent from pg_temp.fx), 'openai', 'gpt-4.1', p_operation => 'dance') $$, '22P02',
  null, 'an operation outside the vocabulary');
select throws_ok($$ select public.set_agent_budget((select agent from pg_temp.fx), -5) $$, '22023',
  'p_monthly_limit_usd must be between 0 and 9999999999.99 (got -5)', 'negative limit');
select throws_ok($$ select public.set_agent_budget((select agent from pg_temp.fx), p_soft_threshold_pct => 0) $$, '22023',
  'p_soft_threshold_pct must be between 1 and 100 (got 0)', 'threshold 0');
select throws_ok($$ select public.set_agent_budget((select agent from pg_temp.fx), 5, p_clear_limit => true) $$, '22023',
  'p_clear_limit and p_monthly_limit_usd exclude each other', 'limit and clear together');
select throws_ok($$ select public.set_agent_budget(null) $$, '22004', 'p_agent_id must not be null', 'null agent for set_agent_budget');

-- Direct inserts (service_role) hit the column checks.
select tests.authenticate_as_service_role();
select throws_ok($$ insert into public.agent_usage (agent_id, provider, model, output_tokens) select agent, 'openai', 'gpt-4.1', -3 from pg_temp.fx $$,
  '23514', null, 'negative output tokens violate agent_usage_output_tokens_check');
select throws_ok($$ insert into public.agent_usage (agent_id, provider, model, cost_cache_read_usd) select agent, 'openai', 'gpt-4.1', -3 from pg_temp.fx $$,
  '23514', null, 'negative cost violates its check');
select throws_ok($$ insert into public.agent_usage (agent_id, provider, model) values ('00000000-0000-4000-8000-00000000dead', 'openai', 'gpt-4.1') $$,
  'P0002', 'agent_id: agent 00000000-0000-4000-8000-00000000dead does not exist', 'direct insert for an unknown agent');

select tests.clear_authentication();
select is((select count(*)::int from public.agent_usage where agent_id in ((select agent from pg_temp.fx), (select agent_b from pg_temp.fx))), 0,
  'none of the refused calls wrote usage');
select is((select (spend_usd, monthly_limit_usd, soft_threshold_pct)::text from public.agent_budgets where agent_id = (select agent from pg_temp.fx)),
  '(0.000000,,80)', 'and the budget is untouched');

select * from finish();
rollback;
