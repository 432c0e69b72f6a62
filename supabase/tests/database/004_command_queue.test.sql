-- Command queue (agent_commands, agent_command_events): structure, every RPC's results and error paths,
-- fencing, idempotency, expiry, retries, cancel, dedup, cross-workspace isolation, RLS, events, and the
-- lease plan with terminal history present.
begin;
select plan(179);

-- ----------------------------------------------------------------------------------------- fixtures
select tests.create_user('cq_admin_a');
select tests.create_user('cq_member_a');
select tests.create_user('cq_viewer_a');
select tests.create_user('cq_admin_b');

insert into public.organizations (id, name, slug)
values ('c4000000-0000-4000-8000-000000000001', 'Command Queue Org', 'cq-org');
insert into public.workspaces (id, organization_id, name, slug) values
  ('c4000000-0000-4000-8000-0000000000a1', 'c4000000-0000-4000-8000-000000000001', 'CQ A', 'cq-a'),
  ('c4000000-0000-4000-8000-0000000000b1', 'c4000000-0000-4000-8000-000000000001', 'CQ B', 'cq-b');
insert into public.workspace_members (workspace_id, user_id, role) values
  ('c4000000-0000-4000-8000-0000000000a1', tests.user_id('cq_admin_a'), 'admin'),
  ('c4000000-0000-4000-8000-0000000000a1', tests.user_id('cq_member_a'), 'member'),
  ('c4000000-0000-4000-8000-0000000000a1', tests.user_id('cq_viewer_a'), 'viewer'),
  ('c4000000-0000-4000-8000-0000000000b1', tests.user_id('cq_admin_b'), 'admin');
insert into public.gateways (id, workspace_id, slug) values
  ('c4000000-0000-4000-8000-0000000000a2', 'c4000000-0000-4000-8000-0000000000a1', 'cq-gw-a'),
  ('c4000000-0000-4000-8000-0000000000b2', 'c4000000-0000-4000-8000-0000000000b1', 'cq-gw-b');
insert into public.agents (id, workspace_id, slug, name, gateway_id) values
  ('c4000000-0000-4000-8000-0000000000a3', 'c4000000-0000-4000-8000-0000000000a1', 'cq-agent-a', 'Agent A', 'c4000000-0000-4000-8000-0000000000a2'),
  ('c4000000-0000-4000-8000-0000000000b3', 'c4000000-0000-4000-8000-0000000000b1', 'cq-agent-b', 'Agent B', 'c4000000-0000-4000-8000-0000000000b2');

-- Ids and lease tokens captured during the test, readable by every role.
create table tests.cq (k text primary key, id uuid, token uuid, extra jsonb);
grant all on tests.cq to anon, authenticated, service_role;

create function tests.cq_id(p_k text) returns uuid language sql stable as $$ select id from tests.cq where k = p_k $$;
create function tests.cq_token(p_k text) returns uuid language sql stable as $$ select token from tests.cq where k = p_k $$;
create function tests.cq_events(p_k text) returns text language sql stable security definer set search_path = '' as $$
  select string_agg(e.reason || ':' || coalesce(e.from_status::text, '-') || '>' || e.to_status::text, ',' order by e.id)
  from public.agent_command_events e where e.command_id = (select id from tests.cq where k = p_k)
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- ----------------------------------------------------------------------------------------- structure
select has_table('public', 'agent_commands', 'agent_commands exists');
select has_table('public', 'agent_command_events', 'agent_command_events exists');
select enum_has_labels('public', 'command_status', array['pending', 'leased', 'running', 'done', 'failed', 'cancelled'],
  'command_status has the six states in order');
select columns_are('public', 'agent_commands', array[
  'id', 'workspace_id', 'gateway_id', 'agent_id', 'action', 'payload', 'status', 'priority', 'available_at',
  'attempt', 'max_attempts', 'lease_count', 'max_leases', 'safe_to_retry', 'dedup_key', 'lease_token',
  'lease_request_id', 'leased_at', 'lease_expires_at', 'started_at', 'last_heartbeat_at', 'finished_at',
  'finished_lease_token', 'finished_status', 'cancel_requested', 'cancel_requested_at', 'result', 'exit_code',
  'stdout', 'stderr', 'last_error', 'failure_code', 'requested_by', 'created_at', 'updated_at'],
  'agent_commands has the contract columns');
select col_is_fk('public', 'agent_commands', 'gateway_id', 'gateway_id references gateways');
select col_isnt_fk('public', 'agent_command_events', 'command_id', 'events have no foreign key to the hot row (finished rows move to history; triggers remove events on real deletes)');
select is((select relrowsecurity from pg_class where oid = 'public.agent_commands'::regclass), true, 'RLS on agent_commands');
select is((select relrowsecurity from pg_class where oid = 'public.agent_command_events'::regclass), true, 'RLS on agent_command_events');
select policies_are('public', 'agent_commands', array['agent_commands_select_members'], 'agent_commands: one select policy');
select policies_are('public', 'agent_command_events', array['agent_command_events_select_members'], 'events: one select policy');
select matches(pg_get_indexdef('public.agent_commands_lease_idx'::regclass),
  'WHERE \(status = ''pending''::command_status\)', 'lease index covers pending rows only');
