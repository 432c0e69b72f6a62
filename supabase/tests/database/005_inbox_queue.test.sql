-- Inbox queue (agent_inbox_items, agent_inbox_events): structure, every RPC's results and error paths,
-- fencing, idempotency, expiry as a failed attempt, dead letters, retries, cancel, dedup, serialized items,
-- the budget hook, cross-workspace isolation, RLS, events, the sweeper.
begin;
select plan(156);

-- ----------------------------------------------------------------------------------------- fixtures
select tests.create_user('iq_admin_a');
select tests.create_user('iq_member_a');
select tests.create_user('iq_viewer_a');
select tests.create_user('iq_admin_b');

insert into public.organizations (id, name, slug)
values ('c5000000-0000-4000-8000-000000000001', 'Inbox Queue Org', 'iq-org');
insert into public.workspaces (id, organization_id, name, slug) values
  ('c5000000-0000-4000-8000-0000000000a1', 'c5000000-0000-4000-8000-000000000001', 'IQ A', 'iq-a'),
  ('c5000000-0000-4000-8000-0000000000b1', 'c5000000-0000-4000-8000-000000000001', 'IQ B', 'iq-b');
insert into public.workspace_members (workspace_id, user_id, role) values
  ('c5000000-0000-4000-8000-0000000000a1', tests.user_id('iq_admin_a'), 'admin'),
  ('c5000000-0000-4000-8000-0000000000a1', tests.user_id('iq_member_a'), 'member'),
  ('c5000000-0000-4000-8000-0000000000a1', tests.user_id('iq_viewer_a'), 'viewer'),
  ('c5000000-0000-4000-8000-0000000000b1', tests.user_id('iq_admin_b'), 'admin');
insert into public.agents (id, workspace_id, slug, name) values
  ('c5000000-0000-4000-8000-0000000000a3', 'c5000000-0000-4000-8000-0000000000a1', 'iq-agent-a', 'Agent A'),
  ('c5000000-0000-4000-8000-0000000000a4', 'c5000000-0000-4000-8000-0000000000a1', 'iq-agent-a2', 'Agent A2'),
  ('c5000000-0000-4000-8000-0000000000b3', 'c5000000-0000-4000-8000-0000000000b1', 'iq-agent-b', 'Agent B');

create table tests.iq (k text primary key, id uuid, token uuid, extra jsonb);
grant all on tests.iq to anon, authenticated, service_role;
create function tests.iq_id(p_k text) returns uuid language sql stable as $$ select id from tests.iq where k = p_k $$;
create function tests.iq_token(p_k text) returns uuid language sql stable as $$ select token from tests.iq where k = p_k $$;
create function tests.iq_events(p_k text) returns text language sql stable security definer set search_path = '' as $$
  select string_agg(e.reason || ':' || coalesce(e.from_status::text, '-') || '>' || e.to_status::text, ',' order by e.id)
  from public.agent_inbox_events e where e.item_id = (select id from tests.iq where k = p_k)
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- ----------------------------------------------------------------------------------------- structure
select has_table('public', 'agent_inbox_items', 'agent_inbox_items exists');
select has_table('public', 'agent_inbox_events', 'agent_inbox_events exists');
select enum_has_labels('public', 'inbox_item_status', array['pending', 'leased', 'done', 'dead_letter', 'cancelled'],
  'inbox_item_status has the five states in order');
select columns_are('public', 'agent_inbox_items', array[
  'id', 'workspace_id', 'agent_id', 'event_type', 'summary', 'context', 'subject_type', 'subject_id', 'status',
  'priority', 'available_at', 'attempt', 'max_attempts', 'lease_count', 'max_leases', 'serialized', 'dedup_key',
  'lease_token', 'lease_request_id', 'leased_at', 'lease_expires_at', 'last_heartbeat_at', 'finished_at',
  'finished_lease_token', 'finished_status', 'cancel_requested', 'cancel_requested_at', 'result', 'last_error',
  'failure_code', 'requested_by', 'created_at', 'updated_at'],
  'agent_inbox_items has the contract columns');
