-- Agent sessions and runs: tables, enums, the composite keys of the ownership chain, RPC grants.
begin;
select plan(17);

select has_table('public', 'agent_sessions', 'agent_sessions exists');
select has_table('public', 'workflow_runs', 'workflow_runs exists');
select has_table('public', 'workflow_run_steps', 'workflow_run_steps exists');
select enum_has_labels('public', 'agent_session_lifecycle',
  array['provisioning', 'active', 'hibernating', 'hibernated', 'restoring', 'archived', 'failed'], 'lifecycle states');
select enum_has_labels('public', 'agent_session_status', array['running', 'completed', 'failed', 'archived'], 'session statuses');
select enum_has_labels('public', 'workflow_run_status', array['running', 'completed', 'aborted', 'failed'], 'run statuses');
select col_is_unique('public', 'agent_sessions', array['workspace_id', 'id'], 'sessions are unique by (workspace_id, id)');
select fk_ok('public', 'threads', array['workspace_id', 'session_id'], 'public', 'agent_sessions', array['workspace_id', 'id'],
  'a chat''s session is a session of the chat''s workspace');
select fk_ok('public', 'workflow_runs', array['workspace_id', 'session_id'], 'public', 'agent_sessions', array['workspace_id', 'id'],
  'a run''s session is a session of the run''s workspace');
select fk_ok('public', 'workflow_runs', array['workspace_id', 'session_id', 'thread_id'], 'public', 'threads', array['workspace_id', 'session_id', 'id'],
  'a run''s chat is a chat of the run''s session');
select fk_ok('public', 'workflow_run_steps', array['workspace_id', 'run_id'], 'public', 'workflow_runs', array['workspace_id', 'id'],
  'a step''s run is a run of the step''s workspace');
select col_is_unique('public', 'workflow_run_steps', array['run_id', 'step_number'], 'step numbers are unique per run');
select col_default_is('public', 'agent_sessions', 'lifecycle_version', '0', 'versions start at 0');
select is((select attgenerated from pg_attribute where attrelid = 'public.workflow_runs'::regclass and attname = 'total_duration_ms'), 's',
  'total_duration_ms is derived from the timestamps');
select ok(not has_column_privilege('authenticated', 'public.agent_sessions', 'lifecycle_state', 'update'),
  'signed-in users change the lifecycle only through transition_agent_session');
select ok(not has_function_privilege('anon', 'public.transition_agent_session(uuid, integer, public.agent_session_lifecycle, text, jsonb, text)', 'execute'),
  'anon cannot call transition_agent_session');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'agent_sessions'), 'sessions are published to Realtime');

select * from finish();
rollback;