select matches(pg_get_indexdef('public.agent_commands_live_idx'::regclass),
  'WHERE \(status = ANY', 'live-lease index covers leased/running rows only');
select matches(pg_get_indexdef('public.agent_commands_dedup_key_idx'::regclass),
  '^CREATE UNIQUE INDEX .*\(gateway_id, dedup_key\) WHERE .*dedup_key IS NOT NULL', 'dedup_key unique among live rows');
select ok((select reloptions @> array['fillfactor=80', 'autovacuum_vacuum_scale_factor=0.01']
           from pg_class where oid = 'public.agent_commands'::regclass), 'hot table: fillfactor 80, vacuum scale 0.01');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime'
                  and schemaname = 'public' and tablename = 'agent_commands'), 'agent_commands is in supabase_realtime');
select is((select bool_and(not p.prosecdef) from pg_proc p where p.pronamespace = 'public'::regnamespace
           and p.proname in ('enqueue_command', 'lease_command', 'start_command', 'heartbeat_command',
                             'complete_command', 'fail_command', 'release_command', 'cancel_command')), true,
  'public command RPCs are invoker wrappers (no definer function in an exposed schema)');
select is((select count(*)::int from pg_proc p where p.pronamespace = 'private'::regnamespace and p.prosecdef
           and p.proconfig @> array['search_path=""']
           and p.proname in ('enqueue_command', 'lease_command', 'start_command', 'heartbeat_command',
                             'complete_command', 'fail_command', 'release_command', 'cancel_command')), 8,
  'the 8 private implementations are definer with an empty search_path');
select ok(not has_function_privilege('anon', 'public.lease_command(uuid, int, int, uuid)', 'execute'),
  'anon cannot execute lease_command');
select ok(has_function_privilege('authenticated', 'public.lease_command(uuid, int, int, uuid)', 'execute')
          and has_function_privilege('service_role', 'public.lease_command(uuid, int, int, uuid)', 'execute'),
  'authenticated and service_role can execute lease_command');

-- ----------------------------------------------------------------------------------------- enqueue
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

-- ----------------------------------------------------------------------------------------- authorization
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

-- ----------------------------------------------------------------------------------------- lease: arguments
select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.lease_command(null) $$, '22004', 'p_gateway_id must not be null', 'lease: null gateway');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 0) $$, '22023',
  'p_limit must be between 1 and 100 (got 0)', 'lease: limit 0');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 101) $$, '22023',
  'p_limit must be between 1 and 100 (got 101)', 'lease: limit 101');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', null) $$, '22004',
  'p_limit must not be null', 'lease: null limit');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1, 4) $$, '22023',
  'p_lease_seconds must be between 5 and 3600 (got 4)', 'lease: lease seconds too small');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1, 3601) $$, '22023',
  'p_lease_seconds must be between 5 and 3600 (got 3601)', 'lease: lease seconds too large');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000ff') $$, 'P0002',
  'p_gateway_id: gateway c4000000-0000-4000-8000-0000000000ff does not exist', 'lease: unknown gateway');
select tests.clear_authentication();
select is((select count(*)::int from public.agent_commands where status <> 'pending'), 0, 'refused leases leased nothing');

-- ----------------------------------------------------------------------------------------- lease: order, fencing
-- Cancel c1 first so the gateway's queue holds only what this section enqueues.
select tests.authenticate_as('cq_admin_a');
select is(public.cancel_command(tests.cq_id('c1')) ->> 'status', 'cancelled', 'an admin cancels a pending command');
select is(public.cancel_command(tests.cq_id('c1')) ->> 'idempotent', 'true', 'cancelling again is idempotent');
select tests.clear_authentication();
select ok((select finished_at is not null and cancel_requested from public.agent_commands where id = tests.cq_id('c1')),
  'cancelled pending command is finished');
select is(tests.cq_events('c1'), 'enqueued:->pending,cancelled:pending>cancelled', 'cancel wrote an event');
select is((select actor_user_id from public.agent_command_events where command_id = tests.cq_id('c1') and reason = 'cancelled'),
  tests.user_id('cq_admin_a'), 'event records auth.uid() of the caller');

select tests.authenticate_as_service_role();
insert into tests.cq (k, id) select 'low', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_priority => -5);
insert into tests.cq (k, id) select 'high', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_priority => 5);
insert into tests.cq (k, id) select 'mid', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update',
  p_available_at => now() - interval '1 minute');
insert into tests.cq (k, id) select 'mid2', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update');
insert into tests.cq (k, id) select 'future', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update',
  p_priority => 100, p_available_at => now() + interval '1 hour');
insert into tests.cq (k, id) select 'other_ws', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000b2', 'update', p_priority => 100);

