-- Porting: HQ's inbox dedup key was unique for ever. Here a dedup key is unique among live rows, and a
-- workspace may also remember keys for settings.queue_idempotency_window_hours (both queues): within the
-- window a replay answers the first row's id with deduplicated = true even after that row finished.
-- Covers: window off (replay after finish enqueues again), window on (replay after finish is absorbed),
-- expiry, the key following a live row that absorbed the enqueue, isolation across gateways, agents and
-- workspaces, the setting's validation and cap, pruning of expired keys, automations following the
-- setting, and that no API role can read the key tables.
begin;
select plan(51);

select tests.create_workspace_fixture('idw');
-- Test 23 counts enqueue events: event log 'all' (the default is 'changes').
update public.workspaces set settings = settings || '{"queue_event_log": "all"}' where id = tests.workspace_id('idw');
create table tests.idw (k text primary key, id uuid not null);
grant all on tests.idw to anon, authenticated, service_role;
insert into tests.idw values
  ('agent_a', tests.create_agent_fixture(tests.workspace_id('idw'), 'idw-agent')),
  ('agent_a2', tests.create_agent_fixture(tests.workspace_id('idw'), 'idw-agent-two')),
  ('agent_b', tests.create_agent_fixture(tests.workspace_id('idw', 'b'), 'idw-agent-b'));
insert into tests.idw select 'gw' || substr(i.k, 6), a.gateway_id from tests.idw i join public.agents a on a.id = i.id;

create function tests.idw_id(p_k text) returns uuid language sql stable as $$ select id from tests.idw where k = p_k $$;

