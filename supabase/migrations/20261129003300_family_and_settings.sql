-- Family assistant routing and provider settings.
-- family_members maps phone numbers (E.164, unique across the platform so routing is deterministic) to a
-- workspace (the family account), a member and the agent to wake; route_inbound_message(phone) is the
-- message router's lookup (service_role only). platform_settings holds the platform defaults per kind
-- (llm, stt, tts, telephony, flags); workspace_settings holds per-workspace overrides (admins write);
-- effective_settings(workspace) deep-merges them. Secrets never appear in settings: only Vault secret
-- ids (keys ending in _secret_id); a trigger refuses secret-looking keys and values. See docs/settings.md.
-- Runs as the non-superuser `postgres` role inside one transaction; every statement is idempotent.

do $$ begin
  if not exists (select 1 from pg_type where typname = 'family_relation' and typnamespace = 'public'::regnamespace) then
    create type public.family_relation as enum (
      'self', 'partner', 'parent', 'child', 'sibling', 'grandparent', 'grandchild', 'relative', 'caregiver', 'other');
  end if;
  if not exists (select 1 from pg_type where typname = 'settings_kind' and typnamespace = 'public'::regnamespace) then
    create type public.settings_kind as enum ('llm', 'stt', 'tts', 'telephony', 'flags');
  end if;
end $$;

-- ===========================================================================================
-- Family members
-- ===========================================================================================

create table if not exists public.family_members (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  phone_e164 text not null,
  display_name text not null check (length(btrim(display_name)) between 1 and 200),
  relation public.family_relation not null default 'other',
  -- The member's own login, when they have one (must be a member of the workspace).
  user_id uuid references auth.users (id) on delete set null,
  -- The agent their messages wake; null = the workspace's head agent.
  agent_id uuid,
  opted_in boolean not null default false,
  opted_in_at timestamptz,
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint family_members_phone_e164_check check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  constraint family_members_phone_e164_key unique (phone_e164),
  constraint family_members_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id),
  constraint family_members_opted_in_at_check check (opted_in = (opted_in_at is not null))
);
create index if not exists family_members_workspace_agent_idx on public.family_members (workspace_id, agent_id);
create index if not exists family_members_agent_id_idx on public.family_members (agent_id);
create index if not exists family_members_user_id_idx on public.family_members (user_id);
create index if not exists family_members_created_by_idx on public.family_members (created_by);
comment on table public.family_members is
  'Family assistant: a phone number (E.164, unique across the platform) mapped to a workspace (the family account), a display name, relation, optional linked user, the agent to wake and the opt-in state. Read by route_inbound_message.';
comment on column public.family_members.phone_e164 is 'E.164: +, country code, subscriber number; 8 to 16 characters, no spaces. Unique across all workspaces.';

create or replace function private.family_members_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.opted_in and (tg_op = 'INSERT' or not old.opted_in) then
    new.opted_in_at := now();
  elsif not new.opted_in then
    new.opted_in_at := null;
  end if;
  if new.user_id is not null and not exists (
    select 1 from public.workspace_members m where m.workspace_id = new.workspace_id and m.user_id = new.user_id
  ) then
    raise exception 'user_id % is not a member of workspace %', new.user_id, new.workspace_id using errcode = '23503';
  end if;
  if tg_op = 'UPDATE' and new.workspace_id <> old.workspace_id then
    raise exception 'family_members.workspace_id cannot change' using errcode = '55000';
  end if;
  return new;
end
$$;
revoke all on function private.family_members_before_write() from public;

drop trigger if exists family_members_before_write on public.family_members;
create trigger family_members_before_write before insert or update on public.family_members
  for each row execute function private.family_members_before_write();
drop trigger if exists family_members_set_updated_at on public.family_members;
create trigger family_members_set_updated_at before update on public.family_members
  for each row execute function private.set_updated_at();

