-- Account extras: user personalization, OAuth integrations with tokens encrypted under a Vault-held key,
-- platform API tokens (SHA-256 hashed, plaintext returned once) with a verification log, and trials.
-- Runs as the non-superuser `postgres` role; every statement is idempotent. See docs/accounts.md.

-- ============================================================================================ enums

do $$
begin
  create type public.integration_provider as enum (
    'google', 'notion', 'slack', 'github', 'microsoft', 'linear', 'atlassian', 'dropbox', 'discord', 'hubspot', 'zoom');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.token_verification_result as enum ('allowed', 'unknown', 'revoked', 'expired', 'scope_denied');
exception when duplicate_object then null;
end $$;

-- ============================================================================================ vault key

-- The pgcrypto key for integration tokens lives in Supabase Vault under this name. Created here when
-- absent; where the migration role may not write Vault the block only warns and docs/accounts.md gives
-- the one-line setup step. Never replace the secret: stored tokens would no longer decrypt.
do $$
begin
  if not exists (select 1 from vault.secrets s where s.name = 'agentbase_integrations_key') then
    perform vault.create_secret(encode(extensions.gen_random_bytes(32), 'hex'), 'agentbase_integrations_key',
      'pgcrypto key of public.user_integrations tokens; never replace (stored tokens would not decrypt)');
  end if;
exception when insufficient_privilege then
  raise warning 'could not create the Vault secret agentbase_integrations_key (%): create it as described in docs/accounts.md', sqlerrm;
end $$;

-- The key, read only here (definer, owner-only).
create or replace function private.integrations_key()
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_key text;
begin
  select s.decrypted_secret into v_key from vault.decrypted_secrets s where s.name = 'agentbase_integrations_key';
  if v_key is null or length(v_key) < 32 then
    raise exception 'the Vault secret agentbase_integrations_key is missing: integration tokens cannot be encrypted or read'
      using errcode = '55000', hint = 'See docs/accounts.md, "Vault key".';
  end if;
  return v_key;
end
$$;
revoke all on function private.integrations_key() from public;

-- ============================================================================================ tables

