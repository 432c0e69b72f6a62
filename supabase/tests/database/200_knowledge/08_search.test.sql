-- match_documents, match_document_chunks, match_knowledge: nearest rows by cosine similarity, filters,
-- RLS (never another workspace's rows), trusted callers need a scope, and filtered search never returns
-- fewer rows than asked while enough matching rows exist (iterative scan + exact fallback).
begin;
select plan(34);

select tests.create_workspace_fixture('kn_search');

-- A 1536-d vector with the given weights on the given axes (1-based), zeros elsewhere.
create function tests.kn_vec(p_axes integer[], p_weights real[]) returns extensions.vector
language sql immutable set search_path = '' as $$
  select array(
    select coalesce((select sum(w.w) from unnest(p_axes, p_weights) w (a, w) where w.a = d), 0)::real
    from generate_series(1, 1536) d order by d)::extensions.vector
$$;
grant execute on function tests.kn_vec(integer[], real[]) to authenticated, service_role;

-- Workspace a: 25 documents whose similarity to axis 1 falls with i (doc i = e1 + 0.1*i*e(10+i)),
-- tagged even/odd, the first 5 in a folder. Workspace b: 300 documents almost exactly on axis 1, i.e.
-- nearer to the query than anything in a.
insert into public.document_folders (id, workspace_id, name)
values ('d8000000-0000-4000-8000-0000000000f1', tests.workspace_id('kn_search'), 'Folder');
insert into public.documents (id, workspace_id, folder_id, title, tags, embedding)
select ('d8000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, tests.workspace_id('kn_search'),
       case when i <= 5 then 'd8000000-0000-4000-8000-0000000000f1'::uuid end,
       'a' || lpad(i::text, 2, '0'), array[case when i % 2 = 0 then 'even' else 'odd' end, 'a'],
       tests.kn_vec(array[1, 10 + i], array[1, 0.1 * i]::real[])
from generate_series(1, 25) i;
insert into public.documents (workspace_id, title, tags, embedding)
select tests.workspace_id('kn_search', 'b'), 'b' || i, array['even', 'odd', 'a'], tests.kn_vec(array[1, 500 + i], array[1, 0.01]::real[])
from generate_series(1, 300) i;
insert into public.documents (workspace_id, title) values (tests.workspace_id('kn_search'), 'no embedding yet');

insert into public.document_chunks (workspace_id, document_id, ordinal, content, embedding)
select tests.workspace_id('kn_search'), ('d8000000-0000-4000-8000-' || lpad(d::text, 12, '0'))::uuid, o, 'doc ' || d || ' part ' || o,
       tests.kn_vec(array[2, 100 + d * 10 + o], array[1, 0.05 * (d * 10 + o)]::real[])
from generate_series(1, 3) d, generate_series(0, 2) o;

insert into public.knowledge_collections (id, workspace_id, slug, name)
values ('d8000000-0000-4000-8000-0000000000c1', tests.workspace_id('kn_search'), 'people', 'People');
insert into public.knowledge_entries (workspace_id, collection_id, content, type, importance, embedding)
select tests.workspace_id('kn_search'),
       case when i <= 4 then 'd8000000-0000-4000-8000-0000000000c1'::uuid
            else (select c.id from public.knowledge_collections c where c.workspace_id = tests.workspace_id('kn_search') and c.is_default) end,
       'entry ' || i, (array['fact', 'preference', 'note', 'summary'])[1 + i % 4]::public.knowledge_entry_type, i / 10.0,
       tests.kn_vec(array[3, 200 + i], array[1, 0.1 * i]::real[])
from generate_series(1, 8) i;
insert into public.knowledge_entries (workspace_id, content, embedding)
select tests.workspace_id('kn_search', 'b'), 'b entry ' || i, tests.kn_vec(array[3], array[1]::real[]) from generate_series(1, 5) i;

-- ------------------------------------------------------------------------------------------ documents
select tests.authenticate_as('kn_search_member');
select results_eq(
  $$ select title from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 5) $$,
  $$ values ('a01'), ('a02'), ('a03'), ('a04'), ('a05') $$,
  'match_documents: the member gets its workspace''s nearest documents, nearest first (b''s nearer ones stay hidden)');
select ok((select bool_and(workspace_id = tests.workspace_id('kn_search'))
           from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 200)),
  'match_documents: even 200 rows never include another workspace''s');
