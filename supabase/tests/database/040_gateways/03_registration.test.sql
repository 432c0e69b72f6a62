-- Gateways: create_gateway_token; consume_gateway_token (anon); gateway_heartbeat; Agents on gateways; Secrets are never readable by API roles; RLS: gateways. G1 now: edge, build-box-1-2, build-box-1-3, edge-2, garage-pi, gateway, abab...; RLS: gateway_registration_tokens. G1 has 10 tokens (tok1..tok9 and the default one); G2 has 1..
-- Fixture: tests.create_gateways_fixture() (000_helpers.test.sql).
begin;
select plan(118);

select tests.create_gateways_fixture();

-- Also needed: G2's own gateway 'edge' (the slug is unique per workspace, not globally).
insert into public.gateways (workspace_id, slug) values ('b0000000-0000-4000-8000-000000000002', 'edge');

select tests.authenticate_as('gw_admin');
select set_config('test.tok1', t.token, true), set_config('test.tok1_id', t.token_id::text, true),
       set_config('test.tok1_exp', t.expires_at::text, true)
from public.create_gateway_token('b0000000-0000-4000-8000-000000000001', 600, 'Build host') t;
select ok(current_setting('test.tok1') ~ '^agw_[0-9a-f]{64}$', 'create_gateway_token returns a 256-bit plaintext token');
select is(current_setting('test.tok1_exp')::timestamptz, now() + interval '600 seconds',
  'the token expires p_ttl_seconds from now');
select results_eq(
  $$ select label, consumed_at, consumed_by_gateway_id, created_by from public.gateway_registration_tokens
     where id = current_setting('test.tok1_id')::uuid $$,
  $$ values ('Build host', null::timestamptz, null::uuid, tests.user_id('gw_admin')) $$,
  'the admin sees the new token (label, unconsumed, creator) in the tokens table');
select is(
  (select count(*)::int from public.create_gateway_token('b0000000-0000-4000-8000-000000000001')), 1,
  'p_ttl_seconds and p_label have defaults');
select is(
  (select expires_at - created_at from public.gateway_registration_tokens where label is null
     and workspace_id = 'b0000000-0000-4000-8000-000000000001'),
  interval '600 seconds', 'the default lifetime is 600 seconds');
select tests.clear_authentication();

select is(
  (select h.token_hash from private.gateway_token_hashes h where h.token_id = current_setting('test.tok1_id')::uuid),
  encode(extensions.digest(current_setting('test.tok1'), 'sha256'), 'hex'),
  'the stored secret is the hex SHA-256 of the plaintext');
select is(
  (select count(*)::int from public.gateway_registration_tokens t
   where to_jsonb(t)::text like '%' || current_setting('test.tok1') || '%'
      or to_jsonb(t)::text like '%' || encode(extensions.digest(current_setting('test.tok1'), 'sha256'), 'hex') || '%'),
  0, 'neither the plaintext nor its hash appears in any public column');

-- Bad input and refusals: clear errors, nothing written.
select tests.authenticate_as('gw_admin');
select throws_ok($$ select * from public.create_gateway_token(null) $$,
  '22004', 'p_workspace_id must not be null', 'create_gateway_token: null workspace');
select throws_ok($$ select * from public.create_gateway_token('b0000000-0000-4000-8000-000000000001', null) $$,
  '22004', 'p_ttl_seconds must not be null', 'create_gateway_token: null ttl');
select throws_ok($$ select * from public.create_gateway_token('b0000000-0000-4000-8000-000000000001', 0) $$,
  '22023', 'p_ttl_seconds must be between 1 and 86400, got 0', 'create_gateway_token: ttl 0');
select throws_ok($$ select * from public.create_gateway_token('b0000000-0000-4000-8000-000000000001', 86401) $$,
  '22023', 'p_ttl_seconds must be between 1 and 86400, got 86401', 'create_gateway_token: ttl above one day');
