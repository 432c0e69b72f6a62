-- RLS and grants of agent_usage and agent_budgets for anon, outsider, viewer, member, admin, owner and
-- service_role x select / insert / update / delete. Members read; nobody but service_role writes directly
-- (usage goes through record_agent_usage, limits through set_agent_budget); usage is never updated.
begin;
select plan(46);

select tests.create_workspace_fixture('ubrls');
create table pg_temp.fx as select
  tests.create_agent_fixture(tests.workspace_id('ubrls'), 'ubrls-agent') as agent_a,
  tests.create_agent_fixture(tests.workspace_id('ubrls', 'b'), 'ubrls-agent-b') as agent_b;
grant select on pg_temp.fx to anon, authenticated, service_role;
insert into public.agent_usage (agent_id, provider, model, input_tokens, cost_total_usd, idempotency_key)
select agent_a, 'openai', 'gpt-4.1', 100, 0.5, 'rls-a' from pg_temp.fx
union all select agent_b, 'openai', 'gpt-4.1', 100, 0.5, 'rls-b' from pg_temp.fx;

-- ------------------------------------------------------------------ anon
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.agent_usage $$, 'anon cannot read agent_usage');
select tests.assert_denied($$ insert into public.agent_usage (agent_id, provider, model) select agent_a, 'x', 'y' from pg_temp.fx $$, 'anon cannot insert agent_usage');
select tests.assert_denied($$ update public.agent_usage set model = 'z' $$, 'anon cannot update agent_usage');
select tests.assert_denied($$ delete from public.agent_usage $$, 'anon cannot delete agent_usage');
select tests.assert_denied($$ select * from public.agent_budgets $$, 'anon cannot read agent_budgets');
select tests.assert_denied($$ update public.agent_budgets set monthly_limit_usd = 1 $$, 'anon cannot update agent_budgets');
select tests.assert_denied($$ delete from public.agent_budgets $$, 'anon cannot delete agent_budgets');

-- ------------------------------------------------------------------ outsider (admin of the other workspace)
select tests.authenticate_as('ubrls_outsider');
select tests.assert_filtered($$ select * from public.agent_usage where agent_id = (select agent_a from pg_temp.fx) $$,
  'outsider sees no usage of workspace a');
select is((select count(*)::int from public.agent_usage), 1, 'outsider sees only their own workspace''s usage');
select tests.assert_filtered($$ select * from public.agent_budgets where agent_id = (select agent_a from pg_temp.fx) $$,
  'outsider sees no budget of workspace a');
select tests.assert_denied($$ insert into public.agent_usage (agent_id, provider, model) select agent_b, 'x', 'y' from pg_temp.fx $$,
  'outsider cannot insert usage directly, even in their own workspace');
select tests.assert_denied($$ update public.agent_budgets set monthly_limit_usd = 1 $$, 'outsider cannot update budgets directly');
select tests.assert_denied($$ delete from public.agent_budgets $$, 'outsider cannot delete budgets');

-- ------------------------------------------------------------------ viewer, member
select tests.authenticate_as('ubrls_viewer');
select is((select count(*)::int from public.agent_usage), 1, 'viewer reads the workspace''s usage');
select is((select count(*)::int from public.agent_budgets), 1, 'viewer reads the workspace''s budget');
select tests.assert_denied($$ insert into public.agent_usage (agent_id, provider, model) select agent_a, 'x', 'y' from pg_temp.fx $$, 'viewer cannot insert usage');
select tests.assert_denied($$ update public.agent_usage set model = 'z' $$, 'viewer cannot update usage');
select tests.assert_denied($$ delete from public.agent_usage $$, 'viewer cannot delete usage');
select tests.assert_denied($$ update public.agent_budgets set monthly_limit_usd = 1 $$, 'viewer cannot update budgets');

