-- Agents domain: agents, agent_templates, agent_skills, agent_training_data; head agent, org chart,
-- create_agent_from_template, agent_reports_chain; RLS for every table x role x action.
begin;
select plan(197);

-- ---------------------------------------------------------------------------------------------
-- Fixtures (as postgres). W1 is the workspace under test; W2 is "another workspace".
--   W1 = a0..01, W2 = a0..02. Agents in W1: chief a1..01 (head), mgr a1..02, worker a1..03,
--   intern a1..04. W2: other-agent a2..01. Gateway in W2: a3..02.
-- ---------------------------------------------------------------------------------------------
select tests.create_user('ag_admin');
select tests.create_user('ag_member');
select tests.create_user('ag_viewer');
select tests.create_user('ag_other');
select tests.create_user('ag_owner');

insert into public.organizations (id, name, slug)
values ('a0000000-0000-4000-8000-0000000000f1', 'Agents Org', 'agents-org');
insert into public.workspaces (id, organization_id, name, slug) values
  ('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-0000000000f1', 'W1', 'w1'),
  ('a0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-0000000000f1', 'W2', 'w2');
insert into public.workspace_members (workspace_id, user_id, role) values
  ('a0000000-0000-4000-8000-000000000001', tests.user_id('ag_owner'), 'owner'),
  ('a0000000-0000-4000-8000-000000000001', tests.user_id('ag_admin'), 'admin'),
  ('a0000000-0000-4000-8000-000000000001', tests.user_id('ag_member'), 'member'),
  ('a0000000-0000-4000-8000-000000000001', tests.user_id('ag_viewer'), 'viewer'),
  ('a0000000-0000-4000-8000-000000000002', tests.user_id('ag_other'), 'admin');

insert into public.gateways (id, workspace_id, slug, label) values
  ('a3000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000002', 'w2-gw', 'W2 gateway');

