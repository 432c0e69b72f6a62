-- Inbox queue: budget hook.
-- Fixture: tests.create_inbox_queue_fixture() (000_helpers.test.sql).
begin;
select plan(3);

select tests.create_inbox_queue_fixture();

create or replace function private.agent_budget_blocked(p_agent_id uuid) returns boolean language sql stable security definer
  set search_path = '' as $$ select p_agent_id = 'c5000000-0000-4000-8000-0000000000a3' $$;
select tests.authenticate_as_service_role();
insert into tests.iq (k, id) select 'budget', id from public.enqueue_inbox_item('c5000000-0000-4000-8000-0000000000a3', 'task_assignment');
select is_empty($$ select * from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 10) $$,
  'an agent whose budget is blocked gets nothing');
select tests.clear_authentication();
select is((select status::text from public.agent_inbox_items where id = tests.iq_id('budget')), 'pending', 'its item stays pending');
create or replace function private.agent_budget_blocked(p_agent_id uuid) returns boolean language sql stable security definer
  set search_path = '' as $$ select false $$;
select tests.authenticate_as_service_role();
select results_eq($$ select id from public.lease_inbox_item('c5000000-0000-4000-8000-0000000000a3', 10) $$,
  $$ values (tests.iq_id('budget')) $$, 'once unblocked, the item is leased');
select tests.clear_authentication();

select * from finish();
rollback;
