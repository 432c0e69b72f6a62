-- Queue wakeups: an enqueue sends one private Broadcast per gateway (commands) or agent (inbox items);
-- a deduplicated enqueue sends none; only admins of the workspace may receive them; nobody may send.
begin;
select plan(17);

select tests.create_workspace_fixture('wake');
select tests.create_agent_fixture(tests.workspace_id('wake'), 'wake-agent');
select tests.create_agent_fixture(tests.workspace_id('wake', 'b'), 'wake-other');

create temporary table wk (k text primary key, id uuid) on commit drop;
grant all on wk to authenticated, anon, service_role;
insert into wk select 'gw', id from public.gateways where slug = 'wake-agent-gw';
insert into wk select 'agent', id from public.agents where slug = 'wake-agent';
insert into wk select 'gw_b', id from public.gateways where slug = 'wake-other-gw';

create function pg_temp.topic(p_kind text, p_k text) returns text language sql stable
  as $$ select 'agentbase:' || p_kind || ':' || (select id from wk where k = p_k) $$;
create function pg_temp.sent(p_topic text) returns int language sql stable
  as $$ select count(*)::int from realtime.messages where topic = p_topic $$;

-- ------------------------------------------------------------------------------------------- sending
select tests.authenticate_as_service_role();
select public.enqueue_command(p_gateway_id => (select id from wk where k = 'gw'), p_action => 'wake.run', p_dedup_key => 'once');
select tests.clear_authentication();
select is(pg_temp.sent(pg_temp.topic('gateway', 'gw')), 1, 'an enqueued command sends one message on its gateway topic');
select is((select event || ' ' || private::text || ' ' || (payload ->> 'queue') || ' ' || (payload ->> 'count')
           from realtime.messages where topic = pg_temp.topic('gateway', 'gw')),
  'enqueued true commands 1', 'the message is a private broadcast event naming the queue and the count');
select is((select extension from realtime.messages where topic = pg_temp.topic('gateway', 'gw')), 'broadcast',
  'it is a Broadcast message');

select tests.authenticate_as_service_role();
select public.enqueue_command(p_gateway_id => (select id from wk where k = 'gw'), p_action => 'wake.run', p_dedup_key => 'once');
select tests.clear_authentication();
select is(pg_temp.sent(pg_temp.topic('gateway', 'gw')), 1, 'a deduplicated enqueue (nothing inserted) sends nothing');

select tests.authenticate_as_service_role();
select public.enqueue_inbox_item(p_agent_id => (select id from wk where k = 'agent'), p_event_type => 'task_assigned');
select tests.clear_authentication();
select is(pg_temp.sent(pg_temp.topic('agent', 'agent')), 1, 'an inbox item sends one message on its agent topic');
select is((select payload ->> 'queue' from realtime.messages where topic = pg_temp.topic('agent', 'agent')), 'inbox',
  'the inbox message names its queue');
select is(pg_temp.sent(pg_temp.topic('gateway', 'gw_b')), 0, 'other gateways hear nothing');

-- ----------------------------------------------------------------------------------------- receiving
-- Realtime evaluates the policy with the channel's topic in realtime.topic().
select tests.authenticate_as('wake_admin');
select set_config('realtime.topic', pg_temp.topic('gateway', 'gw'), true);
select is((select count(*)::int from realtime.messages), 1, 'an admin of the workspace receives its gateway wakeups');
select set_config('realtime.topic', pg_temp.topic('agent', 'agent'), true);
select is((select count(*)::int from realtime.messages), 1, 'an admin of the workspace receives its agent wakeups');

select tests.authenticate_as('wake_owner');
select set_config('realtime.topic', pg_temp.topic('gateway', 'gw'), true);
select is((select count(*)::int from realtime.messages), 1, 'an owner receives them too');

select tests.authenticate_as('wake_member');
select set_config('realtime.topic', pg_temp.topic('gateway', 'gw'), true);
select tests.assert_filtered($$ select * from realtime.messages $$, 'a member (who cannot lease) receives nothing');

select tests.authenticate_as('wake_viewer');
select set_config('realtime.topic', pg_temp.topic('agent', 'agent'), true);
select tests.assert_filtered($$ select * from realtime.messages $$, 'a viewer receives nothing');

select tests.authenticate_as('wake_outsider');
select set_config('realtime.topic', pg_temp.topic('gateway', 'gw'), true);
select tests.assert_filtered($$ select * from realtime.messages $$, 'another workspace''s admin receives nothing on this gateway');

select tests.authenticate_as_anon();
select set_config('realtime.topic', pg_temp.topic('gateway', 'gw'), true);
select tests.assert_filtered($$ select * from realtime.messages $$, 'anon receives nothing');

select tests.authenticate_as('wake_admin');
select set_config('realtime.topic', 'agentbase:gateway:not-a-uuid', true);
select tests.assert_filtered($$ select * from realtime.messages $$, 'a malformed topic matches nothing');

-- --------------------------------------------------------------------------------------- no sending
select tests.authenticate_as('wake_admin');
select set_config('realtime.topic', pg_temp.topic('gateway', 'gw'), true);
select tests.assert_denied($$ insert into realtime.messages (topic, extension, payload, event, private)
  values ('agentbase:gateway:' || (select id from wk where k = 'gw'), 'broadcast', '{}', 'enqueued', true) $$,
  'an admin cannot send a fake wakeup');
select tests.authenticate_as('wake_outsider');
select tests.assert_denied($$ insert into realtime.messages (topic, extension, payload, event, private)
  values ('agentbase:gateway:' || (select id from wk where k = 'gw'), 'broadcast', '{}', 'enqueued', true) $$,
  'another workspace''s admin cannot send one either');

select * from finish();
rollback;