select col_is_fk('public', 'agent_inbox_items', 'agent_id', 'agent_id references agents');
select col_isnt_fk('public', 'agent_inbox_events', 'item_id', 'events have no foreign key to the hot row (finished rows move to history; triggers remove events on real deletes)');
select is((select relrowsecurity from pg_class where oid = 'public.agent_inbox_items'::regclass), true, 'RLS on agent_inbox_items');
select is((select relrowsecurity from pg_class where oid = 'public.agent_inbox_events'::regclass), true, 'RLS on agent_inbox_events');
select policies_are('public', 'agent_inbox_items', array['agent_inbox_items_select_members'], 'agent_inbox_items: one select policy');
select policies_are('public', 'agent_inbox_events', array['agent_inbox_events_select_members'], 'inbox events: one select policy');
select matches(pg_get_indexdef('public.agent_inbox_items_lease_idx'::regclass),
  'WHERE \(status = ''pending''::inbox_item_status\)', 'lease index covers pending rows only');
select matches(pg_get_indexdef('public.agent_inbox_items_one_serialized_lease_idx'::regclass),
  '^CREATE UNIQUE INDEX .*\(agent_id\) WHERE \(serialized AND \(status = ''leased''', 'one serialized lease per agent, by a partial unique index');
select matches(pg_get_indexdef('public.agent_inbox_items_dedup_key_idx'::regclass),
  '^CREATE UNIQUE INDEX .*\(agent_id, dedup_key\) WHERE', 'dedup_key unique among live items');
select ok((select reloptions @> array['fillfactor=80', 'autovacuum_vacuum_scale_factor=0.01']
           from pg_class where oid = 'public.agent_inbox_items'::regclass), 'hot table: fillfactor 80, vacuum scale 0.01');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime'
                  and schemaname = 'public' and tablename = 'agent_inbox_items'), 'agent_inbox_items is in supabase_realtime');
select is((select bool_and(not p.prosecdef) from pg_proc p where p.pronamespace = 'public'::regnamespace
           and p.proname in ('enqueue_inbox_item', 'lease_inbox_item', 'heartbeat_inbox_item', 'complete_inbox_item',
                             'fail_inbox_item', 'release_inbox_item', 'cancel_inbox_item')), true,
  'public inbox RPCs are invoker wrappers');
select is((select count(*)::int from pg_proc p where p.pronamespace = 'private'::regnamespace and p.prosecdef
           and p.proconfig @> array['search_path=""']
           and p.proname in ('enqueue_inbox_item', 'lease_inbox_item', 'heartbeat_inbox_item', 'complete_inbox_item',
                             'fail_inbox_item', 'release_inbox_item', 'cancel_inbox_item')), 7,
  'the 7 private implementations are definer with an empty search_path');
select has_function('private', 'agent_budget_blocked', array['uuid'], 'the budget hook exists for the budgets issue to replace');
select ok(not has_function_privilege('anon', 'public.lease_inbox_item(uuid, int, int, uuid)', 'execute'),
  'anon cannot execute lease_inbox_item');
select has_function('private', 'sweep_queues', array['integer'], 'the sweeper entry point exists');
select results_eq($$ select schedule, command from cron.job where jobname = 'agentbase-queue-sweeper' $$,
                  $$ values ('* * * * *'::text, 'select private.sweep_queues()'::text) $$,
                  'pg_cron job agentbase-queue-sweeper runs the sweeper every minute');

-- ----------------------------------------------------------------------------------------- enqueue
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

-- ----------------------------------------------------------------------------------------- authorization
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

-- ----------------------------------------------------------------------------------------- lease: arguments
select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.lease_inbox_item(null) $$, '22004', 'p_agent_id must not be null', 'lease: null agent');
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 0) $$, '22023',
  'p_limit must be between 1 and 100 (got 0)', 'lease: limit 0');
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 101) $$, '22023',
  'p_limit must be between 1 and 100 (got 101)', 'lease: limit 101');
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 1, 3601) $$, '22023',
  'p_lease_seconds must be between 5 and 3600 (got 3601)', 'lease: lease seconds too large');
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 1, null) $$, '22004',
  'p_lease_seconds must not be null', 'lease: null lease seconds');
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000ff') $$, 'P0002',
  'p_agent_id: agent c5000000-0000-4000-8000-0000000000ff does not exist', 'lease: unknown agent');
select tests.clear_authentication();
select is((select count(*)::int from public.agent_inbox_items where status = 'leased'), 0, 'refused leases leased nothing');

