-- RLS for threads, thread_participants, messages, message_revisions, thread_reads: every role x operation.
-- Fixture key cvr: workspace a (owner, admin, member, viewer), workspace b (the outsider's).
begin;
select plan(144);

create function pg_temp.affected(p_sql text) returns integer language plpgsql as $$
declare n integer; begin execute p_sql; get diagnostics n = row_count; return n; end $$;

select tests.create_workspace_fixture('cvr');
select tests.create_agent_fixture(tests.workspace_id('cvr'), 'cvr-agent');
insert into public.threads (id, workspace_id, kind, title) values
  ('c1000000-0000-4000-8000-000000000001', tests.workspace_id('cvr'), 'channel', 'A general'),
  ('c1000000-0000-4000-8000-000000000002', tests.workspace_id('cvr', 'b'), 'channel', 'B general'),
  ('c1000000-0000-4000-8000-000000000003', tests.workspace_id('cvr'), 'channel', 'A delete by admin'),
  ('c1000000-0000-4000-8000-000000000004', tests.workspace_id('cvr'), 'channel', 'A delete by owner'),
  ('c1000000-0000-4000-8000-000000000005', tests.workspace_id('cvr'), 'channel', 'A delete by service');
insert into public.thread_participants (id, workspace_id, thread_id, user_id) values
  ('c2000000-0000-4000-8000-000000000001', tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', tests.user_id('cvr_viewer')),
  ('c2000000-0000-4000-8000-000000000002', tests.workspace_id('cvr', 'b'), 'c1000000-0000-4000-8000-000000000002', tests.user_id('cvr_outsider'));
insert into public.messages (id, thread_id, sender_type, sender_user_id, content) values
  ('c3000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000001', 'user', tests.user_id('cvr_member'), 'hello from member'),
  ('c3000000-0000-4000-8000-000000000002', 'c1000000-0000-4000-8000-000000000001', 'user', tests.user_id('cvr_admin'), 'hello from admin'),
  ('c3000000-0000-4000-8000-000000000003', 'c1000000-0000-4000-8000-000000000002', 'user', tests.user_id('cvr_outsider'), 'hello from b');
update public.messages set content = 'hello from member (edited)' where id = 'c3000000-0000-4000-8000-000000000001';

-- ------------------------------------------------------------------------------------ threads
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.threads $$, 'anon cannot read threads');
select tests.assert_denied($$ insert into public.threads (workspace_id, kind) values (tests.workspace_id('cvr'), 'channel') $$, 'anon cannot insert threads');
select tests.assert_denied($$ update public.threads set title = 'x' $$, 'anon cannot update threads');
select tests.assert_denied($$ delete from public.threads $$, 'anon cannot delete threads');

select tests.authenticate_as('cvr_outsider');
select tests.assert_filtered($$ select * from public.threads where workspace_id = tests.workspace_id('cvr') $$, 'outsider sees no thread of workspace a');
select tests.assert_denied($$ insert into public.threads (workspace_id, kind) values (tests.workspace_id('cvr'), 'channel') $$, 'outsider cannot insert threads into workspace a');
select is(pg_temp.affected($$ update public.threads set title = 'x' where id = 'c1000000-0000-4000-8000-000000000001' $$), 0, 'outsider updates no thread of a');
select is(pg_temp.affected($$ delete from public.threads where id = 'c1000000-0000-4000-8000-000000000001' $$), 0, 'outsider deletes no thread of a');
select is((select count(*)::int from public.threads), 1, 'outsider sees their own workspace''s thread only');

select tests.authenticate_as('cvr_viewer');
select is((select count(*)::int from public.threads), 4, 'viewer reads the threads of a');
select tests.assert_denied($$ insert into public.threads (workspace_id, kind) values (tests.workspace_id('cvr'), 'channel') $$, 'viewer cannot insert threads');
select is(pg_temp.affected($$ update public.threads set title = 'x' where id = 'c1000000-0000-4000-8000-000000000001' $$), 0, 'viewer cannot update threads');
select is(pg_temp.affected($$ delete from public.threads where id = 'c1000000-0000-4000-8000-000000000003' $$), 0, 'viewer cannot delete threads');

select tests.authenticate_as('cvr_member');
select is((select count(*)::int from public.threads), 4, 'member reads the threads of a');
select lives_ok($$ insert into public.threads (id, workspace_id, kind, title) values ('c1000000-0000-4000-8000-000000000009', tests.workspace_id('cvr'), 'channel', 'member made') $$, 'member inserts a thread');
select is((select created_by from public.threads where id = 'c1000000-0000-4000-8000-000000000009'), tests.user_id('cvr_member'), 'created_by is the member');
select is(pg_temp.affected($$ update public.threads set title = 'renamed' where id = 'c1000000-0000-4000-8000-000000000001' $$), 1, 'member updates a thread');
select is(pg_temp.affected($$ delete from public.threads where id = 'c1000000-0000-4000-8000-000000000003' $$), 0, 'member cannot delete someone else''s thread');
select is(pg_temp.affected($$ delete from public.threads where id = 'c1000000-0000-4000-8000-000000000009' $$), 1, 'member deletes the thread they created');
select tests.assert_denied($$ update public.threads set last_seq = 99 where id = 'c1000000-0000-4000-8000-000000000001' $$, 'member cannot write last_seq');

select tests.authenticate_as('cvr_admin');
select is((select count(*)::int from public.threads), 4, 'admin reads the threads of a');
select lives_ok($$ insert into public.threads (workspace_id, kind) values (tests.workspace_id('cvr'), 'dm') $$, 'admin inserts a thread');
select is(pg_temp.affected($$ update public.threads set title = 'by admin' where id = 'c1000000-0000-4000-8000-000000000001' $$), 1, 'admin updates a thread');
select is(pg_temp.affected($$ delete from public.threads where id = 'c1000000-0000-4000-8000-000000000003' $$), 1, 'admin deletes a thread');

select tests.authenticate_as('cvr_owner');
select is((select count(*)::int from public.threads where workspace_id = tests.workspace_id('cvr')), 4, 'owner reads the threads of a');
select lives_ok($$ insert into public.threads (workspace_id, kind) values (tests.workspace_id('cvr'), 'channel') $$, 'owner inserts a thread');
select is(pg_temp.affected($$ update public.threads set title = 'by owner' where id = 'c1000000-0000-4000-8000-000000000001' $$), 1, 'owner updates a thread');
select is(pg_temp.affected($$ delete from public.threads where id = 'c1000000-0000-4000-8000-000000000004' $$), 1, 'owner deletes a thread');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.threads where id in ('c1000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000002')), 2, 'service_role reads every workspace''s threads');
select lives_ok($$ insert into public.threads (workspace_id, kind) values (tests.workspace_id('cvr', 'b'), 'channel') $$, 'service_role inserts a thread');
select is(pg_temp.affected($$ update public.threads set title = 'svc' where id = 'c1000000-0000-4000-8000-000000000002' $$), 1, 'service_role updates a thread');
select is(pg_temp.affected($$ delete from public.threads where id = 'c1000000-0000-4000-8000-000000000005' $$), 1, 'service_role deletes a thread');

