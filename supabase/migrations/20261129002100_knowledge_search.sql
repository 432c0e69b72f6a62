-- Knowledge search and agent-facing RPCs: match_documents, match_document_chunks, match_knowledge,
-- hybrid_search_documents, hybrid_search_knowledge, agent_boot_context, add_knowledge_entry,
-- set_default_knowledge_collection.
-- Runs as the non-superuser `postgres` role inside one transaction; every statement is idempotent.
-- Contract, access rules and errors: docs/knowledge.md.
--
-- Every RPC is SECURITY INVOKER: a member sees exactly the rows RLS shows them. Trusted callers
-- (service_role) bypass RLS, so they must name a scope (p_workspace_id, or p_agent_id where offered).
--
-- Vector search (the private *_ids_by_vector helpers):
--   0. scope: count the rows matching the filters (RLS included), up to private.vector_exact_threshold()
--      (1,000); a smaller scope skips straight to the exact search (2).
--   1. approximate: ORDER BY embedding::vector(1536) <=> query LIMIT n, served by the HNSW index, with
--      hnsw.iterative_scan = relaxed_order, hnsw.ef_search = greatest(100, n) and enable_sort = off set by
--      set_config(..., true) inside the function and restored right after. Iterative scan keeps reading
--      the graph while filters (RLS, workspace, folder, tags, types) discard rows, up to
--      hnsw.max_scan_tuples.
--   2. exact: when (0) found a small scope or (1) returned fewer than n rows, the same query ordered by the
--      bare column (`embedding <=> query`, which the expression index does not match) runs as an exact
--      scan over the filtered rows. So a search never returns fewer than n rows while n matching rows exist.
--   3. the caller re-sorts by exact distance (relaxed_order may return near-sorted rows).
-- Hybrid search: reciprocal rank fusion, score = Σ weight / (rrf_k + rank), rrf_k = 60 by default.

-- ===========================================================================================
-- Argument checks shared by the search RPCs
-- ===========================================================================================

create or replace function private.check_search_arguments(
  p_query_embedding extensions.vector,
  p_match_count integer,
  p_min_similarity double precision
)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_query_embedding is null then
    raise exception 'query_embedding must not be null' using errcode = '22004';
  end if;
  perform private.check_embedding_argument(p_query_embedding, 'query_embedding');
  if p_match_count is null then
    raise exception 'match_count must not be null' using errcode = '22004';
  end if;
  if p_match_count < 1 or p_match_count > 200 then
    raise exception 'match_count must be between 1 and 200, got %', p_match_count using errcode = '22023';
  end if;
  if p_min_similarity is not null and (p_min_similarity < -1 or p_min_similarity > 1 or p_min_similarity = 'NaN') then
    raise exception 'min_similarity must be between -1 and 1, got %', p_min_similarity using errcode = '22023';
  end if;
end
$$;
revoke all on function private.check_search_arguments(extensions.vector, integer, double precision) from public;
grant execute on function private.check_search_arguments(extensions.vector, integer, double precision)
  to authenticated, service_role;

-- Trusted callers bypass RLS: without a scope they would search every tenant at once.
create or replace function private.require_search_scope(p_workspace_id uuid, p_agent_id uuid)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_workspace_id is null and p_agent_id is null and private.is_trusted_caller() then
    raise exception 'p_workspace_id must not be null for %: trusted callers search one workspace at a time',
      private.request_role() using errcode = '22004';
  end if;
end
$$;
revoke all on function private.require_search_scope(uuid, uuid) from public;
grant execute on function private.require_search_scope(uuid, uuid) to authenticated, service_role;

create or replace function private.check_rrf_arguments(
  p_full_text_weight double precision,
  p_semantic_weight double precision,
  p_rrf_k integer
)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_full_text_weight is null or p_semantic_weight is null or p_rrf_k is null then
    raise exception 'full_text_weight, semantic_weight and rrf_k must not be null' using errcode = '22004';
  end if;
  if p_full_text_weight < 0 or p_full_text_weight > 100 or p_full_text_weight = 'NaN' then
    raise exception 'full_text_weight must be between 0 and 100, got %', p_full_text_weight using errcode = '22023';
  end if;
  if p_semantic_weight < 0 or p_semantic_weight > 100 or p_semantic_weight = 'NaN' then
    raise exception 'semantic_weight must be between 0 and 100, got %', p_semantic_weight using errcode = '22023';
  end if;
  if p_full_text_weight = 0 and p_semantic_weight = 0 then
    raise exception 'full_text_weight and semantic_weight must not both be 0' using errcode = '22023';
  end if;
  if p_rrf_k < 1 or p_rrf_k > 10000 then
    raise exception 'rrf_k must be between 1 and 10000, got %', p_rrf_k using errcode = '22023';
  end if;
