-- Audit log, notifications, preferences, device tokens: tables, enums, keys, the audit triggers on the
-- sensitive tables, append-only guard, cheap unread count index, Realtime.
begin;
select plan(17);

select has_table('public', 'audit_log', 'audit_log exists');
select has_table('public', 'notifications', 'notifications exists');
select has_table('public', 'notification_preferences', 'notification_preferences exists');
select has_table('public', 'device_tokens', 'device_tokens exists');
select enum_has_labels('public', 'actor_type', array['human', 'agent', 'system'], 'actor types');
select enum_has_labels('public', 'notification_channel', array['in_app', 'email', 'push'], 'notification channels');
select enum_has_labels('public', 'device_platform', array['ios', 'android', 'web'], 'device platforms');
select col_is_pk('public', 'notification_preferences', array['user_id', 'kind', 'channel'], 'one preference per user x kind x channel');
select ok(exists (select 1 from pg_constraint where conrelid = 'public.device_tokens'::regclass and contype = 'u'
                  and pg_get_constraintdef(oid) = 'UNIQUE (token)'), 'a push token is unique (one row per device install)');
select ok(exists (select 1 from pg_constraint where conrelid = 'public.notifications'::regclass and contype = 'u'
                  and pg_get_constraintdef(oid) = 'UNIQUE (user_id, kind, dedup_key)'), 'notifications dedup on (user, kind, key)');
select matches(pg_get_indexdef('public.notifications_unread_idx'::regclass), 'WHERE \(read_at IS NULL\)',
  'unread notifications have their own partial index');
select is((select count(*)::int from pg_constraint where conrelid = 'public.audit_log'::regclass and contype = 'f'), 0,
  'audit_log has no foreign keys: the trail outlives what it describes');
select triggers_are('public', 'audit_log', array['audit_log_append_only'], 'audit_log is guarded append-only');
select is((select array_agg(c.relname::text order by c.relname) from pg_trigger t join pg_class c on c.oid = t.tgrelid
           where t.tgname like '%\_audit' and t.tgfoid = 'private.audit_row_change()'::regprocedure),
  array['agent_budgets', 'agents', 'gateway_registration_tokens', 'gateways', 'invites', 'organizations',
        'platform_tokens', 'user_integrations', 'workspace_members', 'workspaces'],
  'the sensitive tables carry the audit trigger');
select is((select prosecdef from pg_proc where oid = 'private.audit_row_change()'::regprocedure), true,
  'the audit writer is security definer (API roles cannot insert audit rows themselves)');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'notifications'),
  'notifications are published to Realtime');
select is((select count(*)::int from information_schema.role_table_grants where table_schema = 'public' and table_name = 'audit_log'
           and grantee in ('anon', 'authenticated', 'service_role') and privilege_type in ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')), 0,
  'no API role holds a write privilege on audit_log');

select * from finish();
rollback;
