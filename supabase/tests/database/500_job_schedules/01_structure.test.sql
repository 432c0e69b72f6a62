-- Job schedules and jobs: tables, enums, keys that make materialisation exactly-once, triggers,
-- policies, and the pg_cron job that runs the sweep.
begin;
select plan(30);

select has_table('public', 'job_schedules', 'job_schedules exists');
select has_table('public', 'jobs', 'jobs exists');
select columns_are('public', 'job_schedules', array[
  'id', 'workspace_id', 'project_id', 'name', 'description', 'cron_expression', 'timezone', 'enabled', 'catch_up',
  'target_kind', 'gateway_id', 'agent_id', 'command_action', 'command_payload', 'command', 'arguments',
  'timeout_seconds', 'max_attempts', 'next_run_at', 'last_due_at', 'created_by', 'created_at', 'updated_at'],
  'job_schedules columns');
select columns_are('public', 'jobs', array[
  'id', 'workspace_id', 'schedule_id', 'due_at', 'target_kind', 'gateway_id', 'agent_id', 'command', 'arguments',
  'command_id', 'status', 'attempt', 'max_attempts', 'timeout_seconds', 'exit_code', 'logs', 'logs_truncated', 'error',
  'queued_at', 'started_at', 'finished_at', 'created_by', 'created_at', 'updated_at'],
  'jobs columns');
select enum_has_labels('public', 'job_status', array['queued', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'], 'job_status values');
select enum_has_labels('public', 'job_target_kind', array['agent_command', 'job_definition'], 'job_target_kind values');
select enum_has_labels('public', 'job_catch_up', array['latest', 'all'], 'job_catch_up values');
select col_type_is('public', 'job_schedules', 'next_run_at', 'timestamp with time zone', 'next_run_at is timestamptz');
select col_type_is('public', 'jobs', 'status', 'job_status', 'jobs.status is the enum');
select col_not_null('public', 'job_schedules', 'cron_expression', 'cron_expression is required');

-- The exactly-once key and the tenancy keys.
select is((select pg_get_constraintdef(oid) from pg_constraint where conname = 'jobs_schedule_id_due_at_key'),
  'UNIQUE (schedule_id, due_at)', 'one job per (schedule, due time)');
select is((select pg_get_constraintdef(oid) from pg_constraint where conname = 'job_schedules_agent_id_fkey'),
  'FOREIGN KEY (workspace_id, agent_id) REFERENCES agents(workspace_id, id) ON DELETE SET NULL (agent_id)',
  'a schedule''s agent is in its workspace');
select is((select pg_get_constraintdef(oid) from pg_constraint where conname = 'jobs_schedule_id_fkey'),
  'FOREIGN KEY (workspace_id, schedule_id) REFERENCES job_schedules(workspace_id, id) ON DELETE SET NULL (schedule_id)',
  'a job''s schedule is in its workspace; deleting the schedule keeps the history');
select is((select pg_get_constraintdef(oid) from pg_constraint where conname = 'jobs_logs_size_check'),
  'CHECK ((octet_length(logs) <= 1048576))', 'logs are capped at 1 MiB');
select is((select pg_get_constraintdef(oid) from pg_constraint where conname = 'job_schedules_workspace_id_name_key'),
  'UNIQUE (workspace_id, name)', 'schedule names are unique per workspace');

-- Indexes the sweep and the foreign keys need.
select has_index('public', 'job_schedules', 'job_schedules_due_idx', 'due schedules are found by index');
select has_index('public', 'jobs', 'jobs_command_id_idx', 'jobs.command_id is indexed');
select has_index('public', 'jobs', 'jobs_workspace_schedule_idx', 'jobs.schedule_id is indexed');

select has_trigger('public', 'job_schedules', 'job_schedules_before_write', 'schedules validated and timed by trigger');
select has_trigger('public', 'jobs', 'jobs_check_status_transition', 'job transitions are checked');
select has_trigger('public', 'jobs', 'jobs_prepare_write', 'job logs capped and times stamped');
select has_trigger('public', 'jobs', 'jobs_set_updated_at', 'jobs updated_at');
select has_trigger('public', 'job_schedules', 'job_schedules_set_updated_at', 'job_schedules updated_at');

select policies_are('public', 'job_schedules',
  array['job_schedules_select', 'job_schedules_insert', 'job_schedules_update', 'job_schedules_delete'], 'job_schedules policies');
select policies_are('public', 'jobs', array['jobs_select', 'jobs_insert', 'jobs_update', 'jobs_delete'], 'jobs policies');
select ok((select relrowsecurity from pg_class where oid = 'public.jobs'::regclass), 'RLS on jobs');

-- The sweep runs every minute, and it runs both steps.
select is((select schedule from cron.job where jobname = 'agentbase-job-schedules'), '* * * * *', 'sweep scheduled every minute');
select matches((select command from cron.job where jobname = 'agentbase-job-schedules'),
  'private\.materialize_due_job_schedules\(\).*private\.sync_command_jobs\(\)', 'sweep materialises then syncs');
select ok(not has_function_privilege('authenticated', 'private.materialize_due_job_schedules(timestamptz, int)', 'execute'),
  'API roles cannot run the materialiser');
select ok((select exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'jobs')),
  'jobs are published to Realtime');

select * from finish();
rollback;