end
$$;
revoke all on function private.check_rrf_arguments(double precision, double precision, integer) from public;
grant execute on function private.check_rrf_arguments(double precision, double precision, integer)
  to authenticated, service_role;

-- The collections an agent may use with at least p_min access, as the caller sees them (invoker: RLS on
-- agents and agent_knowledge_access applies). Unknown or invisible agent: P0002. p_collection_ids given:
-- each must be granted, else 42501 naming the first one that is not. Returns the agent's workspace too.
create or replace function private.agent_collections(
  p_agent_id uuid,
  p_collection_ids uuid[],
  p_min public.knowledge_access_level,
  out workspace_id uuid,
  out collection_ids uuid[]
)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_missing uuid;
begin
  select a.workspace_id into workspace_id from public.agents a where a.id = p_agent_id;
  if workspace_id is null then
    raise exception 'p_agent_id: agent % not found', p_agent_id using errcode = 'P0002';
  end if;
  select array_agg(g.collection_id order by g.collection_id) into collection_ids
  from public.agent_knowledge_access g
  where g.workspace_id = agent_collections.workspace_id and g.agent_id = p_agent_id and g.access >= p_min
    and (p_collection_ids is null or g.collection_id = any (p_collection_ids));
  collection_ids := coalesce(collection_ids, '{}');
  if p_collection_ids is not null then
    select c into v_missing from unnest(p_collection_ids) c
    where c is null or not (c = any (collection_ids)) limit 1;
    if found then
      raise exception 'p_agent_id: agent % has no % access to collection %', p_agent_id, p_min,
        coalesce(v_missing::text, 'null') using errcode = '42501';
    end if;
  end if;
end
$$;
revoke all on function private.agent_collections(uuid, uuid[], public.knowledge_access_level) from public;
grant execute on function private.agent_collections(uuid, uuid[], public.knowledge_access_level)
  to authenticated, service_role;

-- ===========================================================================================
-- Ordered id lists by vector distance (approximate with iterative scan, exact fallback)
-- ===========================================================================================

-- Below this many matching rows a search is exact (an ordered scan of the rows in scope cost about 8.5 µs
-- per 1536-d row on the loaded benchmark machine, so 1,000 rows ≈ a filtered graph walk); at or above it the HNSW graph
-- is walked with the filters applied (iterative scan), and enable_sort is switched off for that one
-- query so the planner does not pick "btree on workspace_id, then sort" (exact, but 85-250 ms at 10,000
-- rows per workspace in bench/vector.ts). Tunable per session or transaction:
-- `set local agentbase.vector_exact_threshold = 0` (0 = always try the graph first).
create or replace function private.vector_exact_threshold()
returns integer
language sql
stable
set search_path = ''
as $$
  select greatest(0, coalesce(nullif(current_setting('agentbase.vector_exact_threshold', true), '')::integer, 1000))
$$;
revoke all on function private.vector_exact_threshold() from public;
grant execute on function private.vector_exact_threshold() to authenticated, service_role;

create or replace function private.document_ids_by_vector(
  p_query extensions.vector,
  p_count integer,
  p_workspace_id uuid,
  p_folder_id uuid,
  p_tags text[]
)
returns uuid[]
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_scan text := current_setting('hnsw.iterative_scan', true);
  v_ef text := current_setting('hnsw.ef_search', true);
  v_sort text := current_setting('enable_sort');
  v_threshold integer := private.vector_exact_threshold();
  v_scope integer;
  v_ids uuid[];
begin
  select count(*) into v_scope from (
    select 1 from public.documents d
    where d.embedding is not null
      and (p_workspace_id is null or d.workspace_id = p_workspace_id)
      and (p_folder_id is null or d.folder_id = p_folder_id)
      and (p_tags is null or d.tags @> p_tags)
    limit v_threshold) s;
  if v_scope >= v_threshold then
    perform set_config('hnsw.iterative_scan', 'relaxed_order', true);
    perform set_config('hnsw.ef_search', greatest(100, p_count)::text, true);
    perform set_config('enable_sort', 'off', true);
    v_ids := array(
      select d.id from public.documents d
      where d.embedding is not null
        and (p_workspace_id is null or d.workspace_id = p_workspace_id)
        and (p_folder_id is null or d.folder_id = p_folder_id)
        and (p_tags is null or d.tags @> p_tags)
      order by d.embedding::extensions.vector(1536) operator(extensions.<=>) p_query
      limit p_count);
    perform set_config('hnsw.iterative_scan', v_scan, true);
    perform set_config('hnsw.ef_search', v_ef, true);
    perform set_config('enable_sort', v_sort, true);
  end if;
  if v_ids is null or cardinality(v_ids) < p_count then
    v_ids := array(
      select d.id from public.documents d
      where d.embedding is not null
        and (p_workspace_id is null or d.workspace_id = p_workspace_id)
        and (p_folder_id is null or d.folder_id = p_folder_id)
        and (p_tags is null or d.tags @> p_tags)
      order by d.embedding operator(extensions.<=>) p_query, d.id
      limit p_count);
  end if;
  return v_ids;
