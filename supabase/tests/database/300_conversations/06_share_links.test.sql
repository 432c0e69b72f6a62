-- Share links: anon reads a shared thread only through get_shared_thread and only while the link is
-- live; revoked, expired, unknown or malformed tokens read nothing. Tokens are 128-bit random, stored
-- only as SHA-256.
begin;
select plan(20);

select tests.create_workspace_fixture('cvl');
insert into public.threads (id, workspace_id, kind, title) values
  ('cc000000-0000-4000-8000-000000000001', tests.workspace_id('cvl'), 'channel', 'Shared chat');
insert into public.messages (thread_id, sender_type, sender_user_id, content) values
  ('cc000000-0000-4000-8000-000000000001', 'user', tests.user_id('cvl_member'), 'question'),
  ('cc000000-0000-4000-8000-000000000001', 'assistant', null, 'answer'),
  ('cc000000-0000-4000-8000-000000000001', 'user', tests.user_id('cvl_member'), 'removed later');
update public.messages set deleted_at = now() where content = 'removed later';

create temp table tok (name text primary key, token text, share_id uuid);
grant all on tok to public;

select tests.authenticate_as('cvl_member');
insert into tok select 'live', token, share_id from public.create_thread_share('cc000000-0000-4000-8000-000000000001');
insert into tok select 'revoked', token, share_id from public.create_thread_share('cc000000-0000-4000-8000-000000000001');
insert into tok select 'expiring', token, share_id from public.create_thread_share('cc000000-0000-4000-8000-000000000001', now() + interval '1 hour');
select public.revoke_thread_share((select share_id from tok where name = 'revoked'));
select throws_ok($$ select public.create_thread_share('cc000000-0000-4000-8000-000000000001', now() - interval '1 second') $$,
  '22023', null, 'an expiry in the past is refused');
select throws_ok($$ select public.create_thread_share('cc000000-0000-4000-8000-0000000000ff') $$, 'P0002', 'thread cc000000-0000-4000-8000-0000000000ff not found',
  'an unknown thread cannot be shared');
select is((public.revoke_thread_share((select share_id from tok where name = 'revoked'))).revoked_at is not null, true, 'revoking twice returns the revoked row');
select throws_ok($$ update public.thread_shares set revoked_at = null where id = (select share_id from tok where name = 'revoked') $$,
  '55000', null, 'a revocation cannot be undone');

select tests.clear_authentication();
select ok((select bool_and(token ~ '^[0-9a-f]{32}$') from tok), 'tokens are 32 hex characters (128 random bits)');
select is((select count(distinct token)::int from tok), 3, 'every share gets its own token');
select is((select count(*)::int from private.thread_share_hashes h join tok on tok.share_id = h.share_id
           where h.token_hash = extensions.digest(tok.token, 'sha256')), 3, 'only the SHA-256 of each token is stored');

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.thread_shares $$, 'anon cannot list thread_shares');
select tests.assert_denied($$ select * from public.messages $$, 'anon cannot read messages directly');
select is((public.get_shared_thread((select token from tok where name = 'live')) -> 'thread' ->> 'title'), 'Shared chat', 'anon reads the thread of a live link');
select is((select jsonb_agg(m ->> 'content') from jsonb_array_elements(public.get_shared_thread((select token from tok where name = 'live')) -> 'messages') m),
  '["question", "answer"]'::jsonb, 'the messages come in order, soft-deleted ones left out');
select is(jsonb_array_length(public.get_shared_thread((select token from tok where name = 'live'), 1, 10) -> 'messages'), 1,
  'p_after_seq pages through the messages');
select is(public.get_shared_thread((select token from tok where name = 'revoked')), null, 'a revoked link reads nothing');
select isnt(public.get_shared_thread((select token from tok where name = 'expiring')), null, 'a link before its expiry reads');
select is(public.get_shared_thread(repeat('0', 32)), null, 'an unknown token reads nothing');
select is(public.get_shared_thread('not a token'), null, 'a malformed token reads nothing');
select is(public.get_shared_thread(null), null, 'a null token reads nothing');
select throws_ok($$ select public.get_shared_thread((select token from tok where name = 'live'), 0, 5000) $$, '22023',
  'p_limit must be between 1 and 1000 (got 5000)', 'p_limit is checked');

-- The expiring link expires.
select tests.clear_authentication();
update public.thread_shares set expires_at = now() - interval '1 second' where id = (select share_id from tok where name = 'expiring');
select tests.authenticate_as_anon();
select is(public.get_shared_thread((select token from tok where name = 'expiring')), null, 'an expired link reads nothing');

-- Deleting the thread kills its links.
select tests.clear_authentication();
delete from public.threads where id = 'cc000000-0000-4000-8000-000000000001';
select tests.authenticate_as_anon();
select is(public.get_shared_thread((select token from tok where name = 'live')), null, 'a link to a deleted thread reads nothing');

select * from finish();
rollback;
