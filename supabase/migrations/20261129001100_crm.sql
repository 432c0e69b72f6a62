-- CRM: contacts, companies (`crm_companies`: `organizations` is the billing tenant), contact<->company
-- links, interactions (keeping the contact's last-interaction fields right), tags and taggings,
-- campaigns, templates, draft sets, and the per-workspace vocabularies users edit at runtime:
-- pipeline_stages and field_definitions (custom_fields are validated against them).
-- See docs/work-and-crm.md. Runs as the non-superuser `postgres` role; every statement is idempotent.

-- ============================================================================================ enums

do $$
begin
  create type public.crm_entity_type as enum ('contact', 'company');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.custom_field_type as enum ('text', 'number', 'date', 'select', 'multiselect', 'boolean');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.interaction_kind as enum ('call', 'email', 'message', 'meeting', 'note', 'task', 'other');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.interaction_direction as enum ('inbound', 'outbound');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.campaign_status as enum ('draft', 'active', 'paused', 'completed', 'archived');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.draft_set_status as enum ('draft', 'in_review', 'approved', 'sent', 'discarded');
exception when duplicate_object then null;
end $$;

-- ============================================================================================ vocabularies

create table if not exists public.pipeline_stages (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  entity_type public.crm_entity_type not null default 'contact',
  stage_key text not null check (stage_key ~ '^[a-z][a-z0-9_]{0,62}$'),
  label text not null check (length(btrim(label)) between 1 and 200),
  color text check (color ~ '^#[0-9a-fA-F]{6}$'),
  position integer not null default 0,
  -- A closed stage ends the pipeline (won, lost, ...).
  is_closed boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint pipeline_stages_key unique (workspace_id, entity_type, stage_key)
);
create index if not exists pipeline_stages_workspace_position_idx on public.pipeline_stages (workspace_id, entity_type, position);

create table if not exists public.field_definitions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  entity_type public.crm_entity_type not null default 'contact',
  field_key text not null check (field_key ~ '^[a-z][a-z0-9_]{0,62}$'),
  label text not null check (length(btrim(label)) between 1 and 200),
  field_type public.custom_field_type not null,
  -- Allowed values of select / multiselect (required and non-empty there, empty otherwise).
  options text[] not null default '{}',
  required boolean not null default false,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint field_definitions_key unique (workspace_id, entity_type, field_key),
  constraint field_definitions_options_check check (
    case when field_type in ('select', 'multiselect')
      then cardinality(options) between 1 and 200 and array_position(options, null) is null
      else cardinality(options) = 0 end)
);
create index if not exists field_definitions_workspace_position_idx on public.field_definitions (workspace_id, entity_type, position);

-- ============================================================================================ entities

create table if not exists public.crm_companies (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 300),
  domain text check (domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$' and length(domain) <= 253),
  website text check (website ~ '^https?://[^\s]+$' and length(website) <= 2048),
  industry text check (length(industry) <= 200),
  size text check (length(size) <= 100),
  notes text not null default '' check (length(notes) <= 20000),
  stage_key text,
  custom_fields jsonb not null default '{}'::jsonb,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint crm_companies_workspace_id_id_key unique (workspace_id, id),
  constraint crm_companies_custom_fields_check check (jsonb_typeof(custom_fields) = 'object')
);
create index if not exists crm_companies_workspace_name_idx on public.crm_companies (workspace_id, name);
create index if not exists crm_companies_created_by_idx on public.crm_companies (created_by);

