-- Task references stay inside the task's workspace: assignee (member or agent, never both), stream,
-- project; steps are validated and normalised; labels, attachments and series templates follow the
-- same rules. Each refusal names the column and writes nothing.
begin;
select plan(28);

select tests.create_workspace_fixture('wref');
insert into public.agents (id, workspace_id, slug, name) values
  ('b2000000-0000-4000-8000-000000000001', tests.workspace_id('wref'), 'wref-a', 'Agent A'),
  ('b2000000-0000-4000-8000-000000000002', tests.workspace_id('wref', 'b'), 'wref-b', 'Agent of B');
insert into public.streams (id, workspace_id, name) values
  ('b2000000-0000-4000-8000-000000000011', tests.workspace_id('wref', 'b'), 'B lane');
insert into public.projects (id, workspace_id, slug, name) values
  ('b2000000-0000-4000-8000-000000000021', tests.workspace_id('wref', 'b'), 'b-proj', 'B project');
insert into public.task_labels (id, workspace_id, name) values
  ('b2000000-0000-4000-8000-000000000031', tests.workspace_id('wref', 'b'), 'B label');
insert into public.tasks (id, workspace_id, title) values
  ('b2000000-0000-4000-8000-000000000041', tests.workspace_id('wref'), 'A task');

select tests.authenticate_as('wref_member');

select throws_ok($$ insert into public.tasks (workspace_id, title, assignee_agent_id)
  values (tests.workspace_id('wref'), 'x', 'b2000000-0000-4000-8000-000000000002') $$,
  '23503', format('assignee_agent_id: agent b2000000-0000-4000-8000-000000000002 is not in workspace %s', tests.workspace_id('wref')),
  'an agent of another workspace cannot be assigned');
select throws_ok(format($$ insert into public.tasks (workspace_id, title, assignee_user_id)
  values (tests.workspace_id('wref'), 'x', %L) $$, tests.user_id('wref_outsider')),
  '23503', format('assignee_user_id: user %s is not a member of workspace %s', tests.user_id('wref_outsider'), tests.workspace_id('wref')),
  'a member of another workspace cannot be assigned');
select throws_ok(format($$ insert into public.tasks (workspace_id, title, assignee_user_id, assignee_agent_id)
  values (tests.workspace_id('wref'), 'x', %L, 'b2000000-0000-4000-8000-000000000001') $$, tests.user_id('wref_member')),
  '23514', 'assignee_user_id and assignee_agent_id: assign a member or an agent, not both', 'member and agent at once is refused');
select throws_ok($$ update public.tasks set assignee_agent_id = 'b2000000-0000-4000-8000-000000000002'
  where id = 'b2000000-0000-4000-8000-000000000041' $$, '23503', null, 'reassigning to an agent of B is refused');
select throws_ok($$ insert into public.tasks (workspace_id, title, stream_id)
  values (tests.workspace_id('wref'), 'x', 'b2000000-0000-4000-8000-000000000011') $$,
  '23503', format('stream_id: stream b2000000-0000-4000-8000-000000000011 is not in workspace %s', tests.workspace_id('wref')),
  'a stream of another workspace is refused');
select throws_ok($$ insert into public.tasks (workspace_id, title, project_id)
  values (tests.workspace_id('wref'), 'x', 'b2000000-0000-4000-8000-000000000021') $$,
  '23503', format('project_id: project b2000000-0000-4000-8000-000000000021 is not in workspace %s', tests.workspace_id('wref')),
  'a project of another workspace is refused');
select is((select count(*)::int from public.tasks), 1, 'none of the refused inserts wrote a task');

-- Legal assignments; switching from a member to an agent needs the member cleared in the same update.
select lives_ok(format($$ update public.tasks set assignee_user_id = %L where id = 'b2000000-0000-4000-8000-000000000041' $$,
  tests.user_id('wref_viewer')), 'a viewer of the workspace can be the assignee (a member of it)');
select lives_ok($$ update public.tasks set assignee_user_id = null, assignee_agent_id = 'b2000000-0000-4000-8000-000000000001'
  where id = 'b2000000-0000-4000-8000-000000000041' $$, 'switching to an agent');
select is((select assignment_version from public.tasks where id = 'b2000000-0000-4000-8000-000000000041'), 2,
  'assignment_version counts assignee changes');
update public.tasks set title = 'A task (renamed)', assignment_version = 99 where id = 'b2000000-0000-4000-8000-000000000041';
select is((select assignment_version from public.tasks where id = 'b2000000-0000-4000-8000-000000000041'), 2,
  'assignment_version is the database''s: unchanged by other edits or direct writes');