insert into public.agents (id, workspace_id, slug, name, is_head) values
  ('a1000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'chief', 'Chief', true),
  ('a1000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', 'mgr', 'Manager', false),
  ('a1000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000001', 'worker', 'Worker', false),
  ('a1000000-0000-4000-8000-000000000004', 'a0000000-0000-4000-8000-000000000001', 'intern', 'Intern', false),
  ('a2000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002', 'other-agent', 'Other', false);

insert into public.agent_templates (id, workspace_id, slug, name, category, agent_type, tools, defaults) values
  ('a4000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'w1-support', 'W1 support',
   'support', 'email', array['email.read', 'tickets.write'],
   '{"trust_tier": "partner", "tone": "kind", "config": {"signature": "W1", "max_replies": 5}}'),
  ('a4000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000002', 'w2-secret', 'W2 secret',
   'general', 'custom', '{}', '{}'),
  -- A W1 template shadowing the built-in "researcher".
  ('a4000000-0000-4000-8000-000000000003', 'a0000000-0000-4000-8000-000000000001', 'researcher', 'W1 researcher',
   'research', 'research', array['w1.search'], '{"tone": "w1-house-style"}');

insert into public.agent_skills (id, workspace_id, agent_id, slug, name, category, level) values
  ('a5000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001',
   'a1000000-0000-4000-8000-000000000003', 'sql', 'SQL', 'engineering', 3),
  ('a5000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000002',
   'a2000000-0000-4000-8000-000000000001', 'sql', 'SQL', 'engineering', 2);

insert into public.agent_training_data (id, workspace_id, agent_id, kind, title, content) values
  ('a6000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001',
   'a1000000-0000-4000-8000-000000000003', 'instruction', 'Style', 'Answer in one paragraph.'),
  ('a6000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000002',
   'a2000000-0000-4000-8000-000000000001', 'knowledge', 'Secret', 'W2 only.');

-- ---------------------------------------------------------------------------------------------
-- Structure
-- ---------------------------------------------------------------------------------------------
select has_table('public', 'agents', 'agents exists');
select has_table('public', 'agent_templates', 'agent_templates exists');
select has_table('public', 'agent_skills', 'agent_skills exists');
select has_table('public', 'agent_training_data', 'agent_training_data exists');

select is(
  array(select c from unnest(array['id', 'workspace_id', 'project_id', 'slug', 'name', 'type', 'status', 'trust_tier',
    'model_id', 'tone', 'verbosity', 'objective', 'instructions', 'background', 'email_address', 'avatar_url',
    'voice', 'role', 'bio', 'domains', 'capabilities', 'config', 'is_head', 'level', 'xp', 'gateway_id',
    'reports_to', 'template_id', 'created_at', 'updated_at']) c
    where not exists (select 1 from information_schema.columns ic
                      where ic.table_schema = 'public' and ic.table_name = 'agents' and ic.column_name = c)),
  '{}'::text[], 'agents has every column the agent products need');

select enum_has_labels('public', 'agent_type', array['email', 'calendar', 'research', 'code', 'custom'],
  'agent_type enum');
select enum_has_labels('public', 'agent_trust_tier', array['observer', 'helper', 'partner', 'trusted'],
  'agent_trust_tier enum, least to most trusted');
select enum_has_labels('public', 'agent_training_kind', array['knowledge', 'instruction', 'example'],
  'agent_training_kind enum');

select ok(exists (select 1 from pg_indexes where schemaname = 'public' and indexname = 'agents_domains_idx'
                  and indexdef like '%USING gin (domains)%'), 'agents.domains has a GIN index');
select ok(exists (select 1 from pg_indexes where schemaname = 'public' and indexname = 'agents_capabilities_idx'
                  and indexdef like '%USING gin (capabilities)%'), 'agents.capabilities has a GIN index');

select is(
  (select count(*)::int from pg_class c where c.relnamespace = 'public'::regnamespace and c.relrowsecurity
     and c.relname in ('agents', 'agent_templates', 'agent_skills', 'agent_training_data')),
  4, 'RLS is enabled on all four agent tables');

-- GIN index is usable for a containment query.
select is(
  (select count(*)::int from public.agents where capabilities @> array['x'] or domains @> array['x']),
  0, 'containment query on domains/capabilities runs');

-- ---------------------------------------------------------------------------------------------
-- Head agent: at most one per workspace
-- ---------------------------------------------------------------------------------------------
select throws_ok(
  $$ insert into public.agents (workspace_id, slug, name, is_head)
     values ('a0000000-0000-4000-8000-000000000001', 'second-head', 'Second', true) $$,
  '23505', 'is_head: workspace a0000000-0000-4000-8000-000000000001 already has a head agent (chief)',
  'a second head agent in a workspace is rejected');
select is((select count(*)::int from public.agents where slug = 'second-head'), 0,
  'the rejected second head was not written');
select throws_ok(
  $$ update public.agents set is_head = true where id = 'a1000000-0000-4000-8000-000000000002' $$,
  '23505', 'is_head: workspace a0000000-0000-4000-8000-000000000001 already has a head agent (chief)',
  'promoting a second head by update is rejected');
select is(
  (select array_agg(slug order by slug) from public.agents
   where workspace_id = 'a0000000-0000-4000-8000-000000000001' and is_head),
  array['chief'], 'W1 still has exactly one head (chief)');
select lives_ok(
  $$ update public.agents set is_head = true where id = 'a2000000-0000-4000-8000-000000000001' $$,
  'another workspace may have its own head');
-- The unique index itself holds even when the trigger is bypassed (e.g. a race).
alter table public.agents disable trigger agents_before_write;
select throws_ok(
  $$ update public.agents set is_head = true where id = 'a1000000-0000-4000-8000-000000000003' $$,
  '23505', 'duplicate key value violates unique constraint "agents_one_head_per_workspace_idx"',
  'the partial unique index enforces one head even without the trigger');
alter table public.agents enable trigger agents_before_write;

-- ---------------------------------------------------------------------------------------------
-- Org chart: cycles, cross-workspace managers
-- ---------------------------------------------------------------------------------------------
-- worker -> mgr -> chief
update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000001' where slug = 'mgr';
update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000002' where slug = 'worker';

select throws_ok(
  $$ update public.agents set reports_to = id where id = 'a1000000-0000-4000-8000-000000000004' $$,
  '23514', 'reports_to: agent a1000000-0000-4000-8000-000000000004 cannot report to itself',
  'an agent cannot be its own manager');
select throws_ok(
  $$ insert into public.agents (id, workspace_id, slug, name, reports_to)
     values ('a1000000-0000-4000-8000-000000000099', 'a0000000-0000-4000-8000-000000000001', 'selfie', 'Selfie',
             'a1000000-0000-4000-8000-000000000099') $$,
  '23514', 'reports_to: agent a1000000-0000-4000-8000-000000000099 cannot report to itself',
  'an agent cannot be inserted as its own manager');
select throws_ok(
  $$ update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000002'
     where id = 'a1000000-0000-4000-8000-000000000001' $$,
  '23514', 'reports_to: making a1000000-0000-4000-8000-000000000001 report to a1000000-0000-4000-8000-000000000002 would create a cycle in the org chart',
  'a 2-cycle (chief -> mgr -> chief) is rejected');
select throws_ok(
  $$ update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000003'
     where id = 'a1000000-0000-4000-8000-000000000001' $$,
  '23514', 'reports_to: making a1000000-0000-4000-8000-000000000001 report to a1000000-0000-4000-8000-000000000003 would create a cycle in the org chart',
  'a 3-cycle (chief -> worker -> mgr -> chief) is rejected');
select throws_ok(
  $$ update public.agents
     set reports_to = case id when 'a1000000-0000-4000-8000-000000000004'::uuid then 'a1000000-0000-4000-8000-000000000001'::uuid
                              else 'a1000000-0000-4000-8000-000000000004'::uuid end
     where id in ('a1000000-0000-4000-8000-000000000004', 'a1000000-0000-4000-8000-000000000001') $$,
  '23514', null, 'a cycle closed by one multi-row update is rejected');
select is((select reports_to from public.agents where id = 'a1000000-0000-4000-8000-000000000001'), null,
  'the rejected manager changes left chief without a manager');
select is((select reports_to from public.agents where id = 'a1000000-0000-4000-8000-000000000004'), null,
  'the rejected multi-row update left intern unchanged');
select throws_ok(
  $$ update public.agents set reports_to = 'a2000000-0000-4000-8000-000000000001'
     where id = 'a1000000-0000-4000-8000-000000000004' $$,
  '23503', 'reports_to: manager a2000000-0000-4000-8000-000000000001 is not an agent in workspace a0000000-0000-4000-8000-000000000001',
  'a manager from another workspace is rejected');
select throws_ok(
  $$ update public.agents set reports_to = 'a1000000-0000-4000-8000-0000000000ff'
     where id = 'a1000000-0000-4000-8000-000000000004' $$,
  '23503', 'reports_to: manager a1000000-0000-4000-8000-0000000000ff is not an agent in workspace a0000000-0000-4000-8000-000000000001',
  'an unknown manager is rejected');
select is((select reports_to from public.agents where id = 'a1000000-0000-4000-8000-000000000004'), null,
  'rejected cross-workspace manager was not written');
select throws_ok(
  $$ update public.agents set gateway_id = 'a3000000-0000-4000-8000-000000000002'
     where id = 'a1000000-0000-4000-8000-000000000004' $$,
  '23503', 'gateway_id: gateway a3000000-0000-4000-8000-000000000002 is not in workspace a0000000-0000-4000-8000-000000000001',
  'a gateway from another workspace is rejected');
select throws_ok(
  $$ update public.agents set workspace_id = 'a0000000-0000-4000-8000-000000000002'
     where id = 'a1000000-0000-4000-8000-000000000004' $$,
  '22023', 'agents: workspace_id cannot be changed', 'an agent cannot move to another workspace');
select lives_ok(
  $$ update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000003'
     where id = 'a1000000-0000-4000-8000-000000000004' $$,
  'a legal manager change (intern -> worker) is accepted');

-- ---------------------------------------------------------------------------------------------
-- agent_reports_chain
-- ---------------------------------------------------------------------------------------------
select results_eq(
  $$ select depth, agent_id, slug from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004') $$,
  $$ values (0, 'a1000000-0000-4000-8000-000000000004'::uuid, 'intern'),
            (1, 'a1000000-0000-4000-8000-000000000003'::uuid, 'worker'),
            (2, 'a1000000-0000-4000-8000-000000000002'::uuid, 'mgr'),
            (3, 'a1000000-0000-4000-8000-000000000001'::uuid, 'chief') $$,
  'reports chain walks intern -> worker -> mgr -> chief with depths 0..3');
select results_eq(
  $$ select depth, slug from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004', 1) $$,
  $$ values (0, 'intern'), (1, 'worker') $$,
  'p_max_depth = 1 stops after the direct manager');
select results_eq(
  $$ select depth, slug from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004', 0) $$,
  $$ values (0, 'intern') $$,
  'p_max_depth = 0 returns only the agent');
select results_eq(
  $$ select depth, slug from public.agent_reports_chain('a1000000-0000-4000-8000-000000000001') $$,
  $$ values (0, 'chief') $$,
  'the top of the chart has a chain of one');
select throws_ok($$ select * from public.agent_reports_chain(null) $$,
  '22004', 'p_agent_id must not be null', 'reports chain: null agent id');
select throws_ok($$ select * from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004', null) $$,
  '22004', 'p_max_depth must not be null', 'reports chain: null max depth');
select throws_ok($$ select * from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004', -1) $$,
  '22023', 'p_max_depth must be between 0 and 1000, got -1', 'reports chain: negative max depth');
select throws_ok($$ select * from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004', 1001) $$,
  '22023', 'p_max_depth must be between 0 and 1000, got 1001', 'reports chain: max depth too large');
select throws_ok($$ select * from public.agent_reports_chain('a1000000-0000-4000-8000-0000000000ff') $$,
  'P0002', 'p_agent_id: agent a1000000-0000-4000-8000-0000000000ff not found', 'reports chain: unknown agent');

-- Cycle-safe even if a cycle got in around the trigger (bypassed here on purpose).
alter table public.agents disable trigger agents_before_write;
update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000004'
where id = 'a1000000-0000-4000-8000-000000000001';
alter table public.agents enable trigger agents_before_write;
select results_eq(
  $$ select depth, slug from public.agent_reports_chain('a1000000-0000-4000-8000-000000000002', 100) $$,
  $$ values (0, 'mgr'), (1, 'chief'), (2, 'intern'), (3, 'worker') $$,
  'reports chain stops at a cycle instead of looping to max depth');
update public.agents set reports_to = null where id = 'a1000000-0000-4000-8000-000000000001';

-- RLS: the caller must see the agent.
select tests.authenticate_as('ag_viewer');
select results_eq(
  $$ select slug from public.agent_reports_chain('a1000000-0000-4000-8000-000000000003') $$,
  $$ values ('worker'), ('mgr'), ('chief') $$,
  'a viewer of the workspace can read the reports chain');
select tests.authenticate_as('ag_other');
select throws_ok($$ select * from public.agent_reports_chain('a1000000-0000-4000-8000-000000000003') $$,
  'P0002', 'p_agent_id: agent a1000000-0000-4000-8000-000000000003 not found',
  'a member of another workspace cannot read the chain (agent invisible)');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.agent_reports_chain('a1000000-0000-4000-8000-000000000003') $$,
  'anon cannot call agent_reports_chain');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.agent_reports_chain('a1000000-0000-4000-8000-000000000004')), 4,
  'service_role reads the full chain');
