-- complete_commands / fail_commands: every element answered as the single call answers it (ok, lease_lost,
-- idempotent replay, not_found), in input order, in one transaction; argument errors and authorization.
begin;
select plan(29);

select tests.create_workspace_fixture('hpbc');
-- This file checks the event trail: event log 'all' (the default is 'changes').
update public.workspaces set settings = settings || '{"queue_event_log": "all"}' where id in (tests.workspace_id('hpbc'), tests.workspace_id('hpbc', 'b'));
select tests.create_agent_fixture(tests.workspace_id('hpbc'), 'hpbc-agent');
select tests.create_agent_fixture(tests.workspace_id('hpbc', 'b'), 'hpbc-agent-b');

create table tests.hpbc (k text primary key, id uuid, token uuid);
grant all on tests.hpbc to anon, authenticated, service_role;
create function tests.hpbc_id(p_k text) returns uuid language sql stable as $$ select id from tests.hpbc where k = p_k $$;
create function tests.hpbc_token(p_k text) returns uuid language sql stable as $$ select token from tests.hpbc where k = p_k $$;
create function tests.hpbc_gw(p_which text default 'a') returns uuid language sql stable security definer set search_path = '' as $$
  select a.gateway_id from public.agents a where a.slug = case p_which when 'a' then 'hpbc-agent' else 'hpbc-agent-b' end
$$;
-- One element of p_items.
create function tests.hpbc_item(p_k text, p_extra jsonb default '{}') returns jsonb language sql stable as $$
  select jsonb_build_object('id', tests.hpbc_id(p_k), 'lease_token', tests.hpbc_token(p_k)) || p_extra
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- Five commands (priority fixes the lease order), all leased by one call.
select tests.authenticate_as_service_role();
insert into tests.hpbc (k, id)
select 'c' || n, (select e.id from public.enqueue_command(tests.hpbc_gw(), 'test.batch', p_priority => 10 - n) e)
from generate_series(1, 5) n;
insert into tests.hpbc (k, id) select 'b1', e.id from public.enqueue_command(tests.hpbc_gw('b'), 'test.batch') e;
update tests.hpbc h set token = l.lease_token from public.lease_command(tests.hpbc_gw(), 5, 60) l where h.id = l.id;
update tests.hpbc h set token = l.lease_token from public.lease_command(tests.hpbc_gw('b'), 1, 60) l where h.id = l.id;
select is((select count(*)::int from tests.hpbc where token is not null), 6, 'six live leases to finish');

-- ------------------------------------------------------------------------------------ complete_commands
create temp table hpbc_out as
select row_number() over () as n, r.id, r.result
from public.complete_commands(jsonb_build_array(
  tests.hpbc_item('c1', '{"result": {"n": 1}, "exit_code": 3}'),
  jsonb_build_object('id', tests.hpbc_id('c2'), 'lease_token', gen_random_uuid()),
  tests.hpbc_item('c3'),
  tests.hpbc_item('c3'),
  jsonb_build_object('id', 'c0ffee00-0000-4000-8000-000000000000', 'lease_token', gen_random_uuid())
)) r;
grant select on hpbc_out to anon, authenticated, service_role;
select is((select array_agg(id order by n) from hpbc_out),
  array[tests.hpbc_id('c1'), tests.hpbc_id('c2'), tests.hpbc_id('c3'), tests.hpbc_id('c3'), 'c0ffee00-0000-4000-8000-000000000000'::uuid],
  'one answer per element, in input order');
select is((select result from hpbc_out where n = 1),
  jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null, 'cancel_requested', false,
                     'idempotent', false, 'attempt', 1),
  'a live token completes, exactly as complete_command answers');
select is((select result ->> 'reason' from hpbc_out where n = 2), 'lease_lost', 'a wrong token is refused: lease_lost');
select is((select result ->> 'ok' from hpbc_out where n = 3), 'true', 'c3 completes');
select is((select (result ->> 'ok') || '/' || (result ->> 'idempotent') from hpbc_out where n = 4), 'true/true',
  'the same element twice in one batch: the second is an idempotent replay');
select is((select result ->> 'reason' from hpbc_out where n = 5), 'not_found', 'an unknown id answers not_found, the batch goes on');
select tests.clear_authentication();

select results_eq($$ select status::text, result, exit_code, finished_lease_token from public.agent_command_history where id = tests.hpbc_id('c1') $$,
  $$ values ('done', '{"n": 1}'::jsonb, 3, tests.hpbc_token('c1')) $$, 'completed rows moved to history with their outcome');
select is((select count(*)::int from only public.agent_commands where id in (tests.hpbc_id('c1'), tests.hpbc_id('c3'))), 0,
  'and left the hot table');
