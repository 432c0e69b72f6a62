-- Tenancy: structure, signup trigger, RPCs (success and every error path, with proof that a refused call
-- wrote nothing), RLS for every tenancy table x role x operation, and the invariants (last owner, slugs,
-- setup state, archived_at). Data is created here; seed.sql is not relied on.
begin;
select plan(409);

-- ---------------------------------------------------------------------------------------- fixtures
-- fx: named ids shared across role switches. fingerprint(): a digest of every tenancy row, read as
-- the owner, so "nothing was written" is checked by comparing it before and after a refused call.
create temp table fx (k text primary key, id uuid not null);
grant all on fx to public;
create function pg_temp.fx(p_k text) returns uuid language sql stable
  as $$ select id from pg_temp.fx where k = p_k $$;
create function pg_temp.uid(p_identifier text) returns uuid language sql stable
  as $$ select tests.user_id(p_identifier) $$;
create function pg_temp.fingerprint() returns text language sql security definer set search_path = ''
as $$
  select md5(coalesce(string_agg(r, '|' order by r), ''))
  from (
    select 'o' || o::text as r from public.organizations o
    union all select 'w' || w::text from public.workspaces w
    union all select 'm' || m::text from public.workspace_members m
    union all select 'p' || p::text from public.projects p
    union all select 'i' || i::text from public.invites i
    union all select 'f' || f::text from public.profiles f
  ) s
$$;
create function pg_temp.snap() returns void language sql
  as $$ select set_config('tests.fingerprint', pg_temp.fingerprint(), true); $$;
create function pg_temp.unchanged(p_description text) returns text language sql
  as $$ select extensions.is(pg_temp.fingerprint(), current_setting('tests.fingerprint'), p_description) $$;

select tests.create_user(u) from unnest(array['t_owner', 't_admin', 't_member', 't_viewer', 't_outsider',
  't_invitee', 't_invitee2', 't_invitee3']) u;

-- W: the workspace under test, created by its owner through the RPC.
select tests.authenticate_as('t_owner');
insert into fx select 'w', (public.create_workspace('Acme HQ', 'acme-hq')).id;
insert into fx select 'w_del', (public.create_workspace('Acme Scratch', 'acme-scratch',
  (select w.organization_id from public.workspaces w where w.id = pg_temp.fx('w')))).id;
select tests.clear_authentication();
insert into fx select 'org', organization_id from public.workspaces where id = pg_temp.fx('w');
insert into fx select 'w_out', w.id from public.workspaces w
  join public.workspace_members m on m.workspace_id = w.id
  where m.user_id = pg_temp.uid('t_outsider') and w.is_personal;
insert into public.workspace_members (workspace_id, user_id, role) values
  (pg_temp.fx('w'), pg_temp.uid('t_admin'), 'admin'),
  (pg_temp.fx('w'), pg_temp.uid('t_member'), 'member'),
  (pg_temp.fx('w'), pg_temp.uid('t_viewer'), 'viewer');
insert into public.projects (workspace_id, slug, name, created_by) values
  (pg_temp.fx('w'), 'main', 'Main', pg_temp.uid('t_owner')),
  (pg_temp.fx('w'), 'del-admin', 'Delete me (admin)', pg_temp.uid('t_owner')),
  (pg_temp.fx('w'), 'del-owner', 'Delete me (owner)', pg_temp.uid('t_owner')),
  (pg_temp.fx('w'), 'del-service', 'Delete me (service)', pg_temp.uid('t_owner'));
insert into fx select 'proj', id from public.projects where workspace_id = pg_temp.fx('w') and slug = 'main';
insert into public.invites (workspace_id, email, role, token_hash, invited_by, expires_at) values
  (pg_temp.fx('w'), 'main@example.com', 'member', extensions.digest('fixture-main', 'sha256'), pg_temp.uid('t_owner'), now() + interval '1 day'),
  (pg_temp.fx('w'), 'del-admin@example.com', 'member', extensions.digest('fixture-a', 'sha256'), pg_temp.uid('t_owner'), now() + interval '1 day'),
  (pg_temp.fx('w'), 'del-owner@example.com', 'member', extensions.digest('fixture-o', 'sha256'), pg_temp.uid('t_owner'), now() + interval '1 day'),
  (pg_temp.fx('w'), 'del-service@example.com', 'member', extensions.digest('fixture-s', 'sha256'), pg_temp.uid('t_owner'), now() + interval '1 day');
insert into fx select 'inv', id from public.invites where email = 'main@example.com';

-- ---------------------------------------------------------------------------------------- structure
select has_table('public', t, 'table public.' || t || ' exists')
from unnest(array['profiles', 'organizations', 'workspaces', 'workspace_members', 'projects', 'invites']) t;

select enum_has_labels('public', 'workspace_role', array['viewer', 'member', 'admin', 'owner'],
  'workspace_role is ordered viewer < member < admin < owner');
select enum_has_labels('public', 'workspace_setup_state', array['pending', 'in_progress', 'completed'],
  'workspace_setup_state has the wizard states');
select enum_has_labels('public', 'project_status', array['active', 'archived'], 'project_status values');

select has_column('public', 'organizations', c, 'organizations.' || c)
from unnest(array['billing_owner_id', 'billing_email', 'plan', 'trial_ends_at', 'is_personal']) c;
select has_column('public', 'workspaces', c, 'workspaces.' || c)
from unnest(array['owner_name', 'owner_preferred_name', 'timezone', 'setup_state', 'initialized',
  'setup_completed_at', 'monthly_budget_usd', 'budget_hard_cutoff', 'description', 'settings', 'is_personal']) c;
select col_type_is('public', 'workspaces', 'monthly_budget_usd', 'numeric(12,2)', 'budget is numeric USD with cents');
select col_type_is('public', 'invites', 'token_hash', 'bytea', 'invites store a token hash, not the token');
select hasnt_column('public', 'invites', 'token', 'invites have no plaintext token column');
select col_is_pk('public', 'workspace_members', array['workspace_id', 'user_id'], 'membership PK');
select has_index('public', 'workspace_members', 'workspace_members_user_id_idx', 'membership is indexed by user');

select is_empty($$
  select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and not c.relrowsecurity
    and c.relname in ('profiles', 'organizations', 'workspaces', 'workspace_members', 'projects', 'invites')
$$, 'RLS is enabled on every tenancy table');

select policies_are('public', 'profiles', array['profiles_select', 'profiles_update'], 'profiles policies');
select policies_are('public', 'organizations', array['organizations_select', 'organizations_update'], 'organizations policies');
select policies_are('public', 'workspaces', array['workspaces_select', 'workspaces_update', 'workspaces_delete'], 'workspaces policies');
select policies_are('public', 'workspace_members', array['workspace_members_select'], 'workspace_members policies');
select policies_are('public', 'projects', array['projects_select', 'projects_insert', 'projects_update', 'projects_delete'], 'projects policies');
select policies_are('public', 'invites', array['invites_select', 'invites_delete'], 'invites policies');
select is_empty($$
  select tablename || '.' || policyname from pg_policies
  where schemaname = 'public' and tablename in ('profiles', 'organizations', 'workspaces', 'workspace_members', 'projects', 'invites')
    and roles <> array['authenticated']::name[]
$$, 'every tenancy policy is TO authenticated only');

select has_function('public', f, a, 'RPC public.' || f || ' exists')
from (values
  ('create_workspace', array['text', 'text', 'uuid']),
  ('create_invite', array['uuid', 'text', 'workspace_role', 'interval']),
  ('accept_invite', array['text']),
  ('revoke_invite', array['uuid']),
  ('complete_setup', array['uuid', 'text', 'text', 'text', 'numeric', 'boolean', 'text', 'jsonb', 'boolean', 'text', 'text', 'jsonb', 'jsonb', 'jsonb']),
  ('set_member_role', array['uuid', 'uuid', 'workspace_role']),
  ('remove_member', array['uuid', 'uuid'])) v(f, a);

select is_empty($$
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where n.nspname = 'public' and p.proname in ('create_workspace', 'create_invite', 'accept_invite', 'revoke_invite',
    'complete_setup', 'set_member_role', 'remove_member')
    and not (p.prosecdef and p.proconfig @> array['search_path=""'])
$$, 'every tenancy RPC is security definer with search_path pinned to empty');
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where n.nspname in ('public', 'private') and p.prokind = 'f'
    and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')
$$, 'every function in public and private pins its search_path');
select is_empty($$
  select p.oid::regprocedure::text || ' / ' || r from pg_proc p join pg_namespace n on n.oid = p.pronamespace,
    unnest(array['anon', 'public']) r
  where n.nspname = 'public' and p.proname in ('create_workspace', 'create_invite', 'accept_invite', 'revoke_invite',
    'complete_setup', 'set_member_role', 'remove_member')
    and (case when r = 'public' then coalesce(p.proacl::text[] && array['=X/postgres'], true)
              else has_function_privilege(r, p.oid, 'execute') end)
$$, 'no tenancy RPC is executable by anon or PUBLIC');
select is_empty($$
  select p.oid::regprocedure::text || ' / ' || r from pg_proc p join pg_namespace n on n.oid = p.pronamespace,
    unnest(array['authenticated', 'service_role']) r
  where n.nspname = 'public' and p.proname in ('create_workspace', 'create_invite', 'accept_invite', 'revoke_invite',
    'complete_setup', 'set_member_role', 'remove_member')
    and not has_function_privilege(r, p.oid, 'execute')
$$, 'every tenancy RPC is executable by authenticated and service_role');

select has_trigger('auth', 'users', 'on_auth_user_created', 'signup trigger on auth.users');
select has_trigger('public', t, 'set_updated_at', t || ' maintains updated_at')
from unnest(array['profiles', 'organizations', 'workspaces', 'workspace_members', 'projects', 'invites']) t;
select has_trigger('public', 'workspace_members', 'guard_last_owner', 'last-owner guard trigger');

