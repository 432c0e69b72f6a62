-- Finished rows move to history in the transaction that finishes them, on every path (complete, fail,
-- release, cancel, start of a cancelled command, expiry); the contract still answers from history
-- (idempotent replays, already_terminal); dedup keys free up; deletes cascade to history and events;
-- retention follows each workspace's setting.
begin;
select plan(33);

select tests.create_workspace_fixture('hphi');
-- This file checks the event trail: event log 'all' (the default is 'changes').
update public.workspaces set settings = settings || '{"queue_event_log": "all"}' where id in (tests.workspace_id('hphi'), tests.workspace_id('hphi', 'b'));
select tests.create_agent_fixture(tests.workspace_id('hphi'), 'hphi-agent');
select tests.create_agent_fixture(tests.workspace_id('hphi', 'b'), 'hphi-agent-b');

create table tests.hphi (k text primary key, id uuid, token uuid);
grant all on tests.hphi to anon, authenticated, service_role;
create function tests.hphi_id(p_k text) returns uuid language sql stable as $$ select id from tests.hphi where k = p_k $$;
create function tests.hphi_token(p_k text) returns uuid language sql stable as $$ select token from tests.hphi where k = p_k $$;
create function tests.hphi_agent(p_which text default 'a') returns uuid language sql stable security definer set search_path = '' as $$
  select a.id from public.agents a where a.slug = case p_which when 'a' then 'hphi-agent' else 'hphi-agent-b' end
$$;
create function tests.hphi_gw(p_which text default 'a') returns uuid language sql stable security definer set search_path = '' as $$
  select a.gateway_id from public.agents a where a.id = tests.hphi_agent(p_which)
$$;
-- Where a row is now: 'hot', 'history' or 'gone'.
create function tests.hphi_where(p_id uuid) returns text language sql stable security definer set search_path = '' as $$
  select case
    when exists (select 1 from only public.agent_commands c where c.id = p_id)
      or exists (select 1 from only public.agent_inbox_items i where i.id = p_id) then 'hot'
    when exists (select 1 from public.agent_command_history h where h.id = p_id)
      or exists (select 1 from public.agent_inbox_history h where h.id = p_id) then 'history'
    else 'gone' end
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

select tests.authenticate_as_service_role();
insert into tests.hphi (k, id)
select 'c' || n, (select e.id from public.enqueue_command(tests.hphi_gw(), 'test.history', p_priority => 10 - n,
                                                          p_dedup_key => 'key-' || n) e)
from generate_series(1, 6) n;
update tests.hphi h set token = l.lease_token from public.lease_command(tests.hphi_gw(), 5, 60) l where h.id = l.id;

-- complete -> history; replays answer from history.
select is((public.complete_command(tests.hphi_id('c1'), tests.hphi_token('c1'), '{"x": 1}')) ->> 'status', 'done', 'c1 completes');
select is(tests.hphi_where(tests.hphi_id('c1')), 'history', 'a completed command is in history, not the hot table');
select is(public.complete_command(tests.hphi_id('c1'), tests.hphi_token('c1')),
  jsonb_build_object('ok', true, 'reason', null, 'status', 'done', 'lease_expires_at', null, 'cancel_requested', false,
                     'idempotent', true, 'attempt', 1),
  'complete again with the same token: the stored outcome, idempotent:true');
select is(public.complete_command(tests.hphi_id('c1'), gen_random_uuid()) ->> 'reason', 'already_terminal',
  'complete with another token: already_terminal');
select is(public.fail_command(tests.hphi_id('c1'), tests.hphi_token('c1'), 'late') ->> 'reason', 'already_terminal',
  'fail with the completing token: already_terminal (a different outcome is not a replay)');
select is(public.start_command(tests.hphi_id('c1'), tests.hphi_token('c1')) ->> 'reason', 'already_terminal', 'start after the move: already_terminal');
select is(public.heartbeat_command(tests.hphi_id('c1'), tests.hphi_token('c1')) ->> 'reason', 'already_terminal', 'heartbeat after the move: already_terminal');
select is(public.cancel_command(tests.hphi_id('c1')) ->> 'reason', 'already_terminal', 'cancel after done: already_terminal');
select throws_ok($$ select public.complete_command('c0ffee00-0000-4000-8000-000000000000', gen_random_uuid()) $$, 'P0002',
  'p_id: command c0ffee00-0000-4000-8000-000000000000 does not exist', 'an id in neither table: P0002');

-- The dedup key of a finished command is free again.
select isnt((select e.id from public.enqueue_command(tests.hphi_gw(), 'test.history', p_dedup_key => 'key-1') e), tests.hphi_id('c1'),
  'enqueue with the key of a finished command creates a new command');

