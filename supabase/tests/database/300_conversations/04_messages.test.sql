-- Messages: per-thread sequence numbers, workspace taken from the thread, cross-workspace refusal,
-- parts validation, edits kept as revisions, replies inside the thread, external-ref dedup.
begin;
select plan(28);

select tests.create_workspace_fixture('cvm');
select tests.create_agent_fixture(tests.workspace_id('cvm'), 'cvm-agent');
insert into public.threads (id, workspace_id, kind) values
  ('c9000000-0000-4000-8000-000000000001', tests.workspace_id('cvm'), 'channel'),
  ('c9000000-0000-4000-8000-000000000002', tests.workspace_id('cvm'), 'channel'),
  ('c9000000-0000-4000-8000-000000000003', tests.workspace_id('cvm', 'b'), 'channel');

select tests.authenticate_as('cvm_member');
insert into public.messages (id, thread_id, sender_type, content, parts) values
  ('ca000000-0000-4000-8000-000000000001', 'c9000000-0000-4000-8000-000000000001', 'user', 'one', '[{"type": "text", "text": "one"}]');
insert into public.messages (thread_id, sender_type, content) values ('c9000000-0000-4000-8000-000000000001', 'user', 'two');
insert into public.messages (thread_id, sender_type, content) values ('c9000000-0000-4000-8000-000000000002', 'user', 'other thread');
select results_eq($$ select seq from public.messages where thread_id = 'c9000000-0000-4000-8000-000000000001' order by seq $$,
  array[1::bigint, 2], 'sequence numbers count 1, 2 in a thread');
select is((select seq from public.messages where thread_id = 'c9000000-0000-4000-8000-000000000002'), 1::bigint, 'each thread counts on its own');
select is((select last_seq from public.threads where id = 'c9000000-0000-4000-8000-000000000001'), 2::bigint, 'the thread''s last_seq follows');
select isnt((select last_message_at from public.threads where id = 'c9000000-0000-4000-8000-000000000001'), null, 'last_message_at is set');
select is((select workspace_id from public.messages where id = 'ca000000-0000-4000-8000-000000000001'), tests.workspace_id('cvm'), 'workspace_id is taken from the thread');
select is((select sender_user_id from public.messages where id = 'ca000000-0000-4000-8000-000000000001'), tests.user_id('cvm_member'), 'sender_user_id defaults to the caller');
select tests.assert_denied($$ insert into public.messages (thread_id, sender_type, content, seq) values ('c9000000-0000-4000-8000-000000000001', 'user', 'seq forged', 99) $$,
  'signed-in users cannot write seq');
select tests.authenticate_as_service_role();
select lives_ok($$ insert into public.messages (thread_id, sender_type, content, seq) values ('c9000000-0000-4000-8000-000000000001', 'system', 'seq forged', 99) $$,
  'a seq supplied by service_role is ignored');
select tests.authenticate_as('cvm_member');
select is((select max(seq) from public.messages where thread_id = 'c9000000-0000-4000-8000-000000000001'), 3::bigint, 'the database assigned 3, not 99');

-- Another workspace's thread: refused with a message naming it, nothing written.
select throws_ok($$ insert into public.messages (workspace_id, thread_id, sender_type, content) values (tests.workspace_id('cvm'), 'c9000000-0000-4000-8000-000000000003', 'user', 'x') $$,
  '23503', 'thread_id c9000000-0000-4000-8000-000000000003 belongs to another workspace than workspace_id ' || tests.workspace_id('cvm'),
  'posting into a thread of another workspace is refused');
select throws_ok($$ insert into public.messages (thread_id, sender_type, content) values ('c9000000-0000-4000-8000-000000000003', 'user', 'x') $$,
  '42501', null, 'without workspace_id the thread''s workspace is taken, and RLS refuses the outsider thread');
select throws_ok($$ insert into public.messages (thread_id, sender_type, content) values ('c9000000-0000-4000-8000-0000000000ff', 'user', 'x') $$,
  '23503', 'thread_id c9000000-0000-4000-8000-0000000000ff does not exist', 'an unknown thread is named');
select tests.clear_authentication();
select is((select last_seq from public.threads where id = 'c9000000-0000-4000-8000-000000000003'), 0::bigint, 'the refused posts left the other thread untouched');
select tests.authenticate_as('cvm_member');

