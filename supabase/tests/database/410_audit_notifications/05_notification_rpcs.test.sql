-- Notification RPCs: unread count, mark read (all or some), preferences by kind and channel default,
-- and register_device_token (refresh, move between accounts, bad input).
begin;
select plan(19);

select tests.create_workspace_fixture('annrpc');
insert into public.notifications (user_id, kind, title, dedup_key)
select tests.user_id('annrpc_member'), 'test.ping', 'ping ' || g, 'k' || g from generate_series(1, 3) g;
insert into public.notifications (user_id, kind, title) values (tests.user_id('annrpc_viewer'), 'test.ping', 'viewer ping');
create table pg_temp.ids as select array_agg(id order by title) as ids from public.notifications
  where user_id = tests.user_id('annrpc_member');
grant select on pg_temp.ids to authenticated;

select throws_ok($$ insert into public.notifications (user_id, kind, title, dedup_key) values (tests.user_id('annrpc_member'), 'test.ping', 'again', 'k1') $$,
  '23505', null, 'the same (user, kind, dedup key) cannot be notified twice');

select tests.authenticate_as('annrpc_member');
select is(public.unread_notification_count(), 3::bigint, 'three unread for the member');
select is(public.mark_notifications_read(array[(select ids[1] from pg_temp.ids)]), 1, 'marking one read changes one');
select is(public.unread_notification_count(), 2::bigint, 'two unread left');
select is(public.mark_notifications_read(array[(select ids[1] from pg_temp.ids)]), 0, 'marking it again changes nothing');
select is(public.mark_notifications_read(), 2, 'marking all read changes the other two');
select is(public.unread_notification_count(), 0::bigint, 'nothing unread');

select tests.authenticate_as('annrpc_viewer');
select is(public.unread_notification_count(), 1::bigint, 'the viewer''s count is their own');
select is(public.mark_notifications_read((select ids from pg_temp.ids)), 0, 'the viewer cannot mark the member''s notifications read');
select tests.authenticate_as_anon();
select throws_ok($$ select public.unread_notification_count() $$, '42501', null, 'anon cannot call unread_notification_count');

-- Preferences: the specific kind wins over the channel default '*'; no row = enabled.
select tests.clear_authentication();
insert into public.notification_preferences (user_id, kind, channel, enabled) values
  (tests.user_id('annrpc_member'), '*', 'in_app', false),
  (tests.user_id('annrpc_member'), 'budget.exceeded', 'in_app', true);
select is(private.notification_enabled(tests.user_id('annrpc_member'), 'budget.warned', 'in_app'), false, 'the channel default turns a kind off');
select is(private.notification_enabled(tests.user_id('annrpc_member'), 'budget.exceeded', 'in_app'), true, 'a kind row overrides the default');
select is(private.notification_enabled(tests.user_id('annrpc_viewer'), 'budget.warned', 'in_app'), true, 'no preference = enabled');
select throws_ok($$ insert into public.notification_preferences (user_id, kind, channel) values (tests.user_id('annrpc_member'), 'Bad Kind', 'email') $$,
  '23514', null, 'a malformed kind is refused');

-- Device tokens.
select tests.authenticate_as('annrpc_member');
create table pg_temp.dev as select public.register_device_token('push-abc', 'ios', 'iphone-1', '1.0') as id;
select is((select public.register_device_token('push-abc', 'ios', null, '1.1')), (select id from pg_temp.dev),
  'registering the same token again refreshes the same row');
select is((select app_version from public.device_tokens where token = 'push-abc'), '1.1', 'with the new app version');
select tests.authenticate_as('annrpc_viewer');
select public.register_device_token('push-abc', 'ios', 'iphone-1');
select tests.clear_authentication();
select is((select user_id from public.device_tokens where token = 'push-abc'), tests.user_id('annrpc_viewer'),
  'a token registered under another account moves to the new signed-in user');
select tests.authenticate_as('annrpc_viewer');
select throws_ok($$ select public.register_device_token('', 'web') $$, '22023', 'p_token must be 1 to 4096 characters (got 0)', 'empty token');
select throws_ok($$ select public.register_device_token('x', 'fax') $$, '22P02', null, 'unknown platform');

select tests.clear_authentication();
select * from finish();
rollback;
