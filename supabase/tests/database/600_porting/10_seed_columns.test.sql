-- Porting: columns the replaced systems keep: knowledge entries' external vector id, the sender's name
-- at send time on messages, sessions' auto commit/push override.
begin;
select plan(13);

select tests.create_workspace_fixture('pc');
create temp table pc_fx (k text primary key, id uuid) on commit drop;
grant all on pc_fx to public;
insert into pc_fx values ('agent', tests.create_agent_fixture(tests.workspace_id('pc'), 'pc-agent'));

-- Knowledge: the old store's id, unique per workspace.
insert into public.knowledge_entries (workspace_id, content, external_vector_id) values (tests.workspace_id('pc'), 'Likes tea', 'vec_1');
select is((select external_vector_id from public.knowledge_entries where workspace_id = tests.workspace_id('pc')), 'vec_1', 'external vector id kept');
select throws_ok($$ insert into public.knowledge_entries (workspace_id, content, external_vector_id) values (tests.workspace_id('pc'), 'Again', 'vec_1') $$,
  '23505', null, 'one entry per external vector id in a workspace');
select lives_ok($$ insert into public.knowledge_entries (workspace_id, content, external_vector_id) values (tests.workspace_id('pc', 'b'), 'Elsewhere', 'vec_1') $$,
  'the same id in another workspace');
select throws_ok($$ insert into public.knowledge_entries (workspace_id, content, external_vector_id) values (tests.workspace_id('pc'), 'Empty', '') $$,
  '23514', null, 'empty id refused');

-- Messages: the name at send time.
update public.profiles set display_name = 'Mia Member' where id = tests.user_id('pc_member');
with t as (insert into public.threads (workspace_id, kind, title) values (tests.workspace_id('pc'), 'channel', 'general') returning id)
insert into pc_fx select 'thread', id from t;
select tests.authenticate_as('pc_member');
insert into public.messages (workspace_id, thread_id, sender_type, content)
values (tests.workspace_id('pc'), (select id from pc_fx where k = 'thread'), 'user', 'hello');
select tests.assert_denied($$ insert into public.messages (workspace_id, thread_id, sender_type, content, sender_display_name)
  values (tests.workspace_id('pc'), (select id from pc_fx where k = 'thread'), 'user', 'spoof', 'The CEO') $$,
  'members cannot choose the name recorded');
select tests.clear_authentication();
select tests.authenticate_as_service_role();
insert into public.messages (workspace_id, thread_id, sender_type, sender_agent_id, content)
values (tests.workspace_id('pc'), (select id from pc_fx where k = 'thread'), 'agent', (select id from pc_fx where k = 'agent'), 'hi Mia');
insert into public.messages (workspace_id, thread_id, sender_type, content, sender_display_name)
values (tests.workspace_id('pc'), (select id from pc_fx where k = 'thread'), 'system', 'imported', 'Old Bot');
select tests.clear_authentication();
update public.profiles set display_name = 'Mia Renamed' where id = tests.user_id('pc_member');
update public.agents set name = 'Renamed Agent' where id = (select id from pc_fx where k = 'agent');
select is((select sender_display_name from public.messages where thread_id = (select id from pc_fx where k = 'thread') and content = 'hello'),
  'Mia Member', 'a member''s message keeps the name they had');
select is((select sender_display_name from public.messages where thread_id = (select id from pc_fx where k = 'thread') and content = 'hi Mia'),
  'Pc Agent', 'an agent''s message keeps the agent''s name at send time');
select is((select sender_display_name from public.messages where thread_id = (select id from pc_fx where k = 'thread') and content = 'imported'),
  'Old Bot', 'an importer (service_role) may record the historical name');
select tests.authenticate_as('pc_member');
select tests.assert_denied($$ update public.messages set sender_display_name = 'x' where content = 'hello' $$, 'nobody rewrites it through the API');
select tests.clear_authentication();

-- Sessions: auto commit/push override, null = default.
insert into public.agent_sessions (workspace_id, owner_id, title) values (tests.workspace_id('pc'), tests.user_id('pc_member'), 'Fix login');
select is((select auto_commit_push_override from public.agent_sessions where title = 'Fix login' and workspace_id = tests.workspace_id('pc')),
  null::boolean, 'null follows the default');
select tests.authenticate_as('pc_member');
select lives_ok($$ update public.agent_sessions set auto_commit_push_override = false where title = 'Fix login' $$, 'a member switches it off');
select tests.clear_authentication();
select is((select auto_commit_push_override from public.agent_sessions where title = 'Fix login' and workspace_id = tests.workspace_id('pc')),
  false, 'stored');
select ok((select global_skill_refs = '[]'::jsonb from public.agent_sessions where title = 'Fix login' and workspace_id = tests.workspace_id('pc')),
  'global_skill_refs kept as a column (empty by default)');

select * from finish();
rollback;
