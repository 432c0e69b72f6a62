-- turn_timeline: one row per stage in order, per-stage duration, offset from the turn's start, the latest
-- status; bad input; validation of stage names and timings; readable only where RLS allows.
begin;
select plan(12);

select tests.create_workspace_fixture('ttl');
-- The turn below is dated November 2026; partitions exist from the current month on, so make sure its
-- month has one whatever the date the suite runs on (rolled back with the test).
select private.telemetry_create_partition('2026-11-01');
-- A turn: stt started then completed (two transitions), llm completed, tts failed; another turn elsewhere.
insert into public.telemetry_events (workspace_id, turn_id, stage, status, started_at, ended_at, metadata) values
  (tests.workspace_id('ttl'), 'e2000000-0000-4000-8000-000000000001', 'stt', 'started', '2026-11-20 10:00:00+00', null, '{}'),
  (tests.workspace_id('ttl'), 'e2000000-0000-4000-8000-000000000001', 'stt', 'completed', '2026-11-20 10:00:00+00', '2026-11-20 10:00:00.400+00', '{"words": 12}'),
  (tests.workspace_id('ttl'), 'e2000000-0000-4000-8000-000000000001', 'llm', 'completed', '2026-11-20 10:00:00.450+00', '2026-11-20 10:00:01.650+00', '{"model": "m"}'),
  (tests.workspace_id('ttl'), 'e2000000-0000-4000-8000-000000000001', 'tts', 'failed', '2026-11-20 10:00:01.700+00', '2026-11-20 10:00:01.900+00', '{"error": "quota"}'),
  (tests.workspace_id('ttl', 'b'), 'e2000000-0000-4000-8000-000000000002', 'stt', 'completed', '2026-11-20 10:00:00+00', '2026-11-20 10:00:01+00', '{}');

select tests.authenticate_as('ttl_admin');
select results_eq($$ select stage from public.turn_timeline('e2000000-0000-4000-8000-000000000001') $$, array['stt', 'llm', 'tts'], 'stages in order of start');
select results_eq($$ select duration_ms from public.turn_timeline('e2000000-0000-4000-8000-000000000001') $$, array[400::bigint, 1200, 200], 'per-stage durations');
select results_eq($$ select offset_ms from public.turn_timeline('e2000000-0000-4000-8000-000000000001') $$, array[0::bigint, 450, 1700], 'offsets from the turn''s start');
select results_eq($$ select status::text from public.turn_timeline('e2000000-0000-4000-8000-000000000001') $$, array['completed', 'completed', 'failed'], 'the latest status per stage');
select is((select transitions from public.turn_timeline('e2000000-0000-4000-8000-000000000001') where stage = 'stt'), 2, 'stt had two transitions');
select is((select metadata from public.turn_timeline('e2000000-0000-4000-8000-000000000001') where stage = 'stt'), '{"words": 12}'::jsonb, 'the latest metadata per stage');
select is_empty($$ select * from public.turn_timeline('e2000000-0000-4000-8000-000000000002') $$, 'another workspace''s turn reads as empty');
select throws_ok($$ select * from public.turn_timeline(null) $$, '22004', 'p_turn_id must not be null', 'a turn id is required');

select tests.authenticate_as('ttl_member');
select is_empty($$ select * from public.turn_timeline('e2000000-0000-4000-8000-000000000001') $$, 'members do not read telemetry');

select tests.authenticate_as_service_role();
select throws_ok($$ insert into public.telemetry_events (workspace_id, turn_id, stage, status) values (tests.workspace_id('ttl'), gen_random_uuid(), 'Bad Stage', 'started') $$,
  '23514', null, 'stage names are lowercase identifiers');
select throws_ok($$ insert into public.telemetry_events (workspace_id, turn_id, stage, status, started_at, ended_at) values (tests.workspace_id('ttl'), gen_random_uuid(), 'llm', 'completed', now(), now() - interval '1 ms') $$,
  '23514', null, 'a stage cannot end before it starts');
select throws_ok($$ insert into public.telemetry_events (workspace_id, turn_id, stage, status) values (tests.workspace_id('ttl'), gen_random_uuid(), 'llm', 'done') $$,
  '22P02', null, 'status is one of the known values');

select * from finish();
rollback;
