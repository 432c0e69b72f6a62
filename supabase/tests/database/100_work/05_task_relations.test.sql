-- Task relations: "blocks" never forms a cycle (direct or through other tasks), tasks must share the
-- relation's workspace, a task cannot relate to itself; relates_to / duplicate_of have no cycle rule.
begin;
select plan(9);

select tests.create_workspace_fixture('wrel');
insert into public.tasks (id, workspace_id, title) values
  ('b3000000-0000-4000-8000-000000000001', tests.workspace_id('wrel'), 'A'),
  ('b3000000-0000-4000-8000-000000000002', tests.workspace_id('wrel'), 'B'),
  ('b3000000-0000-4000-8000-000000000003', tests.workspace_id('wrel'), 'C'),
  ('b3000000-0000-4000-8000-000000000009', tests.workspace_id('wrel', 'b'), 'Other workspace');

select tests.authenticate_as('wrel_member');
select lives_ok($$ insert into public.task_relations (workspace_id, from_task_id, to_task_id, relation_type) values
  (tests.workspace_id('wrel'), 'b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002', 'blocks'),
  (tests.workspace_id('wrel'), 'b3000000-0000-4000-8000-000000000002', 'b3000000-0000-4000-8000-000000000003', 'blocks') $$,
  'A blocks B, B blocks C');
select throws_ok($$ insert into public.task_relations (workspace_id, from_task_id, to_task_id, relation_type) values
  (tests.workspace_id('wrel'), 'b3000000-0000-4000-8000-000000000003', 'b3000000-0000-4000-8000-000000000001', 'blocks') $$,
  '23514', 'to_task_id: task b3000000-0000-4000-8000-000000000001 already blocks task b3000000-0000-4000-8000-000000000003 (directly or through others); "blocks" cannot form a cycle',
  'C blocks A would close A -> B -> C -> A');
select throws_ok($$ insert into public.task_relations (workspace_id, from_task_id, to_task_id, relation_type) values
  (tests.workspace_id('wrel'), 'b3000000-0000-4000-8000-000000000002', 'b3000000-0000-4000-8000-000000000001', 'blocks') $$,
  '23514', null, 'B blocks A would close a direct cycle');
select lives_ok($$ insert into public.task_relations (workspace_id, from_task_id, to_task_id, relation_type) values
  (tests.workspace_id('wrel'), 'b3000000-0000-4000-8000-000000000003', 'b3000000-0000-4000-8000-000000000001', 'relates_to') $$,
  'relates_to may point back');
select throws_ok($$ insert into public.task_relations (workspace_id, from_task_id, to_task_id, relation_type) values
  (tests.workspace_id('wrel'), 'b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000001', 'duplicate_of') $$,
  '23514', 'to_task_id: a task cannot relate to itself', 'no self relation');
select throws_ok($$ insert into public.task_relations (workspace_id, from_task_id, to_task_id, relation_type) values
  (tests.workspace_id('wrel'), 'b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000009', 'blocks') $$,
  '23503', format('to_task_id: task b3000000-0000-4000-8000-000000000009 is not in workspace %s', tests.workspace_id('wrel')),
  'a task of another workspace cannot be related');
select throws_ok($$ insert into public.task_relations (workspace_id, from_task_id, to_task_id, relation_type) values
  (tests.workspace_id('wrel'), 'b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002', 'blocks') $$,
  '23505', null, 'the same relation twice is a duplicate');
select is((select count(*)::int from public.task_relations), 3, 'only the legal relations were written');
-- Deleting a task removes its relations.
delete from public.tasks where id = 'b3000000-0000-4000-8000-000000000002';
select is((select count(*)::int from public.task_relations), 1, 'relations of a deleted task are gone');
select tests.clear_authentication();

select * from finish();
rollback;
