-- Agents and gateways: gateways with short-lived registration tokens, agents with an org chart that the
-- database keeps acyclic, agent templates (built-in and per workspace), skills and training data.
-- Runs as the non-superuser `postgres` role inside one transaction; every statement is idempotent.
-- Model, RPCs and their errors, and the choices made where the spec is silent: docs/agents.md.

-- ===========================================================================================
-- Enums (closed vocabularies; they become unions in the generated types)
-- ===========================================================================================

do $$
begin
  create type public.gateway_status as enum ('provisioning', 'online', 'degraded', 'offline', 'error', 'disabled');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.agent_type as enum ('email', 'calendar', 'research', 'code', 'custom');
exception when duplicate_object then null;
end $$;

-- HQ's agent_status plus 'archived' (kept for history, never woken).
do $$
begin
  create type public.agent_status as enum ('offline', 'online', 'paused', 'error', 'archived');
exception when duplicate_object then null;
end $$;

-- Least to most trusted, so `trust_tier >= 'partner'` reads naturally.
do $$
begin
  create type public.agent_trust_tier as enum ('observer', 'helper', 'partner', 'trusted');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.agent_verbosity as enum ('concise', 'balanced', 'detailed');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.agent_training_kind as enum ('knowledge', 'instruction', 'example');
exception when duplicate_object then null;
end $$;

-- ===========================================================================================
-- Tables
-- ===========================================================================================

