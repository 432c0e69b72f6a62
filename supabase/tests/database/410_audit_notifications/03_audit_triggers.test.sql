-- What the audit triggers write: actor (human / agent / system), action, entity, changed columns with
-- before/after; secrets never copied; heartbeat noise and budget totals not logged; cascades from a
-- deleted workspace collapse into the workspace's own row.
begin;
select plan(22);

select tests.create_workspace_fixture('anaud');
create table pg_temp.fx as select tests.create_agent_fixture(tests.workspace_id('anaud'), 'anaud-agent') as agent;
grant select on pg_temp.fx to authenticated, service_role;
create function pg_temp.last(p_action text) returns public.audit_log language sql as
  $$ select * from public.audit_log where action = p_action and workspace_id = tests.workspace_id('anaud') order by id desc limit 1 $$;

-- Role change by a human admin.
select tests.authenticate_as('anaud_admin');
select public.set_member_role(tests.workspace_id('anaud'), tests.user_id('anaud_viewer'), 'member');
select tests.clear_authentication();
select is((pg_temp.last('workspace_members.update')).actor_type, 'human'::public.actor_type, 'a role change by a signed-in admin is a human action');
select is((pg_temp.last('workspace_members.update')).actor_user_id, tests.user_id('anaud_admin'), 'the actor is the admin');
select is((pg_temp.last('workspace_members.update')).actor_role, 'authenticated', 'with the request role');
select is((pg_temp.last('workspace_members.update')).entity_id, tests.user_id('anaud_viewer')::text, 'the entity is the member');
select is((pg_temp.last('workspace_members.update')).changed_columns, array['role'], 'only role changed (updated_at is ignored)');
select is(((pg_temp.last('workspace_members.update')).before, (pg_temp.last('workspace_members.update')).after),
  ('{"role": "viewer"}'::jsonb, '{"role": "member"}'::jsonb), 'before and after hold the old and new role');

-- Invites: the token hash never reaches the trail.
select tests.authenticate_as('anaud_admin');
select public.create_invite(tests.workspace_id('anaud'), 'new.person@example.com', 'member');
select tests.clear_authentication();
select is((pg_temp.last('invites.insert')).after ->> 'email', 'new.person@example.com', 'an invite is logged with its address');
select ok(not ((pg_temp.last('invites.insert')).after ? 'token_hash'), 'but without its token hash');
select is((pg_temp.last('invites.update')).changed_columns, null, 'no invite was updated yet');

-- System actor: service_role and the owner role.
select tests.authenticate_as_service_role();
update public.workspaces set settings = '{"theme": "dark"}' where id = tests.workspace_id('anaud');
select tests.clear_authentication();
select is(((pg_temp.last('workspaces.update')).actor_type, (pg_temp.last('workspaces.update')).actor_role),
  ('system'::public.actor_type, 'service_role'::text), 'a service_role change is a system action');
select is((pg_temp.last('workspaces.update')).after, '{"settings": {"theme": "dark"}}'::jsonb, 'settings changes are logged');

-- Agent actor: a JWT claim agent_id marks the change as the agent's.
select tests.authenticate_as('anaud_admin');
select set_config('request.jwt.claims', (current_setting('request.jwt.claims')::jsonb
  || jsonb_build_object('agent_id', (select agent from pg_temp.fx)))::text, true);
update public.agents set name = 'Renamed by itself' where id = (select agent from pg_temp.fx);
select tests.clear_authentication();
select is(((pg_temp.last('agents.update')).actor_type, (pg_temp.last('agents.update')).actor_agent_id, (pg_temp.last('agents.update')).actor_user_id),
  ('agent'::public.actor_type, (select agent from pg_temp.fx), tests.user_id('anaud_admin')),
  'an agent acting with the admin''s session is logged as the agent, on behalf of the admin');

-- Server-side code can set the agent identity for the transaction.
select set_config('agentbase.actor_agent_id', (select agent from pg_temp.fx)::text, true);
update public.agents set description = 'set by a server job' where id = (select agent from pg_temp.fx);
select set_config('agentbase.actor_agent_id', '', true);
select is((pg_temp.last('agents.update')).changed_columns, array['description'], 'the description change is logged');
select is((pg_temp.last('agents.update')).actor_type, 'agent'::public.actor_type, 'agentbase.actor_agent_id marks an agent actor');

-- Noise is not logged: heartbeats (last_seen_at, status) and budget totals.
select is((select count(*)::int from public.audit_log where action = 'agents.update' and workspace_id = tests.workspace_id('anaud')), 2,
  'two agent updates so far');
update public.agents set last_seen_at = now(), status = 'online' where id = (select agent from pg_temp.fx);
select is((select count(*)::int from public.audit_log where action = 'agents.update' and workspace_id = tests.workspace_id('anaud')), 2,
  'a presence update of an agent is not logged');
insert into public.agent_usage (agent_id, provider, model, cost_total_usd) select agent, 'openai', 'gpt-4.1', 1 from pg_temp.fx;
select is((select count(*)::int from public.audit_log where action = 'agent_budgets.update' and workspace_id = tests.workspace_id('anaud')), 0,
  'usage moving the budget totals is not logged');
select public.set_agent_budget((select agent from pg_temp.fx), 42);
select is((pg_temp.last('agent_budgets.update')).after, '{"monthly_limit_usd": 42.00, "follows_workspace_default": false}'::jsonb,
  'a budget limit change is logged');

-- Gateway tokens: creation is logged.
select tests.authenticate_as('anaud_admin');
select public.create_gateway_token(tests.workspace_id('anaud'), 600, 'rack 1');
select tests.clear_authentication();
select is((pg_temp.last('gateway_registration_tokens.insert')).after ->> 'label', 'rack 1', 'a gateway token creation is logged');

-- Deleting the workspace: one row for the workspace, none for the rows it cascades to.
delete from public.workspaces where id = tests.workspace_id('anaud', 'b');
select public.remove_member(tests.workspace_id('anaud'), tests.user_id('anaud_member'));
select is((pg_temp.last('workspace_members.delete')).before ->> 'user_id', tests.user_id('anaud_member')::text,
  'a member removal (not a cascade) is logged with the removed membership');
select is((select array_agg(action order by id) from public.audit_log a
           where a.workspace_id = (select (before ->> 'id')::uuid from public.audit_log where action = 'workspaces.delete' order by id desc limit 1)
             and a.action like '%.delete'),
  array['workspaces.delete'], 'a workspace delete is one audit row; its cascaded members are not logged one by one');
select is((select before ->> 'slug' from public.audit_log where action = 'workspaces.delete' order by id desc limit 1), 'anaud-b',
  'the deleted workspace''s row is kept in before');

select * from finish();
rollback;