-- ----------------------------------------------------------------------------------------- lease, fencing, idempotent finish
select tests.authenticate_as_service_role();
insert into tests.iq (k, id) select 'hi', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'comment_mention', p_priority => 5);
insert into tests.iq (k, id) select 'later', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'comment_mention',
  p_priority => 50, p_available_at => now() + interval '10 minutes');
insert into tests.iq (k, id) select 'b1', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000b3', 'comment_mention', p_priority => 99);
insert into tests.iq (k, id, token, extra)
select 'l1:' || ord, l.id, l.lease_token, to_jsonb(l)
from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 10) with ordinality as l(id, lease_token, attempt, lease_count,
  lease_expires_at, event_type, summary, context, subject_type, subject_id, cancel_requested, ord);
select results_eq($$ select id from tests.iq where k like 'l1:%' order by k $$,
  $$ values (tests.iq_id('hi')), (tests.iq_id('e1')) $$,
  'lease returns this agent''s available items by priority (not future ones, not other agents'')');
select ok((select bool_and((extra ->> 'attempt')::int = 1 and (extra ->> 'lease_count')::int = 1
                   and (extra ->> 'lease_expires_at')::timestamptz = now() + interval '120 seconds')
           from tests.iq where k like 'l1:%'), 'inbox lease counts the attempt: attempt 1, lease_count 1, expiry now()+120s');
select results_eq($$ select event_type, summary, context, subject_type, subject_id from public.agent_inbox_items where id = tests.iq_id('e1') $$,
  $$ select extra ->> 'event_type', extra ->> 'summary', extra -> 'context', extra ->> 'subject_type', (extra ->> 'subject_id')::uuid
     from tests.iq where k = 'l1:2' $$, 'lease returns the item''s content');
select is_empty($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 10) $$,
  'a second lease gets nothing: no item handed out twice');

select is((public.heartbeat_inbox_item(tests.iq_id('hi'), tests.iq_token('l1:1'), 900) ->> 'lease_expires_at')::timestamptz,
  now() + interval '900 seconds', 'heartbeat extends the lease');
select throws_ok($$ select public.heartbeat_inbox_item(tests.iq_id('hi'), tests.iq_token('l1:1'), 4) $$, '22023',
  'p_extend_seconds must be between 5 and 3600 (got 4)', 'heartbeat: extension below the minimum');

-- e1 expires: that was a failed attempt; it is re-leased as attempt 2 after its backoff.
select tests.clear_authentication();
update public.agent_inbox_items set lease_expires_at = now() - interval '1 second' where id = tests.iq_id('e1');
select tests.authenticate_as_service_role();
select is_empty($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 10) $$,
  'the lease call reclaims the expired lease; the item waits out its backoff');
select tests.clear_authentication();
select results_eq($$ select status::text, attempt, last_error, available_at > now() from public.agent_inbox_items where id = tests.iq_id('e1') $$,
  $$ values ('pending', 1, 'lease_expired', true) $$, 'an expired inbox lease is a failed attempt with backoff');
update public.agent_inbox_items set available_at = now() - interval '1 second' where id = tests.iq_id('e1');
select tests.authenticate_as_service_role();
insert into tests.iq (k, id, token, extra) select 'e1_relet', l.id, l.lease_token, to_jsonb(l)
from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 10) l;
select results_eq($$ select id, (extra ->> 'attempt')::int, (extra ->> 'lease_count')::int from tests.iq where k = 'e1_relet' $$,
  $$ values (tests.iq_id('e1'), 2, 2) $$, 're-leased as attempt 2, lease_count 2, with a new token');
select tests.clear_authentication();
create temp table iq_e1_before as select * from public.agent_inbox_items where id = tests.iq_id('e1');
grant select on iq_e1_before to service_role;
select tests.authenticate_as_service_role();
select is(public.complete_inbox_item(tests.iq_id('e1'), tests.iq_token('l1:2'), '{"stale": true}'),
  jsonb_build_object('ok', false, 'reason', 'lease_lost', 'status', 'leased', 'lease_expires_at', null,
                     'cancel_requested', false, 'idempotent', false, 'attempt', 2),
  'stale complete -> lease_lost');