insert into tests.cq (k, id, token, extra)
select 'lease1:' || ord, l.id, l.lease_token, to_jsonb(l)
from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 3) with ordinality as l(id, lease_token, attempt, lease_count,
  lease_expires_at, action, payload, agent_id, cancel_requested, ord);
select results_eq($$ select id from tests.cq where k like 'lease1:%' order by k $$,
  $$ values (tests.cq_id('high')), (tests.cq_id('mid')), (tests.cq_id('mid2')) $$,
  'lease returns priority desc, then available_at, then id; never future or other-gateway rows');
select is((select count(distinct token)::int from tests.cq where k like 'lease1:%'), 3, 'each leased row gets its own token');
select ok((select bool_and((extra ->> 'attempt')::int = 1 and (extra ->> 'lease_count')::int = 1
                   and (extra ->> 'lease_expires_at')::timestamptz = now() + interval '60 seconds')
           from tests.cq where k like 'lease1:%'), 'lease reports attempt 1, lease_count 1, expiry now()+60s');
select results_eq($$ select id from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 10) $$,
  $$ values (tests.cq_id('low')) $$, 'a second lease gets only what is left (no row handed out twice)');
select is_empty($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 10) $$,
  'nothing leasable left on gateway A (future row waits)');
select results_eq($$ select id from public.lease_command('c4000000-0000-4000-8000-0000000000b2', 10) $$,
  $$ values (tests.cq_id('other_ws')) $$, 'gateway B leases only its own workspace''s command');

-- start / heartbeat
select is(public.start_command(tests.cq_id('high'), tests.cq_token('lease1:1')),
  jsonb_build_object('ok', true, 'reason', null, 'status', 'running',
    'lease_expires_at', (select lease_expires_at from public.agent_commands where id = tests.cq_id('high')),
    'cancel_requested', false, 'idempotent', false, 'attempt', 1),
  'start: leased -> running, attempt 1, full result shape');
select is(public.start_command(tests.cq_id('high'), tests.cq_token('lease1:1')) ->> 'idempotent', 'true',
  'start again with the same token is idempotent');
select is((public.heartbeat_command(tests.cq_id('high'), tests.cq_token('lease1:1'), 600) ->> 'lease_expires_at')::timestamptz,
  now() + interval '600 seconds', 'heartbeat extends the lease');
select is((public.heartbeat_command(tests.cq_id('high'), tests.cq_token('lease1:1'), 10) ->> 'lease_expires_at')::timestamptz,
  now() + interval '600 seconds', 'heartbeat never shortens the lease');
select throws_ok($$ select public.heartbeat_command(tests.cq_id('high'), tests.cq_token('lease1:1'), 3601) $$, '22023',
  'p_extend_seconds must be between 5 and 3600 (got 3601)', 'heartbeat: extension capped at 3600 s');
select throws_ok($$ select public.start_command(null, tests.cq_token('lease1:1')) $$, '22004', 'p_id must not be null', 'start: null id');
select throws_ok($$ select public.start_command(tests.cq_id('high'), null) $$, '22004', 'p_lease_token must not be null', 'start: null token');
select throws_ok($$ select public.start_command('c4000000-0000-4000-8000-0000000000ff', gen_random_uuid()) $$, 'P0002',
  'p_id: command c4000000-0000-4000-8000-0000000000ff does not exist', 'start: unknown id');

-- Fencing: 'mid' expires before start, is leased again; the stale token can do nothing.
select tests.clear_authentication();
update public.agent_commands set lease_expires_at = now() - interval '1 second' where id = tests.cq_id('mid');
select tests.authenticate_as_service_role();
insert into tests.cq (k, id, token, extra)
select 'mid_relet', l.id, l.lease_token, to_jsonb(l) from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 10) l;
select is(tests.cq_id('mid_relet'), tests.cq_id('mid'), 'the expired-before-start command is requeued and leased again');
select is((select extra ->> 'lease_count' from tests.cq where k = 'mid_relet'), '2', 'lease_count counts the second lease');
select is((select extra ->> 'attempt' from tests.cq where k = 'mid_relet'), '1', 'expiry before start cost no attempt');
select isnt(tests.cq_token('mid_relet'), tests.cq_token('lease1:2'), 'the new lease has a new token');
select tests.clear_authentication();
create temp table cq_mid_before as select * from public.agent_commands where id = tests.cq_id('mid');
grant select on cq_mid_before to service_role, authenticated;
select tests.authenticate_as_service_role();
select is(public.complete_command(tests.cq_id('mid'), tests.cq_token('lease1:2'), '{"stale": true}'),
  jsonb_build_object('ok', false, 'reason', 'lease_lost', 'status', 'leased', 'lease_expires_at', null,
                     'cancel_requested', false, 'idempotent', false, 'attempt', 0),
  'stale complete -> lease_lost');
