-- Agents: RLS: agent_skills (W1: worker/sql, chief/sql; W2: other-agent/sql).
-- Fixture: tests.create_agents_fixture() (000_helpers.test.sql).
begin;
select plan(24);

select tests.create_agents_fixture();

-- Also needed: what the org-chart and template files leave behind. W1: the chain intern -> worker -> mgr
-- -> chief, and helpdesk, coder, scout made from templates; W2: mailer, a second worker, other-agent as
-- its head; chief's sql skill.
update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000001' where id = 'a1000000-0000-4000-8000-000000000002';
update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000002' where id = 'a1000000-0000-4000-8000-000000000003';
update public.agents set reports_to = 'a1000000-0000-4000-8000-000000000003' where id = 'a1000000-0000-4000-8000-000000000004';
update public.agents set is_head = true where id = 'a2000000-0000-4000-8000-000000000001';
insert into public.agents (workspace_id, slug, name, trust_tier, template_id) values
  ('a0000000-0000-4000-8000-000000000001', 'helpdesk', 'Helpdesk', 'partner', 'a4000000-0000-4000-8000-000000000001'),
  ('a0000000-0000-4000-8000-000000000001', 'coder', 'Coder', 'partner', null),
  ('a0000000-0000-4000-8000-000000000001', 'scout', 'Scout', 'observer', 'a4000000-0000-4000-8000-000000000003'),
  ('a0000000-0000-4000-8000-000000000002', 'mailer', 'Mailer', 'helper', null),
  ('a0000000-0000-4000-8000-000000000002', 'worker', 'W2 worker', 'observer', null);
insert into public.agent_skills (workspace_id, agent_id, slug, name, category, level) values
  ('a0000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'sql', 'SQL', 'engineering', 3);

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

select * from finish();
rollback;
