-- Tenancy: organizations (billing owner) -> workspaces (the tenant and RLS boundary) -> projects.
-- Membership helpers live in private and are called as (select private.fn()) by every policy.

-- Declared from least to most privileged so `role >= 'admin'` means "admin or owner".
do $$
begin
  create type public.workspace_role as enum ('viewer', 'member', 'admin', 'owner');
exception when duplicate_object then null;
end $$;

create table if not exists public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.workspaces (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (organization_id, slug)
);

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

revoke all on function private.my_workspace_ids(public.workspace_role) from public;
revoke all on function private.has_workspace_role(uuid, public.workspace_role) from public;
revoke all on function private.assert_workspace_role(uuid, public.workspace_role) from public;
grant execute on function private.my_workspace_ids(public.workspace_role) to authenticated, service_role;
grant execute on function private.has_workspace_role(uuid, public.workspace_role) to authenticated, service_role;
grant execute on function private.assert_workspace_role(uuid, public.workspace_role) to anon, authenticated, service_role;
