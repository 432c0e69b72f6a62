-- Inbox queue: enqueue; authorization.
-- Fixture: tests.create_inbox_queue_fixture() (000_helpers.test.sql).
begin;
select plan(29);

select tests.create_inbox_queue_fixture();

select tests.authenticate_as_service_role();
insert into tests.iq (k, id, extra)
select 'e1', e.id, jsonb_build_object('dedup', e.deduplicated)
from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'task_assignment', 'Do the thing',
  '{"task": "t1"}', 'task', 'c5000000-0000-4000-8000-0000000000e1', p_dedup_key => 'task_assignment:t1:a') e;
select is((select extra ->> 'dedup' from tests.iq where k = 'e1'), 'false', 'enqueue returns deduplicated=false for a new item');
select results_eq(
  $$ select id, deduplicated from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'task_assignment',
       'Again', p_dedup_key => 'task_assignment:t1:a') $$,
  $$ select tests.iq_id('e1'), true $$,
  'enqueue with a live dedup_key returns the existing id and deduplicated=true');
select tests.clear_authentication();
select results_eq(
  $$ select status::text, workspace_id, summary, context, subject_type, subject_id, attempt, max_attempts, serialized
     from public.agent_inbox_items where dedup_key = 'task_assignment:t1:a' $$,
  $$ values ('pending', 'c5000000-0000-4000-8000-0000000000a1'::uuid, 'Do the thing', '{"task": "t1"}'::jsonb, 'task',
             'c5000000-0000-4000-8000-0000000000e1'::uuid, 0, 3, false) $$,
  'one pending item, workspace copied from the agent, first summary kept');
select is(tests.iq_events('e1'), 'enqueued:->pending', 'enqueue wrote one event; the deduplicated call wrote none');

select tests.authenticate_as_service_role();
create temp table iq_before as select (select count(*) from public.agent_inbox_items) as c, (select count(*) from public.agent_inbox_events) as e;
select throws_ok($$ select * from public.enqueue_inbox_item(null, 'x') $$, '22004', 'p_agent_id must not be null', 'enqueue: null agent');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000ff', 'x') $$, 'P0002',
  'p_agent_id: agent c5000000-0000-4000-8000-0000000000ff does not exist', 'enqueue: unknown agent');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', null) $$, '22004',
  'p_event_type must not be null', 'enqueue: null event type');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'Task Assignment') $$, '22023',
  'p_event_type must match ^[a-z][a-z0-9_.:-]{0,99}$ (got Task Assignment)', 'enqueue: malformed event type');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'x', null, null) $$, '22004',
  'p_context must not be null', 'enqueue: null context');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'x', null, '"text"') $$, '22023',
  'p_context must be a JSON object (got string)', 'enqueue: context not an object');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'x', null,
                      jsonb_build_object('blob', repeat('x', 300000))) $$, '54000',
  'p_context is too large: 300012 bytes (max 262144)', 'enqueue: oversized context');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'x', repeat('s', 16385)) $$, '54000',
  'p_summary is too large: 16385 bytes (max 16384)', 'enqueue: oversized summary');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'x',
                      p_subject_id => 'c5000000-0000-4000-8000-0000000000e1') $$, '22023',
  'p_subject_type must be given with p_subject_id', 'enqueue: subject id without type');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'x', p_subject_type => 'Task!') $$, '22023',
  'p_subject_type must match ^[a-z][a-z0-9_]{0,62}$ (got Task!)', 'enqueue: malformed subject type');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'x', p_priority => -1001) $$, '22023',
  'p_priority must be between -1000 and 1000 (got -1001)', 'enqueue: priority out of range');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'x', p_max_attempts => 101) $$, '22023',
  'p_max_attempts must be between 1 and 100 (got 101)', 'enqueue: max_attempts out of range');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'x', p_dedup_key => repeat('k', 201)) $$, '22023',
  'p_dedup_key must be 1 to 200 characters (got 201)', 'enqueue: dedup_key too long');
select tests.clear_authentication();
select is((select count(*) from public.agent_inbox_items), (select c from iq_before), 'failed enqueues wrote no item');
select is((select count(*) from public.agent_inbox_events), (select e from iq_before), 'failed enqueues wrote no event');

-- Server-side feeders (triggers of other domains) enqueue through the owner-only unchecked entry point.
create function tests.iq_feed(p_agent uuid) returns uuid language sql security definer set search_path = '' as $$
  select id from private.enqueue_inbox_item_unchecked(p_agent, 'comment_mention', 'mentioned', '{}'::jsonb, null, null,
                                                      0, null, 3, 'feed:1', false)
$$;
grant execute on function tests.iq_feed(uuid) to authenticated;
select tests.authenticate_as('iq_member_a');
select throws_ok($$ select * from private.enqueue_inbox_item_unchecked('c5000000-0000-4000-8000-0000000000a3', 'x', null, '{}',
                      null, null, 0, null, 3, null, false) $$, '42501',
  'permission denied for function enqueue_inbox_item_unchecked', 'API roles cannot call the unchecked enqueue');
insert into tests.iq (k, id) values ('feed', tests.iq_feed('c5000000-0000-4000-8000-0000000000a3'));
select tests.clear_authentication();
select results_eq($$ select status::text, event_type from public.agent_inbox_items where id = tests.iq_id('feed') $$,
  $$ values ('pending', 'comment_mention') $$, 'a definer trigger can enqueue while a member is the request role');
select results_eq($$ select actor_role, actor_user_id from public.agent_inbox_events where item_id = tests.iq_id('feed') $$,
  $$ values ('authenticated', tests.user_id('iq_member_a')) $$, 'and the event records the member who caused it');
select tests.authenticate_as_service_role();
select is(public.cancel_inbox_item(tests.iq_id('feed')) ->> 'status', 'cancelled', 'the fed item can be cancelled like any other');
select tests.clear_authentication();

select tests.authenticate_as('iq_member_a');
select throws_ok($$ select * from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'x') $$, '42501',
  'permission denied: requires role admin in workspace c5000000-0000-4000-8000-0000000000a1', 'a member cannot enqueue');
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3') $$, '42501',
  'permission denied: requires role admin in workspace c5000000-0000-4000-8000-0000000000a1', 'a member cannot lease');
select tests.authenticate_as('iq_viewer_a');
select throws_ok($$ select public.cancel_inbox_item(tests.iq_id('e1')) $$, '42501',
  'permission denied: requires role admin in workspace c5000000-0000-4000-8000-0000000000a1', 'a viewer cannot cancel');
select tests.authenticate_as('iq_admin_b');
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3') $$, '42501',
  'permission denied: requires role admin in workspace c5000000-0000-4000-8000-0000000000a1',
  'an admin of another workspace cannot lease this agent''s inbox');
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3') $$, '42501',
  'permission denied for function lease_inbox_item', 'anon cannot lease');
select tests.clear_authentication();
select is((select status::text from public.agent_inbox_items where id = tests.iq_id('e1')), 'pending', 'refused calls left the item pending');

select * from finish();
rollback;