select is(public.fail_command(tests.cq_id('mid'), tests.cq_token('lease1:2'), 'stale') ->> 'reason', 'lease_lost', 'stale fail -> lease_lost');
select is(public.start_command(tests.cq_id('mid'), tests.cq_token('lease1:2')) ->> 'reason', 'lease_lost', 'stale start -> lease_lost');
select is(public.heartbeat_command(tests.cq_id('mid'), tests.cq_token('lease1:2')) ->> 'reason', 'lease_lost', 'stale heartbeat -> lease_lost');
select is(public.release_command(tests.cq_id('mid'), tests.cq_token('lease1:2')) ->> 'reason', 'lease_lost', 'stale release -> lease_lost');
select tests.clear_authentication();
select ok((select c.lease_token = tests.cq_token('mid_relet') and c.result is null and c.updated_at = b.updated_at
                  and c.status = 'leased' and c.lease_expires_at = b.lease_expires_at
           from public.agent_commands c, cq_mid_before b where c.id = tests.cq_id('mid')),
  'stale calls wrote nothing: the new holder''s lease is untouched');
select is(tests.cq_events('mid'), 'enqueued:->pending,leased:pending>leased,lease_expired:leased>pending,leased:pending>leased',
  'expiry and re-lease are events');

-- Idempotent finish.
select tests.authenticate_as_service_role();
select is(public.complete_command(tests.cq_id('mid'), tests.cq_token('mid_relet'), '{"ok": 1}', 0, 'out', 'err'),
  jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null,
                     'cancel_requested', false, 'idempotent', false, 'attempt', 1),
  'complete straight from leased: done, counts attempt 1');
select is(public.complete_command(tests.cq_id('mid'), tests.cq_token('mid_relet'), '{"ok": 2}'),
  jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null,
                     'cancel_requested', false, 'idempotent', true, 'attempt', 1),
  'repeated complete with the same token returns the stored outcome, idempotent');
select is(public.fail_command(tests.cq_id('mid'), tests.cq_token('mid_relet'), 'late') ->> 'reason', 'already_terminal',
  'fail after complete with the same token -> already_terminal');
select is(public.complete_command(tests.cq_id('mid'), tests.cq_token('lease1:2')) ->> 'reason', 'already_terminal',
  'complete with an old token on a finished command -> already_terminal');
select tests.clear_authentication();
select results_eq(
  $$ select status::text, result, exit_code, stdout, stderr, finished_lease_token, attempt, finished_at is not null
     from public.agent_commands where id = tests.cq_id('mid') $$,
  $$ values ('done', '{"ok": 1}'::jsonb, 0, 'out', 'err', tests.cq_token('mid_relet'), 1, true) $$,
  'the first completion is stored; the repeat changed nothing');

-- complete/fail argument checks (nothing written).
select tests.authenticate_as_service_role();
select throws_ok($$ select public.complete_command(tests.cq_id('high'), tests.cq_token('lease1:1'),
                      jsonb_build_object('blob', repeat('x', 300000))) $$, '54000',
  'p_result is too large: 300012 bytes (max 262144)', 'complete: oversized result');
select throws_ok($$ select public.complete_command(tests.cq_id('high'), tests.cq_token('lease1:1'), null, 0, repeat('x', 1048577)) $$, '54000',
  'p_stdout is too large: 1048577 bytes (max 1048576)', 'complete: oversized stdout');
select throws_ok($$ select public.fail_command(tests.cq_id('high'), tests.cq_token('lease1:1'), null) $$, '22004',
  'p_error must not be null', 'fail: null error');
select throws_ok($$ select public.fail_command(tests.cq_id('high'), tests.cq_token('lease1:1'), 'x', null) $$, '22004',
  'p_retryable must not be null', 'fail: null retryable');
select throws_ok($$ select public.fail_command(tests.cq_id('high'), tests.cq_token('lease1:1'), 'x', true, null, null, null, -1) $$, '22023',
  'p_retry_after_seconds must be between 0 and 86400 (got -1)', 'fail: negative retry_after');
select throws_ok($$ select public.cancel_command(null) $$, '22004', 'p_id must not be null', 'cancel: null id');
select throws_ok($$ select public.release_command('c4000000-0000-4000-8000-0000000000ff', gen_random_uuid()) $$, 'P0002',
  'p_id: command c4000000-0000-4000-8000-0000000000ff does not exist', 'release: unknown id');
select tests.clear_authentication();
select is((select status::text || '/' || attempt from public.agent_commands where id = tests.cq_id('high')), 'running/1',
  'refused complete/fail calls left the running command as it was');

-- release: before start only, no attempt cost.
select tests.authenticate_as_service_role();
select is(public.release_command(tests.cq_id('high'), tests.cq_token('lease1:1')),
  jsonb_build_object('ok', false, 'reason', 'invalid_state', 'status', 'running',
    'lease_expires_at', (select lease_expires_at from public.agent_commands where id = tests.cq_id('high')),
    'cancel_requested', false, 'idempotent', false, 'attempt', 1),
  'release after start -> invalid_state');
