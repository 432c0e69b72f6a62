-- Inbox queue: idempotent lease.
-- Fixture: tests.create_inbox_queue_fixture() (000_helpers.test.sql).
begin;
select plan(3);

select tests.create_inbox_queue_fixture();

select tests.authenticate_as_service_role();
insert into tests.iq (k, id) select 'r1', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a4', 'task_assignment', p_priority => 9);
insert into tests.iq (k, id) select 'r2', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a4', 'task_assignment', p_priority => 8);
create temp table iq_req as select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a4', 1, 120, 'c5000000-0000-4000-8000-00000000aaaa');
grant select on iq_req to service_role;
select results_eq($$ select id from iq_req $$, $$ values (tests.iq_id('r1')) $$, 'request R leases r1');
select results_eq(
  $$ select id, lease_token, attempt, lease_count from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a4', 1, 120, 'c5000000-0000-4000-8000-00000000aaaa') $$,
  $$ select id, lease_token, attempt, lease_count from iq_req $$, 'repeating request R returns the same lease, no new attempt');
select results_eq(
  $$ select id from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a4', 1, 120, 'c5000000-0000-4000-8000-00000000bbbb') $$,
  $$ values (tests.iq_id('r2')) $$, 'another request id gets the next item');

select * from finish();
rollback;
