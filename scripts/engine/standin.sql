-- Supabase stand-in: recreates, on a plain PostgreSQL 15 cluster, what Supabase's database image provides
-- before any project migration runs (roles, auth/storage/vault/extensions schemas, default privileges,
-- the realtime publication). Run as the cluster superuser `supabase_admin`. Idempotent: safe to re-run.
-- Ownership mirrors hosted Supabase on purpose: `supabase db reset --remote` drops every schema the
-- connecting role can drop, so service schemas must belong to supabase_admin to survive it.

set client_min_messages = warning;

-- ---------------------------------------------------------------- roles
do $$
declare
  r text;
begin
  foreach r in array array['postgres', 'anon', 'authenticated', 'service_role', 'authenticator',
                           'supabase_auth_admin', 'supabase_storage_admin', 'dashboard_user',
                           'supabase_read_only_user', 'supabase_replication_admin', 'pgbouncer',
                           'supabase_realtime_admin'] loop
    if not exists (select from pg_roles where rolname = r) then
      execute format('create role %I', r);
    end if;
  end loop;
end $$;

-- postgres is demoted exactly as on hosted Supabase: no superuser, but CREATEROLE, CREATEDB, BYPASSRLS.
alter role postgres nosuperuser createdb createrole login replication bypassrls password 'postgres';
alter role postgres set search_path = "$user", public, extensions;
alter role anon nologin inherit;
alter role anon set statement_timeout = '3s';
alter role authenticated nologin inherit;
alter role authenticated set statement_timeout = '8s';
alter role service_role nologin inherit bypassrls;
alter role authenticator login noinherit password 'postgres';
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';
alter role supabase_auth_admin login noinherit createrole noreplication;
alter role supabase_auth_admin set search_path = auth;
alter role supabase_storage_admin login noinherit createrole noreplication;
alter role supabase_storage_admin set search_path = storage;
alter role dashboard_user nosuperuser createdb createrole replication;
alter role supabase_read_only_user login bypassrls;
alter role supabase_replication_admin login replication;
alter role pgbouncer login;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role, supabase_auth_admin, supabase_storage_admin,
      pg_monitor, pg_read_all_data, pg_signal_backend to postgres;
grant pg_read_all_data to supabase_read_only_user;

-- The database belongs to postgres on hosted projects, so migrations may create schemas.
alter database postgres owner to postgres;
-- Read by Supabase's advisors (splinter) to know which schemas the Data API exposes.
alter database postgres set pgrst.db_schemas = 'public, graphql_public';

-- ---------------------------------------------------------------- schemas
create schema if not exists extensions authorization postgres;
create schema if not exists auth authorization supabase_admin;
create schema if not exists storage authorization supabase_admin;
create schema if not exists vault authorization supabase_admin;
create schema if not exists realtime authorization supabase_admin;
create schema if not exists graphql_public authorization supabase_admin;

grant usage on schema public, extensions, auth, storage, graphql_public to anon, authenticated, service_role;
grant usage on schema auth, storage to postgres, dashboard_user;
grant all on schema auth to supabase_auth_admin;
grant all on schema storage to supabase_storage_admin;
grant all on schema extensions to postgres, dashboard_user;

-- Supabase's default privileges: whatever postgres (or supabase_admin) creates in public is granted to the
-- API roles; RLS is the only barrier, which is exactly why every project table needs it.
do $$
declare
  owner_role text;
begin
  foreach owner_role in array array['postgres', 'supabase_admin'] loop
    execute format('alter default privileges for role %I in schema public grant all on tables to postgres, anon, authenticated, service_role', owner_role);
    execute format('alter default privileges for role %I in schema public grant all on functions to postgres, anon, authenticated, service_role', owner_role);
    execute format('alter default privileges for role %I in schema public grant all on sequences to postgres, anon, authenticated, service_role', owner_role);
  end loop;
end $$;

-- ---------------------------------------------------------------- extensions
-- Supabase pre-installs these. supautils lets postgres create (and drop) the others; the stand-in imitates
-- that by marking them trusted in their control files (the engine script does it before this file runs).
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists pg_stat_statements with schema extensions;

-- vector, pg_cron, pgtap and plpgsql_check are NOT created here: `supabase db reset` drops every extension
-- outside Supabase's core list, so migrations create them, as they must on a fresh hosted project.

-- Supabase's image grants postgres access to pg_cron's schema whenever the extension is created
-- (event trigger issue_pg_cron_access -> extensions.grant_pg_cron_access). Recreated here so migrations
-- can call cron.schedule exactly as on a hosted project.
create or replace function extensions.grant_pg_cron_access() returns event_trigger
language plpgsql security definer set search_path = '' as $$
begin
  if exists (select 1 from pg_event_trigger_ddl_commands() c
             join pg_extension e on e.oid = c.objid where e.extname = 'pg_cron') then
    grant usage on schema cron to postgres with grant option;
    alter default privileges in schema cron grant all on tables to postgres with grant option;
    alter default privileges in schema cron grant all on functions to postgres with grant option;
    alter default privileges in schema cron grant all on sequences to postgres with grant option;
    grant all privileges on all tables in schema cron to postgres with grant option;
    grant all privileges on all functions in schema cron to postgres with grant option;
    grant all privileges on all sequences in schema cron to postgres with grant option;
  end if;
