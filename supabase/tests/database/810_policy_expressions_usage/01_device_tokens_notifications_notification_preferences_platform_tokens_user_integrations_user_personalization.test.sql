-- USING of the update and delete policies of device_tokens, notifications, notification_preferences,
-- platform_tokens, user_integrations and user_personalization (the policy mutation check, npm run
-- test:mutations). An UPDATE or DELETE with a WHERE clause or RETURNING also applies the SELECT policy, which
-- hides other users' rows on its own; the bare statement (no WHERE, no RETURNING) is the one only the
-- update / delete policy guards. Each bare statement below must touch no row of another user (and must not
-- raise: with USING weakened, the update reaches the row and the WITH CHECK then refuses it).
begin;
select plan(27);

create function pg_temp.affected(p_sql text) returns integer language plpgsql as $$
declare n integer; begin execute p_sql; get diagnostics n = row_count; return n; end $$;
grant execute on function pg_temp.affected(text) to authenticated;

select tests.create_workspace_fixture('pxus');
-- The member of workspace a owns one row of every per-user table; workspace a holds one platform token.
insert into public.device_tokens (user_id, platform, token) values (tests.user_id('pxus_member'), 'ios', 'pxus-token-member');
insert into public.notifications (user_id, workspace_id, kind, title)
  values (tests.user_id('pxus_member'), tests.workspace_id('pxus'), 'test.ping', 'for the member');
insert into public.notification_preferences (user_id, kind, channel, enabled)
  values (tests.user_id('pxus_member'), 'budget.warned', 'in_app', true);
insert into public.user_integrations (user_id, provider, account_label) values (tests.user_id('pxus_member'), 'github', 'member gh');
insert into public.user_personalization (user_id, bio) values (tests.user_id('pxus_member'), 'member bio');
insert into public.platform_tokens (workspace_id, name, token_prefix, token_hash, scopes)
  values (tests.workspace_id('pxus'), 'ci', 'abp_0000a810', extensions.digest('pxus-a', 'sha256'), array['agents:read']);

-- ------------------------------------------------------------------ per-user tables: another user of the same workspace
select tests.authenticate_as('pxus_viewer');
select is(pg_temp.affected($$ update public.device_tokens set app_version = 'stolen' $$), 0,
  'device_tokens: a bare UPDATE by another user touches nothing');
select is(pg_temp.affected($$ delete from public.device_tokens $$), 0,
  'device_tokens: a bare DELETE by another user removes nothing');
select is(pg_temp.affected($$ update public.notifications set read_at = now() $$), 0,
  'notifications: a bare UPDATE by another user touches nothing');
select is(pg_temp.affected($$ delete from public.notifications $$), 0,
  'notifications: a bare DELETE by another user removes nothing');
select is(pg_temp.affected($$ update public.notification_preferences set enabled = false $$), 0,
  'notification_preferences: a bare UPDATE by another user touches nothing');
select is(pg_temp.affected($$ delete from public.notification_preferences $$), 0,
  'notification_preferences: a bare DELETE by another user removes nothing');
select is(pg_temp.affected($$ update public.user_integrations set account_label = 'stolen' $$), 0,
  'user_integrations: a bare UPDATE by another user touches nothing');
select is(pg_temp.affected($$ delete from public.user_integrations $$), 0,
  'user_integrations: a bare DELETE by another user removes nothing');
select is(pg_temp.affected($$ update public.user_personalization set bio = 'stolen' $$), 0,
  'user_personalization: a bare UPDATE by another user touches nothing');
select is(pg_temp.affected($$ delete from public.user_personalization $$), 0,
  'user_personalization: a bare DELETE by another user removes nothing');

-- ------------------------------------------------------------------ platform_tokens: admin only
select tests.authenticate_as('pxus_member');
select is(pg_temp.affected($$ update public.platform_tokens set name = 'mine' $$), 0,
  'platform_tokens: a bare UPDATE by a member of the workspace touches nothing');
select is(pg_temp.affected($$ delete from public.platform_tokens $$), 0,
  'platform_tokens: a bare DELETE by a member of the workspace removes nothing');
select tests.authenticate_as('pxus_outsider');
select is(pg_temp.affected($$ update public.platform_tokens set name = 'stolen' $$), 0,
  'platform_tokens: a bare UPDATE by the admin of another workspace touches nothing');
select is(pg_temp.affected($$ delete from public.platform_tokens $$), 0,
  'platform_tokens: a bare DELETE by the admin of another workspace removes nothing');

select tests.clear_authentication();
select is((select app_version from public.device_tokens where token = 'pxus-token-member'), null, 'device_tokens: the member''s row is unchanged');
select is((select read_at from public.notifications where user_id = tests.user_id('pxus_member')), null, 'notifications: the member''s row is unchanged');
select is((select enabled from public.notification_preferences where user_id = tests.user_id('pxus_member')), true,
  'notification_preferences: the member''s row is unchanged');
select is((select account_label from public.user_integrations where user_id = tests.user_id('pxus_member')), 'member gh',
  'user_integrations: the member''s row is unchanged');
select is((select bio from public.user_personalization where user_id = tests.user_id('pxus_member')), 'member bio',
  'user_personalization: the member''s row is unchanged');
select is((select name from public.platform_tokens where token_prefix = 'abp_0000a810'), 'ci', 'platform_tokens: the token is unchanged');

-- ------------------------------------------------------------------ the same bare statements work for the row's owner
select tests.authenticate_as('pxus_member');
select is(pg_temp.affected($$ update public.device_tokens set app_version = '2.0' $$), 1, 'device_tokens: the owner updates their row');
select is(pg_temp.affected($$ update public.notifications set read_at = now() $$), 1, 'notifications: the owner marks their notification read');
select is(pg_temp.affected($$ update public.user_personalization set bio = 'new bio' $$), 1, 'user_personalization: the owner updates their row');
select is(pg_temp.affected($$ delete from public.notification_preferences $$), 1, 'notification_preferences: the owner deletes their row');
select is(pg_temp.affected($$ delete from public.user_integrations $$), 1, 'user_integrations: the owner deletes their row');
select tests.authenticate_as('pxus_admin');
select is(pg_temp.affected($$ update public.platform_tokens set name = 'ci 2' $$), 1, 'platform_tokens: an admin of the workspace renames the token');
select is(pg_temp.affected($$ delete from public.platform_tokens $$), 1, 'platform_tokens: an admin of the workspace deletes the token');

select * from finish();
rollback;
