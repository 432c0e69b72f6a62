-- Porting: deleting a task, comment or contact cancels the inbox items about it (HQ cascaded them);
-- leased items get cancel_requested instead.
begin;
select plan(11);

select tests.create_workspace_fixture('px');
create temp table px_fx (k text primary key, id uuid) on commit drop;
grant all on px_fx to public;
insert into px_fx values ('agent', tests.create_agent_fixture(tests.workspace_id('px'), 'px-agent'));
insert into px_fx values ('agent2', tests.create_agent_fixture(tests.workspace_id('px'), 'px-other'));

-- Two tasks assigned to agents (one item each); a comment mentioning the first agent; a contact rule.
with t as (insert into public.tasks (workspace_id, title, assignee_agent_id)
           values (tests.workspace_id('px'), 'Pending one', (select id from px_fx where k = 'agent')) returning id)
insert into px_fx select 'task_pending', id from t;
with t as (insert into public.tasks (workspace_id, title, assignee_agent_id)
           values (tests.workspace_id('px'), 'Leased one', (select id from px_fx where k = 'agent2')) returning id)
insert into px_fx select 'task_leased', id from t;
insert into public.automation_rules (workspace_id, name, condition, summary_template, agent_id)
values (tests.workspace_id('px'), 'New contact', 'created', 'New: {name}', (select id from px_fx where k = 'agent'));
with c as (insert into public.contacts (workspace_id, full_name) values (tests.workspace_id('px'), 'Ada') returning id)
insert into px_fx select 'contact', id from c;

select is((select count(*)::int from only public.agent_inbox_items where workspace_id = tests.workspace_id('px') and status = 'pending'),
  3, 'three live items: two assignments and a contact rule');

-- The second agent's item is leased.
select tests.authenticate_as_service_role();
create temp table px_lease on commit drop as select * from public.lease_inbox_item((select id from px_fx where k = 'agent2'), 1, 60);
select tests.clear_authentication();
select is((select subject_id from px_lease), (select id from px_fx where k = 'task_leased'), 'leased the second task''s item');

-- A member deletes the first task: its pending item is cancelled (and moves to history).
select tests.authenticate_as('px_admin');
delete from public.tasks where id = (select id from px_fx where k = 'task_pending');
select tests.clear_authentication();
select is((select status::text || '/' || failure_code from public.agent_inbox_items where subject_id = (select id from px_fx where k = 'task_pending')),
  'cancelled/subject_deleted', 'pending item of a deleted task: cancelled');
select is((select count(*)::int from only public.agent_inbox_items where subject_id = (select id from px_fx where k = 'task_pending')), 0,
  'and out of the hot table');
select is((select reason from public.agent_inbox_events e join public.agent_inbox_items i on i.id = e.item_id
           where i.subject_id = (select id from px_fx where k = 'task_pending') order by e.id desc limit 1), 'cancelled', 'the event trail says so');

-- Deleting the leased task flags the holder; the holder sees it on its next call.
delete from public.tasks where id = (select id from px_fx where k = 'task_leased');
select is((select status::text || '/' || cancel_requested from public.agent_inbox_items where subject_id = (select id from px_fx where k = 'task_leased')),
  'leased/true', 'leased item of a deleted task: cancel_requested');
select tests.authenticate_as_service_role();
select is((select (public.heartbeat_inbox_item(l.id, l.lease_token, 30)) ->> 'cancel_requested' from px_lease l), 'true', 'the holder is told');
select tests.clear_authentication();

-- Contact deleted: the rule's item is cancelled.
delete from public.contacts where id = (select id from px_fx where k = 'contact');
select is((select status::text from public.agent_inbox_items where subject_id = (select id from px_fx where k = 'contact')), 'cancelled',
  'pending item of a deleted contact: cancelled');

-- Comment mention: deleting the comment cancels the mention.
with t as (insert into public.tasks (workspace_id, title) values (tests.workspace_id('px'), 'Discuss') returning id)
insert into px_fx select 'task3', id from t;
with c as (insert into public.comments (workspace_id, entity_type, entity_id, body)
           values (tests.workspace_id('px'), 'task', (select id from px_fx where k = 'task3'), 'ping @px-agent') returning id)
insert into px_fx select 'comment', id from c;
select is((select count(*)::int from only public.agent_inbox_items where subject_type = 'comment' and subject_id = (select id from px_fx where k = 'comment')),
  1, 'the mention enqueued an item');
delete from public.comments where id = (select id from px_fx where k = 'comment');
select is((select status::text from public.agent_inbox_items where subject_id = (select id from px_fx where k = 'comment')), 'cancelled',
  'pending mention of a deleted comment: cancelled');

-- Deleting the whole workspace still works (its items go with it).
select lives_ok($$ delete from public.workspaces where id = tests.workspace_id('px') $$, 'workspace deletion unaffected');

select * from finish();
rollback;
