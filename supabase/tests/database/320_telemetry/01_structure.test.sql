-- Telemetry: a month-partitioned parent in public, partitions in private created by the database for the
-- current month and the look-ahead, time-ordered indexes on every partition, the maintenance cron job.
begin;
select plan(14);

select is((select relkind::text from pg_class where oid = 'public.telemetry_events'::regclass), 'p', 'telemetry_events is partitioned');
select is((select pg_get_partkeydef('public.telemetry_events'::regclass)), 'RANGE (started_at)', 'by range of started_at');
select ok(to_regclass('private.telemetry_events_p' || to_char(now() at time zone 'UTC', 'YYYYMM')) is not null, 'the current month''s partition exists');
select ok(to_regclass('private.telemetry_events_p' || to_char((now() at time zone 'UTC') + interval '1 month', 'YYYYMM')) is not null, 'next month''s partition exists');
select is((select count(*)::int from pg_inherits i join pg_class c on c.oid = i.inhrelid
           where i.inhparent = 'public.telemetry_events'::regclass and c.relnamespace <> 'private'::regnamespace), 0,
  'every partition lives in private (not exposed by the Data API)');
select is((select count(*)::int from pg_inherits i join pg_class c on c.oid = i.inhrelid
           where i.inhparent = 'public.telemetry_events'::regclass
             and (has_table_privilege('authenticated', c.oid, 'select') or has_table_privilege('anon', c.oid, 'select')
                  or has_table_privilege('service_role', c.oid, 'insert'))), 0,
  'no API role has privileges on a partition: everything goes through the parent and its RLS');
select ok((select bool_and(exists (select 1 from pg_index x join pg_class ic on ic.oid = x.indexrelid join pg_am am on am.oid = ic.relam
                                   where x.indrelid = i.inhrelid and am.amname = 'brin'))
           from pg_inherits i where i.inhparent = 'public.telemetry_events'::regclass), 'every partition has a BRIN index on started_at');
select has_index('public', 'telemetry_events', 'telemetry_events_turn_idx', array['turn_id', 'started_at'], 'turns are found by (turn_id, started_at)');
select col_is_pk('public', 'telemetry_events', array['id', 'started_at'], 'the primary key includes the partition key');
select is((select schedule from cron.job where jobname = 'agentbase-telemetry-partitions'), '17 3 * * *', 'the maintenance job runs daily');
select matches((select command from cron.job where jobname = 'agentbase-telemetry-partitions'), 'private\.telemetry_maintain_partitions', 'it calls the maintenance function');
select is((select retention_months from private.telemetry_config), 6, 'retention defaults to 6 months');
select ok(not has_function_privilege('authenticated', 'private.telemetry_maintain_partitions(timestamptz)', 'execute'), 'signed-in users cannot run maintenance');
select function_returns('public', 'turn_timeline', array['uuid'], 'setof record', 'turn_timeline returns rows');

select * from finish();
rollback;
