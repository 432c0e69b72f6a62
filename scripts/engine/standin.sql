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

alter role supabase_realtime_admin nologin noinherit noreplication;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role, pg_monitor, pg_read_all_data, pg_signal_backend to postgres;
grant pg_read_all_data to supabase_read_only_user;
-- Hosted revoked postgres' membership in the service owners (2025): postgres may no longer act as the
-- owner of auth, storage or realtime objects. Earlier versions of this file granted it; take it back.
do $$
declare
  r text;
begin
  foreach r in array array['supabase_auth_admin', 'supabase_storage_admin', 'supabase_realtime_admin'] loop
    if pg_has_role('postgres', r, 'member') and exists (
         select from pg_auth_members m where m.roleid = r::regrole and m.member = 'postgres'::regrole) then
      execute format('revoke %I from postgres', r);
    end if;
  end loop;
end $$;

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

grant usage on schema public, extensions, auth, storage, realtime, graphql_public to anon, authenticated, service_role;
grant usage on schema auth, storage to postgres, dashboard_user;
grant usage on schema realtime to postgres with grant option;
grant usage on schema realtime to dashboard_user;
-- No CREATE for postgres in the service schemas (hosted revoked it for auth, storage and realtime).
revoke create on schema auth, storage, realtime, vault from postgres;
grant all on schema auth to supabase_auth_admin;
grant all on schema storage to supabase_storage_admin;
grant all on schema realtime to supabase_realtime_admin;
grant all on schema extensions to postgres with grant option;
grant all on schema extensions to dashboard_user;

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

-- Hosted gives postgres everything in `extensions` with grant option, now and for what comes later.
grant all privileges on all tables in schema extensions to postgres with grant option;
grant all privileges on all routines in schema extensions to postgres with grant option;
grant all privileges on all sequences in schema extensions to postgres with grant option;
alter default privileges in schema extensions grant all on tables to postgres with grant option;
alter default privileges in schema extensions grant all on routines to postgres with grant option;
alter default privileges in schema extensions grant all on sequences to postgres with grant option;

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
    -- As hosted: cron.job is read-only for postgres (jobs change through cron.schedule/unschedule),
    -- and postgres may not put triggers on cron.job_run_details.
    revoke all on table cron.job from postgres;
    grant select on table cron.job to postgres with grant option;
    revoke trigger on table cron.job_run_details from postgres;
    -- On hosted, supautils creates pg_cron as supabase_admin, and cron.schedule/unschedule write
    -- cron.job as the extension's owner. The engine created it as postgres (a trusted extension), so the
    -- ownership is handed to supabase_admin here; postgres may still drop it (see on_ddl_start below).
    update pg_catalog.pg_extension set extowner = 'supabase_admin'::regrole where extname = 'pg_cron';
    delete from pg_catalog.pg_shdepend
    where classid = 'pg_catalog.pg_extension'::regclass and deptype = 'o'
      and objid = (select oid from pg_catalog.pg_extension where extname = 'pg_cron');
  end if;
end
$$;
alter function extensions.grant_pg_cron_access() owner to supabase_admin;
revoke all on function extensions.grant_pg_cron_access() from public;
drop event trigger if exists issue_pg_cron_access;
create event trigger issue_pg_cron_access on ddl_command_end
  when tag in ('CREATE EXTENSION')
  execute function extensions.grant_pg_cron_access();
-- A cluster where an earlier stand-in already created pg_cron gets the same tightening now.
do $$
begin
  if exists (select from pg_extension where extname = 'pg_cron') then
    revoke all on table cron.job from postgres;
    grant select on table cron.job to postgres with grant option;
    revoke trigger on table cron.job_run_details from postgres;
    update pg_catalog.pg_extension set extowner = 'supabase_admin'::regrole where extname = 'pg_cron';
    delete from pg_catalog.pg_shdepend
    where classid = 'pg_catalog.pg_extension'::regclass and deptype = 'o'
      and objid = (select oid from pg_catalog.pg_extension where extname = 'pg_cron');
  end if;