create table if not exists public.user_personalization (
  user_id uuid primary key default auth.uid() references auth.users (id) on delete cascade,
  bio text check (length(bio) <= 5000),
  occupation text check (length(occupation) <= 200),
  company text check (length(company) <= 200),
  goals text check (length(goals) <= 5000),
  interests text[] not null default '{}' check (cardinality(interests) <= 100),
  about_me text check (length(about_me) <= 20000),
  -- {"github": "octocat", "x": "@octo"}: network -> handle, strings only.
  social_handles jsonb not null default '{}'::jsonb check (jsonb_typeof(social_handles) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists public.user_integrations (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  provider public.integration_provider not null,
  external_account_id text check (length(external_account_id) between 1 and 300),
  account_label text check (length(account_label) <= 300),
  scopes text[] not null default '{}' check (cardinality(scopes) <= 200),
  expires_at timestamptz,
  has_refresh_token boolean not null default false,
  metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint user_integrations_account_key unique nulls not distinct (user_id, provider, external_account_id)
);

-- Ciphertext only (pgcrypto pgp_sym_encrypt under the Vault key); no API role can read this table.
create table if not exists private.user_integration_secrets (
  integration_id uuid primary key references public.user_integrations (id) on delete cascade,
  access_token bytea not null,
  refresh_token bytea
);
revoke all on private.user_integration_secrets from public, anon, authenticated, service_role;

create table if not exists public.platform_tokens (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  -- The first 12 characters of the plaintext ("abp_" + 8 hex), to recognise a token in lists.
  token_prefix text not null check (token_prefix ~ '^abp_[0-9a-f]{8}$'),
  token_hash bytea not null unique check (octet_length(token_hash) = 32),
  scopes text[] not null check (cardinality(scopes) between 1 and 50),
  expires_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  revoked_at timestamptz,
  revoked_by uuid references auth.users (id) on delete set null,
  last_used_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint platform_tokens_revoked_by_check check (revoked_by is null or revoked_at is not null)
);
create index if not exists platform_tokens_workspace_id_idx on public.platform_tokens (workspace_id, created_at desc);
create index if not exists platform_tokens_created_by_idx on public.platform_tokens (created_by);
create index if not exists platform_tokens_revoked_by_idx on public.platform_tokens (revoked_by);

create table if not exists public.token_audit_log (
  id bigint generated always as identity primary key,
  -- Null when the presented token matched nothing.
  workspace_id uuid references public.workspaces (id) on delete cascade,
  token_id uuid,
  scope text not null check (length(scope) <= 100),
  result public.token_verification_result not null,
  actor_role text not null check (length(actor_role) <= 64),
  created_at timestamptz not null default now()
);
create index if not exists token_audit_log_workspace_id_idx on public.token_audit_log (workspace_id, created_at desc);
create index if not exists token_audit_log_token_id_idx on public.token_audit_log (token_id, created_at desc);

create table if not exists public.user_trials (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid references auth.users (id) on delete set null,
  plan text not null check (plan in ('pro', 'team', 'enterprise')),
  started_at timestamptz not null default now(),
  ends_at timestamptz not null,
  converted_at timestamptz,
  cancelled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint user_trials_window_check check (ends_at > started_at),
  constraint user_trials_single_outcome_check check (converted_at is null or cancelled_at is null)
);
-- One open trial per organization.
create unique index if not exists user_trials_one_open_idx on public.user_trials (organization_id)
  where converted_at is null and cancelled_at is null;
create index if not exists user_trials_organization_id_idx on public.user_trials (organization_id, started_at desc);
create index if not exists user_trials_user_id_idx on public.user_trials (user_id);

comment on table public.user_personalization is 'What the user tells their agents about themselves (bio, occupation, goals, interests, social handles). Owner only.';
comment on table public.user_integrations is
  'OAuth connections (google, notion, slack, github, ...). Tokens are never stored in plaintext: their pgcrypto ciphertext (key in Vault) sits in a private table; connect_integration writes, get_integration_tokens decrypts for the owner or service_role.';
comment on table public.platform_tokens is
  'API tokens of a workspace: scopes, expiry, revocation. Only the SHA-256 of the token is stored; create_platform_token returns the plaintext once; backends call verify_platform_token.';
comment on column public.platform_tokens.scopes is 'resource:read|write|admin, matched exactly by verify_platform_token.';
comment on table public.token_audit_log is 'Append-only: one row per verify_platform_token call (allowed or why not).';
comment on table public.user_trials is 'Trial windows per organization (written by billing with service_role); one open trial per organization.';

-- ============================================================================================ triggers

drop trigger if exists user_personalization_set_updated_at on public.user_personalization;
create trigger user_personalization_set_updated_at before update on public.user_personalization
  for each row execute function private.set_updated_at();
drop trigger if exists user_integrations_set_updated_at on public.user_integrations;
create trigger user_integrations_set_updated_at before update on public.user_integrations
  for each row execute function private.set_updated_at();
drop trigger if exists platform_tokens_set_updated_at on public.platform_tokens;
create trigger platform_tokens_set_updated_at before update on public.platform_tokens
  for each row execute function private.set_updated_at();
drop trigger if exists user_trials_set_updated_at on public.user_trials;
create trigger user_trials_set_updated_at before update on public.user_trials
  for each row execute function private.set_updated_at();

drop trigger if exists token_audit_log_append_only on public.token_audit_log;
create trigger token_audit_log_append_only before update or delete on public.token_audit_log
  for each row execute function private.append_only();

drop trigger if exists platform_tokens_audit on public.platform_tokens;
create trigger platform_tokens_audit after insert or update or delete on public.platform_tokens
  for each row execute function private.audit_row_change('last_used_at');
drop trigger if exists user_integrations_audit on public.user_integrations;
create trigger user_integrations_audit after insert or update or delete on public.user_integrations
  for each row execute function private.audit_row_change();

-- ============================================================================================ privileges + RLS

revoke all on public.user_personalization, public.user_integrations, public.platform_tokens,
  public.token_audit_log, public.user_trials from anon, authenticated, service_role;

grant select, delete on public.user_personalization to authenticated;
grant insert (user_id, bio, occupation, company, goals, interests, about_me, social_handles),
  update (bio, occupation, company, goals, interests, about_me, social_handles) on public.user_personalization to authenticated;
grant select, delete on public.user_integrations to authenticated;
grant update (account_label, metadata) on public.user_integrations to authenticated;
grant select, delete on public.platform_tokens to authenticated;
grant update (name) on public.platform_tokens to authenticated;
grant select on public.token_audit_log to authenticated;
grant select on public.user_trials to authenticated;

grant select, insert, update, delete on public.user_personalization, public.user_integrations,
  public.platform_tokens, public.user_trials to service_role;
grant select, insert on public.token_audit_log to service_role;

alter table public.user_personalization enable row level security;
alter table public.user_integrations enable row level security;
alter table public.platform_tokens enable row level security;
alter table public.token_audit_log enable row level security;
alter table public.user_trials enable row level security;

drop policy if exists user_personalization_select on public.user_personalization;
create policy user_personalization_select on public.user_personalization for select to authenticated
  using (user_id = (select auth.uid()));
drop policy if exists user_personalization_insert on public.user_personalization;
create policy user_personalization_insert on public.user_personalization for insert to authenticated
  with check (user_id = (select auth.uid()));
drop policy if exists user_personalization_update on public.user_personalization;
create policy user_personalization_update on public.user_personalization for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
drop policy if exists user_personalization_delete on public.user_personalization;
create policy user_personalization_delete on public.user_personalization for delete to authenticated
  using (user_id = (select auth.uid()));

drop policy if exists user_integrations_select on public.user_integrations;
create policy user_integrations_select on public.user_integrations for select to authenticated
  using (user_id = (select auth.uid()));
drop policy if exists user_integrations_update on public.user_integrations;
create policy user_integrations_update on public.user_integrations for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
drop policy if exists user_integrations_delete on public.user_integrations;
create policy user_integrations_delete on public.user_integrations for delete to authenticated
  using (user_id = (select auth.uid()));

-- Platform tokens: workspace admins list, rename and delete; minted and revoked by RPC.
drop policy if exists platform_tokens_select on public.platform_tokens;
create policy platform_tokens_select on public.platform_tokens for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'::public.workspace_role))));
drop policy if exists platform_tokens_update on public.platform_tokens;
create policy platform_tokens_update on public.platform_tokens for update to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'::public.workspace_role))))
  with check (workspace_id = any (array(select private.my_workspace_ids('admin'::public.workspace_role))));
drop policy if exists platform_tokens_delete on public.platform_tokens;
create policy platform_tokens_delete on public.platform_tokens for delete to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'::public.workspace_role))));

drop policy if exists token_audit_log_select on public.token_audit_log;
create policy token_audit_log_select on public.token_audit_log for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'::public.workspace_role))));

drop policy if exists user_trials_select on public.user_trials;
create policy user_trials_select on public.user_trials for select to authenticated
  using (organization_id = any (array(select private.my_organization_ids())));

-- ============================================================================================ integration RPCs

create or replace function private.connect_integration(
  p_provider text, p_access_token text, p_refresh_token text, p_expires_at timestamptz, p_scopes text[],
  p_external_account_id text, p_account_label text, p_metadata jsonb, p_user_id uuid)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user uuid := coalesce(p_user_id, auth.uid());
  v_key text;
  v_id uuid;
begin
  if v_user is null then
    raise exception 'connect_integration needs a signed-in user or p_user_id (service_role)' using errcode = '42501';
  end if;
  if p_user_id is not null and p_user_id is distinct from auth.uid() and not private.is_trusted_caller() then
    raise exception 'permission denied: only service_role may connect an integration for another user (p_user_id)'
      using errcode = '42501';
  end if;
  if p_provider is null then
    raise exception 'p_provider must not be null' using errcode = '22004';
  end if;
  if not p_provider = any (enum_range(null::public.integration_provider)::text[]) then
    raise exception 'p_provider "%" is not a known provider (one of %)', left(p_provider, 80),
      array_to_string(enum_range(null::public.integration_provider)::text[], ', ') using errcode = '22023';
  end if;
  if p_access_token is null or p_access_token = '' then
    raise exception 'p_access_token must not be null or empty' using errcode = '22004';
  end if;
  if length(p_access_token) > 16384 or length(p_refresh_token) > 16384 then
    raise exception 'p_access_token and p_refresh_token must be at most 16384 characters' using errcode = '22023';
  end if;
  if cardinality(p_scopes) > 200 then
    raise exception 'p_scopes must have at most 200 entries' using errcode = '22023';
  end if;
  if p_metadata is not null and jsonb_typeof(p_metadata) <> 'object' then
    raise exception 'p_metadata must be a JSON object (got %)', jsonb_typeof(p_metadata) using errcode = '22023';
  end if;
  if p_external_account_id is not null and length(p_external_account_id) not between 1 and 300 then
    raise exception 'p_external_account_id must be 1 to 300 characters' using errcode = '22023';
  end if;
  if length(p_account_label) > 300 then
    raise exception 'p_account_label must be at most 300 characters' using errcode = '22023';
  end if;
  v_key := private.integrations_key();

  insert into public.user_integrations as i
    (user_id, provider, external_account_id, account_label, scopes, expires_at, has_refresh_token, metadata)
  values
    (v_user, p_provider::public.integration_provider, p_external_account_id, p_account_label,
     coalesce(p_scopes, '{}'), p_expires_at, p_refresh_token is not null, coalesce(p_metadata, '{}'::jsonb))
  on conflict (user_id, provider, external_account_id) do update set
    account_label = coalesce(excluded.account_label, i.account_label),
    scopes = excluded.scopes, expires_at = excluded.expires_at,
    has_refresh_token = excluded.has_refresh_token, metadata = i.metadata || excluded.metadata
  returning i.id into v_id;

  insert into private.user_integration_secrets as s (integration_id, access_token, refresh_token)
  values (v_id, extensions.pgp_sym_encrypt(p_access_token, v_key),
          case when p_refresh_token is not null then extensions.pgp_sym_encrypt(p_refresh_token, v_key) end)
  on conflict (integration_id) do update set access_token = excluded.access_token, refresh_token = excluded.refresh_token;
  return v_id;
end
$$;
revoke all on function private.connect_integration(text, text, text, timestamptz, text[], text, text, jsonb, uuid) from public;
grant execute on function private.connect_integration(text, text, text, timestamptz, text[], text, text, jsonb, uuid) to authenticated, service_role;

create or replace function public.connect_integration(
  p_provider text, p_access_token text, p_refresh_token text default null, p_expires_at timestamptz default null,
  p_scopes text[] default '{}', p_external_account_id text default null, p_account_label text default null,
  p_metadata jsonb default null, p_user_id uuid default null)
returns uuid
language sql
security invoker
set search_path = ''
as $$
  select private.connect_integration(p_provider, p_access_token, p_refresh_token, p_expires_at, p_scopes,
                                     p_external_account_id, p_account_label, p_metadata, p_user_id)
$$;

create or replace function private.get_integration_tokens(p_integration_id uuid)
returns table (integration_id uuid, provider public.integration_provider, access_token text, refresh_token text,
               expires_at timestamptz, scopes text[])
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_integration public.user_integrations;
  v_key text;
begin
  if p_integration_id is null then
    raise exception 'p_integration_id must not be null' using errcode = '22004';
  end if;
  select * into v_integration from public.user_integrations i where i.id = p_integration_id;
  if not found then
    raise exception 'integration % not found (p_integration_id)', p_integration_id using errcode = 'P0002';
  end if;
  if v_integration.user_id is distinct from auth.uid() and not private.is_trusted_caller() then
    raise exception 'permission denied: integration % belongs to another user; only its owner or service_role may read its tokens',
      p_integration_id using errcode = '42501';
  end if;
  v_key := private.integrations_key();
  return query
  select v_integration.id, v_integration.provider,
         extensions.pgp_sym_decrypt(s.access_token, v_key),
         case when s.refresh_token is not null then extensions.pgp_sym_decrypt(s.refresh_token, v_key) end,
         v_integration.expires_at, v_integration.scopes
  from private.user_integration_secrets s where s.integration_id = p_integration_id;
end
$$;
revoke all on function private.get_integration_tokens(uuid) from public;
grant execute on function private.get_integration_tokens(uuid) to authenticated, service_role;

create or replace function public.get_integration_tokens(p_integration_id uuid)
returns table (integration_id uuid, provider public.integration_provider, access_token text, refresh_token text,
               expires_at timestamptz, scopes text[])
language sql
security invoker
set search_path = ''
as $$
  select * from private.get_integration_tokens(p_integration_id)
$$;

-- ============================================================================================ platform token RPCs

create or replace function private.create_platform_token(
  p_workspace_id uuid, p_name text, p_scopes text[], p_expires_in interval)
returns table (token_id uuid, token text, token_prefix text, expires_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_name text := private.check_name(p_name, 'p_name');
  v_token text;
  v_row public.platform_tokens;
begin
  if p_workspace_id is null then
    raise exception 'p_workspace_id must not be null' using errcode = '22004';
  end if;
  if not exists (select 1 from public.workspaces w where w.id = p_workspace_id) then
    perform private.assert_workspace_role(p_workspace_id, 'admin');
    raise exception 'workspace % not found (p_workspace_id)', p_workspace_id using errcode = 'P0002';
  end if;
  perform private.assert_workspace_role(p_workspace_id, 'admin');
  if p_scopes is null or cardinality(p_scopes) = 0 then
    raise exception 'p_scopes must name at least one scope' using errcode = '22004';
  end if;
  if cardinality(p_scopes) > 50 then
    raise exception 'p_scopes must have at most 50 entries' using errcode = '22023';
  end if;
  if exists (select 1 from unnest(p_scopes) s where s is null or s !~ '^[a-z][a-z0-9_]{0,40}:(read|write|admin)$') then
    raise exception 'p_scopes: every scope must look like resource:read, resource:write or resource:admin (got %)',
      left(array_to_string(p_scopes, ', ', '<null>'), 200) using errcode = '22023';
  end if;
  if p_expires_in is not null and (p_expires_in < interval '5 minutes' or p_expires_in > interval '366 days') then
    raise exception 'p_expires_in must be between 5 minutes and 366 days, or null for no expiry (got %)', p_expires_in
      using errcode = '22023';
  end if;

  v_token := 'abp_' || encode(extensions.gen_random_bytes(32), 'hex');
  insert into public.platform_tokens (workspace_id, name, token_prefix, token_hash, scopes, expires_at, created_by)
  values (p_workspace_id, v_name, left(v_token, 12), extensions.digest(v_token, 'sha256'),
          array(select distinct s from unnest(p_scopes) s order by s), now() + p_expires_in, auth.uid())
  returning * into v_row;
  return query select v_row.id, v_token, v_row.token_prefix, v_row.expires_at;
end
$$;
revoke all on function private.create_platform_token(uuid, text, text[], interval) from public;
grant execute on function private.create_platform_token(uuid, text, text[], interval) to authenticated, service_role;

create or replace function public.create_platform_token(
  p_workspace_id uuid, p_name text, p_scopes text[], p_expires_in interval default interval '90 days')
returns table (token_id uuid, token text, token_prefix text, expires_at timestamptz)
language sql
security invoker
set search_path = ''
as $$
  select * from private.create_platform_token(p_workspace_id, p_name, p_scopes, p_expires_in)
$$;

create or replace function private.revoke_platform_token(p_token_id uuid)
returns public.platform_tokens
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row public.platform_tokens;
begin
  if p_token_id is null then
    raise exception 'p_token_id must not be null' using errcode = '22004';
  end if;
  select * into v_row from public.platform_tokens t where t.id = p_token_id for update;
  if not found then
    raise exception 'platform token % not found (p_token_id)', p_token_id using errcode = 'P0002';
  end if;
  perform private.assert_workspace_role(v_row.workspace_id, 'admin');
  if v_row.revoked_at is null then
    update public.platform_tokens t set revoked_at = now(), revoked_by = auth.uid()
    where t.id = p_token_id returning * into v_row;
  end if;
  return v_row;
end
$$;
revoke all on function private.revoke_platform_token(uuid) from public;
grant execute on function private.revoke_platform_token(uuid) to authenticated, service_role;

create or replace function public.revoke_platform_token(p_token_id uuid)
returns public.platform_tokens
language sql
security invoker
set search_path = ''
as $$
  select * from private.revoke_platform_token(p_token_id)
$$;

-- For backends (service_role): is this token valid for this scope? Every call writes one token_audit_log
-- row, denials included; a denial is a result (allowed = false, reason), not an error, so the row stays.
create or replace function private.verify_platform_token(p_token text, p_scope text)
returns table (allowed boolean, reason public.token_verification_result, token_id uuid, workspace_id uuid,
               scopes text[], expires_at timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_row public.platform_tokens;
  v_result public.token_verification_result;
begin
  if not private.is_trusted_caller() then
    raise exception 'permission denied: verify_platform_token is for service_role backends' using errcode = '42501';
  end if;
  if p_token is null or p_token = '' then
    raise exception 'p_token must not be null or empty' using errcode = '22004';
  end if;
  if p_scope is null then
    raise exception 'p_scope must not be null' using errcode = '22004';
  end if;
  if p_scope !~ '^[a-z][a-z0-9_]{0,40}:(read|write|admin)$' then
    raise exception 'p_scope "%" is not a scope (resource:read, resource:write or resource:admin)', left(p_scope, 80)
      using errcode = '22023';
  end if;

  select * into v_row from public.platform_tokens t where t.token_hash = extensions.digest(p_token, 'sha256');
  v_result := case
    when v_row.id is null then 'unknown'
    when v_row.revoked_at is not null then 'revoked'
    when v_row.expires_at <= now() then 'expired'
    when not p_scope = any (v_row.scopes) then 'scope_denied'
    else 'allowed' end::public.token_verification_result;

  insert into public.token_audit_log (workspace_id, token_id, scope, result, actor_role)
  values (v_row.workspace_id, v_row.id, p_scope, v_result, left(private.request_role(), 64));
  if v_result = 'allowed' then
    update public.platform_tokens t set last_used_at = now() where t.id = v_row.id;
  end if;

  return query select v_result = 'allowed', v_result,
    v_row.id, v_row.workspace_id, case when v_result = 'allowed' then v_row.scopes end, v_row.expires_at;
end
$$;
revoke all on function private.verify_platform_token(text, text) from public;
grant execute on function private.verify_platform_token(text, text) to service_role;

create or replace function public.verify_platform_token(p_token text, p_scope text)
returns table (allowed boolean, reason public.token_verification_result, token_id uuid, workspace_id uuid,
               scopes text[], expires_at timestamptz)
language sql
security invoker
set search_path = ''
as $$
  select * from private.verify_platform_token(p_token, p_scope)
$$;

revoke all on function public.connect_integration(text, text, text, timestamptz, text[], text, text, jsonb, uuid) from public, anon;
revoke all on function public.get_integration_tokens(uuid) from public, anon;
revoke all on function public.create_platform_token(uuid, text, text[], interval) from public, anon;
revoke all on function public.revoke_platform_token(uuid) from public, anon;
revoke all on function public.verify_platform_token(text, text) from public, anon, authenticated;
grant execute on function public.connect_integration(text, text, text, timestamptz, text[], text, text, jsonb, uuid) to authenticated, service_role;
grant execute on function public.get_integration_tokens(uuid) to authenticated, service_role;
grant execute on function public.create_platform_token(uuid, text, text[], interval) to authenticated, service_role;
grant execute on function public.revoke_platform_token(uuid) to authenticated, service_role;
grant execute on function public.verify_platform_token(text, text) to service_role;

comment on function public.connect_integration(text, text, text, timestamptz, text[], text, text, jsonb, uuid) is
  'Stores (or refreshes) an OAuth connection for the caller, tokens encrypted under the Vault key. service_role may pass p_user_id. Returns the integration id.';
comment on function public.get_integration_tokens(uuid) is
  'Decrypted tokens of one integration, for its owner or service_role; anyone else gets 42501.';
comment on function public.create_platform_token(uuid, text, text[], interval) is
  'Mints an API token for a workspace (admins). The plaintext is returned once; only its SHA-256 is stored. p_expires_in null = no expiry.';
comment on function public.revoke_platform_token(uuid) is 'Revokes an API token (admins of its workspace); revoking twice is a no-op.';
comment on function public.verify_platform_token(text, text) is
  'For service_role backends: allowed / reason (unknown, revoked, expired, scope_denied) for a token and one scope. Every call is logged in token_audit_log.';
