-- Agents: Structure.
-- Fixture: tests.create_agents_fixture() (000_helpers.test.sql).
begin;
select plan(12);

select tests.create_agents_fixture();

select has_table('public', 'agents', 'agents exists');
select has_table('public', 'agent_templates', 'agent_templates exists');
select has_table('public', 'agent_skills', 'agent_skills exists');
select has_table('public', 'agent_training_data', 'agent_training_data exists');

select is(
  array(select c from unnest(array['id', 'workspace_id', 'project_id', 'slug', 'name', 'type', 'status', 'trust_tier',
    'model_id', 'tone', 'verbosity', 'objective', 'instructions', 'background', 'email_address', 'avatar_url',
    'voice', 'role', 'bio', 'domains', 'capabilities', 'config', 'is_head', 'level', 'xp', 'gateway_id',
    'reports_to', 'template_id', 'created_at', 'updated_at']) c
    where not exists (select 1 from information_schema.columns ic
                      where ic.table_schema = 'public' and ic.table_name = 'agents' and ic.column_name = c)),
  '{}'::text[], 'agents has every column the agent products need');

select enum_has_labels('public', 'agent_type', array['email', 'calendar', 'research', 'code', 'custom'],
  'agent_type enum');
select enum_has_labels('public', 'agent_trust_tier', array['observer', 'helper', 'partner', 'trusted'],
  'agent_trust_tier enum, least to most trusted');
select enum_has_labels('public', 'agent_training_kind', array['knowledge', 'instruction', 'example'],
  'agent_training_kind enum');

select ok(exists (select 1 from pg_indexes where schemaname = 'public' and indexname = 'agents_domains_idx'
                  and indexdef like '%USING gin (domains)%'), 'agents.domains has a GIN index');
select ok(exists (select 1 from pg_indexes where schemaname = 'public' and indexname = 'agents_capabilities_idx'
                  and indexdef like '%USING gin (capabilities)%'), 'agents.capabilities has a GIN index');

select is(
  (select count(*)::int from pg_class c where c.relnamespace = 'public'::regnamespace and c.relrowsecurity
     and c.relname in ('agents', 'agent_templates', 'agent_skills', 'agent_training_data')),
  4, 'RLS is enabled on all four agent tables');

-- GIN index is usable for a containment query.
select is(
  (select count(*)::int from public.agents where capabilities @> array['x'] or domains @> array['x']),
  0, 'containment query on domains/capabilities runs');

select * from finish();
rollback;
