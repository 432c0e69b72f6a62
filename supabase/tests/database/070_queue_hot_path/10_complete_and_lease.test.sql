-- complete_and_lease_commands / complete_and_lease_inbox_items: the finish answers exactly as the batch
-- finish (one element through the live-lease path, several or stale ones through the batch), then the
-- lease leases exactly as the lease call; one transaction, so a refused caller changes nothing.
begin;
select plan(22);

select tests.create_workspace_fixture('hpcl');
select tests.create_agent_fixture(tests.workspace_id('hpcl'), 'hpcl-agent');
create function pg_temp.gw() returns uuid language sql stable as $$ select a.gateway_id from public.agents a where a.slug = 'hpcl-agent' $$;
create function pg_temp.agent() returns uuid language sql stable as $$ select a.id from public.agents a where a.slug = 'hpcl-agent' $$;
create temp table hpcl (k text primary key, v jsonb);
grant all on hpcl to authenticated, service_role;
grant execute on all functions in schema pg_temp to authenticated, service_role;

select tests.authenticate_as_service_role();
-- Five commands: the repeated call below leases the fourth, so one is left for r3.
select count(*) from generate_series(1, 5) n, lateral public.enqueue_command(pg_temp.gw(), 'test.loop', jsonb_build_object('n', n), p_priority => 10 - n);
select count(*) from generate_series(1, 3) n, lateral public.enqueue_inbox_item(pg_temp.agent(), 'test.loop', p_priority => 10 - n);

