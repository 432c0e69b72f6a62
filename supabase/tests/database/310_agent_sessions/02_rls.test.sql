-- RLS for agent_sessions, workflow_runs, workflow_run_steps: every role x operation.
begin;
select plan(91);

create function pg_temp.affected(p_sql text) returns integer language plpgsql as $$
declare n integer; begin execute p_sql; get diagnostics n = row_count; return n; end $$;

select tests.create_workspace_fixture('ses');
insert into public.agent_sessions (id, workspace_id, owner_id, title) values
  ('d1000000-0000-4000-8000-000000000001', tests.workspace_id('ses'), tests.user_id('ses_member'), 'member session'),
  ('d1000000-0000-4000-8000-000000000002', tests.workspace_id('ses'), tests.user_id('ses_admin'), 'admin session'),
  ('d1000000-0000-4000-8000-000000000003', tests.workspace_id('ses', 'b'), tests.user_id('ses_outsider'), 'b session'),
  ('d1000000-0000-4000-8000-000000000004', tests.workspace_id('ses'), tests.user_id('ses_viewer'), 'viewer session (legacy)');
insert into public.threads (id, workspace_id, kind, session_id) values
  ('d2000000-0000-4000-8000-000000000001', tests.workspace_id('ses'), 'session_chat', 'd1000000-0000-4000-8000-000000000001'),
  ('d2000000-0000-4000-8000-000000000003', tests.workspace_id('ses', 'b'), 'session_chat', 'd1000000-0000-4000-8000-000000000003');
insert into public.workflow_runs (id, workspace_id, session_id, thread_id, status, started_at, finished_at) values
  ('d3000000-0000-4000-8000-000000000001', tests.workspace_id('ses'), 'd1000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001', 'running', now(), null),
  ('d3000000-0000-4000-8000-000000000002', tests.workspace_id('ses'), 'd1000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001', 'running', now(), null),
  ('d3000000-0000-4000-8000-000000000003', tests.workspace_id('ses', 'b'), 'd1000000-0000-4000-8000-000000000003', 'd2000000-0000-4000-8000-000000000003', 'running', now(), null);
insert into public.workflow_run_steps (id, workspace_id, run_id, step_number, started_at, finished_at) values
  ('d4000000-0000-4000-8000-000000000001', tests.workspace_id('ses'), 'd3000000-0000-4000-8000-000000000001', 1, now(), now()),
  ('d4000000-0000-4000-8000-000000000002', tests.workspace_id('ses'), 'd3000000-0000-4000-8000-000000000001', 2, now(), now()),
  ('d4000000-0000-4000-8000-000000000003', tests.workspace_id('ses', 'b'), 'd3000000-0000-4000-8000-000000000003', 1, now(), now());

-- ------------------------------------------------------------------------------------ agent_sessions
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.agent_sessions $$, 'anon cannot read agent_sessions');
select tests.assert_denied($$ insert into public.agent_sessions (workspace_id, title) values (tests.workspace_id('ses'), 'x') $$, 'anon cannot insert agent_sessions');
select tests.assert_denied($$ update public.agent_sessions set title = 'x' $$, 'anon cannot update agent_sessions');
select tests.assert_denied($$ delete from public.agent_sessions $$, 'anon cannot delete agent_sessions');

select tests.authenticate_as('ses_outsider');
select tests.assert_filtered($$ select * from public.agent_sessions where workspace_id = tests.workspace_id('ses') $$, 'outsider sees no session of a');
select tests.assert_denied($$ insert into public.agent_sessions (workspace_id, title) values (tests.workspace_id('ses'), 'x') $$, 'outsider cannot open a session in a');
select is(pg_temp.affected($$ update public.agent_sessions set title = 'x' where id = 'd1000000-0000-4000-8000-000000000001' $$), 0, 'outsider updates no session of a');
select is(pg_temp.affected($$ delete from public.agent_sessions where id = 'd1000000-0000-4000-8000-000000000001' $$), 0, 'outsider deletes no session of a');
select throws_ok($$ select public.transition_agent_session('d1000000-0000-4000-8000-000000000001', 0, 'active') $$, '42501', null, 'outsider cannot move a session of a');

