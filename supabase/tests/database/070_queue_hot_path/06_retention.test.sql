-- History retention: private.prune_queue_history() deletes finished rows older than each workspace's
-- settings.queue_history_retention_days (default 30), in batches, with their events; live rows and rows
-- within retention stay.
begin;
select plan(11);

select tests.create_workspace_fixture('hpre');
select tests.create_agent_fixture(tests.workspace_id('hpre'), 'hpre-agent');
select tests.create_agent_fixture(tests.workspace_id('hpre', 'b'), 'hpre-agent-b');
create function pg_temp.gw(p_which text) returns uuid language sql stable as $$
  select a.gateway_id from public.agents a where a.slug = case p_which when 'a' then 'hpre-agent' else 'hpre-agent-b' end
$$;
create function pg_temp.agent(p_which text) returns uuid language sql stable as $$
  select a.id from public.agents a where a.slug = case p_which when 'a' then 'hpre-agent' else 'hpre-agent-b' end
$$;

-- Workspace a keeps 7 days; b keeps the default (30).
update public.workspaces set settings = settings || '{"queue_history_retention_days": 7}' where id = tests.workspace_id('hpre');

-- Finished history, with events: per workspace 3 rows finished 10 days ago and 1 finished 2 days ago;
-- workspace a also 1 row 40 days ago.
create temp table hpre_rows (id uuid, workspace_id uuid, finished_at timestamptz);
with ins as (
  insert into public.agent_command_history (workspace_id, gateway_id, action, status, attempt, finished_at, created_at)
  select g.workspace_id, g.id, 'old.work', 'done', 1, now() - make_interval(days => v.d), now() - make_interval(days => v.d)
  from (values ('a', 10), ('a', 10), ('a', 10), ('a', 2), ('a', 40), ('b', 10), ('b', 10), ('b', 10), ('b', 2)) v(w, d)
  join public.gateways g on g.id = pg_temp.gw(v.w)
  returning id, workspace_id, finished_at
)
insert into hpre_rows select * from ins;
insert into public.agent_command_events (command_id, workspace_id, to_status, reason, attempt, lease_count, actor_role)
select id, workspace_id, 'done', 'completed', 1, 1, 'service_role' from hpre_rows;
insert into public.agent_inbox_history (workspace_id, agent_id, event_type, status, attempt, finished_at, created_at)
select a.workspace_id, a.id, 'old.event', 'done', 1, now() - interval '9 days', now() - interval '9 days'
from public.agents a where a.id = pg_temp.agent('a');
-- A live command in workspace a, created long ago.
insert into public.agent_commands (workspace_id, gateway_id, action, created_at, available_at)
select g.workspace_id, g.id, 'still.pending', now() - interval '90 days', now() - interval '90 days' from public.gateways g where g.id = pg_temp.gw('a');

select is(private.queue_history_retention_days('{"queue_history_retention_days": 7}'), 7, 'the setting is read');
select is(private.queue_history_retention_days('{}'), 30, 'absent: 30 days');
select is(private.queue_history_retention_days('{"queue_history_retention_days": "7"}'), 30, 'not a number: 30 days');
select is(private.queue_history_retention_days('{"queue_history_retention_days": 0}'), 30, 'out of range: 30 days');

-- Batches of 2 rows: the three 10-day rows and the 40-day row of workspace a go over several statements.
select is(private.prune_queue_history(2, 1000) -> 'commands', '4'::jsonb, 'four commands of workspace a were past 7 days');
select is((select count(*)::int from public.agent_command_history h join hpre_rows r using (id) where r.workspace_id = tests.workspace_id('hpre')), 1,
  'workspace a keeps only its 2-day-old row');
select is((select count(*)::int from public.agent_command_history h join hpre_rows r using (id) where r.workspace_id = tests.workspace_id('hpre', 'b')), 4,
  'workspace b (30 days) keeps all four');
select is((select count(*)::int from public.agent_command_events e join hpre_rows r on r.id = e.command_id), 5,
  'the pruned rows'' events went with them');
select is((select count(*)::int from public.agent_inbox_history h where h.agent_id = pg_temp.agent('a')), 0, 'inbox history is pruned by the same setting');
select is((select count(*)::int from only public.agent_commands where gateway_id = pg_temp.gw('a')), 1, 'live rows are never pruned');
select is(private.prune_queue_history() -> 'commands', '0'::jsonb, 'a second run finds nothing');

select * from finish();
rollback;
