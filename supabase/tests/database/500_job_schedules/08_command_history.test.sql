-- A job stays linked to its command after the command finishes and moves to agent_command_history;
-- the link must name a command of the job's own workspace; a real deletion of the command clears it.
begin;
select plan(7);

select tests.create_workspace_fixture('jch');
select tests.create_agent_fixture(tests.workspace_id('jch'), 'jch-agent');
select tests.create_agent_fixture(tests.workspace_id('jch', 'b'), 'jch-other');

create temporary table jch (k text primary key, id uuid, token uuid) on commit drop;
insert into jch (k, id) select 'gw', id from public.gateways where slug = 'jch-agent-gw';
insert into jch (k, id) select 'gw_b', id from public.gateways where slug = 'jch-other-gw';
insert into jch (k, id) select 'cmd', id from public.enqueue_command(p_gateway_id => (select id from jch where k = 'gw'), p_action => 'jch.run');
insert into jch (k, id) select 'cmd_b', id from public.enqueue_command(p_gateway_id => (select id from jch where k = 'gw_b'), p_action => 'jch.run');

insert into public.jobs (workspace_id, target_kind, gateway_id, command_id)
values (tests.workspace_id('jch'), 'agent_command', (select id from jch where k = 'gw'), (select id from jch where k = 'cmd'));

-- The command runs and finishes: the row leaves the hot table for history.
update jch set token = l.lease_token from public.lease_command((select id from jch where k = 'gw'), 1, 60) l where jch.k = 'cmd';
select public.start_command((select id from jch where k = 'cmd'), (select token from jch where k = 'cmd'));
select public.complete_command((select id from jch where k = 'cmd'), (select token from jch where k = 'cmd'));
select ok(exists (select 1 from public.agent_command_history where id = (select id from jch where k = 'cmd'))
          and not exists (select 1 from only public.agent_commands where id = (select id from jch where k = 'cmd')),
  'the finished command moved to history');
select is((select command_id from public.jobs where workspace_id = tests.workspace_id('jch')), (select id from jch where k = 'cmd'),
  'the job still names its command after the move');
select is(private.sync_command_jobs(100) >= 1, true, 'the sync finds the finished command through history');
select is((select status::text from public.jobs where workspace_id = tests.workspace_id('jch')), 'succeeded',
  'and the job takes its outcome');

select throws_ok($$ insert into public.jobs (workspace_id, target_kind, gateway_id, command_id)
  values (tests.workspace_id('jch'), 'agent_command', (select id from jch where k = 'gw'), (select id from jch where k = 'cmd_b')) $$,
  '23503', null, 'a job cannot name a command of another workspace');
select throws_ok($$ insert into public.jobs (workspace_id, target_kind, gateway_id, command_id)
  values (tests.workspace_id('jch'), 'agent_command', (select id from jch where k = 'gw'), gen_random_uuid()) $$,
  '23503', null, 'nor a command that does not exist');

-- Deleting the gateway deletes its commands (live and finished): the job forgets the command.
delete from public.gateways where id = (select id from jch where k = 'gw');
select is((select command_id from public.jobs where workspace_id = tests.workspace_id('jch')), null::uuid,
  'a real deletion of the command clears the link, as on delete set null did');

select * from finish();
rollback;