create table if not exists public.contacts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  full_name text not null check (length(btrim(full_name)) between 1 and 300),
  preferred_name text check (length(preferred_name) <= 200),
  email text check (length(email) <= 320 and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  phone text check (length(phone) <= 50),
  job_title text check (length(job_title) <= 200),
  location text check (length(location) <= 200),
  source text check (length(source) <= 200),
  notes text not null default '' check (length(notes) <= 20000),
  -- Pipeline stage (HQ's contact `status`): a stage_key of pipeline_stages for contacts.
  stage_key text,
  priority public.priority_level,
  -- 1 (cold) .. 5 (close).
  relationship_strength smallint check (relationship_strength between 1 and 5),
  owner_user_id uuid,
  -- Maintained from interactions: the latest by occurred_at (ties: larger id), whatever the arrival order.
  last_interaction_at timestamptz,
  last_interaction_kind public.interaction_kind,
  last_interaction_id uuid,
  custom_fields jsonb not null default '{}'::jsonb,
  -- +1 on every update: identifies the change event for automation rules (inbox dedup key).
  version bigint not null default 1,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint contacts_workspace_id_id_key unique (workspace_id, id),
  constraint contacts_custom_fields_check check (jsonb_typeof(custom_fields) = 'object'),
  constraint contacts_owner_fkey foreign key (workspace_id, owner_user_id)
    references public.workspace_members (workspace_id, user_id) on delete set null (owner_user_id)
);
create index if not exists contacts_workspace_stage_idx on public.contacts (workspace_id, stage_key);
create index if not exists contacts_workspace_owner_idx on public.contacts (workspace_id, owner_user_id);
create index if not exists contacts_last_interaction_id_idx on public.contacts (last_interaction_id);
create index if not exists contacts_created_by_idx on public.contacts (created_by);
create index if not exists contacts_workspace_last_interaction_idx on public.contacts (workspace_id, last_interaction_at desc);
create index if not exists contacts_full_name_trgm_idx on public.contacts using gin (full_name extensions.gin_trgm_ops);
create index if not exists contacts_email_trgm_idx on public.contacts using gin (email extensions.gin_trgm_ops);

create table if not exists public.crm_contact_companies (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  contact_id uuid not null,
  company_id uuid not null,
  role text check (length(role) <= 200),
  is_primary boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (contact_id, company_id),
  constraint crm_contact_companies_contact_fkey foreign key (workspace_id, contact_id)
    references public.contacts (workspace_id, id) on delete cascade,
  constraint crm_contact_companies_company_fkey foreign key (workspace_id, company_id)
    references public.crm_companies (workspace_id, id) on delete cascade
);
create index if not exists crm_contact_companies_workspace_contact_idx on public.crm_contact_companies (workspace_id, contact_id);
create index if not exists crm_contact_companies_workspace_company_idx on public.crm_contact_companies (workspace_id, company_id);
-- At most one primary company per contact.
create unique index if not exists crm_contact_companies_one_primary_idx on public.crm_contact_companies (contact_id) where is_primary;

create table if not exists public.interactions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  contact_id uuid not null,
  company_id uuid,
  kind public.interaction_kind not null,
  direction public.interaction_direction,
  subject text check (length(subject) <= 1000),
  body text not null default '' check (length(body) <= 100000),
  occurred_at timestamptz not null default now(),
  -- Who had the interaction: a member, an agent, or neither (imported).
  user_id uuid,
  agent_id uuid,
  meta jsonb not null default '{}'::jsonb check (jsonb_typeof(meta) = 'object'),
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint interactions_contact_fkey foreign key (workspace_id, contact_id)
    references public.contacts (workspace_id, id) on delete cascade,
  constraint interactions_company_fkey foreign key (workspace_id, company_id)
    references public.crm_companies (workspace_id, id) on delete set null (company_id),
  constraint interactions_user_fkey foreign key (workspace_id, user_id)
    references public.workspace_members (workspace_id, user_id) on delete set null (user_id),
  constraint interactions_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id),
  constraint interactions_one_actor_check check (num_nonnulls(user_id, agent_id) <= 1)
);
create index if not exists interactions_contact_latest_idx on public.interactions (contact_id, occurred_at desc, id desc);
create index if not exists interactions_workspace_contact_idx on public.interactions (workspace_id, contact_id);
create index if not exists interactions_workspace_company_idx on public.interactions (workspace_id, company_id);
create index if not exists interactions_workspace_user_idx on public.interactions (workspace_id, user_id);
create index if not exists interactions_workspace_agent_idx on public.interactions (workspace_id, agent_id);
create index if not exists interactions_created_by_idx on public.interactions (created_by);

