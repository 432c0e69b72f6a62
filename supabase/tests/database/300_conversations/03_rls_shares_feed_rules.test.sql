-- RLS for thread_shares, feed_events, email_routing_rules: every role x operation.
begin;
select plan(92);

create function pg_temp.affected(p_sql text) returns integer language plpgsql as $$
declare n integer; begin execute p_sql; get diagnostics n = row_count; return n; end $$;

select tests.create_workspace_fixture('cvs');
select tests.create_agent_fixture(tests.workspace_id('cvs'), 'cvs-agent');
select tests.create_agent_fixture(tests.workspace_id('cvs', 'b'), 'cvs-agent-b');
insert into public.threads (id, workspace_id, kind, title) values
  ('c5000000-0000-4000-8000-000000000001', tests.workspace_id('cvs'), 'channel', 'A'),
  ('c5000000-0000-4000-8000-000000000002', tests.workspace_id('cvs', 'b'), 'channel', 'B');
insert into public.thread_shares (id, workspace_id, thread_id) values
  ('c6000000-0000-4000-8000-000000000001', tests.workspace_id('cvs'), 'c5000000-0000-4000-8000-000000000001'),
  ('c6000000-0000-4000-8000-000000000002', tests.workspace_id('cvs'), 'c5000000-0000-4000-8000-000000000001'),
  ('c6000000-0000-4000-8000-000000000003', tests.workspace_id('cvs', 'b'), 'c5000000-0000-4000-8000-000000000002');
insert into public.feed_events (id, workspace_id, type, title, user_id) values
  ('c7000000-0000-4000-8000-000000000001', tests.workspace_id('cvs'), 'task_completed', 'Done', null),
  ('c7000000-0000-4000-8000-000000000002', tests.workspace_id('cvs'), 'approval_needed', 'For the admin only', tests.user_id('cvs_admin')),
  ('c7000000-0000-4000-8000-000000000003', tests.workspace_id('cvs', 'b'), 'info', 'B event', null),
  ('c7000000-0000-4000-8000-000000000004', tests.workspace_id('cvs'), 'info', 'Delete me', null);
insert into public.email_routing_rules (id, workspace_id, agent_id, name, from_pattern) values
  ('c8000000-0000-4000-8000-000000000001', tests.workspace_id('cvs'), (select id from public.agents where slug = 'cvs-agent'), 'Billing', 'billing@'),
  ('c8000000-0000-4000-8000-000000000002', tests.workspace_id('cvs', 'b'), (select id from public.agents where slug = 'cvs-agent-b'), 'B rule', '.*'),
  ('c8000000-0000-4000-8000-000000000003', tests.workspace_id('cvs'), (select id from public.agents where slug = 'cvs-agent'), 'Delete me', 'x');

-- ------------------------------------------------------------------------------------ thread_shares
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.thread_shares $$, 'anon cannot read thread_shares');
select tests.assert_denied($$ insert into public.thread_shares (workspace_id, thread_id) values (tests.workspace_id('cvs'), 'c5000000-0000-4000-8000-000000000001') $$, 'anon cannot insert thread_shares');
select tests.assert_denied($$ update public.thread_shares set revoked_at = now() $$, 'anon cannot update thread_shares');
select tests.assert_denied($$ delete from public.thread_shares $$, 'anon cannot delete thread_shares');
select tests.assert_denied($$ select public.create_thread_share('c5000000-0000-4000-8000-000000000001') $$, 'anon cannot create a share');

select tests.authenticate_as('cvs_outsider');
select tests.assert_filtered($$ select * from public.thread_shares where workspace_id = tests.workspace_id('cvs') $$, 'outsider sees no share of a');
select tests.assert_denied($$ select public.create_thread_share('c5000000-0000-4000-8000-000000000001') $$, 'outsider cannot share a thread of a');
select is(pg_temp.affected($$ update public.thread_shares set revoked_at = now() where id = 'c6000000-0000-4000-8000-000000000001' $$), 0, 'outsider revokes no share of a');
select tests.assert_denied($$ delete from public.thread_shares where id = 'c6000000-0000-4000-8000-000000000003' $$, 'outsider cannot delete shares');

select tests.authenticate_as('cvs_viewer');
select tests.assert_filtered($$ select * from public.thread_shares $$, 'viewer does not list shares');
select tests.assert_denied($$ select public.create_thread_share('c5000000-0000-4000-8000-000000000001') $$, 'viewer cannot create a share');
select tests.assert_denied($$ insert into public.thread_shares (workspace_id, thread_id) values (tests.workspace_id('cvs'), 'c5000000-0000-4000-8000-000000000001') $$, 'viewer cannot insert thread_shares');
select is(pg_temp.affected($$ update public.thread_shares set revoked_at = now() where id = 'c6000000-0000-4000-8000-000000000001' $$), 0, 'viewer cannot revoke shares');
select tests.assert_denied($$ delete from public.thread_shares where id = 'c6000000-0000-4000-8000-000000000001' $$, 'viewer cannot delete shares');