end
$$;
revoke all on function private.document_ids_by_vector(extensions.vector, integer, uuid, uuid, text[]) from public;
grant execute on function private.document_ids_by_vector(extensions.vector, integer, uuid, uuid, text[])
  to authenticated, service_role;

create or replace function private.document_chunk_ids_by_vector(
  p_query extensions.vector,
  p_count integer,
  p_workspace_id uuid,
  p_document_ids uuid[]
)
returns uuid[]
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_scan text := current_setting('hnsw.iterative_scan', true);
  v_ef text := current_setting('hnsw.ef_search', true);
  v_sort text := current_setting('enable_sort');
  v_threshold integer := private.vector_exact_threshold();
  v_scope integer;
  v_ids uuid[];
begin
  select count(*) into v_scope from (
    select 1 from public.document_chunks c
    where c.embedding is not null
      and (p_workspace_id is null or c.workspace_id = p_workspace_id)
      and (p_document_ids is null or c.document_id = any (p_document_ids))
    limit v_threshold) s;
  if v_scope >= v_threshold then
    perform set_config('hnsw.iterative_scan', 'relaxed_order', true);
    perform set_config('hnsw.ef_search', greatest(100, p_count)::text, true);
    perform set_config('enable_sort', 'off', true);
    v_ids := array(
      select c.id from public.document_chunks c
      where c.embedding is not null
        and (p_workspace_id is null or c.workspace_id = p_workspace_id)
        and (p_document_ids is null or c.document_id = any (p_document_ids))
      order by c.embedding::extensions.vector(1536) operator(extensions.<=>) p_query
      limit p_count);
    perform set_config('hnsw.iterative_scan', v_scan, true);
    perform set_config('hnsw.ef_search', v_ef, true);
    perform set_config('enable_sort', v_sort, true);
  end if;
  if v_ids is null or cardinality(v_ids) < p_count then
    v_ids := array(
      select c.id from public.document_chunks c
      where c.embedding is not null
        and (p_workspace_id is null or c.workspace_id = p_workspace_id)
        and (p_document_ids is null or c.document_id = any (p_document_ids))
      order by c.embedding operator(extensions.<=>) p_query, c.id
      limit p_count);
  end if;
  return v_ids;
end
$$;
revoke all on function private.document_chunk_ids_by_vector(extensions.vector, integer, uuid, uuid[]) from public;
grant execute on function private.document_chunk_ids_by_vector(extensions.vector, integer, uuid, uuid[])
  to authenticated, service_role;

create or replace function private.knowledge_ids_by_vector(
  p_query extensions.vector,
  p_count integer,
  p_workspace_id uuid,
  p_collection_ids uuid[],
  p_types public.knowledge_entry_type[],
  p_min_importance real
)
returns uuid[]
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_scan text := current_setting('hnsw.iterative_scan', true);
  v_ef text := current_setting('hnsw.ef_search', true);
  v_sort text := current_setting('enable_sort');
  v_threshold integer := private.vector_exact_threshold();
  v_scope integer;
  v_ids uuid[];
begin
  select count(*) into v_scope from (
    select 1 from public.knowledge_entries k
    where k.embedding is not null
      and (p_workspace_id is null or k.workspace_id = p_workspace_id)
      and (p_collection_ids is null or k.collection_id = any (p_collection_ids))
      and (p_types is null or k.type = any (p_types))
      and (p_min_importance is null or k.importance >= p_min_importance)
    limit v_threshold) s;
  if v_scope >= v_threshold then
    perform set_config('hnsw.iterative_scan', 'relaxed_order', true);
    perform set_config('hnsw.ef_search', greatest(100, p_count)::text, true);
    perform set_config('enable_sort', 'off', true);
    v_ids := array(
      select k.id from public.knowledge_entries k
      where k.embedding is not null
        and (p_workspace_id is null or k.workspace_id = p_workspace_id)
        and (p_collection_ids is null or k.collection_id = any (p_collection_ids))
        and (p_types is null or k.type = any (p_types))
        and (p_min_importance is null or k.importance >= p_min_importance)
      order by k.embedding::extensions.vector(1536) operator(extensions.<=>) p_query
      limit p_count);
    perform set_config('hnsw.iterative_scan', v_scan, true);
    perform set_config('hnsw.ef_search', v_ef, true);
    perform set_config('enable_sort', v_sort, true);
  end if;
  if v_ids is null or cardinality(v_ids) < p_count then
    v_ids := array(
      select k.id from public.knowledge_entries k
      where k.embedding is not null
        and (p_workspace_id is null or k.workspace_id = p_workspace_id)
        and (p_collection_ids is null or k.collection_id = any (p_collection_ids))
        and (p_types is null or k.type = any (p_types))
        and (p_min_importance is null or k.importance >= p_min_importance)
      order by k.embedding operator(extensions.<=>) p_query, k.id
      limit p_count);
  end if;
  return v_ids;
