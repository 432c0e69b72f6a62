-- Comment edits keep the previous bodies (append-only comment_revisions), bump revision and edited_at;
-- the thread, entity and author never change; deleting an entity removes its comments.
begin;
select plan(12);

select tests.create_workspace_fixture('ahis');
insert into public.tasks (id, workspace_id, title) values ('d3000000-0000-4000-8000-000000000001', tests.workspace_id('ahis'), 'History');
insert into public.tasks (id, workspace_id, title) values ('d3000000-0000-4000-8000-000000000002', tests.workspace_id('ahis'), 'Other');

select tests.authenticate_as('ahis_member');
insert into public.comments (id, workspace_id, entity_type, entity_id, body) values
  ('d3000000-0000-4000-8000-000000000011', tests.workspace_id('ahis'), 'task', 'd3000000-0000-4000-8000-000000000001', 'v1 @ahis_admin');
update public.comments set body = 'v2' where id = 'd3000000-0000-4000-8000-000000000011';
update public.comments set body = 'v3' where id = 'd3000000-0000-4000-8000-000000000011';

select results_eq($$ select revision, body, mentions from public.comment_revisions where comment_id = 'd3000000-0000-4000-8000-000000000011' order by revision $$,
  $$ values (1, 'v1 @ahis_admin', array['ahis_admin']), (2, 'v2', '{}'::text[]) $$, 'each edit keeps the replaced body and its mentions');
select is((select revision from public.comments where id = 'd3000000-0000-4000-8000-000000000011'), 3, 'revision counts edits');
select isnt((select edited_at from public.comments where id = 'd3000000-0000-4000-8000-000000000011'), null, 'edited_at is set');
select is((select edited_by from public.comment_revisions where comment_id = 'd3000000-0000-4000-8000-000000000011' and revision = 1),
  tests.user_id('ahis_member'), 'the revision records who edited');
select is((select mentions from public.comments where id = 'd3000000-0000-4000-8000-000000000011'), '{}'::text[], 'mentions follow the current body');

select throws_ok($$ update public.comments set entity_id = 'd3000000-0000-4000-8000-000000000002' where id = 'd3000000-0000-4000-8000-000000000011' $$,
  '22023', 'comments: workspace_id, entity_type, entity_id and parent_id cannot be changed', 'a comment cannot move to another task');
update public.comments set revision = 1, body = 'v4' where id = 'd3000000-0000-4000-8000-000000000011';
select is((select array_agg(revision order by revision) from public.comment_revisions where comment_id = 'd3000000-0000-4000-8000-000000000011'),
  array[1, 2, 3], 'revision is the database''s: a forged revision number neither rewinds the counter nor overwrites history');
select tests.clear_authentication();

-- History is append-only, even for the owner connection through the API roles.
select tests.authenticate_as_service_role();
select tests.assert_denied($$ update public.comment_revisions set body = 'rewritten' $$, 'service_role cannot rewrite comment_revisions');
select tests.assert_denied($$ delete from public.comment_revisions $$, 'service_role cannot delete comment_revisions');
select tests.clear_authentication();
select throws_ok($$ update public.comment_revisions set body = 'rewritten' $$, '42501', 'comment_revisions is append-only: UPDATE is not allowed',
  'the trigger refuses updates even where grants allow them');

-- Replies stay on the same entity; deleting the task removes its comments and history.
select tests.authenticate_as('ahis_member');
select throws_ok($$ insert into public.comments (workspace_id, entity_type, entity_id, parent_id, body)
  values (tests.workspace_id('ahis'), 'task', 'd3000000-0000-4000-8000-000000000002', 'd3000000-0000-4000-8000-000000000011', 'reply elsewhere') $$,
  '23503', null, 'a reply must be on its parent''s entity');
delete from public.tasks where id = 'd3000000-0000-4000-8000-000000000001';
select tests.clear_authentication();
select is((select count(*)::int from public.comments c full join public.comment_revisions r on false
           where coalesce(c.workspace_id, r.workspace_id) = tests.workspace_id('ahis')), 0, 'comments and their history go with the task');

select * from finish();
rollback;
