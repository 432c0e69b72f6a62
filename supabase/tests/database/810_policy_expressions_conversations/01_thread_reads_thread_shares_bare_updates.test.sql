-- USING of the update policies of thread_reads and thread_shares (the policy mutation check, npm run
-- test:mutations). An UPDATE with a WHERE clause or RETURNING also applies the SELECT policy, which hides
-- the rows on its own; the bare statement (no WHERE, no RETURNING) is the one only the update policy guards.
-- Each bare update below must touch nothing and must not raise (with USING weakened it reaches the row and
-- the WITH CHECK or a trigger then refuses it).
begin;
select plan(9);

create function pg_temp.affected(p_sql text) returns integer language plpgsql as $$
declare n integer; begin execute p_sql; get diagnostics n = row_count; return n; end $$;
grant execute on function pg_temp.affected(text) to authenticated;

select tests.create_workspace_fixture('pxcv');
insert into public.threads (id, workspace_id, kind, title) values
  ('c8100000-0000-4000-8000-000000000001', tests.workspace_id('pxcv'), 'channel', 'A');
insert into public.thread_reads (workspace_id, thread_id, user_id, last_read_at)
  values (tests.workspace_id('pxcv'), 'c8100000-0000-4000-8000-000000000001', tests.user_id('pxcv_member'), '2026-01-01T00:00:00Z');
insert into public.thread_shares (id, workspace_id, thread_id) values
  ('c8110000-0000-4000-8000-000000000001', tests.workspace_id('pxcv'), 'c8100000-0000-4000-8000-000000000001');

-- thread_reads: a read marker is its user's own, even for the admin of the same workspace.
select tests.authenticate_as('pxcv_admin');
select is(pg_temp.affected($$ update public.thread_reads set last_read_at = '2026-06-01T00:00:00Z' $$), 0,
  'thread_reads: a bare UPDATE by another user of the workspace touches nothing');
select tests.authenticate_as('pxcv_outsider');
select is(pg_temp.affected($$ update public.thread_reads set last_read_at = '2026-06-01T00:00:00Z' $$), 0,
  'thread_reads: a bare UPDATE by the admin of another workspace touches nothing');

-- thread_shares: members of the workspace manage its share links; viewers and outsiders do not.
select tests.authenticate_as('pxcv_viewer');
select is(pg_temp.affected($$ update public.thread_shares set revoked_at = now() $$), 0,
  'thread_shares: a bare UPDATE by a viewer of the workspace touches nothing');
select tests.authenticate_as('pxcv_outsider');
select is(pg_temp.affected($$ update public.thread_shares set revoked_at = now() $$), 0,
  'thread_shares: a bare UPDATE by the admin of another workspace touches nothing');

select tests.clear_authentication();
select is((select last_read_at from public.thread_reads where user_id = tests.user_id('pxcv_member')), '2026-01-01T00:00:00Z'::timestamptz,
  'thread_reads: the member''s marker is unchanged');
select is((select revoked_at from public.thread_shares where id = 'c8110000-0000-4000-8000-000000000001'), null,
  'thread_shares: the share is not revoked');

-- The same bare statements work for those the policies admit.
select tests.authenticate_as('pxcv_member');
select is(pg_temp.affected($$ update public.thread_reads set last_read_at = '2026-06-01T00:00:00Z' $$), 1,
  'thread_reads: the user updates their own marker');
select is(pg_temp.affected($$ update public.thread_shares set revoked_at = now() $$), 1,
  'thread_shares: a member revokes the workspace''s share');
select tests.clear_authentication();
select isnt((select revoked_at from public.thread_shares where id = 'c8110000-0000-4000-8000-000000000001'), null,
  'thread_shares: the share is revoked');

select * from finish();
rollback;