-- ---------------------------------------------------------------------------------------- signup trigger
insert into auth.users (id, email, raw_user_meta_data)
values ('00000000-0000-4000-8000-00000000aa01', 'Sig.Nup+x@Example.com', '{"full_name": "Sig Nup", "test_identifier": "t_sig1"}'),
       ('00000000-0000-4000-8000-00000000aa02', 'sig.nup+x@other.example', '{"test_identifier": "t_sig2"}'),
       ('00000000-0000-4000-8000-00000000aa03', null, '{"test_identifier": "t_sig3"}');

select results_eq($$
  select p.email, p.display_name from public.profiles p where p.id = '00000000-0000-4000-8000-00000000aa01'
$$, $$ values ('Sig.Nup+x@Example.com'::text, 'Sig Nup'::text) $$, 'signup creates the profile (email, name from metadata)');
select results_eq($$
  select o.slug, o.is_personal, o.billing_owner_id, o.created_by, o.billing_email, o.plan
  from public.organizations o where o.created_by = '00000000-0000-4000-8000-00000000aa01'
$$, $$ values ('sig-nup-x'::text, true, '00000000-0000-4000-8000-00000000aa01'::uuid,
               '00000000-0000-4000-8000-00000000aa01'::uuid, 'Sig.Nup+x@Example.com'::text, 'free'::text) $$,
  'signup creates a personal organization billed to the user, slug derived from the email');
select results_eq($$
  select w.name, w.slug, w.is_personal, w.owner_name, w.setup_state::text, m.role::text
  from public.workspaces w join public.workspace_members m on m.workspace_id = w.id
  where w.created_by = '00000000-0000-4000-8000-00000000aa01' and m.user_id = w.created_by
$$, $$ values ('Personal'::text, 'sig-nup-x'::text, true, 'Sig Nup'::text, 'pending'::text, 'owner'::text) $$,
  'signup creates a personal workspace with the user as owner');
select is((select o.slug from public.organizations o where o.created_by = '00000000-0000-4000-8000-00000000aa02'),
  'sig-nup-x-2', 'a second signup with the same email local part gets a de-duplicated slug');
select results_eq($$
  select o.slug, o.billing_email, p.display_name from public.organizations o
  join public.profiles p on p.id = o.created_by where o.created_by = '00000000-0000-4000-8000-00000000aa03'
$$, $$ select 'user'::text || case when exists (select 1 from public.organizations x where x.slug = 'user'
         and x.created_by <> '00000000-0000-4000-8000-00000000aa03') then '-2' else '' end, null::text, 'User'::text $$,
  'a signup without email still gets a profile and a valid personal slug');
select is((select count(*)::int from public.workspace_members m join public.workspaces w on w.id = m.workspace_id
           where m.user_id = '00000000-0000-4000-8000-00000000aa02'), 1,
  'signup creates exactly one membership');

update auth.users set email = 'renamed@example.com' where id = '00000000-0000-4000-8000-00000000aa02';
select is((select email from public.profiles where id = '00000000-0000-4000-8000-00000000aa02'), 'renamed@example.com',
  'an email change in auth.users is mirrored to the profile');

delete from auth.users where id = '00000000-0000-4000-8000-00000000aa03';
select is((select count(*)::int from public.profiles where id = '00000000-0000-4000-8000-00000000aa03')
        + (select count(*)::int from public.workspace_members where user_id = '00000000-0000-4000-8000-00000000aa03'), 0,
  'deleting an auth user removes their profile and memberships (even as last owner)');

-- ---------------------------------------------------------------------------------------- RLS: profiles
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.profiles $$, 'profiles: anon cannot select');
select tests.assert_denied($$ insert into public.profiles (id) values (gen_random_uuid()) returning id $$, 'profiles: anon cannot insert');
select tests.assert_denied($$ update public.profiles set display_name = 'x' returning id $$, 'profiles: anon cannot update');
select tests.assert_denied($$ delete from public.profiles returning id $$, 'profiles: anon cannot delete');

select tests.authenticate_as('t_outsider');
select results_eq($$ select id from public.profiles $$, $$ values (pg_temp.uid('t_outsider')) $$,
  'profiles: a member of another workspace sees only their own profile');
select tests.assert_filtered($$ select id from public.profiles where id = pg_temp.uid('t_owner') $$,
  'profiles: a member of another workspace cannot see W members');
select tests.assert_denied($$ insert into public.profiles (id) values (gen_random_uuid()) returning id $$, 'profiles: outsider cannot insert');
select tests.assert_filtered($$ update public.profiles set display_name = 'hacked' where id = pg_temp.uid('t_owner') returning id $$,
  'profiles: outsider cannot update another profile');
select tests.assert_denied($$ delete from public.profiles where id = pg_temp.uid('t_outsider') returning id $$, 'profiles: outsider cannot delete');

select tests.authenticate_as('t_viewer');
select results_eq($$ select id from public.profiles order by id $$,
  $$ select unnest(array[pg_temp.uid('t_owner'), pg_temp.uid('t_admin'), pg_temp.uid('t_member'), pg_temp.uid('t_viewer')]) order by 1 $$,
  'profiles: a viewer sees exactly the profiles of people sharing a workspace');
select tests.assert_filtered($$ select id from public.profiles where id = pg_temp.uid('t_outsider') $$,
  'profiles: a viewer cannot see profiles outside their workspaces');
select results_eq($$ update public.profiles set display_name = 'Vee' where id = (select auth.uid()) returning display_name $$,
  $$ values ('Vee'::text) $$, 'profiles: a viewer updates their own profile');
select tests.assert_filtered($$ update public.profiles set display_name = 'x' where id = pg_temp.uid('t_owner') returning id $$,
  'profiles: a viewer cannot update a coworker''s profile');
select tests.assert_denied($$ update public.profiles set email = 'x@example.com' where id = (select auth.uid()) returning id $$,
  'profiles: email is not user-editable (it mirrors auth.users)');
select tests.assert_denied($$ insert into public.profiles (id) values (gen_random_uuid()) returning id $$, 'profiles: viewer cannot insert');
select tests.assert_denied($$ delete from public.profiles where id = (select auth.uid()) returning id $$, 'profiles: viewer cannot delete');

select tests.authenticate_as('t_member');
select is((select count(*)::int from public.profiles), 4, 'profiles: a member sees the 4 profiles of W');
select results_eq($$ update public.profiles set avatar_url = 'https://example.com/m.png' where id = (select auth.uid()) returning avatar_url $$,
  $$ values ('https://example.com/m.png'::text) $$, 'profiles: a member updates their own profile');
select tests.assert_filtered($$ update public.profiles set display_name = 'x' where id = pg_temp.uid('t_viewer') returning id $$,
  'profiles: a member cannot update a coworker''s profile');
select tests.assert_denied($$ insert into public.profiles (id) values (gen_random_uuid()) returning id $$, 'profiles: member cannot insert');
select tests.assert_denied($$ delete from public.profiles where id = (select auth.uid()) returning id $$, 'profiles: member cannot delete');

select tests.authenticate_as('t_admin');
select is((select count(*)::int from public.profiles), 4, 'profiles: an admin sees the 4 profiles of W');
select results_eq($$ update public.profiles set display_name = 'Ada' where id = (select auth.uid()) returning display_name $$,
  $$ values ('Ada'::text) $$, 'profiles: an admin updates their own profile');
select tests.assert_filtered($$ update public.profiles set display_name = 'x' where id = pg_temp.uid('t_member') returning id $$,
  'profiles: an admin cannot update a member''s profile');
select tests.assert_denied($$ insert into public.profiles (id) values (gen_random_uuid()) returning id $$, 'profiles: admin cannot insert');
select tests.assert_denied($$ delete from public.profiles where id = pg_temp.uid('t_member') returning id $$, 'profiles: admin cannot delete');

select tests.authenticate_as('t_owner');
select is((select count(*)::int from public.profiles), 4, 'profiles: an owner sees the 4 profiles of W');
select results_eq($$ update public.profiles set display_name = 'Olive' where id = (select auth.uid()) returning display_name $$,
  $$ values ('Olive'::text) $$, 'profiles: an owner updates their own profile');
select tests.assert_filtered($$ update public.profiles set display_name = 'x' where id = pg_temp.uid('t_admin') returning id $$,
  'profiles: an owner cannot update an admin''s profile');
select tests.assert_denied($$ insert into public.profiles (id) values (gen_random_uuid()) returning id $$, 'profiles: owner cannot insert');
select tests.assert_denied($$ delete from public.profiles where id = pg_temp.uid('t_admin') returning id $$, 'profiles: owner cannot delete');

select tests.authenticate_as_service_role();
select isnt_empty($$ select id from public.profiles where id = pg_temp.uid('t_outsider') $$, 'profiles: service_role reads any profile');
select results_eq($$ update public.profiles set display_name = 'Renamed' where id = pg_temp.uid('t_invitee3') returning display_name $$,
  $$ values ('Renamed'::text) $$, 'profiles: service_role updates any profile');
select results_eq($$ delete from public.profiles where id = pg_temp.uid('t_invitee3') returning id $$,
  $$ values (pg_temp.uid('t_invitee3')) $$, 'profiles: service_role deletes a profile');
select results_eq($$ insert into public.profiles (id, email) values (pg_temp.uid('t_invitee3'), 't_invitee3@test.agentbase.dev') returning id $$,
  $$ values (pg_temp.uid('t_invitee3')) $$, 'profiles: service_role inserts a profile');

-- ---------------------------------------------------------------------------------------- RLS: organizations
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.organizations $$, 'organizations: anon cannot select');
select tests.assert_denied($$ insert into public.organizations (name, slug) values ('x', 'anon-org') returning id $$, 'organizations: anon cannot insert');
select tests.assert_denied($$ update public.organizations set name = 'x' returning id $$, 'organizations: anon cannot update');
select tests.assert_denied($$ delete from public.organizations returning id $$, 'organizations: anon cannot delete');

select tests.authenticate_as('t_outsider');
select tests.assert_filtered($$ select id from public.organizations where id = pg_temp.fx('org') $$,
  'organizations: a member of another workspace cannot see W''s organization');
