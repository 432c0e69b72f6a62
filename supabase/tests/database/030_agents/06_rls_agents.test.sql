-- Agents: RLS: agents.
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

-- W1 agents now: chief, mgr, worker, intern, helpdesk, coder, scout.
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

select * from finish();
rollback;