-- ------------------------------------------------------------------------------------ thread_participants
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.thread_participants $$, 'anon cannot read thread_participants');
select tests.assert_denied($$ insert into public.thread_participants (workspace_id, thread_id, user_id) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', tests.user_id('cvr_admin')) $$, 'anon cannot insert thread_participants');
select tests.assert_denied($$ update public.thread_participants set muted = true $$, 'anon cannot update thread_participants');
select tests.assert_denied($$ delete from public.thread_participants $$, 'anon cannot delete thread_participants');

select tests.authenticate_as('cvr_outsider');
select tests.assert_filtered($$ select * from public.thread_participants where workspace_id = tests.workspace_id('cvr') $$, 'outsider sees no participant of a');
select tests.assert_denied($$ insert into public.thread_participants (workspace_id, thread_id, user_id) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', tests.user_id('cvr_admin')) $$, 'outsider cannot add participants in a');
select is(pg_temp.affected($$ update public.thread_participants set muted = true where id = 'c2000000-0000-4000-8000-000000000001' $$), 0, 'outsider updates no participant of a');
select is(pg_temp.affected($$ delete from public.thread_participants where id = 'c2000000-0000-4000-8000-000000000001' $$), 0, 'outsider deletes no participant of a');

select tests.authenticate_as('cvr_viewer');
select is((select count(*)::int from public.thread_participants), 1, 'viewer reads participants of a');
select tests.assert_denied($$ insert into public.thread_participants (workspace_id, thread_id, user_id) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', tests.user_id('cvr_admin')) $$, 'viewer cannot add participants');
select is(pg_temp.affected($$ update public.thread_participants set muted = true where id = 'c2000000-0000-4000-8000-000000000001' $$), 0, 'viewer cannot update participants');
select is(pg_temp.affected($$ delete from public.thread_participants where id = 'c2000000-0000-4000-8000-000000000001' $$), 0, 'viewer cannot delete participants');

select tests.authenticate_as('cvr_member');
select is((select count(*)::int from public.thread_participants), 1, 'member reads participants of a');
select lives_ok($$ insert into public.thread_participants (workspace_id, thread_id, user_id) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', tests.user_id('cvr_member')) $$, 'member adds a participant');
select is(pg_temp.affected($$ update public.thread_participants set muted = true where id = 'c2000000-0000-4000-8000-000000000001' $$), 1, 'member updates a participant');
select is(pg_temp.affected($$ delete from public.thread_participants where id = 'c2000000-0000-4000-8000-000000000001' $$), 0, 'member cannot delete participants');

select tests.authenticate_as('cvr_admin');
select is((select count(*)::int from public.thread_participants), 2, 'admin reads participants of a');
select lives_ok($$ insert into public.thread_participants (workspace_id, thread_id, user_id) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', tests.user_id('cvr_admin')) $$, 'admin adds a participant');
select is(pg_temp.affected($$ update public.thread_participants set role = 'owner' where id = 'c2000000-0000-4000-8000-000000000001' $$), 1, 'admin updates a participant');
select is(pg_temp.affected($$ delete from public.thread_participants where user_id = tests.user_id('cvr_admin') $$), 1, 'admin deletes a participant');

select tests.authenticate_as('cvr_owner');
select is((select count(*)::int from public.thread_participants), 2, 'owner reads participants of a');
select lives_ok($$ insert into public.thread_participants (workspace_id, thread_id, user_id) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', tests.user_id('cvr_owner')) $$, 'owner adds a participant');
select is(pg_temp.affected($$ update public.thread_participants set muted = false where id = 'c2000000-0000-4000-8000-000000000001' $$), 1, 'owner updates a participant');
select is(pg_temp.affected($$ delete from public.thread_participants where user_id = tests.user_id('cvr_owner') $$), 1, 'owner deletes a participant');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.thread_participants where thread_id in ('c1000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000002')), 3, 'service_role reads all participants');
select lives_ok($$ insert into public.thread_participants (workspace_id, thread_id, agent_id) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', (select id from public.agents where slug = 'cvr-agent')) $$, 'service_role adds an agent participant');
select is(pg_temp.affected($$ update public.thread_participants set muted = true where id = 'c2000000-0000-4000-8000-000000000002' $$), 1, 'service_role updates a participant');
select is(pg_temp.affected($$ delete from public.thread_participants where id = 'c2000000-0000-4000-8000-000000000002' $$), 1, 'service_role deletes a participant');

-- ------------------------------------------------------------------------------------ messages
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.messages $$, 'anon cannot read messages');
select tests.assert_denied($$ insert into public.messages (thread_id, sender_type, content) values ('c1000000-0000-4000-8000-000000000001', 'user', 'x') $$, 'anon cannot insert messages');
select tests.assert_denied($$ update public.messages set content = 'x' $$, 'anon cannot update messages');
select tests.assert_denied($$ delete from public.messages $$, 'anon cannot delete messages');

select tests.authenticate_as('cvr_outsider');
select tests.assert_filtered($$ select * from public.messages where thread_id = 'c1000000-0000-4000-8000-000000000001' $$, 'outsider reads no message of a');
select throws_ok($$ insert into public.messages (thread_id, sender_type, content) values ('c1000000-0000-4000-8000-000000000001', 'user', 'x') $$,
  '42501', null, 'outsider cannot post into a thread of a');
select is(pg_temp.affected($$ update public.messages set content = 'x' where id = 'c3000000-0000-4000-8000-000000000001' $$), 0, 'outsider edits no message of a');
select tests.assert_denied($$ delete from public.messages where id = 'c3000000-0000-4000-8000-000000000003' $$, 'outsider cannot delete messages (even their own)');

select tests.authenticate_as('cvr_viewer');
select is((select count(*)::int from public.messages), 2, 'viewer reads the messages of a');
select tests.assert_denied($$ insert into public.messages (thread_id, sender_type, content) values ('c1000000-0000-4000-8000-000000000001', 'user', 'x') $$, 'viewer cannot post messages');
select is(pg_temp.affected($$ update public.messages set content = 'x' where id = 'c3000000-0000-4000-8000-000000000001' $$), 0, 'viewer cannot edit messages');
select tests.assert_denied($$ delete from public.messages where id = 'c3000000-0000-4000-8000-000000000001' $$, 'viewer cannot delete messages');

select tests.authenticate_as('cvr_member');
select lives_ok($$ insert into public.messages (thread_id, sender_type, content) values ('c1000000-0000-4000-8000-000000000001', 'user', 'member posts') $$, 'member posts a message');
select tests.assert_denied($$ insert into public.messages (thread_id, sender_type, content) values ('c1000000-0000-4000-8000-000000000001', 'system', 'fake system') $$, 'member cannot post as system');
select is(pg_temp.affected($$ update public.messages set content = 'mine, again' where id = 'c3000000-0000-4000-8000-000000000001' $$), 1, 'member edits their own message');
select is(pg_temp.affected($$ update public.messages set content = 'not mine' where id = 'c3000000-0000-4000-8000-000000000002' $$), 0, 'member cannot edit the admin''s message');
select tests.assert_denied($$ delete from public.messages where id = 'c3000000-0000-4000-8000-000000000001' $$, 'member cannot delete messages');

select tests.authenticate_as('cvr_admin');
select is((select count(*)::int from public.messages), 3, 'admin reads the messages of a');
select lives_ok($$ insert into public.messages (thread_id, sender_type, content) values ('c1000000-0000-4000-8000-000000000001', 'user', 'admin posts') $$, 'admin posts a message');
select is(pg_temp.affected($$ update public.messages set deleted_at = now() where id = 'c3000000-0000-4000-8000-000000000002' $$), 1, 'admin soft-deletes their own message');
select is(pg_temp.affected($$ update public.messages set content = 'admin edits member' where id = 'c3000000-0000-4000-8000-000000000001' $$), 0, 'admin cannot edit the member''s message');
select tests.assert_denied($$ delete from public.messages where id = 'c3000000-0000-4000-8000-000000000002' $$, 'admin cannot delete messages');

select tests.authenticate_as('cvr_owner');
select is((select count(*)::int from public.messages), 4, 'owner reads the messages of a');
select lives_ok($$ insert into public.messages (thread_id, sender_type, content) values ('c1000000-0000-4000-8000-000000000001', 'user', 'owner posts') $$, 'owner posts a message');
select is(pg_temp.affected($$ update public.messages set content = 'owner edits member' where id = 'c3000000-0000-4000-8000-000000000001' $$), 0, 'owner cannot edit the member''s message');
select tests.assert_denied($$ delete from public.messages where id = 'c3000000-0000-4000-8000-000000000001' $$, 'owner cannot delete messages');

select tests.authenticate_as_service_role();
select lives_ok($$ insert into public.messages (thread_id, sender_type, sender_agent_id, content) values ('c1000000-0000-4000-8000-000000000001', 'agent', (select id from public.agents where slug = 'cvr-agent'), 'agent replies') $$, 'service_role posts as an agent');
select is((select count(*)::int from public.messages where thread_id = 'c1000000-0000-4000-8000-000000000001'), 6, 'service_role reads all messages');
select is(pg_temp.affected($$ update public.messages set metadata = '{"x": 1}' where id = 'c3000000-0000-4000-8000-000000000003' $$), 1, 'service_role updates a message');
select is(pg_temp.affected($$ delete from public.messages where id = 'c3000000-0000-4000-8000-000000000003' $$), 1, 'service_role deletes a message');

-- ------------------------------------------------------------------------------------ message_revisions
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.message_revisions $$, 'anon cannot read message_revisions');
select tests.assert_denied($$ insert into public.message_revisions (workspace_id, thread_id, message_id, revision, content, parts) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', 'c3000000-0000-4000-8000-000000000001', 9, 'forged', '[]') $$, 'anon cannot insert message_revisions');
select tests.assert_denied($$ update public.message_revisions set content = 'rewritten' $$, 'anon cannot update message_revisions');
select tests.assert_denied($$ delete from public.message_revisions $$, 'anon cannot delete message_revisions');
select tests.authenticate_as('cvr_outsider');
select tests.assert_filtered($$ select * from public.message_revisions $$, 'outsider reads no revision of a');
select tests.assert_denied($$ insert into public.message_revisions (workspace_id, thread_id, message_id, revision, content, parts) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', 'c3000000-0000-4000-8000-000000000001', 9, 'forged', '[]') $$, 'outsider cannot insert message_revisions');
select tests.assert_denied($$ update public.message_revisions set content = 'rewritten' $$, 'outsider cannot update message_revisions');
select tests.assert_denied($$ delete from public.message_revisions $$, 'outsider cannot delete message_revisions');
select tests.authenticate_as('cvr_viewer');
select is((select count(*)::int from public.message_revisions), 2, 'viewer reads revisions of a (two edits of the member''s message)');
select tests.assert_denied($$ insert into public.message_revisions (workspace_id, thread_id, message_id, revision, content, parts) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', 'c3000000-0000-4000-8000-000000000001', 9, 'forged', '[]') $$, 'viewer cannot insert revisions');
select tests.assert_denied($$ update public.message_revisions set content = 'rewritten' $$, 'viewer cannot update revisions');
select tests.assert_denied($$ delete from public.message_revisions $$, 'viewer cannot delete revisions');
select tests.authenticate_as('cvr_member');
select is((select count(*)::int from public.message_revisions), 2, 'member reads revisions of a');
select tests.assert_denied($$ insert into public.message_revisions (workspace_id, thread_id, message_id, revision, content, parts) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', 'c3000000-0000-4000-8000-000000000001', 9, 'forged', '[]') $$, 'member cannot insert revisions');
select tests.assert_denied($$ update public.message_revisions set content = 'rewritten' $$, 'member cannot update revisions');
select tests.assert_denied($$ delete from public.message_revisions $$, 'member cannot delete revisions');
select tests.authenticate_as('cvr_admin');
select is((select count(*)::int from public.message_revisions), 2, 'admin reads revisions of a');
select tests.assert_denied($$ insert into public.message_revisions (workspace_id, thread_id, message_id, revision, content, parts) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', 'c3000000-0000-4000-8000-000000000001', 9, 'forged', '[]') $$, 'admin cannot insert revisions');
select tests.assert_denied($$ update public.message_revisions set content = 'rewritten' $$, 'admin cannot update revisions');
select tests.assert_denied($$ delete from public.message_revisions $$, 'admin cannot delete revisions');
select tests.authenticate_as('cvr_owner');
select is((select count(*)::int from public.message_revisions), 2, 'owner reads revisions of a');
select tests.assert_denied($$ insert into public.message_revisions (workspace_id, thread_id, message_id, revision, content, parts) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', 'c3000000-0000-4000-8000-000000000001', 9, 'forged', '[]') $$, 'owner cannot insert revisions');
select tests.assert_denied($$ update public.message_revisions set content = 'rewritten' $$, 'owner cannot update revisions');
select tests.assert_denied($$ delete from public.message_revisions $$, 'owner cannot delete revisions');
select tests.authenticate_as_service_role();
select cmp_ok((select count(*)::int from public.message_revisions), '>=', 2, 'service_role reads revisions');
select lives_ok($$ insert into public.message_revisions (workspace_id, thread_id, message_id, revision, content, parts) values (tests.workspace_id('cvr'), 'c1000000-0000-4000-8000-000000000001', 'c3000000-0000-4000-8000-000000000001', 9, 'imported history', '[]') $$, 'service_role may insert revisions (imports)');
select tests.assert_denied($$ update public.message_revisions set content = 'rewritten' $$, 'service_role cannot update revisions');
select tests.assert_denied($$ delete from public.message_revisions $$, 'service_role cannot delete revisions');

-- ------------------------------------------------------------------------------------ thread_reads
-- Markers so far: member and admin (from posting). The viewer adds one below.
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.thread_reads $$, 'anon cannot read thread_reads');
select tests.assert_denied($$ insert into public.thread_reads (thread_id, user_id) values ('c1000000-0000-4000-8000-000000000001', tests.user_id('cvr_viewer')) $$, 'anon cannot insert thread_reads');
select tests.assert_denied($$ update public.thread_reads set last_read_seq = 0 $$, 'anon cannot update thread_reads');
select tests.assert_denied($$ delete from public.thread_reads $$, 'anon cannot delete thread_reads');

select tests.authenticate_as('cvr_outsider');
select tests.assert_filtered($$ select * from public.thread_reads where thread_id = 'c1000000-0000-4000-8000-000000000001' $$, 'outsider sees no read marker in a');
select tests.assert_denied($$ insert into public.thread_reads (thread_id, user_id) values ('c1000000-0000-4000-8000-000000000001', tests.user_id('cvr_outsider')) $$, 'outsider cannot mark a thread of a read');
select is(pg_temp.affected($$ update public.thread_reads set last_read_seq = 0 where thread_id = 'c1000000-0000-4000-8000-000000000001' $$), 0, 'outsider moves no marker in a');
select tests.assert_denied($$ delete from public.thread_reads $$, 'outsider cannot delete thread_reads');

select tests.authenticate_as('cvr_viewer');
select lives_ok($$ insert into public.thread_reads (thread_id, last_read_seq) values ('c1000000-0000-4000-8000-000000000001', 1) $$, 'viewer sets their own read marker');
select tests.assert_denied($$ insert into public.thread_reads (thread_id, user_id) values ('c1000000-0000-4000-8000-000000000001', tests.user_id('cvr_member')) $$, 'viewer cannot write another user''s marker');
select is((select count(*)::int from public.thread_reads), 1, 'viewer sees only their own marker');
select is(pg_temp.affected($$ update public.thread_reads set last_read_seq = 2 where user_id = tests.user_id('cvr_viewer') $$), 1, 'viewer moves their own marker');
select is(pg_temp.affected($$ update public.thread_reads set last_read_seq = 0 where user_id = tests.user_id('cvr_member') $$), 0, 'viewer cannot move the member''s marker');
select tests.assert_denied($$ delete from public.thread_reads $$, 'viewer cannot delete read markers');

select tests.authenticate_as('cvr_member');
select is((select count(*)::int from public.thread_reads), 1, 'member sees only their own marker (from posting)');
select is(pg_temp.affected($$ update public.thread_reads set last_read_seq = 0 where user_id = tests.user_id('cvr_viewer') $$), 0, 'member cannot move the viewer''s marker');
select tests.assert_denied($$ delete from public.thread_reads $$, 'member cannot delete read markers');

select tests.authenticate_as('cvr_admin');
select is((select count(*)::int from public.thread_reads), 1, 'admin sees only their own marker');
select is(pg_temp.affected($$ update public.thread_reads set last_read_seq = 0 where user_id = tests.user_id('cvr_viewer') $$), 0, 'admin cannot move the viewer''s marker');
select tests.assert_denied($$ delete from public.thread_reads $$, 'admin cannot delete read markers');

select tests.authenticate_as('cvr_owner');
select lives_ok($$ select public.mark_thread_read('c1000000-0000-4000-8000-000000000001') $$, 'owner marks a thread read through the RPC');
select is((select count(*)::int from public.thread_reads), 1, 'owner sees only their own marker');
select tests.assert_denied($$ delete from public.thread_reads $$, 'owner cannot delete read markers');

select tests.authenticate_as_service_role();
select cmp_ok((select count(*)::int from public.thread_reads), '>=', 4, 'service_role reads every marker');
select is(pg_temp.affected($$ update public.thread_reads set last_read_at = now() where user_id = tests.user_id('cvr_viewer') $$), 1, 'service_role updates a marker');
select is(pg_temp.affected($$ delete from public.thread_reads where user_id = tests.user_id('cvr_viewer') $$), 1, 'service_role deletes a marker');

select * from finish();
rollback;
