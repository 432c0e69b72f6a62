-- Platform tokens: minted by admins (plaintext once, SHA-256 stored), verified by service_role backends with
-- every verification logged (allowed, unknown, revoked, expired, scope_denied); denials are results, so
-- their log rows stay; bad input raises and writes nothing.
begin;
select plan(24);

select tests.create_workspace_fixture('acptk');
select tests.authenticate_as('acptk_admin');
create table pg_temp.t as select * from public.create_platform_token(tests.workspace_id('acptk'), 'deploy bot',
  array['agents:read', 'usage:write', 'agents:read'], interval '30 days');
grant select on pg_temp.t to authenticated, service_role;
select tests.clear_authentication();

select matches((select token from pg_temp.t), '^abp_[0-9a-f]{64}$', 'the plaintext token is returned once');
select is((select token_hash from public.platform_tokens where id = (select token_id from pg_temp.t)),
  extensions.digest((select token from pg_temp.t), 'sha256'), 'only its SHA-256 is stored');
select is((select token_prefix from public.platform_tokens where id = (select token_id from pg_temp.t)), left((select token from pg_temp.t), 12),
  'the prefix identifies it in lists');
select is((select scopes from public.platform_tokens where id = (select token_id from pg_temp.t)), array['agents:read', 'usage:write'],
  'scopes are de-duplicated and sorted');
select ok(not exists (select 1 from public.audit_log a where a.entity_id = (select token_id from pg_temp.t)::text
                      and a.after ? 'token_hash'), 'the audit row of the creation holds no hash');

select tests.authenticate_as_service_role();
select results_eq($$ select allowed, reason::text, workspace_id from public.verify_platform_token((select token from pg_temp.t), 'agents:read') $$,
  $$ select true, 'allowed', tests.workspace_id('acptk') $$, 'a valid token with a granted scope is allowed');
select isnt((select last_used_at from public.platform_tokens where id = (select token_id from pg_temp.t)), null, 'last_used_at is stamped');
select results_eq($$ select allowed, reason::text, scopes from public.verify_platform_token((select token from pg_temp.t), 'agents:write') $$,
  $$ values (false, 'scope_denied', null::text[]) $$, 'a scope the token lacks is denied');
select results_eq($$ select allowed, reason::text, token_id from public.verify_platform_token('abp_nope', 'agents:read') $$,
  $$ values (false, 'unknown', null::uuid) $$, 'an unknown token is denied');
select tests.clear_authentication();
select is((select array_agg(result::text order by id) from public.token_audit_log where token_id = (select token_id from pg_temp.t)),
  array['allowed', 'scope_denied'], 'both verifications of the token are logged, the denial included');
select is((select count(*)::int from public.token_audit_log where token_id is null and workspace_id is null and scope = 'agents:read'
           and created_at = now()), 1, 'the unknown token''s verification is logged without a workspace');

-- Expired and revoked tokens.
update public.platform_tokens set expires_at = now() - interval '1 second' where id = (select token_id from pg_temp.t);
select tests.authenticate_as_service_role();
select is((select reason::text from public.verify_platform_token((select token from pg_temp.t), 'agents:read')), 'expired', 'an expired token is denied');
select tests.clear_authentication();
update public.platform_tokens set expires_at = now() + interval '1 day' where id = (select token_id from pg_temp.t);
select tests.authenticate_as('acptk_admin');
select isnt((select revoked_at from public.revoke_platform_token((select token_id from pg_temp.t))), null, 'an admin revokes the token');
select is((select revoked_by from public.revoke_platform_token((select token_id from pg_temp.t))), tests.user_id('acptk_admin'),
  'revoking twice keeps the first revocation');
select tests.authenticate_as_service_role();
select is((select reason::text from public.verify_platform_token((select token from pg_temp.t), 'agents:read')), 'revoked', 'a revoked token is denied');
select tests.clear_authentication();
select is((select count(*)::int from public.token_audit_log where token_id = (select token_id from pg_temp.t)), 4, 'four verifications, four log rows');

-- Who may call what.
select tests.authenticate_as('acptk_admin');
select throws_ok($$ select * from public.verify_platform_token('x', 'agents:read') $$, '42501', null, 'signed-in users cannot verify tokens');
select tests.authenticate_as('acptk_member');
select throws_ok($$ select * from public.create_platform_token(tests.workspace_id('acptk'), 'mine', array['agents:read']) $$, '42501', null,
  'members cannot mint tokens');
select throws_ok($$ select * from public.revoke_platform_token((select token_id from pg_temp.t)) $$, '42501', null, 'members cannot revoke tokens');

-- Bad input.
select tests.authenticate_as('acptk_admin');
select throws_ok($$ select * from public.create_platform_token(tests.workspace_id('acptk'), 'x', array['everything']) $$, '22023', null,
  'a scope outside resource:read|write|admin is refused');
select throws_ok($$ select * from public.create_platform_token(tests.workspace_id('acptk'), 'x', array[]::text[]) $$, '22004',
  'p_scopes must name at least one scope', 'no scopes');
select throws_ok($$ select * from public.create_platform_token(tests.workspace_id('acptk'), 'x', array['agents:read'], interval '1 second') $$, '22023', null,
  'an expiry shorter than 5 minutes');
select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.verify_platform_token('x', 'admin') $$, '22023', null, 'verifying a malformed scope raises');
select tests.clear_authentication();
select is((select count(*)::int from public.platform_tokens where workspace_id = tests.workspace_id('acptk')), 1,
  'the refused calls minted nothing');

select * from finish();
rollback;
