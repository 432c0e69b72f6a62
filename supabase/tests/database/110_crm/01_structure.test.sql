-- Structure of the CRM: tables (none named like the tenant `organizations`), enums, vocabulary keys,
-- trigram index on contact names, realtime for contacts, RLS on.
begin;
select plan(21);

select has_table('public', t, 'table ' || t || ' exists')
from unnest(array['pipeline_stages', 'field_definitions', 'crm_companies', 'contacts', 'crm_contact_companies',
                  'interactions', 'crm_tags', 'crm_taggings', 'crm_templates', 'crm_campaigns', 'crm_draft_sets']) t;

select enum_has_labels('public', 'custom_field_type', array['text', 'number', 'date', 'select', 'multiselect', 'boolean'], 'custom field types');
select enum_has_labels('public', 'interaction_kind', array['call', 'email', 'message', 'meeting', 'note', 'task', 'other'], 'interaction kinds');
select col_is_unique('public', 'pipeline_stages', array['workspace_id', 'entity_type', 'stage_key'], 'stage_key unique per workspace and entity');
select col_is_unique('public', 'field_definitions', array['workspace_id', 'entity_type', 'field_key'], 'field_key unique per workspace and entity');
select has_index('public', 'contacts', 'contacts_full_name_trgm_idx', 'trigram index on contact names');
select has_index('public', 'interactions', 'interactions_contact_latest_idx', 'latest-interaction lookup index');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'contacts'),
  'contacts are published to realtime');
select is((select count(*)::int from pg_class c
           where c.relnamespace = 'public'::regnamespace and c.relrowsecurity
             and c.relname = any (array['pipeline_stages', 'field_definitions', 'crm_companies', 'contacts', 'crm_contact_companies',
                  'interactions', 'crm_tags', 'crm_taggings', 'crm_templates', 'crm_campaigns', 'crm_draft_sets'])), 11, 'RLS is on for all eleven tables');
select ok(not has_function_privilege('authenticated', 'private.validate_custom_fields(uuid, public.crm_entity_type, jsonb)', 'execute'),
  'the validator is internal');
select ok(not has_function_privilege('anon', 'public.search_contacts(uuid, text, int)', 'execute'), 'anon cannot search contacts');

select * from finish();
rollback;
