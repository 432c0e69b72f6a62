-- Agent-command jobs follow their command: the sweep's sync step copies the command's progress (running,
-- done, failed, cancelled), exit code and output onto the job, stepping through the job state machine.
begin;
select plan(12);

select tests.create_workspace_fixture('ejc');
-- Other schedules and command-backed jobs are set aside for this transaction: the counts are this file's own.
update public.job_schedules set enabled = false where enabled;
update public.jobs set command_id = null where command_id is not null;
select set_config('ejc.agent', tests.create_agent_fixture(tests.workspace_id('ejc'), 'ejc-agent')::text, true);
select set_config('ejc.gateway', (select gateway_id from public.agents where id = current_setting('ejc.agent')::uuid)::text, true);
insert into public.job_schedules (id, workspace_id, name, cron_expression, target_kind, command_action, agent_id, max_attempts)
values ('e5000000-0000-4000-8000-0000000000e1', tests.workspace_id('ejc'), 'hourly', '0 * * * *', 'agent_command', 'agent.wake',
        current_setting('ejc.agent')::uuid, 1);
update public.job_schedules set next_run_at = '2026-05-01 08:00:00+00' where id = 'e5000000-0000-4000-8000-0000000000e1';
select is(private.materialize_due_job_schedules('2026-05-01 10:30:00+00', 10), 1, 'one job (latest catch-up)');

create or replace function tests.ejc_job() returns public.jobs language sql as $$
  select * from public.jobs where schedule_id = 'e5000000-0000-4000-8000-0000000000e1' order by due_at desc limit 1
$$;

select is(private.sync_command_jobs(), 0, 'a pending command leaves its queued job alone');

-- Leased and started: the job runs.
select set_config('ejc.lease', (select row_to_json(l)::text from public.lease_command(current_setting('ejc.gateway')::uuid) l), true);
select is(private.sync_command_jobs(), 0, 'leased is still queued for the job');
select lives_ok($$ select public.start_command((current_setting('ejc.lease')::json ->> 'id')::uuid,
                                               (current_setting('ejc.lease')::json ->> 'lease_token')::uuid) $$, 'runner starts it');
select is(private.sync_command_jobs(), 1, 'one job moved');
select is((select row(status, attempt)::text from tests.ejc_job()), row('running'::public.job_status, 1)::text, 'the job is running, attempt 1');

select lives_ok($$ select public.complete_command((current_setting('ejc.lease')::json ->> 'id')::uuid,
                                                  (current_setting('ejc.lease')::json ->> 'lease_token')::uuid,
                                                  '{}'::jsonb, 0, 'woke up', 'a warning') $$, 'runner completes it');
select is(private.sync_command_jobs(), 1, 'the finished command is synced');
select is((select row(status, exit_code, logs, finished_at is not null)::text from tests.ejc_job()),
  row('succeeded'::public.job_status, 0, E'woke up\na warning', true)::text, 'succeeded with exit code and output (stdout, stderr)');
select is(private.sync_command_jobs(), 0, 'a finished job is not touched again');

-- A command that finished between two syncs (never seen running), and one cancelled while pending.
update public.job_schedules set next_run_at = '2026-05-01 11:00:00+00' where id = 'e5000000-0000-4000-8000-0000000000e1';
select private.materialize_due_job_schedules('2026-05-01 11:00:10+00', 10);
select public.fail_command(l.id, l.lease_token, 'crashed', false, 7, null, 'trace')
from public.lease_command(current_setting('ejc.gateway')::uuid) l;
select private.sync_command_jobs();
select is((select row(status, exit_code, error, attempt, logs)::text from tests.ejc_job()),
  row('failed'::public.job_status, 7, 'crashed', 1, 'trace')::text,
  'a command failed between syncs: the job steps through running to failed');

update public.job_schedules set next_run_at = '2026-05-01 12:00:00+00' where id = 'e5000000-0000-4000-8000-0000000000e1';
select private.materialize_due_job_schedules('2026-05-01 12:00:10+00', 10);
select public.cancel_command(command_id) from tests.ejc_job();
select private.sync_command_jobs();
select is((select row(status, attempt)::text from tests.ejc_job()), row('cancelled'::public.job_status, 0)::text,
  'a command cancelled before it ran: the job is cancelled, never attempted');

select * from finish();
rollback;
