-- Command queue: dedup lifecycle.
-- Fixture: tests.create_command_queue_fixture() (000_helpers.test.sql).
begin;
select plan(3);

select tests.create_command_queue_fixture();

select tests.authenticate_as_service_role();
insert into tests.cq (k, id) select 'd1', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_dedup_key => 'dk');
insert into tests.cq (k, id) select 'd_other_gw', id from public.enqueue_command('c4000000-0000-4000-8000-0000000000b2', 'update', p_dedup_key => 'dk');
select isnt(tests.cq_id('d_other_gw'), tests.cq_id('d1'), 'dedup keys are scoped to the gateway');
select is(public.cancel_command(tests.cq_id('d1')) ->> 'status', 'cancelled', 'the keyed command ends');
select results_ne($$ select id from public.enqueue_command('c4000000-0000-4000-8000-0000000000a2', 'update', p_dedup_key => 'dk') $$,
  $$ values (tests.cq_id('d1')) $$, 'a finished row frees its dedup_key');
select tests.clear_authentication();

select * from finish();
rollback;