select tests.authenticate_as('cvs_member');
select is((select count(*)::int from public.thread_shares), 2, 'member lists the shares of a');
select is((select count(*)::int from public.create_thread_share('c5000000-0000-4000-8000-000000000001')), 1, 'member creates a share through the RPC');
select tests.assert_denied($$ insert into public.thread_shares (workspace_id, thread_id) values (tests.workspace_id('cvs'), 'c5000000-0000-4000-8000-000000000001') $$, 'member cannot insert shares directly (no token)');
select is(pg_temp.affected($$ update public.thread_shares set expires_at = now() + interval '1 day' where id = 'c6000000-0000-4000-8000-000000000001' $$), 1, 'member re-dates a share');
select tests.assert_denied($$ delete from public.thread_shares where id = 'c6000000-0000-4000-8000-000000000001' $$, 'member cannot delete shares (revoke instead)');

select tests.authenticate_as('cvs_admin');
select is((select count(*)::int from public.thread_shares), 3, 'admin lists the shares of a');
select tests.assert_denied($$ insert into public.thread_shares (workspace_id, thread_id) values (tests.workspace_id('cvs'), 'c5000000-0000-4000-8000-000000000001') $$, 'admin cannot insert shares directly');
select is(pg_temp.affected($$ update public.thread_shares set revoked_at = now() where id = 'c6000000-0000-4000-8000-000000000001' $$), 1, 'admin revokes a share');
select tests.assert_denied($$ delete from public.thread_shares where id = 'c6000000-0000-4000-8000-000000000002' $$, 'admin cannot delete shares');

select tests.authenticate_as('cvs_owner');
select is((select count(*)::int from public.thread_shares), 3, 'owner lists the shares of a');
select tests.assert_denied($$ insert into public.thread_shares (workspace_id, thread_id) values (tests.workspace_id('cvs'), 'c5000000-0000-4000-8000-000000000001') $$, 'owner cannot insert shares directly');
select is((select (public.revoke_thread_share('c6000000-0000-4000-8000-000000000002')).revoked_by), tests.user_id('cvs_owner'), 'owner revokes a share; revoked_by records them');
select tests.assert_denied($$ delete from public.thread_shares where id = 'c6000000-0000-4000-8000-000000000002' $$, 'owner cannot delete shares');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.thread_shares where id::text like 'c6%'), 3, 'service_role reads every share');
select is((select count(*)::int from public.create_thread_share('c5000000-0000-4000-8000-000000000002')), 1, 'service_role creates a share');
select is(pg_temp.affected($$ update public.thread_shares set expires_at = now() + interval '1 hour' where id = 'c6000000-0000-4000-8000-000000000003' $$), 1, 'service_role re-dates a share');
select is(pg_temp.affected($$ delete from public.thread_shares where id = 'c6000000-0000-4000-8000-000000000003' $$), 1, 'service_role deletes a share');
select tests.clear_authentication();
select is((select count(*)::int from private.thread_share_hashes h where not exists (select 1 from public.thread_shares s where s.id = h.share_id)), 0,
  'deleting a share deletes its hash');
select tests.authenticate_as('cvs_admin');
select tests.assert_denied($$ select * from private.thread_share_hashes $$, 'no API role reads the token hashes');

-- ------------------------------------------------------------------------------------ feed_events
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.feed_events $$, 'anon cannot read feed_events');
select tests.assert_denied($$ insert into public.feed_events (workspace_id, type, title) values (tests.workspace_id('cvs'), 'info', 'x') $$, 'anon cannot insert feed_events');
select tests.assert_denied($$ update public.feed_events set acknowledged_at = now() $$, 'anon cannot update feed_events');
select tests.assert_denied($$ delete from public.feed_events $$, 'anon cannot delete feed_events');

select tests.authenticate_as('cvs_outsider');
select tests.assert_filtered($$ select * from public.feed_events where workspace_id = tests.workspace_id('cvs') $$, 'outsider sees no feed event of a');
select tests.assert_denied($$ insert into public.feed_events (workspace_id, type, title) values (tests.workspace_id('cvs'), 'info', 'x') $$, 'outsider cannot post feed events in a');
select is(pg_temp.affected($$ update public.feed_events set acknowledged_at = now() where id = 'c7000000-0000-4000-8000-000000000001' $$), 0, 'outsider acknowledges nothing in a');
select is(pg_temp.affected($$ delete from public.feed_events where id = 'c7000000-0000-4000-8000-000000000001' $$), 0, 'outsider deletes nothing in a');

