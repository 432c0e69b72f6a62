-- Tenancy: create_invite / accept_invite / revoke_invite.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(57);

select tests.create_tenancy_fixture();

select tests.authenticate_as('t_admin');
insert into tests.fx select 'tok:' || i.token, i.invite_id from public.create_invite(tests.fx('w'), ' T_Invitee@Test.Agentbase.dev ') i;
select tests.clear_authentication();
select results_eq($$ select i.email, i.role::text, i.invited_by, i.expires_at > now() + interval '6 days 23 hours',
                            i.accepted_at is null and i.revoked_at is null
                     from public.invites i join tests.fx fx on fx.id = i.id where fx.k like 'tok:%' $$,
  $$ values ('t_invitee@test.agentbase.dev'::text, 'member'::text, tests.user_id('t_admin'), true, true) $$,
  'create_invite stores an open invite (email normalised, default role member, 7 days)');
select ok((select substr(k, 5) ~ '^inv_[0-9a-f]{64}$' from tests.fx fx where k like 'tok:%'), 'create_invite returns a 256-bit token');
select results_eq($$ select i.token_hash from public.invites i join tests.fx fx on fx.id = i.id where fx.k like 'tok:%' $$,
  $$ select extensions.digest(substr(k, 5), 'sha256') from tests.fx fx where k like 'tok:%' $$, 'only the SHA-256 of the token is stored');
select is_empty($$ select 1 from public.invites i, tests.fx fx where fx.k like 'tok:%' and strpos(i::text, substr(fx.k, 5)) > 0 $$,
  'the plaintext token appears in no invite row');

select tests.authenticate_as('t_invitee2');
select throws_ok(format('select public.accept_invite(%L)', (select substr(k, 5) from tests.fx fx where k like 'tok:%')), '42501',
  'permission denied: this invite was sent to a different email address (p_token)', 'accept_invite: someone else''s invite is refused');
select tests.authenticate_as('t_invitee');
select tests.snap();
select is(public.accept_invite((select substr(k, 5) from tests.fx fx where k like 'tok:%')), tests.fx('w'), 'accept_invite returns the workspace id');
select tests.clear_authentication();
select results_eq($$ select role::text from public.workspace_members where workspace_id = tests.fx('w') and user_id = tests.user_id('t_invitee') $$,
  $$ values ('member'::text) $$, 'accept_invite adds the caller with the invite''s role');
select results_eq($$ select i.accepted_by, i.accepted_at is not null from public.invites i join tests.fx fx on fx.id = i.id where fx.k like 'tok:%' $$,
  $$ values (tests.user_id('t_invitee'), true) $$, 'accept_invite marks the invite accepted');
select set_config('tests.accepted_at', (select i.accepted_at::text from public.invites i join tests.fx fx on fx.id = i.id where fx.k like 'tok:%'), true);
select tests.authenticate_as('t_invitee');
select tests.snap();
select throws_ok(format('select public.accept_invite(%L)', (select substr(k, 5) from tests.fx fx where k like 'tok:%')), '23505', 'invite already used: p_token was accepted at ' || current_setting('tests.accepted_at'),
  'accept_invite: a used invite is refused (23505)');
select tests.unchanged('accept_invite used token: nothing written');

-- accept errors with exact messages, each leaving everything unchanged
select throws_ok($$ select public.accept_invite(null) $$, '22004', 'p_token must not be null or empty', 'accept_invite: null token');
select tests.unchanged('accept_invite null token: nothing written');
select throws_ok($$ select public.accept_invite('  ') $$, '22004', 'p_token must not be null or empty', 'accept_invite: blank token');
select tests.unchanged('accept_invite blank token: nothing written');
select throws_ok($$ select public.accept_invite('inv_doesnotexist') $$, 'P0002', 'invite not found: p_token matches no invite', 'accept_invite: unknown token');
select tests.unchanged('accept_invite unknown token: nothing written');