select tests.authenticate_as('ubrls_member');
select is((select count(*)::int from public.agent_usage), 1, 'member reads the workspace''s usage');
select is((select count(*)::int from public.agent_budgets), 1, 'member reads the workspace''s budget');
select tests.assert_denied($$ insert into public.agent_usage (agent_id, provider, model) select agent_a, 'x', 'y' from pg_temp.fx $$, 'member cannot insert usage');
select tests.assert_denied($$ update public.agent_usage set model = 'z' $$, 'member cannot update usage');
select tests.assert_denied($$ delete from public.agent_usage $$, 'member cannot delete usage');
select tests.assert_denied($$ insert into public.agent_budgets (agent_id, workspace_id, period_start, period_end) select agent_a, gen_random_uuid(), now(), now() + interval '1 day' from pg_temp.fx $$,
  'member cannot insert budgets');
select throws_ok($$ select public.set_agent_budget((select agent_a from pg_temp.fx), 10) $$, '42501', null,
  'member cannot set a limit through the RPC');

-- ------------------------------------------------------------------ admin, owner
select tests.authenticate_as('ubrls_admin');
select is((select count(*)::int from public.agent_usage), 1, 'admin reads the workspace''s usage');
select tests.assert_denied($$ insert into public.agent_usage (agent_id, provider, model) select agent_a, 'x', 'y' from pg_temp.fx $$, 'admin cannot insert usage directly');
select tests.assert_denied($$ update public.agent_usage set model = 'z' $$, 'admin cannot update usage');
select tests.assert_denied($$ delete from public.agent_usage $$, 'admin cannot delete usage');
select tests.assert_denied($$ update public.agent_budgets set monthly_limit_usd = 1 $$, 'admin cannot update budgets directly');
select tests.assert_denied($$ delete from public.agent_budgets $$, 'admin cannot delete budgets');
select is((select monthly_limit_usd from public.set_agent_budget((select agent_a from pg_temp.fx), 12.345)), 12.35::numeric(12,2),
  'admin sets a limit through the RPC (rounded to cents)');
select is((select deduplicated from public.record_agent_usage((select agent_a from pg_temp.fx), 'openai', 'gpt-4.1', p_cost_total_usd => 0.1)),
  false, 'admin records usage through the RPC');
select throws_ok($$ select public.record_agent_usage((select agent_b from pg_temp.fx), 'openai', 'gpt-4.1') $$, '42501', null,
  'admin of a cannot record usage for an agent of b');

select tests.authenticate_as('ubrls_owner');
select is((select count(*)::int from public.agent_usage), 2, 'owner reads the workspace''s usage (both rows)');
select tests.assert_denied($$ update public.agent_usage set model = 'z' $$, 'owner cannot update usage');
select tests.assert_denied($$ delete from public.agent_usage $$, 'owner cannot delete usage');
select tests.assert_denied($$ delete from public.agent_budgets $$, 'owner cannot delete budgets directly');
select is((select hard_cutoff from public.set_agent_budget((select agent_a from pg_temp.fx), p_hard_cutoff => true)), true,
  'owner sets hard cutoff through the RPC');

-- ------------------------------------------------------------------ service_role
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.agent_usage where agent_id in (select agent_a from pg_temp.fx union select agent_b from pg_temp.fx)), 3,
  'service_role reads every workspace''s usage');
select is((select count(*)::int from public.agent_budgets where agent_id in (select agent_a from pg_temp.fx union select agent_b from pg_temp.fx)), 2,
  'service_role reads every workspace''s budgets');
select results_eq($$ insert into public.agent_usage (agent_id, provider, model, cost_total_usd)
           select agent_b, 'anthropic', 'claude', 0.2 from pg_temp.fx returning cost_total_usd $$, $$ values (0.2::numeric) $$,
  'service_role inserts usage directly');
select tests.assert_denied($$ update public.agent_usage set model = 'z' $$, 'service_role cannot update usage');
select tests.assert_denied($$ delete from public.agent_usage $$, 'service_role cannot delete usage');
select results_eq($$ update public.agent_budgets set soft_threshold_pct = 50
           where agent_id = (select agent_b from pg_temp.fx) returning soft_threshold_pct $$, $$ values (50) $$,
  'service_role updates budgets directly');

select tests.clear_authentication();
select * from finish();
rollback;
