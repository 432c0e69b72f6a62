-- Inbox queue: lease: arguments.
-- Fixture: tests.create_inbox_queue_fixture() (000_helpers.test.sql).
begin;
select plan(7);

select tests.create_inbox_queue_fixture();

select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.lease_inbox_item(null) $$, '22004', 'p_agent_id must not be null', 'lease: null agent');
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 0) $$, '22023',
  'p_limit must be between 1 and 100 (got 0)', 'lease: limit 0');
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 101) $$, '22023',
  'p_limit must be between 1 and 100 (got 101)', 'lease: limit 101');
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 1, 3601) $$, '22023',
  'p_lease_seconds must be between 5 and 3600 (got 3601)', 'lease: lease seconds too large');
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 1, null) $$, '22004',
  'p_lease_seconds must not be null', 'lease: null lease seconds');
select throws_ok($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000ff') $$, 'P0002',
  'p_agent_id: agent c5000000-0000-4000-8000-0000000000ff does not exist', 'lease: unknown agent');
select tests.clear_authentication();
select is((select count(*)::int from public.agent_inbox_items where status = 'leased'), 0, 'refused leases leased nothing');

select * from finish();
rollback;