select tests.clear_authentication();

-- Deleting a manager detaches its reports (set null), it does not cascade.
delete from public.agents where id = 'a1000000-0000-4000-8000-000000000002';
select is((select reports_to from public.agents where id = 'a1000000-0000-4000-8000-000000000003'), null,
  'deleting a manager clears reports_to of its direct reports');
select is((select count(*)::int from public.agents where workspace_id = 'a0000000-0000-4000-8000-000000000001'), 3,
  'deleting a manager deletes no other agent');
-- Restore mgr for the rest of the file: worker -> mgr -> chief.
insert into public.agents (id, workspace_id, slug, name, reports_to) values
  ('a1000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000001', 'mgr', 'Manager',
   'a1000000-0000-4000-8000-000000000001');
update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000002' where slug = 'worker'
  and workspace_id = 'a0000000-0000-4000-8000-000000000001';

-- ---------------------------------------------------------------------------------------------
-- Bad input on direct writes: clear constraint errors, nothing written
-- ---------------------------------------------------------------------------------------------
select throws_ok(
  $$ insert into public.agents (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'Bad Slug', 'x') $$,
  '23514', 'new row for relation "agents" violates check constraint "agents_slug_check"', 'agent slug format is checked');
select throws_ok(
  $$ insert into public.agents (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'blank', '  ') $$,
  '23514', 'new row for relation "agents" violates check constraint "agents_name_check"', 'blank agent name is rejected');