-- fail (permanent) / release at the lease cap / cancel pending / start of a cancel-requested command.
select is(public.fail_command(tests.hphi_id('c2'), tests.hphi_token('c2'), 'boom', false) ->> 'status', 'failed', 'c2 fails permanently');
select is(tests.hphi_where(tests.hphi_id('c2')), 'history', 'a failed command moves to history');
select is(public.fail_command(tests.hphi_id('c2'), tests.hphi_token('c2'), 'boom', false) ->> 'idempotent', 'true', 'fail replay after the move');
select is(public.fail_command(tests.hphi_id('c3'), tests.hphi_token('c3'), 'flaky') ->> 'status', 'pending', 'c3 fails retryably');
select is(tests.hphi_where(tests.hphi_id('c3')), 'hot', 'a retry stays in the hot table');
select is(public.cancel_command(tests.hphi_id('c6')) ->> 'status', 'cancelled', 'pending c6 is cancelled');
select is(tests.hphi_where(tests.hphi_id('c6')), 'history', 'a cancelled command moves to history');
select is(public.cancel_command(tests.hphi_id('c6')) ->> 'idempotent', 'true', 'cancel again answers idempotent:true from history');
select is(public.cancel_command(tests.hphi_id('c4')) ->> 'status', 'leased', 'leased c4: cancel requested');
select is(public.start_command(tests.hphi_id('c4'), tests.hphi_token('c4')) ->> 'status', 'cancelled', 'starting it ends it as cancelled');
select is(tests.hphi_where(tests.hphi_id('c4')), 'history', 'and moves it to history');
select tests.clear_authentication();

-- Expiry that ends a command (started, not safe to retry) moves it too.
select tests.authenticate_as_service_role();
select is(public.start_command(tests.hphi_id('c5'), tests.hphi_token('c5')) ->> 'status', 'running', 'c5 runs');
select tests.clear_authentication();
update public.agent_commands set lease_expires_at = now() - interval '1 second' where id = tests.hphi_id('c5');
select is(private.sweep_expired_commands(), 1, 'the sweeper settles the expired lease');
select results_eq($$ select status::text, failure_code from public.agent_command_history where id = tests.hphi_id('c5') $$,
  $$ values ('failed', 'lease_expired_after_start') $$, 'an expiry after start ends in history');

-- A finish called from inside another trigger (pg_trigger_depth() > 0) still keeps the row's events.
insert into tests.hphi (k, id) select 'c7', e.id from public.enqueue_command(tests.hphi_gw(), 'test.history') e;
create temp table hphi_cancels (id uuid);
create function pg_temp.hphi_cancel() returns trigger language plpgsql as $$
begin
  perform public.cancel_command(new.id);
  return null;
end $$;
create trigger hphi_cancel after insert on hphi_cancels for each row execute function pg_temp.hphi_cancel();
insert into hphi_cancels values (tests.hphi_id('c7'));
select is(tests.hphi_where(tests.hphi_id('c7')) || '/' || (select string_agg(reason, ',' order by id) from public.agent_command_events where command_id = tests.hphi_id('c7')),
  'history/enqueued,cancelled', 'a cancel run by a trigger moves the row and keeps its events');

-- Reading the hot table's name reads both (inheritance); `only` reads the live rows.
select is((select count(*)::int from public.agent_commands where gateway_id = tests.hphi_gw()), 8, 'agent_commands lists live and finished commands');
select is((select count(*)::int from only public.agent_commands where gateway_id = tests.hphi_gw()), 2, 'only agent_commands holds the live ones');
select is((select count(*)::int from public.agent_command_events where command_id = tests.hphi_id('c1')), 3,
  'events outlive the move (enqueued, leased, completed)');

-- Inbox: complete moves, replay answers from history.
select tests.authenticate_as_service_role();
insert into tests.hphi (k, id) select 'i1', e.id from public.enqueue_inbox_item(tests.hphi_agent(), 'test.history') e;
update tests.hphi h set token = l.lease_token from public.lease_inbox_item(tests.hphi_agent(), 1, 60) l where h.id = l.id;
select is(public.complete_inbox_item(tests.hphi_id('i1'), tests.hphi_token('i1')) ->> 'status', 'done', 'the inbox item completes');
select is(public.complete_inbox_item(tests.hphi_id('i1'), tests.hphi_token('i1')) ->> 'idempotent', 'true', 'and replays from history');
select tests.clear_authentication();
select is(tests.hphi_where(tests.hphi_id('i1')), 'history', 'a completed inbox item is in history');

-- Deleting the agent (cascade) removes its finished items and their events.
delete from public.agents where id = tests.hphi_agent();
select is(tests.hphi_where(tests.hphi_id('i1')) || '/' || (select count(*) from public.agent_inbox_events where item_id = tests.hphi_id('i1')),
  'gone/0', 'deleting an agent removes its inbox history and those events');
-- Deleting the gateway removes its live and finished commands and all their events.
delete from public.gateways where workspace_id = tests.workspace_id('hphi') and slug = 'hphi-agent-gw';
select is((select count(*)::int from public.agent_command_events where command_id in (select id from tests.hphi where k like 'c%')), 0,
  'deleting a gateway removes its commands (live and finished) and their events');

select * from finish();
rollback;
