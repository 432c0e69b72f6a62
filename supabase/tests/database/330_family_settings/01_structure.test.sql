-- Family members and provider settings: tables, keys, the router RPC's grants, seeded platform defaults.
begin;
select plan(14);

select has_table('public', 'family_members', 'family_members exists');
select has_table('public', 'platform_settings', 'platform_settings exists');
select has_table('public', 'workspace_settings', 'workspace_settings exists');
select col_is_unique('public', 'family_members', array['phone_e164'], 'a phone number belongs to one family platform-wide');
select has_check('public', 'family_members', 'family_members has check constraints (E.164)');
select fk_ok('public', 'family_members', array['workspace_id', 'agent_id'], 'public', 'agents', array['workspace_id', 'id'], 'the agent to wake is an agent of the family''s workspace');
select col_is_pk('public', 'workspace_settings', array['workspace_id', 'kind'], 'one override per workspace and kind');
select enum_has_labels('public', 'settings_kind', array['llm', 'stt', 'tts', 'telephony', 'flags'], 'settings kinds');
select results_eq($$ select p.kind::text from public.platform_settings p order by p.kind $$, array['llm', 'stt', 'tts', 'telephony', 'flags'], 'platform defaults exist for every kind');
select ok(has_function_privilege('service_role', 'public.route_inbound_message(text)', 'execute'), 'service_role may route messages');
select ok(not has_function_privilege('authenticated', 'public.route_inbound_message(text)', 'execute'), 'signed-in users may not route messages');
select ok(not has_function_privilege('anon', 'public.route_inbound_message(text)', 'execute'), 'anon may not route messages');
select ok(not has_function_privilege('anon', 'public.effective_settings(uuid)', 'execute'), 'anon may not read effective settings');
select is((select count(*)::int from information_schema.columns where table_schema = 'public' and table_name in ('platform_settings', 'workspace_settings')
           and column_name ~* '(secret|api_key|token|password)'), 0, 'no settings column holds a secret');

select * from finish();
rollback;