end $$;

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
-- GoTrue's partial unique index: one account per e-mail, except accounts that come from SSO.
create unique index if not exists users_email_partial_key on auth.users (email) where (is_sso_user = false);
comment on index auth.users_email_partial_key is 'Auth: A partial unique index that applies only when is_sso_user is false';
alter table auth.users enable row level security;

-- GoTrue's identities (one row per sign-in method of a user), in its current shape.
create table if not exists auth.identities (
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text generated always as (lower(identity_data ->> 'email')) stored,
  id uuid not null default gen_random_uuid() primary key,
  constraint identities_provider_id_provider_unique unique (provider_id, provider)
);
comment on table auth.identities is 'Auth: Stores identities associated to a user.';
create index if not exists identities_user_id_idx on auth.identities using btree (user_id);
create index if not exists identities_email_idx on auth.identities (email text_pattern_ops);
alter table auth.identities enable row level security;

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

-- As the image grants: postgres may read and write auth tables (GoTrue's rows, seeds) but not own them;
-- only SELECT comes with grant option (supabase/auth re-grants it so projects can expose reads).
grant all on all tables in schema auth to postgres, dashboard_user;
grant select on all tables in schema auth to postgres with grant option;
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

-- The operation the Storage API is performing (set per request); policies may read it.
create or replace function storage.operation() returns text language plpgsql stable as $$
begin
  return current_setting('storage.operation', true);
end
$$;

create or replace function storage.allow_only_operation(expected_operation text) returns boolean
language sql stable as $$
  with current_operation as (
    select storage.operation() as raw_operation
  ),
  normalized as (
    select
      case when raw_operation like 'storage.%' then substr(raw_operation, 9) else raw_operation end as current_operation,
      case when expected_operation like 'storage.%' then substr(expected_operation, 9) else expected_operation end as requested_operation
    from current_operation
  )
  select case
    when requested_operation is null or requested_operation = '' then false
    else coalesce(current_operation = requested_operation, false)
  end
  from normalized
$$;

create or replace function storage.allow_any_operation(expected_operations text[]) returns boolean
language sql stable as $$
  with current_operation as (
    select storage.operation() as raw_operation
  ),
  normalized as (
    select case when raw_operation like 'storage.%' then substr(raw_operation, 9) else raw_operation end as current_operation
    from current_operation
  )
  select exists (
    select 1
    from normalized n
    cross join lateral unnest(expected_operations) as expected_operation
    where expected_operation is not null
      and expected_operation <> ''
      and n.current_operation = case
        when expected_operation like 'storage.%' then substr(expected_operation, 9)
        else expected_operation
      end
  )
$$;

-- Storage's guard against orphaned files: rows leave only through the Storage API, which sets
-- storage.allow_delete_query for its own deletes.
create or replace function storage.protect_delete() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('storage.allow_delete_query', true), 'false') != 'true' then
    raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
      using hint = 'This prevents accidental data loss from orphaned objects.',
            errcode = '42501';
  end if;
  return null;
end
$$;

drop trigger if exists protect_buckets_delete on storage.buckets;
create trigger protect_buckets_delete
  before delete on storage.buckets
  for each statement
  execute function storage.protect_delete();

drop trigger if exists protect_objects_delete on storage.objects;
create trigger protect_objects_delete
  before delete on storage.objects
  for each statement
  execute function storage.protect_delete();

reset role;

grant all on all tables in schema storage to postgres, anon, authenticated, service_role, dashboard_user;
grant all on storage.buckets, storage.objects to postgres with grant option;
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
grant usage on schema vault to postgres with grant option;
grant usage on schema vault to service_role;
grant select, delete on vault.secrets, vault.decrypted_secrets to postgres with grant option;
grant execute on function vault.create_secret(text, text, text, uuid),
                          vault.update_secret(uuid, text, text, text, uuid),
                          vault.standin_decrypt(text) to postgres with grant option;
-- What supabase_vault's after-create script gives the service role.
grant select, delete on vault.secrets, vault.decrypted_secrets to service_role;
grant execute on function vault.create_secret(text, text, text, uuid),
                          vault.update_secret(uuid, text, text, text, uuid),
                          vault.standin_decrypt(text) to service_role;

