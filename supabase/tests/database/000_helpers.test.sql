-- Test helpers shared by every pgTAP file. pg_prove runs files in name order, so 000 installs them
-- (committed, in schema `tests`), then proves they behave as PostgREST does. `supabase db reset` drops
-- the schema with the rest of the project's objects; the test runner drops it after the suite.

create extension if not exists pgtap with schema extensions;

create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

-- A user in auth.users, found again by a short identifier. Fires the project's signup triggers.
create or replace function tests.create_user(p_identifier text, p_email text default null)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid := gen_random_uuid();
begin
  insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at, updated_at)
  values (v_id, 'authenticated', 'authenticated', coalesce(p_email, p_identifier || '@test.agentbase.dev'),
          jsonb_build_object('test_identifier', p_identifier),
          '{"provider": "email", "providers": ["email"]}'::jsonb, now(), now());
  return v_id;
end
$$;

create or replace function tests.user_id(p_identifier text)
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  select u.id into v_id from auth.users u where u.raw_user_meta_data ->> 'test_identifier' = p_identifier;
  if v_id is null then
    raise exception 'tests.user_id: no test user %', p_identifier;
  end if;
  return v_id;
end
$$;

-- The claims PostgREST sets for a signed-in user (GoTrue's access token), transaction-local.
create or replace function tests.authenticate_as(p_identifier text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid := tests.user_id(p_identifier);
begin
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', jsonb_build_object(
    'sub', v_id,
    'role', 'authenticated',
    'aud', 'authenticated',
    'email', p_identifier || '@test.agentbase.dev',
    'phone', '',
    'aal', 'aal1',
    'amr', jsonb_build_array(jsonb_build_object('method', 'password', 'timestamp', extract(epoch from now())::bigint)),
    'session_id', gen_random_uuid(),
    'is_anonymous', false,
    'iat', extract(epoch from now())::bigint,
    'exp', extract(epoch from now() + interval '1 hour')::bigint,
    'app_metadata', jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email')),
    'user_metadata', jsonb_build_object('test_identifier', p_identifier)
  )::text, true);
end
$$;

create or replace function tests.authenticate_as_anon()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', jsonb_build_object(
    'role', 'anon', 'iss', 'supabase', 'iat', extract(epoch from now())::bigint,
    'exp', extract(epoch from now() + interval '1 hour')::bigint)::text, true);
end
$$;

create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claims', jsonb_build_object(
    'role', 'service_role', 'iss', 'supabase', 'iat', extract(epoch from now())::bigint,
    'exp', extract(epoch from now() + interval '1 hour')::bigint)::text, true);
end
$$;

-- Back to the session's own role (postgres) with no claims.
create or replace function tests.clear_authentication()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'none', true);
  perform set_config('request.jwt.claims', '', true);
end
$$;

-- Denied: the statement raises insufficient_privilege (missing grant, failed WITH CHECK, RPC refusal).
create or replace function tests.assert_denied(p_sql text, p_description text)
returns text
language sql
set search_path = extensions -- pgTAP calls its own internals unqualified
as $$
  select extensions.throws_ok(p_sql, '42501', null, p_description)
$$;

-- Filtered: RLS hides the rows, so the statement (a select, or a write with RETURNING) yields nothing.
create or replace function tests.assert_filtered(p_sql text, p_description text)
returns text
language sql
set search_path = extensions -- pgTAP calls its own internals unqualified
as $$
  select extensions.is_empty(p_sql, p_description)
$$;

