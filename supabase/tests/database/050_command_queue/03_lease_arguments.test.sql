-- Command queue: lease: arguments.
-- Fixture: tests.create_command_queue_fixture() (000_helpers.test.sql).
begin;
select plan(8);

select tests.create_command_queue_fixture();

select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.lease_command(null) $$, '22004', 'p_gateway_id must not be null', 'lease: null gateway');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 0) $$, '22023',
  'p_limit must be between 1 and 100 (got 0)', 'lease: limit 0');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 101) $$, '22023',
  'p_limit must be between 1 and 100 (got 101)', 'lease: limit 101');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', null) $$, '22004',
  'p_limit must not be null', 'lease: null limit');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1, 4) $$, '22023',
  'p_lease_seconds must be between 5 and 3600 (got 4)', 'lease: lease seconds too small');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000a2', 1, 3601) $$, '22023',
  'p_lease_seconds must be between 5 and 3600 (got 3601)', 'lease: lease seconds too large');
select throws_ok($$ select * from public.lease_command('c4000000-0000-4000-8000-0000000000ff') $$, 'P0002',
  'p_gateway_id: gateway c4000000-0000-4000-8000-0000000000ff does not exist', 'lease: unknown gateway');
select tests.clear_authentication();
select is((select count(*)::int from public.agent_commands where status <> 'pending'), 0, 'refused leases leased nothing');

select * from finish();
rollback;