select is(public.release_command(tests.cq_id('mid2'), tests.cq_token('lease1:3')) ->> 'status', 'pending', 'release gives the command back');
select tests.clear_authentication();
select results_eq($$ select status::text, attempt, lease_count, lease_token is null from public.agent_commands where id = tests.cq_id('mid2') $$,
  $$ values ('pending', 0, 1, true) $$, 'released command: pending, no attempt used, lease cleared');

-- ----------------------------------------------------------------------------------------- retries, backoff, dead end
select tests.authenticate_as_service_role();
insert into tests.cq (k, id, token) select 'r1', l.id, l.lease_token from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1) l;
select is(tests.cq_id('r1'), tests.cq_id('mid2'), 'the released command is leased again');
select is(public.start_command(tests.cq_id('r1'), tests.cq_token('r1')) ->> 'attempt', '1', 'attempt 1 starts');
select is(public.fail_command(tests.cq_id('r1'), tests.cq_token('r1'), 'network down'),
  jsonb_build_object('ok', true, 'reason', null, 'status', 'pending', 'lease_expires_at', null,
                     'cancel_requested', false, 'idempotent', false, 'attempt', 1),
  'retryable failure with attempts left -> pending');
select is(public.fail_command(tests.cq_id('r1'), tests.cq_token('r1'), 'network down') ->> 'idempotent', 'true',
  'repeated fail with the same token is idempotent');
select tests.clear_authentication();
select ok((select available_at between now() + interval '1 second' and now() + interval '2 seconds'
           from public.agent_commands where id = tests.cq_id('r1')),
  'first retry waits 2 s * jitter(0.5..1) (available_at in the future)');
select is((select last_error from public.agent_commands where id = tests.cq_id('r1')), 'network down', 'error kept on retry');
select tests.authenticate_as_service_role();
select is_empty($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 10) $$,
  'a command in backoff is not leased');
select tests.clear_authentication();
update public.agent_commands set available_at = now() - interval '1 second' where id = tests.cq_id('r1');
select tests.authenticate_as_service_role();
insert into tests.cq (k, id, token, extra) select 'r2', l.id, l.lease_token, to_jsonb(l) from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1) l;
select is((select extra ->> 'attempt' from tests.cq where k = 'r2'), '2', 'after backoff the command is leased as attempt 2');
select is(public.fail_command(tests.cq_id('r2'), tests.cq_token('r2'), 'still down', true, 1, null, null, 30) ->> 'status', 'pending',
  'attempt 2 fails retryably (fail straight from leased counts the attempt)');
select tests.clear_authentication();
select ok((select available_at = now() + interval '30 seconds' and attempt = 2 from public.agent_commands where id = tests.cq_id('r2')),
  'p_retry_after_seconds sets the delay exactly');
update public.agent_commands set available_at = now() - interval '1 second' where id = tests.cq_id('r2');
select tests.authenticate_as_service_role();
insert into tests.cq (k, id, token) select 'r3', l.id, l.lease_token from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1) l;
select is(public.start_command(tests.cq_id('r3'), tests.cq_token('r3')) ->> 'attempt', '3', 'attempt 3 starts');
select is(public.fail_command(tests.cq_id('r3'), tests.cq_token('r3'), 'gave up', true, 2) ->> 'status', 'failed',
  'the last attempt failing ends in failed');
select tests.clear_authentication();
select results_eq($$ select status::text, attempt, max_attempts, last_error, failure_code, exit_code, finished_at is not null
                    from public.agent_commands where id = tests.cq_id('r3') $$,
  $$ values ('failed', 3, 3, 'gave up', 'attempts_exhausted', 2, true) $$,
  'dead end: failed, attempts = max, error kept');
select is(tests.cq_events('r3'),
  'enqueued:->pending,leased:pending>leased,released:leased>pending,leased:pending>leased,started:leased>running,'
  || 'retry_scheduled:running>pending,leased:pending>leased,retry_scheduled:leased>pending,leased:pending>leased,'
  || 'started:leased>running,failed:running>failed', 'every transition of the retried command is an event');

-- Permanent failure.
select tests.authenticate_as_service_role();
insert into tests.cq (k, id) select 'perm', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update');
insert into tests.cq (k, id, token) select 'perm_l', l.id, l.lease_token from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1) l;
select is(public.fail_command(tests.cq_id('perm'), tests.cq_token('perm_l'), 'bad payload', false) ->> 'status', 'failed',
  'non-retryable failure ends at once');
select tests.clear_authentication();
select is((select failure_code || '/' || attempt from public.agent_commands where id = tests.cq_id('perm')), 'permanent/1',
  'permanent failure recorded with one attempt');

-- ----------------------------------------------------------------------------------------- expiry after start
select tests.authenticate_as_service_role();
insert into tests.cq (k, id) select 'unsafe', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'install', p_priority => 10);
insert into tests.cq (k, id) select 'safe', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'status', p_priority => 9,
  p_safe_to_retry => true);
