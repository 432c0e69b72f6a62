-- Work and CRM demo data for workspace "hq" (Acme HQ): a board (streams, tasks with steps, labels, a
-- blocking relation, an attachment, comments with @mentions), a weekly task series, a sales pipeline
-- (stages, custom fields, companies, contacts, interactions, tags, a template, a campaign, a draft set)
-- and two automation rules. Data only; ids in the d8...... range. Assigning tasks to agents, @mentions
-- and contact rules fill the agents' inboxes through the database triggers as the rows go in.

-- Two agents the board and the rules talk to.
insert into public.agents (id, workspace_id, slug, name, type, description)
values
  ('d8000000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001', 'sales-scout', 'Sales Scout', 'research',
   'Researches leads and keeps the pipeline moving.'),
  ('d8000000-0000-4000-8000-000000000002', 'd2000000-0000-4000-8000-000000000001', 'onboarding', 'Onboarding', 'email',
   'Welcomes new customers and schedules kick-offs.')
on conflict do nothing;

-- ------------------------------------------------------------------------------------------ board
insert into public.streams (id, workspace_id, name, type, color, position, created_by) values
  ('d8000000-0000-4000-8000-000000000101', 'd2000000-0000-4000-8000-000000000001', 'Sales', 'functional', '#2563eb', 1, 'd0000000-0000-4000-8000-000000000001'),
  ('d8000000-0000-4000-8000-000000000102', 'd2000000-0000-4000-8000-000000000001', 'Support', 'functional', '#16a34a', 2, 'd0000000-0000-4000-8000-000000000001'),
  ('d8000000-0000-4000-8000-000000000103', 'd2000000-0000-4000-8000-000000000001', 'Robot arm launch', 'project', '#9333ea', 3, 'd0000000-0000-4000-8000-000000000002')
on conflict do nothing;

insert into public.task_labels (id, workspace_id, name, color) values
  ('d8000000-0000-4000-8000-000000000201', 'd2000000-0000-4000-8000-000000000001', 'customer', '#f59e0b'),
  ('d8000000-0000-4000-8000-000000000202', 'd2000000-0000-4000-8000-000000000001', 'bug', '#dc2626'),
  ('d8000000-0000-4000-8000-000000000203', 'd2000000-0000-4000-8000-000000000001', 'follow-up', '#0ea5e9')
on conflict do nothing;

insert into public.tasks (id, workspace_id, stream_id, project_id, title, summary, steps, status, priority, due_at,
                          assignee_user_id, assignee_agent_id, position, created_by) values
  ('d8000000-0000-4000-8000-000000000301', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000000101',
   'd3000000-0000-4000-8000-000000000001', 'Research Initech''s automation budget', 'Find who owns the 2027 budget.',
   '[{"text": "Read the annual report", "done": true}, {"text": "Map the buying committee"}, {"text": "Draft the first e-mail"}]',
   'in_progress', 'high', now() + interval '3 days', null, 'd8000000-0000-4000-8000-000000000001', 1, 'd0000000-0000-4000-8000-000000000003'),
  ('d8000000-0000-4000-8000-000000000302', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000000101',
   'd3000000-0000-4000-8000-000000000001', 'Send the proposal to Globex', 'Pricing approved on Friday.',
   '[{"text": "Final pricing"}, {"text": "Legal review"}]', 'todo', 'urgent', now() + interval '1 day',
   'd0000000-0000-4000-8000-000000000003', null, 2, 'd0000000-0000-4000-8000-000000000001'),
  ('d8000000-0000-4000-8000-000000000303', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000000102',
   'd3000000-0000-4000-8000-000000000002', 'Gripper firmware crash report', 'Customer reports a reboot loop after 2.3.1.',
   '[]', 'blocked', 'high', null, 'd0000000-0000-4000-8000-000000000002', null, 1, 'd0000000-0000-4000-8000-000000000003'),
  ('d8000000-0000-4000-8000-000000000304', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000000102',
   'd3000000-0000-4000-8000-000000000002', 'Ship firmware 2.3.2', 'Fixes the reboot loop.', '[]', 'todo', 'medium', now() + interval '7 days',
   null, null, 2, 'd0000000-0000-4000-8000-000000000002'),
  ('d8000000-0000-4000-8000-000000000305', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000000103',
   null, 'Launch video storyboard', '', '[{"text": "Script", "done": true}, {"text": "Shot list", "done": true}]',
   'done', 'low', null, 'd0000000-0000-4000-8000-000000000001', null, 1, 'd0000000-0000-4000-8000-000000000001'),
  ('d8000000-0000-4000-8000-000000000306', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000000103',
   null, 'Press list for launch day', 'Trade press and robotics newsletters.', '[]', 'cancelled', 'low', null,
   null, null, 2, 'd0000000-0000-4000-8000-000000000001')