select is((select count(*)::int from public.organizations), 1, 'organizations: the outsider sees only their own organization');
select tests.assert_denied($$ insert into public.organizations (name, slug) values ('x', 'outsider-org') returning id $$, 'organizations: outsider cannot insert');
select tests.assert_filtered($$ update public.organizations set name = 'x' where id = pg_temp.fx('org') returning id $$, 'organizations: outsider cannot update');
select tests.assert_denied($$ delete from public.organizations where id = pg_temp.fx('org') returning id $$, 'organizations: outsider cannot delete');

select tests.authenticate_as('t_viewer');
select results_eq($$ select id from public.organizations where id = pg_temp.fx('org') $$, $$ values (pg_temp.fx('org')) $$,
  'organizations: a viewer sees the organization of their workspace');
select tests.assert_denied($$ insert into public.organizations (name, slug) values ('x', 'viewer-org') returning id $$, 'organizations: viewer cannot insert');
select tests.assert_filtered($$ update public.organizations set name = 'x' where id = pg_temp.fx('org') returning id $$, 'organizations: viewer cannot update');
select tests.assert_denied($$ delete from public.organizations where id = pg_temp.fx('org') returning id $$, 'organizations: viewer cannot delete');

select tests.authenticate_as('t_member');
select isnt_empty($$ select id from public.organizations where id = pg_temp.fx('org') $$, 'organizations: a member sees the organization');
select tests.assert_denied($$ insert into public.organizations (name, slug) values ('x', 'member-org') returning id $$, 'organizations: member cannot insert');
select tests.assert_filtered($$ update public.organizations set name = 'x' where id = pg_temp.fx('org') returning id $$, 'organizations: member cannot update');
select tests.assert_denied($$ delete from public.organizations where id = pg_temp.fx('org') returning id $$, 'organizations: member cannot delete');

select tests.authenticate_as('t_admin');
select isnt_empty($$ select id from public.organizations where id = pg_temp.fx('org') $$, 'organizations: an admin sees the organization');
select tests.assert_denied($$ insert into public.organizations (name, slug) values ('x', 'admin-org') returning id $$, 'organizations: admin cannot insert');
select tests.assert_filtered($$ update public.organizations set name = 'x' where id = pg_temp.fx('org') returning id $$,
  'organizations: a workspace admin cannot update the organization');
select tests.assert_denied($$ delete from public.organizations where id = pg_temp.fx('org') returning id $$, 'organizations: admin cannot delete');

select tests.authenticate_as('t_owner');
select isnt_empty($$ select id from public.organizations where id = pg_temp.fx('org') $$, 'organizations: the owner sees the organization');
select results_eq($$ update public.organizations set name = 'Acme Inc', billing_email = 'billing@acme.example' where id = pg_temp.fx('org') returning name $$,
  $$ values ('Acme Inc'::text) $$, 'organizations: the owner (billing owner) updates name and billing email');
select tests.assert_denied($$ update public.organizations set plan = 'enterprise' where id = pg_temp.fx('org') returning id $$,
  'organizations: plan is not user-editable');
select tests.assert_denied($$ update public.organizations set trial_ends_at = now() + interval '10 years' where id = pg_temp.fx('org') returning id $$,
  'organizations: trial_ends_at is not user-editable');
select tests.assert_denied($$ insert into public.organizations (name, slug) values ('x', 'owner-org') returning id $$, 'organizations: owner cannot insert directly');
select tests.assert_denied($$ delete from public.organizations where id = pg_temp.fx('org') returning id $$, 'organizations: owner cannot delete');

select tests.authenticate_as_service_role();
select isnt_empty($$ select id from public.organizations where id = pg_temp.fx('org') $$, 'organizations: service_role reads any');
select results_eq($$ insert into public.organizations (name, slug) values ('Service Org', 'service-org') returning slug $$,
  $$ values ('service-org'::text) $$, 'organizations: service_role inserts');
select results_eq($$ update public.organizations set plan = 'trial', trial_ends_at = now() + interval '14 days' where slug = 'service-org' returning plan $$,
  $$ values ('trial'::text) $$, 'organizations: service_role updates plan and trial');
select results_eq($$ delete from public.organizations where slug = 'service-org' returning slug $$,
  $$ values ('service-org'::text) $$, 'organizations: service_role deletes');

-- ---------------------------------------------------------------------------------------- RLS: workspaces
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.workspaces $$, 'workspaces: anon cannot select');
select tests.assert_denied($$ insert into public.workspaces (organization_id, name, slug) values (pg_temp.fx('org'), 'x', 'anon-ws') returning id $$, 'workspaces: anon cannot insert');
select tests.assert_denied($$ update public.workspaces set name = 'x' returning id $$, 'workspaces: anon cannot update');
select tests.assert_denied($$ delete from public.workspaces returning id $$, 'workspaces: anon cannot delete');

select tests.authenticate_as('t_outsider');
select tests.assert_filtered($$ select id from public.workspaces where id = pg_temp.fx('w') $$, 'workspaces: a member of another workspace cannot see W');
select results_eq($$ select id from public.workspaces $$, $$ values (pg_temp.fx('w_out')) $$, 'workspaces: the outsider sees only their own workspace');
select tests.assert_denied($$ insert into public.workspaces (organization_id, name, slug) values (pg_temp.fx('org'), 'x', 'out-ws') returning id $$, 'workspaces: outsider cannot insert');
select tests.assert_filtered($$ update public.workspaces set name = 'x' where id = pg_temp.fx('w') returning id $$, 'workspaces: outsider cannot update W');
select tests.assert_filtered($$ delete from public.workspaces where id = pg_temp.fx('w') returning id $$, 'workspaces: outsider cannot delete W');

select tests.authenticate_as('t_viewer');
select results_eq($$ select id from public.workspaces where id = pg_temp.fx('w') $$, $$ values (pg_temp.fx('w')) $$, 'workspaces: a viewer sees W');
select tests.assert_denied($$ insert into public.workspaces (organization_id, name, slug) values (pg_temp.fx('org'), 'x', 'viewer-ws') returning id $$, 'workspaces: viewer cannot insert');
select tests.assert_filtered($$ update public.workspaces set name = 'x' where id = pg_temp.fx('w') returning id $$, 'workspaces: viewer cannot update settings');
select tests.assert_filtered($$ delete from public.workspaces where id = pg_temp.fx('w') returning id $$, 'workspaces: viewer cannot delete');

select tests.authenticate_as('t_member');
select isnt_empty($$ select id from public.workspaces where id = pg_temp.fx('w') $$, 'workspaces: a member sees W');
select tests.assert_denied($$ insert into public.workspaces (organization_id, name, slug) values (pg_temp.fx('org'), 'x', 'member-ws') returning id $$, 'workspaces: member cannot insert');
select tests.assert_filtered($$ update public.workspaces set timezone = 'Europe/Berlin' where id = pg_temp.fx('w') returning id $$, 'workspaces: member cannot update settings');
select tests.assert_filtered($$ delete from public.workspaces where id = pg_temp.fx('w') returning id $$, 'workspaces: member cannot delete');

select tests.authenticate_as('t_admin');
select isnt_empty($$ select id from public.workspaces where id = pg_temp.fx('w') $$, 'workspaces: an admin sees W');
select tests.assert_denied($$ insert into public.workspaces (organization_id, name, slug) values (pg_temp.fx('org'), 'x', 'admin-ws') returning id $$, 'workspaces: admin cannot insert directly');
select results_eq($$ update public.workspaces set description = 'HQ of Acme', timezone = 'Europe/Berlin', monthly_budget_usd = 250.5
                     where id = pg_temp.fx('w') returning description, timezone, monthly_budget_usd $$,
  $$ values ('HQ of Acme'::text, 'Europe/Berlin'::text, 250.50::numeric) $$, 'workspaces: an admin updates settings');
select tests.assert_denied($$ update public.workspaces set is_personal = true where id = pg_temp.fx('w') returning id $$,
  'workspaces: is_personal is not user-editable');
select tests.assert_denied($$ update public.workspaces set organization_id = pg_temp.fx('org') where id = pg_temp.fx('w') returning id $$,
  'workspaces: organization_id is not user-editable');
select tests.assert_filtered($$ delete from public.workspaces where id = pg_temp.fx('w') returning id $$, 'workspaces: admin cannot delete');

select tests.authenticate_as('t_owner');
select isnt_empty($$ select id from public.workspaces where id = pg_temp.fx('w') $$, 'workspaces: the owner sees W');
select tests.assert_denied($$ insert into public.workspaces (organization_id, name, slug) values (pg_temp.fx('org'), 'x', 'owner-ws') returning id $$, 'workspaces: owner cannot insert directly (use create_workspace)');
select results_eq($$ update public.workspaces set name = 'Acme Headquarters' where id = pg_temp.fx('w') returning name $$,
  $$ values ('Acme Headquarters'::text) $$, 'workspaces: the owner updates W');
select results_eq($$ delete from public.workspaces where id = pg_temp.fx('w_del') returning id $$, $$ values (pg_temp.fx('w_del')) $$,
  'workspaces: the owner deletes a workspace');
select tests.clear_authentication();
select is((select count(*)::int from public.workspace_members where workspace_id = pg_temp.fx('w_del')), 0,
  'workspaces: deleting a workspace removes its memberships (last owner included)');

select tests.authenticate_as_service_role();
select isnt_empty($$ select id from public.workspaces where id = pg_temp.fx('w') $$, 'workspaces: service_role reads any');
select results_eq($$ insert into public.workspaces (organization_id, name, slug) values (pg_temp.fx('org'), 'Svc', 'svc-ws') returning slug $$,
  $$ values ('svc-ws'::text) $$, 'workspaces: service_role inserts');
select results_eq($$ update public.workspaces set budget_hard_cutoff = true where slug = 'svc-ws' returning budget_hard_cutoff $$,
  $$ values (true) $$, 'workspaces: service_role updates');
select results_eq($$ delete from public.workspaces where slug = 'svc-ws' returning slug $$, $$ values ('svc-ws'::text) $$,
  'workspaces: service_role deletes');

