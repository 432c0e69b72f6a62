-- Porting: job schedules accept the Quartz dialect (converted on save) and L / nL / n#k in five fields.
begin;
select plan(16);

select tests.create_workspace_fixture('pz');

-- Conversion (what is stored).
select is(private.cron_validate('0 0 2 * * ?'), '0 2 * * *', 'seconds 0 dropped, ? -> *');
select is(private.cron_validate('0 30 9 ? * MON-FRI *'), '30 9 * * MON-FRI', '7 fields, names kept');
select is(private.cron_validate('0 15 10 ? * 6L'), '15 10 * * 5L', 'Quartz 6L (last Friday) -> 5L');
select is(private.cron_validate('0 0 9 ? * 2#1'), '0 9 * * 1#1', 'Quartz 2#1 (first Monday) -> 1#1');
select is(private.cron_validate('0 0 8 ? * 1,7'), '0 8 * * 0,6', 'Quartz 1 = Sunday, 7 = Saturday');
select is(private.cron_validate(' 5 4 * * * '), '5 4 * * *', 'five-field expressions only trimmed');

-- Next runs (UTC).
select is(private.cron_next_run('0 9 * * 1#1', 'UTC', '2026-11-29 00:00+00'), '2026-12-07 09:00+00'::timestamptz, 'first Monday of December 2026');
select is(private.cron_next_run('0 9 L * *', 'UTC', '2026-02-03 00:00+00'), '2026-02-28 09:00+00'::timestamptz, 'L: last day of February');
select is(private.cron_next_run('0 9 * * 5L', 'UTC', '2026-11-01 00:00+00'), '2026-11-27 09:00+00'::timestamptz, '5L: last Friday of November 2026');
select is(private.cron_next_run('0 0 2 * * ?', 'UTC', '2026-11-29 03:00+00'), '2026-11-30 02:00+00'::timestamptz, 'a Quartz expression evaluates directly too');

-- Refused: no minute-resolution equivalent.
select throws_ok($$ select private.cron_validate('30 0 2 * * ?', 'cron_expression') $$, '22023', null, 'seconds other than 0 refused');
select throws_ok($$ select private.cron_validate('0 0 2 15W * ?', 'cron_expression') $$, '22023', null, 'W refused');
select throws_ok($$ select private.cron_validate('0 0 2 * * ? 2027', 'cron_expression') $$, '22023', null, 'a year refused');

-- Saved through the table: stored converted, next run computed.
select tests.authenticate_as('pz_admin');
insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command)
values (tests.workspace_id('pz'), 'nightly', '0 0 2 * * ?', 'job_definition', 'backup.sh');
select is((select cron_expression from public.job_schedules where workspace_id = tests.workspace_id('pz')), '0 2 * * *', 'stored in five fields');
select ok((select next_run_at > now() and extract(hour from next_run_at at time zone 'UTC') = 2
           from public.job_schedules where workspace_id = tests.workspace_id('pz')), 'next run at 02:00');
select throws_ok($$ insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command)
                    values (tests.workspace_id('pz'), 'bad', '0 0 2 L-2 * ?', 'job_definition', 'x') $$,
  '22023', null, 'L-n refused on save, naming the column');
select tests.clear_authentication();

select * from finish();
rollback;