select throws_ok($$ select * from public.create_gateway_token('b0000000-0000-4000-8000-000000000001', 60, repeat('x', 201)) $$,
  '22023', 'p_label must be at most 200 characters', 'create_gateway_token: oversized label');
select throws_ok($$ select * from public.create_gateway_token('b0000000-0000-4000-8000-000000000002') $$,
  '42501', 'permission denied: requires role admin in workspace b0000000-0000-4000-8000-000000000002',
  'create_gateway_token: an admin of G1 cannot mint for G2');
select tests.authenticate_as('gw_member');
select throws_ok($$ select * from public.create_gateway_token('b0000000-0000-4000-8000-000000000001') $$,
  '42501', 'permission denied: requires role admin in workspace b0000000-0000-4000-8000-000000000001',
  'create_gateway_token: a member is refused');
select tests.authenticate_as('gw_viewer');
select tests.assert_denied($$ select * from public.create_gateway_token('b0000000-0000-4000-8000-000000000001') $$,
  'create_gateway_token: a viewer is refused');
select tests.authenticate_as('gw_other');
select tests.assert_denied($$ select * from public.create_gateway_token('b0000000-0000-4000-8000-000000000001') $$,
  'create_gateway_token: an admin of another workspace is refused');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.create_gateway_token('b0000000-0000-4000-8000-000000000001') $$,
  'create_gateway_token: anon cannot call it');
select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.create_gateway_token('b0000000-0000-4000-8000-0000000000ff') $$,
  'P0002', 'p_workspace_id: workspace b0000000-0000-4000-8000-0000000000ff not found',
  'create_gateway_token: unknown workspace (service_role)');
select tests.clear_authentication();
select is((select count(*)::int from public.gateway_registration_tokens), 2,
  'failed create_gateway_token calls wrote no token');
select is((select count(*)::int from private.gateway_token_hashes), 2, 'and no hash');

select tests.authenticate_as_anon();
select results_eq(
  $$ select gateway_slug, workspace_id
     from public.consume_gateway_token(current_setting('test.tok1'), 'Build Box', 'Build Box #1') $$,
  $$ values ('build-box-1', 'b0000000-0000-4000-8000-000000000001'::uuid) $$,
  'anon consumes a fresh token: a gateway with a slug derived from the hint, in the token''s workspace');
select tests.clear_authentication();
select set_config('test.gw1', consumed_by_gateway_id::text, true)
from public.gateway_registration_tokens where id = current_setting('test.tok1_id')::uuid;
select results_eq(
  $$ select slug, label, status::text, meta ->> 'registered_via', (meta ->> 'registration_token_id')::uuid, created_by
     from public.gateways where id = current_setting('test.gw1')::uuid $$,
  $$ values ('build-box-1', 'Build Box', 'provisioning', 'token', current_setting('test.tok1_id')::uuid,
             tests.user_id('gw_admin')) $$,
  'the registered gateway: label from the call, status provisioning, provenance in meta');
select isnt((select consumed_at from public.gateway_registration_tokens where id = current_setting('test.tok1_id')::uuid),
  null, 'the token is marked consumed');

select tests.authenticate_as_anon();
select results_eq(
  $$ select gateway_id, gateway_slug from public.consume_gateway_token(current_setting('test.tok1'), 'Other label', 'other-hint') $$,
  $$ values (current_setting('test.gw1')::uuid, 'build-box-1') $$,
  'consuming the same token again returns the same gateway (idempotent)');
select tests.clear_authentication();
select is((select count(*)::int from public.gateways where workspace_id = 'b0000000-0000-4000-8000-000000000001'), 2,
  'the repeated consume created no second gateway');
update public.gateway_registration_tokens set expires_at = now() - interval '1 hour'
where id = current_setting('test.tok1_id')::uuid;
select tests.authenticate_as_anon();
select results_eq(
  $$ select gateway_id from public.consume_gateway_token(current_setting('test.tok1')) $$,
  $$ values (current_setting('test.gw1')::uuid) $$,
  'a consumed token stays idempotent after it expires');