-- ---------------------------------------------------------------------------------------- RLS: workspace_members
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.workspace_members $$, 'workspace_members: anon cannot select');
select tests.assert_denied($$ insert into public.workspace_members (workspace_id, user_id) values (pg_temp.fx('w'), gen_random_uuid()) returning user_id $$, 'workspace_members: anon cannot insert');
select tests.assert_denied($$ update public.workspace_members set role = 'owner' returning user_id $$, 'workspace_members: anon cannot update');
select tests.assert_denied($$ delete from public.workspace_members returning user_id $$, 'workspace_members: anon cannot delete');

select tests.authenticate_as('t_outsider');
select tests.assert_filtered($$ select user_id from public.workspace_members where workspace_id = pg_temp.fx('w') $$,
  'workspace_members: a member of another workspace cannot see W''s roster');
select tests.assert_denied($$ insert into public.workspace_members (workspace_id, user_id, role) values (pg_temp.fx('w'), (select auth.uid()), 'owner') returning user_id $$,
  'workspace_members: outsider cannot add themselves to W');
select tests.assert_denied($$ update public.workspace_members set role = 'viewer' where workspace_id = pg_temp.fx('w') returning user_id $$, 'workspace_members: outsider cannot update');
select tests.assert_denied($$ delete from public.workspace_members where workspace_id = pg_temp.fx('w') returning user_id $$, 'workspace_members: outsider cannot delete');

select tests.authenticate_as('t_viewer');
select results_eq($$ select user_id, role::text as r from public.workspace_members where workspace_id = pg_temp.fx('w') order by role $$,
  $$ values (pg_temp.uid('t_viewer'), 'viewer'::text), (pg_temp.uid('t_member'), 'member'), (pg_temp.uid('t_admin'), 'admin'), (pg_temp.uid('t_owner'), 'owner') $$,
  'workspace_members: a viewer sees W''s roster');
select tests.assert_filtered($$ select user_id from public.workspace_members where workspace_id = pg_temp.fx('w_out') $$,
  'workspace_members: a viewer cannot see other workspaces'' rosters');
select tests.assert_denied($$ insert into public.workspace_members (workspace_id, user_id) values (pg_temp.fx('w'), pg_temp.uid('t_invitee')) returning user_id $$, 'workspace_members: viewer cannot insert');
select tests.assert_denied($$ update public.workspace_members set role = 'owner' where user_id = (select auth.uid()) returning user_id $$, 'workspace_members: viewer cannot raise their own role directly');
select tests.assert_denied($$ delete from public.workspace_members where user_id = pg_temp.uid('t_member') returning user_id $$, 'workspace_members: viewer cannot delete');

select tests.authenticate_as('t_member');
select is((select count(*)::int from public.workspace_members where workspace_id = pg_temp.fx('w')), 4, 'workspace_members: a member sees W''s roster');
select tests.assert_denied($$ insert into public.workspace_members (workspace_id, user_id) values (pg_temp.fx('w'), pg_temp.uid('t_invitee')) returning user_id $$, 'workspace_members: member cannot insert');
select tests.assert_denied($$ update public.workspace_members set role = 'admin' where user_id = (select auth.uid()) returning user_id $$, 'workspace_members: member cannot raise their own role directly');
select tests.assert_denied($$ delete from public.workspace_members where user_id = pg_temp.uid('t_viewer') returning user_id $$, 'workspace_members: member cannot delete');

select tests.authenticate_as('t_admin');
select is((select count(*)::int from public.workspace_members where workspace_id = pg_temp.fx('w')), 4, 'workspace_members: an admin sees W''s roster');
select tests.assert_denied($$ insert into public.workspace_members (workspace_id, user_id) values (pg_temp.fx('w'), pg_temp.uid('t_invitee')) returning user_id $$, 'workspace_members: admin cannot insert directly (invites)');
select tests.assert_denied($$ update public.workspace_members set role = 'member' where user_id = pg_temp.uid('t_viewer') returning user_id $$, 'workspace_members: admin cannot update directly (set_member_role)');
select tests.assert_denied($$ delete from public.workspace_members where user_id = pg_temp.uid('t_viewer') returning user_id $$, 'workspace_members: admin cannot delete directly (remove_member)');

select tests.authenticate_as('t_owner');
select is((select count(*)::int from public.workspace_members where workspace_id = pg_temp.fx('w')), 4, 'workspace_members: the owner sees W''s roster');
select tests.assert_denied($$ insert into public.workspace_members (workspace_id, user_id) values (pg_temp.fx('w'), pg_temp.uid('t_invitee')) returning user_id $$, 'workspace_members: owner cannot insert directly');
select tests.assert_denied($$ update public.workspace_members set role = 'member' where user_id = pg_temp.uid('t_viewer') returning user_id $$, 'workspace_members: owner cannot update directly');
select tests.assert_denied($$ delete from public.workspace_members where user_id = pg_temp.uid('t_viewer') returning user_id $$, 'workspace_members: owner cannot delete directly');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.workspace_members where workspace_id = pg_temp.fx('w')), 4, 'workspace_members: service_role reads any roster');
select results_eq($$ insert into public.workspace_members (workspace_id, user_id, role) values (pg_temp.fx('w'), pg_temp.uid('t_invitee3'), 'viewer') returning role::text $$,
  $$ values ('viewer'::text) $$, 'workspace_members: service_role inserts');
select results_eq($$ update public.workspace_members set role = 'member' where workspace_id = pg_temp.fx('w') and user_id = pg_temp.uid('t_invitee3') returning role::text $$,
  $$ values ('member'::text) $$, 'workspace_members: service_role updates');
select results_eq($$ delete from public.workspace_members where workspace_id = pg_temp.fx('w') and user_id = pg_temp.uid('t_invitee3') returning user_id $$,
  $$ values (pg_temp.uid('t_invitee3')) $$, 'workspace_members: service_role deletes');

-- ---------------------------------------------------------------------------------------- RLS: projects
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.projects $$, 'projects: anon cannot select');
select tests.assert_denied($$ insert into public.projects (workspace_id, slug, name) values (pg_temp.fx('w'), 'anon', 'x') returning id $$, 'projects: anon cannot insert');
select tests.assert_denied($$ update public.projects set name = 'x' returning id $$, 'projects: anon cannot update');
select tests.assert_denied($$ delete from public.projects returning id $$, 'projects: anon cannot delete');

select tests.authenticate_as('t_outsider');
select tests.assert_filtered($$ select id from public.projects where workspace_id = pg_temp.fx('w') $$, 'projects: a member of another workspace cannot see W''s projects');
select tests.assert_denied($$ insert into public.projects (workspace_id, slug, name) values (pg_temp.fx('w'), 'outsider', 'x') returning id $$, 'projects: outsider cannot insert into W');
select tests.assert_filtered($$ update public.projects set name = 'x' where id = pg_temp.fx('proj') returning id $$, 'projects: outsider cannot update');
select tests.assert_filtered($$ delete from public.projects where id = pg_temp.fx('proj') returning id $$, 'projects: outsider cannot delete');

select tests.authenticate_as('t_viewer');
select results_eq($$ select slug from public.projects where workspace_id = pg_temp.fx('w') order by slug $$,
  $$ values ('del-admin'::text), ('del-owner'), ('del-service'), ('main') $$, 'projects: a viewer reads W''s projects');
select tests.assert_denied($$ insert into public.projects (workspace_id, slug, name) values (pg_temp.fx('w'), 'viewer', 'x') returning id $$, 'projects: viewer cannot insert');
select tests.assert_filtered($$ update public.projects set name = 'x' where id = pg_temp.fx('proj') returning id $$, 'projects: viewer cannot update');
select tests.assert_filtered($$ delete from public.projects where id = pg_temp.fx('proj') returning id $$, 'projects: viewer cannot delete');

select tests.authenticate_as('t_member');
select isnt_empty($$ select id from public.projects where id = pg_temp.fx('proj') $$, 'projects: a member reads');
select results_eq($$ insert into public.projects (workspace_id, slug, name) values (pg_temp.fx('w'), 'by-member', 'By member') returning slug, created_by $$,
  $$ values ('by-member'::text, pg_temp.uid('t_member')) $$, 'projects: a member creates a project (created_by is the caller)');
select results_eq($$ update public.projects set status = 'archived' where slug = 'by-member' returning status::text, archived_at is not null $$,
  $$ values ('archived'::text, true) $$, 'projects: a member archives a project (archived_at set)');
select tests.assert_denied($$ insert into public.projects (workspace_id, slug, name) values (pg_temp.fx('w_out'), 'sneaky', 'x') returning id $$,
  'projects: a member cannot insert into a workspace they do not belong to');
select tests.assert_filtered($$ delete from public.projects where id = pg_temp.fx('proj') returning id $$, 'projects: a member cannot delete (admins do)');

select tests.authenticate_as('t_admin');
select isnt_empty($$ select id from public.projects where id = pg_temp.fx('proj') $$, 'projects: an admin reads');
select results_eq($$ insert into public.projects (workspace_id, slug, name) values (pg_temp.fx('w'), 'by-admin', 'By admin') returning slug $$,
  $$ values ('by-admin'::text) $$, 'projects: an admin creates');
select results_eq($$ update public.projects set description = 'the main project' where id = pg_temp.fx('proj') returning description $$,
  $$ values ('the main project'::text) $$, 'projects: an admin updates');
select results_eq($$ delete from public.projects where workspace_id = pg_temp.fx('w') and slug = 'del-admin' returning slug $$,
  $$ values ('del-admin'::text) $$, 'projects: an admin deletes');

select tests.authenticate_as('t_owner');
select isnt_empty($$ select id from public.projects where id = pg_temp.fx('proj') $$, 'projects: the owner reads');
select results_eq($$ insert into public.projects (workspace_id, slug, name) values (pg_temp.fx('w'), 'by-owner', 'By owner') returning slug $$,
  $$ values ('by-owner'::text) $$, 'projects: the owner creates');
