-- Demo data (data only, no DDL), applied by `supabase db reset` after the migrations.
--
-- Acme Robotics (organization, on a trial, billed to Olivia) with two workspaces:
--   hq        setup completed; Olivia owner, Adam admin, Mia member, Victor viewer; projects; an open invite
--   research  setup pending;   Olivia owner, Adam member, Mia viewer
-- Every user also gets a personal organization + workspace from the signup trigger.
-- Sign in as owner@ / admin@ / member@ / viewer@demo.agentbase.dev with password `password123`.
-- The open invite's plaintext token is `inv_demo_research_lead` (only its SHA-256 is stored), for
-- newcomer@demo.agentbase.dev.

insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  confirmation_token, recovery_token, email_change_token_new, email_change,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
  extensions.crypt('password123', extensions.gen_salt('bf')), now(), '', '', '', '',
  '{"provider": "email", "providers": ["email"]}'::jsonb, jsonb_build_object('full_name', u.full_name), now(), now()
from (values
  ('d0000000-0000-4000-8000-000000000001'::uuid, 'owner@demo.agentbase.dev', 'Olivia Owner'),
  ('d0000000-0000-4000-8000-000000000002'::uuid, 'admin@demo.agentbase.dev', 'Adam Admin'),
  ('d0000000-0000-4000-8000-000000000003'::uuid, 'member@demo.agentbase.dev', 'Mia Member'),
  ('d0000000-0000-4000-8000-000000000004'::uuid, 'viewer@demo.agentbase.dev', 'Victor Viewer')
) as u (id, email, full_name)
on conflict (id) do nothing;

-- GoTrue needs an identity row per user to sign in with email; the local stand-in has no such table.
do $$
begin
  if to_regclass('auth.identities') is not null then
    execute $sql$
      insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
      select u.id::text, u.id, jsonb_build_object('sub', u.id::text, 'email', u.email, 'email_verified', true),
             'email', now(), now(), now()
      from auth.users u
      where u.email like '%@demo.agentbase.dev'
      on conflict do nothing
    $sql$;
  end if;
end $$;

insert into public.organizations (id, name, slug, created_by, billing_owner_id, billing_email, plan, trial_ends_at)
values ('d1000000-0000-4000-8000-000000000001', 'Acme Robotics', 'acme', 'd0000000-0000-4000-8000-000000000001',
        'd0000000-0000-4000-8000-000000000001', 'billing@acme.example', 'trial', now() + interval '14 days')
on conflict (id) do nothing;

insert into public.workspaces (id, organization_id, name, slug, created_by, description, owner_name,
  owner_preferred_name, timezone, setup_state, monthly_budget_usd, budget_hard_cutoff, settings)
values
  ('d2000000-0000-4000-8000-000000000001', 'd1000000-0000-4000-8000-000000000001', 'Acme HQ', 'hq',
   'd0000000-0000-4000-8000-000000000001', 'Where the agents of Acme Robotics work.', 'Olivia Owner', 'Liv',
   'Europe/Berlin', 'completed', 500.00, true, '{"theme": "dark", "locale": "en"}'),
  ('d2000000-0000-4000-8000-000000000002', 'd1000000-0000-4000-8000-000000000001', 'Acme Research', 'research',
   'd0000000-0000-4000-8000-000000000001', 'Experiments; setup not finished yet.', null, null,
   'America/New_York', 'pending', null, false, '{}')
on conflict (id) do nothing;

insert into public.workspace_members (workspace_id, user_id, role)
values
  ('d2000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001', 'owner'),
  ('d2000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000002', 'admin'),
  ('d2000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000003', 'member'),
  ('d2000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000004', 'viewer'),
  ('d2000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000001', 'owner'),
  ('d2000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000002', 'member'),
  ('d2000000-0000-4000-8000-000000000002', 'd0000000-0000-4000-8000-000000000003', 'viewer')
on conflict (workspace_id, user_id) do nothing;

insert into public.projects (id, workspace_id, slug, name, description, status, created_by)
values
  ('d3000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001', 'sales', 'Sales pipeline',
   'Outbound agents and the CRM.', 'active', 'd0000000-0000-4000-8000-000000000001'),
  ('d3000000-0000-4000-8000-000000000002', 'd2000000-0000-4000-8000-000000000001', 'support', 'Customer support',
   'Inbox triage and replies.', 'active', 'd0000000-0000-4000-8000-000000000003'),
  ('d3000000-0000-4000-8000-000000000003', 'd2000000-0000-4000-8000-000000000001', 'launch-2025', 'Launch 2025',
   'Finished campaign, kept for reference.', 'archived', 'd0000000-0000-4000-8000-000000000002'),
  ('d3000000-0000-4000-8000-000000000004', 'd2000000-0000-4000-8000-000000000002', 'vision', 'Vision models',
   'Grasping experiments.', 'active', 'd0000000-0000-4000-8000-000000000001')
on conflict (id) do nothing;

insert into public.invites (id, workspace_id, email, role, token_hash, invited_by, expires_at)
values ('d4000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000002', 'newcomer@demo.agentbase.dev',
        'admin', extensions.digest('inv_demo_research_lead', 'sha256'), 'd0000000-0000-4000-8000-000000000001',
        now() + interval '7 days')
on conflict (id) do nothing;