-- The pg_extension row hosted projects have. The engine installs an empty `supabase_vault` extension
-- (control file written by scripts/lib/provision.ts); the objects above stay the stand-in's own.
create extension if not exists supabase_vault with schema vault;

-- ---------------------------------------------------------------- realtime
-- Owned by postgres as on hosted projects, so migrations can add their tables to it.
do $$
begin
  if not exists (select from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime with (publish = 'insert, update, delete, truncate');
  end if;
end $$;
alter publication supabase_realtime owner to postgres;

-- Realtime Broadcast from the database, as the Realtime service installs it in each project:
-- realtime.messages (partitioned by day, RLS on, no policies until the project adds them),
-- realtime.send / broadcast_changes (SECURITY INVOKER: the caller needs INSERT on messages through a
-- policy, or a definer function) and realtime.topic() for policies on private channels.
set role supabase_realtime_admin;

create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  binary_payload bytea,
  primary key (id, inserted_at),
  constraint messages_payload_exclusive check (payload is null or binary_payload is null)
) partition by range (inserted_at);
alter table realtime.messages enable row level security;
create index if not exists messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;

create or replace function realtime.topic() returns text language sql stable as $$
  select nullif(current_setting('realtime.topic', true), '')::text;
$$;

create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void language plpgsql as $$
declare
  generated_id uuid;
  final_payload jsonb;
begin
  begin
    generated_id := gen_random_uuid();

    -- Check if payload has an 'id' key, if not, add the generated UUID
    if payload ? 'id' then
      final_payload := payload;
    else
      final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
    end if;

    -- Set the topic configuration
    execute format('SET LOCAL realtime.topic TO %L', topic);

    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (generated_id, final_payload, event, topic, private, 'broadcast');
  exception
    when others then
      raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

create or replace function realtime.send_binary(payload bytea, event text, topic text, private boolean default true)
returns void language plpgsql as $$
declare
  generated_id uuid;
begin
  begin
    generated_id := gen_random_uuid();

    execute format('SET LOCAL realtime.topic TO %L', topic);

    insert into realtime.messages (id, binary_payload, event, topic, private, extension)
    values (generated_id, payload, event, topic, private, 'broadcast');
  exception
    when others then
      raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

create or replace function realtime.broadcast_changes(
  topic_name text, event_name text, operation text, table_name text, table_schema text,
  new record, old record, level text default 'ROW'
) returns void language plpgsql as $$
declare
  -- Declare a variable to hold the JSONB representation of the row
  row_data jsonb := '{}'::jsonb;
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  -- Check the operation type and handle accordingly
  if operation = 'INSERT' or operation = 'UPDATE' or operation = 'DELETE' then
    row_data := jsonb_build_object('old_record', old, 'record', new, 'operation', operation,
                                   'table', table_name, 'schema', table_schema);
    perform realtime.send(row_data, event_name, topic_name);
  else
    raise exception 'Unexpected operation type: %', operation;
  end if;
exception
  when others then
    raise exception 'Failed to process the row: %', sqlerrm;
end;
$$;

reset role;

grant select, insert, update on realtime.messages to postgres, anon, authenticated, service_role;
grant execute on all functions in schema realtime to postgres, anon, authenticated, service_role;

-- The Realtime service creates the day partitions (yesterday to three days ahead) as time passes; the
-- engine calls this on every start (scripts/lib/cluster.ts). Without today's partition realtime.send
-- only warns and the message is lost, exactly as on hosted when partitions are missing.
create or replace function realtime.standin_create_partitions() returns void
language plpgsql security definer set search_path = '' as $$
declare
  d date;
  part text;
begin
  for d in select generate_series(current_date - 1, current_date + 3, interval '1 day')::date loop
    part := 'messages_' || to_char(d, 'YYYY_MM_DD');
    if to_regclass('realtime.' || part) is null then
      execute format('create table realtime.%I partition of realtime.messages for values from (%L) to (%L)',
                     part, d::timestamp, (d + 1)::timestamp);
      execute format('alter table realtime.%I owner to supabase_realtime_admin', part);
    end if;
  end loop;
end
$$;
alter function realtime.standin_create_partitions() owner to supabase_admin;
revoke all on function realtime.standin_create_partitions() from public;
do $$ begin perform realtime.standin_create_partitions(); end $$;

