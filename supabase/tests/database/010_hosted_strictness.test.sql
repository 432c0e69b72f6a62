-- Hosted Supabase's limits on `postgres`, checked as `postgres`: what a migration may and may not do in
-- the schemas Supabase owns. Every assertion here holds on a hosted project too, so a migration that
-- passes locally does not fail there for lack of a power.
begin;
select plan(60);

-- ---------------------------------------------------------------- auth, storage, realtime: no owner rights
select ok(not pg_has_role('postgres', 'supabase_auth_admin', 'member'), 'postgres is not a member of supabase_auth_admin');
select ok(not pg_has_role('postgres', 'supabase_storage_admin', 'member'), 'postgres is not a member of supabase_storage_admin');
select ok(not has_schema_privilege('postgres', 'auth', 'create'), 'postgres has no CREATE on schema auth');
select ok(not has_schema_privilege('postgres', 'storage', 'create'), 'postgres has no CREATE on schema storage');
select ok(not has_schema_privilege('postgres', 'realtime', 'create'), 'postgres has no CREATE on schema realtime');

select throws_ok($$ alter table storage.objects add column strict_probe int $$, '42501', null,
  'alter table storage.objects is refused');
select throws_ok($$ alter table storage.objects enable row level security $$, '42501', null,
  'even re-enabling RLS on storage.objects is refused (not the owner)');
select throws_ok($$ create function auth.strict_probe() returns int language sql as 'select 1' $$, '42501', null,
  'create function in auth is refused');
select throws_ok($$ create table auth.strict_probe (id int) $$, '42501', null, 'create table in auth is refused');
select throws_ok($$ create table storage.strict_probe (id int) $$, '42501', null, 'create table in storage is refused');
select throws_ok($$ create table realtime.strict_probe (id int) $$, '42501', null, 'create table in realtime is refused');
select throws_ok($$ create index strict_probe_idx on auth.users (created_at) $$, '42501', null,
  'create index on auth.users is refused');
select throws_ok($$ create index strict_probe_idx on storage.objects (created_at) $$, '42501', null,
  'create index on storage.objects is refused');
select throws_ok($$ drop function storage.foldername(text) $$, '42501', null, 'drop function in storage is refused');
select throws_ok($$ drop table auth.users $$, '42501', null, 'drop table auth.users is refused');

-- GRANT on a table postgres does not own passes only what it holds with grant option (a warning, not a grant).
select lives_ok($$ grant update on auth.users to anon $$, 'grant update on auth.users runs (postgres holds no grant option)');
select ok(not has_table_privilege('anon', 'auth.users', 'update'), '... and grants nothing: anon still cannot update auth.users');
select ok(has_table_privilege('postgres', 'auth.users', 'select with grant option'),
  'postgres may pass on SELECT on auth.users (the one grant option Auth gives)');

-- What hosted allows: policies on the listed tables, triggers on auth.users and the storage tables.
select lives_ok($$ create policy strict_probe_select on storage.objects for select to authenticated
                   using (bucket_id = 'strict-probe') $$, 'create policy on storage.objects is allowed');
select lives_ok($$ alter policy strict_probe_select on storage.objects using (bucket_id = 'strict-probe-2') $$,
  'alter policy on storage.objects is allowed');
select lives_ok($$ drop policy strict_probe_select on storage.objects $$, 'drop policy on storage.objects is allowed');
select lives_ok($$ create policy strict_probe_select on auth.users for select to authenticated
                   using (id = (select auth.uid())) $$, 'create policy on auth.users is allowed');
select lives_ok($$ drop policy strict_probe_select on auth.users $$, 'drop policy on auth.users is allowed');
select throws_ok($$ create policy strict_probe_select on vault.secrets for select to authenticated using (true) $$,
  '42501', null, 'create policy on vault.secrets is refused');

create function public.strict_probe_noop() returns trigger language plpgsql set search_path = '' as
  $$ begin return new; end $$;
select lives_ok($$ create trigger strict_probe_trg after insert on auth.users
                   for each row execute function public.strict_probe_noop() $$, 'create trigger on auth.users is allowed');
select lives_ok($$ drop trigger strict_probe_trg on auth.users $$, 'drop trigger on auth.users is allowed');
select lives_ok($$ create trigger strict_probe_trg after insert on storage.objects
                   for each row execute function public.strict_probe_noop() $$, 'create trigger on storage.objects is allowed');
select lives_ok($$ drop trigger strict_probe_trg on storage.objects $$, 'drop trigger on storage.objects is allowed');

-- ---------------------------------------------------------------- cron: read-only job table
select ok(has_table_privilege('postgres', 'cron.job', 'select'), 'postgres may read cron.job');
select ok(not has_table_privilege('postgres', 'cron.job', 'insert')
          and not has_table_privilege('postgres', 'cron.job', 'update')
          and not has_table_privilege('postgres', 'cron.job', 'delete'), 'postgres may not write cron.job');
select throws_ok($$ update cron.job set schedule = '0 0 * * *' $$, '42501', null, 'update cron.job is refused');
select ok(not has_table_privilege('postgres', 'cron.job_run_details', 'trigger'),
  'postgres may not put triggers on cron.job_run_details');
select throws_ok($$ create trigger strict_probe_trg after insert on cron.job_run_details
                    for each row execute function public.strict_probe_noop() $$, '42501', null,
  'create trigger on cron.job_run_details is refused');
