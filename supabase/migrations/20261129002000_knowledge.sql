-- Knowledge: document folders and documents (chunked for passage search), asset folders and assets,
-- knowledge collections and entries with per-agent access. Embeddings live next to the rows they describe
-- (pgvector, cosine); the search RPCs are in 20261129002100_knowledge_search.sql, the storage buckets and
-- object policies in 20261129002200_knowledge_storage.sql.
-- Runs as the non-superuser `postgres` role inside one transaction; every statement is idempotent.
-- Model, access rules, errors and the choices made: docs/knowledge.md.
--
-- Embedding dimension: 1536, one constant for every embedding column (private.embedding_dimensions()).
-- Columns are `extensions.vector` with a CHECK on the dimension and a trigger that names the column in
-- its error; the HNSW indexes are on `embedding::extensions.vector(1536)` (pgvector's documented form for
-- an index over a dimension-checked expression), which is what the search RPCs order by.

-- ===========================================================================================
-- Enums
-- ===========================================================================================

do $$
begin
  create type public.asset_type as enum (
    'sop', 'research', 'image', 'video', 'audio', 'template', 'script', 'spreadsheet', 'link', 'other');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.knowledge_entry_type as enum ('fact', 'preference', 'knowledge', 'note', 'summary');
exception when duplicate_object then null;
end $$;

-- Least to most: `access >= 'read'` is any grant, `access = 'read_write'` may write.
do $$
begin
  create type public.knowledge_access_level as enum ('read', 'read_write');
exception when duplicate_object then null;
end $$;

-- ===========================================================================================
-- Helpers
-- ===========================================================================================

-- The embedding dimension of every embedding column and search argument (OpenAI text-embedding-3-small,
-- ada-002, and most 1536-d models). Changing it means a new migration that alters every CHECK and index.
create or replace function private.embedding_dimensions()
returns integer
language sql
immutable
parallel safe
set search_path = ''
as $$
  select 1536
$$;
revoke all on function private.embedding_dimensions() from public;
grant execute on function private.embedding_dimensions() to anon, authenticated, service_role;

-- Raises 22023 naming the argument unless p_value is null or has the project's dimension.
create or replace function private.check_embedding_argument(p_value extensions.vector, p_arg text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is not null and extensions.vector_dims(p_value) <> private.embedding_dimensions() then
    raise exception '%: expected % dimensions, got %', p_arg, private.embedding_dimensions(),
      extensions.vector_dims(p_value) using errcode = '22023';
  end if;
end
$$;
revoke all on function private.check_embedding_argument(extensions.vector, text) from public;
grant execute on function private.check_embedding_argument(extensions.vector, text) to authenticated, service_role;

-- BEFORE INSERT OR UPDATE OF embedding: the clear error (table.column, expected, got) ahead of the CHECK
-- constraint, which stays as the guarantee.
create or replace function private.check_embedding_dimensions()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.embedding is not null and extensions.vector_dims(new.embedding) <> private.embedding_dimensions() then
    raise exception '%.embedding: expected % dimensions, got %', tg_table_name, private.embedding_dimensions(),
      extensions.vector_dims(new.embedding) using errcode = '22023';
  end if;
  return new;
end
$$;
revoke all on function private.check_embedding_dimensions() from public;

-- Folders are trees inside one workspace (the composite foreign key keeps parent and child together).
-- BEFORE INSERT OR UPDATE OF parent_id: refuses a folder as its own ancestor. Serialized per workspace and
-- table so two concurrent moves cannot close a cycle together.
create or replace function private.folders_prevent_cycle()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_cur uuid;
  v_steps integer := 0;
begin
  if new.parent_id is null or (tg_op = 'UPDATE' and new.parent_id is not distinct from old.parent_id) then
    return new;
  end if;
  if new.parent_id = new.id then
    raise exception '%.parent_id: folder % cannot be its own parent', tg_table_name, new.id using errcode = '23514';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('agentbase.' || tg_table_name || ':' || new.workspace_id::text, 0));
  v_cur := new.parent_id;
  while v_cur is not null loop
    if v_cur = new.id then
      raise exception '%.parent_id: moving folder % under % would create a cycle', tg_table_name, new.id, new.parent_id
        using errcode = '23514';
    end if;
    v_steps := v_steps + 1;
    if v_steps > 10000 then
      raise exception '%.parent_id: folder tree above % is too deep', tg_table_name, new.parent_id using errcode = '54000';
    end if;
    execute format('select f.parent_id from %I.%I f where f.id = $1', tg_table_schema, tg_table_name)
      into v_cur using v_cur;
  end loop;
  return new;