select throws_ok($$ select * from public.consume_gateway_token('agw_' || repeat('0', 64)) $$,
  '28000', 'invalid_token: p_token is not a known gateway registration token', 'consume: unknown token');
select throws_ok($$ select * from public.consume_gateway_token(null) $$,
  '22004', 'p_token must not be null', 'consume: null token');
select throws_ok($$ select * from public.consume_gateway_token('x', repeat('x', 201)) $$,
  '22023', 'p_label must be at most 200 characters', 'consume: oversized label');
select throws_ok($$ select * from public.consume_gateway_token('x', null, repeat('x', 201)) $$,
  '22023', 'p_slug_hint must be at most 200 characters', 'consume: oversized slug hint');

-- Expired, never consumed.
select tests.authenticate_as('gw_admin');
select set_config('test.tok2', t.token, true), set_config('test.tok2_id', t.token_id::text, true)
from public.create_gateway_token('b0000000-0000-4000-8000-000000000001', 60, 'Late host') t;
select tests.clear_authentication();
update public.gateway_registration_tokens set expires_at = now() - interval '1 second'
where id = current_setting('test.tok2_id')::uuid;
select set_config('test.tok2_msg', 'token_expired: p_token expired at ' || expires_at::text, true)
from public.gateway_registration_tokens where id = current_setting('test.tok2_id')::uuid;
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.consume_gateway_token(current_setting('test.tok2'), 'Late', 'late') $$,
  '28000', current_setting('test.tok2_msg'), 'consume: expired token');
select tests.clear_authentication();
select is(
  (select consumed_at from public.gateway_registration_tokens where id = current_setting('test.tok2_id')::uuid), null,
  'the expired token stays unconsumed');
select is((select count(*)::int from public.gateways where slug = 'late'), 0, 'no gateway was created from it');

-- Slug de-duplication and fallbacks.
select tests.authenticate_as('gw_admin');
select set_config('test.tok3', (select token from public.create_gateway_token('b0000000-0000-4000-8000-000000000001')), true);
select set_config('test.tok4', (select token from public.create_gateway_token('b0000000-0000-4000-8000-000000000001')), true);
select set_config('test.tok5', (select token from public.create_gateway_token('b0000000-0000-4000-8000-000000000001')), true);
select set_config('test.tok6', (select token from public.create_gateway_token('b0000000-0000-4000-8000-000000000001', 600, 'Rack 7')), true);
select set_config('test.tok7', (select token from public.create_gateway_token('b0000000-0000-4000-8000-000000000001')), true);
select set_config('test.tok8', (select token from public.create_gateway_token('b0000000-0000-4000-8000-000000000001')), true);
select set_config('test.tok9', (select token from public.create_gateway_token('b0000000-0000-4000-8000-000000000001')), true);
select tests.authenticate_as('gw_other');
select set_config('test.tokg2', (select token from public.create_gateway_token('b0000000-0000-4000-8000-000000000002')), true);
select tests.authenticate_as_anon();
select is((select gateway_slug from public.consume_gateway_token(current_setting('test.tok3'), null, 'Build Box #1')),
  'build-box-1-2', 'a taken slug gets the suffix -2');
select is((select gateway_slug from public.consume_gateway_token(current_setting('test.tok4'), null, 'build box 1')),
  'build-box-1-3', 'and the next one -3');
select is((select gateway_slug from public.consume_gateway_token(current_setting('test.tok5'), null, 'EDGE')),
  'edge-2', 'a hint colliding with an admin-made gateway is de-duplicated too');
select is((select gateway_slug from public.consume_gateway_token(current_setting('test.tok6'))),
  'rack-7', 'without hint or label the slug comes from the token''s label');
select is((select gateway_slug from public.consume_gateway_token(current_setting('test.tok7'), 'Garage Pi', '!!!')),
  'garage-pi', 'a hint with no usable characters falls back to the label');