end
$$;
alter function extensions.grant_pg_cron_access() owner to supabase_admin;
revoke all on function extensions.grant_pg_cron_access() from public;
drop event trigger if exists issue_pg_cron_access;
create event trigger issue_pg_cron_access on ddl_command_end
  when tag in ('CREATE EXTENSION')
  execute function extensions.grant_pg_cron_access();

-- ---------------------------------------------------------------- auth
set role supabase_auth_admin;

create table if not exists auth.users (
  instance_id uuid,
  id uuid not null primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique default null,
  phone_confirmed_at timestamptz,
  phone_change text default '',
  phone_change_token varchar(255) default '',
  phone_change_sent_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  email_change_token_current varchar(255) default '',
  email_change_confirm_status smallint default 0 check (email_change_confirm_status between 0 and 2),
  banned_until timestamptz,
  reauthentication_token varchar(255) default '',
  reauthentication_sent_at timestamptz,
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
create index if not exists users_instance_id_idx on auth.users (instance_id);
alter table auth.users enable row level security;

-- Verbatim shape of supabase/auth's helpers: stable SQL reading the claims PostgREST sets.
create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
create or replace function auth.email() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

reset role;

grant all on all tables in schema auth to postgres, dashboard_user;
grant execute on all functions in schema auth to postgres, dashboard_user, anon, authenticated, service_role;

-- ---------------------------------------------------------------- storage
set role supabase_storage_admin;

create table if not exists storage.buckets (
  id text not null primary key,
  name text not null,
  owner uuid,
  owner_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[]
);
create unique index if not exists bname on storage.buckets using btree (name);

create table if not exists storage.objects (
  id uuid not null default gen_random_uuid() primary key,
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  owner_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  user_metadata jsonb
);
create unique index if not exists bucketid_objname on storage.objects using btree (bucket_id, name);
create index if not exists name_prefix_search on storage.objects using btree (name text_pattern_ops);
alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;

create or replace function storage.foldername(name text) returns text[] language plpgsql immutable as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[1 : array_length(_parts, 1) - 1];
end
$$;
create or replace function storage.filename(name text) returns text language plpgsql immutable as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[array_length(_parts, 1)];
end
$$;
create or replace function storage.extension(name text) returns text language plpgsql immutable as $$
declare
  _parts text[];
  _filename text;
begin
  select string_to_array(name, '/') into _parts;
  select _parts[array_length(_parts, 1)] into _filename;
  return reverse(split_part(reverse(_filename), '.', 1));
end
$$;

reset role;

grant all on all tables in schema storage to postgres, anon, authenticated, service_role, dashboard_user;
grant execute on all functions in schema storage to postgres, anon, authenticated, service_role, dashboard_user;

-- ---------------------------------------------------------------- vault
-- Same interface as supabase_vault (create_secret, update_secret, decrypted_secrets); the stand-in
-- encrypts with pgcrypto under a per-cluster key instead of pgsodium.
create table if not exists vault.secrets (
  id uuid primary key default gen_random_uuid(),
  name text unique,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table if not exists vault.standin_key (
  singleton boolean primary key default true check (singleton),
  key text not null default encode(extensions.gen_random_bytes(32), 'hex')
);
insert into vault.standin_key default values on conflict do nothing;
revoke all on vault.standin_key from public;

create or replace function vault.create_secret(
  new_secret text, new_name text default null, new_description text default '', new_key_id uuid default null
) returns uuid language sql security definer set search_path = '' as $$
  insert into vault.secrets (name, description, secret, key_id)
  values (
    new_name, coalesce(new_description, ''),
    encode(extensions.pgp_sym_encrypt(new_secret, (select key from vault.standin_key)), 'base64'),
    new_key_id
  )
  returning id
$$;

create or replace function vault.update_secret(
  secret_id uuid, new_secret text default null, new_name text default null,
  new_description text default null, new_key_id uuid default null
) returns void language sql security definer set search_path = '' as $$
  update vault.secrets set
    secret = coalesce(
      encode(extensions.pgp_sym_encrypt(new_secret, (select key from vault.standin_key)), 'base64'), secret),
    name = coalesce(new_name, name),
    description = coalesce(new_description, description),
    key_id = coalesce(new_key_id, key_id),
    updated_at = now()
  where id = secret_id
$$;

create or replace function vault.standin_decrypt(ciphertext text) returns text
language sql stable security definer set search_path = '' as $$
  select extensions.pgp_sym_decrypt(decode(ciphertext, 'base64'), (select key from vault.standin_key))
$$;
revoke all on function vault.standin_decrypt(text) from public;

create or replace view vault.decrypted_secrets as
  select s.id, s.name, s.description, s.secret, vault.standin_decrypt(s.secret) as decrypted_secret,
         s.key_id, s.nonce, s.created_at, s.updated_at
  from vault.secrets s;

revoke all on all tables in schema vault from public, anon, authenticated;
revoke all on all functions in schema vault from public, anon, authenticated;
grant usage on schema vault to postgres, service_role;
grant select, delete on vault.secrets, vault.decrypted_secrets to postgres with grant option;
grant execute on function vault.create_secret(text, text, text, uuid),
                          vault.update_secret(uuid, text, text, text, uuid),
                          vault.standin_decrypt(text) to postgres with grant option;

-- ---------------------------------------------------------------- realtime
-- Owned by postgres as on hosted projects, so migrations can add their tables to it.
do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime with (publish = 'insert, update, delete, truncate');
  end if;
end $$;
alter publication supabase_realtime owner to postgres;