select throws_ok(
  $$ insert into public.agents (workspace_id, slug, name, email_address)
     values ('a0000000-0000-4000-8000-000000000001', 'mail', 'Mail', 'not-an-address') $$,
  '23514', 'new row for relation "agents" violates check constraint "agents_email_address_check"', 'malformed e-mail is rejected');
select throws_ok(
  $$ insert into public.agents (workspace_id, slug, name, config)
     values ('a0000000-0000-4000-8000-000000000001', 'cfg', 'Cfg', '[1]') $$,
  '23514', 'new row for relation "agents" violates check constraint "agents_config_check"', 'non-object config is rejected');
select throws_ok(
  $$ insert into public.agents (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'worker', 'Dup') $$,
  '23505', 'duplicate key value violates unique constraint "agents_workspace_id_slug_key"', 'slug is unique per workspace');
select lives_ok(
  $$ insert into public.agents (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000002', 'worker', 'W2 worker') $$,
  'the same slug is allowed in another workspace');
select throws_ok(
  $$ insert into public.agents (workspace_id, slug, name, level) values ('a0000000-0000-4000-8000-000000000001', 'lvl', 'Lvl', 0) $$,
  '23514', 'new row for relation "agents" violates check constraint "agents_level_check"', 'level must be >= 1');
select throws_ok(
  $$ insert into public.agents (workspace_id, slug, name, trust_tier) values ('a0000000-0000-4000-8000-000000000001', 'tt', 'TT', 'god') $$,
  '22P02', 'invalid input value for enum agent_trust_tier: "god"', 'unknown trust tier is rejected');
select is(
  (select count(*)::int from public.agents where slug in ('Bad Slug', 'blank', 'mail', 'cfg', 'lvl', 'tt')
     or name = 'Dup'),
  0, 'none of the rejected agents was written');
update public.agents set email_address = 'Chief@Example.com' where id = 'a1000000-0000-4000-8000-000000000001';
select throws_ok(
  $$ update public.agents set email_address = 'chief@example.COM' where id = 'a2000000-0000-4000-8000-000000000001' $$,
  '23505', null, 'an e-mail address routes to one agent (case-insensitive, across workspaces)');

-- Skills and training data
select throws_ok(
  $$ insert into public.agent_skills (workspace_id, agent_id, slug, name)
     values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'sql', 'SQL again') $$,
  '23505', 'duplicate key value violates unique constraint "agent_skills_agent_slug_key"', 'skill slug is unique per agent');
select lives_ok(
  $$ insert into public.agent_skills (workspace_id, agent_id, slug, name)
     values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'sql', 'SQL') $$,
  'the same skill slug on another agent is fine');
select throws_ok(
  $$ insert into public.agent_skills (workspace_id, agent_id, slug, name, level)
     values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'go', 'Go', 11) $$,
  '23514', 'new row for relation "agent_skills" violates check constraint "agent_skills_level_check"', 'skill level is 1..10');
select throws_ok(
  $$ insert into public.agent_skills (workspace_id, agent_id, slug, name)
     values ('a0000000-0000-4000-8000-000000000001', 'a2000000-0000-4000-8000-000000000001', 'go', 'Go') $$,
  '23503', null, 'a skill cannot pair a workspace with another workspace''s agent');
