-- The single complete's fast path moves a live lease to history before it authorizes the caller: a
-- refused caller (another tenant's admin, a member) must leave the row leased, with nothing in history,
-- no event and no notification; the owner's own complete then finishes it once.
begin;
select plan(12);

select tests.create_workspace_fixture('hpff');
select tests.create_agent_fixture(tests.workspace_id('hpff'), 'hpff-agent');
create temp table hpff (k text primary key, id uuid, token uuid);
grant all on hpff to authenticated, service_role;

-- The admin requests one command and one inbox item is queued; the service role leases both.
select tests.authenticate_as('hpff_admin');
insert into hpff (k, id) select 'c', e.id
from public.enqueue_command((select a.gateway_id from public.agents a where a.slug = 'hpff-agent'), 'test.fast') e;
select tests.clear_authentication();
select tests.authenticate_as_service_role();
insert into hpff (k, id) select 'i', e.id
from public.enqueue_inbox_item((select a.id from public.agents a where a.slug = 'hpff-agent'), 'test.fast') e;
update hpff h set token = l.lease_token
from public.lease_command((select a.gateway_id from public.agents a where a.slug = 'hpff-agent'), 1, 60) l where h.id = l.id;
update hpff h set token = l.lease_token
from public.lease_inbox_item((select a.id from public.agents a where a.slug = 'hpff-agent'), 1, 60) l where h.id = l.id;
select tests.clear_authentication();

-- Refused with the live token: another tenant's admin, then a member of the workspace.
select tests.authenticate_as('hpff_outsider');
select throws_ok($$ select public.complete_command((select id from hpff where k = 'c'), (select token from hpff where k = 'c')) $$,
  '42501', null, 'another tenant''s admin cannot complete the command, live token or not');
select throws_ok($$ select public.complete_inbox_item((select id from hpff where k = 'i'), (select token from hpff where k = 'i')) $$,
  '42501', null, 'nor the inbox item');
select tests.clear_authentication();
select tests.authenticate_as('hpff_member');
select throws_ok($$ select public.complete_command((select id from hpff where k = 'c'), (select token from hpff where k = 'c')) $$,
  '42501', null, 'a member cannot complete the command');
select tests.clear_authentication();

select is((select status::text from only public.agent_commands where id = (select id from hpff where k = 'c')), 'leased',
  'the refused completes left the command leased in the hot table');
select is((select count(*)::int from public.agent_command_history where id = (select id from hpff where k = 'c')), 0,
  'and put nothing in history');
select is((select status::text from only public.agent_inbox_items where id = (select id from hpff where k = 'i')), 'leased',
  'the inbox item is still leased too');
select is((select count(*)::int from public.notifications where entity_id = (select id from hpff where k = 'c')), 0,
  'no notification was sent for a refused complete');

-- The holder completes: once, with the requester notified through the history row.
select tests.authenticate_as_service_role();
select is(public.complete_command((select id from hpff where k = 'c'), (select token from hpff where k = 'c'), '{"ok": true}') ->> 'attempt',
  '1', 'the holder completes; completing from leased counts the attempt');
select is(public.complete_command((select id from hpff where k = 'c'), (select token from hpff where k = 'c')) ->> 'idempotent',
  'true', 'a repeated complete is idempotent');
select is(public.complete_inbox_item((select id from hpff where k = 'i'), (select token from hpff where k = 'i')) ->> 'status',
  'done', 'the inbox item completes');
select tests.clear_authentication();
select is((select status::text || '/' || (result ->> 'ok') from public.agent_command_history where id = (select id from hpff where k = 'c')),
  'done/true', 'history holds the command, done, with its result');
select is((select count(*)::int from public.notifications where entity_id = (select id from hpff where k = 'c')
           and kind = 'command.done' and user_id = tests.user_id('hpff_admin')), 1, 'the requester got one command.done');

select * from finish();
rollback;
