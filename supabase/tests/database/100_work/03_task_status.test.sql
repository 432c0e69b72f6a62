-- Task status graph and completed_at: legal moves pass, illegal ones raise 55000 naming the column and
-- both values; completed_at is set exactly while the task is done, whatever a client writes.
begin;
select plan(22);

select tests.create_workspace_fixture('wsts');
insert into public.tasks (id, workspace_id, title) values
  ('b1000000-0000-4000-8000-000000000001', tests.workspace_id('wsts'), 'Status walk');

select tests.authenticate_as('wsts_member');

select is((select status::text from public.tasks where id = 'b1000000-0000-4000-8000-000000000001'), 'todo', 'new tasks start in todo');
select is((select completed_at from public.tasks where id = 'b1000000-0000-4000-8000-000000000001'), null, 'no completed_at in todo');

update public.tasks set status = 'in_progress' where id = 'b1000000-0000-4000-8000-000000000001';
update public.tasks set status = 'blocked' where id = 'b1000000-0000-4000-8000-000000000001';
select throws_ok($$ update public.tasks set status = 'done' where id = 'b1000000-0000-4000-8000-000000000001' $$,
  '55000', 'status: illegal transition from blocked to done (allowed from blocked: todo, in_progress, cancelled, missed)',
  'blocked -> done is refused (unblock first)');
select is((select status::text from public.tasks where id = 'b1000000-0000-4000-8000-000000000001'), 'blocked', 'the refused move wrote nothing');

update public.tasks set status = 'in_progress' where id = 'b1000000-0000-4000-8000-000000000001';
update public.tasks set status = 'done' where id = 'b1000000-0000-4000-8000-000000000001';
select isnt((select completed_at from public.tasks where id = 'b1000000-0000-4000-8000-000000000001'), null, 'done sets completed_at');
select ok((select completed_at <= now() from public.tasks where id = 'b1000000-0000-4000-8000-000000000001'), 'completed_at is the transition time');

-- A client cannot move completed_at while the status stays.
update public.tasks set completed_at = '2000-01-01' where id = 'b1000000-0000-4000-8000-000000000001';
select isnt((select completed_at from public.tasks where id = 'b1000000-0000-4000-8000-000000000001'), '2000-01-01'::timestamptz,
  'completed_at follows the status, not the client');
update public.tasks set completed_at = null where id = 'b1000000-0000-4000-8000-000000000001';
select isnt((select completed_at from public.tasks where id = 'b1000000-0000-4000-8000-000000000001'), null,
  'completed_at cannot be cleared while done');

select throws_ok($$ update public.tasks set status = 'blocked' where id = 'b1000000-0000-4000-8000-000000000001' $$,
  '55000', 'status: illegal transition from done to blocked (allowed from done: todo, in_progress)', 'done -> blocked is refused');
select throws_ok($$ update public.tasks set status = 'missed' where id = 'b1000000-0000-4000-8000-000000000001' $$,
  '55000', null, 'done -> missed is refused');

-- Reopen clears completed_at.
update public.tasks set status = 'in_progress' where id = 'b1000000-0000-4000-8000-000000000001';
select is((select completed_at from public.tasks where id = 'b1000000-0000-4000-8000-000000000001'), null, 'reopening clears completed_at');

update public.tasks set status = 'cancelled' where id = 'b1000000-0000-4000-8000-000000000001';
select is((select completed_at from public.tasks where id = 'b1000000-0000-4000-8000-000000000001'), null, 'cancelled is not completed');
select throws_ok($$ update public.tasks set status = 'in_progress' where id = 'b1000000-0000-4000-8000-000000000001' $$,
  '55000', 'status: illegal transition from cancelled to in_progress (allowed from cancelled: todo)', 'cancelled only reopens to todo');
update public.tasks set status = 'todo' where id = 'b1000000-0000-4000-8000-000000000001';
update public.tasks set status = 'missed' where id = 'b1000000-0000-4000-8000-000000000001';
select throws_ok($$ update public.tasks set status = 'in_progress' where id = 'b1000000-0000-4000-8000-000000000001' $$,
  '55000', 'status: illegal transition from missed to in_progress (allowed from missed: todo, done, cancelled)', 'missed -> in_progress is refused');
update public.tasks set status = 'done' where id = 'b1000000-0000-4000-8000-000000000001';
select is((select status::text from public.tasks where id = 'b1000000-0000-4000-8000-000000000001'), 'done', 'a missed task can still be done late');

-- Same-status updates are no-ops for the graph.
select lives_ok($$ update public.tasks set status = 'done', title = 'Status walk (done)' where id = 'b1000000-0000-4000-8000-000000000001' $$,
  'an update that keeps the status is not a transition');

-- Insert straight into done: completed_at filled; into todo with a completed_at: cleared.
insert into public.tasks (id, workspace_id, title, status) values
  ('b1000000-0000-4000-8000-000000000002', tests.workspace_id('wsts'), 'Already done', 'done');
select isnt((select completed_at from public.tasks where id = 'b1000000-0000-4000-8000-000000000002'), null, 'insert as done sets completed_at');
insert into public.tasks (id, workspace_id, title, completed_at) values
  ('b1000000-0000-4000-8000-000000000003', tests.workspace_id('wsts'), 'Not done', now());
select is((select completed_at from public.tasks where id = 'b1000000-0000-4000-8000-000000000003'), null, 'insert as todo ignores completed_at');

select tests.clear_authentication();
-- The check constraint backs the trigger up (for the table owner too, who could disable triggers).
select throws_ok($$ alter table public.tasks disable trigger tasks_before_write;
                    update public.tasks set completed_at = null where id = 'b1000000-0000-4000-8000-000000000002' $$,
  '23514', null, 'tasks_completed_at_check: done without completed_at is impossible');
select col_has_check('public', 'tasks', array['status', 'completed_at'], 'completed_at/status check constraint exists');
select is(private.task_status_next('todo'), array['in_progress', 'blocked', 'done', 'cancelled', 'missed']::public.task_status[], 'graph from todo');
select is(private.task_status_next('in_progress'), array['todo', 'blocked', 'done', 'cancelled', 'missed']::public.task_status[], 'graph from in_progress');

select * from finish();
rollback;
