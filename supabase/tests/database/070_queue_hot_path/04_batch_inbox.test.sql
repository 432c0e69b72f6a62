-- complete_inbox_items / fail_inbox_items: answered per element like the single calls, in input order,
-- one transaction; inbox specifics (dead_letter, serialized items stay fenced).
begin;
select plan(13);

select tests.create_workspace_fixture('hpbi');
select tests.create_agent_fixture(tests.workspace_id('hpbi'), 'hpbi-agent');
create table tests.hpbi (k text primary key, id uuid, token uuid);
grant all on tests.hpbi to anon, authenticated, service_role;
create function tests.hpbi_agent() returns uuid language sql stable security definer set search_path = '' as $$
  select a.id from public.agents a where a.slug = 'hpbi-agent' $$;
create function tests.hpbi_item(p_k text, p_extra jsonb default '{}') returns jsonb language sql stable as $$
  select jsonb_build_object('id', h.id, 'lease_token', h.token) || p_extra from tests.hpbi h where h.k = p_k
$$;
create function tests.hpbi_id(p_k text) returns uuid language sql stable as $$ select id from tests.hpbi where k = p_k $$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

select tests.authenticate_as_service_role();
insert into tests.hpbi (k, id)
select 'i' || n, (select e.id from public.enqueue_inbox_item(tests.hpbi_agent(), 'test.batch', p_priority => 10 - n, p_max_attempts => 1) e)
from generate_series(1, 4) n;
update tests.hpbi h set token = l.lease_token from public.lease_inbox_item(tests.hpbi_agent(), 4, 60) l where h.id = l.id;
select is((select count(*)::int from tests.hpbi where token is not null), 4, 'four live leases');

create temp table hpbi_out as
select row_number() over () as n, r.id, r.result
from public.complete_inbox_items(jsonb_build_array(
  tests.hpbi_item('i2', '{"result": {"ok": true}}'),
  jsonb_build_object('id', tests.hpbi_id('i1'), 'lease_token', gen_random_uuid()),
  tests.hpbi_item('i2')
)) r;
select is((select array_agg(id order by n) from hpbi_out), array[tests.hpbi_id('i2'), tests.hpbi_id('i1'), tests.hpbi_id('i2')],
  'answers in input order');
select is((select result from hpbi_out where n = 1),
  jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null, 'cancel_requested', false,
                     'idempotent', false, 'attempt', 1),
  'a live token completes, as complete_inbox_item answers');
select is((select result ->> 'reason' from hpbi_out where n = 2), 'lease_lost', 'a wrong token: lease_lost');
select is((select result ->> 'idempotent' from hpbi_out where n = 3), 'true', 'a repeated element: idempotent replay');

create temp table hpbi_fail as
select row_number() over () as n, r.id, r.result
from public.fail_inbox_items(jsonb_build_array(
  tests.hpbi_item('i3', '{"error": "bad input", "retryable": false}'),
  tests.hpbi_item('i4', '{"error": "flaky"}'),
  jsonb_build_object('id', 'c0ffee00-0000-4000-8000-000000000000', 'lease_token', gen_random_uuid(), 'error', 'x')
)) r;
select is((select result ->> 'status' from hpbi_fail where n = 1), 'dead_letter', 'a permanent failure dead-letters');
select is((select result ->> 'status' from hpbi_fail where n = 2), 'dead_letter', 'a retryable failure on the last attempt dead-letters too');
select is((select result ->> 'reason' from hpbi_fail where n = 3), 'not_found', 'an unknown id: not_found');
select is((select r.result ->> 'idempotent' from public.fail_inbox_items(jsonb_build_array(tests.hpbi_item('i3', '{"error": "bad input"}'))) r), 'true',
  'a repeated fail after the move replays the stored outcome');
select tests.clear_authentication();

select results_eq($$ select status::text, failure_code from public.agent_inbox_history where id in (select id from tests.hpbi where k in ('i3', 'i4')) order by failure_code $$,
  $$ values ('dead_letter', 'attempts_exhausted'), ('dead_letter', 'permanent') $$, 'both dead letters are in history with their reasons');
select is((select status::text from only public.agent_inbox_items where id = tests.hpbi_id('i1')), 'leased', 'the refused item is still leased');

select tests.authenticate_as('hpbi_member');
select throws_ok($$ select * from public.complete_inbox_items(jsonb_build_array(tests.hpbi_item('i1'))) $$, '42501', null,
  'a member cannot finish inbox items');
select tests.authenticate_as('hpbi_outsider');
select throws_ok($$ select * from public.fail_inbox_items(jsonb_build_array(tests.hpbi_item('i1', '{"error": "x"}'))) $$, '42501', null,
  'an admin of another workspace cannot either');
select tests.clear_authentication();

select * from finish();
rollback;
