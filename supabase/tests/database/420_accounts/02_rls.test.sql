-- RLS and grants of user_personalization, user_integrations, platform_tokens, token_audit_log and
-- user_trials for anon, outsider, viewer, member, admin, owner and service_role x select/insert/update/delete.
-- Trials: the organization's (user_id null) is read by everyone who can see the organization; a personal
-- one (user_id set) only by its user.
begin;
select plan(52);

select tests.create_workspace_fixture('acrls');
insert into public.user_personalization (user_id, bio) values (tests.user_id('acrls_member'), 'member bio');
insert into public.user_integrations (user_id, provider, account_label) values
  (tests.user_id('acrls_member'), 'github', 'member gh'), (tests.user_id('acrls_owner'), 'slack', 'owner slack');
insert into public.platform_tokens (workspace_id, name, token_prefix, token_hash, scopes) values
  (tests.workspace_id('acrls'), 'ci', 'abp_00000000', extensions.digest('acrls-a', 'sha256'), array['agents:read']),
  (tests.workspace_id('acrls', 'b'), 'ci-b', 'abp_00000001', extensions.digest('acrls-b', 'sha256'), array['agents:read']);
insert into public.token_audit_log (workspace_id, token_id, scope, result, actor_role)
select workspace_id, id, 'agents:read', 'allowed', 'service_role' from public.platform_tokens where name in ('ci', 'ci-b');
insert into public.user_trials (organization_id, user_id, plan, ends_at)
select id, tests.user_id('acrls_owner'), 'team', now() + interval '14 days' from public.organizations where slug = 'acrls';
insert into public.user_trials (organization_id, user_id, plan, ends_at)
select id, null, 'pro', now() + interval '30 days' from public.organizations where slug = 'acrls';
create table pg_temp.ws as select tests.workspace_id('acrls') as a, tests.workspace_id('acrls', 'b') as b;
grant select on pg_temp.ws to anon, authenticated, service_role;

-- ------------------------------------------------------------------ anon
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.user_personalization $$, 'anon cannot read user_personalization');
select tests.assert_denied($$ select * from public.user_integrations $$, 'anon cannot read user_integrations');
select tests.assert_denied($$ select * from public.platform_tokens $$, 'anon cannot read platform_tokens');
select tests.assert_denied($$ select * from public.token_audit_log $$, 'anon cannot read token_audit_log');
select tests.assert_denied($$ select * from public.user_trials $$, 'anon cannot read user_trials');
select tests.assert_denied($$ insert into public.user_personalization (user_id) values (gen_random_uuid()) $$, 'anon cannot insert personalization');

-- ------------------------------------------------------------------ outsider
select tests.authenticate_as('acrls_outsider');
select tests.assert_filtered($$ select * from public.user_personalization $$, 'outsider sees no one else''s personalization');
select tests.assert_filtered($$ select * from public.user_integrations $$, 'outsider sees no one else''s integrations');
select tests.assert_filtered($$ select * from public.platform_tokens where workspace_id = (select a from pg_temp.ws) $$,
  'outsider sees no platform token of workspace a');
select is((select name from public.platform_tokens), 'ci-b', 'outsider (admin of b) sees b''s token');
select tests.assert_filtered($$ select * from public.token_audit_log where workspace_id = (select a from pg_temp.ws) $$,
  'outsider sees no token log of workspace a');
select tests.assert_filtered($$ delete from public.platform_tokens where workspace_id = (select a from pg_temp.ws) returning id $$,
  'outsider cannot delete a''s tokens');
select tests.assert_filtered($$ update public.user_integrations set account_label = 'x' returning id $$, 'outsider cannot touch others'' integrations');
select is((select string_agg(plan, ',') from public.user_trials), 'pro', 'outsider (same organization) reads the organization''s trial, not the owner''s personal one');

-- ------------------------------------------------------------------ viewer
select tests.authenticate_as('acrls_viewer');
select tests.assert_filtered($$ select * from public.platform_tokens $$, 'viewer does not see platform tokens (admins only)');
select tests.assert_filtered($$ select * from public.token_audit_log $$, 'viewer does not see the token log');
select results_eq($$ insert into public.user_personalization (user_id, occupation) values (auth.uid(), 'analyst') returning occupation $$,
  $$ values ('analyst') $$, 'viewer writes their own personalization');
select tests.assert_denied($$ insert into public.user_personalization (user_id, occupation)
  values ((select user_id from public.workspace_members where role = 'owner' and workspace_id = (select a from pg_temp.ws)), 'x') $$,
  'viewer cannot write someone else''s personalization');
select tests.assert_denied($$ insert into public.user_integrations (user_id, provider) values (auth.uid(), 'github') $$,
  'viewer cannot insert integrations directly (connect_integration encrypts)');
select tests.assert_denied($$ insert into public.user_trials (organization_id, plan, ends_at)
  select id, 'pro', now() + interval '1 day' from public.organizations where slug = 'acrls' $$, 'viewer cannot start trials');