select throws_ok(
  $$ insert into public.agent_training_data (workspace_id, agent_id, kind, content)
     values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'lore', 'x') $$,
  '22P02', 'invalid input value for enum agent_training_kind: "lore"', 'training data kind is an enum');
select throws_ok(
  $$ insert into public.agent_training_data (workspace_id, agent_id, kind, content)
     values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'example', '') $$,
  '23514', 'new row for relation "agent_training_data" violates check constraint "agent_training_data_content_check"',
  'empty training content is rejected');
select is((select count(*)::int from public.agent_skills where slug = 'go'), 0, 'rejected skills were not written');
select is(
  (select enabled from public.agent_training_data where id = 'a6000000-0000-4000-8000-000000000001'), true,
  'training data is enabled by default');

-- ---------------------------------------------------------------------------------------------
-- Templates and create_agent_from_template
-- ---------------------------------------------------------------------------------------------
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

-- ---------------------------------------------------------------------------------------------
-- RLS: agents
-- W1 agents now: chief, mgr, worker, intern, helpdesk, coder, scout.
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.agents $$, 'agents: anon cannot select');
select tests.assert_denied($$ insert into public.agents (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'anon-a', 'A') $$,
  'agents: anon cannot insert');
select tests.assert_denied($$ update public.agents set name = 'x' where slug = 'worker' $$, 'agents: anon cannot update');
select tests.assert_denied($$ delete from public.agents where slug = 'worker' $$, 'agents: anon cannot delete');

select tests.authenticate_as('ag_other');
select tests.assert_filtered($$ select * from public.agents where workspace_id = 'a0000000-0000-4000-8000-000000000001' $$,
  'agents: another workspace''s member sees no W1 agent');
select tests.assert_denied($$ insert into public.agents (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'other-a', 'A') $$,
  'agents: another workspace''s admin cannot insert into W1');
select tests.assert_filtered($$ update public.agents set name = 'x' where workspace_id = 'a0000000-0000-4000-8000-000000000001' returning id $$,
  'agents: another workspace''s admin cannot update W1 agents');
select tests.assert_filtered($$ delete from public.agents where workspace_id = 'a0000000-0000-4000-8000-000000000001' returning id $$,
  'agents: another workspace''s admin cannot delete W1 agents');

select tests.authenticate_as('ag_viewer');
select set_eq($$ select slug from public.agents $$,
  array['chief', 'mgr', 'worker', 'intern', 'helpdesk', 'coder', 'scout'],
  'agents: a viewer reads exactly W1''s agents');
select tests.assert_denied($$ insert into public.agents (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'viewer-a', 'A') $$,
  'agents: a viewer cannot insert');
select tests.assert_filtered($$ update public.agents set name = 'x' where slug = 'worker' returning id $$, 'agents: a viewer cannot update');
select tests.assert_filtered($$ delete from public.agents where slug = 'worker' returning id $$, 'agents: a viewer cannot delete');

select tests.authenticate_as('ag_member');
select is((select count(*)::int from public.agents), 7, 'agents: a member reads W1''s agents');
select tests.assert_denied($$ insert into public.agents (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'member-a', 'A') $$,
  'agents: a member cannot insert (admins manage agents)');
select tests.assert_filtered($$ update public.agents set name = 'x' where slug = 'worker' returning id $$, 'agents: a member cannot update');
select tests.assert_filtered($$ delete from public.agents where slug = 'worker' returning id $$, 'agents: a member cannot delete');

select tests.authenticate_as('ag_admin');
select is((select count(*)::int from public.agents), 7, 'agents: an admin reads W1''s agents');
select results_eq($$ insert into public.agents (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'admin-a', 'A') returning slug $$,
  $$ values ('admin-a') $$, 'agents: an admin inserts');
select results_eq($$ update public.agents set name = 'Renamed' where slug = 'admin-a' returning name $$,
  $$ values ('Renamed') $$, 'agents: an admin updates');
select results_eq($$ delete from public.agents where slug = 'admin-a' returning slug $$,
  $$ values ('admin-a') $$, 'agents: an admin deletes');
select tests.assert_denied($$ insert into public.agents (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000002', 'admin-b', 'B') $$,
  'agents: a W1 admin cannot insert into W2');

select tests.authenticate_as('ag_owner');
select results_eq($$ update public.agents set level = 2, xp = 150 where slug = 'worker' returning level, xp $$,
  $$ values (2, 150::bigint) $$, 'agents: an owner (above admin) updates level and XP');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.agents
           where workspace_id in ('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002')), 10,
  'agents: service_role reads every workspace (7 in W1, 3 in W2)');