end
$$;
revoke all on function private.folders_prevent_cycle() from public;

-- ===========================================================================================
-- Documents
-- ===========================================================================================

create table if not exists public.document_folders (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  parent_id uuid,
  name text not null check (length(btrim(name)) between 1 and 200),
  sort_order integer not null default 0,
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint document_folders_workspace_id_id_key unique (workspace_id, id),
  constraint document_folders_parent_fkey foreign key (workspace_id, parent_id)
    references public.document_folders (workspace_id, id) on delete cascade,
  constraint document_folders_sibling_name_key unique nulls not distinct (workspace_id, parent_id, name)
);
create index if not exists document_folders_created_by_idx on public.document_folders (created_by);

create table if not exists public.documents (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  folder_id uuid,
  title text not null check (length(btrim(title)) between 1 and 500),
  body text not null default '' check (length(body) <= 500000),
  -- Free labels; `boot:all` and `boot:<agent slug>` mark start-up context (agent_boot_context).
  tags text[] not null default '{}' check (cardinality(tags) <= 100 and array_position(tags, null) is null),
  pinned boolean not null default false,
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  embedding extensions.vector,
  -- Full-text side of hybrid search: title weighs more than body.
  fts tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, title), 'A') || setweight(to_tsvector('english'::regconfig, body), 'B')
  ) stored,
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint documents_workspace_id_id_key unique (workspace_id, id),
  constraint documents_folder_fkey foreign key (workspace_id, folder_id)
    references public.document_folders (workspace_id, id) on delete set null (folder_id),
  constraint documents_embedding_dimensions_check check (extensions.vector_dims(embedding) = 1536)
);
create index if not exists documents_workspace_folder_idx on public.documents (workspace_id, folder_id);
create index if not exists documents_tags_idx on public.documents using gin (tags);
create index if not exists documents_fts_idx on public.documents using gin (fts);
create index if not exists documents_created_by_idx on public.documents (created_by);
create index if not exists documents_embedding_idx on public.documents
  using hnsw ((embedding::extensions.vector(1536)) extensions.vector_cosine_ops);

