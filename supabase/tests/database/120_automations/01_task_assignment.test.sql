-- Assigning a task to an agent puts exactly one item in that agent's inbox: on insert with an agent,
-- on each change of assignee to an agent (not for the previous assignee), never for a no-op update,
-- a member assignment or an unassignment. The dedup key names the event (task + assignment_version).
begin;
select plan(17);

select tests.create_workspace_fixture('atask');
insert into public.agents (id, workspace_id, slug, name) values
  ('d1000000-0000-4000-8000-000000000001', tests.workspace_id('atask'), 'scout', 'Scout'),
  ('d1000000-0000-4000-8000-000000000002', tests.workspace_id('atask'), 'closer', 'Closer');

create function pg_temp.items(p_agent uuid)
returns table (event_type text, dedup_key text, subject_id uuid, priority int)
language sql
as $$
  select i.event_type, i.dedup_key, i.subject_id, i.priority from public.agent_inbox_items i
  where i.agent_id = p_agent order by i.created_at, i.dedup_key
$$;

select tests.authenticate_as('atask_member');
insert into public.tasks (id, workspace_id, title, priority, assignee_agent_id) values
  ('d1000000-0000-4000-8000-000000000011', tests.workspace_id('atask'), 'Research Acme', 'urgent', 'd1000000-0000-4000-8000-000000000001');
select tests.clear_authentication();

select results_eq($$ select * from pg_temp.items('d1000000-0000-4000-8000-000000000001') $$,
  $$ values ('task_assignment', 'task-assigned:d1000000-0000-4000-8000-000000000011:1', 'd1000000-0000-4000-8000-000000000011'::uuid, 100) $$,
  'a task created for an agent: one task_assignment item, urgent priority');
select is((select context ->> 'title' from public.agent_inbox_items where workspace_id in (tests.workspace_id('atask'), tests.workspace_id('atask', 'b')) and agent_id = 'd1000000-0000-4000-8000-000000000001'),
  'Research Acme', 'the item carries the task in its context');
select is((select requested_by from public.agent_inbox_items where workspace_id in (tests.workspace_id('atask'), tests.workspace_id('atask', 'b')) and agent_id = 'd1000000-0000-4000-8000-000000000001'),
  tests.user_id('atask_member'), 'requested_by is the member who assigned it');

select tests.authenticate_as('atask_member');
-- Updates that do not change the assignee: nothing.
update public.tasks set title = 'Research Acme Inc', assignee_agent_id = 'd1000000-0000-4000-8000-000000000001'
where id = 'd1000000-0000-4000-8000-000000000011';
update public.tasks set status = 'in_progress' where id = 'd1000000-0000-4000-8000-000000000011';
select tests.clear_authentication();
select is((select count(*)::int from public.agent_inbox_items where workspace_id = tests.workspace_id('atask')), 1, 'edits and same-assignee updates enqueue nothing');

-- Reassign to the closer: one item for the closer, none for the scout.
select tests.authenticate_as('atask_member');
update public.tasks set assignee_agent_id = 'd1000000-0000-4000-8000-000000000002' where id = 'd1000000-0000-4000-8000-000000000011';
select tests.clear_authentication();
select results_eq($$ select event_type, dedup_key from pg_temp.items('d1000000-0000-4000-8000-000000000002') $$,
  $$ values ('task_reassignment', 'task-assigned:d1000000-0000-4000-8000-000000000011:2') $$, 'the new agent gets a task_reassignment item');
select is((select count(*)::int from public.agent_inbox_items where workspace_id in (tests.workspace_id('atask'), tests.workspace_id('atask', 'b')) and agent_id = 'd1000000-0000-4000-8000-000000000001'), 1,
  'the previous agent gets nothing new');
select is((select context ->> 'previous_assignee_agent_id' from public.agent_inbox_items where workspace_id in (tests.workspace_id('atask'), tests.workspace_id('atask', 'b')) and agent_id = 'd1000000-0000-4000-8000-000000000002'),
  'd1000000-0000-4000-8000-000000000001', 'the item names the previous assignee');