insert into tests.cq (k, id, token) select 'x:' || l.action, l.id, l.lease_token from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 2) l;
select is(public.start_command(tests.cq_id('unsafe'), tests.cq_token('x:install')) ->> 'ok', 'true', 'unsafe command started');
select is(public.start_command(tests.cq_id('safe'), tests.cq_token('x:status')) ->> 'ok', 'true', 'safe command started');
select tests.clear_authentication();
update public.agent_commands set lease_expires_at = now() - interval '1 second' where id in (tests.cq_id('unsafe'), tests.cq_id('safe'));
select is(private.sweep_expired_commands(), 2, 'the sweeper settles both expired leases');
select results_eq($$ select status::text, last_error, failure_code, finished_at is not null from public.agent_commands where id = tests.cq_id('unsafe') $$,
  $$ values ('failed', 'lease_expired_after_start', 'lease_expired_after_start', true) $$,
  'expired after start: failed with lease_expired_after_start');
select results_eq($$ select status::text, attempt, available_at > now(), started_at is null from public.agent_commands where id = tests.cq_id('safe') $$,
  $$ values ('pending', 1, true, true) $$,
  'expired after start, safe_to_retry: requeued after backoff, attempt kept');
select tests.authenticate_as_service_role();
select is(public.complete_command(tests.cq_id('unsafe'), tests.cq_token('x:install')) ->> 'reason', 'already_terminal',
  'the expired holder''s late complete is refused');
select tests.clear_authentication();
select is((select status::text from public.agent_commands where id = tests.cq_id('unsafe')), 'failed', 'late complete wrote nothing');

-- lease_limit: a command handed out max_leases times without finishing fails.
select tests.authenticate_as_service_role();
insert into tests.cq (k, id) select 'll', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_priority => 50);
insert into tests.cq (k, id, token) select 'll_l', l.id, l.lease_token from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1) l;
select tests.clear_authentication();
update public.agent_commands set lease_count = max_leases, lease_expires_at = now() - interval '1 second' where id = tests.cq_id('ll');
select tests.authenticate_as_service_role();
select is_empty($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1) where id = tests.cq_id('ll') $$,
  'a lease call reclaims the expired lease but does not hand it out again');
select tests.clear_authentication();
select results_eq($$ select status::text, failure_code, attempt from public.agent_commands where id = tests.cq_id('ll') $$,
  $$ values ('failed', 'lease_limit', 0) $$, 'max_leases reached: failed lease_limit, never executed');

-- ----------------------------------------------------------------------------------------- cancel while leased/running
select tests.authenticate_as_service_role();
insert into tests.cq (k, id) select 'cx', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_priority => 60);
insert into tests.cq (k, id) select 'cy', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_priority => 59);
insert into tests.cq (k, id) select 'cz', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_priority => 58);
insert into tests.cq (k, id, token) select 'c:' || l.id, l.id, l.lease_token from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 3) l;
update tests.cq set k = 'cx_l' where k = 'c:' || tests.cq_id('cx');
update tests.cq set k = 'cy_l' where k = 'c:' || tests.cq_id('cy');
update tests.cq set k = 'cz_l' where k = 'c:' || tests.cq_id('cz');
select is(public.start_command(tests.cq_id('cx'), tests.cq_token('cx_l')) ->> 'status', 'running', 'cx running');
select is(public.start_command(tests.cq_id('cz'), tests.cq_token('cz_l')) ->> 'status', 'running', 'cz running');
select tests.authenticate_as('cq_admin_a');
select is(public.cancel_command(tests.cq_id('cx')),
  jsonb_build_object('ok', true, 'reason', null, 'status', 'running',
    'lease_expires_at', (select lease_expires_at from public.agent_commands where id = tests.cq_id('cx')),
    'cancel_requested', true, 'idempotent', false, 'attempt', 1),
  'cancel of a running command sets cancel_requested, status unchanged');
select is(public.cancel_command(tests.cq_id('cy')) ->> 'cancel_requested', 'true', 'cancel of a leased command sets the flag');
select is(public.cancel_command(tests.cq_id('cz')) ->> 'cancel_requested', 'true', 'cancel of running cz sets the flag');
select tests.authenticate_as_service_role();
select is(public.heartbeat_command(tests.cq_id('cx'), tests.cq_token('cx_l')) ->> 'cancel_requested', 'true',
  'the holder sees cancel_requested on its next heartbeat');
select is(public.fail_command(tests.cq_id('cx'), tests.cq_token('cx_l'), 'aborted on cancel') ->> 'status', 'cancelled',
  'the holder''s fail after a cancel request ends it cancelled (no retry)');
select is(public.start_command(tests.cq_id('cy'), tests.cq_token('cy_l')),
  jsonb_build_object('ok', false, 'reason', 'already_terminal', 'status', 'cancelled', 'lease_expires_at', null,
                     'cancel_requested', true, 'idempotent', false, 'attempt', 0),
  'start of a cancel-requested lease cancels it without running');
