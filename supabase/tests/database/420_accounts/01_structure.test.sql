-- Account extras: tables, enums, the private ciphertext table no API role can read, the Vault key, hashed
-- platform tokens, append-only token log, one open organization trial per organization and one open
-- personal trial per user.
begin;
select plan(18);

select has_table('public', 'user_personalization', 'user_personalization exists');
select has_table('public', 'user_integrations', 'user_integrations exists');
select has_table('private', 'user_integration_secrets', 'integration ciphertext lives in private');
select has_table('public', 'platform_tokens', 'platform_tokens exists');
select has_table('public', 'token_audit_log', 'token_audit_log exists');
select has_table('public', 'user_trials', 'user_trials exists');
select enum_has_labels('public', 'integration_provider',
  array['google', 'notion', 'slack', 'github', 'microsoft', 'linear', 'atlassian', 'dropbox', 'discord', 'hubspot', 'zoom'],
  'known integration providers');
select enum_has_labels('public', 'token_verification_result', array['allowed', 'unknown', 'revoked', 'expired', 'scope_denied'],
  'verification results');
select hasnt_column('public', 'user_integrations', 'access_token', 'no token column in the exposed table');
select col_type_is('private', 'user_integration_secrets', 'access_token', 'bytea', 'tokens are stored as pgcrypto ciphertext');
select ok(not has_table_privilege('authenticated', 'private.user_integration_secrets', 'select')
          and not has_table_privilege('service_role', 'private.user_integration_secrets', 'select')
          and not has_table_privilege('anon', 'private.user_integration_secrets', 'select'),
  'no API role can read the ciphertext table');
select is((select count(*)::int from vault.secrets where name = 'agentbase_integrations_key'), 1,
  'the migration created the Vault key once');
select col_type_is('public', 'platform_tokens', 'token_hash', 'bytea', 'platform tokens are stored as a hash');
select triggers_are('public', 'token_audit_log', array['token_audit_log_append_only'], 'token_audit_log is append-only');
select matches(pg_get_indexdef('public.user_trials_one_open_idx'::regclass),
  '^CREATE UNIQUE INDEX .* \(organization_id\) WHERE \(\(user_id IS NULL\) AND \(converted_at IS NULL\) AND \(cancelled_at IS NULL\)\)',
  'one open organization trial (user_id null) per organization');
select matches(pg_get_indexdef('public.user_trials_one_open_per_user_idx'::regclass),
  '^CREATE UNIQUE INDEX .* \(user_id\) WHERE \(\(user_id IS NOT NULL\) AND \(converted_at IS NULL\) AND \(cancelled_at IS NULL\)\)',
  'one open personal trial per user');
select is((select confdeltype::text from pg_constraint where conname = 'user_trials_user_id_fkey' and conrelid = 'public.user_trials'::regclass),
  'c', 'a user''s personal trials are deleted with the user (never turned into the organization''s trial)');
select ok(has_function_privilege('service_role', 'public.verify_platform_token(text, text)', 'execute')
          and not has_function_privilege('authenticated', 'public.verify_platform_token(text, text)', 'execute')
          and not has_function_privilege('anon', 'public.verify_platform_token(text, text)', 'execute'),
  'verify_platform_token is for service_role only');

select * from finish();
rollback;
