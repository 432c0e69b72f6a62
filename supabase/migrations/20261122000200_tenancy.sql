-- Tenancy: organizations (billing owner) -> workspaces (the tenant and RLS boundary) -> projects.
-- Membership helpers live in private and are called as (select private.fn()) by every policy.
-- Writes that need more than a row check (creating a workspace with its owner, invites, role changes,
-- removals, the setup wizard) go through security-definer RPCs; see docs/tenancy.md.

-- ===========================================================================================
-- Enums (closed vocabularies; they become unions in the generated types)
-- ===========================================================================================

-- Declared from least to most privileged so `role >= 'admin'` means "admin or owner".
do $$
begin
  create type public.workspace_role as enum ('viewer', 'member', 'admin', 'owner');
exception when duplicate_object then null;
end $$;

-- The setup wizard: pending (never opened) -> in_progress (a step saved) -> completed.
do $$
begin
  create type public.workspace_setup_state as enum ('pending', 'in_progress', 'completed');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.project_status as enum ('active', 'archived');
exception when duplicate_object then null;
end $$;

-- ===========================================================================================
-- Tables
-- ===========================================================================================

-- One row per auth user, created by the signup trigger; email mirrors auth.users.
create table if not exists public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text,
  display_name text not null default '' check (length(display_name) <= 200),
  avatar_url text check (avatar_url is null or length(avatar_url) <= 2048),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- The billing owner. plan / trial_ends_at / billing_owner_id are written by trusted callers (billing).
create table if not exists public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  created_by uuid references auth.users (id) on delete set null,
  billing_owner_id uuid references auth.users (id) on delete set null,
  billing_email text check (billing_email is null or (length(billing_email) <= 320 and billing_email ~ '^[^@[:space:]]+@[^@[:space:]]+$')),
  plan text not null default 'free' check (plan in ('free', 'trial', 'pro', 'team', 'enterprise')),
  trial_ends_at timestamptz,
  is_personal boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists organizations_created_by_idx on public.organizations (created_by);
create index if not exists organizations_billing_owner_id_idx on public.organizations (billing_owner_id);

create table if not exists public.workspaces (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  created_by uuid references auth.users (id) on delete set null,
  description text not null default '' check (length(description) <= 4000),
  is_personal boolean not null default false,
  -- Setup wizard (HQ): who runs the workspace and how to address them.
  owner_name text check (owner_name is null or length(owner_name) <= 200),
  owner_preferred_name text check (owner_preferred_name is null or length(owner_preferred_name) <= 200),
  timezone text not null default 'UTC',
  setup_state public.workspace_setup_state not null default 'pending',
  initialized boolean generated always as (setup_state = 'completed') stored,
  setup_completed_at timestamptz,
  -- Budget defaults for agents of this workspace: null = no limit; hard cutoff stops work when exceeded.
  monthly_budget_usd numeric(12, 2) check (monthly_budget_usd is null or monthly_budget_usd >= 0),
  budget_hard_cutoff boolean not null default false,
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, slug),
  constraint workspaces_setup_completed_at_check
    check ((setup_state = 'completed') = (setup_completed_at is not null))
);
create index if not exists workspaces_created_by_idx on public.workspaces (created_by);