select results_eq($$ update public.projects set name = 'Main project' where id = pg_temp.fx('proj') returning name $$,
  $$ values ('Main project'::text) $$, 'projects: the owner updates');
select results_eq($$ delete from public.projects where workspace_id = pg_temp.fx('w') and slug = 'del-owner' returning slug $$,
  $$ values ('del-owner'::text) $$, 'projects: the owner deletes');

select tests.authenticate_as_service_role();
select isnt_empty($$ select id from public.projects where id = pg_temp.fx('proj') $$, 'projects: service_role reads');
select results_eq($$ insert into public.projects (workspace_id, slug, name) values (pg_temp.fx('w'), 'by-service', 'By service') returning slug $$,
  $$ values ('by-service'::text) $$, 'projects: service_role inserts');
select results_eq($$ update public.projects set name = 'Renamed by service' where slug = 'by-service' returning name $$,
  $$ values ('Renamed by service'::text) $$, 'projects: service_role updates');
select results_eq($$ delete from public.projects where workspace_id = pg_temp.fx('w') and slug = 'del-service' returning slug $$,
  $$ values ('del-service'::text) $$, 'projects: service_role deletes');

-- ---------------------------------------------------------------------------------------- RLS: invites
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.invites $$, 'invites: anon cannot select');
select tests.assert_denied($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (pg_temp.fx('w'), 'a@example.com', extensions.digest('a', 'sha256'), now()) returning id $$, 'invites: anon cannot insert');
select tests.assert_denied($$ update public.invites set role = 'owner' returning id $$, 'invites: anon cannot update');
select tests.assert_denied($$ delete from public.invites returning id $$, 'invites: anon cannot delete');

select tests.authenticate_as('t_outsider');
select tests.assert_filtered($$ select id from public.invites where workspace_id = pg_temp.fx('w') $$, 'invites: a member of another workspace cannot see W''s invites');
select tests.assert_denied($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (pg_temp.fx('w'), 'o@example.com', extensions.digest('o', 'sha256'), now() + interval '1 day') returning id $$, 'invites: outsider cannot insert');
select tests.assert_denied($$ update public.invites set role = 'owner' where id = pg_temp.fx('inv') returning id $$, 'invites: outsider cannot update');
select tests.assert_filtered($$ delete from public.invites where id = pg_temp.fx('inv') returning id $$, 'invites: outsider cannot delete');

select tests.authenticate_as('t_viewer');
select tests.assert_filtered($$ select id from public.invites where workspace_id = pg_temp.fx('w') $$, 'invites: a viewer cannot see invites');
select tests.assert_denied($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (pg_temp.fx('w'), 'v@example.com', extensions.digest('v', 'sha256'), now() + interval '1 day') returning id $$, 'invites: viewer cannot insert');
select tests.assert_denied($$ update public.invites set role = 'owner' where id = pg_temp.fx('inv') returning id $$, 'invites: viewer cannot update');
select tests.assert_filtered($$ delete from public.invites where id = pg_temp.fx('inv') returning id $$, 'invites: viewer cannot delete');

select tests.authenticate_as('t_member');
select tests.assert_filtered($$ select id from public.invites where workspace_id = pg_temp.fx('w') $$, 'invites: a member cannot see invites');
select tests.assert_denied($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (pg_temp.fx('w'), 'm@example.com', extensions.digest('m', 'sha256'), now() + interval '1 day') returning id $$, 'invites: member cannot insert');
select tests.assert_denied($$ update public.invites set role = 'owner' where id = pg_temp.fx('inv') returning id $$, 'invites: member cannot update');
select tests.assert_filtered($$ delete from public.invites where id = pg_temp.fx('inv') returning id $$, 'invites: member cannot delete');

select tests.authenticate_as('t_admin');
select results_eq($$ select email from public.invites where workspace_id = pg_temp.fx('w') order by email $$,
  $$ values ('del-admin@example.com'::text), ('del-owner@example.com'), ('del-service@example.com'), ('main@example.com') $$,
  'invites: an admin sees W''s invites');
select tests.assert_denied($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (pg_temp.fx('w'), 'ad@example.com', extensions.digest('ad', 'sha256'), now() + interval '1 day') returning id $$, 'invites: admin cannot insert directly (create_invite)');
select tests.assert_denied($$ update public.invites set role = 'owner' where id = pg_temp.fx('inv') returning id $$, 'invites: admin cannot update directly (revoke_invite)');
select results_eq($$ delete from public.invites where email = 'del-admin@example.com' returning email $$,
  $$ values ('del-admin@example.com'::text) $$, 'invites: an admin deletes an invite');

select tests.authenticate_as('t_owner');
select isnt_empty($$ select id from public.invites where id = pg_temp.fx('inv') $$, 'invites: the owner sees invites');
select tests.assert_denied($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (pg_temp.fx('w'), 'ow@example.com', extensions.digest('ow', 'sha256'), now() + interval '1 day') returning id $$, 'invites: owner cannot insert directly');
select tests.assert_denied($$ update public.invites set role = 'owner' where id = pg_temp.fx('inv') returning id $$, 'invites: owner cannot update directly');
select results_eq($$ delete from public.invites where email = 'del-owner@example.com' returning email $$,
  $$ values ('del-owner@example.com'::text) $$, 'invites: the owner deletes an invite');

select tests.authenticate_as_service_role();
select isnt_empty($$ select id from public.invites where id = pg_temp.fx('inv') $$, 'invites: service_role reads');
select results_eq($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (pg_temp.fx('w'), 'svc@example.com', extensions.digest('svc', 'sha256'), now() + interval '1 day') returning email $$,
  $$ values ('svc@example.com'::text) $$, 'invites: service_role inserts');
select results_eq($$ update public.invites set role = 'viewer' where email = 'svc@example.com' returning role::text $$,
  $$ values ('viewer'::text) $$, 'invites: service_role updates');
select results_eq($$ with d as (delete from public.invites where email in ('svc@example.com', 'del-service@example.com') returning email)
                     select email from d order by 1 $$,
  $$ values ('del-service@example.com'::text), ('svc@example.com') $$, 'invites: service_role deletes');
select tests.clear_authentication();

-- ---------------------------------------------------------------------------------------- create_workspace
select tests.authenticate_as('t_outsider');
select results_eq($$ select w.name, w.slug, w.created_by, w.is_personal, w.setup_state::text
                     from public.create_workspace('Beta Team', 'beta') w $$,
  $$ values ('Beta Team'::text, 'beta'::text, pg_temp.uid('t_outsider'), false, 'pending'::text) $$,
  'create_workspace returns the new workspace row');
insert into fx select 'w_beta', id from public.workspaces where slug = 'beta';
select results_eq($$ select m.role::text from public.workspace_members m where m.workspace_id = pg_temp.fx('w_beta') $$,
  $$ values ('owner'::text) $$, 'create_workspace makes the caller its only member, as owner');
select results_eq($$ select o.name, o.slug, o.billing_owner_id, o.is_personal from public.organizations o
                     join public.workspaces w on w.organization_id = o.id where w.id = pg_temp.fx('w_beta') $$,
  $$ values ('Beta Team'::text, 'beta'::text, pg_temp.uid('t_outsider'), false) $$,
  'create_workspace without an organization creates one billed to the caller');
insert into fx select 'w_beta2', (public.create_workspace('Beta Again', 'beta')).id;
select results_eq($$ select o.slug, w.slug from public.workspaces w join public.organizations o on o.id = w.organization_id
                     where w.id = pg_temp.fx('w_beta2') $$,
  $$ values ('beta-2'::text, 'beta'::text) $$, 'a new organization gets a de-duplicated slug when the requested one is taken');

select tests.authenticate_as('t_owner');
select results_eq($$ select w.organization_id, w.slug from public.create_workspace('Acme Lab', 'acme-lab', pg_temp.fx('org')) w $$,
  $$ values (pg_temp.fx('org'), 'acme-lab'::text) $$, 'the organization''s owner adds a workspace to it');

select pg_temp.snap();
select throws_ok($$ select public.create_workspace('Again', 'acme-hq', pg_temp.fx('org')) $$,
  '23505', 'workspace slug "acme-hq" is already taken in this organization', 'create_workspace: duplicate slug is 23505 naming the slug');
select pg_temp.unchanged('create_workspace duplicate slug: nothing written');
select throws_ok($$ select public.create_workspace(null, 'x-null-name') $$, '22004', 'p_name must not be null', 'create_workspace: null p_name');
select pg_temp.unchanged('create_workspace null p_name: nothing written');
select throws_ok($$ select public.create_workspace('   ', 'x-blank') $$, '22023', 'p_name must be 1 to 200 characters (got 0)', 'create_workspace: blank p_name');
select pg_temp.unchanged('create_workspace blank p_name: nothing written');
select throws_ok($$ select public.create_workspace('Name', null) $$, '22004', 'p_slug must not be null', 'create_workspace: null p_slug');
select pg_temp.unchanged('create_workspace null p_slug: nothing written');
select throws_ok($$ select public.create_workspace('Name', 'Bad Slug!') $$, '22023',
  'p_slug "Bad Slug!" is not a valid slug (lowercase letters, digits and hyphens, 1 to 63, starting with a letter or digit)',
  'create_workspace: malformed p_slug');
select pg_temp.unchanged('create_workspace malformed p_slug: nothing written');
select throws_ok($$ select public.create_workspace('Name', 'x-none', '00000000-0000-4000-8000-000000000000') $$, 'P0002',
  'organization 00000000-0000-4000-8000-000000000000 not found (p_organization_id)', 'create_workspace: unknown organization');
select pg_temp.unchanged('create_workspace unknown organization: nothing written');

select tests.authenticate_as('t_admin');
select throws_ok($$ select public.create_workspace('Admin WS', 'admin-ws', pg_temp.fx('org')) $$, '42501',
  format('permission denied: only the billing owner or a workspace owner of organization %s can add workspaces (p_organization_id)', pg_temp.fx('org')),
  'create_workspace: a workspace admin cannot add workspaces to the organization');