select tests.authenticate_as('cvs_viewer');
select is((select count(*)::int from public.feed_events), 2, 'viewer reads workspace-wide events of a, not the admin''s own');
select tests.assert_denied($$ insert into public.feed_events (workspace_id, type, title) values (tests.workspace_id('cvs'), 'info', 'x') $$, 'viewer cannot post feed events');
select is(pg_temp.affected($$ update public.feed_events set acknowledged_at = now() where id = 'c7000000-0000-4000-8000-000000000001' $$), 0, 'viewer cannot acknowledge');
select is(pg_temp.affected($$ delete from public.feed_events where id = 'c7000000-0000-4000-8000-000000000004' $$), 0, 'viewer cannot delete');

select tests.authenticate_as('cvs_member');
select is((select count(*)::int from public.feed_events), 2, 'member reads workspace-wide events of a');
select lives_ok($$ insert into public.feed_events (workspace_id, type, title) values (tests.workspace_id('cvs'), 'info', 'member note') $$, 'member posts a feed event');
select is(pg_temp.affected($$ update public.feed_events set acknowledged_at = now() where id = 'c7000000-0000-4000-8000-000000000001' $$), 1, 'member acknowledges an event');
select is((select acknowledged_by from public.feed_events where id = 'c7000000-0000-4000-8000-000000000001'), tests.user_id('cvs_member'), 'acknowledged_by is the member');
select is(pg_temp.affected($$ update public.feed_events set acknowledged_at = now() where id = 'c7000000-0000-4000-8000-000000000002' $$), 0, 'member cannot acknowledge the admin''s own event');
select is(pg_temp.affected($$ delete from public.feed_events where id = 'c7000000-0000-4000-8000-000000000004' $$), 0, 'member cannot delete');

select tests.authenticate_as('cvs_admin');
select is((select count(*)::int from public.feed_events), 4, 'admin reads workspace events and their own');
select lives_ok($$ insert into public.feed_events (workspace_id, type, title) values (tests.workspace_id('cvs'), 'alert', 'admin alert') $$, 'admin posts a feed event');
select is(pg_temp.affected($$ update public.feed_events set acknowledged_at = now() where id = 'c7000000-0000-4000-8000-000000000002' $$), 1, 'admin acknowledges their own event');
select tests.assert_denied($$ update public.feed_events set title = 'rewritten' $$, 'admin cannot rewrite an event');
select is(pg_temp.affected($$ delete from public.feed_events where id = 'c7000000-0000-4000-8000-000000000004' $$), 1, 'admin deletes an event');

select tests.authenticate_as('cvs_owner');
select is((select count(*)::int from public.feed_events where user_id is null), 3, 'owner reads workspace-wide events of a');
select lives_ok($$ insert into public.feed_events (workspace_id, type, title) values (tests.workspace_id('cvs'), 'info', 'owner note') $$, 'owner posts a feed event');
select is(pg_temp.affected($$ update public.feed_events set acknowledged_at = null where id = 'c7000000-0000-4000-8000-000000000001' $$), 1, 'owner re-opens an event');
select is(pg_temp.affected($$ delete from public.feed_events where title = 'member note' $$), 1, 'owner deletes an event');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.feed_events where id = 'c7000000-0000-4000-8000-000000000003'), 1, 'service_role reads other workspaces'' events');
select lives_ok($$ insert into public.feed_events (workspace_id, type, title, user_id) values (tests.workspace_id('cvs'), 'approval_needed', 'svc', tests.user_id('cvs_member')) $$, 'service_role posts an event for one member');
select is(pg_temp.affected($$ update public.feed_events set title = 'svc edit' where id = 'c7000000-0000-4000-8000-000000000003' $$), 1, 'service_role updates an event');
select is(pg_temp.affected($$ delete from public.feed_events where id = 'c7000000-0000-4000-8000-000000000003' $$), 1, 'service_role deletes an event');

-- ------------------------------------------------------------------------------------ email_routing_rules
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.email_routing_rules $$, 'anon cannot read email_routing_rules');
select tests.assert_denied($$ insert into public.email_routing_rules (workspace_id, agent_id, name, to_pattern) values (tests.workspace_id('cvs'), (select id from public.agents where slug = 'cvs-agent'), 'x', 'x') $$, 'anon cannot insert rules');
select tests.assert_denied($$ update public.email_routing_rules set enabled = false $$, 'anon cannot update rules');
select tests.assert_denied($$ delete from public.email_routing_rules $$, 'anon cannot delete rules');

