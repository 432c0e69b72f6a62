-- Queue hot path, structure: history tables inherit the hot tables, carry their own small index set,
-- accept only finished rows; batch finish RPCs are invoker wrappers over definer implementations;
-- the retention job is scheduled.
begin;
select plan(32);

select has_table('public', 'agent_command_history', 'agent_command_history exists');
select has_table('public', 'agent_inbox_history', 'agent_inbox_history exists');
select is((select inhparent::regclass::text from pg_inherits where inhrelid = 'public.agent_command_history'::regclass),
  'agent_commands', 'command history inherits agent_commands (same columns, same checks)');
select is((select inhparent::regclass::text from pg_inherits where inhrelid = 'public.agent_inbox_history'::regclass),
  'agent_inbox_items', 'inbox history inherits agent_inbox_items');
select is(
  array(select attname::text from pg_attribute where attrelid = 'public.agent_command_history'::regclass and attnum > 0 and not attisdropped order by attnum),
  array(select attname::text from pg_attribute where attrelid = 'public.agent_commands'::regclass and attnum > 0 and not attisdropped order by attnum),
  'command history columns equal the hot table''s, in order');
select is(
  array(select attname::text from pg_attribute where attrelid = 'public.agent_inbox_history'::regclass and attnum > 0 and not attisdropped order by attnum),
  array(select attname::text from pg_attribute where attrelid = 'public.agent_inbox_items'::regclass and attnum > 0 and not attisdropped order by attnum),
  'inbox history columns equal the hot table''s, in order');
select indexes_are('public', 'agent_command_history',
  array['agent_command_history_pkey', 'agent_command_history_workspace_id_idx', 'agent_command_history_gateway_id_idx'],
  'command history: primary key, workspace (RLS + retention order), gateway (FK)');
select indexes_are('public', 'agent_inbox_history',
  array['agent_inbox_history_pkey', 'agent_inbox_history_workspace_id_idx', 'agent_inbox_history_agent_id_idx'],
  'inbox history: primary key, workspace (RLS + retention order), agent (FK)');
select col_is_fk('public', 'agent_command_history', 'gateway_id', 'command history cascades with its gateway');
select col_is_fk('public', 'agent_inbox_history', 'agent_id', 'inbox history cascades with its agent');
select is((select relrowsecurity from pg_class where oid = 'public.agent_command_history'::regclass), true, 'RLS on agent_command_history');
select is((select relrowsecurity from pg_class where oid = 'public.agent_inbox_history'::regclass), true, 'RLS on agent_inbox_history');
select policies_are('public', 'agent_command_history', array['agent_command_history_select'], 'command history: one select policy');
select policies_are('public', 'agent_inbox_history', array['agent_inbox_history_select'], 'inbox history: one select policy');
select ok((select reloptions @> array['fillfactor=100'] from pg_class where oid = 'public.agent_command_history'::regclass),
  'command history is insert-only: fillfactor 100');
select ok(exists (select 1 from pg_trigger where tgrelid = 'public.agent_commands'::regclass
                  and tgname = 'agent_commands_set_updated_at' and pg_get_triggerdef(oid) ~ 'WHEN'),
  'the updated_at trigger skips rows whose updated_at the RPC set');

-- Only finished rows belong in history.
select tests.create_workspace_fixture('hpst');
select tests.create_agent_fixture(tests.workspace_id('hpst'), 'hpst-agent');
select throws_ok($$ insert into public.agent_command_history (workspace_id, gateway_id, action, status)
                    select a.workspace_id, a.gateway_id, 'x', 'pending' from public.agents a where a.slug = 'hpst-agent' $$,
  '23514', null, 'command history refuses a live row');
select throws_ok($$ insert into public.agent_inbox_history (workspace_id, agent_id, event_type, status)
                    select a.workspace_id, a.id, 'x', 'leased' from public.agents a where a.slug = 'hpst-agent' $$,
  '23514', null, 'inbox history refuses a live row');
select lives_ok($$ insert into public.agent_command_history (workspace_id, gateway_id, action, status, finished_at)
                   select a.workspace_id, a.gateway_id, 'x', 'done', now() from public.agents a where a.slug = 'hpst-agent' $$,
  'command history takes a finished row');
select lives_ok($$ insert into public.agent_inbox_history (workspace_id, agent_id, event_type, status, finished_at, last_error)
                   select a.workspace_id, a.id, 'x', 'dead_letter', now(), 'e' from public.agents a where a.slug = 'hpst-agent' $$,
  'inbox history takes a finished row');

-- Batch RPCs: invoker wrappers in public, definer implementations in private.
select is((select bool_and(not p.prosecdef) from pg_proc p where p.pronamespace = 'public'::regnamespace
           and p.proname in ('complete_commands', 'fail_commands', 'complete_inbox_items', 'fail_inbox_items')), true,
  'public batch RPCs are invoker wrappers');
select is((select count(*)::int from pg_proc p where p.pronamespace = 'private'::regnamespace and p.prosecdef
           and p.proconfig @> array['search_path=""']
           and p.proname in ('complete_commands', 'fail_commands', 'complete_inbox_items', 'fail_inbox_items')), 4,
  'the 4 private batch implementations are definer with an empty search_path');
select ok(not has_function_privilege('anon', 'public.complete_commands(jsonb)', 'execute'), 'anon cannot execute complete_commands');
select ok(not has_function_privilege('anon', 'public.fail_inbox_items(jsonb)', 'execute'), 'anon cannot execute fail_inbox_items');
select ok(has_function_privilege('authenticated', 'public.complete_commands(jsonb)', 'execute')
          and has_function_privilege('service_role', 'public.complete_commands(jsonb)', 'execute'),
  'authenticated and service_role can execute complete_commands');
select ok(has_function_privilege('authenticated', 'public.complete_inbox_items(jsonb)', 'execute')
          and has_function_privilege('service_role', 'public.fail_commands(jsonb)', 'execute'),
  'authenticated and service_role can execute the other batch RPCs');
select ok(not has_function_privilege('authenticated', 'private.prune_queue_history(int, int)', 'execute'),
  'no API role runs the retention function');
select ok(not has_function_privilege('service_role', 'private.command_to_history(public.agent_commands)', 'execute'),
  'no API role moves rows itself');
select isnt(obj_description('public.complete_commands(jsonb)'::regprocedure, 'pg_proc'), null, 'complete_commands is documented');
select isnt(obj_description('public.agent_command_history'::regclass, 'pg_class'), null, 'agent_command_history is documented');

select is((select schedule from cron.job where jobname = 'agentbase-queue-history-retention'), '17 * * * *',
  'history retention runs hourly by pg_cron');
select is((select command from cron.job where jobname = 'agentbase-queue-history-retention'),
  'select private.prune_queue_history()', 'and calls prune_queue_history');

select * from finish();
rollback;
