-- Demo data for usage, budgets, notifications and account extras (workspace 'hq').
-- An agent close to its budget, one over it with hard cutoff (its inbox stays parked), a few notifications
-- (written by the budget trigger), personalization and a trial. Ids in the a4000000-... range.

insert into public.gateways (id, workspace_id, slug, label, status)
values ('a4000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001', 'usage-demo-gw',
        'Usage demo gateway', 'online')
on conflict (id) do nothing;

insert into public.agents (id, workspace_id, slug, name, gateway_id, type)
values
  ('a4000000-0000-4000-8000-000000000011', 'd2000000-0000-4000-8000-000000000001', 'budget-scout', 'Budget Scout',
   'a4000000-0000-4000-8000-000000000001', 'research'),
  ('a4000000-0000-4000-8000-000000000012', 'd2000000-0000-4000-8000-000000000001', 'budget-spender', 'Budget Spender',
   'a4000000-0000-4000-8000-000000000001', 'custom')
on conflict (id) do nothing;

-- Limits: the scout has 20 USD, the spender 5 USD with hard cutoff.
update public.agent_budgets set monthly_limit_usd = 20, soft_threshold_pct = 80, follows_workspace_default = false
where agent_id = 'a4000000-0000-4000-8000-000000000011';
update public.agent_budgets set monthly_limit_usd = 5, hard_cutoff = true, follows_workspace_default = false
where agent_id = 'a4000000-0000-4000-8000-000000000012';

insert into public.agent_usage (agent_id, gateway_id, provider, model, operation, input_tokens, output_tokens,
                                cache_read_tokens, cost_input_usd, cost_output_usd, cost_cache_read_usd,
                                occurred_at, idempotency_key, run_id)
select 'a4000000-0000-4000-8000-000000000011', 'a4000000-0000-4000-8000-000000000001', 'anthropic',
       'claude-sonnet-4', 'chat', 12000, 1800, 4000, 3.6, 2.7, 0.12,
       now() - make_interval(mins => 10 * g), 'seed-scout-' || g, 'seed-run-' || g
from generate_series(1, 3) g
on conflict (workspace_id, idempotency_key) do nothing;

insert into public.agent_usage (agent_id, provider, model, operation, input_tokens, output_tokens, cost_total_usd,
                                occurred_at, idempotency_key)
values
  ('a4000000-0000-4000-8000-000000000012', 'openai', 'gpt-4.1', 'chat', 40000, 6000, 4.2, now() - interval '5 minutes', 'seed-spender-1'),
  ('a4000000-0000-4000-8000-000000000012', 'openai', 'text-embedding-3-small', 'embedding', 90000, 0, 1.1, now() - interval '2 minutes', 'seed-spender-2')
on conflict (workspace_id, idempotency_key) do nothing;

insert into public.user_personalization (user_id, bio, occupation, company, goals, interests, social_handles)
values ('d0000000-0000-4000-8000-000000000001', 'Runs Acme Robotics.', 'Founder', 'Acme Robotics',
        'Ship the 2025 launch on time.', array['robotics', 'sales'], '{"github": "olivia-owner"}')
on conflict (user_id) do nothing;

insert into public.notification_preferences (user_id, kind, channel, enabled)
values ('d0000000-0000-4000-8000-000000000002', '*', 'email', false)
on conflict (user_id, kind, channel) do nothing;

insert into public.user_trials (id, organization_id, user_id, plan, started_at, ends_at)
select 'a4000000-0000-4000-8000-000000000021', w.organization_id, 'd0000000-0000-4000-8000-000000000001', 'team',
       now() - interval '3 days', now() + interval '11 days'
from public.workspaces w where w.id = 'd2000000-0000-4000-8000-000000000001'
on conflict do nothing;
