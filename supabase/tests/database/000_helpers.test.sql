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


-- =========================================================================================== domain fixtures
-- Shared by the files of one domain folder. Each test file runs in a transaction that it rolls back, so
-- the scratch tables below are always empty outside a test and a fixture is created once per file.

-- Tenancy (020_tenancy/): tests.fx holds named ids shared across role switches; tests.snap() and
-- tests.unchanged(description) compare a digest of every tenancy row (read as the owner) before and after
-- a refused call, to prove it wrote nothing.
create table if not exists tests.fx (k text primary key, id uuid not null);
grant all on tests.fx to public;
create or replace function tests.fx(p_k text) returns uuid language sql stable
  as $$ select id from tests.fx where k = p_k $$;
create or replace function tests.tenancy_fingerprint() returns text language sql security definer set search_path = ''
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
create or replace function tests.snap() returns void language sql
  as $$ select set_config('tests.fingerprint', tests.tenancy_fingerprint(), true); $$;
create or replace function tests.unchanged(p_description text) returns text language sql
  as $$ select extensions.is(tests.tenancy_fingerprint(), current_setting('tests.fingerprint'), p_description) $$;

-- Users t_owner .. t_invitee3; workspace 'w' (created by t_owner through the RPC, with admin, member,
-- viewer), 'w_del' in the same organization, the outsider's personal 'w_out', projects and invites.
create or replace function tests.create_tenancy_fixture()
returns void
language plpgsql
as $fixture$
begin
  perform tests.create_user(u) from unnest(array['t_owner', 't_admin', 't_member', 't_viewer', 't_outsider',
    't_invitee', 't_invitee2', 't_invitee3']) u;

  -- W: the workspace under test, created by its owner through the RPC.
  perform tests.authenticate_as('t_owner');
  insert into tests.fx select 'w', (public.create_workspace('Acme HQ', 'acme-hq')).id;
  insert into tests.fx select 'w_del', (public.create_workspace('Acme Scratch', 'acme-scratch',
    (select w.organization_id from public.workspaces w where w.id = tests.fx('w')))).id;
  perform tests.clear_authentication();
  insert into tests.fx select 'org', organization_id from public.workspaces where id = tests.fx('w');
  insert into tests.fx select 'w_out', w.id from public.workspaces w
    join public.workspace_members m on m.workspace_id = w.id
    where m.user_id = (select tests.user_id('t_outsider')) and w.is_personal;
  insert into public.workspace_members (workspace_id, user_id, role) values
    (tests.fx('w'), tests.user_id('t_admin'), 'admin'),
    (tests.fx('w'), tests.user_id('t_member'), 'member'),
    (tests.fx('w'), tests.user_id('t_viewer'), 'viewer');
  insert into public.projects (workspace_id, slug, name, created_by) values
    (tests.fx('w'), 'main', 'Main', tests.user_id('t_owner')),
    (tests.fx('w'), 'del-admin', 'Delete me (admin)', tests.user_id('t_owner')),
    (tests.fx('w'), 'del-owner', 'Delete me (owner)', tests.user_id('t_owner')),
    (tests.fx('w'), 'del-service', 'Delete me (service)', tests.user_id('t_owner'));
  insert into tests.fx select 'proj', id from public.projects where workspace_id = tests.fx('w') and slug = 'main';
  insert into public.invites (workspace_id, email, role, token_hash, invited_by, expires_at) values
    (tests.fx('w'), 'main@example.com', 'member', extensions.digest('fixture-main', 'sha256'), tests.user_id('t_owner'), now() + interval '1 day'),
    (tests.fx('w'), 'del-admin@example.com', 'member', extensions.digest('fixture-a', 'sha256'), tests.user_id('t_owner'), now() + interval '1 day'),
    (tests.fx('w'), 'del-owner@example.com', 'member', extensions.digest('fixture-o', 'sha256'), tests.user_id('t_owner'), now() + interval '1 day'),
    (tests.fx('w'), 'del-service@example.com', 'member', extensions.digest('fixture-s', 'sha256'), tests.user_id('t_owner'), now() + interval '1 day');
  insert into tests.fx select 'inv', id from public.invites where email = 'main@example.com';
end
$fixture$;

