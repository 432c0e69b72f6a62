-- Tenancy: set_member_role / remove_member.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(39);

select tests.create_tenancy_fixture();

-- Also needed: t_invitee, who joined W as a member by accepting an invite.
insert into public.workspace_members (workspace_id, user_id, role) values (tests.fx('w'), tests.user_id('t_invitee'), 'member');

select tests.authenticate_as('t_admin');
select results_eq($$ select role::text from public.set_member_role(tests.fx('w'), tests.user_id('t_viewer'), 'member') $$,
  $$ values ('member'::text) $$, 'set_member_role: an admin promotes a viewer to member');
select results_eq($$ select role::text from public.set_member_role(tests.fx('w'), tests.user_id('t_viewer'), 'viewer') $$,
  $$ values ('viewer'::text) $$, 'set_member_role: an admin demotes a member to viewer');
select tests.snap();
select throws_ok($$ select public.set_member_role(tests.fx('w'), tests.user_id('t_viewer'), 'owner') $$, '42501',
  'permission denied: a admin cannot grant the role owner (p_role)', 'set_member_role: nobody grants a role above their own');
select throws_ok($$ select public.set_member_role(tests.fx('w'), tests.user_id('t_owner'), 'viewer') $$, '42501',
  'permission denied: a admin cannot change the role of an owner (p_user_id)', 'set_member_role: an admin cannot demote an owner');
select throws_ok($$ select public.set_member_role(tests.fx('w'), (select auth.uid()), 'owner') $$, '42501',
  'permission denied: you cannot raise your own role (from admin to owner)', 'set_member_role: an admin cannot raise their own role');
select throws_ok($$ select public.set_member_role(null, tests.user_id('t_viewer'), 'member') $$, '22004', 'p_workspace_id must not be null', 'set_member_role: null workspace');
select throws_ok($$ select public.set_member_role(tests.fx('w'), null, 'member') $$, '22004', 'p_user_id must not be null', 'set_member_role: null user');
select throws_ok($$ select public.set_member_role(tests.fx('w'), tests.user_id('t_viewer'), null) $$, '22004', 'p_role must not be null', 'set_member_role: null role');
select throws_ok($$ select public.set_member_role(tests.fx('w'), tests.user_id('t_outsider'), 'member') $$, 'P0002',
  format('user %s is not a member of workspace %s (p_user_id)', tests.user_id('t_outsider'), tests.fx('w')), 'set_member_role: target must be a member');
select tests.unchanged('set_member_role refusals by admin: nothing written');
select tests.authenticate_as('t_member');
select throws_ok($$ select public.set_member_role(tests.fx('w'), (select auth.uid()), 'admin') $$, '42501',
  'permission denied: you cannot raise your own role (from member to admin)', 'set_member_role: a member cannot raise their own role');
select throws_ok($$ select public.set_member_role(tests.fx('w'), tests.user_id('t_viewer'), 'member') $$, '42501',
  format('permission denied: requires role admin in workspace %s to change roles', tests.fx('w')), 'set_member_role: a member cannot change others');
select tests.unchanged('set_member_role refusals by member: nothing written');
select tests.authenticate_as('t_viewer');
select throws_ok($$ select public.set_member_role(tests.fx('w'), (select auth.uid()), 'member') $$, '42501', 'permission denied: you cannot raise your own role (from viewer to member)', 'set_member_role: a viewer cannot raise their own role');
select tests.authenticate_as('t_outsider');
select throws_ok($$ select public.set_member_role(tests.fx('w'), tests.user_id('t_viewer'), 'admin') $$, '42501',
  format('permission denied: you are not a member of workspace %s (p_workspace_id)', tests.fx('w')), 'set_member_role: a non-member is refused');
select tests.unchanged('set_member_role refusals by viewer and outsider: nothing written');

select tests.authenticate_as('t_owner');
select throws_ok($$ select public.set_member_role(tests.fx('w'), (select auth.uid()), 'admin') $$, '23514',
  format('cannot remove or demote the last owner of workspace %s', tests.fx('w')), 'set_member_role: the last owner cannot be demoted');
select tests.unchanged('last owner demotion: nothing written');
select throws_ok($$ select public.remove_member(tests.fx('w'), (select auth.uid())) $$, '23514',
  format('cannot remove or demote the last owner of workspace %s', tests.fx('w')), 'remove_member: the last owner cannot leave');
