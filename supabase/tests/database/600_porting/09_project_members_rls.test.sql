-- RLS on project_members for every caller x operation: viewers read, admins write and delete, the other
-- workspace's admin sees and touches nothing, anon has no access, service_role has all.
begin;
select plan(29);

select tests.create_workspace_fixture('pm');
create temp table pm_p on commit drop as select gen_random_uuid() as id;
grant select on pm_p to public;
-- Rows an UPDATE or DELETE touched, as the current role (RLS hides rows silently).
create function pg_temp.pm_rows(p_sql text) returns int language plpgsql as $$
declare
  n int;
begin
  execute p_sql;
  get diagnostics n = row_count;
  return n;
end
$$;
insert into public.projects (id, workspace_id, slug, name) select id, tests.workspace_id('pm'), 'zeus', 'Zeus' from pm_p;
insert into public.project_members (workspace_id, project_id, user_id) select tests.workspace_id('pm'), id, tests.user_id('pm_member') from pm_p;
-- A project in the other workspace, where the admin is only a viewer, for the move below.
insert into public.workspace_members (workspace_id, user_id, role) values (tests.workspace_id('pm', 'b'), tests.user_id('pm_admin'), 'viewer');
create temp table pm_pb on commit drop as select gen_random_uuid() as id;
grant select on pm_pb to public;
insert into public.projects (id, workspace_id, slug, name) select id, tests.workspace_id('pm', 'b'), 'hera', 'Hera' from pm_pb;

-- anon
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.project_members $$, 'anon cannot read project_members');
select tests.assert_denied($$ insert into public.project_members (workspace_id, project_id, user_id)
  select tests.workspace_id('pm'), id, tests.user_id('pm_viewer') from pm_p $$, 'anon cannot insert');
select tests.assert_denied($$ update public.project_members set role = 'lead' $$, 'anon cannot update');
select tests.assert_denied($$ delete from public.project_members $$, 'anon cannot delete');
select tests.clear_authentication();

-- outsider (admin of the other workspace)
select tests.authenticate_as('pm_outsider');
select tests.assert_filtered($$ select * from public.project_members where project_id = (select id from pm_p) $$, 'outsider sees nothing');
select tests.assert_denied($$ insert into public.project_members (workspace_id, project_id, user_id)
  select tests.workspace_id('pm'), id, tests.user_id('pm_viewer') from pm_p $$, 'outsider cannot insert');
select is(pg_temp.pm_rows($q$update public.project_members set role = 'lead'$q$), 0, 'outsider updates nothing');
select is(pg_temp.pm_rows($q$delete from public.project_members$q$), 0, 'outsider deletes nothing');
select tests.clear_authentication();

-- viewer and member: read only
select tests.authenticate_as('pm_viewer');
select is((select count(*)::int from public.project_members where project_id = (select id from pm_p)), 1, 'viewer reads');
select tests.assert_denied($$ insert into public.project_members (workspace_id, project_id, user_id)
  select tests.workspace_id('pm'), id, tests.user_id('pm_viewer') from pm_p $$, 'viewer cannot insert');
select is(pg_temp.pm_rows($q$update public.project_members set role = 'lead'$q$), 0, 'viewer updates nothing');
select is(pg_temp.pm_rows($q$delete from public.project_members$q$), 0, 'viewer deletes nothing');
select tests.clear_authentication();
select tests.authenticate_as('pm_member');
select is((select count(*)::int from public.project_members where project_id = (select id from pm_p)), 1, 'member reads');
select tests.assert_denied($$ insert into public.project_members (workspace_id, project_id, user_id)
  select tests.workspace_id('pm'), id, tests.user_id('pm_viewer') from pm_p $$, 'member cannot insert');
select is(pg_temp.pm_rows($q$update public.project_members set role = 'lead'$q$), 0, 'member updates nothing');
select is(pg_temp.pm_rows($q$delete from public.project_members$q$), 0, 'member deletes nothing');
select tests.clear_authentication();

-- admin, owner, service_role: everything
select tests.authenticate_as('pm_admin');
select is((select count(*)::int from public.project_members where project_id = (select id from pm_p)), 1, 'admin reads');
select lives_ok($$ insert into public.project_members (workspace_id, project_id, user_id)
  select tests.workspace_id('pm'), id, tests.user_id('pm_viewer') from pm_p $$, 'admin adds a member');
select is(pg_temp.pm_rows($q$update public.project_members set role = 'lead' where user_id = tests.user_id('pm_member')$q$), 1, 'admin changes a role');
select is(pg_temp.pm_rows($q$delete from public.project_members where user_id = tests.user_id('pm_viewer')$q$), 1, 'admin removes a member');
-- Moving a row into the other workspace (its project, its admin: the foreign key and the project trigger
-- would accept it, and the admin may read rows there as a viewer) is refused by the update policy's
-- WITH CHECK: the admin is not an admin there.
select tests.assert_denied($$ update public.project_members
  set workspace_id = tests.workspace_id('pm', 'b'), project_id = (select id from pm_pb), user_id = tests.user_id('pm_outsider')
  where user_id = tests.user_id('pm_member') $$, 'admin cannot move a project membership into a workspace where they are only a viewer');
select tests.clear_authentication();
select tests.authenticate_as('pm_owner');
select is((select count(*)::int from public.project_members where project_id = (select id from pm_p)), 1, 'owner reads');
select lives_ok($$ insert into public.project_members (workspace_id, project_id, user_id)
  select tests.workspace_id('pm'), id, tests.user_id('pm_admin') from pm_p $$, 'owner adds a member');
select is(pg_temp.pm_rows($q$update public.project_members set role = 'viewer' where user_id = tests.user_id('pm_admin')$q$), 1, 'owner changes a role');
select is(pg_temp.pm_rows($q$delete from public.project_members where user_id = tests.user_id('pm_admin')$q$), 1, 'owner removes a member');
select tests.clear_authentication();
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.project_members where project_id = (select id from pm_p)), 1, 'service_role reads');
select lives_ok($$ insert into public.project_members (workspace_id, project_id, user_id)
  select tests.workspace_id('pm'), id, tests.user_id('pm_owner') from pm_p $$, 'service_role adds a member');
select is(pg_temp.pm_rows($q$update public.project_members set role = 'lead' where user_id = tests.user_id('pm_owner')$q$), 1, 'service_role changes a role');
select is(pg_temp.pm_rows($q$delete from public.project_members where user_id = tests.user_id('pm_owner')$q$), 1, 'service_role removes a member');
select tests.clear_authentication();

select * from finish();
rollback;
