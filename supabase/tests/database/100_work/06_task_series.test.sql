-- Recurring task series: the schedule and timezone are validated when saved; the job spawns each due
-- occurrence once per (series, due time), catches up after a gap per catch_up, marks older open
-- occurrences missed when miss_previous is on, and does nothing new when run again.
begin;
select plan(30);

select tests.create_workspace_fixture('wser');
insert into public.agents (id, workspace_id, slug, name) values
  ('b4000000-0000-4000-8000-000000000001', tests.workspace_id('wser'), 'wser-bot', 'Series bot');

select tests.authenticate_as('wser_member');
-- Invalid schedules and timezones are refused when saved.
select throws_ok($$ insert into public.task_series (workspace_id, schedule, title) values (tests.workspace_id('wser'), '61 * * * *', 'x') $$,
  '22023', 'schedule: schedule field minute has value 61 out of range 0..59', 'invalid minute');
select throws_ok($$ insert into public.task_series (workspace_id, schedule, title) values (tests.workspace_id('wser'), 'every day', 'x') $$,
  '22023', null, 'free text is not a schedule');
select throws_ok($$ insert into public.task_series (workspace_id, schedule, timezone, title) values (tests.workspace_id('wser'), '@daily', 'Mars/Olympus', 'x') $$,
  '22023', 'timezone: "Mars/Olympus" is not a known IANA timezone', 'unknown timezone');
select throws_ok($$ insert into public.task_series (workspace_id, schedule, title) values (tests.workspace_id('wser'), null, 'x') $$,
  '22004', 'schedule: schedule must not be null', 'null schedule');
select is((select count(*)::int from public.task_series), 0, 'nothing was written');

-- Hourly series that started 5.5 hours ago: five due times were missed (a simulated outage).
insert into public.task_series (id, workspace_id, schedule, timezone, title, catch_up, miss_previous, starts_at, assignee_agent_id, steps, priority)
values ('b4000000-0000-4000-8000-000000000011', tests.workspace_id('wser'), '0 * * * *', 'Europe/Berlin', 'Hourly check', 'all', true,
        '2026-03-01 06:30:00+00', 'b4000000-0000-4000-8000-000000000001', '[{"text": "Look"}]', 'high'),
       ('b4000000-0000-4000-8000-000000000012', tests.workspace_id('wser'), '0 * * * *', 'UTC', 'Latest only', 'latest', false,
        '2026-03-01 06:30:00+00', null, '[]', 'medium'),
       ('b4000000-0000-4000-8000-000000000013', tests.workspace_id('wser'), '0 * * * *', 'UTC', 'No catch-up', 'none', false,
        '2026-03-01 06:30:00+00', null, '[]', 'medium'),
       ('b4000000-0000-4000-8000-000000000014', tests.workspace_id('wser'), '0 9 * * *', 'America/New_York', 'Morning', 'all', false,
        '2026-03-01 00:00:00+00', null, '[]', 'low');
select is((select next_run_at from public.task_series where id = 'b4000000-0000-4000-8000-000000000011'), '2026-03-01 07:00:00+00'::timestamptz,
  'next_run_at is the first fire time after starts_at');
select is((select next_run_at from public.task_series where id = 'b4000000-0000-4000-8000-000000000014'), '2026-03-01 14:00:00+00'::timestamptz,
  '9:00 in New York is 14:00 UTC (winter)');
-- Members cannot push the job's bookkeeping around.
update public.task_series set next_run_at = '2030-01-01', last_due_at = '2030-01-01' where id = 'b4000000-0000-4000-8000-000000000011';
select is((select next_run_at from public.task_series where id = 'b4000000-0000-4000-8000-000000000011'), '2026-03-01 07:00:00+00'::timestamptz,
  'next_run_at is not writable by members');
select tests.clear_authentication();

-- The job at 12:05 UTC, the first run after the outage.
select is(private.spawn_due_task_series('2026-03-01 12:05:00+00'), 8,
  'first run: all = 07..12 (6), latest = 12:00 (1), none = 12:00 (1, within the grace), morning not due');
select is((select array_agg(series_due_at order by series_due_at) from public.tasks where series_id = 'b4000000-0000-4000-8000-000000000011'),
  array['2026-03-01 07:00+00', '2026-03-01 08:00+00', '2026-03-01 09:00+00', '2026-03-01 10:00+00', '2026-03-01 11:00+00', '2026-03-01 12:00+00']::timestamptz[],
  'catch_up all: one occurrence per missed due time');
select is((select array_agg(status::text order by series_due_at) from public.tasks where series_id = 'b4000000-0000-4000-8000-000000000011'),
  array['missed', 'missed', 'missed', 'missed', 'missed', 'todo'],
  'miss_previous: every older open occurrence is missed, the newest is open');
