-- A retryable fail repeated after another lease took the row: the repeat still answers the fail's outcome
-- (ok, pending, idempotent, the same attempt), while the row is leased by the next holder and after that
-- holder finished it; the retry event keeps a digest of the lease token, never the token.
begin;
select plan(14);

select tests.create_workspace_fixture('hprr');
select tests.create_agent_fixture(tests.workspace_id('hprr'), 'hprr-agent');
create function pg_temp.gw() returns uuid language sql stable as $$ select a.gateway_id from public.agents a where a.slug = 'hprr-agent' $$;
create function pg_temp.agent() returns uuid language sql stable as $$ select a.id from public.agents a where a.slug = 'hprr-agent' $$;
create temp table hprr (k text primary key, id uuid, token uuid, answer jsonb);
grant execute on all functions in schema pg_temp to service_role;
grant all on hprr to service_role;

select tests.authenticate_as_service_role();
-- Commands: lease a, fail a (retry now), lease b.
insert into hprr (k, id) select 'c', e.id from public.enqueue_command(pg_temp.gw(), 'test.replay') e;
update hprr h set token = l.lease_token from public.lease_command(pg_temp.gw(), 1, 60) l where h.id = l.id and h.k = 'c';
update hprr set answer = public.fail_command(id, token, 'flaky', p_retry_after_seconds => 0) where k = 'c';
select is((select answer ->> 'status' from hprr where k = 'c'), 'pending', 'commands: the first fail schedules a retry');
insert into hprr (k, id, token) select 'c2', l.id, l.lease_token from public.lease_command(pg_temp.gw(), 1, 60) l;
select is((select id from hprr where k = 'c2'), (select id from hprr where k = 'c'), 'the same command is leased again, by b');
select is((select public.fail_command(id, token, 'flaky', p_retry_after_seconds => 0) from hprr where k = 'c') - 'lease_expires_at',
          (select (answer - 'lease_expires_at') || '{"idempotent": true}' from hprr where k = 'c'),
  'a repeat of a''s fail while b holds the lease answers a''s outcome, idempotent');
select is((select public.complete_command(id, token) ->> 'status' from hprr where k = 'c2'), 'done', 'b completes');
select is((select public.fail_command(id, token, 'flaky', p_retry_after_seconds => 0) from hprr where k = 'c') - 'lease_expires_at',
          (select (answer - 'lease_expires_at') || '{"idempotent": true}' from hprr where k = 'c'),
  'and still after b finished the command');
select is((select public.complete_command(id, token) ->> 'reason' from hprr where k = 'c'), 'already_terminal',
  'a complete with a''s token is not a replay of anything: already_terminal');
select is((select public.fail_command(id, gen_random_uuid(), 'x') ->> 'reason' from hprr where k = 'c'), 'already_terminal',
  'a fail with a token that never failed it: already_terminal');

-- Inbox: the same story.
insert into hprr (k, id) select 'i', e.id from public.enqueue_inbox_item(pg_temp.agent(), 'test.replay') e;
update hprr h set token = l.lease_token from public.lease_inbox_item(pg_temp.agent(), 1, 60) l where h.id = l.id and h.k = 'i';
update hprr set answer = public.fail_inbox_item(id, token, 'flaky', p_retry_after_seconds => 0) where k = 'i';
select is((select answer ->> 'status' from hprr where k = 'i'), 'pending', 'inbox: the first fail schedules a retry');
insert into hprr (k, id, token) select 'i2', l.id, l.lease_token from public.lease_inbox_item(pg_temp.agent(), 1, 60) l;
select is((select public.complete_inbox_item(id, token) ->> 'status' from hprr where k = 'i2'), 'done', 'inbox: b leased and completed it');
select is((select public.fail_inbox_item(id, token, 'flaky', p_retry_after_seconds => 0) from hprr where k = 'i') - 'lease_expires_at',
          (select (answer - 'lease_expires_at') || '{"idempotent": true}' from hprr where k = 'i'),
  'inbox: a repeat of a''s fail answers a''s outcome, idempotent');
select is((select public.fail_inbox_item(id, gen_random_uuid(), 'x') ->> 'reason' from hprr where k = 'i'), 'already_terminal',
  'inbox: an unknown token is still already_terminal');
select tests.clear_authentication();

-- What the events keep: a digest, not the token.
select is((select e.detail ->> 'lease_digest' from public.agent_command_events e
           where e.command_id = (select id from hprr where k = 'c') and e.reason = 'retry_scheduled'),
  (select encode(sha256(convert_to(token::text, 'UTF8')), 'hex') from hprr where k = 'c'),
  'the retry event keeps the SHA-256 of the lease token');
select is((select count(*)::int from public.agent_command_events e
           where e.command_id = (select id from hprr where k = 'c') and e.detail::text like '%' || (select token::text from hprr where k = 'c') || '%'),
  0, 'and no event holds the token itself');
select is((select count(*)::int from public.agent_inbox_events e
           where e.item_id = (select id from hprr where k = 'i') and e.reason = 'retry_scheduled' and e.detail ? 'lease_digest'),
  1, 'inbox: one retry event with its digest');

select * from finish();
rollback;
