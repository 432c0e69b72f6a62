-- Gateways: Direct writes: constraints.
-- Fixture: tests.create_gateways_fixture() (000_helpers.test.sql).
begin;
select plan(8);

select tests.create_gateways_fixture();

select throws_ok(
  $$ insert into public.gateways (workspace_id, slug) values ('b0000000-0000-4000-8000-000000000001', 'edge') $$,
  '23505', 'duplicate key value violates unique constraint "gateways_workspace_id_slug_key"',
  'gateway slug is unique per workspace');
select lives_ok(
  $$ insert into public.gateways (workspace_id, slug) values ('b0000000-0000-4000-8000-000000000002', 'edge') $$,
  'the same gateway slug is allowed in another workspace');
select throws_ok(
  $$ insert into public.gateways (workspace_id, slug, url) values ('b0000000-0000-4000-8000-000000000001', 'ftp', 'ftp://x') $$,
  '23514', 'new row for relation "gateways" violates check constraint "gateways_url_check"', 'gateway url must be http(s)');
select throws_ok(
  $$ insert into public.gateways (workspace_id, slug, status) values ('b0000000-0000-4000-8000-000000000001', 'st', 'asleep') $$,
  '22P02', 'invalid input value for enum gateway_status: "asleep"', 'gateway status is an enum');
select throws_ok(
  $$ update public.gateways set workspace_id = 'b0000000-0000-4000-8000-000000000002'
     where id = 'b3000000-0000-4000-8000-000000000001' $$,
  '22023', 'gateways: workspace_id cannot be changed', 'a gateway cannot move to another workspace');
select is((select count(*)::int from public.gateways where workspace_id = 'b0000000-0000-4000-8000-000000000001'), 1,
  'rejected gateway writes left G1 with its one gateway');
select is((select status::text from public.gateways where id = 'b3000000-0000-4000-8000-000000000001'), 'offline',
  'a new gateway starts offline');
select is(
  (select count(*)::int from public.gateways where labels @> array['gpu']), 1, 'gateways can be found by label');

select * from finish();
rollback;
