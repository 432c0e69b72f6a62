-- Video calls and user services: tables, enums, keys, triggers, policies.
begin;
select plan(22);

select has_table('public', 'video_calls', 'video_calls exists');
select has_table('public', 'video_call_participants', 'video_call_participants exists');
select has_table('public', 'user_services', 'user_services exists');
select columns_are('public', 'video_calls', array['id', 'workspace_id', 'project_id', 'agent_id', 'kind', 'status', 'title',
  'provider', 'room_id', 'scheduled_for', 'started_at', 'ended_at', 'duration_seconds', 'recording_path', 'transcript_path',
  'thread_id', 'error', 'created_by', 'created_at', 'updated_at'], 'video_calls columns');
select columns_are('public', 'video_call_participants', array['id', 'workspace_id', 'call_id', 'user_id', 'agent_id', 'role',
  'joined_at', 'left_at', 'created_at', 'updated_at'], 'video_call_participants columns');
select columns_are('public', 'user_services', array['id', 'workspace_id', 'project_id', 'name', 'description', 'image', 'env',
  'port', 'status', 'url', 'agent_id', 'last_error', 'status_changed_at', 'deployed_at', 'created_by', 'created_at', 'updated_at'],
  'user_services columns');
select enum_has_labels('public', 'video_call_status', array['scheduled', 'active', 'ended', 'cancelled', 'missed', 'failed'], 'call statuses');
select enum_has_labels('public', 'video_call_kind', array['voice', 'video'], 'call kinds');
select enum_has_labels('public', 'video_call_role', array['host', 'participant', 'observer'], 'participant roles');
select enum_has_labels('public', 'user_service_status', array['pending', 'deploying', 'running', 'stopped', 'failed', 'deleted'], 'service statuses');
select is((select pg_get_constraintdef(oid) from pg_constraint where conname = 'user_services_workspace_id_name_key'),
  'UNIQUE (workspace_id, name)', 'service names are unique per workspace');
select is((select pg_get_constraintdef(oid) from pg_constraint where conname = 'user_services_env_vault_check'),
  'CHECK (private.is_vault_env(env))', 'env holds Vault references only');
select is((select pg_get_constraintdef(oid) from pg_constraint where conname = 'video_call_participants_call_id_fkey'),
  'FOREIGN KEY (workspace_id, call_id) REFERENCES video_calls(workspace_id, id) ON DELETE CASCADE', 'participants belong to a call of their workspace');
select is((select count(*)::int from pg_constraint where conrelid = 'public.video_calls'::regclass and contype = 'f'
           and conname like '%thread%'), 0, 'thread_id has no foreign key (conversations are a separate domain)');
select has_index('public', 'video_call_participants', 'video_call_participants_user_id_idx', 'participants.user_id is indexed');
select has_trigger('public', 'video_calls', 'video_calls_check_status_transition', 'call transitions checked');
select has_trigger('public', 'user_services', 'user_services_check_status_transition', 'service transitions checked');
select has_trigger('public', 'video_call_participants', 'video_call_participants_check_user', 'participants must be members');
select policies_are('public', 'video_calls', array['video_calls_select', 'video_calls_insert', 'video_calls_update', 'video_calls_delete'], 'video_calls policies');
select policies_are('public', 'video_call_participants', array['video_call_participants_select', 'video_call_participants_insert', 'video_call_participants_update', 'video_call_participants_delete'], 'video_call_participants policies');
select policies_are('public', 'user_services', array['user_services_select', 'user_services_insert', 'user_services_update', 'user_services_delete'], 'user_services policies');
select col_type_is('public', 'user_services', 'env', 'jsonb', 'env is jsonb');

select * from finish();
rollback;
