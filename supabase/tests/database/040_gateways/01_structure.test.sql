-- Gateways: Structure.
-- Fixture: tests.create_gateways_fixture() (000_helpers.test.sql).
begin;
select plan(7);

select tests.create_gateways_fixture();

select has_table('public', 'gateways', 'gateways exists');
select has_table('public', 'gateway_registration_tokens', 'gateway_registration_tokens exists');
select enum_has_labels('public', 'gateway_status',
  array['provisioning', 'online', 'degraded', 'offline', 'error', 'disabled'], 'gateway_status enum');
select is(
  array(select c from unnest(array['id', 'workspace_id', 'slug', 'label', 'status', 'last_seen_at', 'labels', 'url',
    'meta', 'created_at', 'updated_at']) c
    where not exists (select 1 from information_schema.columns ic
                      where ic.table_schema = 'public' and ic.table_name = 'gateways' and ic.column_name = c)),
  '{}'::text[], 'gateways has slug, label, status, heartbeat, labels, url, meta');
select hasnt_column('public', 'gateway_registration_tokens', 'token_hash',
  'the public tokens table holds no hash column');
select hasnt_column('public', 'gateway_registration_tokens', 'token',
  'the public tokens table holds no plaintext column');
select is(
  (select count(*)::int from pg_class c where c.relnamespace = 'public'::regnamespace and c.relrowsecurity
     and c.relname in ('gateways', 'gateway_registration_tokens')),
  2, 'RLS is enabled on gateways and gateway_registration_tokens');

select * from finish();
rollback;