end
$$;
revoke all on function private.knowledge_ids_by_vector(extensions.vector, integer, uuid, uuid[], public.knowledge_entry_type[], real) from public;
grant execute on function private.knowledge_ids_by_vector(extensions.vector, integer, uuid, uuid[], public.knowledge_entry_type[], real)
  to authenticated, service_role;

-- ===========================================================================================
-- match_documents
-- ===========================================================================================

create or replace function public.match_documents(
  query_embedding extensions.vector,
  match_count integer default 10,
  p_workspace_id uuid default null,
  p_folder_id uuid default null,
  p_tags text[] default null,
  min_similarity double precision default null
)
returns table (
  id uuid,
  workspace_id uuid,
  folder_id uuid,
  title text,
  body text,
  tags text[],
  pinned boolean,
  metadata jsonb,
  similarity double precision
)
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  perform private.check_search_arguments(query_embedding, match_count, min_similarity);
  perform private.require_search_scope(p_workspace_id, null);
  v_ids := private.document_ids_by_vector(query_embedding, match_count, p_workspace_id, p_folder_id, p_tags);
  return query
    select d.id, d.workspace_id, d.folder_id, d.title, d.body, d.tags, d.pinned, d.metadata, s.similarity
    from public.documents d
    cross join lateral (select 1 - (d.embedding operator(extensions.<=>) query_embedding) as similarity) s
    where d.id = any (v_ids)
      and (min_similarity is null or s.similarity >= min_similarity)
    order by s.similarity desc, d.id;
end
$$;
revoke all on function public.match_documents(extensions.vector, integer, uuid, uuid, text[], double precision) from public, anon;
grant execute on function public.match_documents(extensions.vector, integer, uuid, uuid, text[], double precision)
  to authenticated, service_role;
comment on function public.match_documents(extensions.vector, integer, uuid, uuid, text[], double precision) is
  'Nearest documents by cosine similarity (1 - cosine distance) to query_embedding (1536 dimensions). match_count 1..200; optional workspace, folder, tags (document must have all), min_similarity. Members see their workspaces (RLS); service_role must pass p_workspace_id. HNSW with iterative scan, exact fallback: never fewer than match_count rows while that many match.';

-- ===========================================================================================
-- match_document_chunks
-- ===========================================================================================

create or replace function public.match_document_chunks(
  query_embedding extensions.vector,
  match_count integer default 10,
  p_workspace_id uuid default null,
  p_document_ids uuid[] default null,
  min_similarity double precision default null
)
returns table (
  id uuid,
  workspace_id uuid,
  document_id uuid,
  document_title text,
  ordinal integer,
  content text,
  metadata jsonb,
  similarity double precision
)
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  perform private.check_search_arguments(query_embedding, match_count, min_similarity);
  perform private.require_search_scope(p_workspace_id, null);
  v_ids := private.document_chunk_ids_by_vector(query_embedding, match_count, p_workspace_id, p_document_ids);
  return query
    select c.id, c.workspace_id, c.document_id, d.title, c.ordinal, c.content, c.metadata, s.similarity
    from public.document_chunks c
    join public.documents d on d.id = c.document_id
    cross join lateral (select 1 - (c.embedding operator(extensions.<=>) query_embedding) as similarity) s
    where c.id = any (v_ids)
      and (min_similarity is null or s.similarity >= min_similarity)
    order by s.similarity desc, c.id;
end
$$;
revoke all on function public.match_document_chunks(extensions.vector, integer, uuid, uuid[], double precision) from public, anon;
grant execute on function public.match_document_chunks(extensions.vector, integer, uuid, uuid[], double precision)
  to authenticated, service_role;
comment on function public.match_document_chunks(extensions.vector, integer, uuid, uuid[], double precision) is
  'Nearest document passages (document_chunks) by cosine similarity, with their document''s title. match_count 1..200; optional workspace, documents, min_similarity. Same access and search rules as match_documents.';

-- ===========================================================================================
-- match_knowledge
-- ===========================================================================================

