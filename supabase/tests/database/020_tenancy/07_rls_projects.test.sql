-- Tenancy: RLS: projects.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(29);

select tests.create_tenancy_fixture();

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.projects $$, 'projects: anon cannot select');
select tests.assert_denied($$ insert into public.projects (workspace_id, slug, name) values (tests.fx('w'), 'anon', 'x') returning id $$, 'projects: anon cannot insert');
select tests.assert_denied($$ update public.projects set name = 'x' returning id $$, 'projects: anon cannot update');
select tests.assert_denied($$ delete from public.projects returning id $$, 'projects: anon cannot delete');

select tests.authenticate_as('t_outsider');
select tests.assert_filtered($$ select id from public.projects where workspace_id = tests.fx('w') $$, 'projects: a member of another workspace cannot see W''s projects');
select tests.assert_denied($$ insert into public.projects (workspace_id, slug, name) values (tests.fx('w'), 'outsider', 'x') returning id $$, 'projects: outsider cannot insert into W');
select tests.assert_filtered($$ update public.projects set name = 'x' where id = tests.fx('proj') returning id $$, 'projects: outsider cannot update');
select tests.assert_filtered($$ delete from public.projects where id = tests.fx('proj') returning id $$, 'projects: outsider cannot delete');

select tests.authenticate_as('t_viewer');
select results_eq($$ select slug from public.projects where workspace_id = tests.fx('w') order by slug $$,
  $$ values ('del-admin'::text), ('del-owner'), ('del-service'), ('main') $$, 'projects: a viewer reads W''s projects');
select tests.assert_denied($$ insert into public.projects (workspace_id, slug, name) values (tests.fx('w'), 'viewer', 'x') returning id $$, 'projects: viewer cannot insert');
select tests.assert_filtered($$ update public.projects set name = 'x' where id = tests.fx('proj') returning id $$, 'projects: viewer cannot update');
select tests.assert_filtered($$ delete from public.projects where id = tests.fx('proj') returning id $$, 'projects: viewer cannot delete');

select tests.authenticate_as('t_member');
select isnt_empty($$ select id from public.projects where id = tests.fx('proj') $$, 'projects: a member reads');
select results_eq($$ insert into public.projects (workspace_id, slug, name) values (tests.fx('w'), 'by-member', 'By member') returning slug, created_by $$,
  $$ values ('by-member'::text, tests.user_id('t_member')) $$, 'projects: a member creates a project (created_by is the caller)');
select results_eq($$ update public.projects set status = 'archived' where slug = 'by-member' returning status::text, archived_at is not null $$,
  $$ values ('archived'::text, true) $$, 'projects: a member archives a project (archived_at set)');
select tests.assert_denied($$ insert into public.projects (workspace_id, slug, name) values (tests.fx('w_out'), 'sneaky', 'x') returning id $$,
  'projects: a member cannot insert into a workspace they do not belong to');
select tests.assert_filtered($$ delete from public.projects where id = tests.fx('proj') returning id $$, 'projects: a member cannot delete (admins do)');

select tests.authenticate_as('t_admin');
select isnt_empty($$ select id from public.projects where id = tests.fx('proj') $$, 'projects: an admin reads');
select results_eq($$ insert into public.projects (workspace_id, slug, name) values (tests.fx('w'), 'by-admin', 'By admin') returning slug $$,
  $$ values ('by-admin'::text) $$, 'projects: an admin creates');
select results_eq($$ update public.projects set description = 'the main project' where id = tests.fx('proj') returning description $$,
  $$ values ('the main project'::text) $$, 'projects: an admin updates');
select results_eq($$ delete from public.projects where workspace_id = tests.fx('w') and slug = 'del-admin' returning slug $$,
  $$ values ('del-admin'::text) $$, 'projects: an admin deletes');

select tests.authenticate_as('t_owner');
select isnt_empty($$ select id from public.projects where id = tests.fx('proj') $$, 'projects: the owner reads');
select results_eq($$ insert into public.projects (workspace_id, slug, name) values (tests.fx('w'), 'by-owner', 'By owner') returning slug $$,
  $$ values ('by-owner'::text) $$, 'projects: the owner creates');
select results_eq($$ update public.projects set name = 'Main project' where id = tests.fx('proj') returning name $$,
  $$ values ('Main project'::text) $$, 'projects: the owner updates');
select results_eq($$ delete from public.projects where workspace_id = tests.fx('w') and slug = 'del-owner' returning slug $$,
  $$ values ('del-owner'::text) $$, 'projects: the owner deletes');

select tests.authenticate_as_service_role();
select isnt_empty($$ select id from public.projects where id = tests.fx('proj') $$, 'projects: service_role reads');
select results_eq($$ insert into public.projects (workspace_id, slug, name) values (tests.fx('w'), 'by-service', 'By service') returning slug $$,
  $$ values ('by-service'::text) $$, 'projects: service_role inserts');
select results_eq($$ update public.projects set name = 'Renamed by service' where slug = 'by-service' returning name $$,
  $$ values ('Renamed by service'::text) $$, 'projects: service_role updates');
select results_eq($$ delete from public.projects where workspace_id = tests.fx('w') and slug = 'del-service' returning slug $$,
  $$ values ('del-service'::text) $$, 'projects: service_role deletes');

select * from finish();
rollback;
