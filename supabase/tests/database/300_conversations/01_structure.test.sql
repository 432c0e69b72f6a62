-- Conversations: tables, keys that hold the model together, indexes, RPC signatures and grants, Realtime.
begin;
select plan(30);

select tables_are('public', array(
  select unnest(array['threads', 'thread_participants', 'messages', 'message_revisions', 'thread_reads', 'thread_shares',
                      'feed_events', 'email_routing_rules']::name[])
  union select c.relname from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
)::name[], 'the conversation tables exist in public');

select has_pk('public', 'threads', 'threads has a primary key');
select col_is_unique('public', 'threads', array['workspace_id', 'id'], 'threads are unique by (workspace_id, id): target of composite keys');
select col_is_unique('public', 'threads', array['workspace_id', 'session_id', 'id'], 'threads are unique by (workspace_id, session_id, id): target of the run chain');
select fk_ok('public', 'messages', array['workspace_id', 'thread_id'], 'public', 'threads', array['workspace_id', 'id'],
  'a message''s (workspace, thread) must be a thread of that workspace');
select fk_ok('public', 'messages', array['thread_id', 'reply_to_id'], 'public', 'messages', array['thread_id', 'id'],
  'a reply points at a message of the same thread');
select fk_ok('public', 'thread_reads', array['workspace_id', 'thread_id'], 'public', 'threads', array['workspace_id', 'id'],
  'read markers belong to a thread of their workspace');
select fk_ok('public', 'thread_shares', array['workspace_id', 'thread_id'], 'public', 'threads', array['workspace_id', 'id'],
  'shares belong to a thread of their workspace');
select fk_ok('public', 'threads', array['workspace_id', 'agent_id'], 'public', 'agents', array['workspace_id', 'id'],
  'a thread''s agent is an agent of its workspace');
select col_is_unique('public', 'messages', array['thread_id', 'seq'], 'sequence numbers are unique per thread');
select col_not_null('public', 'messages', 'seq', 'every message has a sequence number');
select col_type_is('public', 'messages', 'parts', 'jsonb', 'parts is jsonb');
select col_type_is('public', 'messages', 'sender_type', 'message_sender_type', 'sender_type is the enum');
select enum_has_labels('public', 'message_sender_type', array['user', 'assistant', 'agent', 'system'], 'sender types');
select enum_has_labels('public', 'thread_kind', array['agent_direct', 'channel', 'dm', 'session_chat', 'external'], 'thread kinds');
select has_index('public', 'threads', 'threads_agent_channel_external_ref_key', 'external conversations are unique per agent and channel');
select has_index('public', 'thread_reads', 'thread_reads_user_workspace_idx', 'read markers are found by user');
select col_is_pk('public', 'thread_reads', array['thread_id', 'user_id'], 'one read marker per thread and user');
select hasnt_column('public', 'thread_shares', 'token_hash', 'share token hashes are not in the exposed table');
select has_table('private', 'thread_share_hashes', 'share token hashes live in private');

select function_returns('public', 'my_threads', array['uuid', 'integer', 'boolean'], 'setof record', 'my_threads returns rows');
select function_returns('public', 'get_shared_thread', array['text', 'bigint', 'integer'], 'jsonb', 'get_shared_thread returns jsonb');
select ok(has_function_privilege('anon', 'public.get_shared_thread(text, bigint, integer)', 'execute'), 'anon may call get_shared_thread');
select ok(not has_function_privilege('anon', 'public.create_thread_share(uuid, timestamptz)', 'execute'), 'anon may not create shares');
select ok(not has_function_privilege('anon', 'public.my_threads(uuid, integer, boolean)', 'execute'), 'anon may not list threads');
select is((select prosecdef from pg_proc where oid = 'public.get_shared_thread(text, bigint, integer)'::regprocedure), false,
  'the public share RPC is security invoker (the definer part is in private)');

select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'messages'), 'messages are published to Realtime');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'threads'), 'threads are published to Realtime');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'feed_events'), 'feed_events are published to Realtime');
select is(obj_description('public.messages'::regclass, 'pg_class') is not null, true, 'messages has a table comment');

select * from finish();
rollback;