-- Passages of a document, so long documents are searchable by the part that matches.
create table if not exists public.document_chunks (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  document_id uuid not null,
  ordinal integer not null check (ordinal >= 0),
  content text not null check (length(content) between 1 and 100000),
  token_count integer check (token_count >= 0),
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  embedding extensions.vector,
  fts tsvector generated always as (to_tsvector('english'::regconfig, content)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint document_chunks_document_fkey foreign key (workspace_id, document_id)
    references public.documents (workspace_id, id) on delete cascade,
  -- Leads with (workspace_id, document_id): serves the foreign key and the per-document order.
  constraint document_chunks_document_ordinal_key unique (workspace_id, document_id, ordinal),
  constraint document_chunks_embedding_dimensions_check check (extensions.vector_dims(embedding) = 1536)
);
create index if not exists document_chunks_fts_idx on public.document_chunks using gin (fts);
create index if not exists document_chunks_embedding_idx on public.document_chunks
  using hnsw ((embedding::extensions.vector(1536)) extensions.vector_cosine_ops);

-- ===========================================================================================
-- Assets (files in the private `assets` bucket, or links)
-- ===========================================================================================

create table if not exists public.asset_folders (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  parent_id uuid,
  name text not null check (length(btrim(name)) between 1 and 200),
  sort_order integer not null default 0,
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint asset_folders_workspace_id_id_key unique (workspace_id, id),
  constraint asset_folders_parent_fkey foreign key (workspace_id, parent_id)
    references public.asset_folders (workspace_id, id) on delete cascade,
  constraint asset_folders_sibling_name_key unique nulls not distinct (workspace_id, parent_id, name)
);
create index if not exists asset_folders_created_by_idx on public.asset_folders (created_by);

create table if not exists public.assets (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  folder_id uuid,
  name text not null check (length(btrim(name)) between 1 and 500),
  type public.asset_type not null default 'other',
  description text not null default '' check (length(description) <= 20000),
  -- Exactly one of: an object in the `assets` bucket under `<workspace_id>/`, or an http(s) URL.
  storage_path text check (
    length(storage_path) <= 1024
    and storage_path like workspace_id::text || '/_%'
    and storage_path !~ '(^|/)\.\.?(/|$)'),
  url text check (url ~ '^https?://[^\s]+$' and length(url) <= 2048),
  mime_type text check (mime_type ~ '^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$' and length(mime_type) <= 255),
  size_bytes bigint check (size_bytes >= 0),
  tags text[] not null default '{}' check (cardinality(tags) <= 100 and array_position(tags, null) is null),
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint assets_folder_fkey foreign key (workspace_id, folder_id)
    references public.asset_folders (workspace_id, id) on delete set null (folder_id),
  constraint assets_location_check check (num_nonnulls(storage_path, url) = 1)
);
create index if not exists assets_workspace_folder_idx on public.assets (workspace_id, folder_id);
create index if not exists assets_tags_idx on public.assets using gin (tags);
create index if not exists assets_created_by_idx on public.assets (created_by);
create unique index if not exists assets_storage_path_key on public.assets (storage_path) where storage_path is not null;

-- ===========================================================================================
-- Knowledge collections and entries (agents' memory), and which agent may use which collection
-- ===========================================================================================

create table if not exists public.knowledge_collections (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '' check (length(description) <= 2000),
  -- Exactly one per workspace: created with the workspace, switched with set_default_knowledge_collection.
  is_default boolean not null default false,
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint knowledge_collections_workspace_id_id_key unique (workspace_id, id),
  constraint knowledge_collections_workspace_id_slug_key unique (workspace_id, slug)
);
create index if not exists knowledge_collections_created_by_idx on public.knowledge_collections (created_by);
-- At most one default per workspace; the deferred trigger below makes it exactly one.
create unique index if not exists knowledge_collections_one_default_idx
  on public.knowledge_collections (workspace_id) where is_default;

create table if not exists public.knowledge_entries (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  -- Null on insert means the workspace's default collection (filled by a trigger).
  collection_id uuid not null,
  title text check (length(title) <= 500),
  content text not null check (length(btrim(content)) between 1 and 100000),
  type public.knowledge_entry_type not null default 'note',
  importance real not null default 0.5 constraint knowledge_entries_importance_check
    check (importance >= 0 and importance <= 1),
  -- manual | onboarding | web_research | agent:<agent uuid>
  source text not null default 'manual' constraint knowledge_entries_source_check
    check (source ~ '^(manual|onboarding|web_research|agent:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$'),
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  embedding extensions.vector,
  fts tsvector generated always as (
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, content), 'B')
  ) stored,
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint knowledge_entries_collection_fkey foreign key (workspace_id, collection_id)
    references public.knowledge_collections (workspace_id, id) on delete cascade,
  constraint knowledge_entries_embedding_dimensions_check check (extensions.vector_dims(embedding) = 1536)
);
create index if not exists knowledge_entries_workspace_collection_idx
  on public.knowledge_entries (workspace_id, collection_id);
create index if not exists knowledge_entries_fts_idx on public.knowledge_entries using gin (fts);
create index if not exists knowledge_entries_created_by_idx on public.knowledge_entries (created_by);
create index if not exists knowledge_entries_embedding_idx on public.knowledge_entries
  using hnsw ((embedding::extensions.vector(1536)) extensions.vector_cosine_ops);

create table if not exists public.agent_knowledge_access (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  agent_id uuid not null,
  collection_id uuid not null,
  access public.knowledge_access_level not null default 'read',
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agent_knowledge_access_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete cascade,
  constraint agent_knowledge_access_collection_fkey foreign key (workspace_id, collection_id)
    references public.knowledge_collections (workspace_id, id) on delete cascade,
  -- Leads with (workspace_id, agent_id): serves the agent foreign key and the per-agent lookup.
  constraint agent_knowledge_access_agent_collection_key unique (workspace_id, agent_id, collection_id)
);
create index if not exists agent_knowledge_access_workspace_collection_idx
  on public.agent_knowledge_access (workspace_id, collection_id);
create index if not exists agent_knowledge_access_created_by_idx on public.agent_knowledge_access (created_by);

-- ===========================================================================================
-- Triggers
-- ===========================================================================================

