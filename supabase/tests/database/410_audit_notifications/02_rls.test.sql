-- RLS and grants of audit_log, notifications, notification_preferences and device_tokens for anon,
-- outsider, viewer, member, admin, owner and service_role x select / insert / update / delete.
begin;
select plan(50);

select tests.create_workspace_fixture('anrls');
-- Audit rows: one of workspace a (from a role change), one of workspace b.
select public.set_member_role(tests.workspace_id('anrls'), tests.user_id('anrls_viewer'), 'member');
select public.set_member_role(tests.workspace_id('anrls'), tests.user_id('anrls_viewer'), 'viewer');
insert into public.gateways (workspace_id, slug) values (tests.workspace_id('anrls', 'b'), 'anrls-gw-b');
insert into public.notifications (user_id, workspace_id, kind, title) values
  (tests.user_id('anrls_member'), tests.workspace_id('anrls'), 'test.ping', 'for the member'),
  (tests.user_id('anrls_viewer'), tests.workspace_id('anrls'), 'test.ping', 'for the viewer');
insert into public.notification_preferences (user_id, kind, channel, enabled) values
  (tests.user_id('anrls_member'), '*', 'email', false);
insert into public.device_tokens (user_id, platform, token) values (tests.user_id('anrls_member'), 'ios', 'anrls-token-member');
create table pg_temp.ws as select tests.workspace_id('anrls') as a, tests.workspace_id('anrls', 'b') as b;
grant select on pg_temp.ws to anon, authenticated, service_role;

-- ------------------------------------------------------------------ anon
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.audit_log $$, 'anon cannot read audit_log');
select tests.assert_denied($$ select * from public.notifications $$, 'anon cannot read notifications');
select tests.assert_denied($$ select * from public.notification_preferences $$, 'anon cannot read notification_preferences');
select tests.assert_denied($$ select * from public.device_tokens $$, 'anon cannot read device_tokens');
select tests.assert_denied($$ insert into public.device_tokens (user_id, platform, token) values (gen_random_uuid(), 'web', 'x') $$, 'anon cannot insert device_tokens');
select tests.assert_denied($$ delete from public.notifications $$, 'anon cannot delete notifications');

-- ------------------------------------------------------------------ outsider
select tests.authenticate_as('anrls_outsider');
select tests.assert_filtered($$ select * from public.audit_log where workspace_id = (select a from pg_temp.ws) $$,
  'outsider sees no audit rows of workspace a');
select ok((select count(*) from public.audit_log where workspace_id = (select b from pg_temp.ws)) > 0,
  'outsider (admin of b) reads b''s audit rows');
select tests.assert_denied($$ insert into public.audit_log (actor_type, actor_role, action, entity_type) values ('human', 'x', 'a.b', 'a') $$,
  'outsider cannot forge audit rows');
select tests.assert_filtered($$ select * from public.notifications $$, 'outsider sees nobody else''s notifications');
select tests.assert_filtered($$ update public.notifications set read_at = now() returning id $$, 'outsider cannot mark others'' notifications read');
select tests.assert_filtered($$ delete from public.notifications returning id $$, 'outsider cannot delete others'' notifications');
select tests.assert_filtered($$ select * from public.notification_preferences $$, 'outsider sees no one else''s preferences');
select tests.assert_filtered($$ select * from public.device_tokens $$, 'outsider sees no one else''s device tokens');
select tests.assert_filtered($$ delete from public.device_tokens returning id $$, 'outsider cannot delete others'' device tokens');

-- ------------------------------------------------------------------ viewer
select tests.authenticate_as('anrls_viewer');
select tests.assert_filtered($$ select * from public.audit_log where workspace_id = (select a from pg_temp.ws) $$,
  'viewer does not read the workspace audit log (admins only)');
select is((select title from public.notifications), 'for the viewer', 'viewer reads only their own notification');
select tests.assert_denied($$ insert into public.notifications (user_id, kind, title) values (auth.uid(), 'x', 'self-made') $$,
  'viewer cannot create notifications');
select tests.assert_denied($$ update public.notifications set title = 'changed' $$, 'viewer cannot rewrite a notification (only read_at)');
select results_eq($$ update public.notifications set read_at = now() returning title $$, $$ values ('for the viewer') $$,
  'viewer marks their own notification read');
select results_eq($$ insert into public.notification_preferences (user_id, kind, channel, enabled) values (auth.uid(), 'budget.warned', 'push', false) returning kind $$,
  $$ values ('budget.warned') $$, 'viewer sets their own preference');
