-- Runs and steps: derived durations, finished runs stay finished, step numbers unique per run, bad timings.
begin;
select plan(10);

select tests.create_workspace_fixture('rst');
insert into public.agent_sessions (id, workspace_id, owner_id, title) values
  ('d9000000-0000-4000-8000-000000000001', tests.workspace_id('rst'), tests.user_id('rst_member'), 'S');
insert into public.threads (id, workspace_id, kind, session_id) values
  ('da000000-0000-4000-8000-000000000001', tests.workspace_id('rst'), 'session_chat', 'd9000000-0000-4000-8000-000000000001');

select tests.authenticate_as('rst_member');
insert into public.workflow_runs (id, workspace_id, session_id, thread_id, model_id, status, started_at, finished_at) values
  ('db000000-0000-4000-8000-000000000001', tests.workspace_id('rst'), 'd9000000-0000-4000-8000-000000000001', 'da000000-0000-4000-8000-000000000001',
   'anthropic/claude-sonnet', 'completed', '2026-11-01 10:00:00+00', '2026-11-01 10:00:02.5+00');
select is((select total_duration_ms from public.workflow_runs where id = 'db000000-0000-4000-8000-000000000001'), 2500::bigint, 'total_duration_ms is finish - start');
select throws_ok($$ update public.workflow_runs set status = 'failed' where id = 'db000000-0000-4000-8000-000000000001' $$,
  '55000', 'workflow_runs.status: illegal transition completed -> failed (run db000000-0000-4000-8000-000000000001 is finished)', 'a finished run stays finished');
select throws_ok($$ insert into public.workflow_runs (workspace_id, session_id, thread_id, status) values (tests.workspace_id('rst'), 'd9000000-0000-4000-8000-000000000001', 'da000000-0000-4000-8000-000000000001', 'completed') $$,
  '23514', null, 'a completed run needs finished_at');
select throws_ok($$ insert into public.workflow_runs (workspace_id, session_id, thread_id, status, started_at, finished_at) values (tests.workspace_id('rst'), 'd9000000-0000-4000-8000-000000000001', 'da000000-0000-4000-8000-000000000001', 'failed', now(), now() - interval '1 second') $$,
  '23514', null, 'a run cannot finish before it starts');

insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at, finish_reason, raw_finish_reason) values
  (tests.workspace_id('rst'), 'db000000-0000-4000-8000-000000000001', 1, '2026-11-01 10:00:00+00', '2026-11-01 10:00:01.2+00', 'tool-calls', 'tool_use'),
  (tests.workspace_id('rst'), 'db000000-0000-4000-8000-000000000001', 2, '2026-11-01 10:00:01.2+00', '2026-11-01 10:00:02.5+00', 'stop', 'end_turn');
select results_eq($$ select duration_ms from public.workflow_run_steps where run_id = 'db000000-0000-4000-8000-000000000001' order by step_number $$,
  array[1200::bigint, 1300], 'per-step durations are derived');
select throws_ok($$ insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at) values (tests.workspace_id('rst'), 'db000000-0000-4000-8000-000000000001', 2, now(), now()) $$,
  '23505', 'duplicate key value violates unique constraint "workflow_run_steps_run_id_step_number_key"', 'a step number is used once per run');
select is((select count(*)::int from public.workflow_run_steps where run_id = 'db000000-0000-4000-8000-000000000001'), 2, 'the duplicate wrote nothing');
select throws_ok($$ insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at) values (tests.workspace_id('rst'), 'db000000-0000-4000-8000-000000000001', -1, now(), now()) $$,
  '23514', null, 'step numbers are not negative');
select throws_ok($$ insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at, finish_reason) values (tests.workspace_id('rst'), 'db000000-0000-4000-8000-000000000001', 3, now(), now(), 'done') $$,
  '22P02', null, 'finish_reason is one of the known reasons');
select throws_ok($$ insert into public.workflow_run_steps (workspace_id, run_id, step_number, started_at, finished_at) values (tests.workspace_id('rst'), 'db000000-0000-4000-8000-000000000001', 4, now(), now() - interval '1 ms') $$,
  '23514', null, 'a step cannot end before it starts');

select * from finish();
rollback;