-- The standard tenant fixture every domain's tests start from. For key k it creates organization k with
-- workspace "k-a" (users k_owner, k_admin, k_member, k_viewer in those roles) and workspace "k-b" whose
-- admin is k_outsider: the other tenant every RLS test must be kept away from. Returns k-a's id.
create or replace function tests.create_workspace_fixture(p_key text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_org uuid;
  v_a uuid;
  v_b uuid;
begin
  if p_key is null or p_key !~ '^[a-z][a-z0-9_]{1,30}$' then
    raise exception 'tests.create_workspace_fixture: key must match ^[a-z][a-z0-9_]{1,30}$, got %', p_key;
  end if;
  insert into public.organizations (name, slug) values ('Fixture ' || p_key, replace(p_key, '_', '-'))
  returning id into v_org;
  insert into public.workspaces (organization_id, name, slug)
  values (v_org, 'Fixture ' || p_key || ' A', replace(p_key, '_', '-') || '-a') returning id into v_a;
  insert into public.workspaces (organization_id, name, slug)
  values (v_org, 'Fixture ' || p_key || ' B', replace(p_key, '_', '-') || '-b') returning id into v_b;
  insert into public.workspace_members (workspace_id, user_id, role) values
    (v_a, tests.create_user(p_key || '_owner'), 'owner'),
    (v_a, tests.create_user(p_key || '_admin'), 'admin'),
    (v_a, tests.create_user(p_key || '_member'), 'member'),
    (v_a, tests.create_user(p_key || '_viewer'), 'viewer'),
    (v_b, tests.create_user(p_key || '_outsider'), 'admin');
  return v_a;
end
$$;

-- The fixture's workspaces by key: 'a' (the members' tenant) or 'b' (the outsider's).
create or replace function tests.workspace_id(p_key text, p_which text default 'a')
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  select w.id into v_id from public.workspaces w
  join public.organizations o on o.id = w.organization_id
  where o.slug = replace(p_key, '_', '-') and w.slug = replace(p_key, '_', '-') || '-' || p_which;
  if v_id is null then
    raise exception 'tests.workspace_id: no fixture workspace %-%', p_key, p_which;
  end if;
  return v_id;
end
$$;

-- An agent (with its own gateway) in a workspace, for tests that need one. Returns the agent id.
create or replace function tests.create_agent_fixture(p_workspace_id uuid, p_slug text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_gateway uuid;
  v_agent uuid;
begin
  insert into public.gateways (workspace_id, slug) values (p_workspace_id, p_slug || '-gw') returning id into v_gateway;
  insert into public.agents (workspace_id, slug, name, gateway_id)
  values (p_workspace_id, p_slug, initcap(replace(p_slug, '-', ' ')), v_gateway) returning id into v_agent;
  return v_agent;
end
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

begin;
select plan(15);

select tests.create_user('helper_probe');

select isnt(tests.user_id('helper_probe'), null, 'create_user makes a user that user_id finds again');
select throws_ok($$ select tests.user_id('nobody') $$, 'P0001', 'tests.user_id: no test user nobody',
  'user_id names an unknown identifier');

select tests.authenticate_as('helper_probe');
select is(auth.uid(), tests.user_id('helper_probe'), 'authenticate_as: auth.uid() is the user');
select is(auth.role(), 'authenticated', 'authenticate_as: auth.role() is authenticated');
select is(current_user::text, 'authenticated', 'authenticate_as: the session runs as role authenticated');
select is(auth.jwt() ->> 'aal', 'aal1', 'authenticate_as: the full PostgREST claim set is present');

select tests.authenticate_as_anon();
select ok(auth.uid() is null and current_user = 'anon', 'authenticate_as_anon: no uid, role anon');

select tests.authenticate_as_service_role();
select is(private.request_role(), 'service_role', 'authenticate_as_service_role: request_role sees service_role');

select tests.clear_authentication();
select is(current_user::text, 'postgres', 'clear_authentication returns to the session role');

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from auth.users $$, 'assert_denied passes on a 42501 (anon reading auth.users)');

select tests.clear_authentication();
select tests.create_workspace_fixture('helper_fx');
select is((select count(*)::int from public.workspace_members where workspace_id = tests.workspace_id('helper_fx')), 4,
  'create_workspace_fixture: workspace a has owner, admin, member, viewer');
select is((select role::text from public.workspace_members where workspace_id = tests.workspace_id('helper_fx', 'b')
           and user_id = tests.user_id('helper_fx_outsider')), 'admin',
  'create_workspace_fixture: the outsider is admin of workspace b only');
select ok(not exists (select 1 from public.workspace_members where workspace_id = tests.workspace_id('helper_fx')
          and user_id = tests.user_id('helper_fx_outsider')), 'create_workspace_fixture: the outsider is not in workspace a');
select tests.create_agent_fixture(tests.workspace_id('helper_fx'), 'fx-agent');
select is((select workspace_id from public.agents where slug = 'fx-agent'),
  tests.workspace_id('helper_fx'), 'create_agent_fixture: the agent belongs to the workspace given');
select throws_ok($$ select tests.workspace_id('helper_fx', 'c') $$, 'P0001', 'tests.workspace_id: no fixture workspace helper_fx-c',
  'workspace_id names an unknown fixture');

select * from finish();
rollback;
