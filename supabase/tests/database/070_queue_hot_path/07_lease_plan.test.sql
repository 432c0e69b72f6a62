-- History never slows the queue: with 200k finished commands of the same gateway in history, the lease
-- query, the expiry probe and the lease call touch exactly what they touch with an empty history
-- (they read `only` the hot table), and a replay finds a finished row through the history primary key.
-- The lease call's own work does not grow with the workspace's backlog either: its update finds the
-- leased rows by primary key, whatever the generic plan expects.
-- (Wall-clock latency with 1M history rows: bench/history.ts.)
begin;
select plan(11);

select tests.create_workspace_fixture('hplp');
select tests.create_agent_fixture(tests.workspace_id('hplp'), 'hplp-agent');
create function pg_temp.gw() returns uuid language sql stable as $$ select a.gateway_id from public.agents a where a.slug = 'hplp-agent' $$;
create function pg_temp.plan(p_sql text) returns json language plpgsql as $$
declare v json;
begin
  execute 'explain (analyze, buffers, costs off, timing off, summary off, format json) ' || p_sql into v;
  return v;
end $$;
create function pg_temp.blocks(p json) returns int language sql as $$
  select coalesce((p -> 0 -> 'Plan' ->> 'Shared Hit Blocks')::int, 0) + coalesce((p -> 0 -> 'Plan' ->> 'Shared Read Blocks')::int, 0)
$$;

insert into public.agent_commands (workspace_id, gateway_id, action, payload)
select tests.workspace_id('hplp'), pg_temp.gw(), 'plan.pending', jsonb_build_object('i', g) from generate_series(1, 50) g;
-- A busy hot table: another gateway's 5,000 pending commands.
select tests.create_agent_fixture(tests.workspace_id('hplp', 'b'), 'hplp-other');
insert into public.agent_commands (workspace_id, gateway_id, action, payload)
select a.workspace_id, a.gateway_id, 'plan.other', jsonb_build_object('i', g)
from public.agents a cross join generate_series(1, 5000) g where a.slug = 'hplp-other';
analyze public.agent_commands;

create temp table hplp_sql (k text primary key, q text);
insert into hplp_sql values
  ('lease', format($q$ select c.id from only public.agent_commands c
                      where c.gateway_id = %L and c.status = 'pending' and c.available_at <= now()
                      order by c.priority desc, c.available_at, c.id limit 10 for update skip locked $q$, pg_temp.gw())),
  ('probe', format($q$ select 1 from only public.agent_commands c
                      where c.gateway_id = %L and c.status in ('leased', 'running') and c.lease_expires_at < now() limit 1 $q$, pg_temp.gw()));
create temp table hplp_before as select k, pg_temp.plan(q) as p from hplp_sql;

-- 200k finished commands of the same gateway.
insert into public.agent_command_history (workspace_id, gateway_id, action, status, attempt, finished_at, created_at)
select tests.workspace_id('hplp'), pg_temp.gw(), 'plan.history', 'done', 1, now() - interval '1 hour', now() - interval '1 hour'
from generate_series(1, 200000);
analyze public.agent_command_history;
create temp table hplp_after as select k, pg_temp.plan(q) as p from hplp_sql;

select matches((select p::text from hplp_after where k = 'lease'), 'agent_commands_lease_idx', 'the lease query uses the partial lease index');
select doesnt_match((select p::text from hplp_after where k = 'lease'), 'agent_command_history|Seq Scan', 'and never reads history or scans a table');
select is((select pg_temp.blocks(p) from hplp_after where k = 'lease'), (select pg_temp.blocks(p) from hplp_before where k = 'lease'),
  'it touches the same buffers with 200k finished rows as with none');
select matches((select p::text from hplp_after where k = 'probe'), 'agent_commands_live_idx', 'the expiry probe uses the live-lease index');
select is((select pg_temp.blocks(p) from hplp_after where k = 'probe'), (select pg_temp.blocks(p) from hplp_before where k = 'probe'),
  'and touches the same buffers with 200k finished rows as with none');

-- A replay lookup of a finished row is one primary-key probe of history.
select matches(pg_temp.plan(format('select h.* from public.agent_command_history h where h.id = %L',
                                   (select id from public.agent_command_history where gateway_id = pg_temp.gw() limit 1)))::text,
  'agent_command_history_pkey', 'a finished row is found through the history primary key');

-- The lease call itself: ten rows out of 50, with the history present.
select tests.authenticate_as_service_role();
select is((select count(*)::int from public.lease_command(pg_temp.gw(), 10, 60)), 10, 'lease_command leases 10 with 200k finished rows present');
select tests.clear_authentication();
select is((select count(*)::int from only public.agent_commands where gateway_id = pg_temp.gw() and status = 'leased'), 10,
  'the leased rows are hot rows');
select is((select count(*)::int from public.agent_commands where gateway_id = pg_temp.gw()), 200050,
  'agent_commands still reads all 200,050 (live and finished)');


-- A lease of one, before and after 5,000 more pending commands on another gateway of the same workspace
-- (the old generic plan scanned every live row of the workspace: hundreds of buffers per call).
create function pg_temp.lease_blocks() returns int language plpgsql as $$
declare v json;
begin
  perform tests.authenticate_as_service_role();
  execute format('explain (analyze, buffers, costs off, timing off, summary off, format json) select * from public.lease_command(%L, 1, 60)',
                 pg_temp.gw()) into v;
  perform tests.clear_authentication();
  return pg_temp.blocks(v);
end $$;
select pg_temp.lease_blocks();  -- plans and caches
create temp table hplp_lease_before as select pg_temp.lease_blocks() as b;
insert into public.gateways (workspace_id, slug, label) values (tests.workspace_id('hplp'), 'hplp-busy', 'busy');
insert into public.agent_commands (workspace_id, gateway_id, action, payload)
select g.workspace_id, g.id, 'plan.busy', jsonb_build_object('i', n)
from public.gateways g cross join generate_series(1, 5000) n where g.slug = 'hplp-busy';
analyze public.agent_commands;
select pg_temp.lease_blocks();  -- the analyze invalidated the cached plans: the first call plans again
create temp table hplp_lease_after as select pg_temp.lease_blocks() as b;
select cmp_ok((select b from hplp_lease_after), '<=', (select b + 10 from hplp_lease_before),
  'a lease of one touches about the same buffers with 5,000 more pending rows in its workspace');
select cmp_ok((select b from hplp_lease_after), '<', 100, 'and well under a hundred buffers');

select * from finish();
rollback;
