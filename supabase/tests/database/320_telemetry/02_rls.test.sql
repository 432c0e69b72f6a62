-- RLS for telemetry_events: admins (and owners) of the workspace read; only service_role writes; nobody
-- updates or deletes through the API.
begin;
select plan(30);

select tests.create_workspace_fixture('tel');
insert into public.telemetry_events (workspace_id, turn_id, stage, status, started_at, ended_at) values
  (tests.workspace_id('tel'), 'e1000000-0000-4000-8000-000000000001', 'stt', 'completed', now() - interval '2 seconds', now() - interval '1 second'),
  (tests.workspace_id('tel', 'b'), 'e1000000-0000-4000-8000-000000000002', 'stt', 'completed', now() - interval '2 seconds', now());

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.telemetry_events $$, 'anon cannot read telemetry_events');
select tests.assert_denied($$ insert into public.telemetry_events (workspace_id, turn_id, stage, status) values (tests.workspace_id('tel'), gen_random_uuid(), 'llm', 'started') $$, 'anon cannot insert telemetry');
select tests.assert_denied($$ update public.telemetry_events set stage = 'x' $$, 'anon cannot update telemetry');
select tests.assert_denied($$ delete from public.telemetry_events $$, 'anon cannot delete telemetry');

select tests.authenticate_as('tel_outsider');
select tests.assert_filtered($$ select * from public.telemetry_events where workspace_id = tests.workspace_id('tel') $$, 'outsider reads no telemetry of a');
select tests.assert_denied($$ insert into public.telemetry_events (workspace_id, turn_id, stage, status) values (tests.workspace_id('tel'), gen_random_uuid(), 'llm', 'started') $$, 'outsider cannot insert telemetry');
select tests.assert_denied($$ update public.telemetry_events set stage = 'x' $$, 'outsider cannot update telemetry');
select tests.assert_denied($$ delete from public.telemetry_events $$, 'outsider cannot delete telemetry');
select tests.assert_denied(format('select * from private.%I', 'telemetry_events_p' || to_char(now() at time zone 'UTC', 'YYYYMM')),
  'a partition cannot be read directly (bypassing the parent''s RLS)');

select tests.authenticate_as('tel_viewer');
select tests.assert_filtered($$ select * from public.telemetry_events $$, 'viewer reads no telemetry');
select tests.assert_denied($$ insert into public.telemetry_events (workspace_id, turn_id, stage, status) values (tests.workspace_id('tel'), gen_random_uuid(), 'llm', 'started') $$, 'viewer cannot insert telemetry');
select tests.assert_denied($$ update public.telemetry_events set stage = 'x' $$, 'viewer cannot update telemetry');
select tests.assert_denied($$ delete from public.telemetry_events $$, 'viewer cannot delete telemetry');

select tests.authenticate_as('tel_member');
select tests.assert_filtered($$ select * from public.telemetry_events $$, 'member reads no telemetry');
select tests.assert_denied($$ insert into public.telemetry_events (workspace_id, turn_id, stage, status) values (tests.workspace_id('tel'), gen_random_uuid(), 'llm', 'started') $$, 'member cannot insert telemetry');
select tests.assert_denied($$ update public.telemetry_events set stage = 'x' $$, 'member cannot update telemetry');
select tests.assert_denied($$ delete from public.telemetry_events $$, 'member cannot delete telemetry');

select tests.authenticate_as('tel_admin');
select is((select count(*)::int from public.telemetry_events), 1, 'admin reads their workspace''s telemetry only');
select tests.assert_denied($$ insert into public.telemetry_events (workspace_id, turn_id, stage, status) values (tests.workspace_id('tel'), gen_random_uuid(), 'llm', 'started') $$, 'admin cannot insert telemetry');
select tests.assert_denied($$ update public.telemetry_events set stage = 'x' $$, 'admin cannot update telemetry');
select tests.assert_denied($$ delete from public.telemetry_events $$, 'admin cannot delete telemetry');

select tests.authenticate_as('tel_owner');
select is((select count(*)::int from public.telemetry_events), 1, 'owner reads their workspace''s telemetry');
select tests.assert_denied($$ insert into public.telemetry_events (workspace_id, turn_id, stage, status) values (tests.workspace_id('tel'), gen_random_uuid(), 'llm', 'started') $$, 'owner cannot insert telemetry');
select tests.assert_denied($$ update public.telemetry_events set stage = 'x' $$, 'owner cannot update telemetry');
select tests.assert_denied($$ delete from public.telemetry_events $$, 'owner cannot delete telemetry');

select tests.authenticate_as_service_role();
select lives_ok($$ insert into public.telemetry_events (workspace_id, turn_id, stage, status) values (tests.workspace_id('tel'), gen_random_uuid(), 'llm', 'started') $$, 'service_role writes telemetry');
select is((select count(*)::int from public.telemetry_events where workspace_id in (tests.workspace_id('tel'), tests.workspace_id('tel', 'b'))), 3, 'service_role reads all telemetry');
select tests.assert_denied($$ update public.telemetry_events set stage = 'x' $$, 'service_role cannot update telemetry (append-only)');
select tests.assert_denied($$ delete from public.telemetry_events $$, 'service_role cannot delete telemetry (append-only)');
select tests.assert_denied($$ select private.telemetry_maintain_partitions() $$, 'service_role runs no DDL through maintenance (owner only)');

select * from finish();
rollback;
