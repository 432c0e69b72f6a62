-- Agents: RLS: agent_training_data (W1: worker/Style; W2: other-agent/Secret).
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

select * from finish();
rollback;