select tests.authenticate_as('cvs_outsider');
select tests.assert_filtered($$ select * from public.email_routing_rules where workspace_id = tests.workspace_id('cvs') $$, 'outsider sees no rule of a');
select tests.assert_denied($$ insert into public.email_routing_rules (workspace_id, agent_id, name, to_pattern) values (tests.workspace_id('cvs'), 'c0000000-0000-4000-8000-000000000000', 'x', 'x') $$, 'outsider cannot add rules in a');
select is(pg_temp.affected($$ update public.email_routing_rules set enabled = false where id = 'c8000000-0000-4000-8000-000000000001' $$), 0, 'outsider updates no rule of a');
select is(pg_temp.affected($$ delete from public.email_routing_rules where id = 'c8000000-0000-4000-8000-000000000001' $$), 0, 'outsider deletes no rule of a');

select tests.authenticate_as('cvs_viewer');
select is((select count(*)::int from public.email_routing_rules), 2, 'viewer reads the rules of a');
select tests.assert_denied($$ insert into public.email_routing_rules (workspace_id, agent_id, name, to_pattern) values (tests.workspace_id('cvs'), (select id from public.agents where slug = 'cvs-agent'), 'x', 'x') $$, 'viewer cannot add rules');
select is(pg_temp.affected($$ update public.email_routing_rules set enabled = false where id = 'c8000000-0000-4000-8000-000000000001' $$), 0, 'viewer cannot update rules');
select is(pg_temp.affected($$ delete from public.email_routing_rules where id = 'c8000000-0000-4000-8000-000000000001' $$), 0, 'viewer cannot delete rules');
select tests.authenticate_as('cvs_member');
select is((select count(*)::int from public.email_routing_rules), 2, 'member reads the rules of a');
select tests.assert_denied($$ insert into public.email_routing_rules (workspace_id, agent_id, name, to_pattern) values (tests.workspace_id('cvs'), (select id from public.agents where slug = 'cvs-agent'), 'x', 'x') $$, 'member cannot add rules');
select is(pg_temp.affected($$ update public.email_routing_rules set enabled = false where id = 'c8000000-0000-4000-8000-000000000001' $$), 0, 'member cannot update rules');
select is(pg_temp.affected($$ delete from public.email_routing_rules where id = 'c8000000-0000-4000-8000-000000000001' $$), 0, 'member cannot delete rules');

select tests.authenticate_as('cvs_admin');
select is((select count(*)::int from public.email_routing_rules), 2, 'admin reads the rules of a');
select lives_ok($$ insert into public.email_routing_rules (workspace_id, agent_id, name, to_pattern, priority) values (tests.workspace_id('cvs'), (select id from public.agents where slug = 'cvs-agent'), 'Support', 'support@', 5) $$, 'admin adds a rule');
select is(pg_temp.affected($$ update public.email_routing_rules set priority = 1 where id = 'c8000000-0000-4000-8000-000000000001' $$), 1, 'admin updates a rule');
select is(pg_temp.affected($$ delete from public.email_routing_rules where id = 'c8000000-0000-4000-8000-000000000003' $$), 1, 'admin deletes a rule');

select tests.authenticate_as('cvs_owner');
select is(pg_temp.affected($$ update public.email_routing_rules set enabled = true where workspace_id = tests.workspace_id('cvs') $$), 2, 'owner updates rules');
select is((select count(*)::int from public.email_routing_rules), 2, 'owner reads the rules of a');
select lives_ok($$ insert into public.email_routing_rules (workspace_id, agent_id, name, from_pattern) values (tests.workspace_id('cvs'), (select id from public.agents where slug = 'cvs-agent'), 'Owner rule', 'ceo@') $$, 'owner adds a rule');
select is(pg_temp.affected($$ delete from public.email_routing_rules where name = 'Owner rule' $$), 1, 'owner deletes a rule');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.email_routing_rules where id = 'c8000000-0000-4000-8000-000000000002'), 1, 'service_role reads any rule');
select is(pg_temp.affected($$ update public.email_routing_rules set priority = 7 where id = 'c8000000-0000-4000-8000-000000000002' $$), 1, 'service_role updates any rule');
select lives_ok($$ insert into public.email_routing_rules (workspace_id, agent_id, name, to_pattern) values (tests.workspace_id('cvs', 'b'), (select id from public.agents where slug = 'cvs-agent-b'), 'svc', 'x') $$, 'service_role adds a rule');
select is(pg_temp.affected($$ delete from public.email_routing_rules where id = 'c8000000-0000-4000-8000-000000000002' $$), 1, 'service_role deletes any rule');

select * from finish();
rollback;