-- Agents (030_agents/): W1 = a0..01 under test, W2 = a0..02 another workspace. Agents in W1: chief a1..01
-- (head), mgr a1..02, worker a1..03, intern a1..04; W2: other-agent a2..01, gateway a3..02; templates,
-- skills, training data.
create or replace function tests.create_agents_fixture()
returns void
language plpgsql
as $fixture$
begin
  --   W1 = a0..01, W2 = a0..02. Agents in W1: chief a1..01 (head), mgr a1..02, worker a1..03,
  --   intern a1..04. W2: other-agent a2..01. Gateway in W2: a3..02.
  perform tests.create_user('ag_admin');
  perform tests.create_user('ag_member');
  perform tests.create_user('ag_viewer');
  perform tests.create_user('ag_other');
  perform tests.create_user('ag_owner');

  insert into public.organizations (id, name, slug)
  values ('a0000000-0000-4000-8000-0000000000f1', 'Agents Org', 'agents-org');
  insert into public.workspaces (id, organization_id, name, slug) values
    ('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-0000000000f1', 'W1', 'w1'),
    ('a0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-0000000000f1', 'W2', 'w2');
  insert into public.workspace_members (workspace_id, user_id, role) values
    ('a0000000-0000-4000-8000-000000000001', tests.user_id('ag_owner'), 'owner'),
    ('a0000000-0000-4000-8000-000000000001', tests.user_id('ag_admin'), 'admin'),
    ('a0000000-0000-4000-8000-000000000001', tests.user_id('ag_member'), 'member'),
    ('a0000000-0000-4000-8000-000000000001', tests.user_id('ag_viewer'), 'viewer'),
    ('a0000000-0000-4000-8000-000000000002', tests.user_id('ag_other'), 'admin');

  insert into public.gateways (id, workspace_id, slug, label) values
    ('a3000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000002', 'w2-gw', 'W2 gateway');

  insert into public.agents (id, workspace_id, slug, name, is_head) values
    ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'chief', 'Chief', true),
    ('a1000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', 'mgr', 'Manager', false),
    ('a1000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000001', 'worker', 'Worker', false),
    ('a1000000-0000-4000-8000-000000000004', 'a0000000-0000-4000-8000-000000000001', 'intern', 'Intern', false),
    ('a2000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002', 'other-agent', 'Other', false);

  insert into public.agent_templates (id, workspace_id, slug, name, category, agent_type, tools, defaults) values
    ('a4000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'w1-support', 'W1 support',
     'support', 'email', array['email.read', 'tickets.write'],
     '{"trust_tier": "partner", "tone": "kind", "config": {"signature": "W1", "max_replies": 5}}'),
    ('a4000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000002', 'w2-secret', 'W2 secret',
     'general', 'custom', '{}', '{}'),
    -- A W1 template shadowing the built-in "researcher".
    ('a4000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000001', 'researcher', 'W1 researcher',
     'research', 'research', array['w1.search'], '{"tone": "w1-house-style"}');

  insert into public.agent_skills (id, workspace_id, agent_id, slug, name, category, level) values
    ('a5000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001',
     'a1000000-0000-4000-8000-000000000003', 'sql', 'SQL', 'engineering', 3),
    ('a5000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000002',
     'a2000000-0000-4000-8000-000000000001', 'sql', 'SQL', 'engineering', 2);

  insert into public.agent_training_data (id, workspace_id, agent_id, kind, title, content) values
    ('a6000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001',
     'a1000000-0000-4000-8000-000000000003', 'instruction', 'Style', 'Answer in one paragraph.'),
    ('a6000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000002',
     'a2000000-0000-4000-8000-000000000001', 'knowledge', 'Secret', 'W2 only.');
end
$fixture$;

-- Gateways (040_gateways/): G1 = b0..01 under test, G2 = b0..02 another workspace.
create or replace function tests.create_gateways_fixture()
returns void
language plpgsql
as $fixture$
begin
  -- Gateways: G1 edge b3..01 (meta os=linux), G2 g2-gw b3..02. Agent in G1 on edge: b1..01.
  perform tests.create_user('gw_admin');
  perform tests.create_user('gw_member');
  perform tests.create_user('gw_viewer');
  perform tests.create_user('gw_other');

  insert into public.organizations (id, name, slug)
  values ('b0000000-0000-4000-8000-0000000000f1', 'Gateways Org', 'gateways-org');
  -- The queue contract files check the full event trail: event log 'all' (the default is 'changes').
  insert into public.workspaces (id, organization_id, name, slug, settings) values
    ('b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-0000000000f1', 'G1', 'g1', '{"queue_event_log": "all"}'),
    ('b0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-0000000000f1', 'G2', 'g2', '{"queue_event_log": "all"}');
  insert into public.workspace_members (workspace_id, user_id, role) values
    ('b0000000-0000-4000-8000-000000000001', tests.user_id('gw_admin'), 'admin'),
    ('b0000000-0000-4000-8000-000000000001', tests.user_id('gw_member'), 'member'),
    ('b0000000-0000-4000-8000-000000000001', tests.user_id('gw_viewer'), 'viewer'),
    ('b0000000-0000-4000-8000-000000000002', tests.user_id('gw_other'), 'admin');

  insert into public.gateways (id, workspace_id, slug, label, labels, url, meta) values
    ('b3000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'edge', 'Edge box',
     array['gpu', 'eu'], 'https://edge.example.com', '{"os": "linux"}'),
    ('b3000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000002', 'g2-gw', 'G2 box',
     '{}', null, '{}');
  insert into public.agents (id, workspace_id, slug, name, gateway_id) values
    ('b1000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'runner', 'Runner',
     'b3000000-0000-4000-8000-000000000001');
