-- Robot connections: heartbeats keep them live; the sweeper expires the silent ones (each by its own
-- timeout), once; closed connections refuse heartbeats; stopping a machine closes its connections.
begin;
select plan(19);

select tests.create_workspace_fixture('edc');
-- Other live connections in the database (demo data, other tests' commits) are closed for this
-- transaction, so the sweeper's counts below are this file's own.
update public.desktop_connections set status = 'disconnected' where status = 'connected';
insert into public.desktop_virtual_machines (id, workspace_id, name) values
  ('e5100000-0000-4000-8000-0000000000c1', tests.workspace_id('edc'), 'vm-1'),
  ('e5100000-0000-4000-8000-0000000000c2', tests.workspace_id('edc'), 'vm-2');
update public.desktop_virtual_machines set status = 'running' where id = 'e5100000-0000-4000-8000-0000000000c1';

-- Robot clients connect as service_role.
select tests.authenticate_as_service_role();
insert into public.desktop_connections (id, workspace_id, vm_id, client_id, heartbeat_timeout_seconds) values
  ('e5100000-0000-4000-8000-0000000000d1', tests.workspace_id('edc'), 'e5100000-0000-4000-8000-0000000000c1', 'robot-fresh', 90),
  ('e5100000-0000-4000-8000-0000000000d2', tests.workspace_id('edc'), 'e5100000-0000-4000-8000-0000000000c1', 'robot-stale', 90),
  ('e5100000-0000-4000-8000-0000000000d3', tests.workspace_id('edc'), 'e5100000-0000-4000-8000-0000000000c1', 'robot-patient', 600),
  ('e5100000-0000-4000-8000-0000000000d4', tests.workspace_id('edc'), 'e5100000-0000-4000-8000-0000000000c2', 'robot-other-vm', 90);
select is((select count(*)::int from public.desktop_connections
           where workspace_id = tests.workspace_id('edc') and status = 'connected' and disconnected_at is null), 4, 'four live connections');
select throws_ok($$ insert into public.desktop_connections (workspace_id, vm_id, client_id)
  values (tests.workspace_id('edc'), 'e5100000-0000-4000-8000-0000000000c1', 'robot-fresh') $$,
  '23505', null, 'one live connection per robot client and machine');
select throws_ok($$ insert into public.desktop_connections (workspace_id, vm_id, client_id, status)
  values (tests.workspace_id('edc'), 'e5100000-0000-4000-8000-0000000000c1', 'robot-new', 'expired') $$,
  '55000', 'desktop_connections.status: a new connection starts connected, not expired', 'a connection starts connected');

-- Five minutes of silence for three of them (the fresh one keeps beating).
update public.desktop_connections set last_heartbeat_at = now() - interval '5 minutes'
where id in ('e5100000-0000-4000-8000-0000000000d2', 'e5100000-0000-4000-8000-0000000000d3', 'e5100000-0000-4000-8000-0000000000d4');
update public.desktop_connections set last_heartbeat_at = now() where id = 'e5100000-0000-4000-8000-0000000000d1';
select tests.clear_authentication();
-- The sweeper is global: keep other workspaces' connections (the demo seed has one) out of its count.
update public.desktop_connections set last_heartbeat_at = now()
where workspace_id <> tests.workspace_id('edc') and status = 'connected';

select is(private.expire_stale_desktop_connections(), 2, 'the sweeper expires the two connections past their 90 s timeout');
select is((select array_agg(client_id order by client_id) from public.desktop_connections
           where workspace_id = tests.workspace_id('edc') and status = 'expired'),
  array['robot-other-vm', 'robot-stale'], 'exactly the silent ones with a short timeout');
select ok((select bool_and(disconnected_at is not null and close_reason = 'heartbeat timeout') from public.desktop_connections where status = 'expired'),
  'expired connections are closed with the reason');
select is((select status from public.desktop_connections where id = 'e5100000-0000-4000-8000-0000000000d3'),
  'connected'::public.desktop_connection_status, 'a connection with a 10-minute timeout survives 5 minutes of silence');
select is(private.expire_stale_desktop_connections(), 0, 'a second sweep finds nothing more');
select is(private.expire_stale_desktop_connections(now() + interval '10 minutes'), 2,
  'ten minutes later the patient and the fresh one expire too');

-- A closed connection refuses heartbeats and status changes; the robot reconnects with a new row.
select tests.authenticate_as_service_role();
select throws_ok($$ update public.desktop_connections set last_heartbeat_at = now() where id = 'e5100000-0000-4000-8000-0000000000d2' $$,
  '55000', 'desktop_connections.last_heartbeat_at: connection e5100000-0000-4000-8000-0000000000d2 is expired; open a new connection',
  'a heartbeat on an expired connection is refused');
select throws_ok($$ update public.desktop_connections set status = 'connected' where id = 'e5100000-0000-4000-8000-0000000000d2' $$,
  '55000', 'desktop_connections.status: illegal transition from expired to connected', 'expired is final');
select lives_ok($$ insert into public.desktop_connections (workspace_id, vm_id, client_id)
  values (tests.workspace_id('edc'), 'e5100000-0000-4000-8000-0000000000c1', 'robot-stale') $$,
  'the same robot reconnects with a new connection');

-- Client-side close.
select lives_ok($$ update public.desktop_connections set status = 'disconnected', close_reason = 'bye'
  where client_id = 'robot-stale' and status = 'connected' $$, 'a robot closes its connection');
select throws_ok($$ update public.desktop_connections set status = 'expired' where client_id = 'robot-stale' and status = 'disconnected' $$,
  '55000', 'desktop_connections.status: illegal transition from disconnected to expired', 'disconnected is final');

-- Stopping the machine closes what is still connected to it, and no robot may attach to a stopped machine.
insert into public.desktop_connections (id, workspace_id, vm_id, client_id)
values ('e5100000-0000-4000-8000-0000000000d5', tests.workspace_id('edc'), 'e5100000-0000-4000-8000-0000000000c1', 'robot-late');
update public.desktop_virtual_machines set status = 'stopped' where id = 'e5100000-0000-4000-8000-0000000000c1';
select is((select row(status, close_reason)::text from public.desktop_connections where id = 'e5100000-0000-4000-8000-0000000000d5'),
  row('disconnected'::public.desktop_connection_status, 'machine stopped')::text, 'stopping the machine closes its connections');
select throws_ok($$ insert into public.desktop_connections (workspace_id, vm_id, client_id)
  values (tests.workspace_id('edc'), 'e5100000-0000-4000-8000-0000000000c1', 'robot-after') $$,
  '55000', 'desktop_connections.vm_id: machine e5100000-0000-4000-8000-0000000000c1 is stopped', 'no connection to a stopped machine');

-- Another workspace's machine is out of reach.
select tests.clear_authentication();
insert into public.desktop_virtual_machines (id, workspace_id, name)
values ('e5100000-0000-4000-8000-0000000000c9', tests.workspace_id('edc', 'b'), 'b-vm');
select tests.authenticate_as('edc_admin');
select throws_ok($$ insert into public.desktop_connections (workspace_id, vm_id, client_id)
  values (tests.workspace_id('edc'), 'e5100000-0000-4000-8000-0000000000c9', 'robot-x') $$,
  '23503', 'insert or update on table "desktop_connections" violates foreign key constraint "desktop_connections_vm_id_fkey"',
  'a connection of workspace A cannot attach to a machine of workspace B');
select tests.clear_authentication();

select throws_ok($$ select private.expire_stale_desktop_connections(null) $$, '22004', 'p_now must not be null', 'p_now is required');
select throws_ok($$ select private.expire_stale_desktop_connections(now(), 0) $$, '22023', 'p_batch must be between 1 and 100000 (got 0)',
  'p_batch is bounded');

select * from finish();
rollback;