select tests.authenticate_as('ses_viewer');
select is((select count(*)::int from public.agent_sessions), 3, 'viewer reads the sessions of a');
select tests.assert_denied($$ insert into public.agent_sessions (workspace_id, title) values (tests.workspace_id('ses'), 'x') $$, 'viewer cannot open sessions');
select is(pg_temp.affected($$ update public.agent_sessions set title = 'x' where id = 'd1000000-0000-4000-8000-000000000004' $$), 0, 'viewer cannot update even a session they own');
select is(pg_temp.affected($$ delete from public.agent_sessions where id = 'd1000000-0000-4000-8000-000000000004' $$), 0, 'viewer cannot delete sessions');
select throws_ok($$ select public.transition_agent_session('d1000000-0000-4000-8000-000000000004', 0, 'active') $$, '42501', null, 'viewer cannot move sessions');

select tests.authenticate_as('ses_member');
select lives_ok($$ insert into public.agent_sessions (id, workspace_id, title, repo_owner, repo_name, branch) values ('d1000000-0000-4000-8000-000000000009', tests.workspace_id('ses'), 'new', 'acme', 'app', 'main') $$, 'member opens a session');
select is((select owner_id from public.agent_sessions where id = 'd1000000-0000-4000-8000-000000000009'), tests.user_id('ses_member'), 'the member owns it');
select tests.assert_denied($$ insert into public.agent_sessions (workspace_id, owner_id, title) values (tests.workspace_id('ses'), tests.user_id('ses_admin'), 'x') $$, 'member cannot open a session for someone else');
select is(pg_temp.affected($$ update public.agent_sessions set title = 'mine' where id = 'd1000000-0000-4000-8000-000000000001' $$), 1, 'member updates their own session');
select is(pg_temp.affected($$ update public.agent_sessions set title = 'theirs' where id = 'd1000000-0000-4000-8000-000000000002' $$), 0, 'member cannot update the admin''s session');
select tests.assert_denied($$ update public.agent_sessions set lifecycle_state = 'active' where id = 'd1000000-0000-4000-8000-000000000001' $$, 'member cannot write lifecycle_state directly');
select throws_ok($$ select public.transition_agent_session('d1000000-0000-4000-8000-000000000002', 0, 'active') $$, '42501', null, 'member cannot move the admin''s session');
select is(pg_temp.affected($$ delete from public.agent_sessions where id = 'd1000000-0000-4000-8000-000000000002' $$), 0, 'member cannot delete the admin''s session');
select is(pg_temp.affected($$ delete from public.agent_sessions where id = 'd1000000-0000-4000-8000-000000000009' $$), 1, 'member deletes their own session');

select tests.authenticate_as('ses_admin');
select is((select count(*)::int from public.agent_sessions), 3, 'admin reads the sessions of a');
select lives_ok($$ insert into public.agent_sessions (workspace_id, title) values (tests.workspace_id('ses'), 'admin opens') $$, 'admin opens a session');
select is(pg_temp.affected($$ update public.agent_sessions set title = 'by admin' where id = 'd1000000-0000-4000-8000-000000000001' $$), 1, 'admin updates any session of a');
select is((public.transition_agent_session('d1000000-0000-4000-8000-000000000001', (select lifecycle_version from public.agent_sessions where id = 'd1000000-0000-4000-8000-000000000001'), 'active')).lifecycle_state, 'active'::public.agent_session_lifecycle, 'admin moves any session of a');
select is(pg_temp.affected($$ delete from public.agent_sessions where id = 'd1000000-0000-4000-8000-000000000004' $$), 1, 'admin deletes any session of a');

select tests.authenticate_as('ses_owner');
select is((select count(*)::int from public.agent_sessions), 3, 'owner reads the sessions of a');
select lives_ok($$ insert into public.agent_sessions (workspace_id, title) values (tests.workspace_id('ses'), 'owner opens') $$, 'owner opens a session');
select is(pg_temp.affected($$ update public.agent_sessions set title = 'by owner' where id = 'd1000000-0000-4000-8000-000000000002' $$), 1, 'owner updates any session');
select is(pg_temp.affected($$ delete from public.agent_sessions where title = 'admin opens' $$), 1, 'owner deletes any session');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.agent_sessions where id::text like 'd1%'), 3, 'service_role reads all sessions');
select lives_ok($$ insert into public.agent_sessions (workspace_id, owner_id, title) values (tests.workspace_id('ses', 'b'), tests.user_id('ses_outsider'), 'svc') $$, 'service_role opens a session for a user');
select is(pg_temp.affected($$ update public.agent_sessions set lines_added = 10 where id = 'd1000000-0000-4000-8000-000000000003' $$), 1, 'service_role updates a session');
select is(pg_temp.affected($$ delete from public.agent_sessions where title = 'svc' $$), 1, 'service_role deletes a session');