-- [] finishes nothing and leases like lease_command.
insert into hpcl values ('r1', public.complete_and_lease_commands(pg_temp.gw(), '[]', 1, 60));
select is(jsonb_array_length((select v -> 'completed' from hpcl where k = 'r1')), 0, 'commands: [] completes nothing');
select is((select v #>> '{leased,0,payload,n}' from hpcl where k = 'r1'), '1', 'and leases the highest-priority command');
select ok((select (v #>> '{leased,0,lease_token}') is not null and (v #>> '{leased,0,attempt}')::int = 1 from hpcl where k = 'r1'),
  'the leased row carries its lease token and attempt, as lease_command returns them');

-- One held lease: completed through the live path, the next one leased, one call.
insert into hpcl values ('r2', public.complete_and_lease_commands(pg_temp.gw(),
  jsonb_build_array(jsonb_build_object('id', (select v #>> '{leased,0,id}' from hpcl where k = 'r1'),
                                       'lease_token', (select v #>> '{leased,0,lease_token}' from hpcl where k = 'r1'),
                                       'result', '{"ok": true}'::jsonb)), 2, 60));
select is((select v #> '{completed,0,result}' ->> 'status' from hpcl where k = 'r2'), 'done', 'the held command is completed');
select is((select v #> '{completed,0,result}' ->> 'idempotent' from hpcl where k = 'r2'), 'false', 'for the first time');
select is((select status::text || '/' || (result ->> 'ok') from public.agent_command_history where id = (select (v #>> '{leased,0,id}')::uuid from hpcl where k = 'r1')),
  'done/true', 'it is in history, done, with its result');
select is((select array_agg((e ->> 'payload')::jsonb ->> 'n' order by o) from hpcl, jsonb_array_elements(v -> 'leased') with ordinality x(e, o) where k = 'r2'),
  array['2', '3'], 'and the next two are leased in priority order');

-- The same element again (a retried call): answered as the batch answers a repeat, idempotent.
select is((public.complete_and_lease_commands(pg_temp.gw(),
  jsonb_build_array(jsonb_build_object('id', (select v #>> '{leased,0,id}' from hpcl where k = 'r1'),
                                       'lease_token', (select v #>> '{leased,0,lease_token}' from hpcl where k = 'r1'))), 1, 60))
          #> '{completed,0,result}' ->> 'idempotent', 'true', 'a repeated complete is answered idempotent');
-- Two held leases plus an unknown id, finished in one call: answered per element in input order.
insert into hpcl values ('r3', public.complete_and_lease_commands(pg_temp.gw(),
  (select jsonb_agg(jsonb_build_object('id', e ->> 'id', 'lease_token', e ->> 'lease_token')) from hpcl, jsonb_array_elements(v -> 'leased') e where k = 'r2')
  || jsonb_build_array(jsonb_build_object('id', gen_random_uuid(), 'lease_token', gen_random_uuid())), 5, 60));
select is((select array_agg(e #>> '{result,status}' order by o) from hpcl, jsonb_array_elements(v -> 'completed') with ordinality x(e, o) where k = 'r3'),
  array['done', 'done', null], 'several elements: each answered, in input order');
select is((select v #>> '{completed,2,result,reason}' from hpcl where k = 'r3'), 'not_found', 'an unknown id is not_found, as in complete_commands');
select is((select jsonb_array_length(v -> 'leased') from hpcl where k = 'r3'), 1, 'and the one command left is leased');
-- A stale token on its own goes through the batch: answered, not raised.
select is((public.complete_and_lease_commands(pg_temp.gw(),
  jsonb_build_array(jsonb_build_object('id', (select v #>> '{leased,0,id}' from hpcl where k = 'r3'), 'lease_token', gen_random_uuid())), 1, 60))
          #>> '{completed,0,result,ok}', 'false', 'a stale token is refused in the answer');
select is((select status::text from only public.agent_commands where id = (select (v #>> '{leased,0,id}')::uuid from hpcl where k = 'r3')),
  'leased', 'and the command stays leased');

-- Bad input raises before anything happens.
select throws_ok($$ select public.complete_and_lease_commands(pg_temp.gw(), null, 1, 60) $$, '22004', 'p_items must not be null', 'null p_items is refused');
select throws_ok($$ select public.complete_and_lease_commands(pg_temp.gw(), '{}', 1, 60) $$, '22023', null, 'p_items must be an array');
select throws_ok($$ select public.complete_and_lease_commands(pg_temp.gw(), '[]', 0, 60) $$, '22023', null, 'p_limit is checked as lease_command checks it');
select tests.clear_authentication();

-- Another tenant's admin: refused, and the finish of the same call is rolled back with it.
select tests.authenticate_as('hpcl_outsider');
select throws_ok(format($$ select public.complete_and_lease_commands(%L, %L, 1, 60) $$, pg_temp.gw(),
  jsonb_build_array(jsonb_build_object('id', (select v #>> '{leased,0,id}' from hpcl where k = 'r3'), 'lease_token', (select v #>> '{leased,0,lease_token}' from hpcl where k = 'r3')))),
  '42501', null, 'another tenant''s admin cannot finish or lease');
select tests.clear_authentication();
select is((select status::text from only public.agent_commands where id = (select (v #>> '{leased,0,id}')::uuid from hpcl where k = 'r3')),
  'leased', 'the refused call left the command leased');
select ok(not has_function_privilege('anon', 'public.complete_and_lease_commands(uuid, jsonb, int, int, uuid)', 'execute')
          and not has_function_privilege('anon', 'public.complete_and_lease_inbox_items(uuid, jsonb, int, int, uuid)', 'execute'),
  'anon cannot execute either call');

-- Inbox: the same loop.
select tests.authenticate_as_service_role();
insert into hpcl values ('i1', public.complete_and_lease_inbox_items(pg_temp.agent(), '[]', 1, 60));
insert into hpcl values ('i2', public.complete_and_lease_inbox_items(pg_temp.agent(),
  jsonb_build_array(jsonb_build_object('id', (select v #>> '{leased,0,id}' from hpcl where k = 'i1'),
                                       'lease_token', (select v #>> '{leased,0,lease_token}' from hpcl where k = 'i1'),
                                       'result', '{"handled": true}'::jsonb)), 5, 60));
select is((select v #>> '{completed,0,result,status}' from hpcl where k = 'i2'), 'done', 'inbox: the held item is completed');
select is((select result ->> 'handled' from public.agent_inbox_history where id = (select (v #>> '{leased,0,id}')::uuid from hpcl where k = 'i1')),
  'true', 'inbox: it is in history with its result');
select is((select jsonb_array_length(v -> 'leased') from hpcl where k = 'i2'), 2, 'inbox: the other two are leased');
select tests.clear_authentication();

select * from finish();
rollback;
