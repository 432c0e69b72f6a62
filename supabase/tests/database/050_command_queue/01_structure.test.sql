-- Command queue: structure.
-- Fixture: tests.create_command_queue_fixture() (000_helpers.test.sql).
begin;
select plan(19);

select tests.create_command_queue_fixture();

select has_table('public', 'agent_commands', 'agent_commands exists');
select has_table('public', 'agent_command_events', 'agent_command_events exists');
select enum_has_labels('public', 'command_status', array['pending', 'leased', 'running', 'done', 'failed', 'cancelled'],
  'command_status has the six states in order');
select columns_are('public', 'agent_commands', array[
  'id', 'workspace_id', 'gateway_id', 'agent_id', 'action', 'payload', 'status', 'priority', 'available_at',
  'attempt', 'max_attempts', 'lease_count', 'max_leases', 'safe_to_retry', 'dedup_key', 'lease_token',
  'lease_request_id', 'leased_at', 'lease_expires_at', 'started_at', 'last_heartbeat_at', 'finished_at',
  'finished_lease_token', 'finished_status', 'cancel_requested', 'cancel_requested_at', 'result', 'exit_code',
  'stdout', 'stderr', 'last_error', 'failure_code', 'requested_by', 'created_at', 'updated_at'],
  'agent_commands has the contract columns');
select col_is_fk('public', 'agent_commands', 'gateway_id', 'gateway_id references gateways');
select col_isnt_fk('public', 'agent_command_events', 'command_id', 'events have no foreign key to the hot row (finished rows move to history; triggers remove events on real deletes)');
select is((select relrowsecurity from pg_class where oid = 'public.agent_commands'::regclass), true, 'RLS on agent_commands');
select is((select relrowsecurity from pg_class where oid = 'public.agent_command_events'::regclass), true, 'RLS on agent_command_events');
select policies_are('public', 'agent_commands', array['agent_commands_select'], 'agent_commands: one select policy');
select policies_are('public', 'agent_command_events', array['agent_command_events_select'], 'events: one select policy');
select matches(pg_get_indexdef('public.agent_commands_lease_idx'::regclass),
  'WHERE \(status = ''pending''::command_status\)', 'lease index covers pending rows only');
select matches(pg_get_indexdef('public.agent_commands_live_idx'::regclass),
  'WHERE \(status = ANY', 'live-lease index covers leased/running rows only');
select matches(pg_get_indexdef('public.agent_commands_dedup_key_idx'::regclass),
  '^CREATE UNIQUE INDEX .*\(gateway_id, dedup_key\) WHERE .*dedup_key IS NOT NULL', 'dedup_key unique among live rows');
select ok((select reloptions @> array['fillfactor=80', 'autovacuum_vacuum_scale_factor=0.01']
           from pg_class where oid = 'public.agent_commands'::regclass), 'hot table: fillfactor 80, vacuum scale 0.01');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime'
                  and schemaname = 'public' and tablename = 'agent_commands'), 'agent_commands is in supabase_realtime');
select is((select bool_and(not p.prosecdef) from pg_proc p where p.pronamespace = 'public'::regnamespace
           and p.proname in ('enqueue_command', 'lease_command', 'start_command', 'heartbeat_command',
                             'complete_command', 'fail_command', 'release_command', 'cancel_command')), true,
  'public command RPCs are invoker wrappers (no definer function in an exposed schema)');
select is((select count(*)::int from pg_proc p where p.pronamespace = 'private'::regnamespace and p.prosecdef
           and p.proconfig @> array['search_path=""']
           and p.proname in ('enqueue_command', 'lease_command', 'start_command', 'heartbeat_command',
                             'complete_command', 'fail_command', 'release_command', 'cancel_command')), 8,
  'the 8 private implementations are definer with an empty search_path');
select ok(not has_function_privilege('anon', 'public.lease_command(uuid, int, int, uuid)', 'execute'),
  'anon cannot execute lease_command');
select ok(has_function_privilege('authenticated', 'public.lease_command(uuid, int, int, uuid)', 'execute')
          and has_function_privilege('service_role', 'public.lease_command(uuid, int, int, uuid)', 'execute'),
  'authenticated and service_role can execute lease_command');

select * from finish();
rollback;
