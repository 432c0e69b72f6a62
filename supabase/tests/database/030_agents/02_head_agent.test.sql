-- Agents: Head agent: at most one per workspace.
-- Fixture: tests.create_agents_fixture() (000_helpers.test.sql).
begin;
select plan(6);

select tests.create_agents_fixture();

select throws_ok(
  $$ insert into public.agents (workspace_id, slug, name, is_head)
     values ('a0000000-0000-4000-8000-000000000001', 'second-head', 'Second', true) $$,
  '23505', 'is_head: workspace a0000000-0000-4000-8000-000000000001 already has a head agent (chief)',
  'a second head agent in a workspace is rejected');
select is((select count(*)::int from public.agents where slug = 'second-head'), 0,
  'the rejected second head was not written');
select throws_ok(
  $$ update public.agents set is_head = true where id = 'a1000000-0000-4000-8000-000000000002' $$,
  '23505', 'is_head: workspace a0000000-0000-4000-8000-000000000001 already has a head agent (chief)',
  'promoting a second head by update is rejected');
select is(
  (select array_agg(slug order by slug) from public.agents
   where workspace_id = 'a0000000-0000-4000-8000-000000000001' and is_head),
  array['chief'], 'W1 still has exactly one head (chief)');
select lives_ok(
  $$ update public.agents set is_head = true where id = 'a2000000-0000-4000-8000-000000000001' $$,
  'another workspace may have its own head');
-- The unique index itself holds even when the trigger is bypassed (e.g. a race).
alter table public.agents disable trigger agents_before_write;
select throws_ok(
  $$ update public.agents set is_head = true where id = 'a1000000-0000-4000-8000-000000000003' $$,
  '23505', 'duplicate key value violates unique constraint "agents_one_head_per_workspace_idx"',
  'the partial unique index enforces one head even without the trigger');
alter table public.agents enable trigger agents_before_write;

select * from finish();
rollback;