on conflict do nothing;

insert into public.task_relations (id, workspace_id, from_task_id, to_task_id, relation_type) values
  ('d8000000-0000-4000-8000-000000000401', 'd2000000-0000-4000-8000-000000000001',
   'd8000000-0000-4000-8000-000000000304', 'd8000000-0000-4000-8000-000000000303', 'blocks')
on conflict do nothing;

insert into public.task_label_assignments (workspace_id, task_id, label_id) values
  ('d2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000000301', 'd8000000-0000-4000-8000-000000000201'),
  ('d2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000000302', 'd8000000-0000-4000-8000-000000000201'),
  ('d2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000000303', 'd8000000-0000-4000-8000-000000000202'),
  ('d2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000000302', 'd8000000-0000-4000-8000-000000000203')
on conflict do nothing;

insert into public.task_attachments (id, workspace_id, task_id, name, url, mime_type) values
  ('d8000000-0000-4000-8000-000000000501', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000000303',
   'Crash log', 'https://example.com/logs/gripper-2.3.1.txt', 'text/plain')
on conflict do nothing;

insert into public.comments (id, workspace_id, entity_type, entity_id, body, author_user_id) values
  ('d8000000-0000-4000-8000-000000000601', 'd2000000-0000-4000-8000-000000000001', 'task', 'd8000000-0000-4000-8000-000000000301',
   '@sales-scout their CFO spoke at RoboConf last month, worth a look. cc @admin', 'd0000000-0000-4000-8000-000000000003')
on conflict do nothing;

-- Every Monday at 9:00 Berlin time: the pipeline review, prepared by the scout.
insert into public.task_series (id, workspace_id, stream_id, schedule, timezone, catch_up, miss_previous, title, summary,
                                steps, priority, assignee_agent_id, created_by) values
  ('d8000000-0000-4000-8000-000000000701', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000000101',
   '0 9 * * mon', 'Europe/Berlin', 'latest', true, 'Weekly pipeline review', 'Stale deals, next steps, forecast.',
   '[{"text": "List deals without activity for 14 days"}, {"text": "Propose next steps"}]', 'medium',
   'd8000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000001')
on conflict do nothing;

-- ------------------------------------------------------------------------------------------ pipeline
insert into public.pipeline_stages (workspace_id, entity_type, stage_key, label, color, position, is_closed) values
  ('d2000000-0000-4000-8000-000000000001', 'contact', 'lead', 'Lead', '#94a3b8', 1, false),
  ('d2000000-0000-4000-8000-000000000001', 'contact', 'qualified', 'Qualified', '#38bdf8', 2, false),
  ('d2000000-0000-4000-8000-000000000001', 'contact', 'proposal', 'Proposal', '#a78bfa', 3, false),
  ('d2000000-0000-4000-8000-000000000001', 'contact', 'won', 'Won', '#22c55e', 4, true),
  ('d2000000-0000-4000-8000-000000000001', 'contact', 'lost', 'Lost', '#ef4444', 5, true),
  ('d2000000-0000-4000-8000-000000000001', 'company', 'prospect', 'Prospect', '#94a3b8', 1, false),
  ('d2000000-0000-4000-8000-000000000001', 'company', 'customer', 'Customer', '#22c55e', 2, true)
on conflict do nothing;