select tests.clear_authentication();
update public.agent_commands set lease_expires_at = now() - interval '1 second' where id = tests.cq_id('cz');
select is(private.sweep_expired_commands(), 1, 'sweeper takes the expired cancel-requested lease');
select is((select status::text from public.agent_commands where id = tests.cq_id('cz')), 'cancelled',
  'a cancel-requested lease that expires ends cancelled');
select tests.authenticate_as_service_role();
select is(public.cancel_command(tests.cq_id('mid')) ->> 'reason', 'already_terminal', 'cancel of a done command -> already_terminal');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------------------- dedup lifecycle
select tests.authenticate_as_service_role();
insert into tests.cq (k, id) select 'd1', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_dedup_key => 'dk');
insert into tests.cq (k, id) select 'd_other_gw', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000b2', 'update', p_dedup_key => 'dk');
select isnt(tests.cq_id('d_other_gw'), tests.cq_id('d1'), 'dedup keys are scoped to the gateway');
select is(public.cancel_command(tests.cq_id('d1')) ->> 'status', 'cancelled', 'the keyed command ends');
select results_ne($$ select id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_dedup_key => 'dk') $$,
  $$ values (tests.cq_id('d1')) $$, 'a finished row frees its dedup_key');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------------------- idempotent lease
select tests.authenticate_as_service_role();
insert into tests.cq (k, id) select 'i1', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_priority => 90);
insert into tests.cq (k, id) select 'i2', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_priority => 89);
insert into tests.cq (k, id) select 'i3', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_priority => 88);
create temp table cq_req1 as
  select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 2, 60, 'c4000000-0000-4000-8000-00000000aaaa');
grant select on cq_req1 to service_role, authenticated;
select results_eq($$ select id from cq_req1 $$, $$ values (tests.cq_id('i1')), (tests.cq_id('i2')) $$, 'request R leases i1, i2');
select results_eq(
  $$ select id, lease_token, lease_count from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 2, 60, 'c4000000-0000-4000-8000-00000000aaaa') $$,
  $$ select id, lease_token, lease_count from cq_req1 $$,
  'repeating request R returns the same rows and tokens, no new lease');
select results_eq(
  $$ select id from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1, 60, 'c4000000-0000-4000-8000-00000000bbbb') $$,
  $$ values (tests.cq_id('i3')) $$, 'a different request id gets the next row, not Rs');
select tests.clear_authentication();
select is((select count(*)::int from public.agent_command_events where command_id in (tests.cq_id('i1'), tests.cq_id('i2')) and reason = 'leased'), 2,
  'the replayed lease wrote no events');
select tests.authenticate_as('cq_admin_b');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 2, 60, 'c4000000-0000-4000-8000-00000000aaaa') $$,
  '42501', 'permission denied: requires role admin in workspace c4000000-0000-4000-8000-0000000000a1',
  'another workspace''s admin cannot replay request R');
select tests.authenticate_as('cq_admin_a');
select throws_ok($$ select public.complete_command(tests.cq_id('other_ws'), gen_random_uuid()) $$, '42501',
  'permission denied: requires role admin in workspace c4000000-0000-4000-8000-0000000000b1',
  'an admin of A cannot finish a command of B');
select is(public.complete_command(tests.cq_id('i1'), (select lease_token from cq_req1 where id = tests.cq_id('i1'))) ->> 'status', 'done',
  'an authenticated admin of the workspace can complete');
select tests.clear_authentication();

-- ----------------------------------------------------------------------------------------- RLS
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.agent_commands $$, 'anon cannot select agent_commands');
select tests.assert_denied($$ select * from public.agent_command_events $$, 'anon cannot select agent_command_events');
select tests.assert_denied($$ insert into public.agent_commands (workspace_id, gateway_id, action)
  values ('c4000000-0000-4000-8000-0000000000a1', 'c4000000-0000-4000-8000-0000000000a2', 'x') $$, 'anon cannot insert commands');
select tests.authenticate_as('cq_admin_b');
select tests.assert_filtered($$ select * from public.agent_commands where workspace_id = 'c4000000-0000-4000-8000-0000000000a1' $$,
  'a member of another workspace sees none of A''s commands');
select tests.assert_filtered($$ select * from public.agent_command_events where workspace_id = 'c4000000-0000-4000-8000-0000000000a1' $$,
  'a member of another workspace sees none of A''s events');
select isnt_empty($$ select * from public.agent_commands where workspace_id = 'c4000000-0000-4000-8000-0000000000b1' $$,
  'the other workspace''s admin sees its own commands');
select tests.authenticate_as('cq_viewer_a');
select isnt_empty($$ select * from public.agent_commands where id = tests.cq_id('mid') $$, 'a viewer reads commands');
select isnt_empty($$ select * from public.agent_command_events where command_id = tests.cq_id('mid') $$, 'a viewer reads events');
select is((select count(*)::int from public.agent_commands where workspace_id <> 'c4000000-0000-4000-8000-0000000000a1'), 0,
  'a viewer sees only their workspace');
