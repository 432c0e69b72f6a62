-- The embedding dimension is one constant (1536): any other dimension is refused with an error that names
-- the column (tables) or the argument (RPCs), and nothing is written.
begin;
select plan(16);

select tests.create_workspace_fixture('kn_dims');
insert into public.documents (id, workspace_id, title)
values ('d6000000-0000-4000-8000-000000000001', tests.workspace_id('kn_dims'), 'Doc');

create function tests.kn_dims_vec(p_dims integer) returns extensions.vector
language sql immutable set search_path = '' as $$
  select array_fill(0.5::real, array[p_dims])::extensions.vector
$$;
grant execute on function tests.kn_dims_vec(integer) to authenticated, service_role;

-- Tables: insert and update, as a member through the API path.
select tests.authenticate_as('kn_dims_member');
select throws_ok(
  $$ insert into public.documents (workspace_id, title, embedding) values (tests.workspace_id('kn_dims'), 'Bad', '[1,2,3]') $$,
  '22023', 'documents.embedding: expected 1536 dimensions, got 3', 'documents: a 3-d embedding is refused, naming the column');
select throws_ok(
  $$ update public.documents set embedding = tests.kn_dims_vec(1535) where id = 'd6000000-0000-4000-8000-000000000001' $$,
  '22023', 'documents.embedding: expected 1536 dimensions, got 1535', 'documents: updating to 1535 dimensions is refused');
select throws_ok(
  $$ insert into public.document_chunks (workspace_id, document_id, ordinal, content, embedding)
     values (tests.workspace_id('kn_dims'), 'd6000000-0000-4000-8000-000000000001', 0, 'x', tests.kn_dims_vec(3072)) $$,
  '22023', 'document_chunks.embedding: expected 1536 dimensions, got 3072', 'document_chunks: a 3072-d embedding is refused');
select throws_ok(
  $$ insert into public.knowledge_entries (workspace_id, content, embedding)
     values (tests.workspace_id('kn_dims'), 'x', tests.kn_dims_vec(768)) $$,
  '22023', 'knowledge_entries.embedding: expected 1536 dimensions, got 768', 'knowledge_entries: a 768-d embedding is refused');
select lives_ok(
  $$ insert into public.knowledge_entries (workspace_id, content, embedding)
     values (tests.workspace_id('kn_dims'), 'right size', tests.kn_dims_vec(1536)) $$,
  'knowledge_entries: a 1536-d embedding is accepted');
select lives_ok(
  $$ update public.documents set embedding = tests.kn_dims_vec(1536) where id = 'd6000000-0000-4000-8000-000000000001' $$,
  'documents: a 1536-d embedding is accepted');

select tests.clear_authentication();
select is((select count(*)::int from public.documents where title = 'Bad'), 0, 'the refused document was not written');
select is((select count(*)::int from public.knowledge_entries where workspace_id = tests.workspace_id('kn_dims')), 1,
  'only the right-sized knowledge entry was written');

-- The CHECK constraint holds on its own (the trigger only improves the message).
alter table public.documents disable trigger documents_check_embedding;
select throws_ok(
  $$ insert into public.documents (workspace_id, title, embedding) values (tests.workspace_id('kn_dims'), 'Bad', '[1,2,3]') $$,
  '23514', null, 'without the trigger the CHECK constraint still refuses a wrong dimension');
alter table public.documents enable trigger documents_check_embedding;

-- RPC arguments.
select tests.authenticate_as('kn_dims_member');
select throws_ok($$ select * from public.match_documents('[1,2,3]', 5) $$,
  '22023', 'query_embedding: expected 1536 dimensions, got 3', 'match_documents names query_embedding');
select throws_ok($$ select * from public.match_document_chunks(tests.kn_dims_vec(10), 5) $$,
  '22023', 'query_embedding: expected 1536 dimensions, got 10', 'match_document_chunks names query_embedding');
select throws_ok($$ select * from public.match_knowledge(tests.kn_dims_vec(1537), 5) $$,
  '22023', 'query_embedding: expected 1536 dimensions, got 1537', 'match_knowledge names query_embedding');
select throws_ok($$ select * from public.hybrid_search_documents('x', tests.kn_dims_vec(2), 5) $$,
  '22023', 'query_embedding: expected 1536 dimensions, got 2', 'hybrid_search_documents names query_embedding');
select throws_ok($$ select * from public.hybrid_search_knowledge('x', tests.kn_dims_vec(2), 5) $$,
  '22023', 'query_embedding: expected 1536 dimensions, got 2', 'hybrid_search_knowledge names query_embedding');

select tests.clear_authentication();
insert into public.agents (id, workspace_id, slug, name)
values ('d6000000-0000-4000-8000-0000000000a1', tests.workspace_id('kn_dims'), 'dims-agent', 'Dims');
insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access)
select tests.workspace_id('kn_dims'), 'd6000000-0000-4000-8000-0000000000a1', c.id, 'read_write'
from public.knowledge_collections c where c.workspace_id = tests.workspace_id('kn_dims') and c.is_default;
select tests.authenticate_as('kn_dims_member');
select throws_ok(
  $$ select public.add_knowledge_entry('d6000000-0000-4000-8000-0000000000a1', 'x', tests.kn_dims_vec(4)) $$,
  '22023', 'p_embedding: expected 1536 dimensions, got 4', 'add_knowledge_entry names p_embedding');
select isnt_empty(
  $$ select public.add_knowledge_entry('d6000000-0000-4000-8000-0000000000a1', 'fits', tests.kn_dims_vec(1536)) $$,
  'add_knowledge_entry accepts a 1536-d embedding');
select tests.clear_authentication();

select * from finish();
rollback;