insert into public.field_definitions (workspace_id, entity_type, field_key, label, field_type, options, required, position) values
  ('d2000000-0000-4000-8000-000000000001', 'contact', 'industry', 'Industry', 'select', '{manufacturing,logistics,healthcare,other}', false, 1),
  ('d2000000-0000-4000-8000-000000000001', 'contact', 'deal_size', 'Deal size (EUR)', 'number', '{}', false, 2),
  ('d2000000-0000-4000-8000-000000000001', 'contact', 'renewal_date', 'Renewal date', 'date', '{}', false, 3),
  ('d2000000-0000-4000-8000-000000000001', 'contact', 'newsletter', 'Newsletter', 'boolean', '{}', false, 4),
  ('d2000000-0000-4000-8000-000000000001', 'contact', 'channels', 'Preferred channels', 'multiselect', '{email,phone,chat}', false, 5),
  ('d2000000-0000-4000-8000-000000000001', 'company', 'employees', 'Employees', 'number', '{}', false, 1)
on conflict do nothing;

-- Rules before contacts, so the seeded contacts already show them firing.
insert into public.automation_rules (id, workspace_id, name, condition, field, value, summary_template, agent_id, priority, created_by) values
  ('d8000000-0000-4000-8000-000000000801', 'd2000000-0000-4000-8000-000000000001', 'Research every new contact', 'created', null, null,
   'New contact {name}: research and suggest a first touch', 'd8000000-0000-4000-8000-000000000001', 10, 'd0000000-0000-4000-8000-000000000002'),
  ('d8000000-0000-4000-8000-000000000802', 'd2000000-0000-4000-8000-000000000001', 'Onboard won customers', 'changed_to', 'stage_key', 'won',
   '{name} moved from {old_value} to {new_value}: send the welcome pack and book the kick-off',
   'd8000000-0000-4000-8000-000000000002', 50, 'd0000000-0000-4000-8000-000000000002')
on conflict do nothing;

insert into public.crm_companies (id, workspace_id, name, domain, website, industry, stage_key, custom_fields) values
  ('d8000000-0000-4000-8000-000000000901', 'd2000000-0000-4000-8000-000000000001', 'Initech', 'initech.example', 'https://initech.example',
   'Manufacturing', 'prospect', '{"employees": 1200}'),
  ('d8000000-0000-4000-8000-000000000902', 'd2000000-0000-4000-8000-000000000001', 'Globex', 'globex.example', 'https://globex.example',
   'Logistics', 'customer', '{"employees": 5400}')
on conflict do nothing;

insert into public.contacts (id, workspace_id, full_name, preferred_name, email, job_title, stage_key, priority,
                             relationship_strength, owner_user_id, custom_fields) values
  ('d8000000-0000-4000-8000-000000001001', 'd2000000-0000-4000-8000-000000000001', 'Bill Lumbergh', 'Bill', 'bill@initech.example',
   'VP Operations', 'qualified', 'high', 2, 'd0000000-0000-4000-8000-000000000003',
   '{"industry": "manufacturing", "deal_size": 85000, "channels": ["email"]}'),
  ('d8000000-0000-4000-8000-000000001002', 'd2000000-0000-4000-8000-000000000001', 'Hank Scorpio', 'Hank', 'hank@globex.example',
   'CEO', 'proposal', 'urgent', 4, 'd0000000-0000-4000-8000-000000000001',
   '{"industry": "logistics", "deal_size": 240000, "renewal_date": "2027-03-31", "newsletter": true}'),
  ('d8000000-0000-4000-8000-000000001003', 'd2000000-0000-4000-8000-000000000001', 'Milton Waddams', null, 'milton@initech.example',
   'Facilities', 'lead', 'low', 1, null, '{"industry": "manufacturing"}'),
  ('d8000000-0000-4000-8000-000000001004', 'd2000000-0000-4000-8000-000000000001', 'Frank Grimes', 'Grimey', 'frank@globex.example',
   'Safety inspector', 'lead', 'medium', 3, 'd0000000-0000-4000-8000-000000000003', '{"channels": ["phone", "chat"]}')
on conflict do nothing;

