-- Tenancy: RLS: invites.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(28);

select tests.create_tenancy_fixture();

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.invites $$, 'invites: anon cannot select');
select tests.assert_denied($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (tests.fx('w'), 'a@example.com', extensions.digest('a', 'sha256'), now()) returning id $$, 'invites: anon cannot insert');
select tests.assert_denied($$ update public.invites set role = 'owner' returning id $$, 'invites: anon cannot update');
select tests.assert_denied($$ delete from public.invites returning id $$, 'invites: anon cannot delete');

select tests.authenticate_as('t_outsider');
select tests.assert_filtered($$ select id from public.invites where workspace_id = tests.fx('w') $$, 'invites: a member of another workspace cannot see W''s invites');
select tests.assert_denied($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (tests.fx('w'), 'o@example.com', extensions.digest('o', 'sha256'), now() + interval '1 day') returning id $$, 'invites: outsider cannot insert');
select tests.assert_denied($$ update public.invites set role = 'owner' where id = tests.fx('inv') returning id $$, 'invites: outsider cannot update');
select tests.assert_filtered($$ delete from public.invites where id = tests.fx('inv') returning id $$, 'invites: outsider cannot delete');

select tests.authenticate_as('t_viewer');
select tests.assert_filtered($$ select id from public.invites where workspace_id = tests.fx('w') $$, 'invites: a viewer cannot see invites');
select tests.assert_denied($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (tests.fx('w'), 'v@example.com', extensions.digest('v', 'sha256'), now() + interval '1 day') returning id $$, 'invites: viewer cannot insert');
select tests.assert_denied($$ update public.invites set role = 'owner' where id = tests.fx('inv') returning id $$, 'invites: viewer cannot update');
select tests.assert_filtered($$ delete from public.invites where id = tests.fx('inv') returning id $$, 'invites: viewer cannot delete');

select tests.authenticate_as('t_member');
select tests.assert_filtered($$ select id from public.invites where workspace_id = tests.fx('w') $$, 'invites: a member cannot see invites');
select tests.assert_denied($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (tests.fx('w'), 'm@example.com', extensions.digest('m', 'sha256'), now() + interval '1 day') returning id $$, 'invites: member cannot insert');
select tests.assert_denied($$ update public.invites set role = 'owner' where id = tests.fx('inv') returning id $$, 'invites: member cannot update');
select tests.assert_filtered($$ delete from public.invites where id = tests.fx('inv') returning id $$, 'invites: member cannot delete');

select tests.authenticate_as('t_admin');
select results_eq($$ select email from public.invites where workspace_id = tests.fx('w') order by email $$,
  $$ values ('del-admin@example.com'::text), ('del-owner@example.com'), ('del-service@example.com'), ('main@example.com') $$,
  'invites: an admin sees W''s invites');
select tests.assert_denied($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (tests.fx('w'), 'ad@example.com', extensions.digest('ad', 'sha256'), now() + interval '1 day') returning id $$, 'invites: admin cannot insert directly (create_invite)');
select tests.assert_denied($$ update public.invites set role = 'owner' where id = tests.fx('inv') returning id $$, 'invites: admin cannot update directly (revoke_invite)');
select results_eq($$ delete from public.invites where email = 'del-admin@example.com' returning email $$,
  $$ values ('del-admin@example.com'::text) $$, 'invites: an admin deletes an invite');

select tests.authenticate_as('t_owner');
select isnt_empty($$ select id from public.invites where id = tests.fx('inv') $$, 'invites: the owner sees invites');
select tests.assert_denied($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (tests.fx('w'), 'ow@example.com', extensions.digest('ow', 'sha256'), now() + interval '1 day') returning id $$, 'invites: owner cannot insert directly');
select tests.assert_denied($$ update public.invites set role = 'owner' where id = tests.fx('inv') returning id $$, 'invites: owner cannot update directly');
select results_eq($$ delete from public.invites where email = 'del-owner@example.com' returning email $$,
  $$ values ('del-owner@example.com'::text) $$, 'invites: the owner deletes an invite');

select tests.authenticate_as_service_role();
select isnt_empty($$ select id from public.invites where id = tests.fx('inv') $$, 'invites: service_role reads');
select results_eq($$ insert into public.invites (workspace_id, email, token_hash, expires_at) values (tests.fx('w'), 'svc@example.com', extensions.digest('svc', 'sha256'), now() + interval '1 day') returning email $$,
  $$ values ('svc@example.com'::text) $$, 'invites: service_role inserts');
select results_eq($$ update public.invites set role = 'viewer' where email = 'svc@example.com' returning role::text $$,
  $$ values ('viewer'::text) $$, 'invites: service_role updates');
select results_eq($$ with d as (delete from public.invites where email in ('svc@example.com', 'del-service@example.com') returning email)
                     select email from d order by 1 $$,
  $$ values ('del-service@example.com'::text), ('svc@example.com') $$, 'invites: service_role deletes');
select tests.clear_authentication();

select * from finish();
rollback;
