-- The shared cron parser: field parsing, validation errors naming the field, and next-run times in a
-- timezone (including a daylight-saving change and the day-of-month OR day-of-week rule).
begin;
select plan(24);

-- ------------------------------------------------------------------------------------------ fields
select is(private.cron_parse_field('*/15', 'minute', 0, 59), array[0, 15, 30, 45], 'step over the whole range');
select is(private.cron_parse_field('1-5', 'day-of-week', 0, 6, array['sun','mon','tue','wed','thu','fri','sat'], 0),
  array[1, 2, 3, 4, 5], 'numeric range');
select is(private.cron_parse_field('mon-fri', 'day-of-week', 0, 6, array['sun','mon','tue','wed','thu','fri','sat'], 0),
  array[1, 2, 3, 4, 5], 'weekday names');
select is(private.cron_parse_field('7', 'day-of-week', 0, 6, array['sun','mon','tue','wed','thu','fri','sat'], 0),
  array[0], 'day-of-week 7 is Sunday');
select is(private.cron_parse_field('jan,jun-aug/2', 'month', 1, 12,
  array['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec'], 1), array[1, 6, 8], 'lists, names and stepped ranges');
select is(private.cron_parse_field('5/20', 'minute', 0, 59), array[5, 25, 45], '"a/n" starts at a and runs to the maximum');
select is(private.cron_parse_field('3,1,3', 'hour', 0, 23), array[1, 3], 'values are sorted and deduplicated');

-- ------------------------------------------------------------------------------------------ errors
select throws_ok($$ select private.cron_validate('61 * * * *', 'p_schedule') $$, '22023',
  'p_schedule: schedule field minute has value 61 out of range 0..59', 'minute out of range names the argument and field');
select throws_ok($$ select private.cron_validate('* * * *', 'schedule') $$, '22023',
  'schedule: schedule "* * * *" must have 5 fields (minute hour day-of-month month day-of-week), got 4', 'four fields');
select throws_ok($$ select private.cron_validate('* * * foo *') $$, '22023',
  'schedule: schedule field month has an unknown value "foo"', 'unknown month name');
select throws_ok($$ select private.cron_validate('* 5-2 * * *') $$, '22023',
  'schedule: schedule field hour has a backwards range "5-2"', 'backwards range');
select throws_ok($$ select private.cron_validate('*/0 * * * *') $$, '22023',
  'schedule: schedule field minute has step 0 out of range 1..59', 'zero step');
select throws_ok($$ select private.cron_validate(null, 'p_schedule') $$, '22004',
  'p_schedule: schedule must not be null', 'null schedule');
select throws_ok($$ select private.cron_next_run('* * * * *', 'Mars/Olympus', now()) $$, '22023',
  'timezone "Mars/Olympus" is not a known IANA timezone', 'unknown timezone');
select is(private.cron_validate('  @daily '), '@daily', 'macros validate and are returned trimmed');

-- ------------------------------------------------------------------------------------------ next run
select is(private.cron_next_run('*/15 * * * *', 'UTC', '2026-03-01 10:07:30+00'),
  '2026-03-01 10:15:00+00'::timestamptz, 'next quarter hour');
select is(private.cron_next_run('*/15 * * * *', 'UTC', '2026-03-01 10:15:00+00'),
  '2026-03-01 10:30:00+00'::timestamptz, 'strictly after: a fire time equal to p_after is skipped');
select is(private.cron_next_run('0 9 * * mon-fri', 'Europe/Berlin', '2026-03-27 09:00:00+01'),
  '2026-03-30 07:00:00+00'::timestamptz, 'Friday 9:00 CET -> Monday 9:00 CEST (after the spring change)');
select is(private.cron_next_run('0 9 * * *', 'America/New_York', '2026-11-01 00:00:00-04'),
  '2026-11-01 14:00:00+00'::timestamptz, '9:00 local on the day New York falls back is 14:00 UTC');
select is(private.cron_next_run('@monthly', 'Asia/Tokyo', '2026-01-31 15:00:00+00'),
  '2026-02-28 15:00:00+00'::timestamptz, '@monthly in Tokyo: midnight of the 1st local');
select is(private.cron_next_run('0 0 13 * 5', 'UTC', '2026-02-01 00:00:00+00'),
  '2026-02-06 00:00:00+00'::timestamptz, 'day-of-month and day-of-week both restricted: either matches (Friday 6th)');
select is(private.cron_next_run('0 0 13 * *', 'UTC', '2026-02-01 00:00:00+00'),
  '2026-02-13 00:00:00+00'::timestamptz, 'only day-of-month restricted: the 13th');
select is(private.cron_next_run('0 12 29 2 *', 'UTC', '2026-03-01 00:00:00+00'),
  '2028-02-29 12:00:00+00'::timestamptz, 'February 29th waits for the next leap year');
select is(private.cron_next_run('0 0 30 2 *', 'UTC', '2026-01-01 00:00:00+00'), null::timestamptz,
  'a schedule that never fires gives null');

select * from finish();
rollback;