-- Default collection of a new workspace. Definer: the workspace's creator is not a member yet when the
-- row is inserted (create_workspace adds the owner afterwards).
create or replace function private.create_default_knowledge_collection()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.knowledge_collections (workspace_id, slug, name, description, is_default, created_by)
  values (new.id, 'general', 'General', 'Default collection: entries without a collection land here.', true,
          new.created_by)
  on conflict do nothing;
  return new;
end
$$;
revoke all on function private.create_default_knowledge_collection() from public;

drop trigger if exists workspaces_create_default_knowledge_collection on public.workspaces;
create trigger workspaces_create_default_knowledge_collection
  after insert on public.workspaces
  for each row execute function private.create_default_knowledge_collection();

-- Workspaces created before this migration get theirs now (re-runs insert nothing).
insert into public.knowledge_collections (workspace_id, slug, name, description, is_default, created_by)
select w.id, 'general', 'General', 'Default collection: entries without a collection land here.', true, w.created_by
from public.workspaces w
where not exists (select 1 from public.knowledge_collections c where c.workspace_id = w.id and c.is_default)
on conflict do nothing;

-- Deferred to commit: every workspace that still exists has exactly one default collection. Lets
-- set_default_knowledge_collection move the flag in two statements; refuses deleting or un-defaulting
-- the last default. Definer so the count sees every row whatever the caller's RLS.
create or replace function private.knowledge_collections_check_default()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ws uuid := coalesce(new.workspace_id, old.workspace_id);
  v_count integer;
begin
  if not exists (select 1 from public.workspaces w where w.id = v_ws) then
    return null; -- the workspace itself is being deleted
  end if;
  select count(*) into v_count from public.knowledge_collections c where c.workspace_id = v_ws and c.is_default;
  if v_count <> 1 then
    raise exception 'knowledge_collections.is_default: workspace % must have exactly one default collection, found %',
      v_ws, v_count using errcode = '23514',
      hint = 'Make another collection the default with set_default_knowledge_collection first.';
  end if;
  return null;
end
$$;
revoke all on function private.knowledge_collections_check_default() from public;

drop trigger if exists knowledge_collections_check_default on public.knowledge_collections;
create constraint trigger knowledge_collections_check_default
  after insert or update of is_default or delete on public.knowledge_collections
  deferrable initially deferred
  for each row execute function private.knowledge_collections_check_default();

-- knowledge_entries.collection_id null -> the workspace's default collection.
create or replace function private.knowledge_entries_default_collection()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.collection_id is null and new.workspace_id is not null then
    select c.id into new.collection_id
    from public.knowledge_collections c
    where c.workspace_id = new.workspace_id and c.is_default;
  end if;
  return new;
end
$$;
revoke all on function private.knowledge_entries_default_collection() from public;

drop trigger if exists knowledge_entries_default_collection on public.knowledge_entries;
create trigger knowledge_entries_default_collection
  before insert or update of collection_id on public.knowledge_entries
  for each row execute function private.knowledge_entries_default_collection();

-- Embedding dimension, folder cycles, fixed tenancy, updated_at.
do $$
declare
  t text;
begin
  foreach t in array array['documents', 'document_chunks', 'knowledge_entries'] loop
    execute format('drop trigger if exists %I on public.%I', t || '_check_embedding', t);
    execute format('create trigger %I before insert or update of embedding on public.%I '
                   'for each row execute function private.check_embedding_dimensions()', t || '_check_embedding', t);
  end loop;
  foreach t in array array['document_folders', 'asset_folders'] loop
    execute format('drop trigger if exists %I on public.%I', t || '_prevent_cycle', t);
    execute format('create trigger %I before insert or update of parent_id on public.%I '
                   'for each row execute function private.folders_prevent_cycle()', t || '_prevent_cycle', t);
  end loop;
  foreach t in array array['document_folders', 'documents', 'document_chunks', 'asset_folders', 'assets',
                           'knowledge_collections', 'knowledge_entries', 'agent_knowledge_access'] loop
    execute format('drop trigger if exists %I on public.%I', t || '_forbid_workspace_change', t);
    execute format('create trigger %I before update of workspace_id on public.%I '
                   'for each row execute function private.agents_forbid_workspace_change()',
                   t || '_forbid_workspace_change', t);
    execute format('drop trigger if exists %I on public.%I', t || '_set_updated_at', t);
    execute format('create trigger %I before update on public.%I '
                   'for each row execute function private.set_updated_at()', t || '_set_updated_at', t);
  end loop;
