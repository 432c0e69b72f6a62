-- Command queue: expiry after start.
-- Fixture: tests.create_command_queue_fixture() (000_helpers.test.sql).
begin;
select plan(9);

select tests.create_command_queue_fixture();

select tests.authenticate_as_service_role();
insert into tests.cq (k, id) select 'unsafe', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'install', p_priority => 10);
insert into tests.cq (k, id) select 'safe', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'status', p_priority => 9,
  p_safe_to_retry => true);
insert into tests.cq (k, id, token) select 'x:' || l.action, l.id, l.lease_token from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 2) l;
select is(public.start_command(tests.cq_id('unsafe'), tests.cq_token('x:install')) ->> 'ok', 'true', 'unsafe command started');
select is(public.start_command(tests.cq_id('safe'), tests.cq_token('x:status')) ->> 'ok', 'true', 'safe command started');
select tests.clear_authentication();
update public.agent_commands set lease_expires_at = now() - interval '1 second' where id in (tests.cq_id('unsafe'), tests.cq_id('safe'));
select is(private.sweep_expired_commands(), 2, 'the sweeper settles both expired leases');
select results_eq($$ select status::text, last_error, failure_code, finished_at is not null from public.agent_commands where id = tests.cq_id('unsafe') $$,
  $$ values ('failed', 'lease_expired_after_start', 'lease_expired_after_start', true) $$,
  'expired after start: failed with lease_expired_after_start');
select results_eq($$ select status::text, attempt, available_at > now(), started_at is null from public.agent_commands where id = tests.cq_id('safe') $$,
  $$ values ('pending', 1, true, true) $$,
  'expired after start, safe_to_retry: requeued after backoff, attempt kept');
select tests.authenticate_as_service_role();
select is(public.complete_command(tests.cq_id('unsafe'), tests.cq_token('x:install')) ->> 'reason', 'already_terminal',
  'the expired holder''s late complete is refused');
select tests.clear_authentication();
select is((select status::text from public.agent_commands where id = tests.cq_id('unsafe')), 'failed', 'late complete wrote nothing');

-- lease_limit: a command handed out max_leases times without finishing fails.
select tests.authenticate_as_service_role();
insert into tests.cq (k, id) select 'll', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_priority => 50);
insert into tests.cq (k, id, token) select 'll_l', l.id, l.lease_token from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1) l;
select tests.clear_authentication();
update public.agent_commands set lease_count = max_leases, lease_expires_at = now() - interval '1 second' where id = tests.cq_id('ll');
select tests.authenticate_as_service_role();
select is_empty($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1) where id = tests.cq_id('ll') $$,
  'a lease call reclaims the expired lease but does not hand it out again');
select tests.clear_authentication();
select results_eq($$ select status::text, failure_code, attempt from public.agent_commands where id = tests.cq_id('ll') $$,
  $$ values ('failed', 'lease_limit', 0) $$, 'max_leases reached: failed lease_limit, never executed');

select * from finish();
rollback;