select is(public.fail_inbox_item(tests.iq_id('e1'), tests.iq_token('l1:2'), 'stale') ->> 'reason', 'lease_lost', 'stale fail -> lease_lost');
select is(public.heartbeat_inbox_item(tests.iq_id('e1'), tests.iq_token('l1:2')) ->> 'reason', 'lease_lost', 'stale heartbeat -> lease_lost');
select is(public.release_inbox_item(tests.iq_id('e1'), tests.iq_token('l1:2')) ->> 'reason', 'lease_lost', 'stale release -> lease_lost');
select tests.clear_authentication();
select ok((select i.lease_token = tests.iq_token('e1_relet') and i.updated_at = b.updated_at and i.result is null
                  and i.lease_expires_at = b.lease_expires_at
           from public.agent_inbox_items i, iq_e1_before b where i.id = tests.iq_id('e1')),
  'stale calls wrote nothing');
select tests.authenticate_as('iq_admin_a');
select is(public.complete_inbox_item(tests.iq_id('e1'), tests.iq_token('e1_relet'), '{"handled": true}'),
  jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null,
                     'cancel_requested', false, 'idempotent', false, 'attempt', 2),
  'an admin of the workspace completes the current lease');
select is(public.complete_inbox_item(tests.iq_id('e1'), tests.iq_token('e1_relet'), '{"handled": "again"}') ->> 'idempotent', 'true',
  'repeated complete with the same token is idempotent');
select is(public.fail_inbox_item(tests.iq_id('e1'), tests.iq_token('e1_relet'), 'late') ->> 'reason', 'already_terminal',
  'fail after complete -> already_terminal');
select tests.clear_authentication();
select results_eq($$ select status::text, result, finished_lease_token, finished_at is not null from public.agent_inbox_items where id = tests.iq_id('e1') $$,
  $$ values ('done', '{"handled": true}'::jsonb, tests.iq_token('e1_relet'), true) $$, 'the first completion is stored');
select is(tests.iq_events('e1'),
  'enqueued:->pending,leased:pending>leased,lease_expired:leased>pending,leased:pending>leased,completed:leased>done',
  'every transition of e1 is an event');
select is((select actor_user_id from public.agent_inbox_events where item_id = tests.iq_id('e1') and reason = 'completed'),
  tests.user_id('iq_admin_a'), 'events record who');

-- Follow-up argument checks.
select tests.authenticate_as_service_role();
select throws_ok($$ select public.complete_inbox_item(null, gen_random_uuid()) $$, '22004', 'p_id must not be null', 'complete: null id');
select throws_ok($$ select public.complete_inbox_item(tests.iq_id('hi'), null) $$, '22004', 'p_lease_token must not be null', 'complete: null token');
select throws_ok($$ select public.complete_inbox_item('c5000000-0000-4000-8000-0000000000ff', gen_random_uuid()) $$, 'P0002',
  'p_id: inbox item c5000000-0000-4000-8000-0000000000ff does not exist', 'complete: unknown id');
select throws_ok($$ select public.complete_inbox_item(tests.iq_id('hi'), tests.iq_token('l1:1'), jsonb_build_object('blob', repeat('x', 300000))) $$,
  '54000', 'p_result is too large: 300012 bytes (max 262144)', 'complete: oversized result');
select throws_ok($$ select public.fail_inbox_item(tests.iq_id('hi'), tests.iq_token('l1:1'), null) $$, '22004',
  'p_error must not be null', 'fail: null error');
select throws_ok($$ select public.fail_inbox_item(tests.iq_id('hi'), tests.iq_token('l1:1'), 'x', true, 86401) $$, '22023',
  'p_retry_after_seconds must be between 0 and 86400 (got 86401)', 'fail: retry_after too large');
select tests.authenticate_as('iq_admin_b');
select throws_ok($$ select public.complete_inbox_item(tests.iq_id('hi'), tests.iq_token('l1:1')) $$, '42501',
  'permission denied: requires role admin in workspace c5000000-0000-4000-8000-0000000000a1',
  'an admin of another workspace cannot finish this item');
select tests.clear_authentication();
select is((select status::text || '/' || attempt from public.agent_inbox_items where id = tests.iq_id('hi')), 'leased/1',
  'refused follow-ups left the leased item as it was');

