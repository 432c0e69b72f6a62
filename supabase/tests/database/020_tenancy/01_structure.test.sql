-- Tenancy: structure.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(57);

select tests.create_tenancy_fixture();

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
select has_trigger('public', t, t || '_set_updated_at', t || ' maintains updated_at')
from unnest(array['profiles', 'organizations', 'workspaces', 'workspace_members', 'projects', 'invites']) t;
select has_trigger('public', 'workspace_members', 'guard_last_owner', 'last-owner guard trigger');

select * from finish();
rollback;