select pg_temp.unchanged('create_workspace by admin into org: nothing written');
select tests.authenticate_as('t_outsider');
select throws_ok($$ select public.create_workspace('Hijack', 'hijack', pg_temp.fx('org')) $$, '42501', format('permission denied: only the billing owner or a workspace owner of organization %s can add workspaces (p_organization_id)', pg_temp.fx('org')),
  'create_workspace: a stranger cannot add workspaces to someone else''s organization');
select pg_temp.unchanged('create_workspace into a foreign organization: nothing written');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.create_workspace('Svc', 'svc-owned') $$, '42501',
  'create_workspace needs a signed-in user to become the owner (auth.uid() is null)', 'create_workspace: service_role without a user is refused');
select pg_temp.unchanged('create_workspace by service_role: nothing written');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select public.create_workspace('Anon', 'anon-ws') $$, 'create_workspace: anon cannot execute');
select tests.clear_authentication();
select pg_temp.unchanged('create_workspace by anon: nothing written');

-- ---------------------------------------------------------------------------------------- create_invite / accept_invite / revoke_invite
select tests.authenticate_as('t_admin');
insert into fx select 'tok:' || i.token, i.invite_id from public.create_invite(pg_temp.fx('w'), ' T_Invitee@Test.Agentbase.dev ') i;
select tests.clear_authentication();
select results_eq($$ select i.email, i.role::text, i.invited_by, i.expires_at > now() + interval '6 days 23 hours',
                            i.accepted_at is null and i.revoked_at is null
                     from public.invites i join fx on fx.id = i.id where fx.k like 'tok:%' $$,
  $$ values ('t_invitee@test.agentbase.dev'::text, 'member'::text, pg_temp.uid('t_admin'), true, true) $$,
  'create_invite stores an open invite (email normalised, default role member, 7 days)');
select ok((select substr(k, 5) ~ '^inv_[0-9a-f]{64}$' from fx where k like 'tok:%'), 'create_invite returns a 256-bit token');
select results_eq($$ select i.token_hash from public.invites i join fx on fx.id = i.id where fx.k like 'tok:%' $$,
  $$ select extensions.digest(substr(k, 5), 'sha256') from fx where k like 'tok:%' $$, 'only the SHA-256 of the token is stored');
select is_empty($$ select 1 from public.invites i, fx where fx.k like 'tok:%' and strpos(i::text, substr(fx.k, 5)) > 0 $$,
  'the plaintext token appears in no invite row');

select tests.authenticate_as('t_invitee2');
select throws_ok(format('select public.accept_invite(%L)', (select substr(k, 5) from fx where k like 'tok:%')), '42501',
  'permission denied: this invite was sent to a different email address (p_token)', 'accept_invite: someone else''s invite is refused');
select tests.authenticate_as('t_invitee');
select pg_temp.snap();
select is(public.accept_invite((select substr(k, 5) from fx where k like 'tok:%')), pg_temp.fx('w'), 'accept_invite returns the workspace id');
select tests.clear_authentication();
select results_eq($$ select role::text from public.workspace_members where workspace_id = pg_temp.fx('w') and user_id = pg_temp.uid('t_invitee') $$,
  $$ values ('member'::text) $$, 'accept_invite adds the caller with the invite''s role');
select results_eq($$ select i.accepted_by, i.accepted_at is not null from public.invites i join fx on fx.id = i.id where fx.k like 'tok:%' $$,
  $$ values (pg_temp.uid('t_invitee'), true) $$, 'accept_invite marks the invite accepted');
select set_config('tests.accepted_at', (select i.accepted_at::text from public.invites i join fx on fx.id = i.id where fx.k like 'tok:%'), true);
select tests.authenticate_as('t_invitee');
select pg_temp.snap();
select throws_ok(format('select public.accept_invite(%L)', (select substr(k, 5) from fx where k like 'tok:%')), '23505', 'invite already used: p_token was accepted at ' || current_setting('tests.accepted_at'),
  'accept_invite: a used invite is refused (23505)');
select pg_temp.unchanged('accept_invite used token: nothing written');

-- accept errors with exact messages, each leaving everything unchanged
select throws_ok($$ select public.accept_invite(null) $$, '22004', 'p_token must not be null or empty', 'accept_invite: null token');
select pg_temp.unchanged('accept_invite null token: nothing written');
select throws_ok($$ select public.accept_invite('  ') $$, '22004', 'p_token must not be null or empty', 'accept_invite: blank token');
select pg_temp.unchanged('accept_invite blank token: nothing written');
select throws_ok($$ select public.accept_invite('inv_doesnotexist') $$, 'P0002', 'invite not found: p_token matches no invite', 'accept_invite: unknown token');
select pg_temp.unchanged('accept_invite unknown token: nothing written');

select tests.authenticate_as('t_owner');
insert into fx select 'exp:' || i.token, i.invite_id from public.create_invite(pg_temp.fx('w'), 't_invitee2@test.agentbase.dev', 'viewer', interval '1 hour') i;
insert into fx select 'rev:' || i.token, i.invite_id from public.create_invite(pg_temp.fx('w'), 't_invitee3@test.agentbase.dev', 'admin') i;
insert into fx select 'mem:' || i.token, i.invite_id from public.create_invite(pg_temp.fx('w'), 'not-yet@example.com') i;
select tests.clear_authentication();
update public.invites set expires_at = now() - interval '1 minute' where id = (select id from fx where k like 'exp:%');
select set_config('tests.expired_at', (select expires_at::text from public.invites where id = (select id from fx where k like 'exp:%')), true);
update public.invites set email = 't_member@test.agentbase.dev' where id = (select id from fx where k like 'mem:%');

select tests.authenticate_as('t_invitee2');
select pg_temp.snap();
select throws_ok(format('select public.accept_invite(%L)', (select substr(k, 5) from fx where k like 'exp:%')), '22023',
  'invite expired: p_token expired at ' || current_setting('tests.expired_at'),
  'accept_invite: an expired invite is refused (22023)');
select pg_temp.unchanged('accept_invite expired token: nothing written');

select tests.authenticate_as('t_admin');
select results_eq($$ select r.revoked_by, r.revoked_at is not null from public.revoke_invite((select id from fx where k like 'rev:%')) r $$,
  $$ values (pg_temp.uid('t_admin'), true) $$, 'revoke_invite: an admin revokes an open invite');
select pg_temp.snap();
select results_eq($$ select r.revoked_by from public.revoke_invite((select id from fx where k like 'rev:%')) r $$,
  $$ values (pg_temp.uid('t_admin')) $$, 'revoke_invite: revoking twice returns the row');
select pg_temp.unchanged('revoke_invite twice: nothing changes');
select tests.clear_authentication();
select set_config('tests.revoked_at', (select i.revoked_at::text from public.invites i join fx on fx.id = i.id where fx.k like 'rev:%'), true);
select tests.authenticate_as('t_invitee3');
select throws_ok(format('select public.accept_invite(%L)', (select substr(k, 5) from fx where k like 'rev:%')), '55000', 'invite revoked: p_token was revoked at ' || current_setting('tests.revoked_at'),
  'accept_invite: a revoked invite is refused (55000)');
select pg_temp.unchanged('accept_invite revoked token: nothing written');
select tests.authenticate_as('t_member');
select throws_ok(format('select public.accept_invite(%L)', (select substr(k, 5) from fx where k like 'mem:%')), '23505',
  format('already a member: you already belong to workspace %s', pg_temp.fx('w')), 'accept_invite: an existing member is refused');
select pg_temp.unchanged('accept_invite by an existing member: nothing written');
select tests.authenticate_as_anon();
select tests.assert_denied(format('select public.accept_invite(%L)', (select substr(k, 5) from fx where k like 'mem:%')), 'accept_invite: anon cannot execute');
select tests.authenticate_as('t_member');
select pg_temp.unchanged('accept_invite by anon: nothing written');

-- create_invite refusals
select throws_ok($$ select * from public.create_invite(pg_temp.fx('w'), 'new@example.com') $$, '42501',
  format('permission denied: requires role admin in workspace %s', pg_temp.fx('w')), 'create_invite: a member cannot invite');
select pg_temp.unchanged('create_invite by member: nothing written');
select tests.authenticate_as('t_viewer');
select throws_ok($$ select * from public.create_invite(pg_temp.fx('w'), 'new@example.com') $$, '42501', format('permission denied: requires role admin in workspace %s', pg_temp.fx('w')), 'create_invite: a viewer cannot invite');
select pg_temp.unchanged('create_invite by viewer: nothing written');
select tests.authenticate_as('t_outsider');
select throws_ok($$ select * from public.create_invite(pg_temp.fx('w'), 'new@example.com') $$, '42501', format('permission denied: requires role admin in workspace %s', pg_temp.fx('w')), 'create_invite: a non-member cannot invite');
select pg_temp.unchanged('create_invite by outsider: nothing written');
select tests.authenticate_as('t_admin');
select throws_ok($$ select * from public.create_invite(pg_temp.fx('w'), 'new@example.com', 'owner') $$, '42501',
  'permission denied: a admin cannot invite as owner (p_role)', 'create_invite: an admin cannot invite an owner');
select pg_temp.unchanged('create_invite above own role: nothing written');
select throws_ok($$ select * from public.create_invite(null, 'new@example.com') $$, '22004', 'p_workspace_id must not be null', 'create_invite: null workspace');
select throws_ok($$ select * from public.create_invite(pg_temp.fx('w'), null) $$, '22004', 'p_email must not be null', 'create_invite: null email');
select throws_ok($$ select * from public.create_invite(pg_temp.fx('w'), 'new@example.com', null) $$, '22004', 'p_role must not be null', 'create_invite: null role');
select throws_ok($$ select * from public.create_invite(pg_temp.fx('w'), 'new@example.com', 'member', null) $$, '22004', 'p_expires_in must not be null', 'create_invite: null expiry');
select throws_ok($$ select * from public.create_invite(pg_temp.fx('w'), 'not an email') $$, '22023', 'p_email "not an email" is not a valid email address', 'create_invite: malformed email');
select throws_ok($$ select * from public.create_invite(pg_temp.fx('w'), 'new@example.com', 'member', interval '90 days') $$, '22023',
  'p_expires_in must be between 5 minutes and 30 days (got 90 days)', 'create_invite: expiry out of range');
