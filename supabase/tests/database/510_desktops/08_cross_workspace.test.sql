-- Desktop references never cross workspaces: an admin of workspace A cannot point a machine, a
-- connection or a macro run at a configuration, agent, machine or connection of workspace B, even when
-- the admin is also a member of B. Each refusal is 23503 naming the column's constraint; nothing is written.
begin;
select plan(8);

select tests.create_workspace_fixture('edx');
-- The A admin is also an admin of B: composite keys, not visibility, keep the rows apart.
insert into public.workspace_members (workspace_id, user_id, role) values (tests.workspace_id('edx', 'b'), tests.user_id('edx_admin'), 'admin');
select set_config('edx.b_agent', tests.create_agent_fixture(tests.workspace_id('edx', 'b'), 'edx-b')::text, true);
insert into public.desktop_configs (id, workspace_id, name, image) values ('e5100000-0000-4000-8000-000000000301', tests.workspace_id('edx', 'b'), 'b', 'img');
insert into public.desktop_virtual_machines (id, workspace_id, name) values
  ('e5100000-0000-4000-8000-000000000302', tests.workspace_id('edx', 'b'), 'b-vm'),
  ('e5100000-0000-4000-8000-000000000303', tests.workspace_id('edx'), 'a-vm');
insert into public.desktop_connections (id, workspace_id, vm_id, client_id)
values ('e5100000-0000-4000-8000-000000000304', tests.workspace_id('edx', 'b'), 'e5100000-0000-4000-8000-000000000302', 'b-robot');
insert into public.robot_macros (id, workspace_id, name) values ('e5100000-0000-4000-8000-000000000305', tests.workspace_id('edx'), 'a-macro');

select tests.authenticate_as('edx_admin');
select throws_ok($$ insert into public.desktop_virtual_machines (workspace_id, name, config_id)
  values (tests.workspace_id('edx'), 'x', 'e5100000-0000-4000-8000-000000000301') $$,
  '23503', 'insert or update on table "desktop_virtual_machines" violates foreign key constraint "desktop_virtual_machines_config_id_fkey"',
  'a machine cannot use a configuration of another workspace');
select throws_ok(format($$ update public.desktop_virtual_machines set agent_id = %L where id = 'e5100000-0000-4000-8000-000000000303' $$,
  current_setting('edx.b_agent')),
  '23503', 'insert or update on table "desktop_virtual_machines" violates foreign key constraint "desktop_virtual_machines_agent_id_fkey"',
  'a machine cannot be assigned to an agent of another workspace');
select throws_ok(format($$ insert into public.desktop_connections (workspace_id, vm_id, client_id, agent_id)
  values (tests.workspace_id('edx'), 'e5100000-0000-4000-8000-000000000303', 'r', %L) $$, current_setting('edx.b_agent')),
  '23503', 'insert or update on table "desktop_connections" violates foreign key constraint "desktop_connections_agent_id_fkey"',
  'a connection cannot act for an agent of another workspace');
select throws_ok($$ insert into public.desktop_connections (workspace_id, vm_id, client_id)
  values (tests.workspace_id('edx', 'b'), 'e5100000-0000-4000-8000-000000000303', 'r') $$,
  '23503', 'insert or update on table "desktop_connections" violates foreign key constraint "desktop_connections_vm_id_fkey"',
  'a connection filed under workspace B cannot attach to a machine of workspace A');
select throws_ok($$ insert into public.robot_macro_executions (workspace_id, macro_id, macro_version, vm_id)
  values (tests.workspace_id('edx'), 'e5100000-0000-4000-8000-000000000305', 1, 'e5100000-0000-4000-8000-000000000302') $$,
  '23503', 'insert or update on table "robot_macro_executions" violates foreign key constraint "robot_macro_executions_vm_id_fkey"',
  'a macro run cannot happen on a machine of another workspace');
select throws_ok($$ insert into public.robot_macro_executions (workspace_id, macro_id, macro_version, connection_id)
  values (tests.workspace_id('edx'), 'e5100000-0000-4000-8000-000000000305', 1, 'e5100000-0000-4000-8000-000000000304') $$,
  '23503', 'insert or update on table "robot_macro_executions" violates foreign key constraint "robot_macro_executions_connection_id_fkey"',
  'a macro run cannot use a connection of another workspace');
select throws_ok($$ update public.desktop_connections set workspace_id = tests.workspace_id('edx') where id = 'e5100000-0000-4000-8000-000000000304' $$,
  '22023', 'desktop_connections.workspace_id cannot be changed', 'a connection cannot move to another workspace');
select is((select count(*)::int from public.robot_macro_executions where macro_id = 'e5100000-0000-4000-8000-000000000305'), 0,
  'no run was written');
select tests.clear_authentication();

select * from finish();
rollback;