-- ------------------------------------------------------------------------------------ workflow_runs
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.workflow_runs $$, 'anon cannot read workflow_runs');
select tests.assert_denied($$ insert into public.workflow_runs (workspace_id, session_id, thread_id) values (tests.workspace_id('ses'), 'd1000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001') $$, 'anon cannot insert workflow_runs');
select tests.assert_denied($$ update public.workflow_runs set model_id = 'x' $$, 'anon cannot update workflow_runs');
select tests.assert_denied($$ delete from public.workflow_runs $$, 'anon cannot delete workflow_runs');

select tests.authenticate_as('ses_outsider');
select tests.assert_filtered($$ select * from public.workflow_runs where workspace_id = tests.workspace_id('ses') $$, 'outsider sees no run of a');
select tests.assert_denied($$ insert into public.workflow_runs (workspace_id, session_id, thread_id) values (tests.workspace_id('ses'), 'd1000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001') $$, 'outsider cannot record runs in a');
select is(pg_temp.affected($$ update public.workflow_runs set model_id = 'x' where id = 'd3000000-0000-4000-8000-000000000001' $$), 0, 'outsider updates no run of a');
select is(pg_temp.affected($$ delete from public.workflow_runs where id = 'd3000000-0000-4000-8000-000000000001' $$), 0, 'outsider deletes no run of a');

select tests.authenticate_as('ses_viewer');
select is((select count(*)::int from public.workflow_runs), 2, 'viewer reads the runs of a');
select tests.assert_denied($$ insert into public.workflow_runs (workspace_id, session_id, thread_id) values (tests.workspace_id('ses'), 'd1000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001') $$, 'viewer cannot record runs');
select is(pg_temp.affected($$ update public.workflow_runs set model_id = 'x' where id = 'd3000000-0000-4000-8000-000000000001' $$), 0, 'viewer cannot update runs');
select is(pg_temp.affected($$ delete from public.workflow_runs where id = 'd3000000-0000-4000-8000-000000000001' $$), 0, 'viewer cannot delete runs');

select tests.authenticate_as('ses_member');
select is((select count(*)::int from public.workflow_runs), 2, 'member reads the runs of a');
select lives_ok($$ insert into public.workflow_runs (workspace_id, session_id, thread_id, model_id) values (tests.workspace_id('ses'), 'd1000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001', 'anthropic/claude') $$, 'member records a run');
select is(pg_temp.affected($$ update public.workflow_runs set status = 'completed', finished_at = now() where id = 'd3000000-0000-4000-8000-000000000001' $$), 1, 'member finishes a run');
select is(pg_temp.affected($$ delete from public.workflow_runs where id = 'd3000000-0000-4000-8000-000000000002' $$), 0, 'member cannot delete runs');

select tests.authenticate_as('ses_admin');
select lives_ok($$ insert into public.workflow_runs (workspace_id, session_id, thread_id) values (tests.workspace_id('ses'), 'd1000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001') $$, 'admin records a run');
select is(pg_temp.affected($$ update public.workflow_runs set model_id = 'm' where id = 'd3000000-0000-4000-8000-000000000002' $$), 1, 'admin updates a run');
select is(pg_temp.affected($$ delete from public.workflow_runs where id = 'd3000000-0000-4000-8000-000000000002' $$), 1, 'admin deletes a run');

select tests.authenticate_as('ses_owner');
select is((select count(*)::int from public.workflow_runs), 3, 'owner reads the runs of a');
select lives_ok($$ insert into public.workflow_runs (workspace_id, session_id, thread_id, model_id) values (tests.workspace_id('ses'), 'd1000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001', 'owner-model') $$, 'owner records a run');
select is(pg_temp.affected($$ update public.workflow_runs set status = 'failed', finished_at = now() where model_id = 'owner-model' $$), 1, 'owner finishes a run');
select is(pg_temp.affected($$ delete from public.workflow_runs where model_id = 'anthropic/claude' $$), 1, 'owner deletes a run');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.workflow_runs where id = 'd3000000-0000-4000-8000-000000000003'), 1, 'service_role reads any run');
select lives_ok($$ insert into public.workflow_runs (workspace_id, session_id, thread_id) values (tests.workspace_id('ses', 'b'), 'd1000000-0000-4000-8000-000000000003', 'd2000000-0000-4000-8000-000000000003') $$, 'service_role records a run');
select is(pg_temp.affected($$ update public.workflow_runs set status = 'aborted', finished_at = now() where id = 'd3000000-0000-4000-8000-000000000003' $$), 1, 'service_role finishes any run');
select is(pg_temp.affected($$ delete from public.workflow_runs where workspace_id = tests.workspace_id('ses', 'b') and status = 'running' $$), 1, 'service_role deletes a run');

