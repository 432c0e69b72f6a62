-- Tenancy: RLS: profiles.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(35);

select tests.create_tenancy_fixture();

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.profiles $$, 'profiles: anon cannot select');
select tests.assert_denied($$ insert into public.profiles (id) values (gen_random_uuid()) returning id $$, 'profiles: anon cannot insert');
select tests.assert_denied($$ update public.profiles set display_name = 'x' returning id $$, 'profiles: anon cannot update');
select tests.assert_denied($$ delete from public.profiles returning id $$, 'profiles: anon cannot delete');

select tests.authenticate_as('t_outsider');
select results_eq($$ select id from public.profiles $$, $$ values (tests.user_id('t_outsider')) $$,
  'profiles: a member of another workspace sees only their own profile');
select tests.assert_filtered($$ select id from public.profiles where id = tests.user_id('t_owner') $$,
  'profiles: a member of another workspace cannot see W members');
select tests.assert_denied($$ insert into public.profiles (id) values (gen_random_uuid()) returning id $$, 'profiles: outsider cannot insert');
select tests.assert_filtered($$ update public.profiles set display_name = 'hacked' where id = tests.user_id('t_owner') returning id $$,
  'profiles: outsider cannot update another profile');
select tests.assert_denied($$ delete from public.profiles where id = tests.user_id('t_outsider') returning id $$, 'profiles: outsider cannot delete');

select tests.authenticate_as('t_viewer');
select results_eq($$ select id from public.profiles order by id $$,
  $$ select unnest(array[tests.user_id('t_owner'), tests.user_id('t_admin'), tests.user_id('t_member'), tests.user_id('t_viewer')]) order by 1 $$,
  'profiles: a viewer sees exactly the profiles of people sharing a workspace');
select tests.assert_filtered($$ select id from public.profiles where id = tests.user_id('t_outsider') $$,
  'profiles: a viewer cannot see profiles outside their workspaces');
select results_eq($$ update public.profiles set display_name = 'Vee' where id = (select auth.uid()) returning display_name $$,
  $$ values ('Vee'::text) $$, 'profiles: a viewer updates their own profile');
select tests.assert_filtered($$ update public.profiles set display_name = 'x' where id = tests.user_id('t_owner') returning id $$,
  'profiles: a viewer cannot update a coworker''s profile');
select tests.assert_denied($$ update public.profiles set email = 'x@example.com' where id = (select auth.uid()) returning id $$,
  'profiles: email is not user-editable (it mirrors auth.users)');
select tests.assert_denied($$ insert into public.profiles (id) values (gen_random_uuid()) returning id $$, 'profiles: viewer cannot insert');
select tests.assert_denied($$ delete from public.profiles where id = (select auth.uid()) returning id $$, 'profiles: viewer cannot delete');

select tests.authenticate_as('t_member');
select is((select count(*)::int from public.profiles), 4, 'profiles: a member sees the 4 profiles of W');
select results_eq($$ update public.profiles set avatar_url = 'https://example.com/m.png' where id = (select auth.uid()) returning avatar_url $$,
  $$ values ('https://example.com/m.png'::text) $$, 'profiles: a member updates their own profile');
select tests.assert_filtered($$ update public.profiles set display_name = 'x' where id = tests.user_id('t_viewer') returning id $$,
  'profiles: a member cannot update a coworker''s profile');
select tests.assert_denied($$ insert into public.profiles (id) values (gen_random_uuid()) returning id $$, 'profiles: member cannot insert');
select tests.assert_denied($$ delete from public.profiles where id = (select auth.uid()) returning id $$, 'profiles: member cannot delete');

select tests.authenticate_as('t_admin');
select is((select count(*)::int from public.profiles), 4, 'profiles: an admin sees the 4 profiles of W');
select results_eq($$ update public.profiles set display_name = 'Ada' where id = (select auth.uid()) returning display_name $$,
  $$ values ('Ada'::text) $$, 'profiles: an admin updates their own profile');
select tests.assert_filtered($$ update public.profiles set display_name = 'x' where id = tests.user_id('t_member') returning id $$,
  'profiles: an admin cannot update a member''s profile');
select tests.assert_denied($$ insert into public.profiles (id) values (gen_random_uuid()) returning id $$, 'profiles: admin cannot insert');
select tests.assert_denied($$ delete from public.profiles where id = tests.user_id('t_member') returning id $$, 'profiles: admin cannot delete');

select tests.authenticate_as('t_owner');
select is((select count(*)::int from public.profiles), 4, 'profiles: an owner sees the 4 profiles of W');
select results_eq($$ update public.profiles set display_name = 'Olive' where id = (select auth.uid()) returning display_name $$,
  $$ values ('Olive'::text) $$, 'profiles: an owner updates their own profile');
select tests.assert_filtered($$ update public.profiles set display_name = 'x' where id = tests.user_id('t_admin') returning id $$,
  'profiles: an owner cannot update an admin''s profile');
select tests.assert_denied($$ insert into public.profiles (id) values (gen_random_uuid()) returning id $$, 'profiles: owner cannot insert');
select tests.assert_denied($$ delete from public.profiles where id = tests.user_id('t_admin') returning id $$, 'profiles: owner cannot delete');

select tests.authenticate_as_service_role();
select isnt_empty($$ select id from public.profiles where id = tests.user_id('t_outsider') $$, 'profiles: service_role reads any profile');
select results_eq($$ update public.profiles set display_name = 'Renamed' where id = tests.user_id('t_invitee3') returning display_name $$,
  $$ values ('Renamed'::text) $$, 'profiles: service_role updates any profile');
select results_eq($$ delete from public.profiles where id = tests.user_id('t_invitee3') returning id $$,
  $$ values (tests.user_id('t_invitee3')) $$, 'profiles: service_role deletes a profile');
select results_eq($$ insert into public.profiles (id, email) values (tests.user_id('t_invitee3'), 't_invitee3@test.agentbase.dev') returning id $$,
  $$ values (tests.user_id('t_invitee3')) $$, 'profiles: service_role inserts a profile');

select * from finish();
rollback;