select is((select status::text from only public.agent_commands where id = tests.hpbc_id('c2')), 'leased', 'the refused element is untouched');
select is((select count(*)::int from public.agent_command_events where command_id in (tests.hpbc_id('c1'), tests.hpbc_id('c3')) and reason = 'completed'), 2,
  'one completed event per accepted element, none for the replay');

-- The whole batch again: every element is now a replay or a refusal, nothing changes.
select tests.authenticate_as_service_role();
select is(
  (select array_agg((r.result ->> 'ok') || '/' || coalesce(r.result ->> 'idempotent', '-') || '/' || coalesce(r.result ->> 'reason', '-') order by r.id)
   from public.complete_commands(jsonb_build_array(tests.hpbc_item('c1'), tests.hpbc_item('c3'))) r),
  (select array_agg('true/true/-'::text) from generate_series(1, 2)),
  'repeating a batch after the rows moved answers idempotent:true for each');
select is((select r.result ->> 'reason' from public.complete_commands(jsonb_build_array(
            jsonb_build_object('id', tests.hpbc_id('c1'), 'lease_token', gen_random_uuid()))) r), 'already_terminal',
  'another token on a finished row: already_terminal');
select is((select count(*)::int from public.complete_commands('[]'::jsonb)), 0, 'an empty batch answers nothing');

-- ------------------------------------------------------------------------------------ fail_commands
create temp table hpbc_fail as
select row_number() over () as n, r.id, r.result
from public.fail_commands(jsonb_build_array(
  tests.hpbc_item('c2', '{"error": "boom", "retryable": false}'),
  tests.hpbc_item('c4', '{"error": "later", "retry_after_seconds": 30}')
)) r;
select is((select result ->> 'status' from hpbc_fail where n = 1), 'failed', 'a permanent failure ends the command');
select is((select result ->> 'status' from hpbc_fail where n = 2), 'pending', 'a retryable failure schedules a retry (retryable defaults to true)');
select is((select (r.result ->> 'idempotent') from public.fail_commands(jsonb_build_array(tests.hpbc_item('c2', '{"error": "boom"}'))) r), 'true',
  'a repeated fail after the move replays the stored outcome');
select tests.clear_authentication();
select results_eq($$ select status::text, failure_code, last_error from public.agent_command_history where id = tests.hpbc_id('c2') $$,
  $$ values ('failed', 'permanent', 'boom') $$, 'the failed row is in history');
select results_eq($$ select status::text, available_at > now() + interval '29 seconds' from only public.agent_commands where id = tests.hpbc_id('c4') $$,
  $$ values ('pending', true) $$, 'the retried row stays in the hot table, delayed');

-- ------------------------------------------------------------------------------------ one transaction
-- A later element with a bad argument rolls back the earlier ones (elements of one id run in input order).
select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.fail_commands(jsonb_build_array(tests.hpbc_item('c5', '{"error": "x"}'), tests.hpbc_item('c5'))) $$,
  '22004', 'p_error must not be null', 'an element without error raises for the whole batch');
select is((select status::text from only public.agent_commands where id = tests.hpbc_id('c5')), 'leased',
  'and the element before it was not failed (one transaction)');

-- ------------------------------------------------------------------------------------ bad input
select throws_ok($$ select * from public.complete_commands(null) $$, '22004', 'p_items must not be null', 'p_items null');
select throws_ok($$ select * from public.complete_commands('{"id": 1}') $$, '22023', 'p_items must be a JSON array (got object)', 'p_items not an array');
select throws_ok($$ select * from public.complete_commands('[1, 2]') $$, '22023', 'p_items elements must be JSON objects', 'elements not objects');
select throws_ok($$ select * from public.complete_commands('[{"lease_token": "c0ffee00-0000-4000-8000-000000000000"}]') $$, '22004',
  'p_items[0].id must not be null', 'an element without id');
select throws_ok($$ select * from public.complete_commands((select jsonb_agg(jsonb_build_object('id', gen_random_uuid())) from generate_series(1, 1001))) $$,
  '22023', 'p_items must hold at most 1000 elements (got 1001)', 'more than 1000 elements');

-- ------------------------------------------------------------------------------------ authorization
select tests.authenticate_as('hpbc_member');
select throws_ok($$ select * from public.complete_commands(jsonb_build_array(tests.hpbc_item('c5'))) $$, '42501', null,
  'a member cannot finish commands');
select tests.authenticate_as('hpbc_outsider');
select throws_ok($$ select * from public.complete_commands(jsonb_build_array(tests.hpbc_item('c5'))) $$, '42501', null,
  'an admin of another workspace cannot finish this workspace''s commands');
select tests.authenticate_as('hpbc_admin');
select is((select r.result ->> 'status' from public.complete_commands(jsonb_build_array(tests.hpbc_item('c5'))) r), 'done',
  'a workspace admin can');
select tests.clear_authentication();

select * from finish();
rollback;
