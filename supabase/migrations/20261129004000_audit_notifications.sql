-- Audit log, notifications, notification preferences and device push tokens.
-- audit_log is append-only for every API role and written only by triggers (private.audit_row_change) on
-- sensitive tables: memberships and roles, invites, agents, gateways, gateway tokens, workspace and
-- organization settings (budgets, platform tokens and integrations attach theirs in later files).
-- notifications are per user with a cheap unread count (partial index); preferences are per user x kind x
-- channel. Runs as the non-superuser `postgres` role; every statement is idempotent. See docs/accounts.md.

-- ============================================================================================ enums

do $$
begin
  create type public.actor_type as enum ('human', 'agent', 'system');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.notification_channel as enum ('in_app', 'email', 'push');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.device_platform as enum ('ios', 'android', 'web');
exception when duplicate_object then null;
end $$;

-- ============================================================================================ shared helpers

-- Append-only guard for tables that keep history (audit log, usage, token audit). UPDATE always raises;
-- DELETE raises for the API roles, and passes for foreign-key cascades (the parent is gone) and for the
-- owner's own maintenance (retention jobs run as postgres).
create or replace function private.append_only()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' and (pg_trigger_depth() > 1
                           or private.request_role() not in ('anon', 'authenticated', 'service_role')) then
    return old;
  end if;
  raise exception '% is append-only: % is not allowed', tg_table_name, tg_op using errcode = '42501';
end
$$;
revoke all on function private.append_only() from public;

-- Who is acting: an agent when the request says so (a JWT claim `agent_id`, or the transaction-local
-- setting `agentbase.actor_agent_id` that server-side code sets), else the signed-in human, else the
-- system (service_role, postgres, pg_cron). The agent id is taken as claimed; only trusted code mints it.
create or replace function private.current_actor(
  out actor_type public.actor_type, out user_id uuid, out agent_id uuid, out role text)
language plpgsql
stable
set search_path = ''
as $$
declare
  v_agent text;
begin
  role := private.request_role();
  user_id := auth.uid();
  v_agent := coalesce(nullif(current_setting('agentbase.actor_agent_id', true), ''),
                      nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'agent_id');
  if v_agent ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    agent_id := v_agent::uuid;
    actor_type := 'agent';
  elsif user_id is not null then
    actor_type := 'human';
  else
    actor_type := 'system';
  end if;
end
$$;
revoke all on function private.current_actor() from public;

-- ============================================================================================ tables