select results_eq($$ insert into public.agents (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000002', 'svc-a', 'S') returning slug $$,
  $$ values ('svc-a') $$, 'agents: service_role inserts');
select results_eq($$ update public.agents set status = 'online' where slug = 'svc-a' returning status::text $$,
  $$ values ('online') $$, 'agents: service_role updates');
select results_eq($$ delete from public.agents where slug = 'svc-a' returning slug $$,
  $$ values ('svc-a') $$, 'agents: service_role deletes');

-- ---------------------------------------------------------------------------------------------
-- RLS: agent_templates (W1: w1-support, researcher; W2: w2-secret; built-ins: 5)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.agent_templates $$, 'agent_templates: anon cannot select (not even built-ins)');
select tests.assert_denied($$ insert into public.agent_templates (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'anon-t', 'T') $$,
  'agent_templates: anon cannot insert');
select tests.assert_denied($$ update public.agent_templates set name = 'x' $$, 'agent_templates: anon cannot update');
select tests.assert_denied($$ delete from public.agent_templates $$, 'agent_templates: anon cannot delete');

select tests.authenticate_as('ag_other');
select tests.assert_filtered($$ select * from public.agent_templates where workspace_id = 'a0000000-0000-4000-8000-000000000001' $$,
  'agent_templates: another workspace''s member sees no W1 template');
select tests.assert_denied($$ insert into public.agent_templates (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'other-t', 'T') $$,
  'agent_templates: another workspace''s admin cannot insert into W1');
select tests.assert_filtered($$ update public.agent_templates set name = 'x' where workspace_id = 'a0000000-0000-4000-8000-000000000001' returning id $$,
  'agent_templates: another workspace''s admin cannot update W1 templates');
select tests.assert_filtered($$ delete from public.agent_templates where workspace_id = 'a0000000-0000-4000-8000-000000000001' returning id $$,
  'agent_templates: another workspace''s admin cannot delete W1 templates');

select tests.authenticate_as('ag_viewer');
select set_eq($$ select slug from public.agent_templates where workspace_id is not null $$,
  array['w1-support', 'researcher'], 'agent_templates: a viewer reads W1''s templates and not W2''s');
select tests.assert_denied($$ insert into public.agent_templates (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'viewer-t', 'T') $$,
  'agent_templates: a viewer cannot insert');
select tests.assert_filtered($$ update public.agent_templates set name = 'x' returning id $$, 'agent_templates: a viewer cannot update');
select tests.assert_filtered($$ delete from public.agent_templates returning id $$, 'agent_templates: a viewer cannot delete');

select tests.authenticate_as('ag_member');
select is((select count(*)::int from public.agent_templates), 7, 'agent_templates: a member reads 5 built-ins + 2 W1 templates');
select tests.assert_denied($$ insert into public.agent_templates (workspace_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'member-t', 'T') $$,
  'agent_templates: a member cannot insert');
select tests.assert_filtered($$ update public.agent_templates set name = 'x' returning id $$, 'agent_templates: a member cannot update');
select tests.assert_filtered($$ delete from public.agent_templates returning id $$, 'agent_templates: a member cannot delete');

select tests.authenticate_as('ag_admin');
select results_eq($$ insert into public.agent_templates (workspace_id, slug, name, tools) values ('a0000000-0000-4000-8000-000000000001', 'admin-t', 'T', array['a']) returning slug $$,
  $$ values ('admin-t') $$, 'agent_templates: an admin inserts a workspace template');
select results_eq($$ update public.agent_templates set category = 'ops' where slug = 'admin-t' returning category $$,
  $$ values ('ops') $$, 'agent_templates: an admin updates a workspace template');
select results_eq($$ delete from public.agent_templates where slug = 'admin-t' returning slug $$,
  $$ values ('admin-t') $$, 'agent_templates: an admin deletes a workspace template');
select tests.assert_denied($$ insert into public.agent_templates (workspace_id, slug, name) values (null, 'admin-builtin', 'T') $$,
  'agent_templates: an admin cannot create a built-in');
select tests.assert_filtered($$ update public.agent_templates set name = 'x' where workspace_id is null returning id $$,
  'agent_templates: an admin cannot edit built-ins');
select tests.assert_filtered($$ delete from public.agent_templates where workspace_id is null returning id $$,
  'agent_templates: an admin cannot delete built-ins');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.agent_templates where slug = 'w2-secret'), 1, 'agent_templates: service_role reads every workspace');
select results_eq($$ insert into public.agent_templates (workspace_id, slug, name) values (null, 'svc-builtin', 'T') returning slug $$,
  $$ values ('svc-builtin') $$, 'agent_templates: service_role inserts a built-in');
select results_eq($$ update public.agent_templates set name = 'T2' where slug = 'svc-builtin' returning name $$,
  $$ values ('T2') $$, 'agent_templates: service_role updates');
select results_eq($$ delete from public.agent_templates where slug = 'svc-builtin' returning slug $$,
  $$ values ('svc-builtin') $$, 'agent_templates: service_role deletes');

-- ---------------------------------------------------------------------------------------------
-- RLS: agent_skills (W1: worker/sql, chief/sql; W2: other-agent/sql)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.agent_skills $$, 'agent_skills: anon cannot select');
select tests.assert_denied($$ insert into public.agent_skills (workspace_id, agent_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'anon', 'A') $$,
  'agent_skills: anon cannot insert');
