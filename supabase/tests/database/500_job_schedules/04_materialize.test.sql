-- The sweep materialises due schedules into jobs exactly once per due time: run twice, run late after
-- an outage (catch-up 'latest' and 'all', with its per-sweep cap), run again over an already materialised
-- due time (rewound next_run_at), and agent-command targets enqueue one command per due time.
begin;
select plan(33);

select tests.create_workspace_fixture('ejm');
-- Other schedules in the database are paused for this transaction, so the sweep counts are this file's own.
update public.job_schedules set enabled = false where enabled;
select set_config('ejm.agent', tests.create_agent_fixture(tests.workspace_id('ejm'), 'ejm-agent')::text, true);
insert into public.agents (id, workspace_id, slug, name)
values ('e5000000-0000-4000-8000-0000000000a9', tests.workspace_id('ejm'), 'ejm-no-gateway', 'No gateway');

-- Schedules are created, then put at a known due time (as the trusted owner, like the sweep itself does).
insert into public.job_schedules (id, workspace_id, name, cron_expression, target_kind, command, arguments, catch_up) values
  ('e5000000-0000-4000-8000-000000000001', tests.workspace_id('ejm'), 'quarter-latest', '*/15 * * * *', 'job_definition', 'backup', '["--full"]', 'latest'),
  ('e5000000-0000-4000-8000-000000000002', tests.workspace_id('ejm'), 'quarter-all', '*/15 * * * *', 'job_definition', 'backup', '[]', 'all'),
  ('e5000000-0000-4000-8000-000000000003', tests.workspace_id('ejm'), 'minutely-all', '* * * * *', 'job_definition', 'tick', '[]', 'all'),
  ('e5000000-0000-4000-8000-000000000004', tests.workspace_id('ejm'), 'minutely-latest', '* * * * *', 'job_definition', 'tick', '[]', 'latest'),
  ('e5000000-0000-4000-8000-000000000005', tests.workspace_id('ejm'), 'monthly-latest', '0 0 1 * *', 'job_definition', 'invoice', '[]', 'latest');
insert into public.job_schedules (id, workspace_id, name, cron_expression, target_kind, command_action, command_payload, agent_id) values
  ('e5000000-0000-4000-8000-000000000006', tests.workspace_id('ejm'), 'agent-daily', '0 9 * * *', 'agent_command', 'report.daily',
   '{"format": "pdf"}', current_setting('ejm.agent')::uuid),
  ('e5000000-0000-4000-8000-000000000007', tests.workspace_id('ejm'), 'agent-no-gw', '0 9 * * *', 'agent_command', 'report.daily',
   '{}', 'e5000000-0000-4000-8000-0000000000a9');
insert into public.job_schedules (id, workspace_id, name, cron_expression, target_kind, command, enabled) values
  ('e5000000-0000-4000-8000-000000000008', tests.workspace_id('ejm'), 'disabled', '* * * * *', 'job_definition', 'tick', false);
update public.job_schedules set next_run_at = '2026-01-01 10:00:00+00'
where id in ('e5000000-0000-4000-8000-000000000001', 'e5000000-0000-4000-8000-000000000002', 'e5000000-0000-4000-8000-000000000003');
-- The disabled schedule is given a past next_run_at it cannot have in practice (the CHECK forbids it), so
-- only its enabled flag keeps it out: skip that row here, it stays null.

-- ------------------------------------------------------------------------------- on time, twice
select is(private.materialize_due_job_schedules('2026-01-01 10:00:30+00'), 3, 'three schedules are due at 10:00');
select is(private.materialize_due_job_schedules('2026-01-01 10:00:30+00'), 0, 'the same sweep again creates nothing');
select is(private.materialize_due_job_schedules('2026-01-01 10:00:59+00'), 0, 'nor does a later sweep in the same minute');
select is((select array_agg(due_at order by due_at) from public.jobs where schedule_id = 'e5000000-0000-4000-8000-000000000001'),
  array['2026-01-01 10:00:00+00'::timestamptz], 'one job for the 10:00 due time');
select is((select next_run_at from public.job_schedules where id = 'e5000000-0000-4000-8000-000000000001'),
  '2026-01-01 10:15:00+00'::timestamptz, 'next_run_at moved to the next fire time');
select is((select last_due_at from public.job_schedules where id = 'e5000000-0000-4000-8000-000000000001'),
  '2026-01-01 10:00:00+00'::timestamptz, 'last_due_at records the materialised due time');
