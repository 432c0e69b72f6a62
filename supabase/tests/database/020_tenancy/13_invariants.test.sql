-- Tenancy: invariants.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(21);

select tests.create_tenancy_fixture();

-- Also needed, for the slug collisions: projects 'by-admin' and 'by-member' (archived) in W, a workspace
-- 'acme-lab' in W's organization, and the outsider's organization 'beta'.
insert into public.projects (workspace_id, slug, name, status) values
  (tests.fx('w'), 'by-admin', 'By admin', 'active'), (tests.fx('w'), 'by-member', 'By member', 'archived');
select tests.authenticate_as('t_owner');
select public.create_workspace('Acme Lab', 'acme-lab', tests.fx('org'));
select tests.authenticate_as('t_outsider');
select public.create_workspace('Beta Team', 'beta');
select tests.clear_authentication();

-- The last-owner guard holds for trusted callers too.
select tests.authenticate_as_service_role();
select tests.snap();
select throws_ok($$ delete from public.workspace_members where workspace_id = tests.fx('w') and role = 'owner' $$, '23514',
  format('cannot remove or demote the last owner of workspace %s', tests.fx('w')), 'service_role cannot delete the last owner either');
select throws_ok($$ update public.workspace_members set role = 'admin' where workspace_id = tests.fx('w') and role = 'owner' $$, '23514',
  format('cannot remove or demote the last owner of workspace %s', tests.fx('w')), 'service_role cannot demote the last owner either');
select throws_ok($$ select public.set_member_role(tests.fx('w'), tests.user_id('t_owner'), 'member') $$, '23514', format('cannot remove or demote the last owner of workspace %s', tests.fx('w')),
  'set_member_role as service_role still protects the last owner');
select throws_ok($$ select public.set_member_role(tests.fx('w'), null, 'member') $$, '22004', 'p_user_id must not be null',
  'service_role arguments are still validated');
select tests.unchanged('last-owner guard for service_role: nothing written');
select results_eq($$ select role::text from public.set_member_role(tests.fx('w'), tests.user_id('t_member'), 'owner') $$,
  $$ values ('owner'::text) $$, 'service_role may grant any role');

-- Duplicate slugs give a clear 23505 on direct writes too.
select tests.authenticate_as('t_member');
select tests.snap();
select throws_ok($$ insert into public.projects (workspace_id, slug, name) values (tests.fx('w'), 'main', 'Dup') $$, '23505',
  'project slug "main" is already taken in this workspace', 'projects: duplicate slug is 23505 naming the slug');
select throws_ok($$ update public.projects set slug = 'by-admin' where id = tests.fx('proj') $$, '23505',
  'project slug "by-admin" is already taken in this workspace', 'projects: renaming onto a taken slug is 23505');
select tests.unchanged('duplicate project slug: nothing written');
select tests.authenticate_as('t_owner');
select throws_ok($$ update public.workspaces set slug = 'acme-lab' where id = tests.fx('w') $$, '23505',
  'workspace slug "acme-lab" is already taken in this organization', 'workspaces: renaming onto a taken slug is 23505');
select throws_ok($$ update public.organizations set slug = 'beta' where id = tests.fx('org') $$, '23505',
  'organization slug "beta" is already taken', 'organizations: a taken slug is 23505 naming it (even one the caller cannot see)');
select throws_ok($$ update public.workspaces set timezone = 'Nowhere/Land' where id = tests.fx('w') $$, '22023',
  'timezone "Nowhere/Land" is not a recognised time zone (use an IANA name such as Europe/Berlin)', 'workspaces: the timezone is validated');
select tests.unchanged('invalid direct workspace writes: nothing written');

-- Setup state and archive timestamps stay consistent whatever the writer.
select results_eq($$ update public.workspaces set setup_state = 'pending' where id = tests.fx('w') returning initialized, setup_completed_at is null $$,
  $$ values (false, true) $$, 'resetting setup_state clears setup_completed_at and initialized');
select results_eq($$ update public.projects set status = 'active' where slug = 'by-member' returning archived_at is null $$,
  $$ values (true) $$, 'un-archiving a project clears archived_at');
select tests.clear_authentication();
select results_eq($$ insert into public.projects (workspace_id, slug, name, status, archived_at)
                     values (tests.fx('w'), 'fresh', 'Fresh', 'active', now()) returning archived_at is null $$,
  $$ values (true) $$, 'archived_at follows status on insert (an active project has none)');
select results_eq($$ update public.workspaces set setup_state = 'completed', setup_completed_at = null where id = tests.fx('w')
                     returning initialized, setup_completed_at is not null $$,
  $$ values (true, true) $$, 'completing setup by a direct write stamps setup_completed_at');
select throws_ok($$ insert into public.invites (workspace_id, email, token_hash, expires_at, accepted_at, revoked_at)
                    values (tests.fx('w'), 'both@example.com', extensions.digest('both', 'sha256'), now(), now(), now()) $$,
  '23514', 'new row for relation "invites" violates check constraint "invites_single_outcome_check"', 'an invite cannot be both accepted and revoked');
select throws_ok($$ insert into public.invites (workspace_id, email, token_hash, expires_at)
                    values (tests.fx('w'), 'Upper@Example.com', extensions.digest('upper', 'sha256'), now()) $$,
  '23514', 'new row for relation "invites" violates check constraint "invites_email_check"', 'invite emails are stored lowercase');

-- The owner deletes the workspace; everything below it goes with it.
select tests.authenticate_as('t_owner');
select results_eq($$ delete from public.workspaces where id = tests.fx('w') returning id $$, $$ values (tests.fx('w')) $$,
  'workspaces: the owner deletes W');
select tests.clear_authentication();
select is((select count(*)::int from public.workspace_members where workspace_id = tests.fx('w'))
        + (select count(*)::int from public.projects where workspace_id = tests.fx('w'))
        + (select count(*)::int from public.invites where workspace_id = tests.fx('w')), 0,
  'deleting a workspace removes its members, projects and invites');

select * from finish();
rollback;
