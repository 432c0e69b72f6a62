-- Desktops and robots: tables, enums, tenancy keys, triggers, policies, and the sweeper's pg_cron job.
begin;
select plan(39);

select has_table('public', 'desktop_configs', 'desktop_configs exists');
select has_table('public', 'desktop_virtual_machines', 'desktop_virtual_machines exists');
select has_table('public', 'desktop_connections', 'desktop_connections exists');
select has_table('public', 'computer_use_tasks', 'computer_use_tasks exists');
select has_table('public', 'robot_macros', 'robot_macros exists');
select has_table('public', 'robot_macro_executions', 'robot_macro_executions exists');
select columns_are('public', 'desktop_virtual_machines', array['id', 'workspace_id', 'config_id', 'agent_id', 'name', 'status',
  'provider', 'external_id', 'host', 'last_error', 'status_changed_at', 'provisioning_at', 'running_at', 'stopped_at', 'error_at',
  'deleted_at', 'created_by', 'created_at', 'updated_at'], 'desktop_virtual_machines columns');
select columns_are('public', 'desktop_connections', array['id', 'workspace_id', 'vm_id', 'client_id', 'agent_id', 'status',
  'heartbeat_timeout_seconds', 'connected_at', 'last_heartbeat_at', 'disconnected_at', 'close_reason', 'meta', 'created_at',
  'updated_at'], 'desktop_connections columns');
select columns_are('public', 'computer_use_tasks', array['id', 'workspace_id', 'project_id', 'agent_id', 'vm_id', 'instruction',
  'status', 'steps', 'screenshots', 'result', 'error', 'started_at', 'finished_at', 'created_by', 'created_at', 'updated_at'],
  'computer_use_tasks columns');
select columns_are('public', 'robot_macro_executions', array['id', 'workspace_id', 'macro_id', 'macro_version', 'vm_id',
  'connection_id', 'agent_id', 'status', 'steps_completed', 'output', 'error', 'started_at', 'finished_at', 'duration_ms',
  'triggered_by', 'created_at', 'updated_at'], 'robot_macro_executions columns');
select has_column('public', 'desktop_configs', 'screen_width', 'desktop_configs.screen_width');
select has_column('public', 'robot_macros', 'steps', 'robot_macros.steps');

select enum_has_labels('public', 'desktop_vm_status', array['provisioning', 'running', 'stopped', 'error', 'deleted'], 'VM statuses');
select enum_has_labels('public', 'desktop_connection_status', array['connected', 'disconnected', 'expired'], 'connection statuses');
select enum_has_labels('public', 'computer_use_task_status', array['pending', 'running', 'succeeded', 'failed', 'cancelled'], 'task statuses');
select enum_has_labels('public', 'robot_execution_status', array['running', 'succeeded', 'failed', 'cancelled'], 'execution statuses');

select is((select pg_get_constraintdef(oid) from pg_constraint where conname = 'desktop_connections_vm_id_fkey'),
  'FOREIGN KEY (workspace_id, vm_id) REFERENCES desktop_virtual_machines(workspace_id, id) ON DELETE CASCADE',
  'a connection''s machine is in its workspace');
select is((select pg_get_constraintdef(oid) from pg_constraint where conname = 'computer_use_tasks_vm_id_fkey'),
  'FOREIGN KEY (workspace_id, vm_id) REFERENCES desktop_virtual_machines(workspace_id, id) ON DELETE SET NULL (vm_id)',
  'a task''s desktop is in its workspace');
select is((select pg_get_constraintdef(oid) from pg_constraint where conname = 'robot_macro_executions_macro_id_fkey'),
  'FOREIGN KEY (workspace_id, macro_id) REFERENCES robot_macros(workspace_id, id) ON DELETE CASCADE',
  'an execution''s macro is in its workspace');
select col_type_is('public', 'robot_macro_executions', 'duration_ms', 'bigint', 'duration_ms is a bigint');
select is((select attgenerated from pg_attribute where attrelid = 'public.robot_macro_executions'::regclass and attname = 'duration_ms'),
  's'::"char", 'duration_ms is derived from the timestamps');

select has_index('public', 'desktop_connections', 'desktop_connections_live_idx', 'the sweeper scans live connections by index');
select has_index('public', 'desktop_connections', 'desktop_connections_one_live_idx', 'one live connection per client and machine');
select has_index('public', 'computer_use_tasks', 'computer_use_tasks_workspace_vm_idx', 'computer_use_tasks.vm_id is indexed');
select has_index('public', 'robot_macro_executions', 'robot_macro_executions_workspace_connection_idx', 'executions.connection_id is indexed');

select has_trigger('public', 'desktop_virtual_machines', 'desktop_virtual_machines_check_status_transition', 'VM transitions checked');
select has_trigger('public', 'desktop_virtual_machines', 'desktop_virtual_machines_close_connections', 'VM stop closes connections');
select has_trigger('public', 'desktop_connections', 'desktop_connections_check_status_transition', 'connection transitions checked');
select has_trigger('public', 'computer_use_tasks', 'computer_use_tasks_check_status_transition', 'task transitions checked');
select has_trigger('public', 'robot_macro_executions', 'robot_macro_executions_check_status_transition', 'execution transitions checked');
select has_trigger('public', 'robot_macros', 'robot_macros_bump_version', 'macro version bump');

select policies_are('public', 'desktop_configs', array['desktop_configs_select', 'desktop_configs_insert', 'desktop_configs_update', 'desktop_configs_delete'], 'desktop_configs policies');
select policies_are('public', 'desktop_virtual_machines', array['desktop_virtual_machines_select', 'desktop_virtual_machines_insert', 'desktop_virtual_machines_update', 'desktop_virtual_machines_delete'], 'desktop_virtual_machines policies');
select policies_are('public', 'desktop_connections', array['desktop_connections_select', 'desktop_connections_insert', 'desktop_connections_update', 'desktop_connections_delete'], 'desktop_connections policies');
select policies_are('public', 'computer_use_tasks', array['computer_use_tasks_select', 'computer_use_tasks_insert', 'computer_use_tasks_update', 'computer_use_tasks_delete'], 'computer_use_tasks policies');
select policies_are('public', 'robot_macros', array['robot_macros_select', 'robot_macros_insert', 'robot_macros_update', 'robot_macros_delete'], 'robot_macros policies');
select policies_are('public', 'robot_macro_executions', array['robot_macro_executions_select', 'robot_macro_executions_insert', 'robot_macro_executions_update', 'robot_macro_executions_delete'], 'robot_macro_executions policies');

select is((select schedule || ' ' || command from cron.job where jobname = 'agentbase-desktop-connections'),
  '* * * * * select private.expire_stale_desktop_connections()', 'stale connections are swept every minute');
select ok(not has_function_privilege('authenticated', 'private.expire_stale_desktop_connections(timestamptz, int)', 'execute'),
  'API roles cannot run the sweeper');

select * from finish();
rollback;
