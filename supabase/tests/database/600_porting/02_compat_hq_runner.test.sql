-- Porting: an HQ-style runner loop through compat_hq (lease_command -> start_command ->
-- complete_command / fail_command), end to end over the native command queue.
begin;
select plan(22);

select tests.create_workspace_fixture('pq');
-- This file checks the event trail: event log 'all' (the default is 'changes').
update public.workspaces set settings = settings || '{"queue_event_log": "all"}' where id in (tests.workspace_id('pq'), tests.workspace_id('pq', 'b'));
create temp table pq_fx (k text primary key, id uuid) on commit drop;
grant all on pq_fx to public;
insert into pq_fx values ('agent', tests.create_agent_fixture(tests.workspace_id('pq'), 'pq-runner'));
insert into pq_fx select 'gw', gateway_id from public.agents where id = (select id from pq_fx where k = 'agent');
select set_config('compat_hq.workspace_id', tests.workspace_id('pq')::text, true);

-- Three commands, enqueued natively (as the app would).
select tests.authenticate_as_service_role();
insert into pq_fx select 'c1', id from public.enqueue_command((select id from pq_fx where k = 'gw'), 'update', '{"n":1}');
insert into pq_fx select 'c2', id from public.enqueue_command((select id from pq_fx where k = 'gw'), 'auth_list', '{"n":2}');
insert into pq_fx select 'c3', id from public.enqueue_command((select id from pq_fx where k = 'gw'), 'remove', '{"n":3}',
  p_agent_id => (select id from pq_fx where k = 'agent'));

-- The HQ runner: lease by gateway slug until nothing is left; 'remove' fails, the rest complete.
create temp table pq_seen (n serial, id uuid, action text, status text, agent_slug text, leased_until timestamptz) on commit drop;
grant all on pq_seen to public; grant all on sequence pq_seen_n_seq to public;
do $$
declare
  c compat_hq.agent_command;
begin
  loop
    select * into c from compat_hq.lease_command(300, 'pq-runner-gw');
    exit when c.id is null;
    insert into pq_seen (id, action, status, agent_slug, leased_until) values (c.id, c.action, c.status, c.agent_slug, c.leased_until);
    perform compat_hq.start_command(c.id);
    if c.action = 'remove' then
      perform compat_hq.fail_command(c.id, 2, 'partial', 'boom', 'agent directory locked');
    else
      perform compat_hq.complete_command(c.id, 0, 'ok ' || c.action, '');
    end if;
  end loop;
end
$$;

select is((select count(*)::int from pq_seen), 3, 'the loop leased each command once, then found nothing');
select is((select array_agg(status order by n) from pq_seen), array['leased','leased','leased'], 'leased rows come back with status leased');
select ok((select bool_and(leased_until between now() + interval '299 seconds' and now() + interval '301 seconds') from pq_seen),
  'leased_until = now + p_lease_seconds');
select is((select agent_slug from pq_seen where id = (select id from pq_fx where k = 'c3')), 'pq-runner', 'agent_slug is filled from the agent');
select is((select status::text from public.agent_commands where id = (select id from pq_fx where k = 'c1')), 'done', 'c1 done');
select is((select stdout from public.agent_commands where id = (select id from pq_fx where k = 'c2')), 'ok auth_list', 'stdout stored');
select is((select exit_code from public.agent_commands where id = (select id from pq_fx where k = 'c1')), 0, 'exit code stored');
select is((select status::text from public.agent_commands where id = (select id from pq_fx where k = 'c3')), 'failed', 'c3 failed for good (HQ: no retry)');
select is((select last_error from public.agent_commands where id = (select id from pq_fx where k = 'c3')), 'agent directory locked', 'error kept');
select is((select (c).error_message from (select compat_hq.command_row((select id from pq_fx where k = 'c3')) c) x),
  'agent directory locked', 'HQ shape: error_message');
select ok((select (c).failed_at is not null and (c).completed_at is null from (select compat_hq.command_row((select id from pq_fx where k = 'c3')) c) x),
  'HQ shape: failed_at set, completed_at null');
select is((select count(*)::int from public.agent_command_events e where e.command_id = (select id from pq_fx where k = 'c1')
           and e.to_status in ('leased', 'running', 'done')), 3, 'the native event trail records lease, start, done');

-- A repeated completion (a lost HTTP response retried) is a no-op; finishing a finished row otherwise raises.
select lives_ok($$ select compat_hq.complete_command((select id from pq_fx where k = 'c1'), 0, 'again', '') $$, 'repeat complete: no-op');
select is((select stdout from public.agent_commands where id = (select id from pq_fx where k = 'c1')), 'ok update', 'repeat complete changed nothing');
select throws_ok($$ select compat_hq.complete_command((select id from pq_fx where k = 'c3'), 0, '', '') $$, '55000', null,
  'complete after fail: 55000 (not leased)');
select throws_ok($$ select compat_hq.start_command('c4000000-0000-4000-8000-0000000000ff') $$, 'P0002',
  'command c4000000-0000-4000-8000-0000000000ff not found (p_command_id)', 'unknown command: P0002');

-- Without a slug: any gateway's oldest command (HQ semantics); unknown slug: P0002.
insert into pq_fx select 'c4', id from public.enqueue_command((select id from pq_fx where k = 'gw'), 'update_all', '{}');
select is((select id from compat_hq.lease_command(60)), (select id from pq_fx where k = 'c4'), 'no slug: leases the oldest leasable command');
select throws_ok($$ select * from compat_hq.lease_command(60, 'nope') $$, 'P0002', 'gateway "nope" not found (p_gateway_slug)', 'unknown slug');

-- Compat acts on the CURRENT lease (no fencing): the native call with the token of an older lease is refused.
select is((select (public.complete_command((select id from pq_fx where k = 'c4'), gen_random_uuid(), null, 0, null, null)) ->> 'reason'),
  'lease_lost', 'native complete with a stale token: lease_lost');
select tests.clear_authentication();

-- Who may call: a member is refused by the native RPC underneath; anon has no usage on the schema.
select tests.authenticate_as('pq_member');
select throws_ok($$ select * from compat_hq.lease_command(60, 'pq-runner-gw') $$, '42501', null, 'member: lease refused (42501)');
select tests.authenticate_as_anon();
select throws_ok($$ select * from compat_hq.lease_command(60) $$, '42501', null, 'anon: no access to compat_hq');
select tests.clear_authentication();
-- An authenticated admin without the setting and with several workspaces must name one.
select set_config('compat_hq.workspace_id', '', true);
select tests.authenticate_as('pq_owner');
select throws_ok($$ select compat_hq.workspace_id() $$, '55000', null, 'ambiguous workspace: 55000');
select tests.clear_authentication();

select * from finish();
rollback;
