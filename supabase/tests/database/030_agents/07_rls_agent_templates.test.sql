-- Agents: RLS: agent_templates (W1: w1-support, researcher; W2: w2-secret; built-ins: 5).
-- Fixture: tests.create_agents_fixture() (000_helpers.test.sql).
begin;
select plan(26);

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

select * from finish();
rollback;