-- ----------------------------------------------------------------------------------------- release, retries, dead letters
select tests.authenticate_as_service_role();
select is(public.release_inbox_item(tests.iq_id('hi'), tests.iq_token('l1:1')) ->> 'status', 'pending', 'release gives the item back');
select tests.clear_authentication();
select results_eq($$ select attempt, lease_count, lease_token is null from public.agent_inbox_items where id = tests.iq_id('hi') $$,
  $$ values (0, 1, true) $$, 'release refunds the attempt');
select tests.authenticate_as_service_role();
insert into tests.iq (k, id, token) select 'hi2', l.id, l.lease_token from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 1) l;
select is(tests.iq_id('hi2'), tests.iq_id('hi'), 'the released item is leased again');
select is(public.fail_inbox_item(tests.iq_id('hi'), tests.iq_token('hi2'), 'agent busy'),
  jsonb_build_object('ok', true, 'reason', null, 'status', 'pending', 'lease_expires_at', null,
                     'cancel_requested', false, 'idempotent', false, 'attempt', 1),
  'retryable failure with attempts left -> pending');
select is(public.fail_inbox_item(tests.iq_id('hi'), tests.iq_token('hi2'), 'agent busy') ->> 'idempotent', 'true',
  'repeated fail with the same token is idempotent');
select tests.clear_authentication();
select ok((select available_at between now() + interval '1 second' and now() + interval '2 seconds' and last_error = 'agent busy'
           from public.agent_inbox_items where id = tests.iq_id('hi')), 'retry waits 2 s * jitter; error kept');
select tests.authenticate_as_service_role();
select is_empty($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 10) $$, 'an item in backoff is not leased');
select tests.clear_authentication();
update public.agent_inbox_items set available_at = now() - interval '1 second' where id = tests.iq_id('hi');
select tests.authenticate_as_service_role();
insert into tests.iq (k, id, token, extra) select 'hi3', l.id, l.lease_token, to_jsonb(l) from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 1) l;
select is((select extra ->> 'attempt' from tests.iq where k = 'hi3'), '2', 'attempt 2');
select is(public.fail_inbox_item(tests.iq_id('hi'), tests.iq_token('hi3'), 'agent busy', true, 45) ->> 'status', 'pending', 'attempt 2 fails');
select tests.clear_authentication();
select ok((select available_at = now() + interval '45 seconds' from public.agent_inbox_items where id = tests.iq_id('hi')),
  'p_retry_after_seconds sets the delay');
-- The last attempt expires: dead_letter, never stuck in leased.
update public.agent_inbox_items set available_at = now() - interval '1 second' where id = tests.iq_id('hi');
select tests.authenticate_as_service_role();
insert into tests.iq (k, id, token, extra) select 'hi4', l.id, l.lease_token, to_jsonb(l) from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 1) l;
select is((select extra ->> 'attempt' from tests.iq where k = 'hi4'), '3', 'attempt 3 (the last)');
select tests.clear_authentication();
update public.agent_inbox_items set lease_expires_at = now() - interval '1 second' where id = tests.iq_id('hi');
select is(private.sweep_queues(), '{"commands": 0, "inbox_items": 1}'::jsonb, 'sweep_queues settles the expired inbox lease');
select results_eq($$ select status::text, attempt, max_attempts, last_error, failure_code, finished_at is not null
                    from public.agent_inbox_items where id = tests.iq_id('hi') $$,
  $$ values ('dead_letter', 3, 3, 'lease_expired', 'lease_expired', true) $$,
  'the last attempt expiring ends in dead_letter with the error kept');
select is(tests.iq_events('hi'),
  'enqueued:->pending,leased:pending>leased,released:leased>pending,leased:pending>leased,retry_scheduled:leased>pending,'
  || 'leased:pending>leased,retry_scheduled:leased>pending,leased:pending>leased,lease_expired:leased>dead_letter',
  'every transition of the retried item is an event');
select tests.authenticate_as_service_role();
select is(public.complete_inbox_item(tests.iq_id('hi'), tests.iq_token('hi4')) ->> 'reason', 'already_terminal',
  'the expired holder''s late complete is refused');

