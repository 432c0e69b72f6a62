-- Project-scoped invites (the enterprise platform invites people to a project): an invite may name a
-- project; accepting it grants the workspace membership (as every invite does) plus a membership of that
-- project. Project memberships are rows of public.project_members (who works on which project, with a
-- project role); they do not restrict what a workspace member may read (the workspace stays the RLS
-- boundary), so apps filter by them for "my projects" views and notifications.
--
-- How the grant happens: accept_invite writes the workspace membership and marks the invite accepted; a
-- trigger on that update writes the project membership in the same transaction. The accept function is
-- left untouched, so any later version of it keeps granting the project.
-- Runs as the non-superuser `postgres` role; every statement is idempotent.

do $$
begin
  create type public.project_role as enum ('viewer', 'member', 'lead');
exception when duplicate_object then null;
end $$;

create table if not exists public.project_members (
  workspace_id uuid not null,
  project_id uuid not null references public.projects (id) on delete cascade,
  user_id uuid not null,
  role public.project_role not null default 'member',
  added_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (project_id, user_id),
  -- A project member is a member of the workspace; leaving the workspace leaves its projects.
  constraint project_members_member_fkey foreign key (workspace_id, user_id)
    references public.workspace_members (workspace_id, user_id) on delete cascade
);
create index if not exists project_members_workspace_user_idx on public.project_members (workspace_id, user_id);
create index if not exists project_members_added_by_idx on public.project_members (added_by);

comment on table public.project_members is
  'Who works on which project, with a project role (viewer, member, lead). Members must belong to the project''s workspace; accepting a project invite adds the row.';

drop trigger if exists project_members_check_project on public.project_members;
create trigger project_members_check_project
  before insert or update on public.project_members
  for each row execute function private.enterprise_check_project();
drop trigger if exists project_members_set_updated_at on public.project_members;
create trigger project_members_set_updated_at
  before update on public.project_members
  for each row execute function private.set_updated_at();

revoke all on table public.project_members from anon, authenticated;
grant select, insert, update, delete on table public.project_members to authenticated, service_role;
alter table public.project_members enable row level security;
select private.create_workspace_policies('public.project_members', 'viewer', 'admin', 'admin');

-- ===========================================================================================
-- Invites naming a project
-- ===========================================================================================

alter table public.invites add column if not exists project_id uuid references public.projects (id) on delete cascade;
alter table public.invites add column if not exists project_role public.project_role;
create index if not exists invites_project_id_idx on public.invites (project_id);
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'invites_project_role_check'
                 and conrelid = 'public.invites'::regclass) then
    alter table public.invites add constraint invites_project_role_check
      check ((project_id is null) = (project_role is null));
  end if;
end
$$;
comment on column public.invites.project_id is 'Set for a project invite: accepting it also adds the user to this project (project_members).';
comment on column public.invites.project_role is 'The project role a project invite grants (with project_id).';

drop trigger if exists invites_check_project on public.invites;
create trigger invites_check_project
  before insert or update of project_id on public.invites
  for each row execute function private.enterprise_check_project();

-- Accepted project invite -> project membership (same transaction as the workspace membership).
create or replace function private.invites_grant_project()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.project_members (workspace_id, project_id, user_id, role, added_by)
  values (new.workspace_id, new.project_id, new.accepted_by, new.project_role, new.invited_by)
  on conflict (project_id, user_id) do update set role = greatest(public.project_members.role, excluded.role);
  return null;
end
$$;
revoke all on function private.invites_grant_project() from public;

drop trigger if exists invites_grant_project on public.invites;
create trigger invites_grant_project
  after update of accepted_at on public.invites
  for each row
  when (old.accepted_at is null and new.accepted_at is not null and new.project_id is not null and new.accepted_by is not null)
  execute function private.invites_grant_project();

-- Invites someone to a project: the workspace invite create_invite makes (same checks: admins, role not
-- above their own, one open invite per address), marked with the project and project role.
create or replace function private.create_project_invite(
  p_project_id uuid, p_email text, p_role public.workspace_role, p_project_role public.project_role,
  p_expires_in interval)
returns table (invite_id uuid, token text, expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_ws uuid;
  r record;
begin
  if p_project_id is null then
    raise exception 'p_project_id must not be null' using errcode = '22004';
  end if;
  if p_project_role is null then
    raise exception 'p_project_role must not be null' using errcode = '22004';
  end if;
  select p.workspace_id into v_ws from public.projects p where p.id = p_project_id;
  if v_ws is null then
    raise exception 'project % not found (p_project_id)', p_project_id using errcode = 'P0002';
  end if;
  perform private.assert_workspace_role(v_ws, 'admin');
  select * into r from public.create_invite(v_ws, p_email, p_role, p_expires_in);
  update public.invites i set project_id = p_project_id, project_role = p_project_role where i.id = r.invite_id;
  invite_id := r.invite_id;
  token := r.token;
  expires_at := r.expires_at;
  return next;
end
$$;
revoke all on function private.create_project_invite(uuid, text, public.workspace_role, public.project_role, interval) from public;
grant execute on function private.create_project_invite(uuid, text, public.workspace_role, public.project_role, interval)
  to authenticated, service_role;

create or replace function public.create_project_invite(
  p_project_id uuid,
  p_email text,
  p_role public.workspace_role default 'member',
  p_project_role public.project_role default 'member',
  p_expires_in interval default '7 days')
returns table (invite_id uuid, token text, expires_at timestamptz)
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.create_project_invite(p_project_id, p_email, p_role, p_project_role, p_expires_in)
$$;
revoke all on function public.create_project_invite(uuid, text, public.workspace_role, public.project_role, interval) from public, anon;
grant execute on function public.create_project_invite(uuid, text, public.workspace_role, public.project_role, interval)
  to authenticated, service_role;
comment on function public.create_project_invite(uuid, text, public.workspace_role, public.project_role, interval) is
  'Admins invite an email address to a project: accept_invite then grants the workspace role and the project role. Returns the token once.';