select is((select count(*)::int from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 200)), 25,
  'match_documents: every embedded document of the workspace, and only those (no embedding, no match)');
select is((select round(similarity::numeric, 6) from public.match_documents(tests.kn_vec(array[1, 11], array[1, 0.1]::real[]), 1)),
  1.000000, 'match_documents: similarity of an identical vector is 1');
select is((select round(similarity::numeric, 4) from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 1)),
  round((1 / sqrt(1.01))::numeric, 4), 'match_documents: similarity is 1 - cosine distance');
select results_eq(
  $$ select title from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 3, p_tags => array['even']) $$,
  $$ values ('a02'), ('a04'), ('a06') $$, 'match_documents: p_tags keeps documents carrying every tag given');
select results_eq(
  $$ select title from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 10, p_folder_id => 'd8000000-0000-4000-8000-0000000000f1') $$,
  $$ values ('a01'), ('a02'), ('a03'), ('a04'), ('a05') $$, 'match_documents: p_folder_id keeps that folder''s documents');
select is((select count(*)::int from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 25, min_similarity => 0.9)),
  (select count(*)::int from generate_series(1, 25) i where 1 / sqrt(1 + (0.1 * i) ^ 2) >= 0.9),
  'match_documents: min_similarity drops the rows below it');
select is_empty($$ select * from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 5, tests.workspace_id('kn_search', 'b')) $$,
  'match_documents: naming another workspace returns nothing');

-- Filtered search returns as many rows as asked while enough match, also when the HNSW graph is forced
-- and every one of its nearest candidates belongs to a workspace RLS hides.
select results_eq(
  $$ select title from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 20) $$,
  $$ select 'a' || lpad(i::text, 2, '0') from generate_series(1, 20) i $$,
  'match_documents: 20 asked, 20 returned, in exact order');
-- The HNSW path itself: with the folder btree dropped (inside this transaction) and seq/bitmap scans off,
-- the planner walks the graph, and the 40 nearest candidates all lie outside the folder.
select tests.clear_authentication();
drop index public.documents_workspace_folder_idx;
set local enable_seqscan = off;
set local enable_bitmapscan = off;
set local hnsw.iterative_scan = off;
set local hnsw.ef_search = 40;
set local agentbase.vector_exact_threshold = 0; -- the scope is tiny: make the helper try the graph first
select is(
  (select count(*)::int from (
     select d.id from public.documents d where d.folder_id = 'd8000000-0000-4000-8000-0000000000f1'
     order by d.embedding::extensions.vector(1536) operator(extensions.<=>) tests.kn_vec(array[1], array[1]::real[])
     limit 5) x),
  0, 'fixture check: a plain HNSW scan (no iterative scan) finds none of the folder''s 5 documents');
select is(
  private.document_ids_by_vector(tests.kn_vec(array[1], array[1]::real[]), 5, null, 'd8000000-0000-4000-8000-0000000000f1', null),
  array(select ('d8000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid from generate_series(1, 5) i),
  'the search helper on the same graph path returns all 5, nearest first');
select is(current_setting('hnsw.iterative_scan') || '/' || current_setting('hnsw.ef_search') || '/' || current_setting('enable_sort'),
  'off/40/on', 'the search helper restores the caller''s hnsw settings and enable_sort');
select is(private.vector_exact_threshold(), 0, 'the exact-search threshold follows agentbase.vector_exact_threshold');
reset agentbase.vector_exact_threshold;
select is(private.vector_exact_threshold(), 1000, 'the exact-search threshold defaults to 1000 rows');
reset enable_seqscan;
reset enable_bitmapscan;

select tests.authenticate_as('kn_search_viewer');
select is((select count(*)::int from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 3)), 3, 'match_documents: a viewer can search');
select tests.authenticate_as('kn_search_outsider');
select ok((select bool_and(title like 'b%') from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 50)),
  'match_documents: the other workspace''s admin gets only its own documents');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 5) $$,
  'match_documents: anon may not call it');
