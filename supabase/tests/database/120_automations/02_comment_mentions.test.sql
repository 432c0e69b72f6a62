-- @mentions: parsed into mentions / mentioned_agent_ids / mentioned_user_ids; each mentioned agent gets one
-- item, an agent mentioning itself gets none, an edit wakes only newly mentioned agents, unknown handles
-- and agents of other workspaces wake nobody.
begin;
select plan(16);

select tests.create_workspace_fixture('amen');
insert into public.agents (id, workspace_id, slug, name) values
  ('d2000000-0000-4000-8000-000000000001', tests.workspace_id('amen'), 'scout', 'Scout'),
  ('d2000000-0000-4000-8000-000000000002', tests.workspace_id('amen'), 'closer', 'Closer'),
  ('d2000000-0000-4000-8000-000000000009', tests.workspace_id('amen', 'b'), 'spy', 'Agent of B');
insert into public.tasks (id, workspace_id, title) values
  ('d2000000-0000-4000-8000-000000000011', tests.workspace_id('amen'), 'Launch plan');
insert into public.contacts (id, workspace_id, full_name) values
  ('d2000000-0000-4000-8000-000000000021', tests.workspace_id('amen'), 'Ada Lovelace');

select is(private.parse_mentions('Hi @Scout, ask @closer. Mail me@example.com, @scout again, @amen_member. (@x-y_z)'),
  array['scout', 'closer', 'amen_member', 'x-y_z'], 'handles: lowercase, distinct, in order; e-mail addresses are not mentions; trailing dot dropped');
select is(private.parse_mentions('no mentions here'), '{}'::text[], 'no handles');

select tests.authenticate_as('amen_member');
insert into public.comments (id, workspace_id, entity_type, entity_id, body) values
  ('d2000000-0000-4000-8000-000000000031', tests.workspace_id('amen'), 'task', 'd2000000-0000-4000-8000-000000000011',
   '@scout please research, @closer follow up with @amen_admin; @spy and @nobody too');
select is((select mentioned_agent_ids from public.comments where id = 'd2000000-0000-4000-8000-000000000031'),
  array['d2000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000002']::uuid[],
  'agents of the workspace resolved by slug (B''s agent and unknown handles are not)');
select is((select mentioned_user_ids from public.comments where id = 'd2000000-0000-4000-8000-000000000031'),
  array[tests.user_id('amen_admin')], 'members resolved by the local part of their e-mail');
select is((select author_user_id from public.comments where id = 'd2000000-0000-4000-8000-000000000031'), tests.user_id('amen_member'),
  'the author is the caller');
select tests.clear_authentication();

select results_eq($$ select agent_id, event_type, dedup_key from public.agent_inbox_items where workspace_id = tests.workspace_id('amen') order by dedup_key $$,
  $$ values ('d2000000-0000-4000-8000-000000000001'::uuid, 'task_comment_mention',
             'comment-mention:d2000000-0000-4000-8000-000000000031:1:d2000000-0000-4000-8000-000000000001'),
            ('d2000000-0000-4000-8000-000000000002'::uuid, 'task_comment_mention',
             'comment-mention:d2000000-0000-4000-8000-000000000031:1:d2000000-0000-4000-8000-000000000002') $$,
  'one item per mentioned agent of the workspace');
select is((select count(*)::int from public.agent_inbox_items where workspace_id in (tests.workspace_id('amen'), tests.workspace_id('amen', 'b')) and agent_id = 'd2000000-0000-4000-8000-000000000009'), 0,
  'an agent of another workspace is never woken');

-- An agent mentioning itself (and another agent): only the other one.
select tests.authenticate_as_service_role();
insert into public.comments (id, workspace_id, entity_type, entity_id, body, author_agent_id) values
  ('d2000000-0000-4000-8000-000000000032', tests.workspace_id('amen'), 'contact', 'd2000000-0000-4000-8000-000000000021',
   'Note to self @scout: hand over to @closer', 'd2000000-0000-4000-8000-000000000001');