-- Permanent failure and exhausted attempts by fail.
insert into tests.iq (k, id) select 'p1', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a4', 'contact_created');
insert into tests.iq (k, id) select 'p2', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a4', 'contact_updated',
  p_max_attempts => 1);
insert into tests.iq (k, id, token) select 'p:' || l.event_type, l.id, l.lease_token from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a4', 2) l;
select is(public.fail_inbox_item(tests.iq_id('p1'), tests.iq_token('p:contact_created'), 'unknown contact', false) ->> 'status', 'dead_letter',
  'non-retryable failure -> dead_letter at once');
select is(public.fail_inbox_item(tests.iq_id('p2'), tests.iq_token('p:contact_updated'), 'timeout') ->> 'status', 'dead_letter',
  'retryable failure of the last attempt -> dead_letter');
select tests.clear_authentication();
select is((select failure_code || ': ' || last_error from public.agent_inbox_items where id = tests.iq_id('p1')),
  'permanent: unknown contact', 'a permanent dead letter records why');
select is((select failure_code || ': ' || last_error from public.agent_inbox_items where id = tests.iq_id('p2')),
  'attempts_exhausted: timeout', 'an exhausted dead letter records why');

-- ----------------------------------------------------------------------------------------- cancel
select tests.authenticate_as_service_role();
insert into tests.iq (k, id) select 'c_pending', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a4', 'task_assignment',
  p_available_at => now() + interval '1 hour');
select is(public.cancel_inbox_item(tests.iq_id('c_pending')),
  jsonb_build_object('ok', true, 'reason', null, 'status', 'cancelled', 'lease_expires_at', null,
                     'cancel_requested', true, 'idempotent', false, 'attempt', 0),
  'cancel of a pending item ends it');
select is(public.cancel_inbox_item(tests.iq_id('c_pending')) ->> 'idempotent', 'true', 'cancel again is idempotent');
select is(public.cancel_inbox_item(tests.iq_id('e1')) ->> 'reason', 'already_terminal', 'cancel of a done item -> already_terminal');
select throws_ok($$ select public.cancel_inbox_item('c5000000-0000-4000-8000-0000000000ff') $$, 'P0002',
  'p_id: inbox item c5000000-0000-4000-8000-0000000000ff does not exist', 'cancel: unknown id');
insert into tests.iq (k, id) select 'c1', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a4', 'task_assignment', p_priority => 2);
insert into tests.iq (k, id) select 'c2', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a4', 'task_reassignment', p_priority => 1);
insert into tests.iq (k, id, token) select 'cl:' || l.event_type, l.id, l.lease_token from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a4', 2) l;
select is(public.cancel_inbox_item(tests.iq_id('c1')) ->> 'cancel_requested', 'true', 'cancel of a leased item sets the flag');
select is(public.cancel_inbox_item(tests.iq_id('c1')) ->> 'status', 'leased', 'and leaves it leased for its holder');
select is(public.cancel_inbox_item(tests.iq_id('c2')) ->> 'cancel_requested', 'true', 'cancel c2 too');
select is(public.heartbeat_inbox_item(tests.iq_id('c1'), tests.iq_token('cl:task_assignment')) ->> 'cancel_requested', 'true',
  'the holder sees cancel_requested on its next heartbeat');
select is(public.release_inbox_item(tests.iq_id('c1'), tests.iq_token('cl:task_assignment')) ->> 'status', 'cancelled',
  'giving back a cancel-requested item ends it cancelled');
select tests.clear_authentication();
update public.agent_inbox_items set lease_expires_at = now() - interval '1 second' where id = tests.iq_id('c2');
select is(private.sweep_expired_inbox_items(), 1, 'sweeper takes the expired cancel-requested lease');
select is((select status::text from public.agent_inbox_items where id = tests.iq_id('c2')), 'cancelled',
  'a cancel-requested lease that expires ends cancelled, never retried');

-- ----------------------------------------------------------------------------------------- idempotent lease
select tests.authenticate_as_service_role();
insert into tests.iq (k, id) select 'r1', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a4', 'task_assignment', p_priority => 9);
insert into tests.iq (k, id) select 'r2', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a4', 'task_assignment', p_priority => 8);
create temp table iq_req as select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a4', 1, 120, 'c5000000-0000-4000-8000-00000000aaaa');
grant select on iq_req to service_role;
select results_eq($$ select id from iq_req $$, $$ values (tests.iq_id('r1')) $$, 'request R leases r1');
select results_eq(
  $$ select id, lease_token, attempt, lease_count from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a4', 1, 120, 'c5000000-0000-4000-8000-00000000aaaa') $$,
  $$ select id, lease_token, attempt, lease_count from iq_req $$, 'repeating request R returns the same lease, no new attempt');