select throws_ok($$ select * from public.create_invite(pg_temp.fx('w'), 'T_Viewer@test.agentbase.dev') $$, '23505',
  format('t_viewer@test.agentbase.dev is already a member of workspace %s (p_email)', pg_temp.fx('w')), 'create_invite: an existing member cannot be invited');
select throws_ok($$ select * from public.create_invite('00000000-0000-4000-8000-000000000000', 'new@example.com') $$, '42501', 'permission denied: requires role admin in workspace 00000000-0000-4000-8000-000000000000',
  'create_invite: an unknown workspace is a permission error for users');
select pg_temp.unchanged('create_invite bad arguments: nothing written');
select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.create_invite('00000000-0000-4000-8000-000000000000', 'new@example.com') $$, 'P0002',
  'workspace 00000000-0000-4000-8000-000000000000 not found (p_workspace_id)', 'create_invite: service_role gets P0002 for an unknown workspace');
select pg_temp.unchanged('create_invite unknown workspace: nothing written');
select isnt_empty($$ select * from public.create_invite(pg_temp.fx('w'), 'svc-invite@example.com', 'owner') $$, 'create_invite: service_role may invite any role');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.create_invite(pg_temp.fx('w'), 'anon@example.com') $$, 'create_invite: anon cannot execute');

select tests.authenticate_as('t_owner');
select isnt_empty($$ select * from public.create_invite(pg_temp.fx('w'), 'co-owner@example.com', 'owner') $$, 'create_invite: an owner may invite an owner');
select isnt_empty($$ select * from public.create_invite(pg_temp.fx('w'), 'co-owner@example.com', 'admin') $$, 'create_invite: re-inviting an address works');
select tests.clear_authentication();
select results_eq($$ select role::text, revoked_at is not null from public.invites where email = 'co-owner@example.com' order by role desc $$,
  $$ values ('owner'::text, true), ('admin'::text, false) $$, 're-inviting revokes the earlier open invite (one open invite per address)');

-- revoke_invite refusals
select tests.authenticate_as('t_member');
select pg_temp.snap();
select throws_ok($$ select public.revoke_invite(pg_temp.fx('inv')) $$, '42501', format('permission denied: requires role admin in workspace %s', pg_temp.fx('w')), 'revoke_invite: a member cannot revoke');
select pg_temp.unchanged('revoke_invite by member: nothing written');
select tests.authenticate_as('t_admin');
select throws_ok($$ select public.revoke_invite(null) $$, '22004', 'p_invite_id must not be null', 'revoke_invite: null id');
select throws_ok($$ select public.revoke_invite('00000000-0000-4000-8000-000000000000') $$, 'P0002',
  'invite 00000000-0000-4000-8000-000000000000 not found (p_invite_id)', 'revoke_invite: unknown id');
select throws_ok(format('select public.revoke_invite(%L)', (select id from fx where k like 'tok:%')), '55000',
  format('invite %s was already accepted and cannot be revoked (p_invite_id)', (select id from fx where k like 'tok:%')),
  'revoke_invite: an accepted invite cannot be revoked');
select pg_temp.unchanged('revoke_invite bad arguments: nothing written');

-- ---------------------------------------------------------------------------------------- complete_setup
select tests.authenticate_as('t_admin');
select results_eq($$ select setup_state::text, initialized, setup_completed_at is null
                     from public.complete_setup(pg_temp.fx('w'), p_timezone => 'America/New_York', p_completed => false) $$,
  $$ values ('in_progress'::text, false, true) $$, 'complete_setup(p_completed => false) saves wizard progress');
select results_eq($$ select setup_state::text, initialized, setup_completed_at is not null, owner_name, owner_preferred_name,
                            timezone, monthly_budget_usd, budget_hard_cutoff, settings
                     from public.complete_setup(pg_temp.fx('w'), 'Olivia Owner', 'Liv', 'Europe/Paris', 99.999, true,
                                                'The HQ', '{"theme": "dark"}') $$,
  $$ values ('completed'::text, true, true, 'Olivia Owner'::text, 'Liv'::text, 'Europe/Paris'::text, 100.00::numeric, true,
             '{"theme": "dark"}'::jsonb) $$, 'complete_setup completes the wizard and stores the settings');
select results_eq($$ select settings, owner_name from public.complete_setup(pg_temp.fx('w'), p_settings => '{"lang": "fr"}') $$,
  $$ values ('{"theme": "dark", "lang": "fr"}'::jsonb, 'Olivia Owner'::text) $$, 'complete_setup merges settings and keeps unspecified values');

select pg_temp.snap();
select throws_ok($$ select public.complete_setup(pg_temp.fx('w'), p_timezone => 'Mars/Olympus') $$, '22023',
  'p_timezone "Mars/Olympus" is not a recognised time zone (use an IANA name such as Europe/Berlin)', 'complete_setup: unknown timezone');
select throws_ok($$ select public.complete_setup(pg_temp.fx('w'), p_monthly_budget_usd => -1) $$, '22023',
  'p_monthly_budget_usd must be between 0 and 9999999999.99 (got -1)', 'complete_setup: negative budget');
select throws_ok($$ select public.complete_setup(pg_temp.fx('w'), p_settings => '[1, 2]') $$, '22023',
  'p_settings must be a JSON object (got array)', 'complete_setup: settings must be an object');
select throws_ok($$ select public.complete_setup(null) $$, '22004', 'p_workspace_id must not be null', 'complete_setup: null workspace');
select throws_ok($$ select public.complete_setup(pg_temp.fx('w'), p_owner_name => '') $$, '22023',
  'p_owner_name must be 1 to 200 characters', 'complete_setup: empty owner name');
select pg_temp.unchanged('complete_setup bad arguments: nothing written');
select tests.authenticate_as('t_outsider');
select throws_ok($$ select public.complete_setup(pg_temp.fx('w_beta')) $$, '22004',
  'p_owner_name is required to complete setup', 'complete_setup: completing needs an owner name');
select pg_temp.unchanged('complete_setup without owner name: nothing written');
select throws_ok($$ select public.complete_setup(pg_temp.fx('w'), 'X') $$, '42501', format('permission denied: requires role admin in workspace %s', pg_temp.fx('w')), 'complete_setup: a non-member is refused');
select tests.authenticate_as('t_member');
select throws_ok($$ select public.complete_setup(pg_temp.fx('w'), 'X') $$, '42501',
  format('permission denied: requires role admin in workspace %s', pg_temp.fx('w')), 'complete_setup: a member is refused');
select tests.authenticate_as('t_viewer');
select throws_ok($$ select public.complete_setup(pg_temp.fx('w'), 'X') $$, '42501', format('permission denied: requires role admin in workspace %s', pg_temp.fx('w')), 'complete_setup: a viewer is refused');
select pg_temp.unchanged('complete_setup by non-admins: nothing written');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.complete_setup('00000000-0000-4000-8000-000000000000', 'X') $$, 'P0002',
  'workspace 00000000-0000-4000-8000-000000000000 not found (p_workspace_id)', 'complete_setup: service_role gets P0002 for an unknown workspace');
select pg_temp.unchanged('complete_setup unknown workspace: nothing written');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select public.complete_setup(pg_temp.fx('w'), 'X') $$, 'complete_setup: anon cannot execute');

-- ---------------------------------------------------------------------------------------- set_member_role / remove_member
select tests.authenticate_as('t_admin');
select results_eq($$ select role::text from public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_viewer'), 'member') $$,
  $$ values ('member'::text) $$, 'set_member_role: an admin promotes a viewer to member');
select results_eq($$ select role::text from public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_viewer'), 'viewer') $$,
  $$ values ('viewer'::text) $$, 'set_member_role: an admin demotes a member to viewer');
select pg_temp.snap();
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_viewer'), 'owner') $$, '42501',
  'permission denied: a admin cannot grant the role owner (p_role)', 'set_member_role: nobody grants a role above their own');
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_owner'), 'viewer') $$, '42501',
  'permission denied: a admin cannot change the role of an owner (p_user_id)', 'set_member_role: an admin cannot demote an owner');
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), (select auth.uid()), 'owner') $$, '42501',
  'permission denied: you cannot raise your own role (from admin to owner)', 'set_member_role: an admin cannot raise their own role');
select throws_ok($$ select public.set_member_role(null, pg_temp.uid('t_viewer'), 'member') $$, '22004', 'p_workspace_id must not be null', 'set_member_role: null workspace');
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), null, 'member') $$, '22004', 'p_user_id must not be null', 'set_member_role: null user');
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_viewer'), null) $$, '22004', 'p_role must not be null', 'set_member_role: null role');
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_outsider'), 'member') $$, 'P0002',
  format('user %s is not a member of workspace %s (p_user_id)', pg_temp.uid('t_outsider'), pg_temp.fx('w')), 'set_member_role: target must be a member');
select pg_temp.unchanged('set_member_role refusals by admin: nothing written');
select tests.authenticate_as('t_member');
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), (select auth.uid()), 'admin') $$, '42501',
  'permission denied: you cannot raise your own role (from member to admin)', 'set_member_role: a member cannot raise their own role');
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_viewer'), 'member') $$, '42501',
  format('permission denied: requires role admin in workspace %s to change roles', pg_temp.fx('w')), 'set_member_role: a member cannot change others');
select pg_temp.unchanged('set_member_role refusals by member: nothing written');
select tests.authenticate_as('t_viewer');
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), (select auth.uid()), 'member') $$, '42501', 'permission denied: you cannot raise your own role (from viewer to member)', 'set_member_role: a viewer cannot raise their own role');
select tests.authenticate_as('t_outsider');
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_viewer'), 'admin') $$, '42501',
  format('permission denied: you are not a member of workspace %s (p_workspace_id)', pg_temp.fx('w')), 'set_member_role: a non-member is refused');
