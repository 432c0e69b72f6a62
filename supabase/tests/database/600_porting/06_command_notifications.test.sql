-- Porting: notifications for command outcomes (HQ and the enterprise platform notify about more than
-- budgets): done -> the requester; failed -> the requester, or the admins when nobody requested it.
begin;
select plan(10);

select tests.create_workspace_fixture('pn');
create temp table pn_fx (k text primary key, id uuid) on commit drop;
grant all on pn_fx to public;
insert into pn_fx values ('agent', tests.create_agent_fixture(tests.workspace_id('pn'), 'pn-agent'));
insert into pn_fx select 'gw', gateway_id from public.agents where id = (select id from pn_fx where k = 'agent');

-- An admin requests two commands (requested_by = the admin); the service role enqueues a third.
select tests.authenticate_as('pn_admin');
insert into pn_fx select 'mine_ok', id from public.enqueue_command((select id from pn_fx where k = 'gw'), 'update', '{}');
insert into pn_fx select 'mine_bad', id from public.enqueue_command((select id from pn_fx where k = 'gw'), 'remove', '{}');
select tests.clear_authentication();
select tests.authenticate_as_service_role();
insert into pn_fx select 'daemon_bad', id from public.enqueue_command((select id from pn_fx where k = 'gw'), 'restart_gateway', '{}');

-- A runner: complete the first, fail the other two for good (compat_hq keeps HQ's final failure).
select set_config('compat_hq.workspace_id', tests.workspace_id('pn')::text, true);
do $$
declare
  c compat_hq.agent_command;
begin
  loop
    select * into c from compat_hq.lease_command(60, 'pn-agent-gw');
    exit when c.id is null;
    if c.action = 'update' then
      perform compat_hq.complete_command(c.id, 0, 'ok', '');
    else
      perform compat_hq.fail_command(c.id, 1, '', '', 'disk full');
    end if;
  end loop;
end
$$;
select tests.clear_authentication();

select is((select count(*)::int from public.notifications where entity_id = (select id from pn_fx where k = 'mine_ok')
           and kind = 'command.done' and user_id = tests.user_id('pn_admin')), 1, 'done -> the requester');
select is((select count(*)::int from public.notifications where entity_id = (select id from pn_fx where k = 'mine_ok')), 1,
  'done -> nobody else');
select is((select body from public.notifications where entity_id = (select id from pn_fx where k = 'mine_bad')
           and kind = 'command.failed' and user_id = tests.user_id('pn_admin')), 'disk full', 'failed -> the requester, with the error');
select is((select count(*)::int from public.notifications where entity_id = (select id from pn_fx where k = 'mine_bad')), 1,
  'a requested failure goes to the requester only');
select is((select array_agg(user_id order by user_id) from public.notifications
           where entity_id = (select id from pn_fx where k = 'daemon_bad') and kind = 'command.failed'),
  (select array_agg(u order by u) from unnest(array[tests.user_id('pn_owner'), tests.user_id('pn_admin')]) u),
  'an unrequested failure goes to owner and admins, not members or viewers');

-- Preferences: the admin turns command.failed off; a retryable failure (back to pending) notifies nobody.
insert into public.notification_preferences (user_id, kind, channel, enabled) values (tests.user_id('pn_admin'), 'command.failed', 'in_app', false);
select tests.authenticate_as('pn_admin');
insert into pn_fx select 'retry', id from public.enqueue_command((select id from pn_fx where k = 'gw'), 'auth_list', '{}');
select tests.clear_authentication();
select tests.authenticate_as_service_role();
create temp table pn_lease on commit drop as select * from public.lease_command((select id from pn_fx where k = 'gw'), 1, 60);
select is((select (public.fail_command(l.id, l.lease_token, 'flaky', true)) ->> 'status' from pn_lease l), 'pending', 'retryable failure requeues');
select is((select count(*)::int from public.notifications where entity_id = (select id from pn_fx where k = 'retry')), 0,
  'no notification while the command will be retried');
insert into pn_fx select 'off', id from public.enqueue_command((select id from pn_fx where k = 'gw'), 'auth_remove', '{}',
  p_priority => 100);
select tests.clear_authentication();
update public.agent_commands set requested_by = tests.user_id('pn_admin') where id = (select id from pn_fx where k = 'off');
select tests.authenticate_as_service_role();
create temp table pn_lease2 on commit drop as select * from public.lease_command((select id from pn_fx where k = 'gw'), 1, 60);
select is((select l.id from pn_lease2 l), (select id from pn_fx where k = 'off'), 'leased the high-priority command');
select lives_ok($$ select public.fail_command(l.id, l.lease_token, 'nope', false) from pn_lease2 l $$, 'fail for good');
select tests.clear_authentication();
select is((select count(*)::int from public.notifications where entity_id = (select id from pn_fx where k = 'off')), 0,
  'the requester switched command.failed off: no notification');

select * from finish();
rollback;