select is((select gateway_slug from public.consume_gateway_token(current_setting('test.tok8'))),
  'gateway', 'with nothing to go on the slug is "gateway"');
select is((select length(gateway_slug) from public.consume_gateway_token(current_setting('test.tok9'), null, repeat('Ab', 100))),
  50, 'long hints are cut to 50 characters (room for a suffix)');
select is((select gateway_slug from public.consume_gateway_token(current_setting('test.tokg2'), null, 'Build Box #1')),
  'build-box-1', 'slugs are de-duplicated per workspace only');
select tests.clear_authentication();
select set_eq(
  $$ select slug from public.gateways where workspace_id = 'b0000000-0000-4000-8000-000000000001' $$,
  array['edge', 'build-box-1', 'build-box-1-2', 'build-box-1-3', 'edge-2', 'rack-7', 'garage-pi', 'gateway', repeat('ab', 25)],
  'G1 holds exactly the gateways registered above');
select is((select label from public.gateways where slug = 'rack-7'), 'Rack 7', 'the label defaults to the token''s label');

-- A token whose gateway was deleted cannot be replayed into a new gateway.
delete from public.gateways where slug = 'rack-7';
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.consume_gateway_token(current_setting('test.tok6')) $$,
  '28000', 'invalid_token: p_token was used and its gateway has since been deleted',
  'consume: a used token whose gateway is gone is refused');
select tests.clear_authentication();
select is((select count(*)::int from public.gateways where slug = 'rack-7'), 0, 'and no gateway was recreated');

select tests.authenticate_as('gw_admin');
select results_eq(
  $$ select status::text, last_seen_at = now(), meta
     from public.gateway_heartbeat('b3000000-0000-4000-8000-000000000001', 'online', '{"version": "1.2"}') $$,
  $$ values ('online', true, '{"os": "linux", "version": "1.2"}'::jsonb) $$,
  'an admin heartbeat sets status, last_seen_at = now() and merges meta');
select tests.authenticate_as_service_role();
select results_eq(
  $$ select status::text, meta from public.gateway_heartbeat('b3000000-0000-4000-8000-000000000001', 'degraded') $$,
  $$ values ('degraded', '{"os": "linux", "version": "1.2"}'::jsonb) $$,
  'service_role heartbeats; a null p_meta leaves meta alone');
select is((select status::text from public.gateway_heartbeat(current_setting('test.gw1')::uuid)), 'online',
  'p_status defaults to online');
select throws_ok($$ select * from public.gateway_heartbeat(null) $$,
  '22004', 'p_gateway_id must not be null', 'heartbeat: null gateway');
select throws_ok($$ select * from public.gateway_heartbeat('b3000000-0000-4000-8000-000000000001', null) $$,
  '22004', 'p_status must not be null', 'heartbeat: null status');
select throws_ok($$ select * from public.gateway_heartbeat('b3000000-0000-4000-8000-000000000001', 'online', '[1]') $$,
  '22023', 'p_meta must be a JSON object', 'heartbeat: meta not an object');
select throws_ok($$ select * from public.gateway_heartbeat('b3000000-0000-4000-8000-000000000001', 'sleepy') $$,
  '22P02', 'invalid input value for enum gateway_status: "sleepy"', 'heartbeat: unknown status');
select throws_ok($$ select * from public.gateway_heartbeat('b3000000-0000-4000-8000-0000000000ff') $$,
  'P0002', 'p_gateway_id: gateway b3000000-0000-4000-8000-0000000000ff not found', 'heartbeat: unknown gateway');
select tests.authenticate_as('gw_member');
select throws_ok($$ select * from public.gateway_heartbeat('b3000000-0000-4000-8000-000000000001') $$,
  '42501', 'permission denied: requires role admin in workspace b0000000-0000-4000-8000-000000000001',
  'heartbeat: a member is refused');
select tests.authenticate_as('gw_viewer');
select tests.assert_denied($$ select * from public.gateway_heartbeat('b3000000-0000-4000-8000-000000000001') $$,
  'heartbeat: a viewer is refused');
