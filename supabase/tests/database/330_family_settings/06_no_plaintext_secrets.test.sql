-- Secrets never live in settings: secret-looking keys and well-known key formats are refused (at any
-- depth, for admins and service_role alike); Vault secret ids (*_secret_id, a uuid) are the way.
begin;
select plan(13);

select tests.create_workspace_fixture('fsc');
select tests.authenticate_as('fsc_admin');
select throws_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fsc'), 'llm', '{"api_key": "abc"}') $$,
  '22023', 'settings.api_key looks like a secret: store it in Supabase Vault and reference it as api_key_secret_id', 'api_key is refused');
select throws_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fsc'), 'telephony', '{"twilio": {"auth_token": "abc"}}') $$,
  '22023', 'settings.twilio.auth_token looks like a secret: store it in Supabase Vault and reference it as auth_token_secret_id', 'nested auth_token is refused');
select throws_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fsc'), 'tts', '{"accounts": [{"password": "p"}]}') $$,
  '22023', null, 'a password inside an array is refused');
select throws_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fsc'), 'stt', '{"clientSecret": "x"}') $$,
  '22023', null, 'camelCase secret keys are refused');
select throws_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fsc'), 'llm', '{"note": "sk-abcdefghijklmnopqrstuvwx"}') $$,
  '22023', 'settings.note holds what looks like a plaintext credential: store it in Supabase Vault and reference its secret id', 'a key-shaped value is refused whatever its key');
select throws_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fsc'), 'llm', '{"header": "-----BEGIN RSA PRIVATE KEY-----"}') $$,
  '22023', null, 'a PEM private key is refused');
select throws_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fsc'), 'llm', '{"api_key_secret_id": "not-a-uuid"}') $$,
  '22023', 'settings.api_key_secret_id must be a Vault secret id (a uuid string)', 'a secret id must be a uuid');
select lives_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fsc'), 'llm', '{"api_key_secret_id": "5f0e6a8c-1d2b-4c3d-9e4f-a1b2c3d4e5f6", "max_tokens": 2048}') $$,
  'a Vault secret id is accepted (and max_tokens is no secret)');
select is((select count(*)::int from public.workspace_settings where workspace_id = tests.workspace_id('fsc')), 1, 'only the clean row was written');
select throws_ok($$ update public.workspace_settings set settings = settings || '{"token": "t"}' where workspace_id = tests.workspace_id('fsc') $$,
  '22023', null, 'updates are checked too');

select tests.authenticate_as_service_role();
select throws_ok($$ update public.platform_settings set settings = '{"openai_api_key": "x"}' where kind = 'llm' $$,
  '22023', null, 'platform defaults are checked for service_role too');

-- The reference resolves in Vault (service_role reads decrypted secrets there, never from settings).
select tests.clear_authentication();
create temp table sec as select vault.create_secret('sk-test-value-0000000000000000', 'fsc-llm-key') as id;
update public.workspace_settings set settings = jsonb_build_object('api_key_secret_id', (select id from sec)::text) where workspace_id = tests.workspace_id('fsc');
select is((select decrypted_secret from vault.decrypted_secrets where id = (select (settings ->> 'api_key_secret_id')::uuid from public.workspace_settings where workspace_id = tests.workspace_id('fsc'))),
  'sk-test-value-0000000000000000', 'the secret id resolves to the value in Vault');
select is((select count(*)::int from public.workspace_settings where settings::text like '%sk-test-value%'), 0, 'the value itself is nowhere in settings');

select * from finish();
rollback;