-- Steps.
update public.tasks set steps = '[{"text": "Second", "position": 2}, {"text": " First ", "position": 1, "done": true}, {"text": "Third"}]'
where id = 'b2000000-0000-4000-8000-000000000041';
select is((select steps from public.tasks where id = 'b2000000-0000-4000-8000-000000000041'),
  '[{"position": 1, "text": "First", "done": true}, {"position": 2, "text": "Second", "done": false}, {"position": 3, "text": "Third", "done": false}]'::jsonb,
  'steps are ordered by position (unpositioned last), renumbered, trimmed, done defaults to false');
select throws_ok($$ update public.tasks set steps = '[{"text": ""}]' where id = 'b2000000-0000-4000-8000-000000000041' $$,
  '22023', 'steps[1].text must be a string of 1 to 2000 characters', 'an empty step is refused');
select throws_ok($$ update public.tasks set steps = '[{"text": "a"}, {"text": "b", "done": "yes"}]' where id = 'b2000000-0000-4000-8000-000000000041' $$,
  '22023', 'steps[2].done must be a boolean', 'done must be a boolean');
select throws_ok($$ update public.tasks set steps = '[{"text": "a", "owner": "me"}]' where id = 'b2000000-0000-4000-8000-000000000041' $$,
  '22023', 'steps[1] has an unknown key "owner" (allowed: text, done, position)', 'unknown step keys are refused');
select throws_ok($$ update public.tasks set steps = '{"text": "a"}' where id = 'b2000000-0000-4000-8000-000000000041' $$,
  '22023', 'steps must be a JSON array of steps', 'steps must be an array');

-- Labels and attachments stay in the workspace too.
select throws_ok($$ insert into public.task_label_assignments (workspace_id, task_id, label_id)
  values (tests.workspace_id('wref'), 'b2000000-0000-4000-8000-000000000041', 'b2000000-0000-4000-8000-000000000031') $$,
  '23503', null, 'a label of another workspace cannot be put on a task');
select throws_ok($$ insert into public.task_attachments (workspace_id, task_id, name, url, storage_path)
  values (tests.workspace_id('wref'), 'b2000000-0000-4000-8000-000000000041', 'both', 'https://example.com/x', 'assets/x') $$,
  '23514', null, 'an attachment is a storage path or a URL or a document, not two');
select throws_ok($$ insert into public.task_attachments (workspace_id, task_id, name)
  values (tests.workspace_id('wref'), 'b2000000-0000-4000-8000-000000000041', 'none') $$,
  '23514', null, 'an attachment needs one target');
select lives_ok($$ insert into public.task_attachments (workspace_id, task_id, name, document_id)
  values (tests.workspace_id('wref'), 'b2000000-0000-4000-8000-000000000041', 'Spec', gen_random_uuid()) $$,
  'a document attachment');

-- Series templates: same reference rules.
select throws_ok($$ insert into public.task_series (workspace_id, schedule, title, assignee_agent_id)
  values (tests.workspace_id('wref'), '@daily', 'x', 'b2000000-0000-4000-8000-000000000002') $$,
  '23503', format('assignee_agent_id: agent b2000000-0000-4000-8000-000000000002 is not in workspace %s', tests.workspace_id('wref')),
  'a series cannot be assigned to an agent of another workspace');

-- Occurrences come from the job only.
select throws_ok($$ insert into public.tasks (workspace_id, title, series_id, series_due_at)
  values (tests.workspace_id('wref'), 'fake occurrence', gen_random_uuid(), now()) $$,
  '42501', 'series_id: occurrences are spawned by the series job, not inserted', 'members cannot forge a series occurrence');

-- created_by is kept.
select is((select created_by from public.tasks where id = 'b2000000-0000-4000-8000-000000000041'), null, 'fixture task had no creator');
insert into public.tasks (id, workspace_id, title) values ('b2000000-0000-4000-8000-000000000042', tests.workspace_id('wref'), 'Mine');
select is((select created_by from public.tasks where id = 'b2000000-0000-4000-8000-000000000042'), tests.user_id('wref_member'), 'created_by defaults to the caller');
select lives_ok(format($$ update public.tasks set created_by = %L where id = 'b2000000-0000-4000-8000-000000000042' $$, tests.user_id('wref_admin')),
  'writing created_by is accepted');
select is((select created_by from public.tasks where id = 'b2000000-0000-4000-8000-000000000042'), tests.user_id('wref_member'), '... but ignored');

select tests.clear_authentication();
-- The composite foreign keys back the trigger up.
select col_is_fk('public', 'tasks', array['workspace_id', 'assignee_agent_id'], 'tasks -> agents of the same workspace (FK)');
select col_is_fk('public', 'tasks', array['workspace_id', 'assignee_user_id'], 'tasks -> members of the same workspace (FK)');

select * from finish();
rollback;