-- Enqueue on scope a | a2 | b (command: the agent's gateway; inbox: the agent) with a dedup key; remember
-- the returned id under p_label and answer deduplicated.
create function tests.idw_enqueue(p_label text, p_queue text, p_scope text, p_key text) returns boolean
language plpgsql as $$
declare
  r record;
begin
  if p_queue = 'command' then
    select e.id, e.deduplicated into r
    from public.enqueue_command(tests.idw_id('gw_' || p_scope), 'test.idempotency', p_dedup_key => p_key) e;
  else
    select e.id, e.deduplicated into r
    from public.enqueue_inbox_item(tests.idw_id('agent_' || p_scope), 'test.idempotency', p_dedup_key => p_key) e;
  end if;
  insert into tests.idw values (p_label, r.id);
  return r.deduplicated;
end
$$;

-- Lease the labelled row (the only live one of its queue) and complete it; answers the final status.
create function tests.idw_finish(p_label text) returns text
language plpgsql as $$
declare
  v_id uuid := tests.idw_id(p_label);
  r record;
begin
  if exists (select 1 from only public.agent_commands c where c.id = v_id) then
    select l.id, l.lease_token into r
    from public.lease_command((select c.gateway_id from only public.agent_commands c where c.id = v_id), 1, 60) l;
    if r.id is distinct from v_id then
      raise exception 'idw_finish: leased % instead of %', r.id, v_id;
    end if;
    return public.complete_command(r.id, r.lease_token) ->> 'status';
  end if;
  select l.id, l.lease_token into r
  from public.lease_inbox_item((select i.agent_id from only public.agent_inbox_items i where i.id = v_id), 1, 60) l;
  if r.id is distinct from v_id then
    raise exception 'idw_finish: leased % instead of %', r.id, v_id;
  end if;
  return public.complete_inbox_item(r.id, r.lease_token) ->> 'status';
end
$$;

-- Rows (live and finished) of one scope with one key.
create function tests.idw_rows(p_queue text, p_scope text, p_key text) returns int
language sql stable security definer set search_path = '' as $$
  select case when p_queue = 'command'
    then (select count(*)::int from public.agent_commands c
          where c.gateway_id = tests.idw_id('gw_' || p_scope) and c.dedup_key = p_key)
    else (select count(*)::int from public.agent_inbox_items i
          where i.agent_id = tests.idw_id('agent_' || p_scope) and i.dedup_key = p_key) end
$$;

create function tests.idw_window(p_workspace uuid, p_hours int) returns void
language sql security definer set search_path = '' as $$
  update public.workspaces set settings = settings || jsonb_build_object('queue_idempotency_window_hours', p_hours)
  where id = p_workspace
$$;
grant execute on all functions in schema tests to anon, authenticated, service_role;

-- =========================================================================== window off: live dedup only
select tests.authenticate_as_service_role();
select is(tests.idw_enqueue('c_off1', 'command', 'a', 'off-key'), false, 'off: the first command is new');
select is(tests.idw_enqueue('c_off2', 'command', 'a', 'off-key'), true, 'off: a replay while it is live is deduplicated');
select is(tests.idw_id('c_off2'), tests.idw_id('c_off1'), 'off: and answers the live command');
select is(tests.idw_finish('c_off1'), 'done', 'off: the command completes');
select is(tests.idw_enqueue('c_off3', 'command', 'a', 'off-key'), false, 'off: a replay after it finished enqueues again');
select isnt(tests.idw_id('c_off3'), tests.idw_id('c_off1'), 'off: as a new command');
select is(tests.idw_enqueue('i_off1', 'inbox', 'a', 'off-key'), false, 'off: the first inbox item is new');
select is(tests.idw_finish('i_off1'), 'done', 'off: the inbox item completes');
select is(tests.idw_enqueue('i_off2', 'inbox', 'a', 'off-key'), false, 'off: an inbox replay after it finished enqueues again');
select isnt(tests.idw_id('i_off2'), tests.idw_id('i_off1'), 'off: as a new item');
select is(tests.idw_finish('c_off3') || '/' || tests.idw_finish('i_off2'), 'done/done', 'off: the replays complete too (the queues are empty again)');
select tests.clear_authentication();
select is((select count(*)::int from private.agent_command_idempotency_keys) + (select count(*)::int from private.agent_inbox_idempotency_keys),
  0, 'off: no key is remembered');

-- =========================================================================== window on: 24 hours in workspace a
select tests.idw_window(tests.workspace_id('idw'), 24);
select tests.authenticate_as_service_role();
select is(tests.idw_enqueue('c_on1', 'command', 'a', 'on-key'), false, 'on: the first command is new');
select is(tests.idw_finish('c_on1'), 'done', 'on: the command completes');
select is(tests.idw_enqueue('c_on2', 'command', 'a', 'on-key'), true, 'on: a replay after it finished is deduplicated');
select is(tests.idw_id('c_on2'), tests.idw_id('c_on1'), 'on: and answers the finished command''s id');
select is(tests.idw_rows('command', 'a', 'on-key'), 1, 'on: still one command with that key, live or finished');
select is(tests.idw_enqueue('i_on1', 'inbox', 'a', 'on-key'), false, 'on: the first inbox item is new');
select is(tests.idw_finish('i_on1'), 'done', 'on: the inbox item completes');
select is(tests.idw_enqueue('i_on2', 'inbox', 'a', 'on-key'), true, 'on: an inbox replay after it finished is deduplicated');
select is(tests.idw_id('i_on2'), tests.idw_id('i_on1'), 'on: and answers the finished item''s id');
select is(tests.idw_rows('inbox', 'a', 'on-key'), 1, 'on: still one inbox item with that key');
select tests.clear_authentication();
select is((select count(*)::int from public.agent_command_events e where e.command_id = tests.idw_id('c_on1') and e.reason = 'enqueued'),
  1, 'on: the absorbed replay wrote no event');
select is((select expires_at from private.agent_command_idempotency_keys where gateway_id = tests.idw_id('gw_a') and dedup_key = 'on-key'),
  now() + interval '24 hours', 'on: the key is remembered for the workspace''s 24 hours');

-- Isolation: the window is per gateway / agent; workspace b keeps live dedup only.
select tests.authenticate_as_service_role();
select is(tests.idw_enqueue('c_a2', 'command', 'a2', 'on-key'), false, 'another gateway of the workspace: its own key');
select is(tests.idw_enqueue('i_a2', 'inbox', 'a2', 'on-key'), false, 'another agent of the workspace: its own key');
select is(tests.idw_enqueue('c_b1', 'command', 'b', 'on-key'), false, 'the other workspace: its own key');
select is(tests.idw_finish('c_b1'), 'done', 'the other workspace''s command completes');
select is(tests.idw_enqueue('c_b2', 'command', 'b', 'on-key'), false, 'the other workspace (window off) enqueues the replay again');

-- A live row enqueued while the window was off absorbs the first windowed enqueue, and the key follows it.
select tests.clear_authentication();
select tests.idw_window(tests.workspace_id('idw'), 0);
select tests.authenticate_as_service_role();
select is(tests.idw_enqueue('c_late1', 'command', 'a', 'late-key'), false, 'window off again: a new command');
select tests.clear_authentication();
select tests.idw_window(tests.workspace_id('idw'), 24);
select tests.authenticate_as_service_role();
select is(tests.idw_enqueue('c_late2', 'command', 'a', 'late-key'), true, 'window on: the live command absorbs the enqueue');
select is(tests.idw_id('c_late2'), tests.idw_id('c_late1'), 'and answers its id');
select is(tests.idw_finish('c_late1'), 'done', 'the command completes');
select is(tests.idw_enqueue('c_late3', 'command', 'a', 'late-key'), true, 'a replay after it finished is deduplicated by the key');
select is(tests.idw_id('c_late3'), tests.idw_id('c_late1'), 'the key names the command that absorbed it, not a row never inserted');

-- Expiry: a key past expires_at is taken over by the next enqueue.
select tests.clear_authentication();
update private.agent_command_idempotency_keys set expires_at = now() - interval '1 second'
where gateway_id = tests.idw_id('gw_a') and dedup_key = 'on-key';
update private.agent_inbox_idempotency_keys set expires_at = now() - interval '1 second'
where agent_id = tests.idw_id('agent_a') and dedup_key = 'on-key';
select tests.authenticate_as_service_role();
select is(tests.idw_enqueue('c_on3', 'command', 'a', 'on-key'), false, 'expired: the replay enqueues a new command');
select is(tests.idw_enqueue('i_on3', 'inbox', 'a', 'on-key'), false, 'expired: the replay enqueues a new inbox item');
select tests.clear_authentication();
select is((select command_id::text || ' ' || (expires_at = now() + interval '24 hours') from private.agent_command_idempotency_keys
           where gateway_id = tests.idw_id('gw_a') and dedup_key = 'on-key'),
  tests.idw_id('c_on3')::text || ' true', 'expired: the key now names the new command for another window');

-- =========================================================================== the setting
select tests.authenticate_as('idw_admin');
select throws_ok($$update public.workspaces set settings = settings || '{"queue_idempotency_window_hours": 721}' where id = tests.workspace_id('idw')$$,
  '22023', 'settings.queue_idempotency_window_hours must be a whole number of hours from 0 (off) to 720 (24 x queue_history_retention_days, 30), got 721',
  'a window longer than the default 30 days of history is refused, naming the setting and the cap');
select throws_ok($$update public.workspaces set settings = settings || '{"queue_idempotency_window_hours": "24"}' where id = tests.workspace_id('idw')$$,
  '22023', null, 'a string is refused');
select throws_ok($$update public.workspaces set settings = settings || '{"queue_idempotency_window_hours": 1.5}' where id = tests.workspace_id('idw')$$,
  '22023', null, 'a fraction is refused');
select throws_ok($$update public.workspaces set settings = settings || '{"queue_idempotency_window_hours": -1}' where id = tests.workspace_id('idw')$$,
  '22023', null, 'a negative number is refused');
select lives_ok($$update public.workspaces set settings = settings || '{"queue_history_retention_days": 60, "queue_idempotency_window_hours": 1440}' where id = tests.workspace_id('idw')$$,
  'with 60 days of history, 60 days of window are accepted');
select throws_ok($$update public.workspaces set settings = settings || '{"queue_history_retention_days": 7}' where id = tests.workspace_id('idw')$$,
  '22023', null, 'history retention cannot be cut below the window');
select lives_ok($$update public.workspaces set settings = settings || '{"queue_idempotency_window_hours": 0}' where id = tests.workspace_id('idw', 'b')$$,
  '0 (off) is accepted');
select tests.clear_authentication();

-- Automations enqueue through the same path, so they follow the workspace's window.
insert into public.tasks (workspace_id, title, assignee_agent_id)
values (tests.workspace_id('idw'), 'Windowed assignment', tests.idw_id('agent_a'));
select is((select count(*)::int from private.agent_inbox_idempotency_keys k
           join public.agent_inbox_items i on i.id = k.item_id and i.event_type = 'task_assignment'
           where k.agent_id = tests.idw_id('agent_a') and k.dedup_key like 'task-assigned:%'),
  1, 'a task assignment remembers its event key in the window');

-- =========================================================================== pruning and access
insert into private.agent_command_idempotency_keys (gateway_id, dedup_key, command_id, expires_at)
select tests.idw_id('gw_a2'), 'old-' || n, gen_random_uuid(), now() - make_interval(hours => n) from generate_series(1, 3) n;
insert into private.agent_inbox_idempotency_keys (agent_id, dedup_key, item_id, expires_at)
select tests.idw_id('agent_a2'), 'old-' || n, gen_random_uuid(), now() - make_interval(hours => n) from generate_series(1, 2) n;
select is(private.prune_queue_history(2, 1000) -> 'idempotency_keys', '5'::jsonb, 'the retention job deletes the five expired keys, two per statement');
select is((select count(*)::int from private.agent_command_idempotency_keys where dedup_key like 'old-%')
        + (select count(*)::int from private.agent_inbox_idempotency_keys where dedup_key like 'old-%'), 0, 'none is left');
select is((select count(*)::int from private.agent_command_idempotency_keys where dedup_key in ('on-key', 'late-key') and gateway_id = tests.idw_id('gw_a')),
  2, 'unexpired keys stay');

select tests.authenticate_as('idw_owner');
select tests.assert_denied($$select * from private.agent_command_idempotency_keys$$, 'a workspace owner cannot read the command keys');
select tests.clear_authentication();
select tests.authenticate_as_service_role();
select tests.assert_denied($$select * from private.agent_inbox_idempotency_keys$$, 'service_role cannot read the inbox keys');
select tests.clear_authentication();

select * from finish();
rollback;