end
$fixture$;

-- Command queue (050_command_queue/): tests.cq keeps ids and lease tokens captured during a test, readable by every role;
-- tests.cq_events(k) lists a row's events as reason:from>to.
create table if not exists tests.cq (k text primary key, id uuid, token uuid, extra jsonb);
grant all on tests.cq to anon, authenticated, service_role;
create or replace function tests.cq_id(p_k text) returns uuid language sql stable as $$ select id from tests.cq where k = p_k $$;
create or replace function tests.cq_token(p_k text) returns uuid language sql stable as $$ select token from tests.cq where k = p_k $$;
create or replace function tests.cq_events(p_k text) returns text language sql stable security definer set search_path = '' as $$
  select string_agg(e.reason || ':' || coalesce(e.from_status::text, '-') || '>' || e.to_status::text, ',' order by e.id)
  from public.agent_command_events e where e.command_id = (select id from tests.cq where k = p_k)
$$;

-- Command queue (050_command_queue/): users, an organization with workspaces A and B, and their owners (fixed ids).
create or replace function tests.create_command_queue_fixture()
returns void
language plpgsql
as $fixture$
begin
  perform tests.create_user('cq_admin_a');
  perform tests.create_user('cq_member_a');
  perform tests.create_user('cq_viewer_a');
  perform tests.create_user('cq_admin_b');

  insert into public.organizations (id, name, slug)
  values ('c4000000-0000-4000-8000-000000000001', 'Command Queue Org', 'cq-org');
  -- The queue contract files check the full event trail: event log 'all' (the default is 'changes').
  insert into public.workspaces (id, organization_id, name, slug, settings) values
    ('c4000000-0000-4000-8000-0000000000a1', 'c4000000-0000-4000-8000-000000000001', 'CQ A', 'cq-a', '{"queue_event_log": "all"}'),
    ('c4000000-0000-4000-8000-0000000000b1', 'c4000000-0000-4000-8000-000000000001', 'CQ B', 'cq-b', '{"queue_event_log": "all"}');
  insert into public.workspace_members (workspace_id, user_id, role) values
    ('c4000000-0000-4000-8000-0000000000a1', tests.user_id('cq_admin_a'), 'admin'),
    ('c4000000-0000-4000-8000-0000000000a1', tests.user_id('cq_member_a'), 'member'),
    ('c4000000-0000-4000-8000-0000000000a1', tests.user_id('cq_viewer_a'), 'viewer'),
    ('c4000000-0000-4000-8000-0000000000b1', tests.user_id('cq_admin_b'), 'admin');
  insert into public.gateways (id, workspace_id, slug) values
    ('c4000000-0000-4000-8000-0000000000a2', 'c4000000-0000-4000-8000-0000000000a1', 'cq-gw-a'),
    ('c4000000-0000-4000-8000-0000000000b2', 'c4000000-0000-4000-8000-0000000000b1', 'cq-gw-b');
  insert into public.agents (id, workspace_id, slug, name, gateway_id) values
    ('c4000000-0000-4000-8000-0000000000a3', 'c4000000-0000-4000-8000-0000000000a1', 'cq-agent-a', 'Agent A', 'c4000000-0000-4000-8000-0000000000a2'),
    ('c4000000-0000-4000-8000-0000000000b3', 'c4000000-0000-4000-8000-0000000000b1', 'cq-agent-b', 'Agent B', 'c4000000-0000-4000-8000-0000000000b2');
end
$fixture$;

