-- History tables, per role: members of the workspace read (viewer and up), other workspaces' admins and
-- anon see nothing, nobody writes directly (only the queue RPCs move rows in). Reading the hot table's
-- name applies the hot table's policy to finished rows too.
begin;
select plan(29);

select tests.create_workspace_fixture('hprl');
select tests.create_agent_fixture(tests.workspace_id('hprl'), 'hprl-agent');
create function pg_temp.gw() returns uuid language sql stable as $$ select a.gateway_id from public.agents a where a.slug = 'hprl-agent' $$;
create function pg_temp.agent() returns uuid language sql stable as $$ select a.id from public.agents a where a.slug = 'hprl-agent' $$;
insert into public.agent_command_history (workspace_id, gateway_id, action, status, attempt, finished_at)
values (tests.workspace_id('hprl'), pg_temp.gw(), 'rls.done', 'done', 1, now());
insert into public.agent_inbox_history (workspace_id, agent_id, event_type, status, attempt, finished_at)
values (tests.workspace_id('hprl'), pg_temp.agent(), 'rls.done', 'done', 1, now());

-- anon: no access at all.
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.agent_command_history $$, 'anon cannot select agent_command_history');
select tests.assert_denied($$ select * from public.agent_inbox_history $$, 'anon cannot select agent_inbox_history');

-- outsider (admin of workspace b): filtered, and cannot write.
select tests.authenticate_as('hprl_outsider');
select tests.assert_filtered($$ select * from public.agent_command_history where action = 'rls.done' $$, 'outsider sees no command history of workspace a');
select tests.assert_filtered($$ select * from public.agent_inbox_history where event_type = 'rls.done' $$, 'outsider sees no inbox history of workspace a');
select tests.assert_filtered($$ select * from public.agent_commands where action = 'rls.done' $$, 'outsider sees no finished command through agent_commands');
select tests.assert_denied($$ delete from public.agent_command_history $$, 'outsider cannot delete command history');

-- viewer / member / admin / owner: read, never write.
select tests.authenticate_as('hprl_viewer');
select is((select count(*)::int from public.agent_command_history where action = 'rls.done'), 1, 'viewer reads command history');
select is((select count(*)::int from public.agent_inbox_history where event_type = 'rls.done'), 1, 'viewer reads inbox history');
select is((select count(*)::int from public.agent_commands where action = 'rls.done'), 1, 'viewer reads finished commands through agent_commands');
select tests.assert_denied($$ update public.agent_command_history set action = 'x' $$, 'viewer cannot update command history');
select tests.authenticate_as('hprl_member');
select is((select count(*)::int from public.agent_inbox_items where event_type = 'rls.done'), 1, 'member reads finished items through agent_inbox_items');
select tests.assert_denied($$ insert into public.agent_command_history (workspace_id, gateway_id, action, status, finished_at)
                              values ('00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000', 'x', 'done', now()) $$,
  'member cannot insert command history');
select tests.assert_denied($$ delete from public.agent_inbox_history $$, 'member cannot delete inbox history');
select tests.authenticate_as('hprl_admin');
select is((select count(*)::int from public.agent_command_history where action = 'rls.done'), 1, 'admin reads command history');
select tests.assert_denied($$ update public.agent_inbox_history set summary = 'x' $$, 'admin cannot update inbox history');
select tests.assert_denied($$ delete from public.agent_command_history $$, 'admin cannot delete command history');
select tests.assert_denied($$ insert into public.agent_inbox_history (workspace_id, agent_id, event_type, status, finished_at)
                              values ('00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000', 'x', 'done', now()) $$,
  'admin cannot insert inbox history');
select tests.authenticate_as('hprl_owner');
select is((select count(*)::int from public.agent_inbox_history where event_type = 'rls.done'), 1, 'owner reads inbox history');
select tests.assert_denied($$ delete from public.agent_inbox_history $$, 'owner cannot delete inbox history');
select tests.assert_denied($$ update public.agent_command_history set action = 'x' $$, 'owner cannot update command history');

-- service_role: reads everything, writes nothing directly.
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.agent_command_history where action = 'rls.done'), 1, 'service_role reads command history');
select is((select count(*)::int from public.agent_inbox_history where event_type = 'rls.done'), 1, 'service_role reads inbox history');
select tests.assert_denied($$ delete from public.agent_command_history $$, 'service_role cannot delete command history');
select tests.assert_denied($$ update public.agent_inbox_history set summary = 'x' $$, 'service_role cannot update inbox history');
select tests.assert_denied($$ insert into public.agent_command_history (workspace_id, gateway_id, action, status, finished_at)
                              values ('00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000', 'x', 'done', now()) $$,
  'service_role cannot insert command history');

-- Batch RPCs refuse anon (no execute grant).
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.complete_commands('[]') $$, 'anon cannot call complete_commands');
select tests.assert_denied($$ select * from public.fail_commands('[]') $$, 'anon cannot call fail_commands');
select tests.assert_denied($$ select * from public.complete_inbox_items('[]') $$, 'anon cannot call complete_inbox_items');
select tests.assert_denied($$ select * from public.fail_inbox_items('[]') $$, 'anon cannot call fail_inbox_items');
select tests.clear_authentication();

select * from finish();
rollback;
