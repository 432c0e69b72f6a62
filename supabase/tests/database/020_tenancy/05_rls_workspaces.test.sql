-- Tenancy: RLS: workspaces.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(32);

select tests.create_tenancy_fixture();

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.workspaces $$, 'workspaces: anon cannot select');
select tests.assert_denied($$ insert into public.workspaces (organization_id, name, slug) values (tests.fx('org'), 'x', 'anon-ws') returning id $$, 'workspaces: anon cannot insert');
select tests.assert_denied($$ update public.workspaces set name = 'x' returning id $$, 'workspaces: anon cannot update');
select tests.assert_denied($$ delete from public.workspaces returning id $$, 'workspaces: anon cannot delete');

select tests.authenticate_as('t_outsider');
select tests.assert_filtered($$ select id from public.workspaces where id = tests.fx('w') $$, 'workspaces: a member of another workspace cannot see W');
select results_eq($$ select id from public.workspaces $$, $$ values (tests.fx('w_out')) $$, 'workspaces: the outsider sees only their own workspace');
select tests.assert_denied($$ insert into public.workspaces (organization_id, name, slug) values (tests.fx('org'), 'x', 'out-ws') returning id $$, 'workspaces: outsider cannot insert');
select tests.assert_filtered($$ update public.workspaces set name = 'x' where id = tests.fx('w') returning id $$, 'workspaces: outsider cannot update W');
select tests.assert_filtered($$ delete from public.workspaces where id = tests.fx('w') returning id $$, 'workspaces: outsider cannot delete W');

select tests.authenticate_as('t_viewer');
select results_eq($$ select id from public.workspaces where id = tests.fx('w') $$, $$ values (tests.fx('w')) $$, 'workspaces: a viewer sees W');
select tests.assert_denied($$ insert into public.workspaces (organization_id, name, slug) values (tests.fx('org'), 'x', 'viewer-ws') returning id $$, 'workspaces: viewer cannot insert');
select tests.assert_filtered($$ update public.workspaces set name = 'x' where id = tests.fx('w') returning id $$, 'workspaces: viewer cannot update settings');
select tests.assert_filtered($$ delete from public.workspaces where id = tests.fx('w') returning id $$, 'workspaces: viewer cannot delete');

select tests.authenticate_as('t_member');
select isnt_empty($$ select id from public.workspaces where id = tests.fx('w') $$, 'workspaces: a member sees W');
select tests.assert_denied($$ insert into public.workspaces (organization_id, name, slug) values (tests.fx('org'), 'x', 'member-ws') returning id $$, 'workspaces: member cannot insert');
select tests.assert_filtered($$ update public.workspaces set timezone = 'Europe/Berlin' where id = tests.fx('w') returning id $$, 'workspaces: member cannot update settings');
select tests.assert_filtered($$ delete from public.workspaces where id = tests.fx('w') returning id $$, 'workspaces: member cannot delete');

select tests.authenticate_as('t_admin');
select isnt_empty($$ select id from public.workspaces where id = tests.fx('w') $$, 'workspaces: an admin sees W');
select tests.assert_denied($$ insert into public.workspaces (organization_id, name, slug) values (tests.fx('org'), 'x', 'admin-ws') returning id $$, 'workspaces: admin cannot insert directly');
select results_eq($$ update public.workspaces set description = 'HQ of Acme', timezone = 'Europe/Berlin', monthly_budget_usd = 250.5
                     where id = tests.fx('w') returning description, timezone, monthly_budget_usd $$,
  $$ values ('HQ of Acme'::text, 'Europe/Berlin'::text, 250.50::numeric) $$, 'workspaces: an admin updates settings');
select tests.assert_denied($$ update public.workspaces set is_personal = true where id = tests.fx('w') returning id $$,
  'workspaces: is_personal is not user-editable');
select tests.assert_denied($$ update public.workspaces set organization_id = tests.fx('org') where id = tests.fx('w') returning id $$,
  'workspaces: organization_id is not user-editable');
select tests.assert_filtered($$ delete from public.workspaces where id = tests.fx('w') returning id $$, 'workspaces: admin cannot delete');

select tests.authenticate_as('t_owner');
select isnt_empty($$ select id from public.workspaces where id = tests.fx('w') $$, 'workspaces: the owner sees W');
select tests.assert_denied($$ insert into public.workspaces (organization_id, name, slug) values (tests.fx('org'), 'x', 'owner-ws') returning id $$, 'workspaces: owner cannot insert directly (use create_workspace)');
select results_eq($$ update public.workspaces set name = 'Acme Headquarters' where id = tests.fx('w') returning name $$,
  $$ values ('Acme Headquarters'::text) $$, 'workspaces: the owner updates W');
select results_eq($$ delete from public.workspaces where id = tests.fx('w_del') returning id $$, $$ values (tests.fx('w_del')) $$,
  'workspaces: the owner deletes a workspace');
select tests.clear_authentication();
select is((select count(*)::int from public.workspace_members where workspace_id = tests.fx('w_del')), 0,
  'workspaces: deleting a workspace removes its memberships (last owner included)');

select tests.authenticate_as_service_role();
select isnt_empty($$ select id from public.workspaces where id = tests.fx('w') $$, 'workspaces: service_role reads any');
select results_eq($$ insert into public.workspaces (organization_id, name, slug) values (tests.fx('org'), 'Svc', 'svc-ws') returning slug $$,
  $$ values ('svc-ws'::text) $$, 'workspaces: service_role inserts');
select results_eq($$ update public.workspaces set budget_hard_cutoff = true where slug = 'svc-ws' returning budget_hard_cutoff $$,
  $$ values (true) $$, 'workspaces: service_role updates');
select results_eq($$ delete from public.workspaces where slug = 'svc-ws' returning slug $$, $$ values ('svc-ws'::text) $$,
  'workspaces: service_role deletes');

select * from finish();
rollback;
