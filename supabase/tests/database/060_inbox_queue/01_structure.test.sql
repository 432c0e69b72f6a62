-- Inbox queue: structure.
-- Fixture: tests.create_inbox_queue_fixture() (000_helpers.test.sql).
begin;
select plan(21);

select tests.create_inbox_queue_fixture();

select has_table('public', 'agent_inbox_items', 'agent_inbox_items exists');
select has_table('public', 'agent_inbox_events', 'agent_inbox_events exists');
select enum_has_labels('public', 'inbox_item_status', array['pending', 'leased', 'done', 'dead_letter', 'cancelled'],
  'inbox_item_status has the five states in order');
select columns_are('public', 'agent_inbox_items', array[
  'id', 'workspace_id', 'agent_id', 'event_type', 'summary', 'context', 'subject_type', 'subject_id', 'status',
  'priority', 'available_at', 'attempt', 'max_attempts', 'lease_count', 'max_leases', 'serialized', 'dedup_key',
  'lease_token', 'lease_request_id', 'leased_at', 'lease_expires_at', 'last_heartbeat_at', 'finished_at',
  'finished_lease_token', 'finished_status', 'cancel_requested', 'cancel_requested_at', 'result', 'last_error',
  'failure_code', 'requested_by', 'created_at', 'updated_at'],
  'agent_inbox_items has the contract columns');
select col_is_fk('public', 'agent_inbox_items', 'agent_id', 'agent_id references agents');
select col_isnt_fk('public', 'agent_inbox_events', 'item_id', 'events have no foreign key to the hot row (finished rows move to history; triggers remove events on real deletes)');
select is((select relrowsecurity from pg_class where oid = 'public.agent_inbox_items'::regclass), true, 'RLS on agent_inbox_items');
select is((select relrowsecurity from pg_class where oid = 'public.agent_inbox_events'::regclass), true, 'RLS on agent_inbox_events');
select policies_are('public', 'agent_inbox_items', array['agent_inbox_items_select'], 'agent_inbox_items: one select policy');
select policies_are('public', 'agent_inbox_events', array['agent_inbox_events_select'], 'inbox events: one select policy');
select matches(pg_get_indexdef('public.agent_inbox_items_lease_idx'::regclass),
  'WHERE \(status = ''pending''::inbox_item_status\)', 'lease index covers pending rows only');
select matches(pg_get_indexdef('public.agent_inbox_items_one_serialized_lease_idx'::regclass),
  '^CREATE UNIQUE INDEX .*\(agent_id\) WHERE \(serialized AND \(status = ''leased''', 'one serialized lease per agent, by a partial unique index');
select matches(pg_get_indexdef('public.agent_inbox_items_dedup_key_idx'::regclass),
  '^CREATE UNIQUE INDEX .*\(agent_id, dedup_key\) WHERE', 'dedup_key unique among live items');
select ok((select reloptions @> array['fillfactor=80', 'autovacuum_vacuum_scale_factor=0.01']
           from pg_class where oid = 'public.agent_inbox_items'::regclass), 'hot table: fillfactor 80, vacuum scale 0.01');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime'
                  and schemaname = 'public' and tablename = 'agent_inbox_items'), 'agent_inbox_items is in supabase_realtime');
select is((select bool_and(not p.prosecdef) from pg_proc p where p.pronamespace = 'public'::regnamespace
           and p.proname in ('enqueue_inbox_item', 'lease_inbox_item', 'heartbeat_inbox_item', 'complete_inbox_item',
                             'fail_inbox_item', 'release_inbox_item', 'cancel_inbox_item')), true,
  'public inbox RPCs are invoker wrappers');
select is((select count(*)::int from pg_proc p where p.pronamespace = 'private'::regnamespace and p.prosecdef
           and p.proconfig @> array['search_path=""']
           and p.proname in ('enqueue_inbox_item', 'lease_inbox_item', 'heartbeat_inbox_item', 'complete_inbox_item',
                             'fail_inbox_item', 'release_inbox_item', 'cancel_inbox_item')), 7,
  'the 7 private implementations are definer with an empty search_path');
select has_function('private', 'agent_budget_blocked', array['uuid'], 'the budget hook exists for the budgets issue to replace');
select ok(not has_function_privilege('anon', 'public.lease_inbox_item(uuid, int, int, uuid)', 'execute'),
  'anon cannot execute lease_inbox_item');
select has_function('private', 'sweep_queues', array['integer'], 'the sweeper entry point exists');
select results_eq($$ select schedule, command from cron.job where jobname = 'agentbase-queue-sweeper' $$,
                  $$ values ('* * * * *'::text, 'select private.sweep_queues()'::text) $$,
                  'pg_cron job agentbase-queue-sweeper runs the sweeper every minute');

select * from finish();
rollback;
