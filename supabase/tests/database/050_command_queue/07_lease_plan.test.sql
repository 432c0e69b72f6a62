-- Command queue: cost: 200k terminal rows.
-- Fixture: tests.create_command_queue_fixture() (000_helpers.test.sql).
begin;
select plan(3);

select tests.create_command_queue_fixture();

insert into public.agent_commands (workspace_id, gateway_id, action, status, attempt, finished_at, created_at)
select 'c4000000-0000-4000-8000-0000000000a1', 'c4000000-0000-4000-8000-0000000000a2', 'history', 'done', 1,
       now() - interval '1 day', now() - interval '1 day'
from generate_series(1, 200000);
analyze public.agent_commands;
create function pg_temp.cq_plan(p_sql text) returns json language plpgsql as $$
declare v json;
begin
  execute 'explain (analyze, buffers, format json) ' || p_sql into v;
  return v;
end $$;
create temp table cq_plan as select pg_temp.cq_plan($$
  select c.id from public.agent_commands c
  where c.gateway_id = 'c4000000-0000-4000-8000-0000000000a2' and c.status = 'pending' and c.available_at <= now()
  order by c.priority desc, c.available_at, c.id limit 10 for update skip locked $$) as p;
select matches((select p::text from cq_plan), 'agent_commands_lease_idx', 'with 200k terminal rows the lease query uses the partial lease index');
select doesnt_match((select p::text from cq_plan), 'Seq Scan', 'and never scans the table');
select cmp_ok((select (p -> 0 -> 'Plan' ->> 'Shared Hit Blocks')::int + (p -> 0 -> 'Plan' ->> 'Shared Read Blocks')::int from cq_plan),
  '<', 50, 'and touches a handful of buffers, independent of history size');

select * from finish();
rollback;