select tests.authenticate_as_service_role();
select throws_ok($$ select * from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 5) $$,
  '22004', 'p_workspace_id must not be null for service_role: trusted callers search one workspace at a time',
  'match_documents: service_role must name a workspace');
select is((select count(*)::int from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 200, tests.workspace_id('kn_search', 'b'))),
  200, 'match_documents: service_role searches the workspace it names');

-- Bad input.
select tests.authenticate_as('kn_search_member');
select throws_ok($$ select * from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 0) $$,
  '22023', 'match_count must be between 1 and 200, got 0', 'match_count 0 is refused');
select throws_ok($$ select * from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 201) $$,
  '22023', 'match_count must be between 1 and 200, got 201', 'match_count 201 is refused');
select throws_ok($$ select * from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), -5) $$,
  '22023', 'match_count must be between 1 and 200, got -5', 'a negative match_count is refused');
select throws_ok($$ select * from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), null) $$,
  '22004', 'match_count must not be null', 'a null match_count is refused');
select throws_ok($$ select * from public.match_documents(null, 5) $$,
  '22004', 'query_embedding must not be null', 'a null query_embedding is refused');
select throws_ok($$ select * from public.match_documents(tests.kn_vec(array[1], array[1]::real[]), 5, min_similarity => 1.5) $$,
  '22023', 'min_similarity must be between -1 and 1, got 1.5', 'min_similarity above 1 is refused');

-- ------------------------------------------------------------------------------------------ chunks
select results_eq(
  $$ select document_title, ordinal, content from public.match_document_chunks(tests.kn_vec(array[2], array[1]::real[]), 3) $$,
  $$ values ('a01'::text, 0, 'doc 1 part 0'::text), ('a01', 1, 'doc 1 part 1'), ('a01', 2, 'doc 1 part 2') $$,
  'match_document_chunks: nearest passages with their document''s title and ordinal');
select results_eq(
  $$ select content from public.match_document_chunks(tests.kn_vec(array[2], array[1]::real[]), 2,
       p_document_ids => array['d8000000-0000-4000-8000-000000000003'::uuid]) $$,
  $$ values ('doc 3 part 0'::text), ('doc 3 part 1') $$, 'match_document_chunks: p_document_ids restricts the documents');
select throws_ok($$ select * from public.match_document_chunks(tests.kn_vec(array[2], array[1]::real[]), 500) $$,
  '22023', 'match_count must be between 1 and 200, got 500', 'match_document_chunks: match_count is bounded');
select tests.authenticate_as('kn_search_outsider');
select is_empty($$ select * from public.match_document_chunks(tests.kn_vec(array[2], array[1]::real[]), 10) $$,
  'match_document_chunks: the other workspace sees none of these passages');

-- ------------------------------------------------------------------------------------------ knowledge
select tests.authenticate_as('kn_search_member');
select results_eq(
  $$ select content from public.match_knowledge(tests.kn_vec(array[3], array[1]::real[]), 3) $$,
  $$ values ('entry 1'::text), ('entry 2'), ('entry 3') $$, 'match_knowledge: nearest entries of the member''s workspace');
select results_eq(
  $$ select content from public.match_knowledge(tests.kn_vec(array[3], array[1]::real[]), 10,
       p_collection_ids => array['d8000000-0000-4000-8000-0000000000c1'::uuid]) $$,
  $$ values ('entry 1'::text), ('entry 2'), ('entry 3'), ('entry 4') $$, 'match_knowledge: p_collection_ids');
select results_eq(
  $$ select content from public.match_knowledge(tests.kn_vec(array[3], array[1]::real[]), 10,
       p_types => array['fact']::public.knowledge_entry_type[], p_min_importance => 0.5) $$,
  $$ values ('entry 8'::text) $$, 'match_knowledge: p_types and p_min_importance');
select throws_ok($$ select * from public.match_knowledge(tests.kn_vec(array[3], array[1]::real[]), 10, p_min_importance => 1.5) $$,
  '22023', 'p_min_importance must be between 0 and 1, got 1.5', 'match_knowledge: importance filter out of range is refused');

select tests.clear_authentication();
select * from finish();
rollback;