create table if not exists public.workspace_members (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.workspace_role not null default 'member',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
-- The PK leads with workspace_id; membership lookups by user need their own index.
create index if not exists workspace_members_user_id_idx on public.workspace_members (user_id);

-- Optional grouping inside a workspace (agents, tasks, files may point here).
create table if not exists public.projects (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text not null check (length(btrim(name)) between 1 and 200),
  description text not null default '' check (length(description) <= 4000),
  status public.project_status not null default 'active',
  archived_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (workspace_id, slug),
  constraint projects_archived_at_check check ((status = 'archived') = (archived_at is not null))
);
create index if not exists projects_created_by_idx on public.projects (created_by);

-- Invitations: only the SHA-256 of the token is stored; the plaintext is returned once by create_invite.
create table if not exists public.invites (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  email text not null check (length(email) <= 320 and email = lower(email) and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  role public.workspace_role not null default 'member',
  token_hash bytea not null unique check (octet_length(token_hash) = 32),
  invited_by uuid references auth.users (id) on delete set null,
  expires_at timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null,
  revoked_at timestamptz,
  revoked_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint invites_single_outcome_check check (accepted_at is null or revoked_at is null),
  constraint invites_accepted_by_check check (accepted_by is null or accepted_at is not null),
  constraint invites_revoked_by_check check (revoked_by is null or revoked_at is not null)
);
create index if not exists invites_workspace_id_idx on public.invites (workspace_id);
create index if not exists invites_invited_by_idx on public.invites (invited_by);
create index if not exists invites_accepted_by_idx on public.invites (accepted_by);
create index if not exists invites_revoked_by_idx on public.invites (revoked_by);
-- At most one open invite per address and workspace (create_invite revokes the previous one).
create unique index if not exists invites_one_open_per_email_idx
  on public.invites (workspace_id, email) where accepted_at is null and revoked_at is null;

-- ===========================================================================================
-- Helpers (private; policies call them as (select private.fn()))
-- ===========================================================================================

-- Workspace ids the caller belongs to with at least p_min_role. Definer: reads membership without
-- recursing into workspace_members' own policies.
create or replace function private.my_workspace_ids(p_min_role public.workspace_role default 'viewer')
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.workspace_id
  from public.workspace_members m
  where m.user_id = (select auth.uid())
    and m.role >= p_min_role
$$;

create or replace function private.has_workspace_role(p_workspace_id uuid, p_min_role public.workspace_role default 'viewer')
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.workspace_members m
    where m.workspace_id = p_workspace_id
      and m.user_id = (select auth.uid())
      and m.role >= p_min_role
  )
$$;

-- For RPCs: passes for trusted callers and for members holding p_min_role, raises 42501 otherwise.
create or replace function private.assert_workspace_role(p_workspace_id uuid, p_min_role public.workspace_role)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if p_workspace_id is null then
    raise exception 'workspace_id must not be null' using errcode = '22004';
  end if;
  if private.is_trusted_caller() then
    return;
  end if;
  if not private.has_workspace_role(p_workspace_id, p_min_role) then
    raise exception 'permission denied: requires role % in workspace %', p_min_role, p_workspace_id
      using errcode = '42501';
  end if;
end
$$;

-- The caller's role in a workspace (null when not a member).
create or replace function private.my_workspace_role(p_workspace_id uuid)
returns public.workspace_role
language sql
stable
security definer
set search_path = ''
as $$
  select m.role from public.workspace_members m
  where m.workspace_id = p_workspace_id and m.user_id = (select auth.uid())
$$;

-- Organizations the caller may see (p_min_role 'viewer') or manage (p_min_role 'owner'): those holding a
-- workspace where the caller has p_min_role, plus those the caller is the billing owner of.
create or replace function private.my_organization_ids(p_min_role public.workspace_role default 'viewer')
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select w.organization_id
  from public.workspace_members m
  join public.workspaces w on w.id = m.workspace_id
  where m.user_id = (select auth.uid()) and m.role >= p_min_role
  union
  select o.id from public.organizations o where o.billing_owner_id = (select auth.uid())
$$;

-- Users who share at least one workspace with the caller, and the caller.
create or replace function private.my_coworker_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select (select auth.uid())
  union
  select other.user_id
  from public.workspace_members mine
  join public.workspace_members other on other.workspace_id = mine.workspace_id
  where mine.user_id = (select auth.uid())
$$;

revoke all on function private.my_workspace_ids(public.workspace_role) from public;
revoke all on function private.has_workspace_role(uuid, public.workspace_role) from public;
revoke all on function private.assert_workspace_role(uuid, public.workspace_role) from public;
revoke all on function private.my_workspace_role(uuid) from public;
revoke all on function private.my_organization_ids(public.workspace_role) from public;
revoke all on function private.my_coworker_ids() from public;
grant execute on function private.my_workspace_ids(public.workspace_role) to authenticated, service_role;
grant execute on function private.has_workspace_role(uuid, public.workspace_role) to authenticated, service_role;
grant execute on function private.assert_workspace_role(uuid, public.workspace_role) to anon, authenticated, service_role;

-- The standard policies of a workspace-scoped table (one with a workspace_id column), so every domain
-- states its access rule in one line: p_read selects, p_write inserts and updates, p_delete deletes.
-- Called by migrations only (as the table owner); replaces the four policies each time, so re-runs are no-ops.
create or replace function private.create_workspace_policies(
  p_table regclass,
  p_read public.workspace_role,
  p_write public.workspace_role,
  p_delete public.workspace_role default null
)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_name text := (select c.relname from pg_catalog.pg_class c where c.oid = p_table);
  v_rule text := 'workspace_id = any (array(select private.my_workspace_ids(%L::public.workspace_role)))';
  v_read text := format(v_rule, p_read);
  v_write text := format(v_rule, p_write);
  v_delete text := format(v_rule, coalesce(p_delete, p_write));
begin
  execute format('drop policy if exists %I on %s', v_name || '_select', p_table);
  execute format('create policy %I on %s for select to authenticated using (%s)', v_name || '_select', p_table, v_read);
  execute format('drop policy if exists %I on %s', v_name || '_insert', p_table);
  execute format('create policy %I on %s for insert to authenticated with check (%s)', v_name || '_insert', p_table, v_write);
  execute format('drop policy if exists %I on %s', v_name || '_update', p_table);
  execute format('create policy %I on %s for update to authenticated using (%s) with check (%s)',
                 v_name || '_update', p_table, v_write, v_write);
  execute format('drop policy if exists %I on %s', v_name || '_delete', p_table);
  execute format('create policy %I on %s for delete to authenticated using (%s)', v_name || '_delete', p_table, v_delete);
end
$$;
revoke all on function private.create_workspace_policies(regclass, public.workspace_role, public.workspace_role, public.workspace_role) from public;
grant execute on function private.my_workspace_role(uuid) to authenticated, service_role;
grant execute on function private.my_organization_ids(public.workspace_role) to authenticated, service_role;
grant execute on function private.my_coworker_ids() to authenticated, service_role;

-- Argument checks shared by the RPCs: 22004 for null, 22023 for a bad value, both naming the argument.
create or replace function private.check_name(p_value text, p_arg text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is null then
    raise exception '% must not be null', p_arg using errcode = '22004';
  end if;
  if length(btrim(p_value)) not between 1 and 200 then
    raise exception '% must be 1 to 200 characters (got %)', p_arg, length(btrim(p_value)) using errcode = '22023';
  end if;
  return btrim(p_value);
end
$$;

create or replace function private.check_slug(p_value text, p_arg text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is null then
    raise exception '% must not be null', p_arg using errcode = '22004';
  end if;
  if p_value !~ '^[a-z0-9][a-z0-9-]{0,62}$' then
    raise exception '% "%" is not a valid slug (lowercase letters, digits and hyphens, 1 to 63, starting with a letter or digit)',
      p_arg, left(p_value, 80) using errcode = '22023';
  end if;
  return p_value;
end
$$;

revoke all on function private.check_name(text, text) from public;
revoke all on function private.check_slug(text, text) from public;

-- Inserts an organization whose slug is p_base_slug, or p_base_slug-2, -3, ... when taken (race-safe:
-- ON CONFLICT, never a unique_violation). Used by signup and by create_workspace without an organization.
create or replace function private.insert_organization(
  p_name text, p_base_slug text, p_owner uuid, p_billing_email text, p_is_personal boolean)
returns public.organizations
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_base text := private.slugify(p_base_slug, 'org');
  v_slug text;
  v_org public.organizations;
begin
  for i in 1 .. 60 loop
    v_slug := case
      when i = 1 then v_base
      when i <= 50 then left(v_base, 48) || '-' || i
      else left(v_base, 48) || '-' || substr(md5(gen_random_uuid()::text), 1, 8)
    end;
    insert into public.organizations (name, slug, created_by, billing_owner_id, billing_email, is_personal)
    values (left(p_name, 200), v_slug, p_owner, p_owner, p_billing_email, p_is_personal)
    on conflict (slug) do nothing
    returning * into v_org;
    if found then
      return v_org;
    end if;
  end loop;
  raise exception 'could not find a free organization slug for "%"', v_base using errcode = '23505';
end
$$;
revoke all on function private.insert_organization(text, text, uuid, text, boolean) from public;

-- ===========================================================================================
-- Triggers
-- ===========================================================================================

-- Signup: profile + personal organization + personal workspace + owner membership, in the same
-- transaction as the auth.users insert. Slugs derive from the email's local part, de-duplicated.
create or replace function private.handle_new_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_email text := nullif(btrim(new.email), '');
  v_meta jsonb := coalesce(new.raw_user_meta_data, '{}'::jsonb);
  v_name text;
  v_org public.organizations;
  v_ws public.workspaces;
begin
  v_name := left(coalesce(
    nullif(btrim(v_meta ->> 'full_name'), ''),
    nullif(btrim(v_meta ->> 'name'), ''),
    nullif(split_part(v_email, '@', 1), ''),
    'User'), 200);

  insert into public.profiles (id, email, display_name, avatar_url)
  values (new.id, v_email, v_name, left(nullif(v_meta ->> 'avatar_url', ''), 2048))
  on conflict (id) do nothing;

  v_org := private.insert_organization(
    v_name || '''s organization',
    coalesce(split_part(v_email, '@', 1), 'user'),
    new.id,
    case when v_email ~ '^[^@[:space:]]+@[^@[:space:]]+$' and length(v_email) <= 320 then v_email end,
    true);

  insert into public.workspaces (organization_id, name, slug, created_by, is_personal, owner_name)
  values (v_org.id, 'Personal', v_org.slug, new.id, true,
          left(coalesce(nullif(btrim(v_meta ->> 'full_name'), ''), nullif(btrim(v_meta ->> 'name'), '')), 200))
  returning * into v_ws;

  insert into public.workspace_members (workspace_id, user_id, role)
  values (v_ws.id, new.id, 'owner');
  return new;
end
$$;
revoke all on function private.handle_new_user() from public;

drop trigger if exists on_auth_user_created on auth.users;
create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.handle_new_user();

-- Keep profiles.email in step with auth.users.email (email change confirmed by Auth).
create or replace function private.sync_profile_email()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.profiles set email = nullif(btrim(new.email), '') where id = new.id;
  return new;
end
$$;
revoke all on function private.sync_profile_email() from public;

drop trigger if exists on_auth_user_email_updated on auth.users;
create trigger on_auth_user_email_updated
  after update of email on auth.users
  for each row when (old.email is distinct from new.email)
  execute function private.sync_profile_email();

-- Clear duplicate-slug errors (23505 naming the slug) before the unique constraint's generic one.
-- Definer so the check sees rows the caller's RLS hides. The constraints stay the race-proof backstop.
create or replace function private.check_slug_available()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.slug is not distinct from old.slug then
    return new;
  end if;
  if tg_table_name = 'organizations' then
    if exists (select 1 from public.organizations o where o.slug = new.slug and o.id <> new.id) then
      raise exception 'organization slug "%" is already taken', new.slug
        using errcode = '23505', constraint = 'organizations_slug_key';
    end if;
  elsif tg_table_name = 'workspaces' then
    if exists (select 1 from public.workspaces w
               where w.organization_id = new.organization_id and w.slug = new.slug and w.id <> new.id) then
      raise exception 'workspace slug "%" is already taken in this organization', new.slug
        using errcode = '23505', constraint = 'workspaces_organization_id_slug_key';
    end if;
  elsif tg_table_name = 'projects' then
    if exists (select 1 from public.projects p
               where p.workspace_id = new.workspace_id and p.slug = new.slug and p.id <> new.id) then
      raise exception 'project slug "%" is already taken in this workspace', new.slug
        using errcode = '23505', constraint = 'projects_workspace_id_slug_key';
    end if;
  end if;
  return new;
end
$$;
revoke all on function private.check_slug_available() from public;

-- Workspaces: validate the timezone, keep setup_completed_at tied to setup_state, pin immutable columns.
create or replace function private.workspaces_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.organization_id <> old.organization_id then
    raise exception 'organization_id of a workspace cannot change' using errcode = '22023';
  end if;
  if (tg_op = 'INSERT' or new.timezone is distinct from old.timezone)
     and not private.is_valid_timezone(new.timezone) then
    raise exception 'timezone "%" is not a recognised time zone (use an IANA name such as Europe/Berlin)',
      left(new.timezone, 80) using errcode = '22023';
  end if;
  if new.setup_state = 'completed' then
    new.setup_completed_at := coalesce(new.setup_completed_at, now());
  else
    new.setup_completed_at := null;
  end if;
  return new;
end
$$;
revoke all on function private.workspaces_before_write() from public;

-- Projects: archived_at follows status.
create or replace function private.projects_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.workspace_id <> old.workspace_id then
    raise exception 'workspace_id of a project cannot change' using errcode = '22023';
  end if;
  if new.status = 'archived' then
    new.archived_at := coalesce(new.archived_at, now());
  else
    new.archived_at := null;
  end if;
  return new;
end
$$;
revoke all on function private.projects_before_write() from public;

-- The last owner of a workspace can never be removed or demoted, whoever asks (service_role included).
-- Cascades are let through: deleting the workspace, or deleting the user account (see docs/tenancy.md).
create or replace function private.guard_last_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.role <> 'owner' then
    return coalesce(new, old);
  end if;
  if tg_op = 'UPDATE' and new.role = 'owner' and new.workspace_id = old.workspace_id then
    return new;
  end if;
  if tg_op = 'DELETE' and (
       not exists (select 1 from public.workspaces w where w.id = old.workspace_id)
       or not exists (select 1 from auth.users u where u.id = old.user_id)) then
    return old;
  end if;
  -- Serialise concurrent demotions of the last two owners on the workspace row.
  perform 1 from public.workspaces w where w.id = old.workspace_id for no key update;
  if not exists (select 1 from public.workspace_members m
                 where m.workspace_id = old.workspace_id and m.role = 'owner' and m.user_id <> old.user_id) then
    raise exception 'cannot remove or demote the last owner of workspace %', old.workspace_id
      using errcode = '23514', hint = 'Make another member an owner first.';
  end if;
  return coalesce(new, old);
end
$$;
revoke all on function private.guard_last_owner() from public;

-- Trigger wiring (guarded: drop + create).
drop trigger if exists profiles_set_updated_at on public.profiles;
create trigger profiles_set_updated_at before update on public.profiles
  for each row execute function private.set_updated_at();
drop trigger if exists organizations_set_updated_at on public.organizations;
create trigger organizations_set_updated_at before update on public.organizations
  for each row execute function private.set_updated_at();
drop trigger if exists workspaces_set_updated_at on public.workspaces;
create trigger workspaces_set_updated_at before update on public.workspaces
  for each row execute function private.set_updated_at();
drop trigger if exists workspace_members_set_updated_at on public.workspace_members;
create trigger workspace_members_set_updated_at before update on public.workspace_members
  for each row execute function private.set_updated_at();
drop trigger if exists projects_set_updated_at on public.projects;
create trigger projects_set_updated_at before update on public.projects
  for each row execute function private.set_updated_at();
drop trigger if exists invites_set_updated_at on public.invites;
create trigger invites_set_updated_at before update on public.invites
  for each row execute function private.set_updated_at();

drop trigger if exists check_slug_available on public.organizations;
create trigger check_slug_available before update of slug on public.organizations
  for each row execute function private.check_slug_available();
drop trigger if exists check_slug_available on public.workspaces;
create trigger check_slug_available before insert or update of slug on public.workspaces
  for each row execute function private.check_slug_available();
drop trigger if exists check_slug_available on public.projects;
create trigger check_slug_available before insert or update of slug on public.projects
  for each row execute function private.check_slug_available();

drop trigger if exists workspaces_before_write on public.workspaces;
create trigger workspaces_before_write before insert or update on public.workspaces
  for each row execute function private.workspaces_before_write();
drop trigger if exists projects_before_write on public.projects;
create trigger projects_before_write before insert or update on public.projects
  for each row execute function private.projects_before_write();

drop trigger if exists guard_last_owner on public.workspace_members;
create trigger guard_last_owner before update or delete on public.workspace_members
  for each row execute function private.guard_last_owner();

-- ===========================================================================================
-- Privileges
-- ===========================================================================================

-- anon has no business with tenancy tables (Supabase's default privileges grant it everything).
-- authenticated gets exactly the operations the policies below are written for; the rest goes
-- through RPCs. service_role keeps its default full grants and bypasses RLS.
revoke all on public.profiles, public.organizations, public.workspaces, public.workspace_members,
  public.projects, public.invites from anon, authenticated;

grant select on public.profiles to authenticated;
grant update (display_name, avatar_url) on public.profiles to authenticated;

grant select on public.organizations to authenticated;
grant update (name, slug, billing_email) on public.organizations to authenticated;

grant select, delete on public.workspaces to authenticated;
grant update (name, slug, description, owner_name, owner_preferred_name, timezone, setup_state,
  monthly_budget_usd, budget_hard_cutoff, settings) on public.workspaces to authenticated;

grant select on public.workspace_members to authenticated;

grant select, delete on public.projects to authenticated;
grant insert (workspace_id, slug, name, description, status) on public.projects to authenticated;
grant update (slug, name, description, status) on public.projects to authenticated;

grant select, delete on public.invites to authenticated;

grant select, insert, update, delete on public.profiles, public.organizations, public.workspaces,
  public.workspace_members, public.projects, public.invites to service_role;

-- ===========================================================================================
-- Row-level security
-- ===========================================================================================

alter table public.profiles enable row level security;
alter table public.organizations enable row level security;
alter table public.workspaces enable row level security;
alter table public.workspace_members enable row level security;
alter table public.projects enable row level security;
alter table public.invites enable row level security;

-- profiles: your own and your coworkers'; update only your own.
drop policy if exists profiles_select on public.profiles;
create policy profiles_select on public.profiles for select to authenticated
  using (id = any (array(select private.my_coworker_ids())));
drop policy if exists profiles_update on public.profiles;
create policy profiles_update on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

-- organizations: seen by members of any of its workspaces; edited by its billing owner or workspace owners.
drop policy if exists organizations_select on public.organizations;
create policy organizations_select on public.organizations for select to authenticated
  using (id = any (array(select private.my_organization_ids())));
drop policy if exists organizations_update on public.organizations;
create policy organizations_update on public.organizations for update to authenticated
  using (id = any (array(select private.my_organization_ids('owner'))))
  with check (id = any (array(select private.my_organization_ids('owner'))));

-- workspaces: members read, admins edit settings, owners delete. Created only by RPC (with its owner).
drop policy if exists workspaces_select on public.workspaces;
create policy workspaces_select on public.workspaces for select to authenticated
  using (id = any (array(select private.my_workspace_ids())));
drop policy if exists workspaces_update on public.workspaces;
create policy workspaces_update on public.workspaces for update to authenticated
  using (id = any (array(select private.my_workspace_ids('admin'))))
  with check (id = any (array(select private.my_workspace_ids('admin'))));
drop policy if exists workspaces_delete on public.workspaces;
create policy workspaces_delete on public.workspaces for delete to authenticated
  using (id = any (array(select private.my_workspace_ids('owner'))));

-- workspace_members: members see their workspaces' rosters; changes go through RPCs.
drop policy if exists workspace_members_select on public.workspace_members;
create policy workspace_members_select on public.workspace_members for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids())));

-- projects: viewers read, members create and edit (archive), admins delete.
select private.create_workspace_policies('public.projects', 'viewer', 'member', 'admin');

-- invites: admins see and delete their workspace's invites; created, accepted, revoked by RPC.
drop policy if exists invites_select on public.invites;
create policy invites_select on public.invites for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'))));
drop policy if exists invites_delete on public.invites;
create policy invites_delete on public.invites for delete to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'))));

-- ===========================================================================================
-- RPCs
-- ===========================================================================================

-- Creates a workspace (and, without p_organization_id, an organization billed to the caller) plus the
-- caller's owner membership, atomically. Returns the workspace row.
create or replace function public.create_workspace(p_name text, p_slug text, p_organization_id uuid default null)
returns public.workspaces
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  v_name text := private.check_name(p_name, 'p_name');
  v_slug text := private.check_slug(p_slug, 'p_slug');
  v_org public.organizations;
  v_ws public.workspaces;
begin
  if v_uid is null then
    raise exception 'create_workspace needs a signed-in user to become the owner (auth.uid() is null)'
      using errcode = '42501';
  end if;

  if p_organization_id is null then
    v_org := private.insert_organization(
      v_name, v_slug, v_uid, (select u.email from auth.users u where u.id = v_uid), false);
  else
    select * into v_org from public.organizations o where o.id = p_organization_id;
    if not found then
      raise exception 'organization % not found (p_organization_id)', p_organization_id using errcode = 'P0002';
    end if;
    if not private.is_trusted_caller()
       and p_organization_id <> all (array(select private.my_organization_ids('owner'))) then
      raise exception 'permission denied: only the billing owner or a workspace owner of organization % can add workspaces (p_organization_id)',
        p_organization_id using errcode = '42501';
    end if;
  end if;

  begin
    insert into public.workspaces (organization_id, name, slug, created_by)
    values (v_org.id, v_name, v_slug, v_uid)
    returning * into v_ws;
  exception when unique_violation then
    raise exception 'workspace slug "%" is already taken in this organization', v_slug
      using errcode = '23505', constraint = 'workspaces_organization_id_slug_key';
  end;

  insert into public.workspace_members (workspace_id, user_id, role) values (v_ws.id, v_uid, 'owner');
  return v_ws;
end
$$;

-- Admins invite; nobody invites above their own role (so only owners invite owners). Returns the
-- plaintext token once; only its SHA-256 is stored. An open invite for the same address is revoked.
create or replace function public.create_invite(
  p_workspace_id uuid,
  p_email text,
  p_role public.workspace_role default 'member',
  p_expires_in interval default '7 days')
returns table (invite_id uuid, token text, expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  v_email text := lower(btrim(p_email));
  v_my_role public.workspace_role;
  v_token text;
  v_invite public.invites;
begin
  if p_workspace_id is null then
    raise exception 'p_workspace_id must not be null' using errcode = '22004';
  end if;
  if p_email is null then
    raise exception 'p_email must not be null' using errcode = '22004';
  end if;
  if p_role is null then
    raise exception 'p_role must not be null' using errcode = '22004';
  end if;
  if p_expires_in is null then
    raise exception 'p_expires_in must not be null' using errcode = '22004';
  end if;

  perform private.assert_workspace_role(p_workspace_id, 'admin');
  if not exists (select 1 from public.workspaces w where w.id = p_workspace_id) then
    raise exception 'workspace % not found (p_workspace_id)', p_workspace_id using errcode = 'P0002';
  end if;
  if not private.is_trusted_caller() then
    v_my_role := private.my_workspace_role(p_workspace_id);
    if p_role > v_my_role then
      raise exception 'permission denied: a % cannot invite as % (p_role)', v_my_role, p_role using errcode = '42501';
    end if;
  end if;

  if length(v_email) > 320 or v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
    raise exception 'p_email "%" is not a valid email address', left(p_email, 80) using errcode = '22023';
  end if;
  if p_expires_in < interval '5 minutes' or p_expires_in > interval '30 days' then
    raise exception 'p_expires_in must be between 5 minutes and 30 days (got %)', p_expires_in using errcode = '22023';
  end if;
  if exists (select 1 from public.workspace_members m join auth.users u on u.id = m.user_id
             where m.workspace_id = p_workspace_id and lower(u.email) = v_email) then
    raise exception '% is already a member of workspace % (p_email)', v_email, p_workspace_id using errcode = '23505';
  end if;

  update public.invites i set revoked_at = now(), revoked_by = v_uid
  where i.workspace_id = p_workspace_id and i.email = v_email
    and i.accepted_at is null and i.revoked_at is null;

  v_token := 'inv_' || encode(extensions.gen_random_bytes(32), 'hex');
  insert into public.invites (workspace_id, email, role, token_hash, invited_by, expires_at)
  values (p_workspace_id, v_email, p_role, extensions.digest(v_token, 'sha256'), v_uid, now() + p_expires_in)
  returning * into v_invite;

  invite_id := v_invite.id;
  token := v_token;
  expires_at := v_invite.expires_at;
  return next;
end
$$;

-- Redeems an invite: the caller (whose email must match) joins with the invite's role; single use.
-- Every refusal raises before anything is written.
create or replace function public.accept_invite(p_token text)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  v_invite public.invites;
  v_email text;
begin
  if p_token is null or btrim(p_token) = '' then
    raise exception 'p_token must not be null or empty' using errcode = '22004';
  end if;
  if v_uid is null then
    raise exception 'accept_invite needs a signed-in user (auth.uid() is null)' using errcode = '42501';
  end if;

  select * into v_invite from public.invites i
  where i.token_hash = extensions.digest(p_token, 'sha256')
  for update;
  if not found then
    raise exception 'invite not found: p_token matches no invite' using errcode = 'P0002';
  end if;
  if v_invite.revoked_at is not null then
    raise exception 'invite revoked: p_token was revoked at %', v_invite.revoked_at using errcode = '55000';
  end if;
  if v_invite.accepted_at is not null then
    raise exception 'invite already used: p_token was accepted at %', v_invite.accepted_at using errcode = '23505';
  end if;
  if v_invite.expires_at <= now() then
    raise exception 'invite expired: p_token expired at %', v_invite.expires_at using errcode = '22023';
  end if;

  select lower(u.email) into v_email from auth.users u where u.id = v_uid;
  if v_email is distinct from v_invite.email then
    raise exception 'permission denied: this invite was sent to a different email address (p_token)'
      using errcode = '42501';
  end if;
  if exists (select 1 from public.workspace_members m
             where m.workspace_id = v_invite.workspace_id and m.user_id = v_uid) then
    raise exception 'already a member: you already belong to workspace %', v_invite.workspace_id
      using errcode = '23505';
  end if;

  insert into public.workspace_members (workspace_id, user_id, role)
  values (v_invite.workspace_id, v_uid, v_invite.role);
  update public.invites i set accepted_at = now(), accepted_by = v_uid where i.id = v_invite.id;
  return v_invite.workspace_id;
end
$$;

-- Revokes an open invite (admins of its workspace). Revoking twice returns the row unchanged.
create or replace function public.revoke_invite(p_invite_id uuid)
returns public.invites
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_invite public.invites;
begin
  if p_invite_id is null then
    raise exception 'p_invite_id must not be null' using errcode = '22004';
  end if;
  select * into v_invite from public.invites i where i.id = p_invite_id for update;
  if not found then
    raise exception 'invite % not found (p_invite_id)', p_invite_id using errcode = 'P0002';
  end if;
  perform private.assert_workspace_role(v_invite.workspace_id, 'admin');
  if v_invite.accepted_at is not null then
    raise exception 'invite % was already accepted and cannot be revoked (p_invite_id)', p_invite_id
      using errcode = '55000';
  end if;
  if v_invite.revoked_at is null then
    update public.invites i set revoked_at = now(), revoked_by = auth.uid()
    where i.id = p_invite_id
    returning * into v_invite;
  end if;
  return v_invite;
end
$$;

-- The setup wizard (admins). Null arguments keep the current value; p_settings is merged (top level).
-- p_completed false saves progress (in_progress); true completes setup and needs an owner name.
create or replace function public.complete_setup(
  p_workspace_id uuid,
  p_owner_name text default null,
  p_owner_preferred_name text default null,
  p_timezone text default null,
  p_monthly_budget_usd numeric default null,
  p_budget_hard_cutoff boolean default null,
  p_description text default null,
  p_settings jsonb default null,
  p_completed boolean default true)
returns public.workspaces
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_ws public.workspaces;
begin
  if p_workspace_id is null then
    raise exception 'p_workspace_id must not be null' using errcode = '22004';
  end if;
  if p_completed is null then
    raise exception 'p_completed must not be null' using errcode = '22004';
  end if;
  perform private.assert_workspace_role(p_workspace_id, 'admin');
  select * into v_ws from public.workspaces w where w.id = p_workspace_id for update;
  if not found then
    raise exception 'workspace % not found (p_workspace_id)', p_workspace_id using errcode = 'P0002';
  end if;

  if p_owner_name is not null and length(btrim(p_owner_name)) not between 1 and 200 then
    raise exception 'p_owner_name must be 1 to 200 characters' using errcode = '22023';
  end if;
  if p_owner_preferred_name is not null and length(btrim(p_owner_preferred_name)) not between 1 and 200 then
    raise exception 'p_owner_preferred_name must be 1 to 200 characters' using errcode = '22023';
  end if;
  if p_timezone is not null and not private.is_valid_timezone(p_timezone) then
    raise exception 'p_timezone "%" is not a recognised time zone (use an IANA name such as Europe/Berlin)',
      left(p_timezone, 80) using errcode = '22023';
  end if;
  if p_monthly_budget_usd is not null and (p_monthly_budget_usd < 0 or p_monthly_budget_usd >= 10000000000) then
    raise exception 'p_monthly_budget_usd must be between 0 and 9999999999.99 (got %)', p_monthly_budget_usd
      using errcode = '22023';
  end if;
  if p_description is not null and length(p_description) > 4000 then
    raise exception 'p_description must be at most 4000 characters' using errcode = '22023';
  end if;
  if p_settings is not null and jsonb_typeof(p_settings) <> 'object' then
    raise exception 'p_settings must be a JSON object (got %)', jsonb_typeof(p_settings) using errcode = '22023';
  end if;
  if p_completed and coalesce(nullif(btrim(p_owner_name), ''), v_ws.owner_name) is null then
    raise exception 'p_owner_name is required to complete setup' using errcode = '22004';
  end if;

  update public.workspaces w set
    owner_name = coalesce(btrim(p_owner_name), w.owner_name),
    owner_preferred_name = coalesce(btrim(p_owner_preferred_name), w.owner_preferred_name),
    timezone = coalesce(p_timezone, w.timezone),
    monthly_budget_usd = coalesce(round(p_monthly_budget_usd, 2), w.monthly_budget_usd),
    budget_hard_cutoff = coalesce(p_budget_hard_cutoff, w.budget_hard_cutoff),
    description = coalesce(p_description, w.description),
    settings = w.settings || coalesce(p_settings, '{}'::jsonb),
    setup_state = case
      when p_completed then 'completed'::public.workspace_setup_state
      when w.setup_state = 'completed' then w.setup_state
      else 'in_progress'::public.workspace_setup_state
    end
  where w.id = p_workspace_id
  returning * into v_ws;
  return v_ws;
end
$$;

-- The caller's role in the workspace, for membership changes; non-members are refused.
create or replace function private.require_my_workspace_role(p_workspace_id uuid)
returns public.workspace_role
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_role public.workspace_role := private.my_workspace_role(p_workspace_id);
begin
  if v_role is null then
    raise exception 'permission denied: you are not a member of workspace % (p_workspace_id)', p_workspace_id
      using errcode = '42501';
  end if;
  return v_role;
end
$$;
revoke all on function private.require_my_workspace_role(uuid) from public;

-- The membership a change targets, locked against concurrent changes; unknown members are refused.
create or replace function private.lock_membership(p_workspace_id uuid, p_user_id uuid)
returns public.workspace_members
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_target public.workspace_members;
begin
  select * into v_target from public.workspace_members m
  where m.workspace_id = p_workspace_id and m.user_id = p_user_id
  for update;
  if not found then
    raise exception 'user % is not a member of workspace % (p_user_id)', p_user_id, p_workspace_id
      using errcode = 'P0002';
  end if;
  return v_target;
end
$$;
revoke all on function private.lock_membership(uuid, uuid) from public;

-- Role changes. Admins change roles up to their own, of members not above them; anyone may lower their
-- own role; nobody raises their own. The last owner is protected by the guard_last_owner trigger.
create or replace function public.set_member_role(p_workspace_id uuid, p_user_id uuid, p_role public.workspace_role)
returns public.workspace_members
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  v_trusted boolean := private.is_trusted_caller();
  v_my_role public.workspace_role;
  v_target public.workspace_members;
begin
  if p_workspace_id is null then
    raise exception 'p_workspace_id must not be null' using errcode = '22004';
  end if;
  if p_user_id is null then
    raise exception 'p_user_id must not be null' using errcode = '22004';
  end if;
  if p_role is null then
    raise exception 'p_role must not be null' using errcode = '22004';
  end if;
  if not v_trusted then
    v_my_role := private.require_my_workspace_role(p_workspace_id);
  end if;
  v_target := private.lock_membership(p_workspace_id, p_user_id);

  if not v_trusted then
    if p_user_id = v_uid then
      if p_role > v_my_role then
        raise exception 'permission denied: you cannot raise your own role (from % to %)', v_my_role, p_role
          using errcode = '42501';
      end if;
    else
      if v_my_role < 'admin' then
        raise exception 'permission denied: requires role admin in workspace % to change roles', p_workspace_id
          using errcode = '42501';
      end if;
      if p_role > v_my_role then
        raise exception 'permission denied: a % cannot grant the role % (p_role)', v_my_role, p_role
          using errcode = '42501';
      end if;
      if v_target.role > v_my_role then
        raise exception 'permission denied: a % cannot change the role of an % (p_user_id)', v_my_role, v_target.role
          using errcode = '42501';
      end if;
    end if;
  end if;

  if v_target.role = p_role then
    return v_target;
  end if;
  update public.workspace_members m set role = p_role
  where m.workspace_id = p_workspace_id and m.user_id = p_user_id
  returning * into v_target;
  return v_target;
end
$$;

-- Removal. Anyone may leave (remove themselves); admins remove members not above their own role.
-- The last owner cannot be removed (guard_last_owner). Returns the removed membership.
create or replace function public.remove_member(p_workspace_id uuid, p_user_id uuid)
returns public.workspace_members
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  v_trusted boolean := private.is_trusted_caller();
  v_my_role public.workspace_role;
  v_target public.workspace_members;
begin
  if p_workspace_id is null then
    raise exception 'p_workspace_id must not be null' using errcode = '22004';
  end if;
  if p_user_id is null then
    raise exception 'p_user_id must not be null' using errcode = '22004';
  end if;
  if not v_trusted then
    v_my_role := private.require_my_workspace_role(p_workspace_id);
  end if;
  v_target := private.lock_membership(p_workspace_id, p_user_id);

  if not v_trusted and p_user_id <> v_uid then
    if v_my_role < 'admin' then
      raise exception 'permission denied: requires role admin in workspace % to remove members', p_workspace_id
        using errcode = '42501';
    end if;
    if v_target.role > v_my_role then
      raise exception 'permission denied: a % cannot remove an % (p_user_id)', v_my_role, v_target.role
        using errcode = '42501';
    end if;
  end if;

  delete from public.workspace_members m
  where m.workspace_id = p_workspace_id and m.user_id = p_user_id;
  return v_target;
end
$$;

revoke all on function public.create_workspace(text, text, uuid) from public, anon;
revoke all on function public.create_invite(uuid, text, public.workspace_role, interval) from public, anon;
revoke all on function public.accept_invite(text) from public, anon;
revoke all on function public.revoke_invite(uuid) from public, anon;
revoke all on function public.complete_setup(uuid, text, text, text, numeric, boolean, text, jsonb, boolean) from public, anon;
revoke all on function public.set_member_role(uuid, uuid, public.workspace_role) from public, anon;
revoke all on function public.remove_member(uuid, uuid) from public, anon;
grant execute on function public.create_workspace(text, text, uuid) to authenticated, service_role;
grant execute on function public.create_invite(uuid, text, public.workspace_role, interval) to authenticated, service_role;
grant execute on function public.accept_invite(text) to authenticated, service_role;
grant execute on function public.revoke_invite(uuid) to authenticated, service_role;
grant execute on function public.complete_setup(uuid, text, text, text, numeric, boolean, text, jsonb, boolean) to authenticated, service_role;
grant execute on function public.set_member_role(uuid, uuid, public.workspace_role) to authenticated, service_role;
grant execute on function public.remove_member(uuid, uuid) to authenticated, service_role;

-- ===========================================================================================
-- Comments (shown by Studio and the API docs)
-- ===========================================================================================

comment on table public.profiles is
  'One row per auth user (created by the signup trigger): display name, avatar, the email mirrored from auth.users.';
comment on table public.organizations is
  'The billing owner of one or more workspaces (plan, trial end, billing contact). Every signup gets a personal one.';
comment on table public.workspaces is
  'The tenant: every workspace-scoped row carries workspace_id and RLS filters on it. Holds the setup wizard state and settings.';
comment on table public.workspace_members is
  'Who belongs to a workspace and with which role (owner > admin > member > viewer). The last owner cannot be removed or demoted.';
comment on table public.projects is
  'Optional grouping inside a workspace (agents, tasks, files may point here); archived_at follows status.';
comment on table public.invites is
  'Open and used invitations to a workspace. Only the SHA-256 of the token is stored; create_invite returns the plaintext once.';
comment on column public.workspaces.setup_state is
  'Setup wizard: pending (never opened) -> in_progress (a step saved) -> completed (complete_setup with p_completed true).';
comment on column public.invites.token_hash is 'SHA-256 of the invite token; the plaintext is never stored.';

comment on function public.create_workspace(text, text, uuid) is
  'Creates a workspace (and, without p_organization_id, an organization billed to the caller) with the caller as owner. Returns the workspace.';
comment on function public.create_invite(uuid, text, public.workspace_role, interval) is
  'Admins invite an email address with a role not above their own. Returns the token once; an open invite for the same address is revoked.';
comment on function public.accept_invite(text) is
  'Redeems an invite token: the caller (whose email must match) joins the workspace with the invite''s role. Single use.';
comment on function public.revoke_invite(uuid) is
  'Revokes an open invite (admins of its workspace). Revoking twice returns the row unchanged.';
comment on function public.complete_setup(uuid, text, text, text, numeric, boolean, text, jsonb, boolean) is
  'The setup wizard (admins): null arguments keep the current value, p_settings is merged; p_completed true completes setup.';
comment on function public.set_member_role(uuid, uuid, public.workspace_role) is
  'Changes a member''s role: admins up to their own role, for members not above them; anyone may lower their own role.';
comment on function public.remove_member(uuid, uuid) is
  'Removes a member: anyone may leave, admins remove members not above their own role; the last owner stays. Returns the removed membership.';
