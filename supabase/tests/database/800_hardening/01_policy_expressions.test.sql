-- Every policy expression is needed: these cases fail when one of them is weakened to `true` (the
-- mutation check, npm run test:mutations), or prove that the expression is redundant and say why (the
-- policy's comment names the guard that already holds: a trigger, or a column the API roles cannot update).
begin;
select plan(29);

select tests.create_workspace_fixture('pgap');
create temp table fx (k text primary key, id uuid) on commit drop;
grant select on fx to authenticated;
insert into fx values
  ('a', tests.workspace_id('pgap')),
  ('b', tests.workspace_id('pgap', 'b')),
  ('agent_a', tests.create_agent_fixture(tests.workspace_id('pgap'), 'pgap-a')),
  ('agent_b', tests.create_agent_fixture(tests.workspace_id('pgap', 'b'), 'pgap-b'));
with ins as (insert into public.agent_skills (workspace_id, agent_id, slug, name)
  values ((select id from fx where k = 'a'), (select id from fx where k = 'agent_a'), 'triage', 'Triage') returning id)
insert into fx select 'skill', id from ins;
with ins as (insert into public.agent_training_data (workspace_id, agent_id, kind, content)
  values ((select id from fx where k = 'a'), (select id from fx where k = 'agent_a'), 'knowledge', 'Fact') returning id)
insert into fx select 'training', id from ins;
with ins as (insert into public.gateway_registration_tokens (workspace_id, label, expires_at)
  values ((select id from fx where k = 'a'), 'laptop', now() + interval '10 minutes') returning id)
insert into fx select 'token', id from ins;
with ins as (insert into public.invites (workspace_id, email, token_hash, expires_at)
  values ((select id from fx where k = 'a'), 'pgap-invitee@example.com', extensions.digest('pgap-token', 'sha256'),
          now() + interval '1 day') returning id)
insert into fx select 'invite', id from ins;
with ins as (insert into public.tasks (workspace_id, title) values ((select id from fx where k = 'a'), 'Task A') returning id)
insert into fx select 'task_a', id from ins;
with ins as (insert into public.tasks (workspace_id, title) values ((select id from fx where k = 'b'), 'Task B') returning id)
insert into fx select 'task_b', id from ins;
with ins as (insert into public.task_labels (workspace_id, name) values ((select id from fx where k = 'a'), 'urgent') returning id)
insert into fx select 'label_a', id from ins;
with ins as (insert into public.task_labels (workspace_id, name) values ((select id from fx where k = 'b'), 'urgent') returning id)
insert into fx select 'label_b', id from ins;
insert into public.task_label_assignments (workspace_id, task_id, label_id)
  values ((select id from fx where k = 'a'), (select id from fx where k = 'task_a'), (select id from fx where k = 'label_a'));
with ins as (insert into public.agent_templates (workspace_id, slug, name)
  values ((select id from fx where k = 'a'), 'pgap-template', 'Template') returning id)
insert into fx select 'template', id from ins;
with ins as (insert into public.projects (workspace_id, slug, name)
  values ((select id from fx where k = 'a'), 'pgap-project', 'Project') returning id)
insert into fx select 'project', id from ins;

-- The admin and the member of workspace a can also see workspace b (viewers there): a WHERE clause then
-- passes b's SELECT policy, so only the UPDATE policy's WITH CHECK stands between them and moving a row into b.
insert into public.workspace_members (workspace_id, user_id, role) values
  ((select id from fx where k = 'b'), tests.user_id('pgap_admin'), 'viewer'),
  ((select id from fx where k = 'b'), tests.user_id('pgap_member'), 'viewer');

create function pg_temp.fx(p_k text) returns uuid language sql stable as $$ select id from fx where k = p_k $$;

-- ------------------------------------------------------------------ invites_delete USING
-- authenticated holds DELETE on invites. A DELETE with a WHERE clause or RETURNING also applies the SELECT
-- policy, so the plain statement is the one only invites_delete guards.
select tests.authenticate_as('pgap_outsider');
delete from public.invites;
select tests.authenticate_as('pgap_member');
delete from public.invites;
select tests.clear_authentication();
select is((select count(*)::int from public.invites where id = pg_temp.fx('invite')), 1,
  'invites: a bare DELETE by the admin of another workspace or by a member removes nothing here');
select tests.authenticate_as('pgap_admin');
select isnt_empty($$ delete from public.invites where id = pg_temp.fx('invite') returning id $$,
  'invites: an admin of the workspace deletes it');

-- ------------------------------------------------------------------ gateway_registration_tokens delete / update
select tests.authenticate_as('pgap_outsider');
delete from public.gateway_registration_tokens;
update public.gateway_registration_tokens set label = 'stolen';
select tests.authenticate_as('pgap_member');
delete from public.gateway_registration_tokens;
update public.gateway_registration_tokens set label = 'mine';
select tests.clear_authentication();
select is((select label from public.gateway_registration_tokens where id = pg_temp.fx('token')), 'laptop',
  'gateway_registration_tokens: bare DELETE and UPDATE by the admin of another workspace or by a member touch nothing here');
select tests.authenticate_as('pgap_outsider');
select is_empty($$ update public.gateway_registration_tokens set label = 'stolen', expires_at = now() + interval '1 year'
                   where id = pg_temp.fx('token') returning id $$,
  'gateway_registration_tokens: the admin of another workspace updates nothing');
select tests.authenticate_as('pgap_member');
select is_empty($$ delete from public.gateway_registration_tokens where id = pg_temp.fx('token') returning id $$,
  'gateway_registration_tokens: a member deletes nothing');
select is_empty($$ update public.gateway_registration_tokens set label = 'mine' where id = pg_temp.fx('token') returning id $$,
  'gateway_registration_tokens: a member updates nothing');
select tests.clear_authentication();
select is((select label from public.gateway_registration_tokens where id = pg_temp.fx('token')), 'laptop',
  'gateway_registration_tokens: the token is unchanged');
select tests.authenticate_as('pgap_admin');
select isnt_empty($$ update public.gateway_registration_tokens set label = 'desk' where id = pg_temp.fx('token') returning id $$,
  'gateway_registration_tokens: an admin of the workspace updates its label');
select tests.assert_denied($$ update public.gateway_registration_tokens set workspace_id = pg_temp.fx('b') where id = pg_temp.fx('token') $$,
  'gateway_registration_tokens: workspace_id cannot be updated by authenticated (WITH CHECK of the update policy is redundant)');
select isnt_empty($$ delete from public.gateway_registration_tokens where id = pg_temp.fx('token') returning id $$,
  'gateway_registration_tokens: an admin of the workspace deletes it');

-- ------------------------------------------------------------------ WITH CHECK of update policies
-- agent_skills, agent_training_data, task_label_assignments: workspace_id is updatable and no trigger pins
-- it, so WITH CHECK alone keeps the admin of workspace a (a viewer of b) from moving a row into b (taking
-- b's agent, task and label along, so the foreign keys are satisfied).
select tests.authenticate_as('pgap_admin');
select throws_ok($$ update public.agent_skills set workspace_id = pg_temp.fx('b'), agent_id = pg_temp.fx('agent_b') where id = pg_temp.fx('skill') $$,
  '42501', 'new row violates row-level security policy for table "agent_skills"',
  'agent_skills: an admin cannot move a skill into a workspace where they are only a viewer');
select throws_ok($$ update public.agent_training_data set workspace_id = pg_temp.fx('b'), agent_id = pg_temp.fx('agent_b') where id = pg_temp.fx('training') $$,
  '42501', 'new row violates row-level security policy for table "agent_training_data"',
  'agent_training_data: an admin cannot move training data into a workspace where they are only a viewer');
select throws_ok($$ update public.task_label_assignments set workspace_id = pg_temp.fx('b'), task_id = pg_temp.fx('task_b'), label_id = pg_temp.fx('label_b')
                   where task_id = pg_temp.fx('task_a') $$,
  '42501', 'new row violates row-level security policy for table "task_label_assignments"',
  'task_label_assignments: a member cannot move a label assignment into a workspace where they are only a viewer');
select isnt_empty($$ update public.agent_skills set name = 'Triage 2' where id = pg_temp.fx('skill') returning id $$,
  'agent_skills: the admin updates the skill in place');
select isnt_empty($$ update public.agent_training_data set content = 'Fact 2' where id = pg_temp.fx('training') returning id $$,
  'agent_training_data: the admin updates the row in place');

-- agents, gateways, agent_templates: a BEFORE trigger refuses any change of workspace_id, and triggers run
-- before WITH CHECK, so the check can never be the one to refuse (its redundancy, proved).
select throws_ok($$ update public.agents set workspace_id = pg_temp.fx('b') where id = pg_temp.fx('agent_a') $$,
  '22023', 'agents: workspace_id cannot be changed', 'agents: workspace_id is pinned by a trigger (WITH CHECK redundant)');
select throws_ok($$ update public.gateways set workspace_id = pg_temp.fx('b')
                   where id = (select gateway_id from public.agents where id = pg_temp.fx('agent_a')) $$,
  '22023', null, 'gateways: workspace_id is pinned by a trigger (WITH CHECK redundant)');
select throws_ok($$ update public.agent_templates set workspace_id = pg_temp.fx('b') where id = pg_temp.fx('template') $$,
  '22023', null, 'agent_templates: workspace_id is pinned by a trigger (WITH CHECK redundant)');
select tests.clear_authentication();
select is((select count(*)::int from public.agents where id = pg_temp.fx('agent_a') and workspace_id = pg_temp.fx('a')), 1,
  'agents: the agent stayed in its workspace');

-- organizations, workspaces, profiles, projects: the column the check reads cannot be updated by the
-- API roles at all, so a row that passed USING always passes WITH CHECK.
select ok(not has_column_privilege('authenticated', 'public.organizations', 'id', 'UPDATE'), 'organizations.id is not updatable by authenticated');
select ok(not has_column_privilege('authenticated', 'public.workspaces', 'id', 'UPDATE'), 'workspaces.id is not updatable by authenticated');
select ok(not has_column_privilege('authenticated', 'public.profiles', 'id', 'UPDATE'), 'profiles.id is not updatable by authenticated');
select ok(not has_column_privilege('authenticated', 'public.projects', 'workspace_id', 'UPDATE'), 'projects.workspace_id is not updatable by authenticated');
select ok(not has_column_privilege('authenticated', 'public.gateway_registration_tokens', 'workspace_id', 'UPDATE'),
  'gateway_registration_tokens.workspace_id is not updatable by authenticated');
select tests.authenticate_as('pgap_owner');
select tests.assert_denied($$ update public.organizations set id = gen_random_uuid() where slug = 'pgap' $$, 'organizations: id cannot be updated');
select tests.assert_denied($$ update public.workspaces set id = gen_random_uuid() where id = pg_temp.fx('a') $$, 'workspaces: id cannot be updated');
select tests.assert_denied($$ update public.profiles set id = gen_random_uuid() where id = auth.uid() $$, 'profiles: id cannot be updated');
select tests.assert_denied($$ update public.projects set workspace_id = pg_temp.fx('b') where id = pg_temp.fx('project') $$, 'projects: workspace_id cannot be updated');

select tests.clear_authentication();
select isnt_empty($$ select 1 from pg_policy p join pg_class c on c.oid = p.polrelid
                      where c.relname = 'agent_skills' and p.polcmd = 'w' and obj_description(p.oid, 'pg_policy') is null $$,
  'agent_skills_update has no redundancy comment: its WITH CHECK is needed and tested above');

select * from finish();
rollback;
