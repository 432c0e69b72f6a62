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

grant execute on all functions in schema tests to anon, authenticated, service_role;

begin;
select plan(10);

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

select * from finish();
rollback;