select tests.assert_denied($$ update public.agent_commands set priority = 1 $$, 'a viewer cannot update commands');
select tests.authenticate_as('cq_member_a');
select isnt_empty($$ select * from public.agent_commands where id = tests.cq_id('mid') $$, 'a member reads commands');
select tests.assert_denied($$ insert into public.agent_commands (workspace_id, gateway_id, action)
  values ('c4000000-0000-4000-8000-0000000000a1', 'c4000000-0000-4000-8000-0000000000a2', 'x') $$, 'a member cannot insert commands');
select tests.assert_denied($$ delete from public.agent_commands $$, 'a member cannot delete commands');
select tests.authenticate_as('cq_admin_a');
select isnt_empty($$ select * from public.agent_command_events where command_id = tests.cq_id('mid') $$, 'an admin reads events');
select tests.assert_denied($$ insert into public.agent_commands (workspace_id, gateway_id, action)
  values ('c4000000-0000-4000-8000-0000000000a1', 'c4000000-0000-4000-8000-0000000000a2', 'x') $$, 'an admin cannot insert directly');
select tests.assert_denied($$ update public.agent_commands set status = 'done' where id = tests.cq_id('mid2') $$, 'an admin cannot update directly');
select tests.assert_denied($$ delete from public.agent_commands where id = tests.cq_id('mid') $$, 'an admin cannot delete directly');
select tests.assert_denied($$ insert into public.agent_command_events (command_id, workspace_id, to_status, reason, attempt, lease_count, actor_role)
  values (tests.cq_id('mid'), 'c4000000-0000-4000-8000-0000000000a1', 'done', 'forged', 0, 0, 'x') $$, 'an admin cannot forge events');
select tests.assert_denied($$ update public.agent_command_events set reason = 'x' $$, 'an admin cannot update events');
select tests.assert_denied($$ delete from public.agent_command_events $$, 'an admin cannot delete events');
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.agent_commands where id = tests.cq_id('mid')), 1, 'service_role reads commands');
select tests.assert_denied($$ insert into public.agent_commands (workspace_id, gateway_id, action)
  values ('c4000000-0000-4000-8000-0000000000a1', 'c4000000-0000-4000-8000-0000000000a2', 'x') $$, 'service_role cannot insert directly');
select tests.assert_denied($$ update public.agent_commands set priority = 1 $$, 'service_role cannot update directly');
select tests.assert_denied($$ delete from public.agent_commands $$, 'service_role cannot delete directly');
select tests.assert_denied($$ update public.agent_command_events set reason = 'x' $$, 'service_role cannot update events');
select tests.assert_denied($$ delete from public.agent_command_events $$, 'service_role cannot delete events');
select tests.clear_authentication();
select throws_ok($$ update public.agent_command_events set reason = 'x' where command_id = tests.cq_id('mid') $$, '42501',
  'agent_command_events is append-only: UPDATE is not allowed', 'events refuse UPDATE even for the owner role');
select throws_ok($$ update public.agent_commands set lease_token = null where id = tests.cq_id('i2') $$, '23514', null,
  'CHECK: a leased row must carry its lease columns');
select throws_ok($$ update public.agent_commands set finished_at = null where id = tests.cq_id('mid') $$, '23514', null,
  'CHECK: a terminal row must carry finished_at');

-- ----------------------------------------------------------------------------------------- cost: 200k terminal rows
insert into public.agent_commands (workspace_id, gateway_id, action, status, attempt, finished_at, created_at)
select 'c4000000-0000-4000-8000-0000000000a1', 'c4000000-0000-4000-8000-0000000000a2', 'history', 'done', 1,
       now() - interval '1 day', now() - interval '1 day'
from generate_series(1, 200000);
analyze public.agent_commands;
create function pg_temp.cq_plan(p_sql text) returns json language plpgsql as $$
declare v json;
begin
  execute 'explain (analyze, buffers, format json) ' || p_sql into v;
  return v;
end $$;
create temp table cq_plan as select pg_temp.cq_plan($$
  select c.id from public.agent_commands c
  where c.gateway_id = 'c4000000-0000-4000-8000-0000000000a2' and c.status = 'pending' and c.available_at <= now()
  order by c.priority desc, c.available_at, c.id limit 10 for update skip locked $$) as p;
select matches((select p::text from cq_plan), 'agent_commands_lease_idx', 'with 200k terminal rows the lease query uses the partial lease index');
select doesnt_match((select p::text from cq_plan), 'Seq Scan', 'and never scans the table');
select cmp_ok((select (p -> 0 -> 'Plan' ->> 'Shared Hit Blocks')::int + (p -> 0 -> 'Plan' ->> 'Shared Read Blocks')::int from cq_plan),
  '<', 50, 'and touches a handful of buffers, independent of history size');

select * from finish();
rollback;