select tests.assert_denied($$ insert into public.notification_preferences (user_id, kind, channel, enabled)
  values ((select user_id from public.workspace_members where role = 'owner' and workspace_id = (select a from pg_temp.ws)), '*', 'push', false) $$,
  'viewer cannot set a preference for someone else');
select tests.assert_denied($$ insert into public.device_tokens (user_id, platform, token)
  values ((select user_id from public.workspace_members where role = 'owner' and workspace_id = (select a from pg_temp.ws)), 'web', 'stolen') $$,
  'viewer cannot register a device token for someone else');

-- ------------------------------------------------------------------ member
select tests.authenticate_as('anrls_member');
select tests.assert_filtered($$ select * from public.audit_log where workspace_id = (select a from pg_temp.ws) $$,
  'member does not read the workspace audit log');
select is((select title from public.notifications), 'for the member', 'member reads only their own notification');
select results_eq($$ delete from public.notifications returning title $$, $$ values ('for the member') $$, 'member deletes their own notification');
select is((select enabled from public.notification_preferences), false, 'member reads their own preference');
select results_eq($$ update public.notification_preferences set enabled = true returning enabled $$, $$ values (true) $$, 'member updates their preference');
select tests.assert_denied($$ update public.notification_preferences set user_id = gen_random_uuid() $$, 'member cannot move a preference to another user');
select results_eq($$ delete from public.notification_preferences returning kind $$, $$ values ('*') $$, 'member deletes their preference');
select is((select token from public.device_tokens), 'anrls-token-member', 'member reads their own device token');
select results_eq($$ update public.device_tokens set app_version = '2.0' returning app_version $$, $$ values ('2.0') $$, 'member updates their device token');
select tests.assert_denied($$ update public.device_tokens set token = 'other' $$, 'member cannot rewrite the token value itself');
select results_eq($$ insert into public.device_tokens (user_id, platform, token) values (auth.uid(), 'android', 'anrls-token-2') returning platform::text $$,
  $$ values ('android') $$, 'member registers another own device');
select results_eq($$ delete from public.device_tokens where token = 'anrls-token-2' returning token $$, $$ values ('anrls-token-2') $$,
  'member deletes their own device token');
select tests.assert_denied($$ update public.audit_log set action = 'x.y' $$, 'member cannot update audit_log');

-- ------------------------------------------------------------------ admin, owner
select tests.authenticate_as('anrls_admin');
select ok((select count(*) from public.audit_log where workspace_id = (select a from pg_temp.ws)
           and action = 'workspace_members.update') = 2, 'admin reads both role changes in the workspace audit log');
select tests.assert_filtered($$ select * from public.audit_log where workspace_id = (select b from pg_temp.ws) $$,
  'admin of a sees nothing of b');
select tests.assert_denied($$ delete from public.audit_log $$, 'admin cannot delete audit rows');
select tests.assert_filtered($$ select * from public.notifications $$, 'admin sees no notification of others');

select tests.authenticate_as('anrls_owner');
select ok((select count(*) from public.audit_log where workspace_id = (select a from pg_temp.ws)) > 0, 'owner reads the workspace audit log');
select tests.assert_denied($$ update public.audit_log set action = 'x.y' $$, 'owner cannot update audit rows');
select tests.assert_denied($$ insert into public.audit_log (actor_type, actor_role, action, entity_type) values ('human', 'x', 'a.b', 'a') $$,
  'owner cannot insert audit rows');
select tests.assert_filtered($$ select * from public.device_tokens $$, 'owner sees no one else''s device tokens');

-- ------------------------------------------------------------------ service_role
select tests.authenticate_as_service_role();
select ok((select count(*) from public.audit_log where workspace_id in ((select a from pg_temp.ws), (select b from pg_temp.ws))) >= 3,
  'service_role reads every workspace''s audit rows');
select tests.assert_denied($$ insert into public.audit_log (actor_type, actor_role, action, entity_type) values ('system', 'x', 'a.b', 'a') $$,
  'service_role cannot insert audit rows directly');
select tests.assert_denied($$ delete from public.audit_log $$, 'service_role cannot delete audit rows');
select results_eq($$ insert into public.notifications (user_id, kind, title)
  select user_id, 'test.system', 'from the system' from public.workspace_members where role = 'owner' and workspace_id = (select a from pg_temp.ws)
  returning title $$, $$ values ('from the system') $$, 'service_role creates notifications');
select ok((select count(*) from public.device_tokens where token like 'anrls-%') = 1, 'service_role reads device tokens');
select results_eq($$ delete from public.notification_preferences where kind = 'budget.warned' returning channel::text $$, $$ values ('push') $$,
  'service_role deletes preferences');

select tests.clear_authentication();
select * from finish();
rollback;