select results_eq(
  $$ select id from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a4', 1, 120, 'c5000000-0000-4000-8000-00000000bbbb') $$,
  $$ values (tests.iq_id('r2')) $$, 'another request id gets the next item');

-- ----------------------------------------------------------------------------------------- serialized items
insert into tests.iq (k, id) select 's1', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000b3', 'task_assignment',
  p_priority => 3, p_serialized => true);
insert into tests.iq (k, id) select 's2', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000b3', 'task_assignment',
  p_priority => 2, p_serialized => true);
create temp table iq_ser as select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000b3', 10);
grant select on iq_ser to service_role;
select results_eq($$ select id from iq_ser order by id $$,
  $$ select unnest(array[tests.iq_id('s1'), tests.iq_id('b1')]) order by 1 $$,
  'one lease call takes one serialized item (plus ordinary ones), never two');
select is_empty($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000b3', 10) $$,
  'while a serialized item is leased, the agent''s other serialized items wait');
select is(public.complete_inbox_item(tests.iq_id('s1'), (select lease_token from iq_ser where id = tests.iq_id('s1'))) ->> 'status', 'done',
  'the serialized item completes');
select results_eq($$ select id from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000b3', 10) $$,
  $$ values (tests.iq_id('s2')) $$, 'then the next serialized item is leased');
select tests.clear_authentication();
select throws_ok($$ insert into public.agent_inbox_items (workspace_id, agent_id, event_type, status, attempt, lease_count, lease_token,
                      leased_at, lease_expires_at, serialized)
                    values ('c5000000-0000-4000-8000-0000000000b1', 'c5000000-0000-4000-8000-0000000000b3', 'x', 'leased', 1, 1,
                      gen_random_uuid(), now(), now() + interval '1 minute', true) $$,
  '23505', null, 'the partial unique index refuses a second live serialized lease for the agent');

-- ----------------------------------------------------------------------------------------- budget hook
create or replace function private.agent_budget_blocked(p_agent_id uuid) returns boolean language sql stable security definer
  set search_path = '' as $$ select p_agent_id = 'c5000000-0000-4000-8000-0000000000a3' $$;
select tests.authenticate_as_service_role();
insert into tests.iq (k, id) select 'budget', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'task_assignment');
select is_empty($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 10) $$,
  'an agent whose budget is blocked gets nothing');
select tests.clear_authentication();
select is((select status::text from public.agent_inbox_items where id = tests.iq_id('budget')), 'pending', 'its item stays pending');
create or replace function private.agent_budget_blocked(p_agent_id uuid) returns boolean language sql stable security definer
  set search_path = '' as $$ select false $$;
select tests.authenticate_as_service_role();
select results_eq($$ select id from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 10) $$,
  $$ values (tests.iq_id('budget')) $$, 'once unblocked, the item is leased');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------------------- RLS
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.agent_inbox_items $$, 'anon cannot select inbox items');
select tests.assert_denied($$ select * from public.agent_inbox_events $$, 'anon cannot select inbox events');
select tests.assert_denied($$ delete from public.agent_inbox_items $$, 'anon cannot delete inbox items');
select tests.authenticate_as('iq_admin_b');
select tests.assert_filtered($$ select * from public.agent_inbox_items where workspace_id = 'c5000000-0000-4000-8000-0000000000a1' $$,
  'a member of another workspace sees none of A''s items');
select tests.assert_filtered($$ select * from public.agent_inbox_events where workspace_id = 'c5000000-0000-4000-8000-0000000000a1' $$,
  'a member of another workspace sees none of A''s inbox events');
select isnt_empty($$ select * from public.agent_inbox_items where workspace_id = 'c5000000-0000-4000-8000-0000000000b1' $$,
  'the other workspace''s admin sees its own items');