select tests.authenticate_as('gw_other');
select throws_ok($$ select * from public.gateway_heartbeat('b3000000-0000-4000-8000-000000000001') $$,
  'P0002', 'p_gateway_id: gateway b3000000-0000-4000-8000-000000000001 not found',
  'heartbeat: another workspace''s admin cannot even see the gateway');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.gateway_heartbeat('b3000000-0000-4000-8000-000000000001') $$,
  'heartbeat: anon cannot call it');
select tests.clear_authentication();
select is((select status::text from public.gateways where id = 'b3000000-0000-4000-8000-000000000001'), 'degraded',
  'refused heartbeats changed nothing');

select lives_ok(
  $$ update public.agents set gateway_id = current_setting('test.gw1')::uuid where slug = 'runner' $$,
  'an agent can move to another gateway of its workspace');
select throws_ok(
  $$ update public.agents set gateway_id = 'b3000000-0000-4000-8000-000000000002' where slug = 'runner' $$,
  '23503', 'gateway_id: gateway b3000000-0000-4000-8000-000000000002 is not in workspace b0000000-0000-4000-8000-000000000001',
  'an agent cannot use another workspace''s gateway');
delete from public.gateways where id = current_setting('test.gw1')::uuid;
select results_eq(
  $$ select (select gateway_id from public.agents where slug = 'runner'),
            (select consumed_by_gateway_id from public.gateway_registration_tokens where id = current_setting('test.tok1_id')::uuid),
            (select count(*)::int from public.agents where slug = 'runner') $$,
  $$ values (null::uuid, null::uuid, 1) $$,
  'deleting a gateway clears agents.gateway_id and the token''s link, and deletes no agent');

select tests.authenticate_as('gw_admin');
select tests.assert_denied($$ select * from private.gateway_token_hashes $$, 'token hashes: an admin cannot read them');
select is(
  (select count(*)::int from public.gateway_registration_tokens t
   where to_jsonb(t)::text like '%' || current_setting('test.tok3') || '%'), 0,
  'an admin''s view of the tokens never contains a plaintext');
select tests.authenticate_as('gw_member');
select tests.assert_denied($$ select * from private.gateway_token_hashes $$, 'token hashes: a member cannot read them');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from private.gateway_token_hashes $$, 'token hashes: anon cannot read them');
select tests.authenticate_as_service_role();
select tests.assert_denied($$ select * from private.gateway_token_hashes $$, 'token hashes: not even service_role reads them');

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.gateways $$, 'gateways: anon cannot select');
select tests.assert_denied($$ insert into public.gateways (workspace_id, slug) values ('b0000000-0000-4000-8000-000000000001', 'anon-g') $$,
  'gateways: anon cannot insert');
select tests.assert_denied($$ update public.gateways set label = 'x' $$, 'gateways: anon cannot update');
select tests.assert_denied($$ delete from public.gateways $$, 'gateways: anon cannot delete');

select tests.authenticate_as('gw_other');
select tests.assert_filtered($$ select * from public.gateways where workspace_id = 'b0000000-0000-4000-8000-000000000001' $$,
  'gateways: another workspace''s member sees no G1 gateway');
select tests.assert_denied($$ insert into public.gateways (workspace_id, slug) values ('b0000000-0000-4000-8000-000000000001', 'other-g') $$,
  'gateways: another workspace''s admin cannot insert into G1');
select tests.assert_filtered($$ update public.gateways set label = 'x' where workspace_id = 'b0000000-0000-4000-8000-000000000001' returning id $$,
  'gateways: another workspace''s admin cannot update G1 gateways');
select tests.assert_filtered($$ delete from public.gateways where workspace_id = 'b0000000-0000-4000-8000-000000000001' returning id $$,
  'gateways: another workspace''s admin cannot delete G1 gateways');

select tests.authenticate_as('gw_viewer');
select set_eq($$ select slug from public.gateways $$,
  array['edge', 'build-box-1-2', 'build-box-1-3', 'edge-2', 'garage-pi', 'gateway', repeat('ab', 25)],
  'gateways: a viewer reads exactly G1''s gateways');