select lives_ok($$ select cron.schedule('strict-probe', '17 3 * * *', 'select 1') $$, 'cron.schedule works for postgres');
select is((select schedule from cron.job where jobname = 'strict-probe'), '17 3 * * *', '... and the job is there');
select lives_ok($$ select cron.unschedule('strict-probe') $$, 'cron.unschedule works for postgres');
select is((select count(*) from cron.job where jobname = 'strict-probe'), 0::bigint, '... and the job is gone');
select is((select extnamespace::regnamespace::text from pg_extension where extname = 'pg_cron'), 'pg_catalog',
  'pg_cron lives in pg_catalog');

-- ---------------------------------------------------------------- storage: delete protection, operation()
insert into storage.buckets (id, name) values ('strict-probe', 'strict-probe');
select throws_ok($$ delete from storage.buckets where id = 'strict-probe' $$, '42501',
  'Direct deletion from storage tables is not allowed. Use the Storage API instead.',
  'a direct delete from storage.buckets is refused');
select throws_ok($$ delete from storage.objects where bucket_id = 'strict-probe' $$, '42501',
  'Direct deletion from storage tables is not allowed. Use the Storage API instead.',
  'a direct delete from storage.objects is refused, even when no row matches');
select set_config('storage.allow_delete_query', 'true', true);
select lives_ok($$ delete from storage.buckets where id = 'strict-probe' $$,
  'with storage.allow_delete_query on (what the Storage API sets), the delete runs');
select set_config('storage.allow_delete_query', '', true);
select is(storage.operation(), null, 'storage.operation() is null outside the Storage API');
select set_config('storage.operation', 'storage.object.upload', true);
select is(storage.operation(), 'storage.object.upload', 'storage.operation() reads what the Storage API sets');

-- ---------------------------------------------------------------- realtime: broadcast from the database
select is((select relkind::text from pg_class where oid = 'realtime.messages'::regclass), 'p',
  'realtime.messages is partitioned');
select ok((select relrowsecurity from pg_class where oid = 'realtime.messages'::regclass), 'realtime.messages has RLS on');
select ok(exists (select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid
                  where i.inhparent = 'realtime.messages'::regclass
                    and c.relname = 'messages_' || to_char(now(), 'YYYY_MM_DD')), 'today''s partition exists');
select ok(has_function_privilege('authenticated', 'realtime.send(jsonb, text, text, boolean)', 'execute')
          and not (select prosecdef from pg_proc where oid = 'realtime.send(jsonb, text, text, boolean)'::regprocedure),
  'realtime.send(payload, event, topic, private) is callable by authenticated and runs as the caller');
select ok(not (select prosecdef from pg_proc
               where oid = 'realtime.broadcast_changes(text, text, text, text, text, record, record, text)'::regprocedure),
  'realtime.broadcast_changes(...) has hosted''s signature and runs as the caller');
select ok(has_table_privilege('authenticated', 'realtime.messages', 'insert')
          and has_table_privilege('authenticated', 'realtime.messages', 'select'),
  'authenticated may insert and read realtime.messages (RLS decides which rows)');
select lives_ok($$ select realtime.send('{"n": 1}'::jsonb, 'probe', 'strict-probe-topic', true) $$,
  'realtime.send as postgres');
select is((select count(*) from realtime.messages where topic = 'strict-probe-topic'), 1::bigint,
  '... stores one broadcast message');
select is(realtime.topic(), 'strict-probe-topic', 'realtime.topic() names the topic being sent');
set local role authenticated;
select realtime.send('{"n": 2}'::jsonb, 'probe', 'strict-probe-topic', true);
reset role;
select is((select count(*) from realtime.messages where topic = 'strict-probe-topic'), 1::bigint,
  'without an INSERT policy, an authenticated send only warns and stores nothing');
select lives_ok($$ create policy strict_probe_insert on realtime.messages for insert to authenticated
                   with check ((select realtime.topic()) = 'strict-probe-topic') $$,
  'create policy on realtime.messages is allowed');

-- ---------------------------------------------------------------- vault
select ok(exists (select 1 from pg_extension where extname = 'supabase_vault'), 'the supabase_vault extension is registered');
select ok(has_table_privilege('service_role', 'vault.secrets', 'select')
          and has_table_privilege('service_role', 'vault.secrets', 'delete')
          and has_table_privilege('service_role', 'vault.decrypted_secrets', 'select')
          and has_function_privilege('service_role', 'vault.create_secret(text, text, text, uuid)', 'execute')
          and has_function_privilege('service_role', 'vault.update_secret(uuid, text, text, text, uuid)', 'execute'),
  'service_role may read, delete, create and update vault secrets');

-- ---------------------------------------------------------------- auth: unique e-mail, identities
insert into auth.users (id, email) values ('0d000000-0000-4000-8000-0000000000a1', 'strict-probe@example.com');
select throws_ok($$ insert into auth.users (id, email) values ('0d000000-0000-4000-8000-0000000000a2', 'strict-probe@example.com') $$,
  '23505', null, 'a second account with the same e-mail is refused (users_email_partial_key)');
select lives_ok($$ insert into auth.users (id, email, is_sso_user)
                   values ('0d000000-0000-4000-8000-0000000000a3', 'strict-probe@example.com', true) $$,
  '... except for an SSO account');
select lives_ok($$ insert into auth.identities (provider_id, user_id, identity_data, provider)
                   values ('0d000000-0000-4000-8000-0000000000a1', '0d000000-0000-4000-8000-0000000000a1',
                           '{"sub": "0d000000-0000-4000-8000-0000000000a1", "email": "Strict-Probe@example.com"}', 'email') $$,
  'postgres may write auth.identities');

-- ---------------------------------------------------------------- extensions schema
select ok(has_schema_privilege('postgres', 'extensions', 'create with grant option'),
  'postgres holds every right on schema extensions, with grant option');

select * from finish();
rollback;
