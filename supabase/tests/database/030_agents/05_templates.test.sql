-- Agents: Templates and create_agent_from_template.
-- Fixture: tests.create_agents_fixture() (000_helpers.test.sql).
begin;
select plan(27);

select tests.create_agents_fixture();

select tests.authenticate_as('ag_other');
select set_eq(
  $$ select slug from public.agent_templates where workspace_id is null $$,
  array['email-assistant', 'calendar-assistant', 'researcher', 'software-engineer', 'chief-of-staff'],
  'built-in templates are readable by any signed-in user');

select tests.authenticate_as('ag_admin');
select results_eq(
  $$ select slug, type::text, trust_tier::text, tone, capabilities, config, template_id, is_head
     from public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'w1-support', 'helpdesk',
       'Helpdesk', '{"tone": "formal", "config": {"max_replies": 9}}') $$,
  $$ values ('helpdesk', 'email', 'partner', 'formal', array['email.read', 'tickets.write'],
             '{"signature": "W1", "max_replies": 9}'::jsonb, 'a4000000-0000-4000-8000-000000000001'::uuid, false) $$,
  'from a workspace template by slug: type and tools from the template, defaults applied, overrides win, config merged');
select results_eq(
  $$ select slug, type::text, verbosity::text, capabilities
     from public.create_agent_from_template('a0000000-0000-4000-8000-000000000001',
       (select id::text from public.agent_templates where workspace_id is null and slug = 'software-engineer'),
       'coder', 'Coder', '{"capabilities": ["repo.read"], "verbosity": "concise"}') $$,
  $$ values ('coder', 'code', 'concise', array['repo.read']) $$,
  'from a built-in template by id; overrides replace capabilities');
select results_eq(
  $$ select tone, template_id from public.create_agent_from_template('a0000000-0000-4000-8000-000000000001',
       'researcher', 'scout', 'Scout') $$,
  $$ values ('w1-house-style', 'a4000000-0000-4000-8000-000000000003'::uuid) $$,
  'a workspace template shadows the built-in with the same slug');
select results_eq(
  $$ select created_by, workspace_id from public.agents where slug = 'helpdesk' $$,
  $$ values (tests.user_id('ag_admin'), 'a0000000-0000-4000-8000-000000000001'::uuid) $$,
  'the created agent is in the workspace and records its creator');

select throws_ok($$ select public.create_agent_from_template(null, 'researcher', 'x1', 'X') $$,
  '22004', 'p_workspace_id must not be null', 'create_agent_from_template: null workspace');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', null, 'x1', 'X') $$,
  '22004', 'p_template must not be null', 'create_agent_from_template: null template');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'researcher', null, 'X') $$,
  '22004', 'p_slug must not be null', 'create_agent_from_template: null slug');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'researcher', 'x1', null) $$,
  '22004', 'p_name must not be null', 'create_agent_from_template: null name');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'researcher', 'X 1', 'X') $$,
  '22023', 'p_slug must match ^[a-z0-9][a-z0-9-]{0,62}$, got X 1', 'create_agent_from_template: malformed slug');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'researcher', 'x1', 'X', '[]') $$,
  '22023', 'p_overrides must be a JSON object', 'create_agent_from_template: overrides not an object');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'researcher', 'x1', 'X',
                    '{"workspace_id": "a0000000-0000-4000-8000-000000000002", "xyz": 1}') $$,
  '22023', 'p_overrides: unknown or read-only key(s): workspace_id, xyz', 'create_agent_from_template: unknown keys');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'researcher', 'x1', 'X',
                    '{"trust_tier": "god"}') $$,
  '22023', 'p_overrides: invalid input value for enum public.agent_trust_tier: "god"', 'create_agent_from_template: bad enum value');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'researcher', 'x1', 'X',
                    '{"level": 0}') $$,
  '23514', 'p_overrides: new row for relation "agents" violates check constraint "agents_level_check"',
  'create_agent_from_template: out-of-range value');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'no-such', 'x1', 'X') $$,
  'P0002', 'p_template: template no-such not found', 'create_agent_from_template: unknown template');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001',
                    'a4000000-0000-4000-8000-000000000002', 'x1', 'X') $$,
  'P0002', 'p_template: template a4000000-0000-4000-8000-000000000002 not found',
  'create_agent_from_template: another workspace''s template is never used');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'researcher', 'worker', 'X') $$,
  '23505', 'p_slug: an agent with slug worker already exists in this workspace', 'create_agent_from_template: duplicate slug');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'chief-of-staff', 'x1', 'X') $$,
  '23505', 'is_head: workspace a0000000-0000-4000-8000-000000000001 already has a head agent (chief)',
  'create_agent_from_template: a head template cannot add a second head');
select is((select count(*)::int from public.agents where slug = 'x1'), 0,
  'no failed create_agent_from_template call wrote an agent');

select tests.authenticate_as('ag_member');
select throws_ok($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'researcher', 'x2', 'X') $$,
  '42501', 'permission denied: requires role admin in workspace a0000000-0000-4000-8000-000000000001',
  'create_agent_from_template: a member is refused');
select tests.authenticate_as('ag_viewer');
select tests.assert_denied($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'researcher', 'x2', 'X') $$,
  'create_agent_from_template: a viewer is refused');
select tests.authenticate_as('ag_other');
select tests.assert_denied($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'researcher', 'x2', 'X') $$,
  'create_agent_from_template: an admin of another workspace is refused');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select public.create_agent_from_template('a0000000-0000-4000-8000-000000000001', 'researcher', 'x2', 'X') $$,
  'create_agent_from_template: anon cannot call it');
select tests.authenticate_as_service_role();
select is(
  (select slug from public.create_agent_from_template('a0000000-0000-4000-8000-000000000002', 'email-assistant', 'mailer', 'Mailer')),
  'mailer', 'create_agent_from_template: service_role may create in any workspace');
select tests.clear_authentication();
select is((select count(*)::int from public.agents where slug = 'x2'), 0, 'refused callers wrote nothing');

select throws_ok(
  $$ insert into public.agent_templates (workspace_id, slug, name, defaults)
     values ('a0000000-0000-4000-8000-000000000001', 'bad-defaults', 'Bad', '{"workspace_id": "x"}') $$,
  '23514', 'new row for relation "agent_templates" violates check constraint "agent_templates_defaults_check"',
  'template defaults may only name settable agent columns');
select throws_ok(
  $$ insert into public.agent_templates (workspace_id, slug, name) values (null, 'researcher', 'Dup built-in') $$,
  '23505', 'duplicate key value violates unique constraint "agent_templates_workspace_id_slug_key"',
  'built-in template slugs are unique');

select * from finish();
rollback;