select tests.clear_authentication();
select results_eq($$ select agent_id, event_type from public.agent_inbox_items
                     where context ->> 'comment_id' = 'd2000000-0000-4000-8000-000000000032' $$,
  $$ values ('d2000000-0000-4000-8000-000000000002'::uuid, 'contact_comment_mention') $$,
  'the author agent is skipped; the other agent gets a contact_comment_mention');

-- Edit: only newly mentioned agents are woken; removing a mention wakes nobody.
select tests.authenticate_as('amen_member');
update public.comments set body = '@scout please research, @closer follow up' where id = 'd2000000-0000-4000-8000-000000000031';
select tests.clear_authentication();
select is((select count(*)::int from public.agent_inbox_items where workspace_id = tests.workspace_id('amen')), 3, 'an edit that only keeps or drops mentions enqueues nothing');
select tests.authenticate_as('amen_member');
update public.comments set body = 'just @closer now' where id = 'd2000000-0000-4000-8000-000000000031';
update public.comments set body = 'back to @closer and @scout' where id = 'd2000000-0000-4000-8000-000000000031';
select tests.clear_authentication();
select is((select array_agg(dedup_key order by dedup_key) from public.agent_inbox_items
           where context ->> 'comment_id' = 'd2000000-0000-4000-8000-000000000031' and (context ->> 'revision')::int > 1),
  array['comment-mention:d2000000-0000-4000-8000-000000000031:4:d2000000-0000-4000-8000-000000000001'],
  'an agent mentioned again in a later revision is a new event, keyed by that revision');

-- Updates that do not change the body change nothing (no revision, no item).
select tests.authenticate_as('amen_member');
update public.comments set body = body where id = 'd2000000-0000-4000-8000-000000000031';
select tests.clear_authentication();
select is((select revision from public.comments where id = 'd2000000-0000-4000-8000-000000000031'), 4, 'same body: same revision');
select is((select count(*)::int from public.agent_inbox_items where workspace_id = tests.workspace_id('amen')), 4, 'and no item');

-- Comments must be on an entity of their workspace.
select tests.authenticate_as('amen_member');
select throws_ok($$ insert into public.comments (workspace_id, entity_type, entity_id, body)
  values (tests.workspace_id('amen'), 'task', 'd2000000-0000-4000-8000-000000000021', 'wrong type') $$,
  '23503', format('entity_id: task d2000000-0000-4000-8000-000000000021 is not in workspace %s', tests.workspace_id('amen')),
  'a contact id given as a task is refused');
select tests.clear_authentication();
insert into public.tasks (id, workspace_id, title) values ('d2000000-0000-4000-8000-000000000019', tests.workspace_id('amen', 'b'), 'B task');
select tests.authenticate_as('amen_member');
select throws_ok($$ insert into public.comments (workspace_id, entity_type, entity_id, body)
  values (tests.workspace_id('amen'), 'task', 'd2000000-0000-4000-8000-000000000019', 'cross-workspace @scout') $$,
  '23503', format('entity_id: task d2000000-0000-4000-8000-000000000019 is not in workspace %s', tests.workspace_id('amen')),
  'a comment on another workspace''s task is refused');
select tests.authenticate_as('amen_outsider');
select throws_ok($$ insert into public.comments (workspace_id, entity_type, entity_id, body)
  values (tests.workspace_id('amen', 'b'), 'task', 'd2000000-0000-4000-8000-000000000011', 'from B onto A''s task') $$,
  '23503', format('entity_id: task d2000000-0000-4000-8000-000000000011 is not in workspace %s', tests.workspace_id('amen', 'b')),
  'the outsider cannot comment on A''s task from its own workspace');
select tests.clear_authentication();
select is((select count(*)::int from public.agent_inbox_items where workspace_id = tests.workspace_id('amen')), 4, 'refused comments woke nobody');

select * from finish();
rollback;