-- ------------------------------------------------------------------------------------ workflow_run_steps
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.workflow_run_steps $$, 'anon cannot read workflow_run_steps');
select tests.assert_denied($$ insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at) values (tests.workspace_id('ses'), 'd3000000-0000-4000-8000-000000000001', 9, now(), now()) $$, 'anon cannot insert steps');
select tests.assert_denied($$ update public.workflow_run_steps set finish_reason = 'stop' $$, 'anon cannot update steps');
select tests.assert_denied($$ delete from public.workflow_run_steps $$, 'anon cannot delete steps');

select tests.authenticate_as('ses_outsider');
select tests.assert_filtered($$ select * from public.workflow_run_steps where workspace_id = tests.workspace_id('ses') $$, 'outsider sees no step of a');
select tests.assert_denied($$ insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at) values (tests.workspace_id('ses'), 'd3000000-0000-4000-8000-000000000001', 9, now(), now()) $$, 'outsider cannot add steps in a');
select tests.assert_denied($$ update public.workflow_run_steps set finish_reason = 'stop' $$, 'outsider cannot update steps');
select is(pg_temp.affected($$ delete from public.workflow_run_steps where id = 'd4000000-0000-4000-8000-000000000001' $$), 0, 'outsider deletes no step of a');

select tests.authenticate_as('ses_viewer');
select is((select count(*)::int from public.workflow_run_steps), 2, 'viewer reads the steps of a');
select tests.assert_denied($$ insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at) values (tests.workspace_id('ses'), 'd3000000-0000-4000-8000-000000000001', 9, now(), now()) $$, 'viewer cannot add steps');
select tests.assert_denied($$ update public.workflow_run_steps set finish_reason = 'stop' $$, 'viewer cannot update steps');
select is(pg_temp.affected($$ delete from public.workflow_run_steps where id = 'd4000000-0000-4000-8000-000000000001' $$), 0, 'viewer cannot delete steps');

select tests.authenticate_as('ses_member');
select is((select count(*)::int from public.workflow_run_steps), 2, 'member reads the steps of a');
select lives_ok($$ insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at, finish_reason) values (tests.workspace_id('ses'), 'd3000000-0000-4000-8000-000000000001', 3, now(), now(), 'tool-calls') $$, 'member adds a step');
select tests.assert_denied($$ update public.workflow_run_steps set finish_reason = 'stop' $$, 'member cannot rewrite steps');
select is(pg_temp.affected($$ delete from public.workflow_run_steps where id = 'd4000000-0000-4000-8000-000000000001' $$), 0, 'member cannot delete steps');

select tests.authenticate_as('ses_admin');
select is((select count(*)::int from public.workflow_run_steps), 3, 'admin reads the steps of a');
select lives_ok($$ insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at) values (tests.workspace_id('ses'), 'd3000000-0000-4000-8000-000000000001', 4, now(), now()) $$, 'admin adds a step');
select tests.assert_denied($$ update public.workflow_run_steps set finish_reason = 'stop' $$, 'admin cannot rewrite steps');
select is(pg_temp.affected($$ delete from public.workflow_run_steps where id = 'd4000000-0000-4000-8000-000000000001' $$), 1, 'admin deletes a step');

select tests.authenticate_as('ses_owner');
select is((select count(*)::int from public.workflow_run_steps), 3, 'owner reads the steps of a');
select lives_ok($$ insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at) values (tests.workspace_id('ses'), 'd3000000-0000-4000-8000-000000000001', 5, now(), now()) $$, 'owner adds a step');
select tests.assert_denied($$ update public.workflow_run_steps set finish_reason = 'stop' $$, 'owner cannot rewrite steps');
select is(pg_temp.affected($$ delete from public.workflow_run_steps where id = 'd4000000-0000-4000-8000-000000000002' $$), 1, 'owner deletes a step');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.workflow_run_steps where id = 'd4000000-0000-4000-8000-000000000003'), 1, 'service_role reads any step');
select lives_ok($$ insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at) values (tests.workspace_id('ses', 'b'), 'd3000000-0000-4000-8000-000000000003', 2, now(), now()) $$, 'service_role adds a step');
select is(pg_temp.affected($$ update public.workflow_run_steps set raw_finish_reason = 'end_turn' where id = 'd4000000-0000-4000-8000-000000000003' $$), 1, 'service_role corrects a step');
select is(pg_temp.affected($$ delete from public.workflow_run_steps where id = 'd4000000-0000-4000-8000-000000000003' $$), 1, 'service_role deletes a step');

select * from finish();
rollback;
