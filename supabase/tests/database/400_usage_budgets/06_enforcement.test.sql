-- Enforcement in the queues: an agent over budget with hard cutoff gets nothing from lease_inbox_item (its
-- items stay pending, parked) and commands addressed to it are refused with 55000; without hard cutoff,
-- or once the limit is raised, work flows again. Other agents are unaffected.
begin;
select plan(12);

select tests.create_workspace_fixture('ubenf');
update public.workspaces set monthly_budget_usd = 1, budget_hard_cutoff = true where id = tests.workspace_id('ubenf');
create table pg_temp.fx as select
  tests.create_agent_fixture(tests.workspace_id('ubenf'), 'ubenf-agent') as agent,
  tests.create_agent_fixture(tests.workspace_id('ubenf'), 'ubenf-other') as other;
grant select on pg_temp.fx to authenticated, service_role;
create table pg_temp.gw as select gateway_id from public.agents where id = (select agent from pg_temp.fx);
grant select on pg_temp.gw to authenticated, service_role;

insert into public.agent_usage (agent_id, provider, model, cost_total_usd) select agent, 'openai', 'gpt-4.1', 1.25 from pg_temp.fx;
select is(private.agent_budget_blocked((select agent from pg_temp.fx)), true, 'exceeded with hard cutoff: blocked');
select is(private.agent_budget_blocked((select other from pg_temp.fx)), false, 'another agent of the workspace is not blocked');

select tests.authenticate_as_service_role();
select public.enqueue_inbox_item((select agent from pg_temp.fx), 'task_assignment', 'blocked work');
select public.enqueue_inbox_item((select other from pg_temp.fx), 'task_assignment', 'other work');
select is_empty($$ select * from public.lease_inbox_item((select agent from pg_temp.fx)) $$,
  'lease_inbox_item (service_role) leases nothing for the exceeded agent');
select is((select status::text from public.agent_inbox_items where agent_id = (select agent from pg_temp.fx)), 'pending',
  'its item stays pending (parked)');
select isnt_empty($$ select * from public.lease_inbox_item((select other from pg_temp.fx)) $$,
  'the other agent still leases');

select throws_ok($$ select public.enqueue_command((select gateway_id from pg_temp.gw), 'restart_gateway', '{}', (select agent from pg_temp.fx)) $$,
  '55000', null, 'enqueue_command for the exceeded agent is refused (service_role)');
select tests.authenticate_as('ubenf_admin');
select throws_ok($$ select public.enqueue_command((select gateway_id from pg_temp.gw), 'update', '{}', (select agent from pg_temp.fx)) $$,
  '55000', format('agent %s is over its monthly budget with hard cutoff: command "update" refused', (select agent from pg_temp.fx)),
  'enqueue_command for the exceeded agent is refused (admin) with a message naming the agent and action');
select is((select count(*)::int from public.agent_commands where agent_id = (select agent from pg_temp.fx)), 0, 'no command was written');
select isnt_empty($$ select * from public.enqueue_command((select gateway_id from pg_temp.gw), 'restart_gateway') $$,
  'gateway-level commands (no agent) still enqueue');

-- Turning hard cutoff off unblocks both paths.
select public.set_agent_budget((select agent from pg_temp.fx), p_hard_cutoff => false);
select tests.clear_authentication();
select is(private.agent_budget_blocked((select agent from pg_temp.fx)), false, 'without hard cutoff the agent is not blocked');
select tests.authenticate_as_service_role();
select isnt_empty($$ select * from public.lease_inbox_item((select agent from pg_temp.fx)) $$, 'and its parked item is leased');
select isnt_empty($$ select * from public.enqueue_command((select gateway_id from pg_temp.gw), 'update', '{}', (select agent from pg_temp.fx)) $$,
  'and commands for it enqueue again');

select tests.clear_authentication();
select * from finish();
rollback;