-- ---------------------------------------------------------------- hosted strictness
-- Hosted Supabase enforces, for `postgres`, rules that come from object ownership (postgres owns nothing
-- in auth, storage, realtime, vault, cron) widened by the supautils library:
--   policy_grants / drop_trigger_grants: postgres may create, alter and drop policies, and drop
--   triggers, on the tables below although it does not own them (creating triggers needs only the
--   TRIGGER privilege, which postgres holds on auth and storage tables);
--   privileged extensions: created as supabase_admin, yet postgres may drop them.
-- No package here ships supautils, so the engine imitates it with event triggers owned by supabase_admin:
--   * at ddl_command_start of CREATE/ALTER/DROP POLICY and DROP TRIGGER run by postgres, postgres is made a
--     member of the service owners for the length of that one statement (the grant is transactional: an
--     error rolls it back, ddl_command_end revokes it);
--   * at ddl_command_end and sql_drop, any object in those schemas that a non-superuser created, altered
--     or dropped is checked against the allowances; anything else raises 42501, as hosted does.
create schema if not exists supabase_standin authorization supabase_admin;
revoke all on schema supabase_standin from public;

create or replace function supabase_standin.grant_tables() returns text[]
language sql immutable set search_path = '' as $$
  select array['auth.audit_log_entries', 'auth.identities', 'auth.refresh_tokens', 'auth.sessions', 'auth.users',
               'realtime.messages', 'realtime.subscription', 'storage.buckets', 'storage.migrations',
               'storage.objects', 'storage.s3_multipart_uploads', 'storage.s3_multipart_uploads_parts']
$$;

-- The role a statement runs as, seen from a SECURITY DEFINER function: SET ROLE if any, else the login.
create or replace function supabase_standin.acting_role() returns text
language sql stable set search_path = '' as $$
  select coalesce(nullif(current_setting('role'), 'none'), session_user::text)
$$;

create or replace function supabase_standin.is_restricted(role_name text) returns boolean
language sql stable set search_path = '' as $$
  select not coalesce((select r.rolsuper from pg_catalog.pg_roles r where r.rolname = role_name), false)
     and role_name not in ('supabase_auth_admin', 'supabase_storage_admin', 'supabase_realtime_admin')
$$;