select is((select array_agg(series_due_at) from public.tasks where series_id = 'b4000000-0000-4000-8000-000000000012'),
  array['2026-03-01 12:00+00']::timestamptz[], 'catch_up latest: only the most recent due time');
select is((select array_agg(series_due_at) from public.tasks where series_id = 'b4000000-0000-4000-8000-000000000013'),
  array['2026-03-01 12:00+00']::timestamptz[], 'catch_up none: a due time within the grace still spawns');
select is((select row(title, priority::text, due_at, assignee_agent_id, steps)::text from public.tasks
           where series_id = 'b4000000-0000-4000-8000-000000000011' and series_due_at = '2026-03-01 12:00+00'),
  row('Hourly check', 'high', '2026-03-01 12:00+00'::timestamptz, 'b4000000-0000-4000-8000-000000000001'::uuid,
      '[{"position": 1, "text": "Look", "done": false}]'::jsonb)::text,
  'an occurrence copies the template and is due at its fire time');
select is((select count(*)::int from public.agent_inbox_items where agent_id = 'b4000000-0000-4000-8000-000000000001' and event_type = 'task_assignment'),
  6, 'each occurrence assigned to an agent wakes it once');
select is((select row(next_run_at, last_due_at)::text from public.task_series where id = 'b4000000-0000-4000-8000-000000000011'),
  row('2026-03-01 13:00+00'::timestamptz, '2026-03-01 12:00+00'::timestamptz)::text, 'bookkeeping advanced past the run');

-- Run again at the same instant, and a minute later: nothing new.
select is(private.spawn_due_task_series('2026-03-01 12:05:00+00'), 0, 'a second run spawns nothing');
select is(private.spawn_due_task_series('2026-03-01 12:06:00+00'), 0, 'nor does the next minute');
-- Even if the bookkeeping were rolled back (a crashed run), the unique key keeps one task per due time.
update public.task_series set next_run_at = '2026-03-01 07:00+00' where id = 'b4000000-0000-4000-8000-000000000011';
select is(private.spawn_due_task_series('2026-03-01 12:05:00+00'), 0, 'replaying a window inserts no duplicate');
select is((select count(*)::int from public.tasks where series_id = 'b4000000-0000-4000-8000-000000000011'), 6, 'still six occurrences');
select is((select count(*)::int from public.agent_inbox_items where agent_id = 'b4000000-0000-4000-8000-000000000001'), 6,
  'and no extra inbox items');

-- A second outage until 15:30.
select is(private.spawn_due_task_series('2026-03-01 15:30:00+00'), 3 + 1 + 0 + 1,
  'second run: all = 13, 14, 15; latest = 15:00; none = nothing (15:00 is 30 minutes old); morning = 14:00');
select is((select count(*)::int from public.tasks where series_id = 'b4000000-0000-4000-8000-000000000013'), 1,
  'catch_up none skipped the whole outage');
select is((select array_agg(series_due_at order by series_due_at) from public.tasks where series_id = 'b4000000-0000-4000-8000-000000000012'),
  array['2026-03-01 12:00+00', '2026-03-01 15:00+00']::timestamptz[], 'catch_up latest skipped 13:00 and 14:00');
select is((select count(*)::int from public.tasks where series_id = 'b4000000-0000-4000-8000-000000000011' and status = 'missed'), 8,
  'the open 12:00, 13:00, 14:00 occurrences became missed');
select is((select next_run_at from public.task_series where id = 'b4000000-0000-4000-8000-000000000013'), '2026-03-01 16:00+00'::timestamptz,
  'a skipped series still moves to its next fire time');

-- Done occurrences are never marked missed; inactive and ended series do not spawn.
update public.tasks set status = 'done' where series_id = 'b4000000-0000-4000-8000-000000000011' and series_due_at = '2026-03-01 15:00+00';
update public.task_series set active = false where id = 'b4000000-0000-4000-8000-000000000012';
update public.task_series set ends_at = '2026-03-01 16:30+00' where id = 'b4000000-0000-4000-8000-000000000011';
select is(private.spawn_due_task_series('2026-03-01 18:10:00+00'), 1 + 1,
  'ended at 16:30 (16:00 only), inactive latest series nothing, none series 18:00 within grace');
select is((select status::text from public.tasks where series_id = 'b4000000-0000-4000-8000-000000000011' and series_due_at = '2026-03-01 15:00+00'),
  'done', 'a done occurrence stays done');
select is((select next_run_at from public.task_series where id = 'b4000000-0000-4000-8000-000000000011'), null,
  'an ended series has nothing left to run');

-- Deleting a series keeps its occurrences as plain tasks.
delete from public.task_series where id = 'b4000000-0000-4000-8000-000000000013';
select is((select count(*)::int from public.tasks where title = 'No catch-up' and series_id is null and series_due_at is null), 2,
  'occurrences of a deleted series remain, detached');

select * from finish();
rollback;