-- No foreign keys on purpose: the trail outlives the workspace, user or agent it talks about.
create table if not exists public.audit_log (
  id bigint generated always as identity primary key,
  workspace_id uuid,
  actor_type public.actor_type not null,
  actor_user_id uuid,
  actor_agent_id uuid,
  actor_role text not null check (length(actor_role) <= 64),
  action text not null check (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$' and length(action) <= 100),
  entity_type text not null check (entity_type ~ '^[a-z][a-z0-9_]{0,62}$'),
  entity_id text check (length(entity_id) <= 200),
  changed_columns text[],
  before jsonb,
  after jsonb,
  created_at timestamptz not null default now()
);
create index if not exists audit_log_workspace_id_idx on public.audit_log (workspace_id, created_at desc);
create index if not exists audit_log_actor_user_id_idx on public.audit_log (actor_user_id, created_at desc)
  where workspace_id is null;
create index if not exists audit_log_entity_idx on public.audit_log (entity_type, entity_id);

drop trigger if exists audit_log_append_only on public.audit_log;
create trigger audit_log_append_only
  before update or delete on public.audit_log
  for each row execute function private.append_only();

create table if not exists public.notifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  workspace_id uuid references public.workspaces (id) on delete cascade,
  kind text not null check (kind ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$' and length(kind) <= 100),
  title text not null check (length(btrim(title)) between 1 and 300),
  body text not null default '' check (length(body) <= 4000),
  entity_type text check (entity_type ~ '^[a-z][a-z0-9_]{0,62}$'),
  entity_id uuid,
  data jsonb not null default '{}'::jsonb check (jsonb_typeof(data) = 'object'),
  -- Same (user, kind, dedup_key) = the same notification: writers use ON CONFLICT DO NOTHING.
  dedup_key text check (length(dedup_key) between 1 and 300),
  read_at timestamptz,
  created_at timestamptz not null default now(),
  constraint notifications_user_kind_dedup_key unique (user_id, kind, dedup_key)
);
create index if not exists notifications_user_id_idx on public.notifications (user_id, created_at desc);
-- The unread count reads only this (small) partial index.
create index if not exists notifications_unread_idx on public.notifications (user_id) where read_at is null;
create index if not exists notifications_workspace_id_idx on public.notifications (workspace_id);

create table if not exists public.notification_preferences (
  user_id uuid not null references auth.users (id) on delete cascade,
  -- A notification kind ('budget.exceeded'), or '*' for every kind on that channel.
  kind text not null check (kind = '*' or (kind ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$' and length(kind) <= 100)),
  channel public.notification_channel not null,
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (user_id, kind, channel)
);

create table if not exists public.device_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  platform public.device_platform not null,
  -- A push token identifies one app install on one device: unique across users.
  token text not null unique check (length(token) between 1 and 4096),
  device_id text check (length(device_id) between 1 and 200),
  app_version text check (length(app_version) <= 100),
  last_seen_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index if not exists device_tokens_user_id_idx on public.device_tokens (user_id);

drop trigger if exists notification_preferences_set_updated_at on public.notification_preferences;
create trigger notification_preferences_set_updated_at before update on public.notification_preferences
  for each row execute function private.set_updated_at();
drop trigger if exists device_tokens_set_updated_at on public.device_tokens;
create trigger device_tokens_set_updated_at before update on public.device_tokens
  for each row execute function private.set_updated_at();

comment on table public.audit_log is
  'Append-only trail of sensitive changes, written by triggers: who (human / agent / system), what (table.op), which row, changed columns with before/after values. Workspace admins read their workspace''s rows.';
comment on column public.audit_log.actor_agent_id is
  'Set when the request carried an agent identity (JWT claim agent_id, or setting agentbase.actor_agent_id).';
comment on column public.audit_log.before is 'Changed columns before an update, or the whole row before a delete (secrets removed).';
comment on column public.audit_log.after is 'Changed columns after an update, or the whole row after an insert (secrets removed).';
comment on table public.notifications is
  'Per-user notifications (budget warnings, ...). read_at null = unread; unread_notification_count() is an index-only count.';
comment on column public.notifications.dedup_key is
  'Writers insert with ON CONFLICT DO NOTHING on (user_id, kind, dedup_key): e.g. one budget notification per agent per period.';
comment on table public.notification_preferences is
  'Per user x kind x channel switch; kind ''*'' is the channel default. No row = enabled.';
comment on table public.device_tokens is 'Push tokens, one row per app install (token unique), owned by the signed-in user.';

-- ============================================================================================ audit trigger

-- Generic audit writer: AFTER INSERT/UPDATE/DELETE FOR EACH ROW. Trigger arguments name columns to ignore
-- (heartbeats, counters): an update that changes only those is not logged. Secret-looking columns are never
-- copied. Deletes cascading from a deleted workspace are not logged one by one (the workspace delete is).
create or replace function private.audit_row_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_ignore text[] := coalesce(tg_argv::text[], '{}') || array['updated_at'];
  v_secret text[] := array['token_hash', 'secret', 'access_token', 'refresh_token', 'password'];
  v_old jsonb;
  v_new jsonb;
  v_row jsonb;
  v_ws uuid;
  v_changed text[];
  v_before jsonb;
  v_after jsonb;
  v_actor record;
begin
  if tg_op <> 'INSERT' then
    v_old := to_jsonb(old) - v_secret;
  end if;
  if tg_op <> 'DELETE' then
    v_new := to_jsonb(new) - v_secret;
  end if;
  v_row := coalesce(v_new, v_old);
  v_ws := case when tg_table_name = 'workspaces' then (v_row ->> 'id')::uuid
               else (v_row ->> 'workspace_id')::uuid end;

  if tg_op = 'UPDATE' then
    select array_agg(n.key order by n.key) into v_changed
    from jsonb_each(v_new) n
    where n.key <> all (v_ignore) and n.value is distinct from v_old -> n.key;
    if v_changed is null then
      return null;
    end if;
    select jsonb_object_agg(k, v_old -> k), jsonb_object_agg(k, v_new -> k) into v_before, v_after
    from unnest(v_changed) k;
  elsif tg_op = 'INSERT' then
    v_after := v_new;
  else
    if tg_table_name <> 'workspaces' and v_ws is not null
       and not exists (select 1 from public.workspaces w where w.id = v_ws) then
      return null;
    end if;
    v_before := v_old;
  end if;

  select * into v_actor from private.current_actor();
  insert into public.audit_log
    (workspace_id, actor_type, actor_user_id, actor_agent_id, actor_role, action, entity_type, entity_id,
     changed_columns, before, after)
  values
    (v_ws, v_actor.actor_type, v_actor.user_id, v_actor.agent_id, left(v_actor.role, 64),
     tg_table_name || '.' || lower(tg_op), tg_table_name,
     coalesce(v_row ->> 'id', v_row ->> 'agent_id', v_row ->> 'user_id'),
     v_changed, v_before, v_after);
  return null;
end
$$;
revoke all on function private.audit_row_change() from public;

-- Wiring on the tables that exist now (later files add budgets, platform tokens, integrations).
drop trigger if exists workspace_members_audit on public.workspace_members;
create trigger workspace_members_audit after insert or update or delete on public.workspace_members
  for each row execute function private.audit_row_change();
drop trigger if exists invites_audit on public.invites;
create trigger invites_audit after insert or update or delete on public.invites
  for each row execute function private.audit_row_change();
drop trigger if exists workspaces_audit on public.workspaces;
create trigger workspaces_audit after insert or update or delete on public.workspaces
  for each row execute function private.audit_row_change();
drop trigger if exists organizations_audit on public.organizations;
create trigger organizations_audit after insert or update or delete on public.organizations
  for each row execute function private.audit_row_change();
-- Agents and gateways: presence and counters (status, last_seen_at, meta from heartbeats, xp) are noise.
drop trigger if exists agents_audit on public.agents;
create trigger agents_audit after insert or update or delete on public.agents
  for each row execute function private.audit_row_change('status', 'last_seen_at', 'xp', 'level');
drop trigger if exists gateways_audit on public.gateways;
create trigger gateways_audit after insert or update or delete on public.gateways
  for each row execute function private.audit_row_change('status', 'last_seen_at', 'meta');
drop trigger if exists gateway_registration_tokens_audit on public.gateway_registration_tokens;
create trigger gateway_registration_tokens_audit after insert or update or delete on public.gateway_registration_tokens
  for each row execute function private.audit_row_change();

-- ============================================================================================ notify helper

-- True unless the user switched the kind (or the whole channel, kind '*') off; the specific row wins.
create or replace function private.notification_enabled(p_user_id uuid, p_kind text, p_channel public.notification_channel)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    (select p.enabled from public.notification_preferences p
     where p.user_id = p_user_id and p.channel = p_channel and p.kind = p_kind),
    (select p.enabled from public.notification_preferences p
     where p.user_id = p_user_id and p.channel = p_channel and p.kind = '*'),
    true)
$$;
revoke all on function private.notification_enabled(uuid, text, public.notification_channel) from public;
grant execute on function private.notification_enabled(uuid, text, public.notification_channel) to authenticated, service_role;

-- In-app notification for every member of p_workspace_id holding at least p_min_role who has the kind
-- enabled; a repeat with the same dedup key is ignored. Returns the number of rows written.
create or replace function private.notify_workspace(
  p_workspace_id uuid,
  p_min_role public.workspace_role,
  p_kind text,
  p_title text,
  p_body text,
  p_entity_type text,
  p_entity_id uuid,
  p_data jsonb,
  p_dedup_key text
)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  insert into public.notifications (user_id, workspace_id, kind, title, body, entity_type, entity_id, data, dedup_key)
  select m.user_id, p_workspace_id, p_kind, p_title, coalesce(p_body, ''), p_entity_type, p_entity_id,
         coalesce(p_data, '{}'::jsonb), p_dedup_key
  from public.workspace_members m
  where m.workspace_id = p_workspace_id and m.role >= p_min_role
    and private.notification_enabled(m.user_id, p_kind, 'in_app')
  order by m.user_id
  on conflict (user_id, kind, dedup_key) do nothing;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;
revoke all on function private.notify_workspace(uuid, public.workspace_role, text, text, text, text, uuid, jsonb, text) from public;

-- ============================================================================================ privileges + RLS

revoke all on public.audit_log, public.notifications, public.notification_preferences, public.device_tokens
  from anon, authenticated, service_role;

grant select on public.audit_log to authenticated, service_role;
grant select, delete on public.notifications to authenticated;
grant update (read_at) on public.notifications to authenticated;
grant select, insert, update, delete on public.notifications to service_role;
grant select, delete on public.notification_preferences to authenticated;
grant insert (user_id, kind, channel, enabled) on public.notification_preferences to authenticated;
grant update (enabled) on public.notification_preferences to authenticated;
grant select, insert, update, delete on public.notification_preferences to service_role;
grant select, delete on public.device_tokens to authenticated;
grant insert (user_id, platform, token, device_id, app_version) on public.device_tokens to authenticated;
grant update (device_id, app_version, last_seen_at) on public.device_tokens to authenticated;
grant select, insert, update, delete on public.device_tokens to service_role;

alter table public.audit_log enable row level security;
alter table public.notifications enable row level security;
alter table public.notification_preferences enable row level security;
alter table public.device_tokens enable row level security;

-- audit_log: workspace admins read their workspace's trail; a user reads their own workspace-less rows.
drop policy if exists audit_log_select on public.audit_log;
create policy audit_log_select on public.audit_log for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin')))
         or (workspace_id is null and actor_user_id = (select auth.uid())));

-- notifications: your own; mark read and delete; created by the system only.
drop policy if exists notifications_select on public.notifications;
create policy notifications_select on public.notifications for select to authenticated
  using (user_id = (select auth.uid()));
drop policy if exists notifications_update on public.notifications;
create policy notifications_update on public.notifications for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
drop policy if exists notifications_delete on public.notifications;
create policy notifications_delete on public.notifications for delete to authenticated
  using (user_id = (select auth.uid()));

drop policy if exists notification_preferences_select on public.notification_preferences;
create policy notification_preferences_select on public.notification_preferences for select to authenticated
  using (user_id = (select auth.uid()));
drop policy if exists notification_preferences_insert on public.notification_preferences;
create policy notification_preferences_insert on public.notification_preferences for insert to authenticated
  with check (user_id = (select auth.uid()));
drop policy if exists notification_preferences_update on public.notification_preferences;
create policy notification_preferences_update on public.notification_preferences for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
drop policy if exists notification_preferences_delete on public.notification_preferences;
create policy notification_preferences_delete on public.notification_preferences for delete to authenticated
  using (user_id = (select auth.uid()));

drop policy if exists device_tokens_select on public.device_tokens;
create policy device_tokens_select on public.device_tokens for select to authenticated
  using (user_id = (select auth.uid()));
drop policy if exists device_tokens_insert on public.device_tokens;
create policy device_tokens_insert on public.device_tokens for insert to authenticated
  with check (user_id = (select auth.uid()));
drop policy if exists device_tokens_update on public.device_tokens;
create policy device_tokens_update on public.device_tokens for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
drop policy if exists device_tokens_delete on public.device_tokens;
create policy device_tokens_delete on public.device_tokens for delete to authenticated
  using (user_id = (select auth.uid()));

-- ============================================================================================ RPCs

-- Marks the caller's notifications read (all unread ones, or those in p_ids). Returns how many changed.
create or replace function public.mark_notifications_read(p_ids uuid[] default null)
returns integer
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_count integer;
begin
  if (select auth.uid()) is null then
    raise exception 'mark_notifications_read needs a signed-in user (auth.uid() is null)' using errcode = '42501';
  end if;
  update public.notifications n set read_at = now()
  where n.user_id = (select auth.uid()) and n.read_at is null
    and (p_ids is null or n.id = any (p_ids));
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- The caller's unread count, answered from the partial index notifications_unread_idx.
create or replace function public.unread_notification_count()
returns bigint
language sql
stable
security invoker
set search_path = ''
as $$
  select count(*) from public.notifications n
  where n.user_id = (select auth.uid()) and n.read_at is null
$$;

-- Registers (or refreshes) a push token for the caller. A token already registered by another account
-- moves to the caller (the device changed hands); returns the row id.
create or replace function private.register_device_token(
  p_token text, p_platform public.device_platform, p_device_id text, p_app_version text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_uid uuid := auth.uid();
  v_id uuid;
begin
  if v_uid is null then
    raise exception 'register_device_token needs a signed-in user (auth.uid() is null)' using errcode = '42501';
  end if;
  if p_token is null then
    raise exception 'p_token must not be null' using errcode = '22004';
  end if;
  if p_platform is null then
    raise exception 'p_platform must not be null' using errcode = '22004';
  end if;
  if length(p_token) not between 1 and 4096 then
    raise exception 'p_token must be 1 to 4096 characters (got %)', length(p_token) using errcode = '22023';
  end if;
  if p_device_id is not null and length(p_device_id) not between 1 and 200 then
    raise exception 'p_device_id must be 1 to 200 characters' using errcode = '22023';
  end if;
  if length(p_app_version) > 100 then
    raise exception 'p_app_version must be at most 100 characters' using errcode = '22023';
  end if;
  insert into public.device_tokens as d (user_id, platform, token, device_id, app_version)
  values (v_uid, p_platform, p_token, p_device_id, p_app_version)
  on conflict (token) do update
    set user_id = excluded.user_id, platform = excluded.platform,
        device_id = coalesce(excluded.device_id, d.device_id),
        app_version = coalesce(excluded.app_version, d.app_version), last_seen_at = now()
  returning d.id into v_id;
  return v_id;
end
$$;
revoke all on function private.register_device_token(text, public.device_platform, text, text) from public;
grant execute on function private.register_device_token(text, public.device_platform, text, text) to authenticated;

create or replace function public.register_device_token(
  p_token text, p_platform public.device_platform, p_device_id text default null, p_app_version text default null)
returns uuid
language sql
security invoker
set search_path = ''
as $$
  select private.register_device_token(p_token, p_platform, p_device_id, p_app_version)
$$;

revoke all on function public.mark_notifications_read(uuid[]) from public, anon;
revoke all on function public.unread_notification_count() from public, anon;
revoke all on function public.register_device_token(text, public.device_platform, text, text) from public, anon;
grant execute on function public.mark_notifications_read(uuid[]) to authenticated;
grant execute on function public.unread_notification_count() to authenticated;
grant execute on function public.register_device_token(text, public.device_platform, text, text) to authenticated;

comment on function public.mark_notifications_read(uuid[]) is
  'Marks the caller''s unread notifications read (all, or those in p_ids); returns the number changed.';
comment on function public.unread_notification_count() is 'The caller''s unread notification count (index-only).';
comment on function public.register_device_token(text, public.device_platform, text, text) is
  'Registers or refreshes the caller''s push token; a token known under another account moves to the caller.';

-- Realtime: the UI listens for its own new notifications (RLS applies to postgres_changes).
do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime')
     and not exists (select 1 from pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'notifications') then
    alter publication supabase_realtime add table public.notifications;
  end if;
end $$;
