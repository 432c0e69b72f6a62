-- Foundation: extensions, the private schema, and the helpers every later domain uses.
-- Runs as the non-superuser `postgres` role (hosted Supabase); every statement is idempotent.

-- ===========================================================================================
-- Extensions, the private schema, default privileges
-- ===========================================================================================

create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists vector with schema extensions;
-- Supabase always installs pg_cron into pg_catalog (supautils override); say so explicitly.
create extension if not exists pg_cron with schema pg_catalog;

-- private: security-definer internals, trigger functions, policy helpers. Never exposed by the Data API.
create schema if not exists private;
revoke all on schema private from public;
-- Policies run as the caller, so the API roles need usage to call the (explicitly granted) helpers.
grant usage on schema private to anon, authenticated, service_role;

-- Functions are not executable by default: each RPC grants execute to the roles meant to call it.
alter default privileges in schema public revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;
alter default privileges in schema private revoke execute on functions from public;

-- ===========================================================================================
-- Shared helpers
-- ===========================================================================================

-- One shared trigger function keeps updated_at honest on every table that has one.
create or replace function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
revoke all on function private.set_updated_at() from public;

-- The API role of the current request. PostgREST does `set local role <jwt role>`, and SECURITY DEFINER
-- functions keep that GUC, so this works inside definer RPCs where current_user is the owner.
create or replace function private.request_role()
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when current_setting('role') <> 'none' then current_setting('role')
    else coalesce(nullif(auth.jwt() ->> 'role', ''), session_user::text)
  end
$$;

-- Trusted infrastructure: service_role (daemons, Edge Functions) or a direct connection as the owner.
create or replace function private.is_trusted_caller()
returns boolean
language sql
stable
set search_path = ''
as $$
  select private.request_role() in ('service_role', 'postgres', 'supabase_admin')
$$;

revoke all on function private.request_role() from public;
revoke all on function private.is_trusted_caller() from public;
grant execute on function private.request_role() to anon, authenticated, service_role;
grant execute on function private.is_trusted_caller() to anon, authenticated, service_role;

-- Text -> slug (`^[a-z0-9][a-z0-9-]{0,62}$`): lowercase, runs of anything else become one hyphen, trimmed,
-- at most 48 characters so a de-duplication suffix (`-2`, `-a1b2c3`) still fits; p_fallback when empty.
create or replace function private.slugify(p_text text, p_fallback text default 'workspace')
returns text
language sql
immutable
set search_path = ''
as $$
  select coalesce(
    nullif(pg_catalog.btrim(pg_catalog.left(
      pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.lower(coalesce(p_text, '')), '[^a-z0-9]+', '-', 'g'), '-'),
      48), '-'), ''),
    p_fallback)
$$;
revoke all on function private.slugify(text, text) from public;
grant execute on function private.slugify(text, text) to authenticated, service_role;

-- True when Postgres accepts p_tz as a time zone (IANA name such as 'Europe/Berlin', or 'UTC').
-- Cheaper than scanning pg_timezone_names (~40 ms) on every write.
create or replace function private.is_valid_timezone(p_tz text)
returns boolean
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_tz is null or p_tz !~ '^[A-Za-z][A-Za-z0-9_+/-]{0,63}$' then
    return false;
  end if;
  perform pg_catalog.now() at time zone p_tz;
  return true;
exception when invalid_parameter_value then
  return false;
end
$$;
revoke all on function private.is_valid_timezone(text) from public;
grant execute on function private.is_valid_timezone(text) to authenticated, service_role;
