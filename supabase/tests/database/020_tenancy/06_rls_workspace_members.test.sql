-- Tenancy: RLS: workspace_members.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(29);

select tests.create_tenancy_fixture();

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.workspace_members $$, 'workspace_members: anon cannot select');
select tests.assert_denied($$ insert into public.workspace_members (workspace_id, user_id) values (tests.fx('w'), gen_random_uuid()) returning user_id $$, 'workspace_members: anon cannot insert');
select tests.assert_denied($$ update public.workspace_members set role = 'owner' returning user_id $$, 'workspace_members: anon cannot update');
select tests.assert_denied($$ delete from public.workspace_members returning user_id $$, 'workspace_members: anon cannot delete');

select tests.authenticate_as('t_outsider');
select tests.assert_filtered($$ select user_id from public.workspace_members where workspace_id = tests.fx('w') $$,
  'workspace_members: a member of another workspace cannot see W''s roster');
select tests.assert_denied($$ insert into public.workspace_members (workspace_id, user_id, role) values (tests.fx('w'), (select auth.uid()), 'owner') returning user_id $$,
  'workspace_members: outsider cannot add themselves to W');
select tests.assert_denied($$ update public.workspace_members set role = 'viewer' where workspace_id = tests.fx('w') returning user_id $$, 'workspace_members: outsider cannot update');
select tests.assert_denied($$ delete from public.workspace_members where workspace_id = tests.fx('w') returning user_id $$, 'workspace_members: outsider cannot delete');

select tests.authenticate_as('t_viewer');
select results_eq($$ select user_id, role::text as r from public.workspace_members where workspace_id = tests.fx('w') order by role $$,
  $$ values (tests.user_id('t_viewer'), 'viewer'::text), (tests.user_id('t_member'), 'member'), (tests.user_id('t_admin'), 'admin'), (tests.user_id('t_owner'), 'owner') $$,
  'workspace_members: a viewer sees W''s roster');
select tests.assert_filtered($$ select user_id from public.workspace_members where workspace_id = tests.fx('w_out') $$,
  'workspace_members: a viewer cannot see other workspaces'' rosters');
select tests.assert_denied($$ insert into public.workspace_members (workspace_id, user_id) values (tests.fx('w'), tests.user_id('t_invitee')) returning user_id $$, 'workspace_members: viewer cannot insert');
select tests.assert_denied($$ update public.workspace_members set role = 'owner' where user_id = (select auth.uid()) returning user_id $$, 'workspace_members: viewer cannot raise their own role directly');
select tests.assert_denied($$ delete from public.workspace_members where user_id = tests.user_id('t_member') returning user_id $$, 'workspace_members: viewer cannot delete');

select tests.authenticate_as('t_member');
select is((select count(*)::int from public.workspace_members where workspace_id = tests.fx('w')), 4, 'workspace_members: a member sees W''s roster');
select tests.assert_denied($$ insert into public.workspace_members (workspace_id, user_id) values (tests.fx('w'), tests.user_id('t_invitee')) returning user_id $$, 'workspace_members: member cannot insert');
select tests.assert_denied($$ update public.workspace_members set role = 'admin' where user_id = (select auth.uid()) returning user_id $$, 'workspace_members: member cannot raise their own role directly');
select tests.assert_denied($$ delete from public.workspace_members where user_id = tests.user_id('t_viewer') returning user_id $$, 'workspace_members: member cannot delete');

select tests.authenticate_as('t_admin');
select is((select count(*)::int from public.workspace_members where workspace_id = tests.fx('w')), 4, 'workspace_members: an admin sees W''s roster');
select tests.assert_denied($$ insert into public.workspace_members (workspace_id, user_id) values (tests.fx('w'), tests.user_id('t_invitee')) returning user_id $$, 'workspace_members: admin cannot insert directly (invites)');
select tests.assert_denied($$ update public.workspace_members set role = 'member' where user_id = tests.user_id('t_viewer') returning user_id $$, 'workspace_members: admin cannot update directly (set_member_role)');
select tests.assert_denied($$ delete from public.workspace_members where user_id = tests.user_id('t_viewer') returning user_id $$, 'workspace_members: admin cannot delete directly (remove_member)');

select tests.authenticate_as('t_owner');
select is((select count(*)::int from public.workspace_members where workspace_id = tests.fx('w')), 4, 'workspace_members: the owner sees W''s roster');
select tests.assert_denied($$ insert into public.workspace_members (workspace_id, user_id) values (tests.fx('w'), tests.user_id('t_invitee')) returning user_id $$, 'workspace_members: owner cannot insert directly');
select tests.assert_denied($$ update public.workspace_members set role = 'member' where user_id = tests.user_id('t_viewer') returning user_id $$, 'workspace_members: owner cannot update directly');
select tests.assert_denied($$ delete from public.workspace_members where user_id = tests.user_id('t_viewer') returning user_id $$, 'workspace_members: owner cannot delete directly');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.workspace_members where workspace_id = tests.fx('w')), 4, 'workspace_members: service_role reads any roster');
select results_eq($$ insert into public.workspace_members (workspace_id, user_id, role) values (tests.fx('w'), tests.user_id('t_invitee3'), 'viewer') returning role::text $$,
  $$ values ('viewer'::text) $$, 'workspace_members: service_role inserts');
select results_eq($$ update public.workspace_members set role = 'member' where workspace_id = tests.fx('w') and user_id = tests.user_id('t_invitee3') returning role::text $$,
  $$ values ('member'::text) $$, 'workspace_members: service_role updates');
select results_eq($$ delete from public.workspace_members where workspace_id = tests.fx('w') and user_id = tests.user_id('t_invitee3') returning user_id $$,
  $$ values (tests.user_id('t_invitee3')) $$, 'workspace_members: service_role deletes');

select * from finish();
rollback;