create or replace function supabase_standin.on_ddl_start() returns event_trigger
language plpgsql security definer set search_path = '' as $$
begin
  -- Extension scripts run as superuser on hosted too (supautils' privileged extensions): not judged.
  if tg_tag in ('CREATE EXTENSION', 'ALTER EXTENSION') then
    perform pg_catalog.set_config('supabase_standin.in_extension', 'on', true);
    return;
  end if;
  -- supautils lets postgres drop the extensions it created as supabase_admin on postgres' behalf
  -- (`supabase db reset` does): lend supabase_admin's ownership for this one statement.
  if tg_tag = 'DROP EXTENSION' and supabase_standin.acting_role() = 'postgres'
     and not pg_catalog.pg_has_role('postgres', 'supabase_admin', 'member') then
    grant supabase_admin to postgres;
    perform pg_catalog.set_config('supabase_standin.lent_admin', 'on', true);
    return;
  end if;
  if tg_tag in ('CREATE POLICY', 'ALTER POLICY', 'DROP POLICY', 'DROP TRIGGER')
     and supabase_standin.acting_role() = 'postgres'
     and not pg_catalog.pg_has_role('postgres', 'supabase_storage_admin', 'member') then
    grant supabase_auth_admin, supabase_storage_admin, supabase_realtime_admin to postgres;
    perform pg_catalog.set_config('supabase_standin.lent', 'on', true);
  end if;
end
$$;

create or replace function supabase_standin.on_ddl_end() returns event_trigger
language plpgsql security definer set search_path = '' as $$
declare
  cmd record;
  target text;
  schema_name text;
begin
  if pg_catalog.current_setting('supabase_standin.lent', true) = 'on' then
    revoke supabase_auth_admin, supabase_storage_admin, supabase_realtime_admin from postgres;
    perform pg_catalog.set_config('supabase_standin.lent', '', true);
  end if;
  if pg_catalog.current_setting('supabase_standin.lent_admin', true) = 'on' then
    revoke supabase_admin from postgres;
    perform pg_catalog.set_config('supabase_standin.lent_admin', '', true);
  end if;
  if tg_tag in ('CREATE EXTENSION', 'ALTER EXTENSION') then
    perform pg_catalog.set_config('supabase_standin.in_extension', '', true);
  end if;
  if not supabase_standin.is_restricted(supabase_standin.acting_role())
     or tg_tag in ('CREATE EXTENSION', 'ALTER EXTENSION', 'DROP EXTENSION')
     or pg_catalog.current_setting('supabase_standin.in_extension', true) = 'on' then
    return;
  end if;
  for cmd in select * from pg_catalog.pg_event_trigger_ddl_commands() loop
    continue when cmd.in_extension;
    -- Policies and triggers have no schema of their own: they are named "<name> on <schema>.<table>".
    target := pg_catalog.split_part(cmd.object_identity, ' on ', 2);
    schema_name := coalesce(cmd.schema_name, nullif(pg_catalog.split_part(target, '.', 1), ''), '');
    continue when schema_name not in ('auth', 'storage', 'realtime', 'vault', 'cron');
    continue when cmd.command_tag in ('CREATE POLICY', 'ALTER POLICY')
      and target = any (supabase_standin.grant_tables());
    -- CREATE TRIGGER needs only the TRIGGER privilege, checked by Postgres itself; GRANT/REVOKE only
    -- ever pass what the grant options allow.
    continue when cmd.command_tag in ('CREATE TRIGGER', 'GRANT', 'REVOKE');
    raise exception 'permission denied: % %: hosted Supabase forbids this in schema %',
      pg_catalog.lower(cmd.command_tag), cmd.object_identity, schema_name
      using errcode = '42501',
            hint = 'Only policies (and triggers) on Supabase''s own tables may be managed there by postgres.';
  end loop;
end
$$;

create or replace function supabase_standin.on_sql_drop() returns event_trigger
language plpgsql security definer set search_path = '' as $$
declare
  obj record;
  schema_name text;
begin
  if not supabase_standin.is_restricted(supabase_standin.acting_role())
     or tg_tag in ('CREATE EXTENSION', 'ALTER EXTENSION', 'DROP EXTENSION')
     or pg_catalog.current_setting('supabase_standin.in_extension', true) = 'on' then
    return;
  end if;
  for obj in select * from pg_catalog.pg_event_trigger_dropped_objects() loop
    schema_name := coalesce(obj.schema_name,
      nullif(pg_catalog.split_part(pg_catalog.split_part(obj.object_identity, ' on ', 2), '.', 1), ''), '');
    continue when schema_name not in ('auth', 'storage', 'realtime', 'vault', 'cron');
    continue when obj.object_type in ('policy', 'trigger')
      and pg_catalog.split_part(obj.object_identity, ' on ', 2) = any (supabase_standin.grant_tables());
    raise exception 'permission denied: drop % %: hosted Supabase forbids this in schema %',
      obj.object_type, obj.object_identity, schema_name
      using errcode = '42501',
            hint = 'Only policies and triggers on Supabase''s own tables may be dropped there by postgres.';
  end loop;
end
$$;

do $$
declare
  f text;
begin
  foreach f in array array['grant_tables()', 'acting_role()', 'is_restricted(text)', 'on_ddl_start()',
                           'on_ddl_end()', 'on_sql_drop()'] loop
    execute format('alter function supabase_standin.%s owner to supabase_admin', f);
    execute format('revoke all on function supabase_standin.%s from public', f);
  end loop;
end $$;

drop event trigger if exists supabase_standin_ddl_start;
create event trigger supabase_standin_ddl_start on ddl_command_start
  execute function supabase_standin.on_ddl_start();
drop event trigger if exists supabase_standin_ddl_end;
create event trigger supabase_standin_ddl_end on ddl_command_end
  execute function supabase_standin.on_ddl_end();
drop event trigger if exists supabase_standin_sql_drop;
create event trigger supabase_standin_sql_drop on sql_drop
  execute function supabase_standin.on_sql_drop();
