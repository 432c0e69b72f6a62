-- Saving a schedule: the cron expression and timezone are validated (22023 naming the column), the
-- database computes next_run_at (API roles cannot move it), and references stay inside the workspace.
begin;
select plan(31);

select tests.create_workspace_fixture('ejv');
select tests.create_agent_fixture(tests.workspace_id('ejv'), 'ejv-agent');
-- Ids of the other workspace's rows, kept in settings: the admin under test cannot read them.
select set_config('ejv.other_agent', tests.create_agent_fixture(tests.workspace_id('ejv', 'b'), 'ejv-other')::text, true);
select set_config('ejv.other_gateway', (select id from public.gateways where slug = 'ejv-other-gw')::text, true);
insert into public.projects (id, workspace_id, slug, name)
values ('e5000000-0000-4000-8000-0000000000b1', tests.workspace_id('ejv', 'b'), 'other-proj', 'Other');

select tests.authenticate_as('ejv_admin');

-- ------------------------------------------------------------------------------- bad expressions
select throws_ok($$ insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command)
  values (tests.workspace_id('ejv'), 'bad', '61 * * * *', 'job_definition', 'true') $$,
  '22023', 'cron_expression: schedule field minute has value 61 out of range 0..59', 'minute out of range names the column and field');
select throws_ok($$ insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command)
  values (tests.workspace_id('ejv'), 'bad', '* * *', 'job_definition', 'true') $$,
  '22023', 'cron_expression: schedule "* * *" must have 5 fields (minute hour day-of-month month day-of-week), got 3',
  'wrong number of fields');
select throws_ok($$ insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command)
  values (tests.workspace_id('ejv'), 'bad', null, 'job_definition', 'true') $$,
  '22004', 'cron_expression must not be null', 'null expression');
select throws_ok($$ insert into public.job_schedules (workspace_id, name, cron_expression, timezone, target_kind, command)
  values (tests.workspace_id('ejv'), 'bad', '0 9 * * *', 'Mars/Olympus', 'job_definition', 'true') $$,
  '22023', 'timezone: "Mars/Olympus" is not a known IANA timezone', 'unknown timezone');
select throws_ok($$ insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command_action)
  values (tests.workspace_id('ejv'), 'bad', '0 9 * * *', 'agent_command', 'Not An Action') $$,
  '23514', null, 'command_action outside the queue vocabulary');
select throws_ok($$ insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command)
  values (tests.workspace_id('ejv'), 'bad', '0 9 * * *', 'agent_command', 'true') $$,
  '23514', null, 'an agent-command schedule needs command_action, not command');
select is((select count(*)::int from public.job_schedules), 0, 'nothing was written by the failed inserts');

-- ------------------------------------------------------------------------------- next_run_at
insert into public.job_schedules (workspace_id, name, cron_expression, timezone, target_kind, command, next_run_at, last_due_at)
values (tests.workspace_id('ejv'), 'berlin-9', ' 0 9 * * * ', 'Europe/Berlin', 'job_definition', 'report', '2000-01-01', '2000-01-01');
select is((select cron_expression from public.job_schedules where name = 'berlin-9'), '0 9 * * *', 'expression stored trimmed');
select ok((select next_run_at > now() and next_run_at <= now() + interval '1 day' from public.job_schedules where name = 'berlin-9'),
  'next_run_at is the next fire within a day, not the value the caller sent');
select is((select (next_run_at at time zone 'Europe/Berlin')::time from public.job_schedules where name = 'berlin-9'),
  '09:00'::time, 'next_run_at is 09:00 Berlin time');
select is((select last_due_at from public.job_schedules where name = 'berlin-9'), null, 'last_due_at cannot be set by the caller');

update public.job_schedules set next_run_at = now() - interval '1 hour', last_due_at = now() where name = 'berlin-9';
select ok((select next_run_at > now() and last_due_at is null from public.job_schedules where name = 'berlin-9'),
  'an API role cannot move next_run_at or last_due_at (would fire the job early)');

update public.job_schedules set timezone = 'America/New_York' where name = 'berlin-9';
select is((select (next_run_at at time zone 'America/New_York')::time from public.job_schedules where name = 'berlin-9'),
  '09:00'::time, 'changing the timezone recomputes next_run_at');

update public.job_schedules set enabled = false where name = 'berlin-9';
select is((select next_run_at from public.job_schedules where name = 'berlin-9'), null, 'a disabled schedule has no next run');
update public.job_schedules set enabled = true where name = 'berlin-9';
select ok((select next_run_at > now() from public.job_schedules where name = 'berlin-9'), 're-enabling computes it again');

update public.job_schedules set cron_expression = '*/5 * * * *' where name = 'berlin-9';
select ok((select next_run_at <= now() + interval '5 minutes' and extract(minute from next_run_at)::int % 5 = 0
           from public.job_schedules where name = 'berlin-9'), 'changing the expression recomputes next_run_at');

select throws_ok($$ update public.job_schedules set cron_expression = '* * * * mon-xyz' where name = 'berlin-9' $$,
  '22023', 'cron_expression: schedule field day-of-week has an unknown value "xyz"', 'invalid expression refused on update');
