-- Usage and budgets: tables, enums, keys, the replaced budget hook (definer, pinned search_path, a
-- primary-key lookup), the command-queue trigger, the rollover cron job, the Realtime publication.
begin;
select plan(23);

select has_table('public', 'agent_usage', 'agent_usage exists');
select has_table('public', 'agent_budgets', 'agent_budgets exists');
select enum_has_labels('public', 'usage_operation', array['chat', 'checkin', 'embedding', 'tool'], 'usage operations');
select enum_has_labels('public', 'budget_status', array['ok', 'warned', 'exceeded', 'unmetered'], 'budget statuses');
select col_is_pk('public', 'agent_budgets', 'agent_id', 'one budget row per agent');
select col_type_is('public', 'agent_usage', 'cost_total_usd', 'numeric(14,6)', 'costs are numeric USD with 6 decimals');
select is((select attgenerated::text from pg_attribute where attrelid = 'public.agent_usage'::regclass and attname = 'total_tokens'),
  's', 'total_tokens is a stored generated column');
select ok(exists (select 1 from pg_constraint where conrelid = 'public.agent_usage'::regclass and contype = 'u'
                  and pg_get_constraintdef(oid) = 'UNIQUE (workspace_id, idempotency_key)'),
  'idempotency_key is unique per workspace');
select is((select relrowsecurity from pg_class where oid = 'public.agent_usage'::regclass), true, 'RLS on agent_usage');
select is((select relrowsecurity from pg_class where oid = 'public.agent_budgets'::regclass), true, 'RLS on agent_budgets');
select policies_are('public', 'agent_usage', array['agent_usage_select'], 'agent_usage: select policy only');
select policies_are('public', 'agent_budgets', array['agent_budgets_select'], 'agent_budgets: select policy only');
select triggers_are('public', 'agent_usage', array['agent_usage_before_insert', 'agent_usage_rollup', 'agent_usage_append_only'],
  'agent_usage triggers: derive, roll up, append-only');

-- The replaced hook.
select is((select prosecdef from pg_proc where oid = 'private.agent_budget_blocked(uuid)'::regprocedure), true,
  'agent_budget_blocked is security definer');
select is((select provolatile::text from pg_proc where oid = 'private.agent_budget_blocked(uuid)'::regprocedure), 's',
  'agent_budget_blocked is stable');
select is((select proconfig from pg_proc where oid = 'private.agent_budget_blocked(uuid)'::regprocedure), array['search_path=""'],
  'agent_budget_blocked pins an empty search_path');
select matches((select prosrc from pg_proc where oid = 'private.agent_budget_blocked(uuid)'::regprocedure),
  'public\.agent_budgets', 'the hook is no longer the stub: it reads agent_budgets');
select ok(not has_function_privilege('authenticated', 'private.agent_budget_blocked(uuid)', 'execute')
          and not has_function_privilege('anon', 'private.agent_budget_blocked(uuid)', 'execute'),
  'API roles cannot call the hook directly');

select ok(has_function_privilege('service_role', 'private.budget_status_for(numeric, integer, numeric, bigint, bigint)', 'execute')
          and has_function_privilege('authenticated', 'private.budget_status_for(numeric, integer, numeric, bigint, bigint)', 'execute'),
  'the status helper the (invoker) budget trigger calls is executable by the roles that write budgets');

-- The lease hot path pays one index lookup: the hook's query plans as a scan of the primary key.
create function pg_temp.plan_of(p_sql text) returns text language plpgsql as $f$
declare v_line text; v_out text := '';
begin
  for v_line in execute 'explain ' || p_sql loop v_out := v_out || v_line || E'\n'; end loop;
  return v_out;
end $f$;
set local enable_seqscan = off;
set local enable_bitmapscan = off;
select matches(pg_temp.plan_of($$ select exists (select 1 from public.agent_budgets b
    where b.agent_id = '00000000-0000-4000-8000-000000000000' and b.status = 'exceeded' and b.hard_cutoff and b.period_end > now()) $$),
  'Index Scan using agent_budgets_pkey', 'the hook''s lookup is an index scan of agent_budgets_pkey');
reset enable_seqscan;
reset enable_bitmapscan;

select has_trigger('public', 'agent_commands', 'agent_commands_check_budget',
  'agent_commands carries the budget check (the queue RPCs are untouched)');
select is((select schedule from cron.job where jobname = 'agentbase-budget-rollover'), '7 * * * *',
  'the hourly rollover job is scheduled');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'agent_budgets')
          and not exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'agent_usage'),
  'agent_budgets is published to Realtime, agent_usage is not');

select * from finish();
rollback;