select is((select row(status, command, arguments, attempt, workspace_id)::text from public.jobs where schedule_id = 'e5000000-0000-4000-8000-000000000001'),
  row('queued'::public.job_status, 'backup', '["--full"]'::jsonb, 0, tests.workspace_id('ejm'))::text,
  'the job copies the definition and starts queued');

-- ------------------------------------------------------------------------------- rewound
update public.job_schedules set next_run_at = '2026-01-01 10:00:00+00' where id = 'e5000000-0000-4000-8000-000000000001';
select is(private.materialize_due_job_schedules('2026-01-01 10:00:30+00'), 0,
  'a rewound schedule (e.g. a sweep that ran twice from the same snapshot) does not create a second job');
select is((select count(*)::int from public.jobs where schedule_id = 'e5000000-0000-4000-8000-000000000001'), 1, 'still one job');
select is((select next_run_at from public.job_schedules where id = 'e5000000-0000-4000-8000-000000000001'),
  '2026-01-01 10:15:00+00'::timestamptz, 'and the schedule moves on again');

-- ------------------------------------------------------------------------------- outage
-- The minutely 'all' schedule is parked so its backlog does not mix into the counts below.
update public.job_schedules set next_run_at = null, enabled = false where id = 'e5000000-0000-4000-8000-000000000003';
select is(private.materialize_due_job_schedules('2026-01-01 11:20:00+00'), 1 + 5,
  'after an 80-minute outage: one job for latest, five for all');
select is((select array_agg(due_at order by due_at) from public.jobs where schedule_id = 'e5000000-0000-4000-8000-000000000001'),
  array['2026-01-01 10:00:00+00', '2026-01-01 11:15:00+00']::timestamptz[], 'latest: only the most recent missed due time');
select is((select array_agg(due_at order by due_at) from public.jobs where schedule_id = 'e5000000-0000-4000-8000-000000000002'),
  array['2026-01-01 10:00:00+00', '2026-01-01 10:15:00+00', '2026-01-01 10:30:00+00', '2026-01-01 10:45:00+00',
        '2026-01-01 11:00:00+00', '2026-01-01 11:15:00+00']::timestamptz[], 'all: every missed due time, once each');
select is((select array_agg(next_run_at order by name) from public.job_schedules
           where id in ('e5000000-0000-4000-8000-000000000001', 'e5000000-0000-4000-8000-000000000002')),
  array['2026-01-01 11:30:00+00', '2026-01-01 11:30:00+00']::timestamptz[], 'both continue at 11:30');
select is(private.materialize_due_job_schedules('2026-01-01 11:20:00+00'), 0, 'the late sweep run twice creates nothing more');

-- 'all' is capped at 100 due times per schedule per sweep; the rest follow on the next sweeps.
-- (Each section parks the schedules it is done with, so the counts below are its own.)
update public.job_schedules set enabled = false
where id in ('e5000000-0000-4000-8000-000000000001', 'e5000000-0000-4000-8000-000000000002');
update public.job_schedules set enabled = true where id = 'e5000000-0000-4000-8000-000000000003';
update public.job_schedules set next_run_at = '2026-02-01 10:00:00+00' where id = 'e5000000-0000-4000-8000-000000000003';
select is(private.materialize_due_job_schedules('2026-02-01 12:00:00+00'), 100, 'a two-hour backlog: 100 jobs in the first sweep');
select is((select next_run_at from public.job_schedules where id = 'e5000000-0000-4000-8000-000000000003'),
  '2026-02-01 11:40:00+00'::timestamptz, 'next_run_at stops after the last materialised due time');
select is(private.materialize_due_job_schedules('2026-02-01 12:00:00+00'), 21, 'the next sweep drains the remaining 21 (11:40 .. 12:00)');
select is((select count(distinct due_at)::int from public.jobs where schedule_id = 'e5000000-0000-4000-8000-000000000003'
           and due_at between '2026-02-01 10:00:00+00' and '2026-02-01 12:00:00+00'), 121, 'every minute of the backlog exactly once');

