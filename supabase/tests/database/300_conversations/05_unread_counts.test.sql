-- Unread counts: my_threads returns last_seq - the caller's read marker per thread, without reading
-- messages at all (so its cost does not grow with thread length); mark_thread_read moves forward only.
begin;
select plan(20);

select tests.create_workspace_fixture('cvu');
insert into public.threads (id, workspace_id, kind, title)
select ('cb000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, tests.workspace_id('cvu'), 'channel', 'T' || i
from generate_series(1, 20) i;
insert into public.threads (id, workspace_id, kind) values ('cb000000-0000-4000-8000-0000000000ff', tests.workspace_id('cvu', 'b'), 'channel');
-- Thread i gets i messages from the admin (the viewer has read none of them).
insert into public.messages (thread_id, sender_type, sender_user_id, content)
select ('cb000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid, 'user', tests.user_id('cvu_admin'), 'm' || j
from generate_series(1, 20) i, generate_series(1, i) j;
insert into public.messages (thread_id, sender_type, content) values ('cb000000-0000-4000-8000-0000000000ff', 'system', 'b');
analyze public.messages;
-- One transaction has one now(): give T12 the newest activity explicitly.
update public.threads set last_message_at = now() + interval '1 minute' where title = 'T12';

select tests.authenticate_as('cvu_viewer');
select is((select count(*)::int from public.my_threads()), 20, 'the viewer gets the 20 threads of their workspace, not the outsider''s');
select is((select sum(unread_count)::int from public.my_threads()), 210, 'all 1 + 2 + ... + 20 messages are unread');
select is((select unread_count from public.my_threads() where title = 'T7'), 7::bigint, 'thread T7 has 7 unread');
select is((select thread_id from public.my_threads() limit 1), 'cb000000-0000-4000-8000-000000000012'::uuid, 'newest activity first');

select is((public.mark_thread_read('cb000000-0000-4000-8000-000000000007', 3)).last_read_seq, 3::bigint, 'mark_thread_read to seq 3');
select is((select unread_count from public.my_threads() where title = 'T7'), 4::bigint, 'T7 now has 4 unread');
select is((public.mark_thread_read('cb000000-0000-4000-8000-000000000007', 1)).last_read_seq, 3::bigint, 'the marker never moves backwards');
select is((public.mark_thread_read('cb000000-0000-4000-8000-000000000007', 500)).last_read_seq, 7::bigint, 'the marker never passes the newest message');
select is((public.mark_thread_read('cb000000-0000-4000-8000-000000000005')).last_read_seq, 5::bigint, 'without p_seq the whole thread is read');
select is((select unread_count from public.my_threads() where title = 'T5'), 0::bigint, 'T5 has nothing unread');

-- A new message raises the count; the author's own message is read by them.
select tests.authenticate_as('cvu_member');
insert into public.messages (thread_id, sender_type, content) values ('cb000000-0000-4000-8000-000000000005', 'user', 'new');
select is((select unread_count from public.my_threads() where title = 'T5'), 0::bigint, 'the author has read their own message');
select tests.authenticate_as('cvu_viewer');
select is((select unread_count from public.my_threads() where title = 'T5'), 1::bigint, 'the viewer sees the new message as unread');

select is((select count(*)::int from public.my_threads(tests.workspace_id('cvu'), 5)), 5, 'p_workspace_id and p_limit narrow the list');
select throws_ok($$ select * from public.my_threads(null, 0) $$, '22023', 'p_limit must be between 1 and 1000 (got 0)', 'p_limit is checked');
select throws_ok($$ select public.mark_thread_read(null) $$, '22004', 'p_thread_id must not be null', 'mark_thread_read needs a thread');
select throws_ok($$ select public.mark_thread_read('cb000000-0000-4000-8000-0000000000ff') $$, 'P0002', 'thread cb000000-0000-4000-8000-0000000000ff not found',
  'a thread of another workspace is not found');
select throws_ok($$ select public.mark_thread_read('cb000000-0000-4000-8000-000000000001', -1) $$, '22023', 'p_seq must be >= 0 (got -1)', 'p_seq is checked');

-- Cost: listing threads with unread counts never touches messages (transaction-local scan counters).
select tests.clear_authentication();
create temp table scans_before as
  select coalesce(seq_scan, 0) + coalesce(idx_scan, 0) as n from pg_stat_xact_user_tables where relid = 'public.messages'::regclass;
select tests.authenticate_as('cvu_viewer');
select is((select count(*)::int from public.my_threads(null, 1000)), 20, 'list all threads with counts');
select tests.clear_authentication();
select is((select coalesce(seq_scan, 0) + coalesce(idx_scan, 0) from pg_stat_xact_user_tables where relid = 'public.messages'::regclass),
          (select n from scans_before), 'my_threads did not scan messages (no seq or index scan): the count is a subtraction');
select ok((select coalesce(idx_scan, 0) from pg_stat_xact_user_tables where relid = 'public.thread_reads'::regclass) > 0,
  'it probed the read markers by index');

select * from finish();
rollback;
