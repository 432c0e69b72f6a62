-- Integrations: tokens are encrypted with pgcrypto under the Vault key (no plaintext at rest), decrypted for
-- the owner or service_role only; a non-owner's decrypt is refused (42501); unknown providers and bad
-- input are refused with nothing written; reconnecting refreshes the same row.
begin;
select plan(19);

select tests.create_workspace_fixture('acint');

select tests.authenticate_as('acint_member');
create table pg_temp.i as select public.connect_integration('github', 'gho_member_access_123', 'ghr_member_refresh_456',
  now() + interval '1 hour', array['repo', 'read:user'], 'octo-1', 'octocat') as id;
grant select on pg_temp.i to authenticated, service_role;
select tests.clear_authentication();

select is((select user_id from public.user_integrations where id = (select id from pg_temp.i)), tests.user_id('acint_member'),
  'the integration belongs to the caller');
select is((select has_refresh_token from public.user_integrations where id = (select id from pg_temp.i)), true, 'it knows it has a refresh token');
select ok((select position('gho_member_access_123'::bytea in s.access_token) = 0 and position('ghr_member_refresh_456'::bytea in s.refresh_token) = 0
           from private.user_integration_secrets s where s.integration_id = (select id from pg_temp.i)),
  'neither token appears in plaintext in the stored ciphertext');
select is((select extensions.pgp_sym_decrypt(s.access_token, private.integrations_key()) from private.user_integration_secrets s
           where s.integration_id = (select id from pg_temp.i)), 'gho_member_access_123', 'the ciphertext decrypts with the Vault key');
select ok(not exists (select 1 from public.audit_log a where a.entity_id = (select id from pg_temp.i)::text
                      and (a.after::text like '%gho_member%' or a.after::text like '%ghr_member%')),
  'the audit trail of the connection holds no token');

select tests.authenticate_as('acint_member');
select results_eq($$ select access_token, refresh_token, scopes from public.get_integration_tokens((select id from pg_temp.i)) $$,
  $$ values ('gho_member_access_123', 'ghr_member_refresh_456', array['repo', 'read:user']) $$, 'the owner reads the decrypted tokens');

-- Reconnect (token refresh): same row, new ciphertext, refresh token dropped when not given.
select is(public.connect_integration('github', 'gho_member_access_789', null, null, array['repo'], 'octo-1'), (select id from pg_temp.i),
  'reconnecting the same account updates the same integration');
select results_eq($$ select access_token, refresh_token from public.get_integration_tokens((select id from pg_temp.i)) $$,
  $$ values ('gho_member_access_789', null::text) $$, 'the refreshed token is returned');

-- Non-owners.
select tests.authenticate_as('acint_owner');
select throws_ok($$ select * from public.get_integration_tokens((select id from pg_temp.i)) $$, '42501',
  format('permission denied: integration %s belongs to another user; only its owner or service_role may read its tokens', (select id from pg_temp.i)),
  'the workspace owner is not the integration''s owner: decrypt refused');
select tests.authenticate_as('acint_outsider');
select throws_ok($$ select * from public.get_integration_tokens((select id from pg_temp.i)) $$, '42501', null, 'an outsider''s decrypt is refused');
select throws_ok($$ select public.connect_integration('github', 'x', p_user_id => tests.user_id('acint_member')) $$,
  '42501', null, 'a user cannot connect an integration for another user');
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.get_integration_tokens((select id from pg_temp.i)) $$, '42501', null, 'anon cannot call get_integration_tokens');

-- service_role (OAuth callbacks, sync workers) reads and writes for any user.
select tests.authenticate_as_service_role();
select is((select access_token from public.get_integration_tokens((select id from pg_temp.i))), 'gho_member_access_789', 'service_role decrypts');
select isnt(public.connect_integration('notion', 'secret_notion', p_user_id => tests.user_id('acint_viewer')), null,
  'service_role connects an integration for a given user');

-- Bad input: nothing written.
select tests.authenticate_as('acint_viewer');
select throws_ok($$ select public.connect_integration('myspace', 'tok') $$, '22023', null, 'an unknown provider is refused');
select throws_ok($$ select public.connect_integration('slack', null) $$, '22004', 'p_access_token must not be null or empty', 'a missing token');
select throws_ok($$ select public.connect_integration('slack', 'tok', p_metadata => '"x"') $$, '22023', null, 'metadata must be an object');
select throws_ok($$ select * from public.get_integration_tokens('00000000-0000-4000-8000-00000000dead') $$, 'P0002', null, 'an unknown integration');
select tests.clear_authentication();
select is((select array_agg(provider::text order by provider) from public.user_integrations where user_id = tests.user_id('acint_viewer')),
  array['notion'], 'the refused calls wrote nothing');

select * from finish();
rollback;