create or replace function public.match_knowledge(
  query_embedding extensions.vector,
  match_count integer default 10,
  p_workspace_id uuid default null,
  p_collection_ids uuid[] default null,
  p_types public.knowledge_entry_type[] default null,
  p_min_importance real default null,
  min_similarity double precision default null,
  p_agent_id uuid default null
)
returns table (
  id uuid,
  workspace_id uuid,
  collection_id uuid,
  title text,
  content text,
  type public.knowledge_entry_type,
  importance real,
  source text,
  metadata jsonb,
  created_at timestamptz,
  similarity double precision
)
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_ids uuid[];
  v_ws uuid := p_workspace_id;
  v_collections uuid[] := p_collection_ids;
  v_agent record;
begin
  perform private.check_search_arguments(query_embedding, match_count, min_similarity);
  if p_min_importance is not null and (p_min_importance < 0 or p_min_importance > 1 or p_min_importance = 'NaN') then
    raise exception 'p_min_importance must be between 0 and 1, got %', p_min_importance using errcode = '22023';
  end if;
  perform private.require_search_scope(p_workspace_id, p_agent_id);
  if p_agent_id is not null then
    select * into v_agent from private.agent_collections(p_agent_id, p_collection_ids, 'read');
    if p_workspace_id is not null and p_workspace_id <> v_agent.workspace_id then
      raise exception 'p_workspace_id: agent % is not in workspace %', p_agent_id, p_workspace_id
        using errcode = '22023';
    end if;
    v_ws := v_agent.workspace_id;
    v_collections := v_agent.collection_ids;
    if cardinality(v_collections) = 0 then
      return; -- the agent may read no collection: nothing to find
    end if;
  end if;
  v_ids := private.knowledge_ids_by_vector(query_embedding, match_count, v_ws, v_collections, p_types, p_min_importance);
  return query
    select k.id, k.workspace_id, k.collection_id, k.title, k.content, k.type, k.importance, k.source, k.metadata,
           k.created_at, s.similarity
    from public.knowledge_entries k
    cross join lateral (select 1 - (k.embedding operator(extensions.<=>) query_embedding) as similarity) s
    where k.id = any (v_ids)
      and (min_similarity is null or s.similarity >= min_similarity)
    order by s.similarity desc, k.id;
end
$$;
revoke all on function public.match_knowledge(extensions.vector, integer, uuid, uuid[], public.knowledge_entry_type[], real, double precision, uuid) from public, anon;
grant execute on function public.match_knowledge(extensions.vector, integer, uuid, uuid[], public.knowledge_entry_type[], real, double precision, uuid)
  to authenticated, service_role;
comment on function public.match_knowledge(extensions.vector, integer, uuid, uuid[], public.knowledge_entry_type[], real, double precision, uuid) is
  'Nearest knowledge entries by cosine similarity. match_count 1..200; optional workspace, collections, types, minimum importance, min_similarity. With p_agent_id: only collections that agent has read or read_write access to (agent_knowledge_access); an agent with no grant gets no rows, naming a collection it may not read is 42501. Members see their workspaces (RLS); service_role must pass p_workspace_id or p_agent_id.';

-- ===========================================================================================
-- Hybrid search (reciprocal rank fusion of full-text rank and vector rank)
-- ===========================================================================================

create or replace function public.hybrid_search_documents(
  query_text text,
  query_embedding extensions.vector,
  match_count integer default 10,
  p_workspace_id uuid default null,
  p_folder_id uuid default null,
  p_tags text[] default null,
  full_text_weight double precision default 1,
  semantic_weight double precision default 1,
  rrf_k integer default 60
)
returns table (
  id uuid,
  workspace_id uuid,
  folder_id uuid,
  title text,
  body text,
  tags text[],
  pinned boolean,
  metadata jsonb,
  full_text_rank integer,
  semantic_rank integer,
  similarity double precision,
  score double precision
)
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_query tsquery;
  v_sem uuid[];
  v_ft uuid[];