end $$;

-- ===========================================================================================
-- Grants and row-level security
-- ===========================================================================================
-- anon: nothing. authenticated: DML gated by RLS. service_role: trusted, bypasses RLS.
--   documents, document_folders, assets, asset_folders, knowledge_collections: viewer reads, member writes,
--     admin deletes (the same rule as the storage objects behind assets).
--   document_chunks, knowledge_entries: viewer reads, member writes and deletes (re-chunking, pruning memory).
--   agent_knowledge_access: viewer reads, admin grants, changes and revokes (it is agent permission).

revoke all on table public.document_folders, public.documents, public.document_chunks, public.asset_folders,
  public.assets, public.knowledge_collections, public.knowledge_entries, public.agent_knowledge_access
  from anon, authenticated;
grant select, insert, update, delete on table public.document_folders, public.documents, public.document_chunks,
  public.asset_folders, public.assets, public.knowledge_collections, public.knowledge_entries,
  public.agent_knowledge_access to authenticated, service_role;

alter table public.document_folders enable row level security;
alter table public.documents enable row level security;
alter table public.document_chunks enable row level security;
alter table public.asset_folders enable row level security;
alter table public.assets enable row level security;
alter table public.knowledge_collections enable row level security;
alter table public.knowledge_entries enable row level security;
alter table public.agent_knowledge_access enable row level security;

select private.create_workspace_policies('public.document_folders', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.documents', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.document_chunks', 'viewer', 'member', 'member');
select private.create_workspace_policies('public.asset_folders', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.assets', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.knowledge_collections', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.knowledge_entries', 'viewer', 'member', 'member');
select private.create_workspace_policies('public.agent_knowledge_access', 'viewer', 'admin', 'admin');

-- ===========================================================================================
-- Realtime (HQ publishes its document and asset tables; the knowledge UI lists collections live)
-- ===========================================================================================
do $$
declare
  t text;
begin
  foreach t in array array['document_folders', 'documents', 'asset_folders', 'assets', 'knowledge_collections'] loop
    if not exists (select 1 from pg_publication_tables
                   where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = t) then
      execute format('alter publication supabase_realtime add table public.%I', t);
    end if;
  end loop;
end $$;

-- ===========================================================================================
-- Comments (Studio and the API docs show them)
-- ===========================================================================================
comment on table public.document_folders is 'Folder tree for documents, per workspace (no cycles: a folder is never its own ancestor).';
comment on table public.documents is 'Workspace documents: title, body, tags (boot:all / boot:<agent slug> mark agent start-up context), pinned, metadata, a 1536-d embedding and a full-text vector. Search: match_documents, hybrid_search_documents.';
comment on column public.documents.embedding is 'Cosine-searchable embedding, exactly 1536 dimensions (private.embedding_dimensions()); null until computed.';
comment on column public.documents.fts is 'Generated: English full-text vector of title (weight A) and body (weight B), for hybrid_search_documents.';
comment on column public.documents.tags is 'Free labels. boot:all and boot:<agent slug> put the document into agent_boot_context.';
comment on table public.document_chunks is 'Passages of a document (ordinal order) with their own embedding, so long documents are searchable by passage (match_document_chunks).';
comment on table public.asset_folders is 'Folder tree for assets, per workspace (no cycles).';
comment on table public.assets is 'Files and links: type, either storage_path (an object in the private assets bucket under <workspace_id>/) or url, mime type, size, tags, metadata.';
comment on column public.assets.storage_path is 'Object name in the assets bucket; must start with <workspace_id>/ (the storage policies confine objects to that prefix).';
comment on table public.knowledge_collections is 'Named sets of knowledge entries. Exactly one default collection per workspace (created with the workspace; switch with set_default_knowledge_collection).';
comment on table public.knowledge_entries is 'Agent memory: content, type, importance 0..1, source (manual, onboarding, web_research, agent:<id>), 1536-d embedding. Search: match_knowledge, hybrid_search_knowledge; agents write via add_knowledge_entry.';
comment on column public.knowledge_entries.collection_id is 'Collection; left null on insert it becomes the workspace''s default collection.';
comment on column public.knowledge_entries.source is 'manual | onboarding | web_research | agent:<agent uuid>.';
comment on table public.agent_knowledge_access is 'Which agent may use which knowledge collection: read (search) or read_write (search and add entries). Granted by workspace admins.';
