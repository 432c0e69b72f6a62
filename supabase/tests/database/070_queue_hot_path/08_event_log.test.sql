-- Event log per workspace: the default ('changes', no setting needed) drops the events the row itself
-- records (enqueued, leased, started, completed) and keeps every other transition; 'all' logs every one.
begin;
select plan(14);

select tests.create_workspace_fixture('hpev');
select tests.create_agent_fixture(tests.workspace_id('hpev'), 'hpev-agent');
select tests.create_agent_fixture(tests.workspace_id('hpev', 'b'), 'hpev-agent-b');
update public.workspaces set settings = settings || '{"queue_event_log": "all"}' where id = tests.workspace_id('hpev', 'b');
select is((select settings ? 'queue_event_log' from public.workspaces where id = tests.workspace_id('hpev')), false,
  'workspace a has no event-log setting: the default applies');
create table tests.hpev (k text primary key, id uuid, token uuid);
grant all on tests.hpev to anon, authenticated, service_role;
create function tests.hpev_agent() returns uuid language sql stable security definer set search_path = '' as $$
  select a.id from public.agents a where a.slug = 'hpev-agent' $$;
create function tests.hpev_gw() returns uuid language sql stable security definer set search_path = '' as $$
  select a.gateway_id from public.agents a where a.slug = 'hpev-agent' $$;
create function tests.hpev_id(p_k text) returns uuid language sql stable as $$ select id from tests.hpev where k = p_k $$;
create function tests.hpev_token(p_k text) returns uuid language sql stable as $$ select token from tests.hpev where k = p_k $$;
create function tests.hpev_events(p_k text) returns text language sql stable security definer set search_path = '' as $$
  select coalesce(string_agg(e.reason, ',' order by e.id), '') from (
    select reason, id from public.agent_command_events where command_id = (select id from tests.hpev where k = p_k)
    union all
    select reason, id from public.agent_inbox_events where item_id = (select id from tests.hpev where k = p_k)) e
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

select tests.authenticate_as_service_role();
insert into tests.hpev (k, id) select 'c' || n, (select e.id from public.enqueue_command(tests.hpev_gw(), 'test.events', p_priority => 10 - n) e)
from generate_series(1, 3) n;
insert into tests.hpev (k, id) select 'i1', e.id from public.enqueue_inbox_item(tests.hpev_agent(), 'test.events') e;
update tests.hpev h set token = l.lease_token from public.lease_command(tests.hpev_gw(), 3, 60) l where h.id = l.id;
update tests.hpev h set token = l.lease_token from public.lease_inbox_item(tests.hpev_agent(), 1, 60) l where h.id = l.id;
select is(tests.hpev_events('c1'), '', 'enqueue and lease write no event');
select is(public.start_command(tests.hpev_id('c1'), tests.hpev_token('c1')) ->> 'status', 'running', 'c1 starts');
select is(public.complete_command(tests.hpev_id('c1'), tests.hpev_token('c1')) ->> 'status', 'done', 'c1 completes');
select is(tests.hpev_events('c1'), '', 'start and complete write no event either');
select is(public.fail_command(tests.hpev_id('c2'), tests.hpev_token('c2'), 'flaky') ->> 'status', 'pending', 'c2 fails retryably');
select is(tests.hpev_events('c2'), 'retry_scheduled', 'a retry is logged');
select is(public.release_command(tests.hpev_id('c3'), tests.hpev_token('c3')) ->> 'status', 'pending', 'c3 is released');
select is(tests.hpev_events('c3'), 'released', 'a release is logged');
select is(public.complete_inbox_item(tests.hpev_id('i1'), tests.hpev_token('i1')) ->> 'status', 'done', 'the inbox item completes');
select is(tests.hpev_events('i1'), '', 'inbox: enqueue, lease, complete write no event');
select tests.clear_authentication();


-- 'all': every transition of the same life is logged.
insert into tests.hpev (k, id) select 'b1', e.id
from public.enqueue_command((select a.gateway_id from public.agents a where a.slug = 'hpev-agent-b'), 'test.events') e;
update tests.hpev h set token = l.lease_token
from public.lease_command((select a.gateway_id from public.agents a where a.slug = 'hpev-agent-b'), 1, 60) l where h.id = l.id;
select is(public.start_command(tests.hpev_id('b1'), tests.hpev_token('b1')) ->> 'status', 'running', 'b1 starts');
select is(public.complete_command(tests.hpev_id('b1'), tests.hpev_token('b1')) ->> 'status', 'done', 'b1 completes');
select is(tests.hpev_events('b1'), 'enqueued,leased,started,completed', '''all'' logs enqueue, lease, start and complete');

select * from finish();
rollback;
