-- Partition maintenance: creates the current month and the look-ahead, drops partitions past the
-- retention setting, is idempotent; rows land in their month's partition; rows outside every partition
-- are refused. Time is moved with p_now.
begin;
select plan(13);

select tests.create_workspace_fixture('tpm');
update private.telemetry_config set retention_months = 2, months_ahead = 2;

select is_empty($$ select * from private.telemetry_maintain_partitions() $$, 'a second run in the same month changes nothing (idempotent)');

-- Eight months later: the months from then on are created, the old ones dropped.
create temp table did as select * from private.telemetry_maintain_partitions(now() + interval '8 months');
select is((select count(*)::int from did where action = 'created'), 3, 'the month of p_now and two ahead are created');
select ok(to_regclass('private.telemetry_events_p' || to_char((now() at time zone 'UTC') + interval '8 months', 'YYYYMM')) is not null, 'the partition for p_now''s month exists');
select ok(to_regclass('private.telemetry_events_p' || to_char((now() at time zone 'UTC') + interval '10 months', 'YYYYMM')) is not null, 'and the look-ahead');
select ok(to_regclass('private.telemetry_events_p' || to_char(now() at time zone 'UTC', 'YYYYMM')) is null, 'the current month is past retention then and dropped');
select ok((select bool_and(partition_name ~ '^telemetry_events_p[0-9]{6}$') from did where action = 'dropped'), 'only monthly partitions are dropped');
select ok(to_regclass('private.telemetry_events_p' || to_char((now() at time zone 'UTC') + interval '6 months', 'YYYYMM')) is null
          and not exists (select 1 from did where partition_name = 'telemetry_events_p' || to_char((now() at time zone 'UTC') + interval '6 months', 'YYYYMM')),
  'months that never had a partition are not created backwards');
select is((select count(*)::int from pg_inherits i join pg_class c on c.oid = i.inhrelid
           where i.inhparent = 'public.telemetry_events'::regclass
             and to_date(right(c.relname, 6), 'YYYYMM') + interval '1 month' <= date_trunc('month', (now() at time zone 'UTC') + interval '8 months') - interval '2 months'), 0,
  'nothing older than the retention window remains');

-- Rows go to their month; a row outside every partition is refused.
insert into public.telemetry_events (workspace_id, turn_id, stage, status, started_at)
values (tests.workspace_id('tpm'), gen_random_uuid(), 'llm', 'started', now() + interval '9 months');
select is((select tableoid::regclass::text from public.telemetry_events where workspace_id = tests.workspace_id('tpm')),
  'private.telemetry_events_p' || to_char((now() at time zone 'UTC') + interval '9 months', 'YYYYMM'), 'a row lands in its month''s partition');
select throws_ok($$ insert into public.telemetry_events (workspace_id, turn_id, stage, status, started_at) values (tests.workspace_id('tpm'), gen_random_uuid(), 'llm', 'started', now() + interval '5 years') $$,
  '23514', null, 'a row for a month without partition is refused');

-- Bad input and settings.
select throws_ok($$ select * from private.telemetry_maintain_partitions(null) $$, '22004', 'p_now must not be null', 'p_now is required');
select throws_ok($$ update private.telemetry_config set retention_months = 0 $$, '23514', null, 'retention is at least one month');
select throws_ok($$ insert into private.telemetry_config (id) values (false) $$, '23514', null, 'there is one settings row');

select * from finish();
rollback;