select tests.assert_denied($$ insert into public.gateways (workspace_id, slug) values ('b0000000-0000-4000-8000-000000000001', 'viewer-g') $$,
  'gateways: a viewer cannot insert');
select tests.assert_filtered($$ update public.gateways set label = 'x' returning id $$, 'gateways: a viewer cannot update');
select tests.assert_filtered($$ delete from public.gateways returning id $$, 'gateways: a viewer cannot delete');

select tests.authenticate_as('gw_member');
select is((select count(*)::int from public.gateways), 7, 'gateways: a member reads G1''s gateways');
select tests.assert_denied($$ insert into public.gateways (workspace_id, slug) values ('b0000000-0000-4000-8000-000000000001', 'member-g') $$,
  'gateways: a member cannot insert (admins manage gateways)');
select tests.assert_filtered($$ update public.gateways set label = 'x' returning id $$, 'gateways: a member cannot update');
select tests.assert_filtered($$ delete from public.gateways returning id $$, 'gateways: a member cannot delete');

select tests.authenticate_as('gw_admin');
select is((select count(*)::int from public.gateways), 7, 'gateways: an admin reads G1''s gateways');
select results_eq($$ insert into public.gateways (workspace_id, slug, label, labels) values ('b0000000-0000-4000-8000-000000000001', 'admin-g', 'Admin', array['arm']) returning slug, created_by $$,
  $$ values ('admin-g', tests.user_id('gw_admin')) $$, 'gateways: an admin inserts');
select results_eq($$ update public.gateways set url = 'http://10.0.0.5:8080' where slug = 'admin-g' returning url $$,
  $$ values ('http://10.0.0.5:8080') $$, 'gateways: an admin updates');
select results_eq($$ delete from public.gateways where slug = 'admin-g' returning slug $$,
  $$ values ('admin-g') $$, 'gateways: an admin deletes');
select tests.assert_denied($$ insert into public.gateways (workspace_id, slug) values ('b0000000-0000-4000-8000-000000000002', 'admin-g2') $$,
  'gateways: a G1 admin cannot insert into G2');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.gateways), 10, 'gateways: service_role reads every workspace (7 + 3)');
select results_eq($$ insert into public.gateways (workspace_id, slug) values ('b0000000-0000-4000-8000-000000000002', 'svc-g') returning slug $$,
  $$ values ('svc-g') $$, 'gateways: service_role inserts');
select results_eq($$ update public.gateways set status = 'disabled' where slug = 'svc-g' returning status::text $$,
  $$ values ('disabled') $$, 'gateways: service_role updates');
select results_eq($$ delete from public.gateways where slug = 'svc-g' returning slug $$,
  $$ values ('svc-g') $$, 'gateways: service_role deletes');

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.gateway_registration_tokens $$, 'tokens: anon cannot select');
select tests.assert_denied($$ insert into public.gateway_registration_tokens (workspace_id, expires_at) values ('b0000000-0000-4000-8000-000000000001', now()) $$,
  'tokens: anon cannot insert');
select tests.assert_denied($$ update public.gateway_registration_tokens set label = 'x' $$, 'tokens: anon cannot update');
select tests.assert_denied($$ delete from public.gateway_registration_tokens $$, 'tokens: anon cannot delete');

select tests.authenticate_as('gw_other');
select tests.assert_filtered($$ select * from public.gateway_registration_tokens where workspace_id = 'b0000000-0000-4000-8000-000000000001' $$,
  'tokens: another workspace''s admin sees no G1 token');
select tests.assert_denied($$ insert into public.gateway_registration_tokens (workspace_id, expires_at) values ('b0000000-0000-4000-8000-000000000001', now()) $$,
  'tokens: another workspace''s admin cannot insert');