-- A host that runs agents (HQ's gateway). Registered by token (consume_gateway_token) or created by an admin.
create table if not exists public.gateways (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  label text not null default '' check (length(label) <= 200),
  status public.gateway_status not null default 'offline',
  last_seen_at timestamptz,
  labels text[] not null default '{}' check (cardinality(labels) <= 100),
  url text check (url ~ '^https?://[^\s]+$' and length(url) <= 2048),
  meta jsonb not null default '{}' check (jsonb_typeof(meta) = 'object'),
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint gateways_workspace_id_slug_key unique (workspace_id, slug),
  -- Target of the composite foreign keys that keep agents and tokens inside the gateway's workspace.
  constraint gateways_workspace_id_id_key unique (workspace_id, id)
);
create index if not exists gateways_labels_idx on public.gateways using gin (labels);
create index if not exists gateways_created_by_idx on public.gateways (created_by);

-- Registration tokens. The SHA-256 of the plaintext lives in private.gateway_token_hashes, which no API
-- role can read, so admins may list and revoke tokens here without ever seeing a secret.
create table if not exists public.gateway_registration_tokens (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  label text check (length(label) <= 200),
  expires_at timestamptz not null,
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  consumed_at timestamptz,
  consumed_by_gateway_id uuid,
  constraint gateway_registration_tokens_consumed_gateway_fkey
    foreign key (workspace_id, consumed_by_gateway_id) references public.gateways (workspace_id, id)
    on delete set null (consumed_by_gateway_id),
  constraint gateway_registration_tokens_consumed_check
    check (consumed_by_gateway_id is null or consumed_at is not null)
);
create index if not exists gateway_registration_tokens_workspace_gateway_idx
  on public.gateway_registration_tokens (workspace_id, consumed_by_gateway_id);
create index if not exists gateway_registration_tokens_created_by_idx
  on public.gateway_registration_tokens (created_by);

create table if not exists private.gateway_token_hashes (
  token_id uuid primary key references public.gateway_registration_tokens (id) on delete cascade,
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$')
);

-- Agent templates: workspace_id null = built-in (shipped by migrations, readable by every signed-in user,
-- writable only by trusted callers); otherwise owned by that workspace.
create table if not exists public.agent_templates (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid references public.workspaces (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '' check (length(description) <= 2000),
  category text not null default 'general' check (category ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  agent_type public.agent_type not null default 'custom',
  tools text[] not null default '{}' check (cardinality(tools) <= 200),
  -- Column values for the new agent; only agent columns an admin may set (see create_agent_from_template).
  defaults jsonb not null default '{}' check (
    jsonb_typeof(defaults) = 'object'
    and (defaults - array[
      'type', 'status', 'trust_tier', 'model_id', 'tone', 'verbosity', 'objective', 'instructions',
      'background', 'description', 'email_address', 'avatar_url', 'voice', 'role', 'bio', 'domains',
      'capabilities', 'config', 'meta', 'is_head', 'level', 'xp', 'gateway_id', 'reports_to', 'project_id'
    ]) = '{}'::jsonb
  ),
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- One built-in per slug and one per slug in each workspace (a workspace template may shadow a built-in).
  constraint agent_templates_workspace_id_slug_key unique nulls not distinct (workspace_id, slug)
);
create index if not exists agent_templates_created_by_idx on public.agent_templates (created_by);

create table if not exists public.agents (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- Optional grouping; the trigger below keeps the project in the agent's workspace.
  project_id uuid references public.projects (id) on delete set null,
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  type public.agent_type not null default 'custom',
  status public.agent_status not null default 'offline',
  trust_tier public.agent_trust_tier not null default 'observer',
  -- Personality.
  model_id text check (length(model_id) between 1 and 200),
  tone text check (length(tone) <= 200),
  verbosity public.agent_verbosity not null default 'balanced',
  objective text check (length(objective) <= 20000),
  instructions text check (length(instructions) <= 100000),
  background text check (length(background) <= 20000),
  description text check (length(description) <= 2000),
  -- Profile.
  email_address text check (length(email_address) <= 320 and email_address ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  avatar_url text check (length(avatar_url) <= 2048),
  voice text check (length(voice) <= 200),
  role text check (length(role) <= 200),
  bio text check (length(bio) <= 5000),
  domains text[] not null default '{}' check (cardinality(domains) <= 200),
  capabilities text[] not null default '{}' check (cardinality(capabilities) <= 200),
  config jsonb not null default '{}' check (jsonb_typeof(config) = 'object'),
  meta jsonb not null default '{}' check (jsonb_typeof(meta) = 'object'),
  is_head boolean not null default false,
  level integer not null default 1 check (level between 1 and 1000),
  xp bigint not null default 0 check (xp >= 0),
  gateway_id uuid,
  reports_to uuid,
  template_id uuid references public.agent_templates (id) on delete set null,
  last_seen_at timestamptz,
  created_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agents_workspace_id_slug_key unique (workspace_id, slug),
  constraint agents_workspace_id_id_key unique (workspace_id, id),
  constraint agents_not_own_manager check (reports_to is distinct from id),
  -- The gateway and the manager must be in the agent's workspace; deleting them only clears the pointer.
  constraint agents_gateway_fkey foreign key (workspace_id, gateway_id)
    references public.gateways (workspace_id, id) on delete set null (gateway_id),
  constraint agents_reports_to_fkey foreign key (workspace_id, reports_to)
    references public.agents (workspace_id, id) on delete set null (reports_to)
);
create index if not exists agents_gateway_id_idx on public.agents (gateway_id);
create index if not exists agents_workspace_gateway_idx on public.agents (workspace_id, gateway_id);
create index if not exists agents_workspace_reports_to_idx on public.agents (workspace_id, reports_to);
create index if not exists agents_project_id_idx on public.agents (project_id);
create index if not exists agents_template_id_idx on public.agents (template_id);
create index if not exists agents_created_by_idx on public.agents (created_by);
create index if not exists agents_domains_idx on public.agents using gin (domains);
create index if not exists agents_capabilities_idx on public.agents using gin (capabilities);
-- At most one head agent per workspace (the personal-agent product's "one head per owner").
create unique index if not exists agents_one_head_per_workspace_idx on public.agents (workspace_id) where is_head;
-- An inbound address routes to exactly one agent, across all workspaces.
create unique index if not exists agents_email_address_key on public.agents (lower(email_address))
  where email_address is not null;

create table if not exists public.agent_skills (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  agent_id uuid not null,
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '' check (length(description) <= 2000),
  category text not null default 'general' check (category ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  level integer not null default 1 check (level between 1 and 10),
  config jsonb not null default '{}' check (jsonb_typeof(config) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agent_skills_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete cascade,
  -- Leads with (workspace_id, agent_id): serves the FK, the policies and the per-agent slug uniqueness.
  constraint agent_skills_agent_slug_key unique (workspace_id, agent_id, slug)
);

create table if not exists public.agent_training_data (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  agent_id uuid not null,
  kind public.agent_training_kind not null,
  title text not null default '' check (length(title) <= 200),
  content text not null check (length(content) between 1 and 100000),
  enabled boolean not null default true,
  meta jsonb not null default '{}' check (jsonb_typeof(meta) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agent_training_data_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete cascade
);
create index if not exists agent_training_data_workspace_agent_idx
  on public.agent_training_data (workspace_id, agent_id);

-- ===========================================================================================
-- Triggers
-- ===========================================================================================

-- Tenancy of a row never changes: moving it would strand its children and its org-chart links.
create or replace function private.agents_forbid_workspace_change()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.workspace_id is distinct from old.workspace_id then
    raise exception '%: workspace_id cannot be changed', tg_table_name using errcode = '22023';
  end if;
  return new;
end
$$;
revoke all on function private.agents_forbid_workspace_change() from public;

-- Org chart and references. Definer so the walk up the chain sees every row whatever the caller's RLS.
create or replace function private.agents_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ws uuid;
  v_head text;
  v_cur uuid;
  v_steps integer := 0;
begin
  if tg_op = 'UPDATE' and new.workspace_id is distinct from old.workspace_id then
    raise exception 'agents: workspace_id cannot be changed' using errcode = '22023';
  end if;

  -- The partial unique index agents_one_head_per_workspace_idx is the guarantee; this names the culprit.
  if new.is_head and (tg_op = 'INSERT' or not old.is_head) then
    select a.slug into v_head from public.agents a
    where a.workspace_id = new.workspace_id and a.is_head and a.id <> new.id;
    if v_head is not null then
      raise exception 'is_head: workspace % already has a head agent (%)', new.workspace_id, v_head
        using errcode = '23505';
    end if;
  end if;

  if new.gateway_id is not null and (tg_op = 'INSERT' or new.gateway_id is distinct from old.gateway_id) then
    select g.workspace_id into v_ws from public.gateways g where g.id = new.gateway_id;
    if v_ws is distinct from new.workspace_id then
      raise exception 'gateway_id: gateway % is not in workspace %', new.gateway_id, new.workspace_id
        using errcode = '23503';
    end if;
  end if;

  if new.project_id is not null and (tg_op = 'INSERT' or new.project_id is distinct from old.project_id) then
    select p.workspace_id into v_ws from public.projects p where p.id = new.project_id;
    if v_ws is distinct from new.workspace_id then
      raise exception 'project_id: project % is not in workspace %', new.project_id, new.workspace_id
        using errcode = '23503';
    end if;
  end if;

  if new.reports_to is not null and (tg_op = 'INSERT' or new.reports_to is distinct from old.reports_to) then
    if new.reports_to = new.id then
      raise exception 'reports_to: agent % cannot report to itself', new.id using errcode = '23514';
    end if;
    select a.workspace_id into v_ws from public.agents a where a.id = new.reports_to;
    if v_ws is distinct from new.workspace_id then
      raise exception 'reports_to: manager % is not an agent in workspace %', new.reports_to, new.workspace_id
        using errcode = '23503';
    end if;
    -- Serialize org-chart edits per workspace so two concurrent edits cannot close a cycle together;
    -- the walk below runs after the lock and so, under READ COMMITTED, sees the other transaction's
    -- committed manager. FOR SHARE makes REPEATABLE READ/SERIALIZABLE callers fail with 40001 instead
    -- of walking a stale chain.
    perform pg_advisory_xact_lock(hashtextextended('agentbase.org_chart:' || new.workspace_id::text, 0));
    v_cur := new.reports_to;
    while v_cur is not null loop
      if v_cur = new.id then
        raise exception 'reports_to: making % report to % would create a cycle in the org chart',
          new.id, new.reports_to using errcode = '23514';
      end if;
      v_steps := v_steps + 1;
      if v_steps > 100000 then
        raise exception 'reports_to: management chain above % is too long', new.reports_to using errcode = '54000';
      end if;
      select a.reports_to into v_cur from public.agents a where a.id = v_cur for share;
    end loop;
  end if;

  return new;
end
$$;
revoke all on function private.agents_before_write() from public;

drop trigger if exists agents_before_write on public.agents;
create trigger agents_before_write
  before insert or update on public.agents
  for each row execute function private.agents_before_write();

drop trigger if exists gateways_forbid_workspace_change on public.gateways;
create trigger gateways_forbid_workspace_change
  before update of workspace_id on public.gateways
  for each row execute function private.agents_forbid_workspace_change();

drop trigger if exists agent_templates_forbid_workspace_change on public.agent_templates;
create trigger agent_templates_forbid_workspace_change
  before update of workspace_id on public.agent_templates
  for each row execute function private.agents_forbid_workspace_change();

drop trigger if exists gateways_set_updated_at on public.gateways;
create trigger gateways_set_updated_at before update on public.gateways
  for each row execute function private.set_updated_at();
drop trigger if exists agent_templates_set_updated_at on public.agent_templates;
create trigger agent_templates_set_updated_at before update on public.agent_templates
  for each row execute function private.set_updated_at();
drop trigger if exists agents_set_updated_at on public.agents;
create trigger agents_set_updated_at before update on public.agents
  for each row execute function private.set_updated_at();
drop trigger if exists agent_skills_set_updated_at on public.agent_skills;
create trigger agent_skills_set_updated_at before update on public.agent_skills
  for each row execute function private.set_updated_at();
drop trigger if exists agent_training_data_set_updated_at on public.agent_training_data;
create trigger agent_training_data_set_updated_at before update on public.agent_training_data
  for each row execute function private.set_updated_at();

-- ===========================================================================================
-- Grants and row-level security
-- ===========================================================================================
-- anon: nothing (registration goes through consume_gateway_token). authenticated: DML gated by RLS, no
-- TRUNCATE/REFERENCES/TRIGGER. service_role: trusted, bypasses RLS.

revoke all on table public.gateways, public.gateway_registration_tokens, public.agent_templates,
  public.agents, public.agent_skills, public.agent_training_data from anon, authenticated;
grant select, insert, update, delete on table public.gateways, public.agent_templates, public.agents,
  public.agent_skills, public.agent_training_data to authenticated;
-- Tokens are minted only by create_gateway_token; admins list them, relabel or re-date them, and revoke
-- (delete) them.
grant select, delete on table public.gateway_registration_tokens to authenticated;
grant update (label, expires_at) on table public.gateway_registration_tokens to authenticated;
grant select, insert, update, delete on table public.gateways, public.gateway_registration_tokens,
  public.agent_templates, public.agents, public.agent_skills, public.agent_training_data to service_role;

revoke all on table private.gateway_token_hashes from public, anon, authenticated, service_role;

alter table public.gateways enable row level security;
alter table public.gateway_registration_tokens enable row level security;
alter table public.agent_templates enable row level security;
alter table public.agents enable row level security;
alter table public.agent_skills enable row level security;
alter table public.agent_training_data enable row level security;

-- gateways: members read, admins write.
drop policy if exists gateways_select on public.gateways;
create policy gateways_select on public.gateways for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids())));
drop policy if exists gateways_insert on public.gateways;
create policy gateways_insert on public.gateways for insert to authenticated
  with check (workspace_id = any (array(select private.my_workspace_ids('admin'))));
drop policy if exists gateways_update on public.gateways;
create policy gateways_update on public.gateways for update to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'))))
  with check (workspace_id = any (array(select private.my_workspace_ids('admin'))));
drop policy if exists gateways_delete on public.gateways;
create policy gateways_delete on public.gateways for delete to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'))));

-- gateway_registration_tokens: admins only (members never learn that a token exists).
drop policy if exists gateway_registration_tokens_select on public.gateway_registration_tokens;
create policy gateway_registration_tokens_select on public.gateway_registration_tokens for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'))));
drop policy if exists gateway_registration_tokens_update on public.gateway_registration_tokens;
create policy gateway_registration_tokens_update on public.gateway_registration_tokens for update to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'))))
  with check (workspace_id = any (array(select private.my_workspace_ids('admin'))));
drop policy if exists gateway_registration_tokens_delete on public.gateway_registration_tokens;
create policy gateway_registration_tokens_delete on public.gateway_registration_tokens for delete to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'))));

-- agent_templates: built-ins readable by every signed-in user; workspace templates by its members;
-- admins write their workspace's templates (a null workspace_id never passes the admin check).
drop policy if exists agent_templates_select on public.agent_templates;
create policy agent_templates_select on public.agent_templates for select to authenticated
  using (workspace_id is null or workspace_id = any (array(select private.my_workspace_ids())));
drop policy if exists agent_templates_insert on public.agent_templates;
create policy agent_templates_insert on public.agent_templates for insert to authenticated
  with check (workspace_id = any (array(select private.my_workspace_ids('admin'))));
drop policy if exists agent_templates_update on public.agent_templates;
create policy agent_templates_update on public.agent_templates for update to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'))))
  with check (workspace_id = any (array(select private.my_workspace_ids('admin'))));
drop policy if exists agent_templates_delete on public.agent_templates;
create policy agent_templates_delete on public.agent_templates for delete to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'))));

-- agents, agent_skills, agent_training_data: members read, admins write.
select private.create_workspace_policies('public.agents', 'viewer', 'admin');
select private.create_workspace_policies('public.agent_skills', 'viewer', 'admin');
select private.create_workspace_policies('public.agent_training_data', 'viewer', 'admin');

-- ===========================================================================================
-- RPCs. Public functions are SECURITY INVOKER (RLS applies); the two that must write what the caller
-- cannot (token hashes, anon registration) delegate to SECURITY DEFINER internals in `private`.
-- ===========================================================================================

-- ---- agent_reports_chain -------------------------------------------------------------------
-- The agent (depth 0), its manager (1), the manager's manager (2) ... up to p_max_depth levels.
create or replace function public.agent_reports_chain(p_agent_id uuid, p_max_depth integer default 10)
returns table (depth integer, agent_id uuid, slug text, name text)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if p_agent_id is null then
    raise exception 'p_agent_id must not be null' using errcode = '22004';
  end if;
  if p_max_depth is null then
    raise exception 'p_max_depth must not be null' using errcode = '22004';
  end if;
  if p_max_depth < 0 or p_max_depth > 1000 then
    raise exception 'p_max_depth must be between 0 and 1000, got %', p_max_depth using errcode = '22023';
  end if;
  if not exists (select 1 from public.agents a where a.id = p_agent_id) then
    raise exception 'p_agent_id: agent % not found', p_agent_id using errcode = 'P0002';
  end if;

  return query
  with recursive chain (lvl, id, manager, path) as (
    select 0, a.id, a.reports_to, array[a.id]
    from public.agents a
    where a.id = p_agent_id
    union all
    select c.lvl + 1, m.id, m.reports_to, c.path || m.id
    from chain c
    join public.agents m on m.id = c.manager
    where c.lvl < p_max_depth
      and m.id <> all (c.path)   -- cycle-safe even if a cycle were ever written around the trigger
  )
  select c.lvl, c.id, a.slug, a.name
  from chain c
  join public.agents a on a.id = c.id
  order by c.lvl;
end
$$;
revoke all on function public.agent_reports_chain(uuid, integer) from public, anon;
grant execute on function public.agent_reports_chain(uuid, integer) to authenticated, service_role;

-- ---- create_agent_from_template ------------------------------------------------------------
-- p_template is a template id or slug. Column values: template defaults, then p_overrides (config objects
-- are merged key by key), then workspace/slug/name/template_id from the arguments. type defaults to the
-- template's agent_type, capabilities to its tools.
create or replace function public.create_agent_from_template(
  p_workspace_id uuid,
  p_template text,
  p_slug text,
  p_name text,
  p_overrides jsonb default '{}'::jsonb
)
returns public.agents
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_allowed constant text[] := array[
    'type', 'status', 'trust_tier', 'model_id', 'tone', 'verbosity', 'objective', 'instructions',
    'background', 'description', 'email_address', 'avatar_url', 'voice', 'role', 'bio', 'domains',
    'capabilities', 'config', 'meta', 'is_head', 'level', 'xp', 'gateway_id', 'reports_to', 'project_id'
  ];
  v_overrides jsonb := coalesce(p_overrides, '{}'::jsonb);
  v_tpl public.agent_templates;
  v_values jsonb;
  v_cols text;
  v_unknown text;
  v_id uuid;
  v_row public.agents;
  v_constraint text;
begin
  if p_workspace_id is null then
    raise exception 'p_workspace_id must not be null' using errcode = '22004';
  end if;
  if p_template is null then
    raise exception 'p_template must not be null' using errcode = '22004';
  end if;
  if p_slug is null then
    raise exception 'p_slug must not be null' using errcode = '22004';
  end if;
  if p_name is null then
    raise exception 'p_name must not be null' using errcode = '22004';
  end if;
  if jsonb_typeof(v_overrides) <> 'object' then
    raise exception 'p_overrides must be a JSON object' using errcode = '22023';
  end if;

  perform private.assert_workspace_role(p_workspace_id, 'admin');

  if p_slug !~ '^[a-z0-9][a-z0-9-]{0,62}$' then
    raise exception 'p_slug must match ^[a-z0-9][a-z0-9-]{0,62}$, got %', left(p_slug, 80) using errcode = '22023';
  end if;
  if length(btrim(p_name)) not between 1 and 200 then
    raise exception 'p_name must be 1 to 200 characters' using errcode = '22023';
  end if;
  select string_agg(k, ', ' order by k) into v_unknown
  from jsonb_object_keys(v_overrides) k
  where k <> all (v_allowed);
  if v_unknown is not null then
    raise exception 'p_overrides: unknown or read-only key(s): %', v_unknown using errcode = '22023';
  end if;

  -- A workspace template shadows a built-in with the same slug; other workspaces' templates are never used.
  select t.* into v_tpl
  from public.agent_templates t
  where (t.workspace_id = p_workspace_id or t.workspace_id is null)
    and (t.slug = p_template
         or (p_template ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
             and t.id = p_template::uuid))
  order by t.workspace_id nulls last
  limit 1;
  if v_tpl.id is null then
    raise exception 'p_template: template % not found', left(p_template, 80) using errcode = 'P0002';
  end if;

  v_values := jsonb_build_object('type', v_tpl.agent_type, 'capabilities', to_jsonb(v_tpl.tools))
    || v_tpl.defaults
    || v_overrides
    || jsonb_build_object(
         'config', coalesce(v_tpl.defaults -> 'config', '{}'::jsonb) || coalesce(v_overrides -> 'config', '{}'::jsonb),
         'workspace_id', p_workspace_id, 'slug', p_slug, 'name', p_name, 'template_id', v_tpl.id);
  if jsonb_typeof(v_values -> 'config') <> 'object' then
    raise exception 'p_overrides: config must be a JSON object' using errcode = '22023';
  end if;

  -- Insert only the columns given, so column defaults apply to the rest. Keys are whitelisted above.
  select string_agg(quote_ident(k), ', ') into v_cols from jsonb_object_keys(v_values) k;
  begin
    execute format(
      'insert into public.agents (%1$s) select %1$s from jsonb_populate_record(null::public.agents, $1) returning id',
      v_cols)
      into v_id using v_values;
  exception
    when unique_violation then
      get stacked diagnostics v_constraint = constraint_name;
      if v_constraint = 'agents_workspace_id_slug_key' then
        raise exception 'p_slug: an agent with slug % already exists in this workspace', p_slug
          using errcode = '23505';
      elsif v_constraint = 'agents_email_address_key' then
        raise exception 'p_overrides: email_address % is already in use', v_values ->> 'email_address'
          using errcode = '23505';
      end if;
      raise;
    when check_violation then
      raise exception 'p_overrides: %', sqlerrm using errcode = '23514';
    when invalid_text_representation or datatype_mismatch or invalid_datetime_format
      or numeric_value_out_of_range or invalid_parameter_value then
      raise exception 'p_overrides: %', sqlerrm using errcode = '22023';
  end;
  select a.* into v_row from public.agents a where a.id = v_id;
  return v_row;
end
$$;
revoke all on function public.create_agent_from_template(uuid, text, text, text, jsonb) from public, anon;
grant execute on function public.create_agent_from_template(uuid, text, text, text, jsonb) to authenticated, service_role;

-- ---- gateway registration tokens -----------------------------------------------------------
create or replace function private.gateway_slugify(p_text text)
returns text
language sql
immutable
set search_path = ''
as $$
  select nullif(btrim(left(btrim(regexp_replace(lower(coalesce(p_text, '')), '[^a-z0-9]+', '-', 'g'), '-'), 50), '-'), '')
$$;
revoke all on function private.gateway_slugify(text) from public;

create or replace function private.gateway_create_token(p_workspace_id uuid, p_ttl_seconds integer, p_label text)
returns table (token_id uuid, token text, expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_token text;
  v_id uuid;
  v_expires timestamptz;
begin
  if p_workspace_id is null then
    raise exception 'p_workspace_id must not be null' using errcode = '22004';
  end if;
  if p_ttl_seconds is null then
    raise exception 'p_ttl_seconds must not be null' using errcode = '22004';
  end if;
  perform private.assert_workspace_role(p_workspace_id, 'admin');
  if p_ttl_seconds < 1 or p_ttl_seconds > 86400 then
    raise exception 'p_ttl_seconds must be between 1 and 86400, got %', p_ttl_seconds using errcode = '22023';
  end if;
  if length(p_label) > 200 then
    raise exception 'p_label must be at most 200 characters' using errcode = '22023';
  end if;
  if not exists (select 1 from public.workspaces w where w.id = p_workspace_id) then
    raise exception 'p_workspace_id: workspace % not found', p_workspace_id using errcode = 'P0002';
  end if;

  v_token := 'agw_' || encode(extensions.gen_random_bytes(32), 'hex');
  insert into public.gateway_registration_tokens as t (workspace_id, label, expires_at, created_by)
  values (p_workspace_id, nullif(btrim(p_label), ''), now() + make_interval(secs => p_ttl_seconds), auth.uid())
  returning t.id, t.expires_at into v_id, v_expires;
  insert into private.gateway_token_hashes (token_id, token_hash)
  values (v_id, encode(extensions.digest(v_token, 'sha256'), 'hex'));

  return query select v_id, v_token, v_expires;
end
$$;
revoke all on function private.gateway_create_token(uuid, integer, text) from public;
grant execute on function private.gateway_create_token(uuid, integer, text) to authenticated, service_role;

create or replace function public.create_gateway_token(
  p_workspace_id uuid,
  p_ttl_seconds integer default 600,
  p_label text default null
)
returns table (token_id uuid, token text, expires_at timestamptz)
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.gateway_create_token(p_workspace_id, p_ttl_seconds, p_label)
$$;
revoke all on function public.create_gateway_token(uuid, integer, text) from public, anon;
grant execute on function public.create_gateway_token(uuid, integer, text) to authenticated, service_role;

create or replace function private.gateway_consume_token(p_token text, p_label text, p_slug_hint text)
returns table (gateway_id uuid, gateway_slug text, workspace_id uuid)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_tok public.gateway_registration_tokens;
  v_base text;
  v_slug text;
  v_gw uuid;
  v_n integer := 1;
begin
  if p_token is null then
    raise exception 'p_token must not be null' using errcode = '22004';
  end if;
  if length(p_label) > 200 then
    raise exception 'p_label must be at most 200 characters' using errcode = '22023';
  end if;
  if length(p_slug_hint) > 200 then
    raise exception 'p_slug_hint must be at most 200 characters' using errcode = '22023';
  end if;

  -- Lock the token row: concurrent consumers of one token queue here, and the later ones see the
  -- gateway the first one created.
  select t.* into v_tok
  from private.gateway_token_hashes h
  join public.gateway_registration_tokens t on t.id = h.token_id
  where h.token_hash = encode(extensions.digest(p_token, 'sha256'), 'hex')
  for update of t;
  if v_tok.id is null then
    raise exception 'invalid_token: p_token is not a known gateway registration token' using errcode = '28000';
  end if;

  if v_tok.consumed_at is not null then
    if v_tok.consumed_by_gateway_id is null then
      raise exception 'invalid_token: p_token was used and its gateway has since been deleted'
        using errcode = '28000';
    end if;
    return query
      select g.id, g.slug, g.workspace_id from public.gateways g where g.id = v_tok.consumed_by_gateway_id;
    return;
  end if;

  if v_tok.expires_at <= now() then
    raise exception 'token_expired: p_token expired at %', v_tok.expires_at using errcode = '28000';
  end if;

  v_base := coalesce(private.gateway_slugify(p_slug_hint), private.gateway_slugify(p_label),
                     private.gateway_slugify(v_tok.label), 'gateway');
  loop
    v_slug := case when v_n = 1 then v_base else v_base || '-' || v_n end;
    insert into public.gateways as g (workspace_id, slug, label, status, meta, created_by)
    values (v_tok.workspace_id, v_slug,
            coalesce(nullif(btrim(p_label), ''), v_tok.label, v_slug),
            'provisioning',
            jsonb_build_object('registered_via', 'token', 'registration_token_id', v_tok.id),
            v_tok.created_by)
    on conflict on constraint gateways_workspace_id_slug_key do nothing
    returning g.id into v_gw;
    exit when v_gw is not null;
    v_n := v_n + 1;
    if v_n > 10000 then
      raise exception 'p_slug_hint: no free slug derived from %', v_base using errcode = '23505';
    end if;
  end loop;

  update public.gateway_registration_tokens t
  set consumed_at = now(), consumed_by_gateway_id = v_gw
  where t.id = v_tok.id;

  return query select v_gw, v_slug, v_tok.workspace_id;
end
$$;
revoke all on function private.gateway_consume_token(text, text, text) from public;
grant execute on function private.gateway_consume_token(text, text, text) to anon, authenticated, service_role;

create or replace function public.consume_gateway_token(
  p_token text,
  p_label text default null,
  p_slug_hint text default null
)
returns table (gateway_id uuid, gateway_slug text, workspace_id uuid)
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.gateway_consume_token(p_token, p_label, p_slug_hint)
$$;
revoke all on function public.consume_gateway_token(text, text, text) from public;
grant execute on function public.consume_gateway_token(text, text, text) to anon, authenticated, service_role;

-- ---- gateway_heartbeat ---------------------------------------------------------------------
-- Invoker: a gateway the caller cannot see is "not found"; a member who can see it but is not an admin
-- gets 42501. p_meta is merged into meta.
create or replace function public.gateway_heartbeat(
  p_gateway_id uuid,
  p_status public.gateway_status default 'online',
  p_meta jsonb default null
)
returns public.gateways
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_ws uuid;
  v_row public.gateways;
begin
  if p_gateway_id is null then
    raise exception 'p_gateway_id must not be null' using errcode = '22004';
  end if;
  if p_status is null then
    raise exception 'p_status must not be null' using errcode = '22004';
  end if;
  if p_meta is not null and jsonb_typeof(p_meta) <> 'object' then
    raise exception 'p_meta must be a JSON object' using errcode = '22023';
  end if;
  select g.workspace_id into v_ws from public.gateways g where g.id = p_gateway_id;
  if v_ws is null then
    raise exception 'p_gateway_id: gateway % not found', p_gateway_id using errcode = 'P0002';
  end if;
  perform private.assert_workspace_role(v_ws, 'admin');

  update public.gateways g
  set last_seen_at = now(),
      status = p_status,
      meta = case when p_meta is null then g.meta else g.meta || p_meta end
  where g.id = p_gateway_id
  returning g.* into v_row;
  return v_row;
end
$$;
revoke all on function public.gateway_heartbeat(uuid, public.gateway_status, jsonb) from public, anon;
grant execute on function public.gateway_heartbeat(uuid, public.gateway_status, jsonb) to authenticated, service_role;

-- ===========================================================================================
-- Built-in templates (reference data; re-running inserts nothing)
-- ===========================================================================================
insert into public.agent_templates (workspace_id, slug, name, description, category, agent_type, tools, defaults, created_by)
values
  (null, 'email-assistant', 'E-mail assistant', 'Triages the inbox, drafts replies, keeps contacts current.',
   'communication', 'email', array['email.read', 'email.draft', 'email.send', 'contacts.read', 'contacts.write'],
   '{"trust_tier": "helper", "tone": "warm", "verbosity": "concise", "objective": "Keep the inbox at zero without dropping anything important."}',
   null),
  (null, 'calendar-assistant', 'Calendar assistant', 'Schedules meetings and defends focus time.',
   'communication', 'calendar', array['calendar.read', 'calendar.write', 'contacts.read'],
   '{"trust_tier": "helper", "tone": "brisk", "verbosity": "concise", "objective": "Book meetings without conflicts and protect focus blocks."}',
   null),
  (null, 'researcher', 'Researcher', 'Finds, reads and summarises sources with citations.',
   'research', 'research', array['web.search', 'web.fetch', 'documents.read', 'documents.write', 'knowledge.write'],
   '{"trust_tier": "observer", "tone": "neutral", "verbosity": "detailed", "objective": "Answer questions with sourced, verifiable summaries."}',
   null),
  (null, 'software-engineer', 'Software engineer', 'Works in a sandboxed repository: reads, edits, tests, commits.',
   'engineering', 'code', array['repo.read', 'repo.write', 'shell.exec', 'tests.run', 'git.commit'],
   '{"trust_tier": "partner", "tone": "precise", "verbosity": "balanced", "objective": "Ship small, tested changes."}',
   null),
  (null, 'chief-of-staff', 'Chief of staff', 'Head agent: plans, delegates to the other agents, reports back.',
   'leadership', 'custom', array['tasks.read', 'tasks.write', 'agents.delegate', 'documents.read'],
   '{"trust_tier": "trusted", "tone": "calm", "verbosity": "balanced", "is_head": true, "objective": "Turn the owner''s goals into delegated, tracked work."}',
   null)
on conflict on constraint agent_templates_workspace_id_slug_key do nothing;

-- Realtime: dashboards and runners watch agent and gateway status changes (as HQ publishes both).
do $$
declare
  t text;
begin
  foreach t in array array['agents', 'gateways'] loop
    if not exists (select 1 from pg_publication_tables
                   where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = t) then
      execute format('alter publication supabase_realtime add table public.%I', t);
    end if;
  end loop;
end $$;

-- ===========================================================================================
-- Comments (shown by Studio and the API docs)
-- ===========================================================================================

comment on table public.gateways is
  'A host that runs agents. Registered with a one-time token (consume_gateway_token) or created by an admin; reports status by heartbeat.';
comment on table public.gateway_registration_tokens is
  'Short-lived, single-use tokens that register a gateway. Minted only by create_gateway_token; their hashes live in a private table.';
comment on table public.agent_templates is
  'Agent blueprints: built-in ones (workspace_id null, readable by every signed-in user) and a workspace''s own.';
comment on table public.agents is
  'AI agents of a workspace: type, status, trust tier, personality and instructions, an org chart (reports_to, kept acyclic), at most one head.';
comment on table public.agent_skills is 'Skills an agent has, with a level.';
comment on table public.agent_training_data is 'Knowledge, instructions and examples an agent is trained with.';
comment on column public.agents.reports_to is 'The agent''s manager in the same workspace; the database refuses cycles.';
comment on column public.agents.is_head is 'The workspace''s head agent (at most one per workspace).';

comment on function public.agent_reports_chain(uuid, integer) is
  'The agent (depth 0), its manager (1), the manager''s manager (2) ... up to p_max_depth levels; stops at a cycle.';
comment on function public.create_agent_from_template(uuid, text, text, text, jsonb) is
  'Creates an agent from a template (id or slug): template defaults, then p_overrides, then the given workspace, slug and name.';
comment on function public.create_gateway_token(uuid, integer, text) is
  'Admins mint a gateway registration token (default 10 minutes). Returns the plaintext token once.';
comment on function public.consume_gateway_token(text, text, text) is
  'A new gateway (anon) redeems a registration token: creates the gateway in the token''s workspace and returns its id and slug.';
comment on function public.gateway_heartbeat(uuid, public.gateway_status, jsonb) is
  'Admins (or the service role) report a gateway''s status; p_meta is merged into meta and last_seen_at is set.';