select tests.unchanged('last owner removal: nothing written');
select results_eq($$ select role::text from public.set_member_role(tests.fx('w'), tests.user_id('t_admin'), 'owner') $$,
  $$ values ('owner'::text) $$, 'set_member_role: an owner makes another member an owner');
select results_eq($$ select role::text from public.set_member_role(tests.fx('w'), (select auth.uid()), 'admin') $$,
  $$ values ('admin'::text) $$, 'set_member_role: an owner steps down once another owner exists');
select tests.authenticate_as('t_admin');
select results_eq($$ select role::text from public.set_member_role(tests.fx('w'), tests.user_id('t_owner'), 'owner') $$,
  $$ values ('owner'::text) $$, 'set_member_role: the new owner restores the first owner');
select results_eq($$ select role::text from public.set_member_role(tests.fx('w'), (select auth.uid()), 'admin') $$,
  $$ values ('admin'::text) $$, 'set_member_role: a co-owner demotes themselves back to admin');

-- remove_member
select tests.snap();
select throws_ok($$ select public.remove_member(tests.fx('w'), tests.user_id('t_owner')) $$, '42501',
  'permission denied: a admin cannot remove an owner (p_user_id)', 'remove_member: an admin cannot remove an owner');
select throws_ok($$ select public.remove_member(null, tests.user_id('t_viewer')) $$, '22004', 'p_workspace_id must not be null', 'remove_member: null workspace');
select throws_ok($$ select public.remove_member(tests.fx('w'), null) $$, '22004', 'p_user_id must not be null', 'remove_member: null user');
select throws_ok($$ select public.remove_member(tests.fx('w'), tests.user_id('t_outsider')) $$, 'P0002',
  format('user %s is not a member of workspace %s (p_user_id)', tests.user_id('t_outsider'), tests.fx('w')), 'remove_member: target must be a member');
select tests.unchanged('remove_member refusals by admin: nothing written');
select tests.authenticate_as('t_member');
select throws_ok($$ select public.remove_member(tests.fx('w'), tests.user_id('t_viewer')) $$, '42501',
  format('permission denied: requires role admin in workspace %s to remove members', tests.fx('w')), 'remove_member: a member cannot remove others');
select tests.authenticate_as('t_viewer');
select throws_ok($$ select public.remove_member(tests.fx('w'), tests.user_id('t_member')) $$, '42501', format('permission denied: requires role admin in workspace %s to remove members', tests.fx('w')), 'remove_member: a viewer cannot remove others');
select tests.authenticate_as('t_outsider');
select throws_ok($$ select public.remove_member(tests.fx('w'), tests.user_id('t_viewer')) $$, '42501', format('permission denied: you are not a member of workspace %s (p_workspace_id)', tests.fx('w')), 'remove_member: a non-member is refused');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select public.remove_member(tests.fx('w'), tests.user_id('t_viewer')) $$, 'remove_member: anon cannot execute');
select tests.assert_denied($$ select public.set_member_role(tests.fx('w'), tests.user_id('t_viewer'), 'owner') $$, 'set_member_role: anon cannot execute');
select tests.authenticate_as('t_viewer');
select tests.unchanged('remove_member refusals by member, viewer, outsider, anon: nothing written');

select tests.authenticate_as('t_admin');
select results_eq($$ select user_id from public.remove_member(tests.fx('w'), tests.user_id('t_invitee')) $$,
  $$ values (tests.user_id('t_invitee')) $$, 'remove_member: an admin removes a member');
select tests.authenticate_as('t_viewer');
select results_eq($$ select user_id from public.remove_member(tests.fx('w'), (select auth.uid())) $$,
  $$ values (tests.user_id('t_viewer')) $$, 'remove_member: a viewer leaves the workspace');
select tests.assert_filtered($$ select id from public.workspaces where id = tests.fx('w') $$,
  'after leaving, the former viewer no longer sees the workspace');
select tests.clear_authentication();
select is((select count(*)::int from public.workspace_members where workspace_id = tests.fx('w') and user_id in (tests.user_id('t_invitee'), tests.user_id('t_viewer'))), 0,
  'removed members are gone from the roster');

select * from finish();
rollback;