select tests.assert_filtered($$ update public.gateway_registration_tokens set label = 'x' where workspace_id = 'b0000000-0000-4000-8000-000000000001' returning id $$,
  'tokens: another workspace''s admin cannot update G1 tokens');
select tests.assert_filtered($$ delete from public.gateway_registration_tokens where workspace_id = 'b0000000-0000-4000-8000-000000000001' returning id $$,
  'tokens: another workspace''s admin cannot delete G1 tokens');

select tests.authenticate_as('gw_viewer');
select tests.assert_filtered($$ select * from public.gateway_registration_tokens $$, 'tokens: a viewer sees none');
select tests.assert_denied($$ insert into public.gateway_registration_tokens (workspace_id, expires_at) values ('b0000000-0000-4000-8000-000000000001', now()) $$,
  'tokens: a viewer cannot insert');
select tests.assert_filtered($$ update public.gateway_registration_tokens set label = 'x' returning id $$, 'tokens: a viewer cannot update');
select tests.assert_filtered($$ delete from public.gateway_registration_tokens returning id $$, 'tokens: a viewer cannot delete');

select tests.authenticate_as('gw_member');
select tests.assert_filtered($$ select * from public.gateway_registration_tokens $$, 'tokens: a member sees none (admins only)');
select tests.assert_denied($$ insert into public.gateway_registration_tokens (workspace_id, expires_at) values ('b0000000-0000-4000-8000-000000000001', now()) $$,
  'tokens: a member cannot insert');
select tests.assert_filtered($$ update public.gateway_registration_tokens set label = 'x' returning id $$, 'tokens: a member cannot update');
select tests.assert_filtered($$ delete from public.gateway_registration_tokens returning id $$, 'tokens: a member cannot delete');

select tests.authenticate_as('gw_admin');
select is((select count(*)::int from public.gateway_registration_tokens), 10,
  'tokens: an admin lists G1''s tokens (10 minted above) and not G2''s');
select tests.assert_denied($$ insert into public.gateway_registration_tokens (workspace_id, expires_at) values ('b0000000-0000-4000-8000-000000000001', now() + interval '1 hour') $$,
  'tokens: an admin cannot insert directly (mint with create_gateway_token)');
select results_eq($$ update public.gateway_registration_tokens set label = 'Relabelled' where id = current_setting('test.tok2_id')::uuid returning label $$,
  $$ values ('Relabelled') $$, 'tokens: an admin relabels a token');
select tests.assert_denied($$ update public.gateway_registration_tokens set consumed_at = now() where id = current_setting('test.tok2_id')::uuid $$,
  'tokens: an admin cannot forge consumption');
select results_eq($$ delete from public.gateway_registration_tokens where id = current_setting('test.tok2_id')::uuid returning label $$,
  $$ values ('Relabelled') $$, 'tokens: an admin revokes (deletes) a token');
select tests.clear_authentication();
select is((select count(*)::int from private.gateway_token_hashes where token_id = current_setting('test.tok2_id')::uuid), 0,
  'revoking a token deletes its hash');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.gateway_registration_tokens), 10, 'tokens: service_role reads every workspace (9 + 1)');
select results_eq($$ insert into public.gateway_registration_tokens (workspace_id, label, expires_at) values ('b0000000-0000-4000-8000-000000000002', 'svc', now()) returning label $$,
  $$ values ('svc') $$, 'tokens: service_role inserts');
select results_eq($$ update public.gateway_registration_tokens set label = 'svc2' where label = 'svc' returning label $$,
  $$ values ('svc2') $$, 'tokens: service_role updates');
select results_eq($$ delete from public.gateway_registration_tokens where label = 'svc2' returning label $$,
  $$ values ('svc2') $$, 'tokens: service_role deletes');
select tests.clear_authentication();

select is(
  array(select tablename::text from pg_publication_tables
        where pubname = 'supabase_realtime' and tablename in ('agents', 'gateways') order by tablename::text),
  array['agents', 'gateways']::text[],
  'agents and gateways are published to Realtime');

select * from finish();
rollback;
