-- Demo data for notifications and account extras (workspace 'hq'). Ids in the a4000000-... range.
-- No agents, gateways or usage here: the agents suites count every agent and gateway in the database, so
-- demo usage belongs next to the demo agents once a seed file provides them.

insert into public.notifications (id, user_id, workspace_id, kind, title, body, dedup_key)
values
  ('a4000000-0000-4000-8000-000000000031', 'd0000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001',
   'workspace.welcome', 'Welcome to the HQ workspace', 'Invite your team and register a gateway to start.', 'welcome'),
  ('a4000000-0000-4000-8000-000000000032', 'd0000000-0000-4000-8000-000000000002', 'd2000000-0000-4000-8000-000000000001',
   'workspace.welcome', 'Welcome to the HQ workspace', 'Invite your team and register a gateway to start.', 'welcome')
on conflict (id) do nothing;

insert into public.user_personalization (user_id, bio, occupation, company, goals, interests, social_handles)
values ('d0000000-0000-4000-8000-000000000001', 'Runs Acme Robotics.', 'Founder', 'Acme Robotics',
        'Ship the 2025 launch on time.', array['robotics', 'sales'], '{"github": "olivia-owner"}')
on conflict (user_id) do nothing;

insert into public.notification_preferences (user_id, kind, channel, enabled)
values ('d0000000-0000-4000-8000-000000000002', '*', 'email', false)
on conflict (user_id, kind, channel) do nothing;

-- Demo API token for local backends: abp_ followed by 62 zeros and "de" (read-only agents scope).
insert into public.platform_tokens (id, workspace_id, name, token_prefix, token_hash, scopes, expires_at, created_by)
values ('a4000000-0000-4000-8000-000000000041', 'd2000000-0000-4000-8000-000000000001', 'Local demo backend',
        'abp_00000000', extensions.digest('abp_' || repeat('0', 62) || 'de', 'sha256'), array['agents:read'],
        now() + interval '90 days', 'd0000000-0000-4000-8000-000000000001')
on conflict (id) do nothing;

insert into public.user_trials (id, organization_id, user_id, plan, started_at, ends_at)
select 'a4000000-0000-4000-8000-000000000021', w.organization_id, 'd0000000-0000-4000-8000-000000000001', 'team',
       now() - interval '3 days', now() + interval '11 days'
from public.workspaces w where w.id = 'd2000000-0000-4000-8000-000000000001'
on conflict do nothing;
