-- Command queue: enqueue; authorization.
-- Fixture: tests.create_command_queue_fixture() (000_helpers.test.sql).
begin;
select plan(28);

select tests.create_command_queue_fixture();

select tests.authenticate_as_service_role();
insert into tests.cq (k, id, extra)
select 'c1', e.id, jsonb_build_object('dedup', e.deduplicated)
from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'restart_gateway', '{"reason": "test"}',
                            'c4000000-0000-4000-8000-0000000000a3', p_dedup_key => 'restart:gw-a') e;
select is((select extra ->> 'dedup' from tests.cq where k = 'c1'), 'false', 'enqueue returns deduplicated=false for a new command');
select results_eq(
  $$ select id, deduplicated from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'restart_gateway',
       '{"reason": "again"}', p_dedup_key => 'restart:gw-a') $$,
  $$ select tests.cq_id('c1'), true $$,
  'enqueue with a live dedup_key returns the existing id and deduplicated=true');
select tests.clear_authentication();
select results_eq(
  $$ select status::text, workspace_id, gateway_id, agent_id, payload, attempt, lease_count, max_attempts, max_leases
     from public.agent_commands where dedup_key = 'restart:gw-a' $$,
  $$ values ('pending', 'c4000000-0000-4000-8000-0000000000a1'::uuid, 'c4000000-0000-4000-8000-0000000000a2'::uuid,
             'c4000000-0000-4000-8000-0000000000a3'::uuid, '{"reason": "test"}'::jsonb, 0, 0, 3, 10) $$,
  'one pending row, workspace copied from the gateway, first payload kept');
select is(tests.cq_events('c1'), 'enqueued:->pending', 'enqueue wrote one event; the deduplicated call wrote none');
select is((select actor_role from public.agent_command_events where command_id = tests.cq_id('c1')), 'service_role',
  'event records the request role');

-- Bad input: each raises with the argument's name and writes nothing.
select tests.authenticate_as_service_role();
create temp table cq_before as select (select count(*) from public.agent_commands) as c, (select count(*) from public.agent_command_events) as e;
grant select on cq_before to service_role, authenticated;
select throws_ok($$ select * from public.enqueue_command(null, 'x') $$, '22004', 'p_gateway_id must not be null',
  'enqueue: null gateway');
select throws_ok($$ select * from public.enqueue_command('c4000000-0000-4000-8000-0000000000ff', 'x') $$, 'P0002',
  'p_gateway_id: gateway c4000000-0000-4000-8000-0000000000ff does not exist', 'enqueue: unknown gateway');
select throws_ok($$ select * from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', null) $$, '22004',
  'p_action must not be null', 'enqueue: null action');
select throws_ok($$ select * from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'Bad Action!') $$, '22023',
  'p_action must match ^[a-z][a-z0-9_.:-]{0,99}$ (got Bad Action!)', 'enqueue: malformed action');
select throws_ok($$ select * from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'x', null) $$, '22004',
  'p_payload must not be null', 'enqueue: null payload');
select throws_ok($$ select * from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'x', '[1,2]') $$, '22023',
  'p_payload must be a JSON object (got array)', 'enqueue: payload not an object');
select throws_ok($$ select * from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'x',
                      jsonb_build_object('blob', repeat('x', 300000))) $$, '54000',
  'p_payload is too large: 300012 bytes (max 262144)', 'enqueue: oversized payload');
select throws_ok($$ select * from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'x', p_priority => 5000) $$, '22023',
  'p_priority must be between -1000 and 1000 (got 5000)', 'enqueue: priority out of range');
select throws_ok($$ select * from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'x', p_max_attempts => 0) $$, '22023',
  'p_max_attempts must be between 1 and 100 (got 0)', 'enqueue: max_attempts out of range');
select throws_ok($$ select * from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'x', p_dedup_key => '') $$, '22023',
  'p_dedup_key must be 1 to 200 characters (got 0)', 'enqueue: empty dedup_key');
select throws_ok($$ select * from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'x',
                      p_agent_id => 'c4000000-0000-4000-8000-0000000000b3') $$, 'P0002',
  'p_agent_id: agent c4000000-0000-4000-8000-0000000000b3 does not exist in the gateway''s workspace',
  'enqueue: agent of another workspace');
select throws_ok($$ select * from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'x', p_safe_to_retry => null) $$, '22004',
  'p_safe_to_retry must not be null', 'enqueue: null safe_to_retry');
select tests.clear_authentication();
select is((select count(*) from public.agent_commands), (select c from cq_before), 'failed enqueues wrote no command');
select is((select count(*) from public.agent_command_events), (select e from cq_before), 'failed enqueues wrote no event');

select tests.authenticate_as('cq_member_a');
select throws_ok($$ select * from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'x') $$, '42501',
  'permission denied: requires role admin in workspace c4000000-0000-4000-8000-0000000000a1', 'a member cannot enqueue');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2') $$, '42501',
  'permission denied: requires role admin in workspace c4000000-0000-4000-8000-0000000000a1', 'a member cannot lease');
select throws_ok($$ select public.cancel_command(tests.cq_id('c1')) $$, '42501',
  'permission denied: requires role admin in workspace c4000000-0000-4000-8000-0000000000a1', 'a member cannot cancel');
select tests.authenticate_as('cq_viewer_a');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2') $$, '42501',
  'permission denied: requires role admin in workspace c4000000-0000-4000-8000-0000000000a1', 'a viewer cannot lease');
select tests.authenticate_as('cq_admin_b');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2') $$, '42501',
  'permission denied: requires role admin in workspace c4000000-0000-4000-8000-0000000000a1',
  'an admin of another workspace cannot lease this gateway');
select throws_ok($$ select public.cancel_command(tests.cq_id('c1')) $$, '42501',
  'permission denied: requires role admin in workspace c4000000-0000-4000-8000-0000000000a1',
  'an admin of another workspace cannot cancel this command');
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2') $$, '42501',
  'permission denied for function lease_command', 'anon cannot lease');
select tests.authenticate_as('cq_admin_a');
select throws_ok($$ select * from private.enqueue_command_unchecked('c4000000-0000-4000-8000-0000000000a2', 'x', '{}', null, 0,
                      null, 3, null, false) $$, '42501',
  'permission denied for function enqueue_command_unchecked', 'API roles cannot call the unchecked enqueue');
select tests.clear_authentication();
select is((select status::text from public.agent_commands where id = tests.cq_id('c1')), 'pending',
  'refused calls left the command pending');

select * from finish();
rollback;