insert into public.crm_contact_companies (workspace_id, contact_id, company_id, role, is_primary) values
  ('d2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000001001', 'd8000000-0000-4000-8000-000000000901', 'Economic buyer', true),
  ('d2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000001003', 'd8000000-0000-4000-8000-000000000901', 'User', true),
  ('d2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000001002', 'd8000000-0000-4000-8000-000000000902', 'Decision maker', true),
  ('d2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000001004', 'd8000000-0000-4000-8000-000000000902', 'Champion', true)
on conflict do nothing;

insert into public.interactions (id, workspace_id, contact_id, company_id, kind, direction, subject, occurred_at, user_id, agent_id) values
  ('d8000000-0000-4000-8000-000000001101', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000001001',
   'd8000000-0000-4000-8000-000000000901', 'call', 'outbound', 'Discovery call', now() - interval '9 days', 'd0000000-0000-4000-8000-000000000003', null),
  ('d8000000-0000-4000-8000-000000001102', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000001001',
   'd8000000-0000-4000-8000-000000000901', 'email', 'outbound', 'Case study', now() - interval '2 days', null, 'd8000000-0000-4000-8000-000000000001'),
  ('d8000000-0000-4000-8000-000000001103', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000001002',
   'd8000000-0000-4000-8000-000000000902', 'meeting', null, 'Proposal walkthrough', now() - interval '1 day', 'd0000000-0000-4000-8000-000000000001', null)
on conflict do nothing;

insert into public.crm_tags (id, workspace_id, name, color) values
  ('d8000000-0000-4000-8000-000000001201', 'd2000000-0000-4000-8000-000000000001', 'decision-maker', '#f97316'),
  ('d8000000-0000-4000-8000-000000001202', 'd2000000-0000-4000-8000-000000000001', 'conference-2026', '#6366f1')
on conflict do nothing;
insert into public.crm_taggings (id, workspace_id, tag_id, contact_id, company_id) values
  ('d8000000-0000-4000-8000-000000001301', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000001201', 'd8000000-0000-4000-8000-000000001002', null),
  ('d8000000-0000-4000-8000-000000001302', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000001202', 'd8000000-0000-4000-8000-000000001001', null),
  ('d8000000-0000-4000-8000-000000001303', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000001202', null, 'd8000000-0000-4000-8000-000000000901')
on conflict do nothing;

insert into public.crm_templates (id, workspace_id, name, channel, subject, body) values
  ('d8000000-0000-4000-8000-000000001401', 'd2000000-0000-4000-8000-000000000001', 'Conference follow-up', 'email',
   'Great meeting you at RoboConf', 'Hi {preferred_name}, thanks for stopping by our booth ...')
on conflict do nothing;
insert into public.crm_campaigns (id, workspace_id, name, description, status, channel, template_id, agent_id, starts_at, ends_at) values
  ('d8000000-0000-4000-8000-000000001501', 'd2000000-0000-4000-8000-000000000001', 'RoboConf follow-up', 'Everyone we met at the booth.',
   'active', 'email', 'd8000000-0000-4000-8000-000000001401', 'd8000000-0000-4000-8000-000000000001', now() - interval '3 days', now() + interval '11 days')
on conflict do nothing;
insert into public.crm_draft_sets (id, workspace_id, campaign_id, agent_id, name, status, drafts) values
  ('d8000000-0000-4000-8000-000000001601', 'd2000000-0000-4000-8000-000000000001', 'd8000000-0000-4000-8000-000000001501',
   'd8000000-0000-4000-8000-000000000001', 'RoboConf batch 1', 'in_review',
   '[{"contact_id": "d8000000-0000-4000-8000-000000001001", "subject": "Great meeting you at RoboConf", "body": "Hi Bill, ..."},
     {"contact_id": "d8000000-0000-4000-8000-000000001004", "subject": "Great meeting you at RoboConf", "body": "Hi Frank, ..."}]')
on conflict do nothing;

-- A deal closes: the onboarding rule wakes the onboarding agent.
update public.contacts set stage_key = 'won' where id = 'd8000000-0000-4000-8000-000000001002' and stage_key = 'proposal';
