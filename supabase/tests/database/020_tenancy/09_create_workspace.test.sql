-- Tenancy: create_workspace.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(25);

select tests.create_tenancy_fixture();

select tests.authenticate_as('t_outsider');
select results_eq($$ select w.name, w.slug, w.created_by, w.is_personal, w.setup_state::text
                     from public.create_workspace('Beta Team', 'beta') w $$,
  $$ values ('Beta Team'::text, 'beta'::text, tests.user_id('t_outsider'), false, 'pending'::text) $$,
  'create_workspace returns the new workspace row');
insert into tests.fx select 'w_beta', id from public.workspaces where slug = 'beta';
select results_eq($$ select m.role::text from public.workspace_members m where m.workspace_id = tests.fx('w_beta') $$,
  $$ values ('owner'::text) $$, 'create_workspace makes the caller its only member, as owner');
select results_eq($$ select o.name, o.slug, o.billing_owner_id, o.is_personal from public.organizations o
                     join public.workspaces w on w.organization_id = o.id where w.id = tests.fx('w_beta') $$,
  $$ values ('Beta Team'::text, 'beta'::text, tests.user_id('t_outsider'), false) $$,
  'create_workspace without an organization creates one billed to the caller');
insert into tests.fx select 'w_beta2', (public.create_workspace('Beta Again', 'beta')).id;
select results_eq($$ select o.slug, w.slug from public.workspaces w join public.organizations o on o.id = w.organization_id
                     where w.id = tests.fx('w_beta2') $$,
  $$ values ('beta-2'::text, 'beta'::text) $$, 'a new organization gets a de-duplicated slug when the requested one is taken');

select tests.authenticate_as('t_owner');
select results_eq($$ select w.organization_id, w.slug from public.create_workspace('Acme Lab', 'acme-lab', tests.fx('org')) w $$,
  $$ values (tests.fx('org'), 'acme-lab'::text) $$, 'the organization''s owner adds a workspace to it');

select tests.snap();
select throws_ok($$ select public.create_workspace('Again', 'acme-hq', tests.fx('org')) $$,
  '23505', 'workspace slug "acme-hq" is already taken in this organization', 'create_workspace: duplicate slug is 23505 naming the slug');
select tests.unchanged('create_workspace duplicate slug: nothing written');
select throws_ok($$ select public.create_workspace(null, 'x-null-name') $$, '22004', 'p_name must not be null', 'create_workspace: null p_name');
select tests.unchanged('create_workspace null p_name: nothing written');
select throws_ok($$ select public.create_workspace('   ', 'x-blank') $$, '22023', 'p_name must be 1 to 200 characters (got 0)', 'create_workspace: blank p_name');
select tests.unchanged('create_workspace blank p_name: nothing written');
select throws_ok($$ select public.create_workspace('Name', null) $$, '22004', 'p_slug must not be null', 'create_workspace: null p_slug');
select tests.unchanged('create_workspace null p_slug: nothing written');
select throws_ok($$ select public.create_workspace('Name', 'Bad Slug!') $$, '22023',
  'p_slug "Bad Slug!" is not a valid slug (lowercase letters, digits and hyphens, 1 to 63, starting with a letter or digit)',
  'create_workspace: malformed p_slug');
select tests.unchanged('create_workspace malformed p_slug: nothing written');
select throws_ok($$ select public.create_workspace('Name', 'x-none', '00000000-0000-4000-8000-000000000000') $$, 'P0002',
  'organization 00000000-0000-4000-8000-000000000000 not found (p_organization_id)', 'create_workspace: unknown organization');
select tests.unchanged('create_workspace unknown organization: nothing written');

select tests.authenticate_as('t_admin');
select throws_ok($$ select public.create_workspace('Admin WS', 'admin-ws', tests.fx('org')) $$, '42501',
  format('permission denied: only the billing owner or a workspace owner of organization %s can add workspaces (p_organization_id)', tests.fx('org')),
  'create_workspace: a workspace admin cannot add workspaces to the organization');
select tests.unchanged('create_workspace by admin into org: nothing written');
select tests.authenticate_as('t_outsider');
select throws_ok($$ select public.create_workspace('Hijack', 'hijack', tests.fx('org')) $$, '42501', format('permission denied: only the billing owner or a workspace owner of organization %s can add workspaces (p_organization_id)', tests.fx('org')),
  'create_workspace: a stranger cannot add workspaces to someone else''s organization');
select tests.unchanged('create_workspace into a foreign organization: nothing written');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.create_workspace('Svc', 'svc-owned') $$, '42501',
  'create_workspace needs a signed-in user to become the owner (auth.uid() is null)', 'create_workspace: service_role without a user is refused');
select tests.unchanged('create_workspace by service_role: nothing written');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select public.create_workspace('Anon', 'anon-ws') $$, 'create_workspace: anon cannot execute');
select tests.clear_authentication();
select tests.unchanged('create_workspace by anon: nothing written');

select * from finish();
rollback;