revoke all on table public.family_members from anon, authenticated;
grant select, delete on table public.family_members to authenticated;
grant insert (id, workspace_id, phone_e164, display_name, relation, user_id, agent_id, opted_in, metadata)
  on table public.family_members to authenticated;
grant update (phone_e164, display_name, relation, user_id, agent_id, opted_in, metadata)
  on table public.family_members to authenticated;
grant select, insert, update, delete on table public.family_members to service_role;
alter table public.family_members enable row level security;
select private.create_workspace_policies('public.family_members', 'viewer', 'admin', 'admin');

-- The router's lookup: which family, member and agent an inbound message from p_phone belongs to.
-- result: routed | unknown_number | not_opted_in | no_agent (the ids are filled as far as known).
create or replace function public.route_inbound_message(p_phone text)
returns table (
  result text,
  workspace_id uuid,
  member_id uuid,
  agent_id uuid,
  display_name text
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_member public.family_members;
  v_agent uuid;
begin
  if not private.is_trusted_caller() then
    raise exception 'permission denied: route_inbound_message is for the message router (service_role)' using errcode = '42501';
  end if;
  if p_phone is null then
    raise exception 'p_phone must not be null' using errcode = '22004';
  end if;
  if p_phone !~ '^\+[1-9][0-9]{6,14}$' then
    raise exception 'p_phone "%" is not an E.164 number (+ then 7 to 15 digits)', left(p_phone, 40) using errcode = '22023';
  end if;
  select * into v_member from public.family_members f where f.phone_e164 = p_phone;
  if v_member.id is null then
    return query select 'unknown_number'::text, null::uuid, null::uuid, null::uuid, null::text;
    return;
  end if;
  if not v_member.opted_in then
    return query select 'not_opted_in'::text, v_member.workspace_id, v_member.id, null::uuid, v_member.display_name;
    return;
  end if;
  select a.id into v_agent from public.agents a
  where a.workspace_id = v_member.workspace_id and a.status <> 'archived'
    and (a.id = v_member.agent_id or (v_member.agent_id is null and a.is_head))
  limit 1;
  return query select case when v_agent is null then 'no_agent' else 'routed' end,
    v_member.workspace_id, v_member.id, v_agent, v_member.display_name;
end
$$;
revoke all on function public.route_inbound_message(text) from public, anon, authenticated;
grant execute on function public.route_inbound_message(text) to service_role;
comment on function public.route_inbound_message(text) is
  'Message router (service_role only): the family (workspace), member and agent to wake for an inbound message from an E.164 number. result = routed, unknown_number, not_opted_in or no_agent (the member''s agent, else the workspace head agent, is missing or archived).';

-- ===========================================================================================
-- Provider settings and feature flags
-- ===========================================================================================

create table if not exists public.platform_settings (
  kind public.settings_kind primary key,
  settings jsonb not null default '{}' check (jsonb_typeof(settings) = 'object'),
  description text not null default '' check (length(description) <= 2000),
  updated_at timestamptz not null default now()
);
comment on table public.platform_settings is
  'Platform defaults per kind (llm, stt, tts, telephony, flags). Readable by every signed-in user, written by the platform operator (service_role). Secrets only as Vault secret ids (keys ending in _secret_id).';

create table if not exists public.workspace_settings (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  kind public.settings_kind not null,
  settings jsonb not null default '{}' check (jsonb_typeof(settings) = 'object'),
  updated_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, kind)
);
create index if not exists workspace_settings_updated_by_idx on public.workspace_settings (updated_by);
comment on table public.workspace_settings is
  'Per-workspace overrides of platform_settings, deep-merged over them by effective_settings. Admins write. Secrets only as Vault secret ids.';

