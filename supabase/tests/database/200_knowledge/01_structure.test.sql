-- Knowledge domain structure: tables, enums, the embedding dimension, HNSW (cosine) and GIN indexes, RLS
-- and policy names, RPC security (invoker, pinned search_path, no anon), buckets and object policies,
-- Realtime, comments.
begin;
select plan(36);

select has_table('public', t, t || ' exists')
from unnest(array['document_folders', 'documents', 'document_chunks', 'asset_folders', 'assets',
                  'knowledge_collections', 'knowledge_entries', 'agent_knowledge_access']) t;

select enum_has_labels('public', 'asset_type',
  array['sop', 'research', 'image', 'video', 'audio', 'template', 'script', 'spreadsheet', 'link', 'other'],
  'asset_type enum');
select enum_has_labels('public', 'knowledge_entry_type', array['fact', 'preference', 'knowledge', 'note', 'summary'],
  'knowledge_entry_type enum');
select enum_has_labels('public', 'knowledge_access_level', array['read', 'read_write'],
  'knowledge_access_level enum, read before read_write');

select is(private.embedding_dimensions(), 1536, 'the embedding dimension constant is 1536');

-- Every embedding column: a dimension CHECK, the dimension trigger, and an HNSW cosine index on the cast.
select is(
  (select array_agg(c.conrelid::regclass::text order by c.conrelid::regclass::text) from pg_constraint c
   where c.contype = 'c' and c.connamespace = 'public'::regnamespace
     and pg_get_constraintdef(c.oid) like '%vector_dims(embedding) = 1536%'),
  array['document_chunks', 'documents', 'knowledge_entries'],
  'each embedding column has a CHECK on 1536 dimensions');
select is(
  (select array_agg(t.tgrelid::regclass::text order by t.tgrelid::regclass::text) from pg_trigger t
   where t.tgfoid = 'private.check_embedding_dimensions()'::regprocedure),
  array['document_chunks', 'documents', 'knowledge_entries'],
  'each embedding column has the dimension trigger');
select is(
  (select array_agg(i.indrelid::regclass::text order by i.indrelid::regclass::text)
   from pg_index i
   join pg_class ic on ic.oid = i.indexrelid
   join pg_am am on am.oid = ic.relam
   join pg_opclass oc on oc.oid = i.indclass[0]
   where am.amname = 'hnsw' and oc.opcname = 'vector_cosine_ops' and ic.relnamespace = 'public'::regnamespace
     and pg_get_indexdef(i.indexrelid) like '%(embedding)::%vector(1536)%'),
  array['document_chunks', 'documents', 'knowledge_entries'],
  'each embedding column has an HNSW cosine index on embedding::vector(1536)');

select is(
  (select array_agg(ic.relname::text order by ic.relname::text)
   from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam
   where am.amname = 'gin' and i.indrelid in ('public.documents'::regclass, 'public.assets'::regclass,
     'public.document_chunks'::regclass, 'public.knowledge_entries'::regclass)),
  array['assets_tags_idx', 'document_chunks_fts_idx', 'documents_fts_idx', 'documents_tags_idx', 'knowledge_entries_fts_idx'],
  'GIN indexes on documents.tags, assets.tags and every full-text column');

select is(
  (select count(*)::int from pg_class c where c.relnamespace = 'public'::regnamespace and c.relrowsecurity
     and c.relname in ('document_folders', 'documents', 'document_chunks', 'asset_folders', 'assets',
                       'knowledge_collections', 'knowledge_entries', 'agent_knowledge_access')),
  8, 'RLS is enabled on all eight knowledge tables');

select is(
  (select array_agg(p.policyname::text order by p.policyname::text) from pg_policies p
   where p.schemaname = 'public' and p.tablename = 'knowledge_entries'),
  array['knowledge_entries_delete', 'knowledge_entries_insert', 'knowledge_entries_select', 'knowledge_entries_update'],
  'policies are named <table>_<op>');
select is_empty($$
  select p.tablename || '.' || p.policyname from pg_policies p
  where p.schemaname = 'public'
    and p.tablename in ('document_folders', 'documents', 'document_chunks', 'asset_folders', 'assets',
                        'knowledge_collections', 'knowledge_entries', 'agent_knowledge_access')
    and p.roles <> array['authenticated']::name[]
$$, 'every knowledge policy is for role authenticated only');

-- The default collection is unique per workspace and the rule is a deferred constraint trigger.
select ok(exists (select 1 from pg_indexes where schemaname = 'public' and indexname = 'knowledge_collections_one_default_idx'
                  and indexdef like '%UNIQUE%WHERE is_default%'),
  'a partial unique index allows at most one default collection per workspace');
select ok(exists (select 1 from pg_trigger where tgname = 'knowledge_collections_check_default'
                  and tgrelid = 'public.knowledge_collections'::regclass and tgconstraint <> 0 and tgdeferrable and tginitdeferred),
  'the exactly-one-default rule is a deferred constraint trigger');

-- RPCs: invoker, pinned search_path, executable by authenticated and service_role, not by anon.
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
  where p.pronamespace = 'public'::regnamespace
    and p.proname in ('match_documents', 'match_document_chunks', 'match_knowledge', 'hybrid_search_documents',
                      'hybrid_search_knowledge', 'agent_boot_context', 'add_knowledge_entry', 'set_default_knowledge_collection')
    and (p.prosecdef or not coalesce('search_path=""' = any (p.proconfig), false))
