-- Agents: Org chart: cycles, cross-workspace managers; agent_reports_chain.
-- Fixture: tests.create_agents_fixture() (000_helpers.test.sql).
begin;
select plan(29);

select tests.create_agents_fixture();

-- worker -> mgr -> chief
update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000001' where slug = 'mgr';
update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000002' where slug = 'worker';

select throws_ok(
  $$ update public.agents set reports_to = id where id = 'a1000000-0000-4000-8000-000000000004' $$,
  '23514', 'reports_to: agent a1000000-0000-4000-8000-000000000004 cannot report to itself',
  'an agent cannot be its own manager');
select throws_ok(
  $$ insert into public.agents (id, workspace_id, slug, name, reports_to)
     values ('a1000000-0000-4000-8000-000000000099', 'a0000000-0000-4000-8000-000000000001', 'selfie', 'Selfie',
             'a1000000-0000-4000-8000-000000000099') $$,
  '23514', 'reports_to: agent a1000000-0000-4000-8000-000000000099 cannot report to itself',
  'an agent cannot be inserted as its own manager');
select throws_ok(
  $$ update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000002'
     where id = 'a1000000-0000-4000-8000-000000000001' $$,
  '23514', 'reports_to: making a1000000-0000-4000-8000-000000000001 report to a1000000-0000-4000-8000-000000000002 would create a cycle in the org chart',
  'a 2-cycle (chief -> mgr -> chief) is rejected');
select throws_ok(
  $$ update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000003'
     where id = 'a1000000-0000-4000-8000-000000000001' $$,
  '23514', 'reports_to: making a1000000-0000-4000-8000-000000000001 report to a1000000-0000-4000-8000-000000000003 would create a cycle in the org chart',
  'a 3-cycle (chief -> worker -> mgr -> chief) is rejected');
select throws_ok(
  $$ update public.agents
     set reports_to = case id when 'a1000000-0000-4000-8000-000000000004'::uuid then 'a1000000-0000-4000-8000-000000000001'::uuid
                              else 'a1000000-0000-4000-8000-000000000004'::uuid end
     where id in ('a1000000-0000-4000-8000-000000000004', 'a1000000-0000-4000-8000-000000000001') $$,
  '23514', null, 'a cycle closed by one multi-row update is rejected');
select is((select reports_to from public.agents where id = 'a1000000-0000-4000-8000-000000000001'), null,
  'the rejected manager changes left chief without a manager');
select is((select reports_to from public.agents where id = 'a1000000-0000-4000-8000-000000000004'), null,
  'the rejected multi-row update left intern unchanged');
select throws_ok(
  $$ update public.agents set reports_to = 'a2000000-0000-4000-8000-000000000001'
     where id = 'a1000000-0000-4000-8000-000000000004' $$,
  '23503', 'reports_to: manager a2000000-0000-4000-8000-000000000001 is not an agent in workspace a0000000-0000-4000-8000-000000000001',
  'a manager from another workspace is rejected');
select throws_ok(
  $$ update public.agents set reports_to = 'a1000000-0000-4000-8000-0000000000ff'
     where id = 'a1000000-0000-4000-8000-000000000004' $$,
  '23503', 'reports_to: manager a1000000-0000-4000-8000-0000000000ff is not an agent in workspace a0000000-0000-4000-8000-000000000001',
  'an unknown manager is rejected');
select is((select reports_to from public.agents where id = 'a1000000-0000-4000-8000-000000000004'), null,
  'rejected cross-workspace manager was not written');
select throws_ok(
  $$ update public.agents set gateway_id = 'a3000000-0000-4000-8000-000000000002'
     where id = 'a1000000-0000-4000-8000-000000000004' $$,
  '23503', 'gateway_id: gateway a3000000-0000-4000-8000-000000000002 is not in workspace a0000000-0000-4000-8000-000000000001',
  'a gateway from another workspace is rejected');
select throws_ok(
  $$ update public.agents set workspace_id = 'a0000000-0000-4000-8000-000000000002'
     where id = 'a1000000-0000-4000-8000-000000000004' $$,
  '22023', 'agents: workspace_id cannot be changed', 'an agent cannot move to another workspace');
select lives_ok(
  $$ update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000003'
     where id = 'a1000000-0000-4000-8000-000000000004' $$,
  'a legal manager change (intern -> worker) is accepted');