select tests.assert_denied($$ update public.agent_skills set level = 5 $$, 'agent_skills: anon cannot update');
select tests.assert_denied($$ delete from public.agent_skills $$, 'agent_skills: anon cannot delete');

select tests.authenticate_as('ag_other');
select tests.assert_filtered($$ select * from public.agent_skills where workspace_id = 'a0000000-0000-4000-8000-000000000001' $$,
  'agent_skills: another workspace''s member sees no W1 skill');
select tests.assert_denied($$ insert into public.agent_skills (workspace_id, agent_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'other', 'A') $$,
  'agent_skills: another workspace''s admin cannot insert into W1');
select tests.assert_filtered($$ update public.agent_skills set level = 5 where workspace_id = 'a0000000-0000-4000-8000-000000000001' returning id $$,
  'agent_skills: another workspace''s admin cannot update W1 skills');
select tests.assert_filtered($$ delete from public.agent_skills where workspace_id = 'a0000000-0000-4000-8000-000000000001' returning id $$,
  'agent_skills: another workspace''s admin cannot delete W1 skills');

select tests.authenticate_as('ag_viewer');
select results_eq($$ select agent_id from public.agent_skills order by agent_id $$,
  $$ values ('a1000000-0000-4000-8000-000000000001'::uuid), ('a1000000-0000-4000-8000-000000000003'::uuid) $$,
  'agent_skills: a viewer reads exactly W1''s skills');
select tests.assert_denied($$ insert into public.agent_skills (workspace_id, agent_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'viewer', 'A') $$,
  'agent_skills: a viewer cannot insert');
select tests.assert_filtered($$ update public.agent_skills set level = 5 returning id $$, 'agent_skills: a viewer cannot update');
select tests.assert_filtered($$ delete from public.agent_skills returning id $$, 'agent_skills: a viewer cannot delete');

select tests.authenticate_as('ag_member');
select is((select count(*)::int from public.agent_skills), 2, 'agent_skills: a member reads W1''s skills');
select tests.assert_denied($$ insert into public.agent_skills (workspace_id, agent_id, slug, name) values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'member', 'A') $$,
  'agent_skills: a member cannot insert');
select tests.assert_filtered($$ update public.agent_skills set level = 5 returning id $$, 'agent_skills: a member cannot update');
select tests.assert_filtered($$ delete from public.agent_skills returning id $$, 'agent_skills: a member cannot delete');

select tests.authenticate_as('ag_admin');
select is((select count(*)::int from public.agent_skills), 2, 'agent_skills: an admin reads W1''s skills');
select results_eq($$ insert into public.agent_skills (workspace_id, agent_id, slug, name, category, level) values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'writing', 'Writing', 'communication', 4) returning slug, level $$,
  $$ values ('writing', 4) $$, 'agent_skills: an admin inserts');
select results_eq($$ update public.agent_skills set level = 6 where slug = 'writing' returning level $$,
  $$ values (6) $$, 'agent_skills: an admin updates');
select results_eq($$ delete from public.agent_skills where slug = 'writing' returning slug $$,
  $$ values ('writing') $$, 'agent_skills: an admin deletes');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.agent_skills), 3, 'agent_skills: service_role reads every workspace');
select results_eq($$ insert into public.agent_skills (workspace_id, agent_id, slug, name) values ('a0000000-0000-4000-8000-000000000002', 'a2000000-0000-4000-8000-000000000001', 'svc', 'S') returning slug $$,
  $$ values ('svc') $$, 'agent_skills: service_role inserts');
select results_eq($$ update public.agent_skills set level = 2 where slug = 'svc' returning level $$,
  $$ values (2) $$, 'agent_skills: service_role updates');
select results_eq($$ delete from public.agent_skills where slug = 'svc' returning slug $$,
  $$ values ('svc') $$, 'agent_skills: service_role deletes');

-- ---------------------------------------------------------------------------------------------
-- RLS: agent_training_data (W1: worker/Style; W2: other-agent/Secret)
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.agent_training_data $$, 'agent_training_data: anon cannot select');
select tests.assert_denied($$ insert into public.agent_training_data (workspace_id, agent_id, kind, content) values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'example', 'x') $$,
  'agent_training_data: anon cannot insert');
select tests.assert_denied($$ update public.agent_training_data set enabled = false $$, 'agent_training_data: anon cannot update');
select tests.assert_denied($$ delete from public.agent_training_data $$, 'agent_training_data: anon cannot delete');

select tests.authenticate_as('ag_other');
select tests.assert_filtered($$ select * from public.agent_training_data where workspace_id = 'a0000000-0000-4000-8000-000000000001' $$,
  'agent_training_data: another workspace''s member sees no W1 row');
select tests.assert_denied($$ insert into public.agent_training_data (workspace_id, agent_id, kind, content) values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'example', 'x') $$,
  'agent_training_data: another workspace''s admin cannot insert into W1');
select tests.assert_filtered($$ update public.agent_training_data set enabled = false where workspace_id = 'a0000000-0000-4000-8000-000000000001' returning id $$,
  'agent_training_data: another workspace''s admin cannot update W1 rows');
