-- agent_usage is append-only for every API role (no grant) and even for the owner role (trigger), while
-- deleting the agent still cascades its usage away.
begin;
select plan(8);

select tests.create_workspace_fixture('ubapp');
create table pg_temp.fx as select tests.create_agent_fixture(tests.workspace_id('ubapp'), 'ubapp-agent') as agent;
grant select on pg_temp.fx to authenticated, service_role;
insert into public.agent_usage (agent_id, provider, model, cost_total_usd) select agent, 'openai', 'gpt-4.1', 1 from pg_temp.fx;

select tests.authenticate_as('ubapp_owner');
select tests.assert_denied($$ update public.agent_usage set cost_total_usd = 0 $$, 'owner (authenticated) cannot update agent_usage');
select tests.assert_denied($$ delete from public.agent_usage $$, 'owner (authenticated) cannot delete agent_usage');
select tests.authenticate_as_service_role();
select tests.assert_denied($$ update public.agent_usage set cost_total_usd = 0 $$, 'service_role cannot update agent_usage');
select tests.assert_denied($$ delete from public.agent_usage $$, 'service_role cannot delete agent_usage');
select tests.assert_denied($$ truncate public.agent_usage $$, 'service_role cannot truncate agent_usage');
select tests.clear_authentication();
select throws_ok($$ update public.agent_usage set cost_total_usd = 0 $$, '42501', 'agent_usage is append-only: UPDATE is not allowed',
  'even the table owner cannot update a usage row (trigger)');

select tests.authenticate_as('ubapp_admin');
delete from public.agents where id = (select agent from pg_temp.fx);
select tests.clear_authentication();
select is((select count(*)::int from public.agent_usage u where u.agent_id = (select agent from pg_temp.fx)), 0,
  'an admin deleting the agent cascades its usage (the guard lets cascades through)');
select is((select count(*)::int from public.agent_budgets b where b.agent_id = (select agent from pg_temp.fx)), 0,
  'and its budget');

select * from finish();
rollback;