-- To a member, then unassigned: no items.
select tests.authenticate_as('atask_member');
update public.tasks set assignee_agent_id = null, assignee_user_id = tests.user_id('atask_admin') where id = 'd1000000-0000-4000-8000-000000000011';
update public.tasks set assignee_user_id = null where id = 'd1000000-0000-4000-8000-000000000011';
select tests.clear_authentication();
select is((select count(*)::int from public.agent_inbox_items where workspace_id = tests.workspace_id('atask')), 2, 'assigning a member or nobody wakes no agent');

-- Back to the scout: a genuinely new assignment of the same agent is a new event (version 5).
select tests.authenticate_as('atask_member');
update public.tasks set assignee_agent_id = 'd1000000-0000-4000-8000-000000000001' where id = 'd1000000-0000-4000-8000-000000000011';
select tests.clear_authentication();
select results_eq($$ select event_type, dedup_key from pg_temp.items('d1000000-0000-4000-8000-000000000001') $$,
  $$ values ('task_assignment', 'task-assigned:d1000000-0000-4000-8000-000000000011:1'),
            ('task_assignment', 'task-assigned:d1000000-0000-4000-8000-000000000011:5') $$,
  'assigning the scout again after an unassignment is a new event (first assignee again: task_assignment)');

-- The same event delivered twice (a retried trigger call) dedups onto the live item.
select is((select deduplicated from private.enqueue_inbox_item_unchecked('d1000000-0000-4000-8000-000000000001', 'task_assignment', 'x', '{}',
  'task', 'd1000000-0000-4000-8000-000000000011', 0, null, 3, 'task-assigned:d1000000-0000-4000-8000-000000000011:5', false)), true,
  'the same event key finds the live item');
select is((select count(*)::int from public.agent_inbox_items where workspace_id = tests.workspace_id('atask')), 3, 'still one item per assignment');

-- Two changes in one transaction (two distinct events): two items.
update public.tasks set assignee_agent_id = 'd1000000-0000-4000-8000-000000000002' where id = 'd1000000-0000-4000-8000-000000000011';
update public.tasks set assignee_agent_id = 'd1000000-0000-4000-8000-000000000001' where id = 'd1000000-0000-4000-8000-000000000011';
select is((select count(*)::int from public.agent_inbox_items where workspace_id = tests.workspace_id('atask')), 5, 'two real reassignments at the same instant make two items');
select is((select array_agg(dedup_key order by dedup_key) from public.agent_inbox_items where workspace_id in (tests.workspace_id('atask'), tests.workspace_id('atask', 'b')) and (dedup_key like '%:6' or dedup_key like '%:7')),
  array['task-assigned:d1000000-0000-4000-8000-000000000011:6', 'task-assigned:d1000000-0000-4000-8000-000000000011:7'],
  'with distinct event keys');

-- A rolled-back assignment leaves no item.
select throws_ok($$ update public.tasks set assignee_agent_id = 'd1000000-0000-4000-8000-000000000002', status = 'missed', title = ''
  where id = 'd1000000-0000-4000-8000-000000000011' $$, '23514', null, 'a failing update');
select is((select count(*)::int from public.agent_inbox_items where workspace_id = tests.workspace_id('atask')), 5, '... enqueues nothing');

-- The trigger writes as the owner: a member who cannot enqueue directly still wakes the agent.
select tests.authenticate_as('atask_member');
select tests.assert_denied($$ select * from public.enqueue_inbox_item('d1000000-0000-4000-8000-000000000001', 'task_assignment') $$,
  'members cannot enqueue inbox items themselves');
select tests.clear_authentication();
select is((select prosecdef from pg_proc where oid = 'private.tasks_enqueue_assignment()'::regprocedure), true,
  'the assignment trigger function is security definer');

select * from finish();
rollback;