select pg_temp.unchanged('set_member_role refusals by viewer and outsider: nothing written');

select tests.authenticate_as('t_owner');
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), (select auth.uid()), 'admin') $$, '23514',
  format('cannot remove or demote the last owner of workspace %s', pg_temp.fx('w')), 'set_member_role: the last owner cannot be demoted');
select pg_temp.unchanged('last owner demotion: nothing written');
select throws_ok($$ select public.remove_member(pg_temp.fx('w'), (select auth.uid())) $$, '23514',
  format('cannot remove or demote the last owner of workspace %s', pg_temp.fx('w')), 'remove_member: the last owner cannot leave');
select pg_temp.unchanged('last owner removal: nothing written');
select results_eq($$ select role::text from public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_admin'), 'owner') $$,
  $$ values ('owner'::text) $$, 'set_member_role: an owner makes another member an owner');
select results_eq($$ select role::text from public.set_member_role(pg_temp.fx('w'), (select auth.uid()), 'admin') $$,
  $$ values ('admin'::text) $$, 'set_member_role: an owner steps down once another owner exists');
select tests.authenticate_as('t_admin');
select results_eq($$ select role::text from public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_owner'), 'owner') $$,
  $$ values ('owner'::text) $$, 'set_member_role: the new owner restores the first owner');
select results_eq($$ select role::text from public.set_member_role(pg_temp.fx('w'), (select auth.uid()), 'admin') $$,
  $$ values ('admin'::text) $$, 'set_member_role: a co-owner demotes themselves back to admin');

-- remove_member
select pg_temp.snap();
select throws_ok($$ select public.remove_member(pg_temp.fx('w'), pg_temp.uid('t_owner')) $$, '42501',
  'permission denied: a admin cannot remove an owner (p_user_id)', 'remove_member: an admin cannot remove an owner');
select throws_ok($$ select public.remove_member(null, pg_temp.uid('t_viewer')) $$, '22004', 'p_workspace_id must not be null', 'remove_member: null workspace');
select throws_ok($$ select public.remove_member(pg_temp.fx('w'), null) $$, '22004', 'p_user_id must not be null', 'remove_member: null user');
select throws_ok($$ select public.remove_member(pg_temp.fx('w'), pg_temp.uid('t_outsider')) $$, 'P0002',
  format('user %s is not a member of workspace %s (p_user_id)', pg_temp.uid('t_outsider'), pg_temp.fx('w')), 'remove_member: target must be a member');
select pg_temp.unchanged('remove_member refusals by admin: nothing written');
select tests.authenticate_as('t_member');
select throws_ok($$ select public.remove_member(pg_temp.fx('w'), pg_temp.uid('t_viewer')) $$, '42501',
  format('permission denied: requires role admin in workspace %s to remove members', pg_temp.fx('w')), 'remove_member: a member cannot remove others');
select tests.authenticate_as('t_viewer');
select throws_ok($$ select public.remove_member(pg_temp.fx('w'), pg_temp.uid('t_member')) $$, '42501', format('permission denied: requires role admin in workspace %s to remove members', pg_temp.fx('w')), 'remove_member: a viewer cannot remove others');
select tests.authenticate_as('t_outsider');
select throws_ok($$ select public.remove_member(pg_temp.fx('w'), pg_temp.uid('t_viewer')) $$, '42501', format('permission denied: you are not a member of workspace %s (p_workspace_id)', pg_temp.fx('w')), 'remove_member: a non-member is refused');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select public.remove_member(pg_temp.fx('w'), pg_temp.uid('t_viewer')) $$, 'remove_member: anon cannot execute');
select tests.assert_denied($$ select public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_viewer'), 'owner') $$, 'set_member_role: anon cannot execute');
select tests.authenticate_as('t_viewer');
select pg_temp.unchanged('remove_member refusals by member, viewer, outsider, anon: nothing written');

select tests.authenticate_as('t_admin');
select results_eq($$ select user_id from public.remove_member(pg_temp.fx('w'), pg_temp.uid('t_invitee')) $$,
  $$ values (pg_temp.uid('t_invitee')) $$, 'remove_member: an admin removes a member');
select tests.authenticate_as('t_viewer');
select results_eq($$ select user_id from public.remove_member(pg_temp.fx('w'), (select auth.uid())) $$,
  $$ values (pg_temp.uid('t_viewer')) $$, 'remove_member: a viewer leaves the workspace');
select tests.assert_filtered($$ select id from public.workspaces where id = pg_temp.fx('w') $$,
  'after leaving, the former viewer no longer sees the workspace');
select tests.clear_authentication();
select is((select count(*)::int from public.workspace_members where workspace_id = pg_temp.fx('w') and user_id in (pg_temp.uid('t_invitee'), pg_temp.uid('t_viewer'))), 0,
  'removed members are gone from the roster');

-- ---------------------------------------------------------------------------------------- invariants
-- The last-owner guard holds for trusted callers too.
select tests.authenticate_as_service_role();
select pg_temp.snap();
select throws_ok($$ delete from public.workspace_members where workspace_id = pg_temp.fx('w') and role = 'owner' $$, '23514',
  format('cannot remove or demote the last owner of workspace %s', pg_temp.fx('w')), 'service_role cannot delete the last owner either');
select throws_ok($$ update public.workspace_members set role = 'admin' where workspace_id = pg_temp.fx('w') and role = 'owner' $$, '23514',
  format('cannot remove or demote the last owner of workspace %s', pg_temp.fx('w')), 'service_role cannot demote the last owner either');
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_owner'), 'member') $$, '23514', format('cannot remove or demote the last owner of workspace %s', pg_temp.fx('w')),
  'set_member_role as service_role still protects the last owner');
select throws_ok($$ select public.set_member_role(pg_temp.fx('w'), null, 'member') $$, '22004', 'p_user_id must not be null',
  'service_role arguments are still validated');
select pg_temp.unchanged('last-owner guard for service_role: nothing written');
select results_eq($$ select role::text from public.set_member_role(pg_temp.fx('w'), pg_temp.uid('t_member'), 'owner') $$,
  $$ values ('owner'::text) $$, 'service_role may grant any role');

-- Duplicate slugs give a clear 23505 on direct writes too.
select tests.authenticate_as('t_member');
select pg_temp.snap();
select throws_ok($$ insert into public.projects (workspace_id, slug, name) values (pg_temp.fx('w'), 'main', 'Dup') $$, '23505',
  'project slug "main" is already taken in this workspace', 'projects: duplicate slug is 23505 naming the slug');
select throws_ok($$ update public.projects set slug = 'by-admin' where id = pg_temp.fx('proj') $$, '23505',
  'project slug "by-admin" is already taken in this workspace', 'projects: renaming onto a taken slug is 23505');
select pg_temp.unchanged('duplicate project slug: nothing written');
select tests.authenticate_as('t_owner');
select throws_ok($$ update public.workspaces set slug = 'acme-lab' where id = pg_temp.fx('w') $$, '23505',
  'workspace slug "acme-lab" is already taken in this organization', 'workspaces: renaming onto a taken slug is 23505');
select throws_ok($$ update public.organizations set slug = 'beta' where id = pg_temp.fx('org') $$, '23505',
  'organization slug "beta" is already taken', 'organizations: a taken slug is 23505 naming it (even one the caller cannot see)');
select throws_ok($$ update public.workspaces set timezone = 'Nowhere/Land' where id = pg_temp.fx('w') $$, '22023',
  'timezone "Nowhere/Land" is not a recognised time zone (use an IANA name such as Europe/Berlin)', 'workspaces: the timezone is validated');
select pg_temp.unchanged('invalid direct workspace writes: nothing written');

-- Setup state and archive timestamps stay consistent whatever the writer.
select results_eq($$ update public.workspaces set setup_state = 'pending' where id = pg_temp.fx('w') returning initialized, setup_completed_at is null $$,
  $$ values (false, true) $$, 'resetting setup_state clears setup_completed_at and initialized');
select results_eq($$ update public.projects set status = 'active' where slug = 'by-member' returning archived_at is null $$,
  $$ values (true) $$, 'un-archiving a project clears archived_at');
select tests.clear_authentication();
select results_eq($$ insert into public.projects (workspace_id, slug, name, status, archived_at)
                     values (pg_temp.fx('w'), 'fresh', 'Fresh', 'active', now()) returning archived_at is null $$,
  $$ values (true) $$, 'archived_at follows status on insert (an active project has none)');
select results_eq($$ update public.workspaces set setup_state = 'completed', setup_completed_at = null where id = pg_temp.fx('w')
                     returning initialized, setup_completed_at is not null $$,
  $$ values (true, true) $$, 'completing setup by a direct write stamps setup_completed_at');
select throws_ok($$ insert into public.invites (workspace_id, email, token_hash, expires_at, accepted_at, revoked_at)
                    values (pg_temp.fx('w'), 'both@example.com', extensions.digest('both', 'sha256'), now(), now(), now()) $$,
  '23514', 'new row for relation "invites" violates check constraint "invites_single_outcome_check"', 'an invite cannot be both accepted and revoked');
select throws_ok($$ insert into public.invites (workspace_id, email, token_hash, expires_at)
                    values (pg_temp.fx('w'), 'Upper@Example.com', extensions.digest('upper', 'sha256'), now()) $$,
  '23514', 'new row for relation "invites" violates check constraint "invites_email_check"', 'invite emails are stored lowercase');

-- The owner deletes the workspace; everything below it goes with it.
select tests.authenticate_as('t_owner');
select results_eq($$ delete from public.workspaces where id = pg_temp.fx('w') returning id $$, $$ values (pg_temp.fx('w')) $$,
  'workspaces: the owner deletes W');
select tests.clear_authentication();
select is((select count(*)::int from public.workspace_members where workspace_id = pg_temp.fx('w'))
        + (select count(*)::int from public.projects where workspace_id = pg_temp.fx('w'))
        + (select count(*)::int from public.invites where workspace_id = pg_temp.fx('w')), 0,
  'deleting a workspace removes its members, projects and invites');

select * from finish();
rollback;
