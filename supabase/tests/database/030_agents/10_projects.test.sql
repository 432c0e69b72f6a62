-- Agents: Projects: an agent may be grouped in a project of its own workspace only..
-- Fixture: tests.create_agents_fixture() (000_helpers.test.sql).
begin;
select plan(3);

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