-- ------------------------------------------------------------------ member
select tests.authenticate_as('acrls_member');
select is((select bio from public.user_personalization), 'member bio', 'member reads their own personalization');
select results_eq($$ update public.user_personalization set goals = 'ship' returning goals $$, $$ values ('ship') $$, 'member updates it');
select is((select account_label from public.user_integrations), 'member gh', 'member reads only their own integration');
select results_eq($$ update public.user_integrations set account_label = 'work gh' returning account_label $$, $$ values ('work gh') $$,
  'member relabels their integration');
select tests.assert_denied($$ update public.user_integrations set provider = 'slack' $$, 'member cannot change an integration''s provider');
select tests.assert_filtered($$ select * from public.platform_tokens $$, 'member does not see platform tokens');
select tests.assert_denied($$ insert into public.platform_tokens (workspace_id, name, token_prefix, token_hash, scopes)
  values ((select a from pg_temp.ws), 'x', 'abp_00000002', extensions.digest('x', 'sha256'), array['agents:read']) $$,
  'member cannot insert platform tokens');
select tests.assert_denied($$ update public.user_trials set ends_at = ends_at + interval '1 year' $$, 'member cannot extend a trial');
select is((select string_agg(plan, ',') from public.user_trials), 'pro', 'member reads the organization''s trial, not the owner''s personal one');
select results_eq($$ delete from public.user_personalization returning bio $$, $$ values ('member bio') $$, 'member deletes their personalization');
select results_eq($$ delete from public.user_integrations returning provider::text $$, $$ values ('github') $$, 'member disconnects their integration');

-- ------------------------------------------------------------------ admin
select tests.authenticate_as('acrls_admin');
select is((select name from public.platform_tokens), 'ci', 'admin sees the workspace''s token');
select is((select count(*)::int from public.token_audit_log), 1, 'admin reads the workspace''s token log');
select results_eq($$ update public.platform_tokens set name = 'ci renamed' returning name $$, $$ values ('ci renamed') $$, 'admin renames a token');
select tests.assert_denied($$ update public.platform_tokens set scopes = array['agents:admin'] $$, 'admin cannot widen scopes in place');
select tests.assert_denied($$ update public.platform_tokens set revoked_at = null $$, 'admin cannot un-revoke by update');
select tests.assert_denied($$ insert into public.token_audit_log (workspace_id, scope, result, actor_role) values ((select a from pg_temp.ws), 'a:read', 'allowed', 'x') $$,
  'admin cannot forge token log rows');
select tests.assert_denied($$ delete from public.token_audit_log $$, 'admin cannot delete token log rows');
select tests.assert_filtered($$ select * from public.user_integrations $$, 'admin sees no one else''s integrations');

-- ------------------------------------------------------------------ owner
select tests.authenticate_as('acrls_owner');
select is((select account_label from public.user_integrations), 'owner slack', 'owner reads their own integration');
select tests.assert_filtered($$ select * from public.user_personalization $$, 'owner sees no one else''s personalization');
select results_eq($$ delete from public.platform_tokens returning name $$, $$ values ('ci renamed') $$, 'owner deletes the workspace token');
select tests.assert_denied($$ update public.token_audit_log set scope = 'x:read' $$, 'owner cannot update the token log');
select is((select string_agg(plan || ':' || (user_id is not null), ',' order by plan) from public.user_trials), 'pro:false,team:true',
  'owner reads the organization''s trial and their own personal one');
select tests.assert_denied($$ update public.user_trials set ends_at = ends_at + interval '1 year' where user_id = auth.uid() $$,
  'owner cannot extend their own personal trial (billing writes trials)');

-- ------------------------------------------------------------------ service_role
select tests.authenticate_as_service_role();
select ok((select count(*) from public.user_integrations) >= 1, 'service_role reads integrations');
select is((select count(*)::int from public.platform_tokens where name = 'ci-b'), 1, 'service_role reads every workspace''s tokens');
select results_eq($$ insert into public.user_trials (organization_id, user_id, plan, ends_at)
  select w.organization_id, null, 'pro', now() + interval '7 days' from public.workspaces w where w.id = (select b from pg_temp.ws)
  on conflict do nothing returning plan $$, $$ select 'pro'::text where false $$, 'service_role writes trials (a second open one is refused by the index)');
select results_eq($$ update public.user_trials set converted_at = now() where user_id is not null and organization_id = (select organization_id from public.workspaces where id = (select a from pg_temp.ws)) returning plan $$, $$ values ('team') $$,
  'service_role converts a trial');
select tests.assert_denied($$ update public.token_audit_log set scope = 'x:read' $$, 'service_role cannot update the token log');
select tests.assert_denied($$ delete from public.token_audit_log $$, 'service_role cannot delete the token log');
select results_eq($$ insert into public.user_personalization (user_id, company) values ((select user_id from public.workspace_members where role = 'owner' and workspace_id = (select a from pg_temp.ws)), 'Acme') returning company $$,
  $$ values ('Acme') $$, 'service_role writes anyone''s personalization');

select tests.clear_authentication();
select * from finish();
rollback;
