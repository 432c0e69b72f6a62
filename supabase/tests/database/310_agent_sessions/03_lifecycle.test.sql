-- Session lifecycle: the allowed moves, illegal moves refused with 55000, the version counter bumped on
-- every update, a stale version refused with 40001 (RPC and direct update), nothing written on refusal.
begin;
select plan(27);

select tests.create_workspace_fixture('slc');
insert into public.agent_sessions (id, workspace_id, owner_id, title) values
  ('d5000000-0000-4000-8000-000000000001', tests.workspace_id('slc'), tests.user_id('slc_member'), 'lifecycle');

select tests.authenticate_as('slc_member');
select is((select lifecycle_state from public.agent_sessions where id = 'd5000000-0000-4000-8000-000000000001'), 'provisioning'::public.agent_session_lifecycle,
  'a session starts provisioning');
select is((select lifecycle_version from public.agent_sessions where id = 'd5000000-0000-4000-8000-000000000001'), 0, 'at version 0');

-- The full happy path: provisioning -> active -> hibernating -> hibernated -> restoring -> active -> archived.
select is((public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 0, 'active')).lifecycle_version, 1, 'provisioning -> active (version 1)');
select isnt((select last_activity_at from public.agent_sessions where id = 'd5000000-0000-4000-8000-000000000001'), null, 'becoming active records activity');
select is((public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 1, 'hibernating')).lifecycle_state, 'hibernating'::public.agent_session_lifecycle, 'active -> hibernating');
select is((public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 2, 'hibernated', null, '{"snapshot": "s1"}')).sandbox_state, '{"snapshot": "s1"}'::jsonb,
  'hibernating -> hibernated, with the sandbox state');
select throws_ok($$ select public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 3, 'active') $$,
  '55000', 'agent_sessions.lifecycle_state: illegal transition hibernated -> active', 'hibernated -> active skips restoring: refused');
select is((select lifecycle_version from public.agent_sessions where id = 'd5000000-0000-4000-8000-000000000001'), 3, 'the refused move wrote nothing');
select is((public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 3, 'restoring')).lifecycle_state, 'restoring'::public.agent_session_lifecycle, 'hibernated -> restoring');
select throws_ok($$ select public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 4, 'hibernating') $$,
  '55000', 'agent_sessions.lifecycle_state: illegal transition restoring -> hibernating', 'restoring -> hibernating: refused');
select is((public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 4, 'active')).lifecycle_version, 5, 'restoring -> active');

-- Stale versions.
select throws_ok($$ select public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 4, 'hibernating') $$,
  '40001', 'agent_sessions.lifecycle_version is stale: expected 4, current 5', 'a stale expected version is refused with 40001');
select is((select lifecycle_state from public.agent_sessions where id = 'd5000000-0000-4000-8000-000000000001'), 'active'::public.agent_session_lifecycle, 'the stale move wrote nothing');
select throws_ok($$ update public.agent_sessions set title = 'stale edit', lifecycle_version = 2 where id = 'd5000000-0000-4000-8000-000000000001' $$,
  '40001', 'agent_sessions.lifecycle_version is stale: expected 2, current 5', 'a direct update writing back an old version is refused');
update public.agent_sessions set title = 'fresh edit', lifecycle_version = 5 where id = 'd5000000-0000-4000-8000-000000000001';
select is((select lifecycle_version from public.agent_sessions where id = 'd5000000-0000-4000-8000-000000000001'), 6, 'writing back the current version passes and bumps it');
update public.agent_sessions set lines_added = 12 where id = 'd5000000-0000-4000-8000-000000000001';
select is((select lifecycle_version from public.agent_sessions where id = 'd5000000-0000-4000-8000-000000000001'), 7, 'every update bumps the version');

-- Failure and recovery.
select throws_ok($$ select public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 7, 'archived', 'boom') $$,
  '22023', 'p_error is only accepted with p_to = failed (got archived)', 'an error goes only with failed');
select is((public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 7, 'failed', 'sandbox died')).lifecycle_error, 'sandbox died', 'active -> failed keeps the error');
select is((public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 8, 'restoring')).lifecycle_error, null, 'failed -> restoring clears the error');
select is((public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 9, 'active')).lifecycle_state, 'active'::public.agent_session_lifecycle, 'restoring -> active');
select is((public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 10, 'archived')).status, 'archived'::public.agent_session_status, 'archiving sets status archived');
select throws_ok($$ select public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 11, 'active') $$,
  '55000', 'agent_sessions.lifecycle_state: illegal transition archived -> active', 'archived is final');

-- Bad input.
select throws_ok($$ select public.transition_agent_session(null, 0, 'active') $$, '22004', 'p_session_id must not be null', 'session id is required');
select throws_ok($$ select public.transition_agent_session('d5000000-0000-4000-8000-000000000001', null, 'active') $$, '22004', 'p_expected_version must not be null', 'expected version is required');
select throws_ok($$ select public.transition_agent_session('d5000000-0000-4000-8000-0000000000ff', 0, 'active') $$, 'P0002', 'agent session d5000000-0000-4000-8000-0000000000ff not found', 'unknown session');
select throws_ok($$ select public.transition_agent_session('d5000000-0000-4000-8000-000000000001', 11, 'bogus') $$, '22P02', null, 'unknown state name');
select throws_ok($$ insert into public.agent_sessions (workspace_id, title, lifecycle_state) values (tests.workspace_id('slc'), 'x', 'hibernated') $$,
  '55000', 'agent_sessions.lifecycle_state: a session starts in provisioning or active (got hibernated)', 'a new session cannot start hibernated');

select * from finish();
rollback;
