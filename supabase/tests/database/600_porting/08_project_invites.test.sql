-- Porting: project-scoped invites (the enterprise platform invites per project): accepting one grants the
-- workspace membership and a project membership.
begin;
select plan(13);

select tests.create_workspace_fixture('pi');
create temp table pi_fx (k text primary key, id uuid) on commit drop;
grant all on pi_fx to public;
with p as (insert into public.projects (workspace_id, slug, name) values (tests.workspace_id('pi'), 'apollo', 'Apollo') returning id)
insert into pi_fx select 'apollo', id from p;
with p as (insert into public.projects (workspace_id, slug, name) values (tests.workspace_id('pi', 'b'), 'other', 'Other') returning id)
insert into pi_fx select 'other', id from p;
create temp table pi_tok (token text) on commit drop;
grant all on pi_tok to public;
select tests.create_user('pi_new');

select tests.authenticate_as('pi_admin');
insert into pi_tok select token from public.create_project_invite((select id from pi_fx where k = 'apollo'),
  'pi_new@test.agentbase.dev', 'member', 'lead');
select is((select project_id from public.invites where email = 'pi_new@test.agentbase.dev'), (select id from pi_fx where k = 'apollo'),
  'the invite names the project');
select is((select project_role::text from public.invites where email = 'pi_new@test.agentbase.dev'), 'lead', 'and the project role');
select tests.clear_authentication();

select tests.authenticate_as('pi_new');
select is(public.accept_invite((select token from pi_tok)), tests.workspace_id('pi'), 'accepting returns the workspace');
select tests.clear_authentication();
select is((select role::text from public.workspace_members where workspace_id = tests.workspace_id('pi') and user_id = tests.user_id('pi_new')),
  'member', 'workspace membership granted');
select is((select role::text from public.project_members where project_id = (select id from pi_fx where k = 'apollo')
           and user_id = tests.user_id('pi_new')), 'lead', 'project membership granted');
select is((select added_by from public.project_members where user_id = tests.user_id('pi_new')), tests.user_id('pi_admin'),
  'added by the inviter');

-- Leaving the workspace leaves its projects.
select tests.authenticate_as('pi_new');
select lives_ok($$ select public.remove_member(tests.workspace_id('pi'), tests.user_id('pi_new')) $$, 'the user leaves');
select tests.clear_authentication();
select is((select count(*)::int from public.project_members where user_id = tests.user_id('pi_new')), 0, 'project membership gone too');

-- Refusals.
select tests.authenticate_as('pi_member');
select throws_ok($$ select * from public.create_project_invite((select id from pi_fx where k = 'apollo'), 'x@example.com') $$,
  '42501', null, 'members cannot invite');
select tests.clear_authentication();
select tests.authenticate_as('pi_admin');
select throws_ok($$ select * from public.create_project_invite('c4000000-0000-4000-8000-0000000000ff', 'x@example.com') $$,
  'P0002', 'project c4000000-0000-4000-8000-0000000000ff not found (p_project_id)', 'unknown project');
select throws_ok($$ select * from public.create_project_invite(null, 'x@example.com') $$, '22004', 'p_project_id must not be null', 'null project');
select throws_ok($$ select * from public.create_project_invite((select id from pi_fx where k = 'other'), 'x@example.com') $$,
  '42501', null, 'a project of a workspace the caller does not administer');
select tests.clear_authentication();
select throws_ok($$ insert into public.project_members (workspace_id, project_id, user_id)
  values (tests.workspace_id('pi'), (select id from pi_fx where k = 'apollo'), tests.user_id('pi_outsider')) $$,
  '23503', null, 'only members of the workspace can join its projects');

select * from finish();
rollback;