select tests.authenticate_as('t_owner');
insert into tests.fx select 'exp:' || i.token, i.invite_id from public.create_invite(tests.fx('w'), 't_invitee2@test.agentbase.dev', 'viewer', interval '1 hour') i;
insert into tests.fx select 'rev:' || i.token, i.invite_id from public.create_invite(tests.fx('w'), 't_invitee3@test.agentbase.dev', 'admin') i;
insert into tests.fx select 'mem:' || i.token, i.invite_id from public.create_invite(tests.fx('w'), 'not-yet@example.com') i;
select tests.clear_authentication();
update public.invites set expires_at = now() - interval '1 minute' where id = (select id from tests.fx fx where k like 'exp:%');
select set_config('tests.expired_at', (select expires_at::text from public.invites where id = (select id from tests.fx fx where k like 'exp:%')), true);
update public.invites set email = 't_member@test.agentbase.dev' where id = (select id from tests.fx fx where k like 'mem:%');

select tests.authenticate_as('t_invitee2');
select tests.snap();
select throws_ok(format('select public.accept_invite(%L)', (select substr(k, 5) from tests.fx fx where k like 'exp:%')), '22023',
  'invite expired: p_token expired at ' || current_setting('tests.expired_at'),
  'accept_invite: an expired invite is refused (22023)');
select tests.unchanged('accept_invite expired token: nothing written');

select tests.authenticate_as('t_admin');
select results_eq($$ select r.revoked_by, r.revoked_at is not null from public.revoke_invite((select id from tests.fx fx where k like 'rev:%')) r $$,
  $$ values (tests.user_id('t_admin'), true) $$, 'revoke_invite: an admin revokes an open invite');
select tests.snap();
select results_eq($$ select r.revoked_by from public.revoke_invite((select id from tests.fx fx where k like 'rev:%')) r $$,
  $$ values (tests.user_id('t_admin')) $$, 'revoke_invite: revoking twice returns the row');
select tests.unchanged('revoke_invite twice: nothing changes');
select tests.clear_authentication();
select set_config('tests.revoked_at', (select i.revoked_at::text from public.invites i join tests.fx fx on fx.id = i.id where fx.k like 'rev:%'), true);
select tests.authenticate_as('t_invitee3');
select throws_ok(format('select public.accept_invite(%L)', (select substr(k, 5) from tests.fx fx where k like 'rev:%')), '55000', 'invite revoked: p_token was revoked at ' || current_setting('tests.revoked_at'),
  'accept_invite: a revoked invite is refused (55000)');
select tests.unchanged('accept_invite revoked token: nothing written');
select tests.authenticate_as('t_member');
select throws_ok(format('select public.accept_invite(%L)', (select substr(k, 5) from tests.fx fx where k like 'mem:%')), '23505',
  format('already a member: you already belong to workspace %s', tests.fx('w')), 'accept_invite: an existing member is refused');
select tests.unchanged('accept_invite by an existing member: nothing written');
select tests.authenticate_as_anon();
select tests.assert_denied(format('select public.accept_invite(%L)', (select substr(k, 5) from tests.fx fx where k like 'mem:%')), 'accept_invite: anon cannot execute');
select tests.authenticate_as('t_member');
select tests.unchanged('accept_invite by anon: nothing written');

-- create_invite refusals
select throws_ok($$ select * from public.create_invite(tests.fx('w'), 'new@example.com') $$, '42501',
  format('permission denied: requires role admin in workspace %s', tests.fx('w')), 'create_invite: a member cannot invite');
select tests.unchanged('create_invite by member: nothing written');
select tests.authenticate_as('t_viewer');
select throws_ok($$ select * from public.create_invite(tests.fx('w'), 'new@example.com') $$, '42501', format('permission denied: requires role admin in workspace %s', tests.fx('w')), 'create_invite: a viewer cannot invite');
select tests.unchanged('create_invite by viewer: nothing written');
select tests.authenticate_as('t_outsider');
select throws_ok($$ select * from public.create_invite(tests.fx('w'), 'new@example.com') $$, '42501', format('permission denied: requires role admin in workspace %s', tests.fx('w')), 'create_invite: a non-member cannot invite');
select tests.unchanged('create_invite by outsider: nothing written');
select tests.authenticate_as('t_admin');
select throws_ok($$ select * from public.create_invite(tests.fx('w'), 'new@example.com', 'owner') $$, '42501',
  'permission denied: a admin cannot invite as owner (p_role)', 'create_invite: an admin cannot invite an owner');