begin
  if query_text is null then
    raise exception 'query_text must not be null' using errcode = '22004';
  end if;
  if length(query_text) > 10000 then
    raise exception 'query_text must be at most 10000 characters' using errcode = '22023';
  end if;
  perform private.check_search_arguments(query_embedding, match_count, null);
  perform private.check_rrf_arguments(full_text_weight, semantic_weight, rrf_k);
  perform private.require_search_scope(p_workspace_id, null);
  v_query := websearch_to_tsquery('english'::regconfig, query_text);
  -- Each list contributes up to 2 x match_count candidates.
  v_sem := private.document_ids_by_vector(query_embedding, match_count * 2, p_workspace_id, p_folder_id, p_tags);
  v_ft := array(
    select d.id from public.documents d
    where d.fts operator(pg_catalog.@@) v_query
      and (p_workspace_id is null or d.workspace_id = p_workspace_id)
      and (p_folder_id is null or d.folder_id = p_folder_id)
      and (p_tags is null or d.tags @> p_tags)
    order by ts_rank_cd(d.fts, v_query) desc, d.id
    limit match_count * 2);
  return query
    with ranks as (
      select coalesce(f.id, s.id) as id, f.ord::integer as ft_rank, s.ord::integer as sem_rank
      from unnest(v_ft) with ordinality as f (id, ord)
      full join unnest(v_sem) with ordinality as s (id, ord) on s.id = f.id
    )
    select d.id, d.workspace_id, d.folder_id, d.title, d.body, d.tags, d.pinned, d.metadata,
           r.ft_rank, r.sem_rank,
           case when d.embedding is not null then 1 - (d.embedding operator(extensions.<=>) query_embedding) end,
           coalesce(full_text_weight / (rrf_k + r.ft_rank), 0.0)
             + coalesce(semantic_weight / (rrf_k + r.sem_rank), 0.0)
    from ranks r
    join public.documents d on d.id = r.id
    order by coalesce(full_text_weight / (rrf_k + r.ft_rank), 0.0)
             + coalesce(semantic_weight / (rrf_k + r.sem_rank), 0.0) desc, d.id
    limit match_count;
end
$$;
revoke all on function public.hybrid_search_documents(text, extensions.vector, integer, uuid, uuid, text[], double precision, double precision, integer) from public, anon;
grant execute on function public.hybrid_search_documents(text, extensions.vector, integer, uuid, uuid, text[], double precision, double precision, integer)
  to authenticated, service_role;
comment on function public.hybrid_search_documents(text, extensions.vector, integer, uuid, uuid, text[], double precision, double precision, integer) is
  'Documents ranked by reciprocal rank fusion of English full-text rank (websearch_to_tsquery over title and body) and vector rank: score = full_text_weight/(rrf_k + full_text_rank) + semantic_weight/(rrf_k + semantic_rank), rrf_k 60 by default; each list contributes up to 2 x match_count candidates. Same access rules as match_documents.';

create or replace function public.hybrid_search_knowledge(
  query_text text,
  query_embedding extensions.vector,
  match_count integer default 10,
  p_workspace_id uuid default null,
  p_collection_ids uuid[] default null,
  p_types public.knowledge_entry_type[] default null,
  p_min_importance real default null,
  p_agent_id uuid default null,
  full_text_weight double precision default 1,
  semantic_weight double precision default 1,
  rrf_k integer default 60
)
returns table (
  id uuid,
  workspace_id uuid,
  collection_id uuid,
  title text,
  content text,
  type public.knowledge_entry_type,
  importance real,
  source text,
  metadata jsonb,
  full_text_rank integer,
  semantic_rank integer,
  similarity double precision,
  score double precision
)
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_query tsquery;
  v_sem uuid[];
  v_ft uuid[];
  v_ws uuid := p_workspace_id;
  v_collections uuid[] := p_collection_ids;
  v_agent record;
begin
  if query_text is null then
    raise exception 'query_text must not be null' using errcode = '22004';
  end if;
  if length(query_text) > 10000 then
    raise exception 'query_text must be at most 10000 characters' using errcode = '22023';
  end if;
  perform private.check_search_arguments(query_embedding, match_count, null);
  perform private.check_rrf_arguments(full_text_weight, semantic_weight, rrf_k);
  if p_min_importance is not null and (p_min_importance < 0 or p_min_importance > 1 or p_min_importance = 'NaN') then
    raise exception 'p_min_importance must be between 0 and 1, got %', p_min_importance using errcode = '22023';
  end if;
  perform private.require_search_scope(p_workspace_id, p_agent_id);
  if p_agent_id is not null then
    select * into v_agent from private.agent_collections(p_agent_id, p_collection_ids, 'read');
    if p_workspace_id is not null and p_workspace_id <> v_agent.workspace_id then
      raise exception 'p_workspace_id: agent % is not in workspace %', p_agent_id, p_workspace_id
        using errcode = '22023';
    end if;
    v_ws := v_agent.workspace_id;
    v_collections := v_agent.collection_ids;
    if cardinality(v_collections) = 0 then
      return;
    end if;
  end if;
  v_query := websearch_to_tsquery('english'::regconfig, query_text);
  v_sem := private.knowledge_ids_by_vector(query_embedding, match_count * 2, v_ws, v_collections, p_types, p_min_importance);
  v_ft := array(
    select k.id from public.knowledge_entries k
    where k.fts operator(pg_catalog.@@) v_query
      and (v_ws is null or k.workspace_id = v_ws)
      and (v_collections is null or k.collection_id = any (v_collections))
      and (p_types is null or k.type = any (p_types))
      and (p_min_importance is null or k.importance >= p_min_importance)
    order by ts_rank_cd(k.fts, v_query) desc, k.id
    limit match_count * 2);
  return query
    with ranks as (
      select coalesce(f.id, s.id) as id, f.ord::integer as ft_rank, s.ord::integer as sem_rank
      from unnest(v_ft) with ordinality as f (id, ord)
      full join unnest(v_sem) with ordinality as s (id, ord) on s.id = f.id
    )
    select k.id, k.workspace_id, k.collection_id, k.title, k.content, k.type, k.importance, k.source, k.metadata,
           r.ft_rank, r.sem_rank,
           case when k.embedding is not null then 1 - (k.embedding operator(extensions.<=>) query_embedding) end,
           coalesce(full_text_weight / (rrf_k + r.ft_rank), 0.0)
             + coalesce(semantic_weight / (rrf_k + r.sem_rank), 0.0)
    from ranks r
    join public.knowledge_entries k on k.id = r.id
    order by coalesce(full_text_weight / (rrf_k + r.ft_rank), 0.0)
             + coalesce(semantic_weight / (rrf_k + r.sem_rank), 0.0) desc, k.id
    limit match_count;
