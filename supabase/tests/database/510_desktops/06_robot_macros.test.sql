-- Robot macros and their executions: editing steps bumps the version, an execution records the version
-- it ran, its outcome and timing (duration derived), finished executions are final, disabled macros do not
-- run, and every reference stays inside the workspace.
begin;
select plan(17);

select tests.create_workspace_fixture('edm');
insert into public.desktop_configs (id, workspace_id, name, image, screen_width, screen_height)
values ('e5100000-0000-4000-8000-000000000101', tests.workspace_id('edm'), 'hd', 'ubuntu:24.04', 1920, 1080);
insert into public.desktop_configs (id, workspace_id, name, image)
values ('e5100000-0000-4000-8000-000000000102', tests.workspace_id('edm', 'b'), 'b-config', 'ubuntu:24.04');
insert into public.robot_macros (id, workspace_id, name, steps)
values ('e5100000-0000-4000-8000-000000000199', tests.workspace_id('edm', 'b'), 'b-macro', '[]');

select tests.authenticate_as('edm_member');
insert into public.robot_macros (id, workspace_id, name, steps, config_id)
values ('e5100000-0000-4000-8000-000000000111', tests.workspace_id('edm'), 'login',
        '[{"action": "click", "x": 10, "y": 20}]', 'e5100000-0000-4000-8000-000000000101');
select is((select version from public.robot_macros where id = 'e5100000-0000-4000-8000-000000000111'), 1, 'a new macro is version 1');
update public.robot_macros set description = 'logs in' where id = 'e5100000-0000-4000-8000-000000000111';
select is((select version from public.robot_macros where id = 'e5100000-0000-4000-8000-000000000111'), 1, 'a description edit keeps the version');
update public.robot_macros set steps = steps || '[{"action": "type", "text": "hello"}]' where id = 'e5100000-0000-4000-8000-000000000111';
select is((select version from public.robot_macros where id = 'e5100000-0000-4000-8000-000000000111'), 2, 'editing the steps bumps the version');
select throws_ok($$ insert into public.robot_macros (workspace_id, name) values (tests.workspace_id('edm'), 'login') $$,
  '23505', null, 'macro names are unique per workspace');

-- A run: version recorded from the macro (not from the caller), outcome and timing.
insert into public.robot_macro_executions (id, workspace_id, macro_id, macro_version, started_at)
values ('e5100000-0000-4000-8000-000000000121', tests.workspace_id('edm'), 'e5100000-0000-4000-8000-000000000111', 99,
        now() - interval '2 seconds');
select is((select row(status, macro_version, finished_at, duration_ms)::text from public.robot_macro_executions
           where id = 'e5100000-0000-4000-8000-000000000121'),
  row('running'::public.robot_execution_status, 2, null::timestamptz, null::bigint)::text, 'running: the macro''s current version, no duration yet');
update public.robot_macro_executions set status = 'succeeded', steps_completed = 2 where id = 'e5100000-0000-4000-8000-000000000121';
select ok((select finished_at is not null and duration_ms between 2000 and 60000 from public.robot_macro_executions
           where id = 'e5100000-0000-4000-8000-000000000121'), 'succeeded: finished_at stamped, duration_ms derived');
select throws_ok($$ update public.robot_macro_executions set status = 'failed', error = 'x' where id = 'e5100000-0000-4000-8000-000000000121' $$,
  '55000', 'robot_macro_executions.status: illegal transition from succeeded to failed', 'a finished execution is final');
insert into public.robot_macro_executions (id, workspace_id, macro_id, macro_version)
values ('e5100000-0000-4000-8000-000000000122', tests.workspace_id('edm'), 'e5100000-0000-4000-8000-000000000111', 1);
select throws_ok($$ update public.robot_macro_executions set status = 'failed' where id = 'e5100000-0000-4000-8000-000000000122' $$,
  '23514', null, 'a failure needs its error');
select lives_ok($$ update public.robot_macro_executions set status = 'failed', error = 'window not found' where id = 'e5100000-0000-4000-8000-000000000122' $$,
  'a failure with its error is recorded');
select throws_ok($$ insert into public.robot_macro_executions (workspace_id, macro_id, macro_version, status)
  values (tests.workspace_id('edm'), 'e5100000-0000-4000-8000-000000000111', 1, 'succeeded') $$,
  '55000', 'robot_macro_executions.status: a new execution starts running, not succeeded', 'an execution starts running');

-- A disabled macro does not run.
update public.robot_macros set enabled = false where id = 'e5100000-0000-4000-8000-000000000111';
select throws_ok($$ insert into public.robot_macro_executions (workspace_id, macro_id, macro_version)
  values (tests.workspace_id('edm'), 'e5100000-0000-4000-8000-000000000111', 1) $$,
  '55000', 'robot_macro_executions.macro_id: macro e5100000-0000-4000-8000-000000000111 is disabled', 'a disabled macro cannot run');

-- Other workspace.
select throws_ok($$ insert into public.robot_macro_executions (workspace_id, macro_id, macro_version)
  values (tests.workspace_id('edm'), 'e5100000-0000-4000-8000-000000000199', 1) $$,
  '23503', 'insert or update on table "robot_macro_executions" violates foreign key constraint "robot_macro_executions_macro_id_fkey"',
  'an execution cannot run a macro of another workspace');
select throws_ok($$ insert into public.robot_macros (workspace_id, name, config_id) values (tests.workspace_id('edm'), 'x', 'e5100000-0000-4000-8000-000000000102') $$,
  '23503', 'insert or update on table "robot_macros" violates foreign key constraint "robot_macros_config_id_fkey"',
  'a macro cannot reference a desktop configuration of another workspace');
insert into public.robot_macros (id, workspace_id, name) values ('e5100000-0000-4000-8000-000000000112', tests.workspace_id('edm'), 'other');
select throws_ok($$ update public.robot_macro_executions set macro_id = 'e5100000-0000-4000-8000-000000000112'
  where id = 'e5100000-0000-4000-8000-000000000122' $$,
  '22023', 'robot_macro_executions: workspace_id and macro_id cannot be changed', 'history cannot be moved to another macro');
select tests.clear_authentication();

-- History survives the desktop, and goes with the macro.
insert into public.desktop_virtual_machines (id, workspace_id, name) values ('e5100000-0000-4000-8000-000000000131', tests.workspace_id('edm'), 'vm');
update public.robot_macro_executions set vm_id = 'e5100000-0000-4000-8000-000000000131' where id = 'e5100000-0000-4000-8000-000000000122';
delete from public.desktop_virtual_machines where id = 'e5100000-0000-4000-8000-000000000131';
select is((select vm_id from public.robot_macro_executions where id = 'e5100000-0000-4000-8000-000000000122'), null,
  'deleting a desktop keeps the execution history (vm_id cleared)');
select is((select macro_id from public.robot_macro_executions where id = 'e5100000-0000-4000-8000-000000000122'),
  'e5100000-0000-4000-8000-000000000111'::uuid, 'only vm_id was cleared, the macro link stays');
delete from public.robot_macros where id = 'e5100000-0000-4000-8000-000000000111';
select is((select count(*)::int from public.robot_macro_executions where macro_id = 'e5100000-0000-4000-8000-000000000111'), 0,
  'deleting a macro deletes its executions');

select * from finish();
rollback;