do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'contacts_last_interaction_fkey') then
    alter table public.contacts add constraint contacts_last_interaction_fkey
      foreign key (last_interaction_id) references public.interactions (id) on delete set null;
  end if;
end $$;

create table if not exists public.crm_tags (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 100),
  color text check (color ~ '^#[0-9a-fA-F]{6}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint crm_tags_workspace_id_id_key unique (workspace_id, id)
);
create unique index if not exists crm_tags_workspace_name_idx on public.crm_tags (workspace_id, lower(name));

-- A tag on a contact or on a company (exactly one).
create table if not exists public.crm_taggings (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  tag_id uuid not null,
  contact_id uuid,
  company_id uuid,
  created_at timestamptz not null default now(),
  constraint crm_taggings_one_target_check check (num_nonnulls(contact_id, company_id) = 1),
  constraint crm_taggings_tag_fkey foreign key (workspace_id, tag_id)
    references public.crm_tags (workspace_id, id) on delete cascade,
  constraint crm_taggings_contact_fkey foreign key (workspace_id, contact_id)
    references public.contacts (workspace_id, id) on delete cascade,
  constraint crm_taggings_company_fkey foreign key (workspace_id, company_id)
    references public.crm_companies (workspace_id, id) on delete cascade
);
create unique index if not exists crm_taggings_contact_key on public.crm_taggings (tag_id, contact_id) where contact_id is not null;
create unique index if not exists crm_taggings_company_key on public.crm_taggings (tag_id, company_id) where company_id is not null;
create index if not exists crm_taggings_workspace_tag_idx on public.crm_taggings (workspace_id, tag_id);
create index if not exists crm_taggings_workspace_contact_idx on public.crm_taggings (workspace_id, contact_id);
create index if not exists crm_taggings_workspace_company_idx on public.crm_taggings (workspace_id, company_id);

create table if not exists public.crm_templates (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  channel public.interaction_kind not null default 'email',
  subject text check (length(subject) <= 1000),
  body text not null default '' check (length(body) <= 100000),
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint crm_templates_workspace_id_id_key unique (workspace_id, id)
);
create index if not exists crm_templates_workspace_id_idx on public.crm_templates (workspace_id);
create index if not exists crm_templates_created_by_idx on public.crm_templates (created_by);

create table if not exists public.crm_campaigns (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '' check (length(description) <= 4000),
  status public.campaign_status not null default 'draft',
  channel public.interaction_kind not null default 'email',
  template_id uuid,
  agent_id uuid,
  starts_at timestamptz,
  ends_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint crm_campaigns_workspace_id_id_key unique (workspace_id, id),
  constraint crm_campaigns_dates_check check (ends_at is null or starts_at is null or ends_at > starts_at),
  constraint crm_campaigns_template_fkey foreign key (workspace_id, template_id)
    references public.crm_templates (workspace_id, id) on delete set null (template_id),
  constraint crm_campaigns_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id)
);
create index if not exists crm_campaigns_workspace_template_idx on public.crm_campaigns (workspace_id, template_id);
create index if not exists crm_campaigns_workspace_agent_idx on public.crm_campaigns (workspace_id, agent_id);
create index if not exists crm_campaigns_created_by_idx on public.crm_campaigns (created_by);

-- A batch of drafted messages (usually written by an agent) awaiting review before sending.
create table if not exists public.crm_draft_sets (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  campaign_id uuid,
  agent_id uuid,
  name text not null check (length(btrim(name)) between 1 and 200),
  status public.draft_set_status not null default 'draft',
  -- [{"contact_id": "...", "subject": "...", "body": "..."}, ...]
  drafts jsonb not null default '[]'::jsonb check (jsonb_typeof(drafts) = 'array'),
  reviewed_by uuid references auth.users (id) on delete set null,
  reviewed_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint crm_draft_sets_campaign_fkey foreign key (workspace_id, campaign_id)
    references public.crm_campaigns (workspace_id, id) on delete set null (campaign_id),
  constraint crm_draft_sets_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id)
);
create index if not exists crm_draft_sets_workspace_campaign_idx on public.crm_draft_sets (workspace_id, campaign_id);
create index if not exists crm_draft_sets_workspace_agent_idx on public.crm_draft_sets (workspace_id, agent_id);
create index if not exists crm_draft_sets_reviewed_by_idx on public.crm_draft_sets (reviewed_by);
create index if not exists crm_draft_sets_created_by_idx on public.crm_draft_sets (created_by);