-- Malformed parts.
select throws_ok($$ insert into public.messages (thread_id, sender_type, parts) values ('c9000000-0000-4000-8000-000000000001', 'user', '{"type": "text"}') $$,
  '22023', 'parts must be a JSON array (got object)', 'parts must be an array');
select throws_ok($$ insert into public.messages (thread_id, sender_type, parts) values ('c9000000-0000-4000-8000-000000000001', 'user', '["text"]') $$,
  '22023', 'parts[0] must be an object (got string)', 'each part must be an object');
select throws_ok($$ insert into public.messages (thread_id, sender_type, parts) values ('c9000000-0000-4000-8000-000000000001', 'user', '[{"type": "text", "text": "ok"}, {"kind": "x"}]') $$,
  '22023', 'parts[1].type must be a lowercase identifier string (got nothing)', 'each part needs a type');
select throws_ok($$ insert into public.messages (thread_id, sender_type, parts) values ('c9000000-0000-4000-8000-000000000001', 'user', '[{"type": "text", "text": 5}]') $$,
  '22023', 'parts[0] of type text must carry a string "text"', 'a text part carries a string');
select lives_ok($$ insert into public.messages (thread_id, sender_type, parts) values ('c9000000-0000-4000-8000-000000000001', 'user',
  '[{"type": "text", "text": "hi"}, {"type": "tool-invocation", "toolName": "search", "args": {}}, {"type": "file", "url": "x"}]') $$,
  'typed parts (text, tool invocation, file) are accepted');
select is((select last_seq from public.threads where id = 'c9000000-0000-4000-8000-000000000001'), 4::bigint, 'refused inserts consumed no sequence number');

-- Edits keep the previous version.
update public.messages set content = 'one (edited)', parts = '[{"type": "text", "text": "one (edited)"}]' where id = 'ca000000-0000-4000-8000-000000000001';
select is((select revision from public.messages where id = 'ca000000-0000-4000-8000-000000000001'), 2, 'an edit bumps the revision');
select isnt((select edited_at from public.messages where id = 'ca000000-0000-4000-8000-000000000001'), null, 'an edit sets edited_at');
select is((select content from public.message_revisions where message_id = 'ca000000-0000-4000-8000-000000000001' and revision = 1), 'one',
  'the previous content is kept as revision 1');
select throws_ok($$ update public.messages set parts = '[1]' where id = 'ca000000-0000-4000-8000-000000000001' $$,
  '22023', 'parts[0] must be an object (got number)', 'an edit is validated too');
update public.messages set deleted_at = now() where id = 'ca000000-0000-4000-8000-000000000001';
select throws_ok($$ update public.messages set content = 'resurrect' where id = 'ca000000-0000-4000-8000-000000000001' $$,
  '55000', 'messages: message ca000000-0000-4000-8000-000000000001 is deleted and cannot be edited', 'a deleted message cannot be edited');

-- Replies stay in the thread.
select throws_ok($$ insert into public.messages (thread_id, sender_type, content, reply_to_id) values ('c9000000-0000-4000-8000-000000000002', 'user', 'x', 'ca000000-0000-4000-8000-000000000001') $$,
  '23503', null, 'a reply to a message of another thread is refused');
select lives_ok($$ insert into public.messages (thread_id, sender_type, content, reply_to_id) values ('c9000000-0000-4000-8000-000000000001', 'user', 'reply', 'ca000000-0000-4000-8000-000000000001') $$,
  'a reply inside the thread is accepted');

-- Inbound webhooks delivered twice store the message once.
select tests.authenticate_as_service_role();
insert into public.messages (thread_id, sender_type, content, external_ref) values ('c9000000-0000-4000-8000-000000000002', 'system', 'in', 'wamid.1');
select throws_ok($$ insert into public.messages (thread_id, sender_type, content, external_ref) values ('c9000000-0000-4000-8000-000000000002', 'system', 'in', 'wamid.1') $$,
  '23505', null, 'the same external message is stored once per thread');
select is((select last_assistant_message_at from public.threads where id = 'c9000000-0000-4000-8000-000000000002'), null, 'system messages do not set last_assistant_message_at');

select * from finish();
rollback;