end
$$;
revoke all on function public.hybrid_search_knowledge(text, extensions.vector, integer, uuid, uuid[], public.knowledge_entry_type[], real, uuid, double precision, double precision, integer) from public, anon;
grant execute on function public.hybrid_search_knowledge(text, extensions.vector, integer, uuid, uuid[], public.knowledge_entry_type[], real, uuid, double precision, double precision, integer)
  to authenticated, service_role;
comment on function public.hybrid_search_knowledge(text, extensions.vector, integer, uuid, uuid[], public.knowledge_entry_type[], real, uuid, double precision, double precision, integer) is
  'Knowledge entries ranked by reciprocal rank fusion of English full-text rank and vector rank (rrf_k 60 by default). Same filters and agent access rules as match_knowledge.';

-- ===========================================================================================
-- Agent-facing writes and settings
-- ===========================================================================================

-- An entry written on behalf of an agent: the agent needs read_write on the collection (the workspace's
-- default collection when none is given), and the caller needs write access to knowledge (member or
-- above, or service_role). Source is recorded as agent:<id>.
create or replace function public.add_knowledge_entry(
  p_agent_id uuid,
  p_content text,
  p_embedding extensions.vector default null,
  p_type public.knowledge_entry_type default 'note',
  p_importance real default 0.5,
  p_collection_id uuid default null,
  p_title text default null,
  p_metadata jsonb default '{}'
)
returns public.knowledge_entries
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_ws uuid;
  v_collection uuid := p_collection_id;
  v_row public.knowledge_entries;
begin
  if p_agent_id is null then
    raise exception 'p_agent_id must not be null' using errcode = '22004';
  end if;
  if p_content is null then
    raise exception 'p_content must not be null' using errcode = '22004';
  end if;
  if p_type is null then
    raise exception 'p_type must not be null' using errcode = '22004';
  end if;
  if p_importance is null then
    raise exception 'p_importance must not be null' using errcode = '22004';
  end if;
  if p_importance < 0 or p_importance > 1 or p_importance = 'NaN' then
    raise exception 'p_importance must be between 0 and 1, got %', p_importance using errcode = '22023';
  end if;
  if length(btrim(p_content)) not between 1 and 100000 then
    raise exception 'p_content must be 1 to 100000 characters' using errcode = '22023';
  end if;
  if p_metadata is null or jsonb_typeof(p_metadata) <> 'object' then
    raise exception 'p_metadata must be a JSON object' using errcode = '22023';
  end if;
  perform private.check_embedding_argument(p_embedding, 'p_embedding');

  select a.workspace_id into v_ws from public.agents a where a.id = p_agent_id;
  if v_ws is null then
    raise exception 'p_agent_id: agent % not found', p_agent_id using errcode = 'P0002';
  end if;
  perform private.assert_workspace_role(v_ws, 'member');
  if v_collection is null then
    select c.id into v_collection from public.knowledge_collections c where c.workspace_id = v_ws and c.is_default;
  end if;
  perform private.agent_collections(p_agent_id, array[v_collection], 'read_write');

  insert into public.knowledge_entries as k
    (workspace_id, collection_id, title, content, type, importance, source, metadata, embedding)
  values (v_ws, v_collection, nullif(btrim(p_title), ''), p_content, p_type, p_importance,
          'agent:' || p_agent_id::text, p_metadata, p_embedding)
  returning k.* into v_row;
  return v_row;
end
$$;
revoke all on function public.add_knowledge_entry(uuid, text, extensions.vector, public.knowledge_entry_type, real, uuid, text, jsonb) from public, anon;
grant execute on function public.add_knowledge_entry(uuid, text, extensions.vector, public.knowledge_entry_type, real, uuid, text, jsonb)
  to authenticated, service_role;
