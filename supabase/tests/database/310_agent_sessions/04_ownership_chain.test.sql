-- The ownership chain session -> chat -> run -> step cannot be broken: composite foreign keys refuse a run
-- on a chat of another session or workspace, a chat of another workspace's session, a step on another
-- workspace's run, and moving a chat to another session.
begin;
select plan(12);

select tests.create_workspace_fixture('own');
insert into public.agent_sessions (id, workspace_id, owner_id, title) values
  ('d6000000-0000-4000-8000-000000000001', tests.workspace_id('own'), tests.user_id('own_member'), 'S1'),
  ('d6000000-0000-4000-8000-000000000002', tests.workspace_id('own'), tests.user_id('own_member'), 'S2'),
  ('d6000000-0000-4000-8000-000000000003', tests.workspace_id('own', 'b'), tests.user_id('own_outsider'), 'B1');
insert into public.threads (id, workspace_id, kind, session_id) values
  ('d7000000-0000-4000-8000-000000000001', tests.workspace_id('own'), 'session_chat', 'd6000000-0000-4000-8000-000000000001'),
  ('d7000000-0000-4000-8000-000000000002', tests.workspace_id('own'), 'session_chat', 'd6000000-0000-4000-8000-000000000002'),
  ('d7000000-0000-4000-8000-000000000003', tests.workspace_id('own', 'b'), 'session_chat', 'd6000000-0000-4000-8000-000000000003');
insert into public.threads (id, workspace_id, kind) values ('d7000000-0000-4000-8000-000000000009', tests.workspace_id('own'), 'channel');
insert into public.workflow_runs (id, workspace_id, session_id, thread_id) values
  ('d8000000-0000-4000-8000-000000000001', tests.workspace_id('own'), 'd6000000-0000-4000-8000-000000000001', 'd7000000-0000-4000-8000-000000000001'),
  ('d8000000-0000-4000-8000-000000000003', tests.workspace_id('own', 'b'), 'd6000000-0000-4000-8000-000000000003', 'd7000000-0000-4000-8000-000000000003');

-- As service_role (RLS bypassed): the constraints alone hold the chain.
select tests.authenticate_as_service_role();
select throws_ok($$ insert into public.workflow_runs (workspace_id, session_id, thread_id) values (tests.workspace_id('own'), 'd6000000-0000-4000-8000-000000000001', 'd7000000-0000-4000-8000-000000000002') $$,
  '23503', null, 'a run of S1 cannot point at the chat of S2');
select throws_ok($$ insert into public.workflow_runs (workspace_id, session_id, thread_id) values (tests.workspace_id('own'), 'd6000000-0000-4000-8000-000000000001', 'd7000000-0000-4000-8000-000000000003') $$,
  '23503', null, 'a run cannot point at a chat of another workspace');
select throws_ok($$ insert into public.workflow_runs (workspace_id, session_id, thread_id) values (tests.workspace_id('own'), 'd6000000-0000-4000-8000-000000000003', 'd7000000-0000-4000-8000-000000000003') $$,
  '23503', null, 'a run cannot name a session of another workspace');
select throws_ok($$ insert into public.workflow_runs (workspace_id, session_id, thread_id) values (tests.workspace_id('own'), 'd6000000-0000-4000-8000-000000000001', 'd7000000-0000-4000-8000-000000000009') $$,
  '23503', null, 'a run cannot point at a thread that is no chat of a session');
select throws_ok($$ insert into public.threads (workspace_id, kind, session_id) values (tests.workspace_id('own'), 'session_chat', 'd6000000-0000-4000-8000-000000000003') $$,
  '23503', null, 'a chat cannot belong to a session of another workspace');
select throws_ok($$ insert into public.threads (workspace_id, kind) values (tests.workspace_id('own'), 'session_chat') $$,
  '23514', null, 'a session chat needs its session');
select throws_ok($$ update public.threads set session_id = 'd6000000-0000-4000-8000-000000000002' where id = 'd7000000-0000-4000-8000-000000000001' $$,
  '55000', 'threads.session_id cannot change (d6000000-0000-4000-8000-000000000001 -> d6000000-0000-4000-8000-000000000002)', 'a chat never moves to another session');
select throws_ok($$ insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at) values (tests.workspace_id('own'), 'd8000000-0000-4000-8000-000000000003', 1, now(), now()) $$,
  '23503', null, 'a step cannot be filed under another workspace''s run');
select throws_ok($$ update public.workflow_runs set thread_id = 'd7000000-0000-4000-8000-000000000002' where id = 'd8000000-0000-4000-8000-000000000001' $$,
  '55000', 'workflow_runs: session_id and thread_id cannot change', 'a run never moves to another chat');
select is((select count(*)::int from public.workflow_runs where workspace_id = tests.workspace_id('own')), 1, 'nothing was written by the refused inserts');

-- Deleting a session removes its chats, runs and steps.
insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at)
values (tests.workspace_id('own'), 'd8000000-0000-4000-8000-000000000001', 1, now(), now());
delete from public.agent_sessions where id = 'd6000000-0000-4000-8000-000000000001';
select is((select count(*)::int from public.threads where id = 'd7000000-0000-4000-8000-000000000001'), 0, 'deleting a session deletes its chats');
select is((select count(*)::int from public.workflow_run_steps where run_id = 'd8000000-0000-4000-8000-000000000001'), 0, '... and their runs and steps');

select * from finish();
rollback;