-- Refuses plaintext secrets anywhere in a settings document: keys that name a secret (api_key, token,
-- password, secret, credentials, private_key, ...) unless they end in _secret_id and hold a uuid (a
-- Vault secret id), and string values shaped like well-known keys (sk-..., xoxb-..., ghp_..., AKIA...,
-- AIza..., JWTs, PEM blocks). Raises 22023 naming the path.
create or replace function private.assert_no_plaintext_secrets(p_value jsonb, p_path text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_key text;
  v_child jsonb;
  v_index integer := 0;
begin
  case jsonb_typeof(p_value)
    when 'object' then
      for v_key, v_child in select key, value from jsonb_each(p_value) loop
        if v_key ~* '_secret_id$' then
          if jsonb_typeof(v_child) is distinct from 'string'
             or (v_child #>> '{}') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
            raise exception '%.% must be a Vault secret id (a uuid string)', p_path, v_key using errcode = '22023';
          end if;
        elsif v_key ~* '(^|[_-])(api[_-]?key|apikey|secret|secret[_-]?key|client[_-]?secret|password|passwd|credentials?|private[_-]?key|token|access[_-]?token|auth[_-]?token|refresh[_-]?token|bearer|authorization)$' then
          raise exception '%.% looks like a secret: store it in Supabase Vault and reference it as %_secret_id', p_path, v_key, v_key
            using errcode = '22023';
        else
          perform private.assert_no_plaintext_secrets(v_child, p_path || '.' || v_key);
        end if;
      end loop;
    when 'array' then
      for v_child in select value from jsonb_array_elements(p_value) loop
        perform private.assert_no_plaintext_secrets(v_child, p_path || '[' || v_index || ']');
        v_index := v_index + 1;
      end loop;
    when 'string' then
      if (p_value #>> '{}') ~ '^(sk-[A-Za-z0-9_-]{16,}|sk_(live|test)_[A-Za-z0-9]{16,}|xox[abpr]-[A-Za-z0-9-]{10,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.)'
         or (p_value #>> '{}') ~ '-----BEGIN [A-Z ]*PRIVATE KEY-----' then
        raise exception '% holds what looks like a plaintext credential: store it in Supabase Vault and reference its secret id', p_path
          using errcode = '22023';
      end if;
    else
      null;
  end case;
end
$$;
revoke all on function private.assert_no_plaintext_secrets(jsonb, text) from public;
grant execute on function private.assert_no_plaintext_secrets(jsonb, text) to authenticated, service_role;

-- Settings rows: no plaintext secrets; feature flags are booleans.
create or replace function private.settings_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_flag record;
begin
  perform private.assert_no_plaintext_secrets(new.settings, 'settings');
  if new.kind = 'flags' then
    for v_flag in select key, value from jsonb_each(new.settings) loop
      if jsonb_typeof(v_flag.value) <> 'boolean' then
        raise exception 'settings.% must be a boolean (feature flags are true or false)', v_flag.key using errcode = '22023';
      end if;
    end loop;
  end if;
  if tg_table_name = 'workspace_settings' then
    if tg_op = 'UPDATE' and (new.workspace_id, new.kind) is distinct from (old.workspace_id, old.kind) then
      raise exception 'workspace_settings: workspace_id and kind cannot change' using errcode = '55000';
    end if;
    -- Who changed it last (service_role and the owner keep what they set).
    new.updated_by := coalesce(auth.uid(), new.updated_by);
  end if;
  return new;
end
$$;
revoke all on function private.settings_before_write() from public;

-- Deep merge: objects merge key by key (recursively); anything else in p_override replaces p_base.
create or replace function private.jsonb_deep_merge(p_base jsonb, p_override jsonb)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_result jsonb;
  v_key text;
  v_value jsonb;
begin
  if p_override is null then
    return p_base;
  end if;
  if jsonb_typeof(p_base) is distinct from 'object' or jsonb_typeof(p_override) <> 'object' then
    return p_override;
  end if;
  v_result := p_base;
  for v_key, v_value in select key, value from jsonb_each(p_override) loop
    v_result := v_result || jsonb_build_object(v_key, private.jsonb_deep_merge(p_base -> v_key, v_value));
  end loop;
  return v_result;
end
$$;
revoke all on function private.jsonb_deep_merge(jsonb, jsonb) from public;
grant execute on function private.jsonb_deep_merge(jsonb, jsonb) to authenticated, service_role;

drop trigger if exists platform_settings_before_write on public.platform_settings;
create trigger platform_settings_before_write before insert or update on public.platform_settings
  for each row execute function private.settings_before_write();
drop trigger if exists platform_settings_set_updated_at on public.platform_settings;
create trigger platform_settings_set_updated_at before update on public.platform_settings
  for each row execute function private.set_updated_at();
drop trigger if exists workspace_settings_before_write on public.workspace_settings;
create trigger workspace_settings_before_write before insert or update on public.workspace_settings
  for each row execute function private.settings_before_write();
drop trigger if exists workspace_settings_set_updated_at on public.workspace_settings;
create trigger workspace_settings_set_updated_at before update on public.workspace_settings
  for each row execute function private.set_updated_at();

revoke all on table public.platform_settings, public.workspace_settings from anon, authenticated;
grant select on table public.platform_settings to authenticated;
grant select, insert, update, delete on table public.platform_settings to service_role;
grant select, delete on table public.workspace_settings to authenticated;
grant insert (workspace_id, kind, settings) on table public.workspace_settings to authenticated;
grant update (settings) on table public.workspace_settings to authenticated;
grant select, insert, update, delete on table public.workspace_settings to service_role;

alter table public.platform_settings enable row level security;
alter table public.workspace_settings enable row level security;

-- Platform defaults are public knowledge for signed-in users (no secrets in them); no API write policy.
drop policy if exists platform_settings_select on public.platform_settings;
create policy platform_settings_select on public.platform_settings for select to authenticated using (true);
-- Overrides: viewers read (what their workspace runs with), admins write.
select private.create_workspace_policies('public.workspace_settings', 'viewer', 'admin', 'admin');

-- The defaults every workspace starts from (rows are created once; operators edit them afterwards).
insert into public.platform_settings (kind, settings, description) values
  ('llm', '{"provider": "anthropic", "model": "claude-sonnet-4-5", "temperature": 0.7, "max_tokens": 4096}',
   'Language model used for replies'),
  ('stt', '{"provider": "openai", "model": "whisper-1", "language": "auto"}', 'Speech-to-text for voice notes'),
  ('tts', '{"provider": "elevenlabs", "voice": "default", "format": "mp3"}', 'Text-to-speech for spoken replies'),
  ('telephony', '{"provider": "twilio", "channel": "whatsapp"}', 'Messaging and call provider'),
  ('flags', '{"debug_transcripts": false, "voice_replies": true}', 'Feature flags')
on conflict (kind) do nothing;

-- Platform defaults merged with the workspace's overrides, per kind: {"llm": {...}, "stt": {...}, ...}.
create or replace function public.effective_settings(p_workspace_id uuid)
returns jsonb
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  perform private.assert_workspace_role(p_workspace_id, 'viewer');
  return (
    select coalesce(jsonb_object_agg(k.kind, private.jsonb_deep_merge(coalesce(p.settings, '{}'), w.settings)), '{}')
    from unnest(enum_range(null::public.settings_kind)) as k(kind)
    left join public.platform_settings p on p.kind = k.kind
    left join public.workspace_settings w on w.workspace_id = p_workspace_id and w.kind = k.kind
  );
end
$$;
revoke all on function public.effective_settings(uuid) from public, anon;
grant execute on function public.effective_settings(uuid) to authenticated, service_role;
comment on function public.effective_settings(uuid) is
  'The settings a workspace runs with: per kind (llm, stt, tts, telephony, flags) the platform defaults deep-merged with the workspace''s overrides (objects merge key by key, other values replace). Members of the workspace and service_role.';