select results_eq(
  $$ select depth, agent_id, slug from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004') $$,
  $$ values (0, 'a1000000-0000-4000-8000-000000000004'::uuid, 'intern'),
            (1, 'a1000000-0000-4000-8000-000000000003'::uuid, 'worker'),
            (2, 'a1000000-0000-4000-8000-000000000002'::uuid, 'mgr'),
            (3, 'a1000000-0000-4000-8000-000000000001'::uuid, 'chief') $$,
  'reports chain walks intern -> worker -> mgr -> chief with depths 0..3');
select results_eq(
  $$ select depth, slug from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004', 1) $$,
  $$ values (0, 'intern'), (1, 'worker') $$,
  'p_max_depth = 1 stops after the direct manager');
select results_eq(
  $$ select depth, slug from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004', 0) $$,
  $$ values (0, 'intern') $$,
  'p_max_depth = 0 returns only the agent');
select results_eq(
  $$ select depth, slug from public.agent_reports_chain('a1000000-0000-4000-8000-000000000001') $$,
  $$ values (0, 'chief') $$,
  'the top of the chart has a chain of one');
select throws_ok($$ select * from public.agent_reports_chain(null) $$,
  '22004', 'p_agent_id must not be null', 'reports chain: null agent id');
select throws_ok($$ select * from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004', null) $$,
  '22004', 'p_max_depth must not be null', 'reports chain: null max depth');
select throws_ok($$ select * from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004', -1) $$,
  '22023', 'p_max_depth must be between 0 and 1000, got -1', 'reports chain: negative max depth');
select throws_ok($$ select * from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004', 1001) $$,
  '22023', 'p_max_depth must be between 0 and 1000, got 1001', 'reports chain: max depth too large');
select throws_ok($$ select * from public.agent_reports_chain('a1000000-0000-4000-8000-0000000000ff') $$,
  'P0002', 'p_agent_id: agent a1000000-0000-4000-8000-0000000000ff not found', 'reports chain: unknown agent');

-- Cycle-safe even if a cycle got in around the trigger (bypassed here on purpose).
alter table public.agents disable trigger agents_before_write;
update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000004'
where id = 'a1000000-0000-4000-8000-000000000001';
alter table public.agents enable trigger agents_before_write;
select results_eq(
  $$ select depth, slug from public.agent_reports_chain('a1000000-0000-4000-8000-000000000002', 100) $$,
  $$ values (0, 'mgr'), (1, 'chief'), (2, 'intern'), (3, 'worker') $$,
  'reports chain stops at a cycle instead of looping to max depth');
update public.agents set reports_to = null where id = 'a1000000-0000-4000-8000-000000000001';

-- RLS: the caller must see the agent.
select tests.authenticate_as('ag_viewer');
select results_eq(
  $$ select slug from public.agent_reports_chain('a1000000-0000-4000-8000-000000000003') $$,
  $$ values ('worker'), ('mgr'), ('chief') $$,
  'a viewer of the workspace can read the reports chain');
select tests.authenticate_as('ag_other');
select throws_ok($$ select * from public.agent_reports_chain('a1000000-0000-4000-8000-000000000003') $$,
  'P0002', 'p_agent_id: agent a1000000-0000-4000-8000-000000000003 not found',
  'a member of another workspace cannot read the chain (agent invisible)');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.agent_reports_chain('a1000000-0000-4000-8000-000000000003') $$,
  'anon cannot call agent_reports_chain');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004')), 4,
  'service_role reads the full chain');
select tests.clear_authentication();

-- Deleting a manager detaches its reports (set null), it does not cascade.
delete from public.agents where id = 'a1000000-0000-4000-8000-000000000002';
select is((select reports_to from public.agents where id = 'a1000000-0000-4000-8000-000000000003'), null,
  'deleting a manager clears reports_to of its direct reports');
select is((select count(*)::int from public.agents where workspace_id = 'a0000000-0000-4000-8000-000000000001'), 3,
  'deleting a manager deletes no other agent');
-- Restore mgr for the rest of the file: worker -> mgr -> chief.
insert into public.agents (id, workspace_id, slug, name, reports_to) values
  ('a1000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', 'mgr', 'Manager',
   'a1000000-0000-4000-8000-000000000001');
update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000002' where slug = 'worker'
  and workspace_id = 'a0000000-0000-4000-8000-000000000001';

select * from finish();
rollback;