$$, 'knowledge RPCs are security invoker with search_path pinned to empty');
select is(
  (select count(*)::int from pg_proc p where p.pronamespace = 'public'::regnamespace
     and p.proname in ('match_documents', 'match_document_chunks', 'match_knowledge', 'hybrid_search_documents',
                       'hybrid_search_knowledge', 'agent_boot_context', 'add_knowledge_entry', 'set_default_knowledge_collection')),
  8, 'all eight knowledge RPCs exist');
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
  where p.pronamespace = 'public'::regnamespace
    and p.proname in ('match_documents', 'match_document_chunks', 'match_knowledge', 'hybrid_search_documents',
                      'hybrid_search_knowledge', 'agent_boot_context', 'add_knowledge_entry', 'set_default_knowledge_collection')
    and (has_function_privilege('anon', p.oid, 'execute')
         or not has_function_privilege('authenticated', p.oid, 'execute')
         or not has_function_privilege('service_role', p.oid, 'execute'))
$$, 'knowledge RPCs: authenticated and service_role may execute, anon may not');
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
  where p.pronamespace = 'public'::regnamespace
    and p.proname in ('match_documents', 'match_document_chunks', 'match_knowledge', 'hybrid_search_documents',
                      'hybrid_search_knowledge', 'agent_boot_context', 'add_knowledge_entry', 'set_default_knowledge_collection')
    and obj_description(p.oid, 'pg_proc') is null
$$, 'every knowledge RPC has a comment');
select is_empty($$
  select c.relname from pg_class c
  where c.relnamespace = 'public'::regnamespace
    and c.relname in ('document_folders', 'documents', 'document_chunks', 'asset_folders', 'assets',
                      'knowledge_collections', 'knowledge_entries', 'agent_knowledge_access')
    and obj_description(c.oid, 'pg_class') is null
$$, 'every knowledge table has a comment');
select is_empty($$
  select p.proname from pg_proc p
  where p.pronamespace = 'private'::regnamespace and p.prosecdef
    and p.proname in ('create_default_knowledge_collection', 'knowledge_collections_check_default',
                      'knowledge_entries_default_collection')
    and not coalesce('search_path=""' = any (p.proconfig), false)
$$, 'the private definer functions pin search_path');

-- anon has no table privileges at all.
select is_empty($$
  select t from unnest(array['document_folders', 'documents', 'document_chunks', 'asset_folders', 'assets',
                             'knowledge_collections', 'knowledge_entries', 'agent_knowledge_access']) t
  where has_table_privilege('anon', 'public.' || t, 'select, insert, update, delete')
$$, 'anon holds no privilege on any knowledge table');

-- Storage: private buckets and the eight object policies, all for authenticated.
select results_eq($$ select id, public from storage.buckets where id in ('assets', 'attachments') order by id $$,
  $$ values ('assets'::text, false), ('attachments'::text, false) $$, 'buckets assets and attachments exist and are private');
select is(
  (select array_agg(polname::text order by polname::text) from pg_policy where polrelid = 'storage.objects'::regclass and polname like 'agentbase_%'),
  array['agentbase_assets_delete', 'agentbase_assets_insert', 'agentbase_assets_select', 'agentbase_assets_update',
        'agentbase_attachments_delete', 'agentbase_attachments_insert', 'agentbase_attachments_select',
        'agentbase_attachments_update'],
  'object policies agentbase_<bucket>_<op> exist');
select is_empty($$
  select polname from pg_policy where polrelid = 'storage.objects'::regclass and polname like 'agentbase_%'
    and polroles <> array['authenticated'::regrole::oid]
$$, 'object policies apply to authenticated only');

-- Realtime: the document and asset tables and collections are published.
select is(
  (select array_agg(tablename::text order by tablename::text) from pg_publication_tables
   where pubname = 'supabase_realtime' and schemaname = 'public'
     and tablename in ('document_folders', 'documents', 'document_chunks', 'asset_folders', 'assets',
                       'knowledge_collections', 'knowledge_entries', 'agent_knowledge_access')),
  array['asset_folders', 'assets', 'document_folders', 'documents', 'knowledge_collections'],
  'Realtime publishes folders, documents, assets and collections');

-- Folder trees and tenancy guards.
select is(
  (select array_agg(t.tgname::text order by t.tgname::text) from pg_trigger t
   where t.tgfoid = 'private.folders_prevent_cycle()'::regprocedure),
  array['asset_folders_prevent_cycle', 'document_folders_prevent_cycle'], 'both folder trees refuse cycles');
select is(
  (select count(*)::int from pg_trigger t
   where t.tgfoid = 'private.agents_forbid_workspace_change()'::regprocedure
     and t.tgrelid in ('public.document_folders'::regclass, 'public.documents'::regclass, 'public.document_chunks'::regclass,
                       'public.asset_folders'::regclass, 'public.assets'::regclass, 'public.knowledge_collections'::regclass,
                       'public.knowledge_entries'::regclass, 'public.agent_knowledge_access'::regclass)),
  8, 'no knowledge row can change workspace');
select is(
  (select count(*)::int from pg_trigger t
   where t.tgfoid = 'private.set_updated_at()'::regprocedure and t.tgname like '%_set_updated_at'
     and t.tgrelid in ('public.document_folders'::regclass, 'public.documents'::regclass, 'public.document_chunks'::regclass,
                       'public.asset_folders'::regclass, 'public.assets'::regclass, 'public.knowledge_collections'::regclass,
                       'public.knowledge_entries'::regclass, 'public.agent_knowledge_access'::regclass)),
  8, 'every knowledge table keeps updated_at');
select ok(exists (select 1 from pg_trigger where tgname = 'workspaces_create_default_knowledge_collection'
                  and tgrelid = 'public.workspaces'::regclass),
  'new workspaces get a default collection from a trigger');

select * from finish();
rollback;