select tests.assert_filtered($$ delete from public.agent_training_data where workspace_id = 'a0000000-0000-4000-8000-000000000001' returning id $$,
  'agent_training_data: another workspace''s admin cannot delete W1 rows');

select tests.authenticate_as('ag_viewer');
select results_eq($$ select title from public.agent_training_data $$, $$ values ('Style') $$,
  'agent_training_data: a viewer reads exactly W1''s rows');
select tests.assert_denied($$ insert into public.agent_training_data (workspace_id, agent_id, kind, content) values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'example', 'x') $$,
  'agent_training_data: a viewer cannot insert');
select tests.assert_filtered($$ update public.agent_training_data set enabled = false returning id $$, 'agent_training_data: a viewer cannot update');
select tests.assert_filtered($$ delete from public.agent_training_data returning id $$, 'agent_training_data: a viewer cannot delete');

select tests.authenticate_as('ag_member');
select is((select count(*)::int from public.agent_training_data), 1, 'agent_training_data: a member reads W1''s rows');
select tests.assert_denied($$ insert into public.agent_training_data (workspace_id, agent_id, kind, content) values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'example', 'x') $$,
  'agent_training_data: a member cannot insert');
select tests.assert_filtered($$ update public.agent_training_data set enabled = false returning id $$, 'agent_training_data: a member cannot update');
select tests.assert_filtered($$ delete from public.agent_training_data returning id $$, 'agent_training_data: a member cannot delete');

select tests.authenticate_as('ag_admin');
select is((select count(*)::int from public.agent_training_data), 1, 'agent_training_data: an admin reads W1''s rows');
select results_eq($$ insert into public.agent_training_data (workspace_id, agent_id, kind, title, content) values ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000003', 'example', 'Ex', 'Q: hi A: hello') returning kind::text, enabled $$,
  $$ values ('example', true) $$, 'agent_training_data: an admin inserts');
select results_eq($$ update public.agent_training_data set enabled = false where title = 'Ex' returning enabled $$,
  $$ values (false) $$, 'agent_training_data: an admin updates (disables)');
select results_eq($$ delete from public.agent_training_data where title = 'Ex' returning title $$,
  $$ values ('Ex') $$, 'agent_training_data: an admin deletes');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.agent_training_data), 2, 'agent_training_data: service_role reads every workspace');
select results_eq($$ insert into public.agent_training_data (workspace_id, agent_id, kind, title, content) values ('a0000000-0000-4000-8000-000000000002', 'a2000000-0000-4000-8000-000000000001', 'knowledge', 'Svc', 'x') returning title $$,
  $$ values ('Svc') $$, 'agent_training_data: service_role inserts');
select results_eq($$ update public.agent_training_data set content = 'y' where title = 'Svc' returning content $$,
  $$ values ('y') $$, 'agent_training_data: service_role updates');
select results_eq($$ delete from public.agent_training_data where title = 'Svc' returning title $$,
  $$ values ('Svc') $$, 'agent_training_data: service_role deletes');
select tests.clear_authentication();

-- Deleting an agent takes its skills and training data with it.
delete from public.agents where id = 'a1000000-0000-4000-8000-000000000003';
select is(
  (select count(*)::int from public.agent_skills where agent_id = 'a1000000-0000-4000-8000-000000000003')
  + (select count(*)::int from public.agent_training_data where agent_id = 'a1000000-0000-4000-8000-000000000003'),
  0, 'deleting an agent cascades to its skills and training data');
select isnt((select updated_at from public.agents where slug = 'chief' and workspace_id = 'a0000000-0000-4000-8000-000000000001'), null,
  'updated_at is maintained');

-- ---------------------------------------------------------------------------------------------
-- Projects: an agent may be grouped in a project of its own workspace only.
-- ---------------------------------------------------------------------------------------------
insert into public.projects (id, workspace_id, slug, name) values
  ('a7000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', 'w1-proj', 'W1 project'),
  ('a7000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000002', 'w2-proj', 'W2 project');
insert into public.agents (id, workspace_id, slug, name) values
  ('a1000000-0000-4000-8000-000000000009', 'a0000000-0000-4000-8000-000000000001', 'grouped', 'Grouped');

select throws_ok(
  $$ update public.agents set project_id = 'a7000000-0000-4000-8000-000000000002'
     where id = 'a1000000-0000-4000-8000-000000000009' $$,
  '23503',
  'project_id: project a7000000-0000-4000-8000-000000000002 is not in workspace a0000000-0000-4000-8000-000000000001',
  'an agent cannot join a project of another workspace');

update public.agents set project_id = 'a7000000-0000-4000-8000-000000000001'
where id = 'a1000000-0000-4000-8000-000000000009';
delete from public.projects where id = 'a7000000-0000-4000-8000-000000000001';
select is(
  (select project_id from public.agents where id = 'a1000000-0000-4000-8000-000000000009'), null,
  'deleting a project ungroups its agents instead of deleting them');
select is(
  (select count(*)::int from public.agents where id = 'a1000000-0000-4000-8000-000000000009'), 1,
  'the agent itself survives its project');

select * from finish();
rollback;