-- Inbox queue (060_inbox_queue/): tests.iq keeps ids and lease tokens captured during a test, readable by every role;
-- tests.iq_events(k) lists a row's events as reason:from>to.
create table if not exists tests.iq (k text primary key, id uuid, token uuid, extra jsonb);
grant all on tests.iq to anon, authenticated, service_role;
create or replace function tests.iq_id(p_k text) returns uuid language sql stable as $$ select id from tests.iq where k = p_k $$;
create or replace function tests.iq_token(p_k text) returns uuid language sql stable as $$ select token from tests.iq where k = p_k $$;
create or replace function tests.iq_events(p_k text) returns text language sql stable security definer set search_path = '' as $$
  select string_agg(e.reason || ':' || coalesce(e.from_status::text, '-') || '>' || e.to_status::text, ',' order by e.id)
  from public.agent_inbox_events e where e.item_id = (select id from tests.iq where k = p_k)
$$;

-- Inbox queue (060_inbox_queue/): users, an organization with workspaces A and B, and their owners (fixed ids).
create or replace function tests.create_inbox_queue_fixture()
returns void
language plpgsql
as $fixture$
begin
  perform tests.create_user('iq_admin_a');
  perform tests.create_user('iq_member_a');
  perform tests.create_user('iq_viewer_a');
  perform tests.create_user('iq_admin_b');

  insert into public.organizations (id, name, slug)
  values ('c5000000-0000-4000-8000-000000000001', 'Inbox Queue Org', 'iq-org');
  -- The queue contract files check the full event trail: event log 'all' (the default is 'changes').
  insert into public.workspaces (id, organization_id, name, slug, settings) values
    ('c5000000-0000-4000-8000-0000000000a1', 'c5000000-0000-4000-8000-000000000001', 'IQ A', 'iq-a', '{"queue_event_log": "all"}'),
    ('c5000000-0000-4000-8000-0000000000b1', 'c5000000-0000-4000-8000-000000000001', 'IQ B', 'iq-b', '{"queue_event_log": "all"}');
  insert into public.workspace_members (workspace_id, user_id, role) values
    ('c5000000-0000-4000-8000-0000000000a1', tests.user_id('iq_admin_a'), 'admin'),
    ('c5000000-0000-4000-8000-0000000000a1', tests.user_id('iq_member_a'), 'member'),
    ('c5000000-0000-4000-8000-0000000000a1', tests.user_id('iq_viewer_a'), 'viewer'),
    ('c5000000-0000-4000-8000-0000000000b1', tests.user_id('iq_admin_b'), 'admin');
  insert into public.agents (id, workspace_id, slug, name) values
    ('c5000000-0000-4000-8000-0000000000a3', 'c5000000-0000-4000-8000-0000000000a1', 'iq-agent-a', 'Agent A'),
    ('c5000000-0000-4000-8000-0000000000a4', 'c5000000-0000-4000-8000-0000000000a1', 'iq-agent-a2', 'Agent A2'),
    ('c5000000-0000-4000-8000-0000000000b3', 'c5000000-0000-4000-8000-0000000000b1', 'iq-agent-b', 'Agent B');
end
$fixture$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

begin;
select plan(21);

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

-- The domain fixtures build what their folders rely on, and the scratch tables start empty.
select is((select count(*)::int from tests.fx) + (select count(*)::int from tests.cq) + (select count(*)::int from tests.iq), 0,
  'the scratch tables tests.fx, tests.cq, tests.iq are empty outside a test');
select tests.create_tenancy_fixture();
select is((select array_agg(m.role::text order by m.role) from public.workspace_members m where m.workspace_id = tests.fx('w')),
  array['viewer', 'member', 'admin', 'owner'], 'create_tenancy_fixture: workspace w has one member of each role');
select tests.create_agents_fixture();
select is((select count(*)::int from public.agents where workspace_id = 'a0000000-0000-4000-8000-000000000001'), 4,
  'create_agents_fixture: W1 has chief, mgr, worker, intern');
select tests.create_gateways_fixture();
select ok(exists (select 1 from public.workspaces where id = 'b0000000-0000-4000-8000-000000000002'),
  'create_gateways_fixture: G2 exists');
select tests.create_command_queue_fixture();
select is((select count(*)::int from public.gateways where workspace_id in
  ('c4000000-0000-4000-8000-0000000000a1', 'c4000000-0000-4000-8000-0000000000b1')), 2,
  'create_command_queue_fixture: one gateway in each of workspaces A and B');
select tests.create_inbox_queue_fixture();
select is((select count(*)::int from public.agents where workspace_id = 'c5000000-0000-4000-8000-0000000000a1'), 2,
  'create_inbox_queue_fixture: two agents in workspace A');

select * from finish();
rollback;
