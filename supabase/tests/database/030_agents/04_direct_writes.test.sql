-- Agents: Bad input on direct writes: clear constraint errors, nothing written.
-- Fixture: tests.create_agents_fixture() (000_helpers.test.sql).
begin;
select plan(18);

select tests.create_agents_fixture();

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

select * from finish();
rollback;