-- 'latest' after a week of a minutely schedule and after three months of a monthly one: one job each.
update public.job_schedules set enabled = false where id = 'e5000000-0000-4000-8000-000000000003';
update public.job_schedules set next_run_at = '2026-01-01 10:00:00+00' where id = 'e5000000-0000-4000-8000-000000000004';
update public.job_schedules set next_run_at = '2026-01-01 00:00:00+00' where id = 'e5000000-0000-4000-8000-000000000005';
select is(private.materialize_due_job_schedules('2026-01-08 10:00:30+00'), 2, 'the week-late sweep: one job per schedule');
select is((select array_agg(due_at) from public.jobs where schedule_id = 'e5000000-0000-4000-8000-000000000004'),
  array['2026-01-08 10:00:00+00']::timestamptz[], 'minutely latest: only the due time just before the sweep');
select is((select array_agg(due_at) from public.jobs where schedule_id = 'e5000000-0000-4000-8000-000000000005'),
  array['2026-01-01 00:00:00+00']::timestamptz[], 'monthly latest on time: the 1 January due time');
update public.job_schedules set next_run_at = '2026-02-01 00:00:00+00' where id = 'e5000000-0000-4000-8000-000000000005';
select is(private.materialize_due_job_schedules('2026-04-15 12:00:00+00'), 2,
  'the months-late sweep: one job for the monthly schedule, one for the minutely one (latest again)');
select is((select array_agg(due_at order by due_at) from public.jobs where schedule_id = 'e5000000-0000-4000-8000-000000000005'),
  array['2026-01-01 00:00:00+00', '2026-04-01 00:00:00+00']::timestamptz[], 'monthly latest: 1 April, February and March skipped');

-- ------------------------------------------------------------------------------- agent commands
update public.job_schedules set enabled = false
where id in ('e5000000-0000-4000-8000-000000000004', 'e5000000-0000-4000-8000-000000000005');
update public.job_schedules set next_run_at = '2026-03-02 09:00:00+00'
where id in ('e5000000-0000-4000-8000-000000000006', 'e5000000-0000-4000-8000-000000000007');
select is(private.materialize_due_job_schedules('2026-03-02 09:00:05+00'), 2, 'both agent schedules are due');
select is((select row(c.action, c.payload, c.agent_id, c.gateway_id, c.available_at, c.dedup_key, c.status)::text
           from public.jobs j join public.agent_commands c on c.id = j.command_id
           where j.schedule_id = 'e5000000-0000-4000-8000-000000000006'),
  row('report.daily', '{"format": "pdf"}'::jsonb, current_setting('ejm.agent')::uuid,
      (select gateway_id from public.agents where id = current_setting('ejm.agent')::uuid),
      '2026-03-02 09:00:00+00'::timestamptz,
      'job_schedule:e5000000-0000-4000-8000-000000000006:' || extract(epoch from '2026-03-02 09:00:00+00'::timestamptz)::bigint,
      'pending'::public.command_status)::text,
  'the due time enqueued one command on the agent''s gateway, keyed by schedule and due time');
select is((select row(status, error, command_id)::text from public.jobs where schedule_id = 'e5000000-0000-4000-8000-000000000007'),
  row('failed'::public.job_status, 'no gateway: the schedule has no gateway and its agent has none', null::uuid)::text,
  'an agent without a gateway: the due time is recorded as a failed job, nothing enqueued');

-- The command runs to completion; the queue's dedup then no longer covers it, but the job key still does.
select lives_ok($$ select public.complete_command(l.id, l.lease_token, '{}'::jsonb, 0, 'sent', null)
  from public.lease_command((select gateway_id from public.agents where id = current_setting('ejm.agent')::uuid)) l $$,
  'the runner completes the command');
update public.job_schedules set next_run_at = '2026-03-02 09:00:00+00' where id = 'e5000000-0000-4000-8000-000000000006';
select is(private.materialize_due_job_schedules('2026-03-02 09:00:05+00'), 0, 'the rewound due time creates no job');
select is((select count(*)::int from public.agent_commands where dedup_key like 'job_schedule:e5000000-0000-4000-8000-000000000006:%'),
  1, 'and enqueues no second command, even though the first one finished');

select is((select count(*)::int from public.jobs where schedule_id = 'e5000000-0000-4000-8000-000000000008'), 0,
  'a disabled schedule is never materialised');
select throws_ok($$ select private.materialize_due_job_schedules(null) $$, '22004', 'p_now must not be null', 'p_now is required');
select throws_ok($$ select private.materialize_due_job_schedules(now(), 0) $$, '22023', 'p_limit must be between 1 and 10000 (got 0)',
  'p_limit is bounded');

select * from finish();
rollback;