comment on function public.add_knowledge_entry(uuid, text, extensions.vector, public.knowledge_entry_type, real, uuid, text, jsonb) is
  'Adds a knowledge entry on behalf of an agent (source agent:<id>). The agent needs read_write access to the collection (default: the workspace''s default collection), else 42501; the caller must be a member (or above) of the agent''s workspace, or service_role.';

create or replace function public.set_default_knowledge_collection(p_collection_id uuid)
returns public.knowledge_collections
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_ws uuid;
  v_row public.knowledge_collections;
begin
  if p_collection_id is null then
    raise exception 'p_collection_id must not be null' using errcode = '22004';
  end if;
  select c.workspace_id into v_ws from public.knowledge_collections c where c.id = p_collection_id;
  if v_ws is null then
    raise exception 'p_collection_id: collection % not found', p_collection_id using errcode = 'P0002';
  end if;
  perform private.assert_workspace_role(v_ws, 'member');
  update public.knowledge_collections c set is_default = false
  where c.workspace_id = v_ws and c.is_default and c.id <> p_collection_id;
  update public.knowledge_collections c set is_default = true
  where c.id = p_collection_id
  returning c.* into v_row;
  return v_row;
end
$$;
revoke all on function public.set_default_knowledge_collection(uuid) from public, anon;
grant execute on function public.set_default_knowledge_collection(uuid) to authenticated, service_role;
comment on function public.set_default_knowledge_collection(uuid) is
  'Makes this collection its workspace''s default (the previous default stops being one) in one transaction. Member or above, or service_role.';

-- ===========================================================================================
-- agent_boot_context
-- ===========================================================================================

-- What an agent loads at start-up, as one JSON document:
--   agent           {id, workspace_id, slug, name}
--   documents       documents tagged boot:all or boot:<slug>, each once, pinned first, then title, id
--   training_data   the agent's enabled training data, oldest first
--   skills          the agent's skills, by slug
--   knowledge       the collections the agent may use, with its access level
create or replace function public.agent_boot_context(p_agent_id uuid)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_agent public.agents;
begin
  if p_agent_id is null then
    raise exception 'p_agent_id must not be null' using errcode = '22004';
  end if;
  select a.* into v_agent from public.agents a where a.id = p_agent_id;
  if v_agent.id is null then
    raise exception 'p_agent_id: agent % not found', p_agent_id using errcode = 'P0002';
  end if;
  return jsonb_build_object(
    'agent', jsonb_build_object('id', v_agent.id, 'workspace_id', v_agent.workspace_id, 'slug', v_agent.slug,
                                'name', v_agent.name),
    'documents', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', d.id, 'title', d.title, 'body', d.body, 'tags', d.tags, 'pinned', d.pinned,
               'metadata', d.metadata, 'updated_at', d.updated_at)
             order by d.pinned desc, d.title, d.id)
      from public.documents d
      where d.workspace_id = v_agent.workspace_id
        and d.tags && array['boot:all', 'boot:' || v_agent.slug]), '[]'::jsonb),
    'training_data', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', t.id, 'kind', t.kind, 'title', t.title, 'content', t.content, 'meta', t.meta)
             order by t.created_at, t.id)
      from public.agent_training_data t
      where t.workspace_id = v_agent.workspace_id and t.agent_id = v_agent.id and t.enabled), '[]'::jsonb),
    'skills', coalesce((
      select jsonb_agg(jsonb_build_object(
               'id', s.id, 'slug', s.slug, 'name', s.name, 'description', s.description,
               'category', s.category, 'level', s.level, 'config', s.config)
             order by s.slug)
      from public.agent_skills s
      where s.workspace_id = v_agent.workspace_id and s.agent_id = v_agent.id), '[]'::jsonb),
    'knowledge', coalesce((
      select jsonb_agg(jsonb_build_object(
               'collection_id', c.id, 'slug', c.slug, 'name', c.name, 'is_default', c.is_default, 'access', g.access)
             order by c.slug)
      from public.agent_knowledge_access g
      join public.knowledge_collections c on c.id = g.collection_id
      where g.workspace_id = v_agent.workspace_id and g.agent_id = v_agent.id), '[]'::jsonb)
  );
end
$$;
revoke all on function public.agent_boot_context(uuid) from public, anon;
grant execute on function public.agent_boot_context(uuid) to authenticated, service_role;
comment on function public.agent_boot_context(uuid) is
  'Start-up context of an agent as one JSON object: agent {id, workspace_id, slug, name}; documents tagged boot:all or boot:<agent slug> (each once; pinned first, then by title); enabled training_data (oldest first); skills (by slug); knowledge (collections the agent may use, with access). Caller must see the agent (any member role, or service_role), else P0002.';