select is((select cron_expression from public.job_schedules where name = 'berlin-9'), '*/5 * * * *', 'the failed update changed nothing');

insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command)
values (tests.workspace_id('ejv'), 'never', '0 0 30 2 *', 'job_definition', 'true');
select is((select next_run_at from public.job_schedules where name = 'never'), null, 'an expression that never fires has no next run');

select throws_ok($$ insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command)
  values (tests.workspace_id('ejv'), 'never', '@daily', 'job_definition', 'true') $$,
  '23505', null, 'schedule names are unique per workspace');

-- ------------------------------------------------------------------------------- other workspace
select throws_ok(format($$ insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command_action, agent_id)
  values (tests.workspace_id('ejv'), 'x', '@daily', 'agent_command', 'agent.wake', %L) $$,
  current_setting('ejv.other_agent')),
  '23503', 'insert or update on table "job_schedules" violates foreign key constraint "job_schedules_agent_id_fkey"',
  'a schedule cannot target an agent of another workspace');
select throws_ok(format($$ insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command, gateway_id)
  values (tests.workspace_id('ejv'), 'x', '@daily', 'job_definition', 'true', %L) $$,
  current_setting('ejv.other_gateway')),
  '23503', 'insert or update on table "job_schedules" violates foreign key constraint "job_schedules_gateway_id_fkey"',
  'a schedule cannot run on a gateway of another workspace');
select throws_ok($$ insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command, project_id)
  values (tests.workspace_id('ejv'), 'x', '@daily', 'job_definition', 'true', 'e5000000-0000-4000-8000-0000000000b1') $$,
  '23503', format('job_schedules.project_id: project e5000000-0000-4000-8000-0000000000b1 is not in workspace %s', tests.workspace_id('ejv')),
  'a schedule cannot belong to a project of another workspace');
select throws_ok(format($$ insert into public.jobs (workspace_id, command, agent_id) values (tests.workspace_id('ejv'), 'true', %L) $$,
  current_setting('ejv.other_agent')),
  '23503', 'insert or update on table "jobs" violates foreign key constraint "jobs_agent_id_fkey"',
  'a job of workspace A cannot target an agent of workspace B');
select tests.clear_authentication();
insert into public.job_schedules (id, workspace_id, name, cron_expression, target_kind, command)
values ('e5000000-0000-4000-8000-0000000000b2', tests.workspace_id('ejv', 'b'), 'b-schedule', '@daily', 'job_definition', 'true');
select tests.authenticate_as('ejv_admin');
select throws_ok($$ insert into public.jobs (workspace_id, command, schedule_id, due_at)
  values (tests.workspace_id('ejv'), 'true', 'e5000000-0000-4000-8000-0000000000b2', now()) $$,
  '42501', 'jobs.schedule_id: jobs of a schedule are created by the scheduler; leave schedule_id and due_at empty',
  'an admin cannot hand-make a schedule''s job (it would take a due time''s place)');
select lives_ok($$ insert into public.jobs (id, workspace_id, command) values ('e5000000-0000-4000-8000-0000000000b3', tests.workspace_id('ejv'), 'true') $$,
  'an admin may start a job by hand');
select throws_ok($$ update public.jobs set due_at = now() where id = 'e5000000-0000-4000-8000-0000000000b3' $$,
  '42501', 'jobs.schedule_id: jobs of a schedule are created by the scheduler; schedule_id and due_at cannot be set',
  'nor move a job onto a due time');
select tests.authenticate_as_service_role();
select throws_ok($$ insert into public.jobs (workspace_id, command, schedule_id, due_at)
  values (tests.workspace_id('ejv'), 'true', 'e5000000-0000-4000-8000-0000000000b2', now()) $$,
  '23503', 'insert or update on table "jobs" violates foreign key constraint "jobs_schedule_id_fkey"',
  'even a trusted caller cannot file a job under a schedule of another workspace');
select tests.authenticate_as('ejv_admin');
select throws_ok($$ update public.job_schedules set workspace_id = tests.workspace_id('ejv', 'b') where name = 'berlin-9' $$,
  '22023', 'job_schedules.workspace_id cannot be changed', 'a schedule cannot move to another workspace');
select is((select count(*)::int from public.jobs where id <> 'e5000000-0000-4000-8000-0000000000b3'), 0,
  'no job was written by the refused inserts');

-- Deleting a schedule keeps its jobs as history (schedule_id cleared), also when an admin deletes it.
select tests.authenticate_as_service_role();
insert into public.jobs (id, workspace_id, command, schedule_id, due_at)
select 'e5000000-0000-4000-8000-0000000000b4', workspace_id, 'report', id, next_run_at from public.job_schedules where name = 'berlin-9';
select tests.authenticate_as('ejv_admin');
delete from public.job_schedules where name = 'berlin-9';
select is((select row(schedule_id, due_at is not null)::text from public.jobs where id = 'e5000000-0000-4000-8000-0000000000b4'),
  row(null::uuid, true)::text, 'the job outlives its schedule, due time kept');
select tests.clear_authentication();

select * from finish();
rollback;
