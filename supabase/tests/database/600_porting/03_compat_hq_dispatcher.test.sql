-- Porting: an HQ-style dispatcher through compat_hq (lease_inbox_item -> complete_inbox_item /
-- fail_inbox_item) over the native inbox queue, fed by the task-assignment trigger as in HQ.
begin;
select plan(14);

select tests.create_workspace_fixture('pd');
create temp table pd_fx (k text primary key, id uuid) on commit drop;
grant all on pd_fx to public;
insert into pd_fx values ('agent', tests.create_agent_fixture(tests.workspace_id('pd'), 'pd-agent'));
select set_config('compat_hq.workspace_id', tests.workspace_id('pd')::text, true);

-- Assigning a task to the agent enqueues an item (HQ: enqueue_task_assignment).
with t as (
  insert into public.tasks (workspace_id, title, assignee_agent_id)
  values (tests.workspace_id('pd'), 'Call the supplier', (select id from pd_fx where k = 'agent'))
  returning id)
insert into pd_fx select 'task', id from t;

select tests.authenticate_as_service_role();
create temp table pd_item on commit drop as select * from compat_hq.lease_inbox_item((select id from pd_fx where k = 'agent'), 120);
select is((select count(*)::int from pd_item), 1, 'one item leased');
select is((select event_type from pd_item), 'task_assignment', 'HQ event type');
select is((select task_id from pd_item), (select id from pd_fx where k = 'task'), 'task_id filled from the subject');
select is((select agent_slug from pd_item), 'pd-agent', 'agent_slug filled');
select is((select attempt_count from pd_item), 1, 'attempt counted when leased (as HQ)');

-- Fail: HQ re-leases at once (no backoff) and reads the item as failed with the reason in context.
select lives_ok($$ select compat_hq.fail_inbox_item((select id from pd_item), 'agent asleep') $$, 'fail_inbox_item');
select is((select (r).status from (select compat_hq.inbox_row((select id from pd_item)) r) x), 'failed', 'HQ shape: status failed');
select is((select (r).context ->> 'last_failure_reason' from (select compat_hq.inbox_row((select id from pd_item)) r) x),
  'agent asleep', 'HQ shape: context.last_failure_reason');
select is((select id from compat_hq.lease_inbox_item((select id from pd_fx where k = 'agent'), 120)), (select id from pd_item),
  'a failed item is re-leased at once');
select lives_ok($$ select compat_hq.complete_inbox_item((select id from pd_item)) $$, 'complete_inbox_item');
select is((select status::text from public.agent_inbox_items where id = (select id from pd_item)), 'done', 'done');
select lives_ok($$ select compat_hq.complete_inbox_item((select id from pd_item)) $$, 'repeat complete: no-op');
select throws_ok($$ select compat_hq.fail_inbox_item((select id from pd_item), 'late') $$, '55000', null, 'fail after done: 55000');
select is((select count(*)::int from compat_hq.lease_inbox_item((select id from pd_fx where k = 'agent'), 120)), 0, 'nothing left');
select tests.clear_authentication();

select * from finish();
rollback;
