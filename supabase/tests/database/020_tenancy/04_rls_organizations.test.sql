-- Tenancy: RLS: organizations.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(31);

select tests.create_tenancy_fixture();

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.organizations $$, 'organizations: anon cannot select');
select tests.assert_denied($$ insert into public.organizations (name, slug) values ('x', 'anon-org') returning id $$, 'organizations: anon cannot insert');
select tests.assert_denied($$ update public.organizations set name = 'x' returning id $$, 'organizations: anon cannot update');
select tests.assert_denied($$ delete from public.organizations returning id $$, 'organizations: anon cannot delete');

select tests.authenticate_as('t_outsider');
select tests.assert_filtered($$ select id from public.organizations where id = tests.fx('org') $$,
  'organizations: a member of another workspace cannot see W''s organization');
select is((select count(*)::int from public.organizations), 1, 'organizations: the outsider sees only their own organization');
select tests.assert_denied($$ insert into public.organizations (name, slug) values ('x', 'outsider-org') returning id $$, 'organizations: outsider cannot insert');
select tests.assert_filtered($$ update public.organizations set name = 'x' where id = tests.fx('org') returning id $$, 'organizations: outsider cannot update');
select tests.assert_denied($$ delete from public.organizations where id = tests.fx('org') returning id $$, 'organizations: outsider cannot delete');

select tests.authenticate_as('t_viewer');
select results_eq($$ select id from public.organizations where id = tests.fx('org') $$, $$ values (tests.fx('org')) $$,
  'organizations: a viewer sees the organization of their workspace');
select tests.assert_denied($$ insert into public.organizations (name, slug) values ('x', 'viewer-org') returning id $$, 'organizations: viewer cannot insert');
select tests.assert_filtered($$ update public.organizations set name = 'x' where id = tests.fx('org') returning id $$, 'organizations: viewer cannot update');
select tests.assert_denied($$ delete from public.organizations where id = tests.fx('org') returning id $$, 'organizations: viewer cannot delete');

select tests.authenticate_as('t_member');
select isnt_empty($$ select id from public.organizations where id = tests.fx('org') $$, 'organizations: a member sees the organization');
select tests.assert_denied($$ insert into public.organizations (name, slug) values ('x', 'member-org') returning id $$, 'organizations: member cannot insert');
select tests.assert_filtered($$ update public.organizations set name = 'x' where id = tests.fx('org') returning id $$, 'organizations: member cannot update');
select tests.assert_denied($$ delete from public.organizations where id = tests.fx('org') returning id $$, 'organizations: member cannot delete');

select tests.authenticate_as('t_admin');
select isnt_empty($$ select id from public.organizations where id = tests.fx('org') $$, 'organizations: an admin sees the organization');
select tests.assert_denied($$ insert into public.organizations (name, slug) values ('x', 'admin-org') returning id $$, 'organizations: admin cannot insert');
select tests.assert_filtered($$ update public.organizations set name = 'x' where id = tests.fx('org') returning id $$,
  'organizations: a workspace admin cannot update the organization');
select tests.assert_denied($$ delete from public.organizations where id = tests.fx('org') returning id $$, 'organizations: admin cannot delete');

select tests.authenticate_as('t_owner');
select isnt_empty($$ select id from public.organizations where id = tests.fx('org') $$, 'organizations: the owner sees the organization');
select results_eq($$ update public.organizations set name = 'Acme Inc', billing_email = 'billing@acme.example' where id = tests.fx('org') returning name $$,
  $$ values ('Acme Inc'::text) $$, 'organizations: the owner (billing owner) updates name and billing email');
select tests.assert_denied($$ update public.organizations set plan = 'enterprise' where id = tests.fx('org') returning id $$,
  'organizations: plan is not user-editable');
select tests.assert_denied($$ update public.organizations set trial_ends_at = now() + interval '10 years' where id = tests.fx('org') returning id $$,
  'organizations: trial_ends_at is not user-editable');
select tests.assert_denied($$ insert into public.organizations (name, slug) values ('x', 'owner-org') returning id $$, 'organizations: owner cannot insert directly');
select tests.assert_denied($$ delete from public.organizations where id = tests.fx('org') returning id $$, 'organizations: owner cannot delete');

select tests.authenticate_as_service_role();
select isnt_empty($$ select id from public.organizations where id = tests.fx('org') $$, 'organizations: service_role reads any');
select results_eq($$ insert into public.organizations (name, slug) values ('Service Org', 'service-org') returning slug $$,
  $$ values ('service-org'::text) $$, 'organizations: service_role inserts');
select results_eq($$ update public.organizations set plan = 'trial', trial_ends_at = now() + interval '14 days' where slug = 'service-org' returning plan $$,
  $$ values ('trial'::text) $$, 'organizations: service_role updates plan and trial');
select results_eq($$ delete from public.organizations where slug = 'service-org' returning slug $$,
  $$ values ('service-org'::text) $$, 'organizations: service_role deletes');

select * from finish();
rollback;
