-- Budget notifications: entering warned / exceeded notifies the workspace's admins and owners once per
-- agent, kind and period, however often the status flips; a new period notifies again; a user who turned
-- the kind off gets nothing.
begin;
select plan(11);

select tests.create_workspace_fixture('ubnot');
update public.workspaces set monthly_budget_usd = 10, budget_hard_cutoff = true where id = tests.workspace_id('ubnot');
create table pg_temp.fx as select tests.create_agent_fixture(tests.workspace_id('ubnot'), 'ubnot-agent') as agent;
create function pg_temp.count_kind(p_kind text) returns int language sql as
  $$ select count(*)::int from public.notifications where kind = p_kind and entity_id = (select agent from pg_temp.fx) $$;
-- The first part of the test happens in the previous month (UTC workspace): calls dated then.
create function pg_temp.prev() returns timestamptz language sql as $$ select date_trunc('month', now(), 'UTC') - interval '1 month' $$;
update public.agent_budgets set period_start = pg_temp.prev(), period_end = date_trunc('month', now(), 'UTC')
where agent_id = (select agent from pg_temp.fx);
create function pg_temp.spend(p_usd numeric, p_at timestamptz default pg_temp.prev() + interval '1 day') returns void language sql as
  $$ insert into public.agent_usage (agent_id, provider, model, cost_total_usd, occurred_at)
     select agent, 'openai', 'gpt-4.1', p_usd, p_at from pg_temp.fx $$;

-- The viewer opts out of nothing (not a recipient anyway); the admin turns budget.warned off in-app.
insert into public.notification_preferences (user_id, kind, channel, enabled)
values (tests.user_id('ubnot_admin'), 'budget.warned', 'in_app', false);

select pg_temp.spend(8.5);
select is(pg_temp.count_kind('budget.warned'), 1, 'crossing 80% notifies once: the owner (the admin opted out of budget.warned)');
select is((select user_id from public.notifications where kind = 'budget.warned' and entity_id = (select agent from pg_temp.fx)),
  tests.user_id('ubnot_owner'), 'the recipient is the owner');

select pg_temp.spend(0.5);
select is(pg_temp.count_kind('budget.warned'), 1, 'more spend while warned adds no notification');

select pg_temp.spend(2);
select is(pg_temp.count_kind('budget.exceeded'), 2, 'exceeding notifies the owner and the admin');
select ok(not exists (select 1 from public.notifications n where n.entity_id = (select agent from pg_temp.fx)
                      and n.user_id in (tests.user_id('ubnot_member'), tests.user_id('ubnot_viewer'), tests.user_id('ubnot_outsider'))),
  'members, viewers and outsiders are not notified');
select matches((select title from public.notifications where kind = 'budget.exceeded' and entity_id = (select agent from pg_temp.fx) limit 1), 'Ubnot Agent is over its monthly budget',
  'the title names the agent');

-- Flip the status back and forth within the same period: no new notifications.
select public.set_agent_budget((select agent from pg_temp.fx), 100) from (select tests.authenticate_as('ubnot_admin')) a;
select tests.clear_authentication();
update public.agent_budgets set monthly_limit_usd = 10 where agent_id = (select agent from pg_temp.fx);
select is((select status from public.agent_budgets where agent_id = (select agent from pg_temp.fx)), 'exceeded'::public.budget_status,
  'ok -> exceeded again in the same period');
select is(pg_temp.count_kind('budget.exceeded'), 2, 'no second exceeded notification in one period');
select is(pg_temp.count_kind('budget.warned'), 1, 'no second warned notification in one period');

-- A new period notifies again (dedup key is agent + period start).
select pg_temp.spend(20, now());
select is(pg_temp.count_kind('budget.exceeded'), 4, 'the first exceed of the next period notifies owner and admin again');
select is((select count(distinct dedup_key)::int from public.notifications where entity_id = (select agent from pg_temp.fx)
           and kind = 'budget.exceeded'), 2, 'one dedup key per period');

select * from finish();
rollback;