-- ============================================================================================ validation

-- True when p_text is a real calendar date (2026-02-30 is not). Works on Postgres 15 (no pg_input_is_valid).
create or replace function private.is_valid_date(p_text text)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
begin
  perform p_text::date;
  return true;
exception when invalid_datetime_format or datetime_field_overflow then
  return false;
end
$$;
revoke all on function private.is_valid_date(text) from public;

-- custom_fields of an entity against the workspace's field_definitions. Errors name the field key:
--   22023 custom_fields.<key>: unknown field / wrong type / value not among the options
--   22004 custom_fields.<key> is required
-- Definer: the definitions are read whatever the caller's RLS.
create or replace function private.validate_custom_fields(
  p_workspace_id uuid, p_entity_type public.crm_entity_type, p_values jsonb)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_key text;
  v_value jsonb;
  d public.field_definitions%rowtype;
  v_entity text := case p_entity_type when 'contact' then 'contacts' else 'companies' end;
begin
  if p_values is null or jsonb_typeof(p_values) <> 'object' then
    raise exception 'custom_fields must be a JSON object' using errcode = '22023';
  end if;
  for v_key, v_value in select e.key, e.value from jsonb_each(p_values) e loop
    select * into d from public.field_definitions f
    where f.workspace_id = p_workspace_id and f.entity_type = p_entity_type and f.field_key = v_key;
    if not found then
      raise exception 'custom_fields.%: no such field is defined for % in this workspace', left(v_key, 80), v_entity
        using errcode = '22023';
    end if;
    continue when jsonb_typeof(v_value) = 'null';
    case d.field_type
      when 'text' then
        if jsonb_typeof(v_value) <> 'string' or length(v_value #>> '{}') > 10000 then
          raise exception 'custom_fields.%: expected text (a string of at most 10000 characters), got %', v_key, left(v_value::text, 80)
            using errcode = '22023';
        end if;
      when 'number' then
        if jsonb_typeof(v_value) <> 'number' then
          raise exception 'custom_fields.%: expected a number, got %', v_key, left(v_value::text, 80) using errcode = '22023';
        end if;
      when 'boolean' then
        if jsonb_typeof(v_value) <> 'boolean' then
          raise exception 'custom_fields.%: expected true or false, got %', v_key, left(v_value::text, 80) using errcode = '22023';
        end if;
      when 'date' then
        if jsonb_typeof(v_value) <> 'string' or (v_value #>> '{}') !~ '^\d{4}-\d{2}-\d{2}$'
           or not private.is_valid_date(v_value #>> '{}') then
          raise exception 'custom_fields.%: expected a date YYYY-MM-DD, got %', v_key, left(v_value::text, 80) using errcode = '22023';
        end if;
      when 'select' then
        if jsonb_typeof(v_value) <> 'string' or not (v_value #>> '{}') = any (d.options) then
          raise exception 'custom_fields.%: % is not one of the options (%)', v_key, left(v_value::text, 80),
            array_to_string(d.options, ', ') using errcode = '22023';
        end if;
      when 'multiselect' then
        if jsonb_typeof(v_value) <> 'array' or exists (
             select 1 from jsonb_array_elements(v_value) x
             where jsonb_typeof(x) <> 'string' or not (x #>> '{}') = any (d.options)) then
          raise exception 'custom_fields.%: expected an array of options (%), got %', v_key,
            array_to_string(d.options, ', '), left(v_value::text, 80) using errcode = '22023';
        end if;
    end case;
  end loop;
  -- Required fields must be present and not null.
  for d in select * from public.field_definitions f
           where f.workspace_id = p_workspace_id and f.entity_type = p_entity_type and f.required
           order by f.position, f.field_key loop
    if coalesce(jsonb_typeof(p_values -> d.field_key), 'null') = 'null' then
      raise exception 'custom_fields.% is required for %', d.field_key, v_entity using errcode = '22004';
    end if;
  end loop;
end
$$;
revoke all on function private.validate_custom_fields(uuid, public.crm_entity_type, jsonb) from public;

create or replace function private.check_stage_key(
  p_workspace_id uuid, p_entity_type public.crm_entity_type, p_stage_key text)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_stage_key is not null and not exists (
    select 1 from public.pipeline_stages s
    where s.workspace_id = p_workspace_id and s.entity_type = p_entity_type and s.stage_key = p_stage_key) then
    raise exception 'stage_key: "%" is not a pipeline stage for % in this workspace', left(p_stage_key, 80),
      case p_entity_type when 'contact' then 'contacts' else 'companies' end using errcode = '23503';
  end if;
end
$$;
revoke all on function private.check_stage_key(uuid, public.crm_entity_type, text) from public;

-- contacts / crm_companies: stage, custom fields, owner, immutable workspace, version counter.
create or replace function private.crm_entity_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_type public.crm_entity_type := case tg_table_name when 'contacts' then 'contact' else 'company' end;
begin
  if tg_op = 'UPDATE' then
    if new.workspace_id is distinct from old.workspace_id then
      raise exception '%: workspace_id cannot be changed', tg_table_name using errcode = '22023';
    end if;
    new.created_by := old.created_by;
  end if;
  if tg_op = 'INSERT' or new.stage_key is distinct from old.stage_key then
    perform private.check_stage_key(new.workspace_id, v_type, new.stage_key);
  end if;
  if tg_op = 'INSERT' or new.custom_fields is distinct from old.custom_fields then
    perform private.validate_custom_fields(new.workspace_id, v_type, new.custom_fields);
  end if;
  return new;
end
$$;
revoke all on function private.crm_entity_before_write() from public;

create or replace function private.contacts_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.owner_user_id is not null and (tg_op = 'INSERT' or new.owner_user_id is distinct from old.owner_user_id)
     and not exists (select 1 from public.workspace_members m
                     where m.workspace_id = new.workspace_id and m.user_id = new.owner_user_id) then
    raise exception 'owner_user_id: user % is not a member of workspace %', new.owner_user_id, new.workspace_id
      using errcode = '23503';
  end if;
  if tg_op = 'INSERT' then
    new.version := 1;
    new.last_interaction_at := null;
    new.last_interaction_kind := null;
    new.last_interaction_id := null;
  else
    new.version := old.version + 1;
    -- The last-interaction fields belong to the interactions trigger.
    if pg_trigger_depth() = 1 then
      new.last_interaction_at := old.last_interaction_at;
      new.last_interaction_kind := old.last_interaction_kind;
      new.last_interaction_id := old.last_interaction_id;
    end if;
  end if;
  return new;
end
$$;
revoke all on function private.contacts_before_write() from public;

-- A stage in use cannot be renamed or removed (its contacts/companies would point at nothing).
create or replace function private.pipeline_stages_guard()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_in_use boolean;
begin
  if tg_op = 'UPDATE' then
    if new.workspace_id is distinct from old.workspace_id or new.entity_type is distinct from old.entity_type then
      raise exception 'pipeline_stages: workspace_id and entity_type cannot be changed' using errcode = '22023';
    end if;
    if new.stage_key = old.stage_key then
      return new;
    end if;
  end if;
  v_in_use := case old.entity_type
    when 'contact' then exists (select 1 from public.contacts c where c.workspace_id = old.workspace_id and c.stage_key = old.stage_key)
    else exists (select 1 from public.crm_companies c where c.workspace_id = old.workspace_id and c.stage_key = old.stage_key)
  end;
  if v_in_use then
    raise exception 'stage_key: pipeline stage "%" is in use; move its % to another stage first', old.stage_key,
      case old.entity_type when 'contact' then 'contacts' else 'companies' end using errcode = '23503';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
revoke all on function private.pipeline_stages_guard() from public;

-- Interactions keep contacts.last_interaction_* equal to the latest interaction by (occurred_at, id).
-- Insert: a conditional update, re-checked by Postgres against the newest row version when another
-- transaction updated the contact first, so an older interaction arriving late (or concurrently) never
-- moves the fields back. Update/delete of an interaction: recompute from the index.
create or replace function private.interactions_sync_contact()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.contacts c
    set last_interaction_at = new.occurred_at, last_interaction_kind = new.kind, last_interaction_id = new.id
    where c.id = new.contact_id
      and (c.last_interaction_at is null
           or (new.occurred_at, new.id) > (c.last_interaction_at, c.last_interaction_id));
    return null;
  end if;
  update public.contacts c
  set last_interaction_at = l.occurred_at, last_interaction_kind = l.kind, last_interaction_id = l.id
  from (select c2.id as contact_id, i.occurred_at, i.kind, i.id
        from public.contacts c2
        left join lateral (
          select i.occurred_at, i.kind, i.id from public.interactions i
          where i.contact_id = c2.id order by i.occurred_at desc, i.id desc limit 1) i on true
        where c2.id in (old.contact_id, case when tg_op = 'UPDATE' then new.contact_id end)) l
  where c.id = l.contact_id
    and (c.last_interaction_id, c.last_interaction_at, c.last_interaction_kind) is distinct from (l.id, l.occurred_at, l.kind);
  return null;
end
$$;
revoke all on function private.interactions_sync_contact() from public;

create or replace function private.interactions_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    if new.workspace_id is distinct from old.workspace_id then
      raise exception 'interactions: workspace_id cannot be changed' using errcode = '22023';
    end if;
    new.created_by := old.created_by;
  end if;
  if not exists (select 1 from public.contacts c where c.workspace_id = new.workspace_id and c.id = new.contact_id) then
    raise exception 'contact_id: contact % is not in workspace %', new.contact_id, new.workspace_id using errcode = '23503';
  end if;
  if new.agent_id is not null and not exists (
    select 1 from public.agents a where a.workspace_id = new.workspace_id and a.id = new.agent_id) then
    raise exception 'agent_id: agent % is not in workspace %', new.agent_id, new.workspace_id using errcode = '23503';
  end if;
  return new;
end
$$;
revoke all on function private.interactions_before_write() from public;

drop trigger if exists pipeline_stages_guard on public.pipeline_stages;
create trigger pipeline_stages_guard before update or delete on public.pipeline_stages
  for each row execute function private.pipeline_stages_guard();
drop trigger if exists pipeline_stages_set_updated_at on public.pipeline_stages;
create trigger pipeline_stages_set_updated_at before update on public.pipeline_stages
  for each row execute function private.set_updated_at();

drop trigger if exists field_definitions_forbid_workspace_change on public.field_definitions;
create trigger field_definitions_forbid_workspace_change before update on public.field_definitions
  for each row execute function private.forbid_workspace_change();
drop trigger if exists field_definitions_set_updated_at on public.field_definitions;
create trigger field_definitions_set_updated_at before update on public.field_definitions
  for each row execute function private.set_updated_at();

drop trigger if exists contacts_before_write on public.contacts;
create trigger contacts_before_write before insert or update on public.contacts
  for each row execute function private.contacts_before_write();
drop trigger if exists contacts_validate on public.contacts;
create trigger contacts_validate before insert or update on public.contacts
  for each row execute function private.crm_entity_before_write();
drop trigger if exists contacts_set_updated_at on public.contacts;
create trigger contacts_set_updated_at before update on public.contacts
  for each row execute function private.set_updated_at();

drop trigger if exists crm_companies_validate on public.crm_companies;
create trigger crm_companies_validate before insert or update on public.crm_companies
  for each row execute function private.crm_entity_before_write();
drop trigger if exists crm_companies_set_updated_at on public.crm_companies;
create trigger crm_companies_set_updated_at before update on public.crm_companies
  for each row execute function private.set_updated_at();

drop trigger if exists crm_contact_companies_forbid_workspace_change on public.crm_contact_companies;
create trigger crm_contact_companies_forbid_workspace_change before update on public.crm_contact_companies
  for each row execute function private.forbid_workspace_change();
drop trigger if exists crm_contact_companies_set_updated_at on public.crm_contact_companies;
create trigger crm_contact_companies_set_updated_at before update on public.crm_contact_companies
  for each row execute function private.set_updated_at();

drop trigger if exists interactions_before_write on public.interactions;
create trigger interactions_before_write before insert or update on public.interactions
  for each row execute function private.interactions_before_write();
drop trigger if exists interactions_sync_contact on public.interactions;
create trigger interactions_sync_contact after insert or update of occurred_at, kind, contact_id or delete on public.interactions
  for each row execute function private.interactions_sync_contact();
drop trigger if exists interactions_set_updated_at on public.interactions;
create trigger interactions_set_updated_at before update on public.interactions
  for each row execute function private.set_updated_at();

drop trigger if exists crm_tags_forbid_workspace_change on public.crm_tags;
create trigger crm_tags_forbid_workspace_change before update on public.crm_tags
  for each row execute function private.forbid_workspace_change();
drop trigger if exists crm_tags_set_updated_at on public.crm_tags;
create trigger crm_tags_set_updated_at before update on public.crm_tags
  for each row execute function private.set_updated_at();

drop trigger if exists crm_taggings_forbid_workspace_change on public.crm_taggings;
create trigger crm_taggings_forbid_workspace_change before update on public.crm_taggings
  for each row execute function private.forbid_workspace_change();

drop trigger if exists crm_templates_forbid_workspace_change on public.crm_templates;
create trigger crm_templates_forbid_workspace_change before update on public.crm_templates
  for each row execute function private.forbid_workspace_change();
drop trigger if exists crm_templates_set_updated_at on public.crm_templates;
create trigger crm_templates_set_updated_at before update on public.crm_templates
  for each row execute function private.set_updated_at();

drop trigger if exists crm_campaigns_forbid_workspace_change on public.crm_campaigns;
create trigger crm_campaigns_forbid_workspace_change before update on public.crm_campaigns
  for each row execute function private.forbid_workspace_change();
drop trigger if exists crm_campaigns_set_updated_at on public.crm_campaigns;
create trigger crm_campaigns_set_updated_at before update on public.crm_campaigns
  for each row execute function private.set_updated_at();

drop trigger if exists crm_draft_sets_forbid_workspace_change on public.crm_draft_sets;
create trigger crm_draft_sets_forbid_workspace_change before update on public.crm_draft_sets
  for each row execute function private.forbid_workspace_change();
drop trigger if exists crm_draft_sets_set_updated_at on public.crm_draft_sets;
create trigger crm_draft_sets_set_updated_at before update on public.crm_draft_sets
  for each row execute function private.set_updated_at();

-- ============================================================================================ search

-- Contacts of a workspace whose name or e-mail is similar to p_query (trigram, index-backed), best first.
create or replace function public.search_contacts(p_workspace_id uuid, p_query text, p_limit int default 20)
returns setof public.contacts
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if p_workspace_id is null then
    raise exception 'p_workspace_id must not be null' using errcode = '22004';
  end if;
  if p_query is null or length(btrim(p_query)) not between 1 and 200 then
    raise exception 'p_query must be 1 to 200 characters' using errcode = '22023';
  end if;
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception 'p_limit must be between 1 and 200 (got %)', p_limit using errcode = '22023';
  end if;
  return query
  select c.* from public.contacts c
  where c.workspace_id = p_workspace_id
    and (c.full_name operator(extensions.%) p_query or c.full_name ilike '%' || p_query || '%'
         or c.email ilike '%' || p_query || '%')
  order by greatest(extensions.similarity(c.full_name, p_query), extensions.similarity(coalesce(c.email, ''), p_query)) desc,
           c.full_name
  limit p_limit;
end
$$;
revoke all on function public.search_contacts(uuid, text, int) from public, anon;
grant execute on function public.search_contacts(uuid, text, int) to authenticated, service_role;
comment on function public.search_contacts(uuid, text, int) is
  'Contacts of a workspace whose name is trigram-similar to p_query or whose name/e-mail contains it; best first.';

-- ============================================================================================ grants, RLS

revoke all on table public.pipeline_stages, public.field_definitions, public.crm_companies, public.contacts,
  public.crm_contact_companies, public.interactions, public.crm_tags, public.crm_taggings, public.crm_templates,
  public.crm_campaigns, public.crm_draft_sets from anon, authenticated;
grant select, insert, update, delete on table public.pipeline_stages, public.field_definitions,
  public.crm_companies, public.contacts, public.crm_contact_companies, public.interactions, public.crm_tags,
  public.crm_taggings, public.crm_templates, public.crm_campaigns, public.crm_draft_sets
  to authenticated, service_role;

alter table public.pipeline_stages enable row level security;
alter table public.field_definitions enable row level security;
alter table public.crm_companies enable row level security;
alter table public.contacts enable row level security;
alter table public.crm_contact_companies enable row level security;
alter table public.interactions enable row level security;
alter table public.crm_tags enable row level security;
alter table public.crm_taggings enable row level security;
alter table public.crm_templates enable row level security;
alter table public.crm_campaigns enable row level security;
alter table public.crm_draft_sets enable row level security;

-- The workspace's vocabularies are configuration: admins edit them.
select private.create_workspace_policies('public.pipeline_stages', 'viewer', 'admin', 'admin');
select private.create_workspace_policies('public.field_definitions', 'viewer', 'admin', 'admin');
-- Records: members work on them; admins delete companies, contacts and tags.
select private.create_workspace_policies('public.crm_companies', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.contacts', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.crm_contact_companies', 'viewer', 'member', 'member');
select private.create_workspace_policies('public.interactions', 'viewer', 'member', 'member');
select private.create_workspace_policies('public.crm_tags', 'viewer', 'member', 'admin');
select private.create_workspace_policies('public.crm_taggings', 'viewer', 'member', 'member');
select private.create_workspace_policies('public.crm_templates', 'viewer', 'member', 'member');
select private.create_workspace_policies('public.crm_campaigns', 'viewer', 'member', 'member');
select private.create_workspace_policies('public.crm_draft_sets', 'viewer', 'member', 'member');

-- ============================================================================================ realtime

do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime')
     and not exists (select 1 from pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'contacts') then
    alter publication supabase_realtime add table public.contacts;
  end if;
end $$;

-- ============================================================================================ docs

comment on table public.pipeline_stages is 'Pipeline stages per workspace and entity type (stage_key unique); contacts.stage_key and crm_companies.stage_key must name one.';
comment on table public.field_definitions is 'Custom fields per workspace and entity type: key, type (text/number/date/select/multiselect/boolean), options, required, position; custom_fields are validated against them on write.';
comment on table public.crm_companies is 'CRM companies (not the billing `organizations`).';
comment on table public.contacts is 'CRM contacts: core fields, pipeline stage, priority, relationship strength, last interaction (maintained from interactions), validated custom_fields.';
comment on column public.contacts.stage_key is 'Pipeline stage (HQ''s contact status): a stage_key of pipeline_stages for contacts.';
comment on column public.contacts.version is 'Incremented by the database on every update; identifies the change event for automation rules.';
comment on column public.contacts.last_interaction_at is 'occurred_at of the latest interaction (whatever order interactions arrive in); maintained by the database.';
comment on table public.crm_contact_companies is 'Which companies a contact belongs to, with a role; at most one primary company per contact.';
comment on table public.interactions is 'Calls, e-mails, messages, meetings, notes with a contact; they keep the contact''s last_interaction_* right.';
comment on table public.crm_tags is 'CRM tags of a workspace (name unique case-insensitively).';
comment on table public.crm_taggings is 'A tag on a contact or on a company (exactly one).';
comment on table public.crm_templates is 'Message templates for outreach.';
comment on table public.crm_campaigns is 'Outreach campaigns: status, channel, template, the agent running it, dates.';
comment on table public.crm_draft_sets is 'Batches of drafted messages awaiting review (drafts: [{contact_id, subject, body}]).';