select tests.authenticate_as('iq_viewer_a');
select isnt_empty($$ select * from public.agent_inbox_items where id = tests.iq_id('e1') $$, 'a viewer reads items');
select isnt_empty($$ select * from public.agent_inbox_events where item_id = tests.iq_id('e1') $$, 'a viewer reads inbox events');
select is((select count(*)::int from public.agent_inbox_items where workspace_id <> 'c5000000-0000-4000-8000-0000000000a1'), 0,
  'a viewer sees only their workspace');
select tests.assert_denied($$ update public.agent_inbox_items set priority = 1 $$, 'a viewer cannot update items');
select tests.authenticate_as('iq_member_a');
select isnt_empty($$ select * from public.agent_inbox_items where id = tests.iq_id('e1') $$, 'a member reads items');
select tests.assert_denied($$ insert into public.agent_inbox_items (workspace_id, agent_id, event_type)
  values ('c5000000-0000-4000-8000-0000000000a1', 'c5000000-0000-4000-8000-0000000000a3', 'x') $$, 'a member cannot insert items');
select tests.assert_denied($$ delete from public.agent_inbox_items $$, 'a member cannot delete items');
select tests.authenticate_as('iq_admin_a');
select isnt_empty($$ select * from public.agent_inbox_events where item_id = tests.iq_id('e1') $$, 'an admin reads inbox events');
select tests.assert_denied($$ insert into public.agent_inbox_items (workspace_id, agent_id, event_type)
  values ('c5000000-0000-4000-8000-0000000000a1', 'c5000000-0000-4000-8000-0000000000a3', 'x') $$, 'an admin cannot insert directly');
select tests.assert_denied($$ update public.agent_inbox_items set status = 'done' $$, 'an admin cannot update directly');
select tests.assert_denied($$ delete from public.agent_inbox_items $$, 'an admin cannot delete directly');
select tests.assert_denied($$ insert into public.agent_inbox_events (item_id, workspace_id, to_status, reason, attempt, lease_count, actor_role)
  values (tests.iq_id('e1'), 'c5000000-0000-4000-8000-0000000000a1', 'done', 'forged', 0, 0, 'x') $$, 'an admin cannot forge inbox events');
select tests.assert_denied($$ update public.agent_inbox_events set reason = 'x' $$, 'an admin cannot update inbox events');
select tests.assert_denied($$ delete from public.agent_inbox_events $$, 'an admin cannot delete inbox events');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.agent_inbox_items where id = tests.iq_id('e1')), 1, 'service_role reads items');
select tests.assert_denied($$ insert into public.agent_inbox_items (workspace_id, agent_id, event_type)
  values ('c5000000-0000-4000-8000-0000000000a1', 'c5000000-0000-4000-8000-0000000000a3', 'x') $$, 'service_role cannot insert directly');
select tests.assert_denied($$ update public.agent_inbox_items set priority = 1 $$, 'service_role cannot update directly');
select tests.assert_denied($$ delete from public.agent_inbox_items $$, 'service_role cannot delete directly');
select tests.assert_denied($$ update public.agent_inbox_events set reason = 'x' $$, 'service_role cannot update inbox events');
select tests.assert_denied($$ delete from public.agent_inbox_events $$, 'service_role cannot delete inbox events');
select tests.clear_authentication();
select throws_ok($$ update public.agent_inbox_events set reason = 'x' where item_id = tests.iq_id('e1') $$, '42501',
  'agent_inbox_events is append-only: UPDATE is not allowed', 'inbox events refuse UPDATE even for the owner role');
select throws_ok($$ update public.agent_inbox_items set attempt = max_attempts + 1 where id = tests.iq_id('e1') $$, '23514', null,
  'CHECK: attempts never exceed max_attempts');
select throws_ok($$ update public.agent_inbox_items set lease_token = gen_random_uuid() where id = tests.iq_id('e1') $$, '23514', null,
  'CHECK: lease columns only on leased items');

-- Deleting the agent removes its items and their events (cascade passes the append-only guard).
delete from public.agents where id = 'c5000000-0000-4000-8000-0000000000a4';
select is((select count(*)::int from public.agent_inbox_events e where e.item_id in (tests.iq_id('p1'), tests.iq_id('c1'))), 0,
  'deleting an agent cascades to its items and their events');

select * from finish();
rollback;