select tests.unchanged('create_invite above own role: nothing written');
select throws_ok($$ select * from public.create_invite(null, 'new@example.com') $$, '22004', 'p_workspace_id must not be null', 'create_invite: null workspace');
select throws_ok($$ select * from public.create_invite(tests.fx('w'), null) $$, '22004', 'p_email must not be null', 'create_invite: null email');
select throws_ok($$ select * from public.create_invite(tests.fx('w'), 'new@example.com', null) $$, '22004', 'p_role must not be null', 'create_invite: null role');
select throws_ok($$ select * from public.create_invite(tests.fx('w'), 'new@example.com', 'member', null) $$, '22004', 'p_expires_in must not be null', 'create_invite: null expiry');
select throws_ok($$ select * from public.create_invite(tests.fx('w'), 'not an email') $$, '22023', 'p_email "not an email" is not a valid email address', 'create_invite: malformed email');
select throws_ok($$ select * from public.create_invite(tests.fx('w'), 'new@example.com', 'member', interval '90 days') $$, '22023',
  'p_expires_in must be between 5 minutes and 30 days (got 90 days)', 'create_invite: expiry out of range');
select throws_ok($$ select * from public.create_invite(tests.fx('w'), 'T_Viewer@test.agentbase.dev') $$, '23505',
  format('t_viewer@test.agentbase.dev is already a member of workspace %s (p_email)', tests.fx('w')), 'create_invite: an existing member cannot be invited');
select throws_ok($$ select * from public.create_invite('00000000-0000-4000-8000-000000000000', 'new@example.com') $$, '42501', 'permission denied: requires role admin in workspace 00000000-0000-4000-8000-000000000000',
  'create_invite: an unknown workspace is a permission error for users');
select tests.unchanged('create_invite bad arguments: nothing written');
select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.create_invite('00000000-0000-4000-8000-000000000000', 'new@example.com') $$, 'P0002',
  'workspace 00000000-0000-4000-8000-000000000000 not found (p_workspace_id)', 'create_invite: service_role gets P0002 for an unknown workspace');
select tests.unchanged('create_invite unknown workspace: nothing written');
select isnt_empty($$ select * from public.create_invite(tests.fx('w'), 'svc-invite@example.com', 'owner') $$, 'create_invite: service_role may invite any role');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.create_invite(tests.fx('w'), 'anon@example.com') $$, 'create_invite: anon cannot execute');

select tests.authenticate_as('t_owner');
select isnt_empty($$ select * from public.create_invite(tests.fx('w'), 'co-owner@example.com', 'owner') $$, 'create_invite: an owner may invite an owner');
select isnt_empty($$ select * from public.create_invite(tests.fx('w'), 'co-owner@example.com', 'admin') $$, 'create_invite: re-inviting an address works');
select tests.clear_authentication();
select results_eq($$ select role::text, revoked_at is not null from public.invites where email = 'co-owner@example.com' order by role desc $$,
  $$ values ('owner'::text, true), ('admin'::text, false) $$, 're-inviting revokes the earlier open invite (one open invite per address)');

-- revoke_invite refusals
select tests.authenticate_as('t_member');
select tests.snap();
select throws_ok($$ select public.revoke_invite(tests.fx('inv')) $$, '42501', format('permission denied: requires role admin in workspace %s', tests.fx('w')), 'revoke_invite: a member cannot revoke');
select tests.unchanged('revoke_invite by member: nothing written');
select tests.authenticate_as('t_admin');
select throws_ok($$ select public.revoke_invite(null) $$, '22004', 'p_invite_id must not be null', 'revoke_invite: null id');
select throws_ok($$ select public.revoke_invite('00000000-0000-4000-8000-000000000000') $$, 'P0002',
  'invite 00000000-0000-4000-8000-000000000000 not found (p_invite_id)', 'revoke_invite: unknown id');
select throws_ok(format('select public.revoke_invite(%L)', (select id from tests.fx fx where k like 'tok:%')), '55000',
  format('invite %s was already accepted and cannot be revoked (p_invite_id)', (select id from tests.fx fx where k like 'tok:%')),
  'revoke_invite: an accepted invite cannot be revoked');
select tests.unchanged('revoke_invite bad arguments: nothing written');

select * from finish();
rollback;
