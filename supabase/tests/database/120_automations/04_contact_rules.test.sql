-- Contact automation rules: created / changed_to / changed_from / any_change on stage_key, priority,
-- relationship_strength and custom fields put one item per matching rule in the target agent's inbox,
-- with the summary template filled in; non-matching changes, inactive rules and other workspaces' rules
-- produce nothing; two real changes make two items.
begin;
select plan(17);

select tests.create_workspace_fixture('arul');
insert into public.agents (id, workspace_id, slug, name) values
  ('d4000000-0000-4000-8000-000000000001', tests.workspace_id('arul'), 'sdr', 'SDR'),
  ('d4000000-0000-4000-8000-000000000002', tests.workspace_id('arul'), 'am', 'Account manager'),
  ('d4000000-0000-4000-8000-000000000009', tests.workspace_id('arul', 'b'), 'b-bot', 'B bot');
insert into public.pipeline_stages (workspace_id, stage_key, label, position) values
  (tests.workspace_id('arul'), 'lead', 'Lead', 1), (tests.workspace_id('arul'), 'qualified', 'Qualified', 2),
  (tests.workspace_id('arul'), 'won', 'Won', 3), (tests.workspace_id('arul', 'b'), 'lead', 'Lead', 1);
insert into public.field_definitions (workspace_id, field_key, label, field_type, options) values
  (tests.workspace_id('arul'), 'tier', 'Tier', 'select', '{gold,silver}'),
  (tests.workspace_id('arul'), 'deal_size', 'Deal size', 'number', '{}');

insert into public.automation_rules (id, workspace_id, name, condition, field, value, summary_template, agent_id, priority, is_active) values
  ('d4000000-0000-4000-8000-000000000101', tests.workspace_id('arul'), 'New contact', 'created', null, null,
   'New contact {name}: say hello', 'd4000000-0000-4000-8000-000000000001', 10, true),
  ('d4000000-0000-4000-8000-000000000102', tests.workspace_id('arul'), 'Won', 'changed_to', 'stage_key', 'won',
   '{name} is won (was {old_value})', 'd4000000-0000-4000-8000-000000000002', 50, true),
  ('d4000000-0000-4000-8000-000000000103', tests.workspace_id('arul'), 'Left lead', 'changed_from', 'stage_key', 'lead',
   '{name} left lead for {new_value}', 'd4000000-0000-4000-8000-000000000001', 0, true),
  ('d4000000-0000-4000-8000-000000000104', tests.workspace_id('arul'), 'Priority', 'any_change', 'priority', null,
   '{name} priority {old_value} -> {new_value}', 'd4000000-0000-4000-8000-000000000001', 0, true),
  ('d4000000-0000-4000-8000-000000000105', tests.workspace_id('arul'), 'Gold', 'changed_to', 'custom_fields.tier', 'gold',
   '{name} became gold', 'd4000000-0000-4000-8000-000000000002', 0, true),
  ('d4000000-0000-4000-8000-000000000106', tests.workspace_id('arul'), 'Paused', 'any_change', 'relationship_strength', null,
   'never fires', 'd4000000-0000-4000-8000-000000000002', 0, false);
-- A rule in workspace b must not fire for a's contacts.
insert into public.automation_rules (workspace_id, name, condition, summary_template, agent_id) values
  (tests.workspace_id('arul', 'b'), 'B new', 'created', 'B: {name}', 'd4000000-0000-4000-8000-000000000009');

create function pg_temp.items()
returns table (agent text, event_type text, summary text, dedup_key text, priority int)
language sql
as $$
  select a.slug, i.event_type, i.summary, i.dedup_key, i.priority from public.agent_inbox_items i
  join public.agents a on a.id = i.agent_id
  where i.workspace_id in (tests.workspace_id('arul'), tests.workspace_id('arul', 'b'))
  -- One transaction: created_at is the same for all; the contact version orders the events.
  order by (i.context ->> 'contact_version')::int, i.dedup_key
$$;

select tests.authenticate_as('arul_member');
insert into public.contacts (id, workspace_id, full_name, stage_key, priority) values
  ('d4000000-0000-4000-8000-000000000011', tests.workspace_id('arul'), 'Ada Lovelace', 'lead', 'low');
select tests.clear_authentication();
select results_eq($$ select * from pg_temp.items() $$,
  $$ values ('sdr', 'contact_created', 'New contact Ada Lovelace: say hello',
             'contact-created:d4000000-0000-4000-8000-000000000101:d4000000-0000-4000-8000-000000000011', 10) $$,
  'created: one item from the created rule only (change rules do not fire on insert; B''s rule does not fire)');

-- lead -> qualified: changed_from lead fires; changed_to won does not.
select tests.authenticate_as('arul_member');
update public.contacts set stage_key = 'qualified' where id = 'd4000000-0000-4000-8000-000000000011';
select tests.clear_authentication();
select results_eq($$ select agent, event_type, summary, dedup_key from pg_temp.items() offset 1 $$,
  $$ values ('sdr', 'contact_status_changed', 'Ada Lovelace left lead for qualified',
             'contact-rule:d4000000-0000-4000-8000-000000000103:d4000000-0000-4000-8000-000000000011:2') $$,
  'changed_from: fires when leaving the value, keyed by the contact version');

-- qualified -> won: changed_to fires.
select tests.authenticate_as('arul_member');
update public.contacts set stage_key = 'won' where id = 'd4000000-0000-4000-8000-000000000011';
select tests.clear_authentication();
select results_eq($$ select agent, summary, priority from pg_temp.items() offset 2 $$,
  $$ values ('am', 'Ada Lovelace is won (was qualified)', 50) $$, 'changed_to: fires on reaching the value, with the rule''s priority');

-- Edits of other fields fire nothing; neither does an inactive rule's field.
select tests.authenticate_as('arul_member');
update public.contacts set job_title = 'Analyst', relationship_strength = 4 where id = 'd4000000-0000-4000-8000-000000000011';
select tests.clear_authentication();
select is((select count(*)::int from public.agent_inbox_items where workspace_id = tests.workspace_id('arul')), 3, 'unrelated fields and inactive rules wake nobody');

-- any_change on priority: null -> value and value -> value both count; setting the same value does not.
select tests.authenticate_as('arul_member');
update public.contacts set priority = 'high' where id = 'd4000000-0000-4000-8000-000000000011';
update public.contacts set priority = 'high' where id = 'd4000000-0000-4000-8000-000000000011';
select tests.clear_authentication();
select results_eq($$ select summary from pg_temp.items() offset 3 $$, $$ values ('Ada Lovelace priority low -> high') $$,
  'any_change fires once for a real change, not for a same-value write');

-- Two real changes of the same field in one transaction (same instant): two items with two keys.
select tests.authenticate_as('arul_member');
update public.contacts set priority = 'urgent' where id = 'd4000000-0000-4000-8000-000000000011';
update public.contacts set priority = 'medium' where id = 'd4000000-0000-4000-8000-000000000011';
select tests.clear_authentication();
select is((select array_agg(summary order by dedup_key) from public.agent_inbox_items where workspace_id in (tests.workspace_id('arul'), tests.workspace_id('arul', 'b')) and summary like '%priority%'),
  array['Ada Lovelace priority low -> high', 'Ada Lovelace priority high -> urgent', 'Ada Lovelace priority urgent -> medium'],
  'each change is its own event');
select is((select count(distinct dedup_key)::int from public.agent_inbox_items where workspace_id = tests.workspace_id('arul')), (select count(*)::int from public.agent_inbox_items where workspace_id = tests.workspace_id('arul')),
  'every item has its own event key');

-- Custom field rule.
select tests.authenticate_as('arul_member');
update public.contacts set custom_fields = '{"tier": "silver"}' where id = 'd4000000-0000-4000-8000-000000000011';
update public.contacts set custom_fields = '{"tier": "gold"}' where id = 'd4000000-0000-4000-8000-000000000011';
select tests.clear_authentication();
select results_eq($$ select agent, event_type, summary from pg_temp.items() where summary like '%gold%' $$,
  $$ values ('am', 'contact_updated', 'Ada Lovelace became gold') $$, 'a custom field rule fires on its value');

-- Null values render as (empty).
select tests.authenticate_as('arul_member');
update public.contacts set priority = null where id = 'd4000000-0000-4000-8000-000000000011';
select tests.clear_authentication();
select is((select summary from public.agent_inbox_items where workspace_id = tests.workspace_id('arul') order by (context ->> 'contact_version')::int desc limit 1),
  'Ada Lovelace priority medium -> (empty)', 'a cleared value renders as (empty)');

-- The item describes the change.
select is((select context - 'contact_id' - 'rule_id' from public.agent_inbox_items where workspace_id in (tests.workspace_id('arul'), tests.workspace_id('arul', 'b')) and summary like '%is won%'),
  jsonb_build_object('rule_name', 'Won', 'condition', 'changed_to', 'field', 'stage_key', 'old_value', 'qualified',
    'new_value', 'won', 'contact_name', 'Ada Lovelace', 'contact_version', 3), 'context carries rule, field, old/new values');
select is((select subject_type || ':' || subject_id from public.agent_inbox_items where workspace_id in (tests.workspace_id('arul'), tests.workspace_id('arul', 'b')) and summary like '%is won%'),
  'contact:d4000000-0000-4000-8000-000000000011', 'subject is the contact');

-- Deactivating a rule stops it; a rolled-back change enqueues nothing.
update public.automation_rules set is_active = false where id = 'd4000000-0000-4000-8000-000000000104';
select tests.authenticate_as('arul_member');
update public.contacts set priority = 'low' where id = 'd4000000-0000-4000-8000-000000000011';
select throws_ok($$ update public.contacts set stage_key = 'lead', custom_fields = '{"tier": "platinum"}' where id = 'd4000000-0000-4000-8000-000000000011' $$,
  '22023', null, 'a refused change ...');
select tests.clear_authentication();
select is((select count(*)::int from public.agent_inbox_items where workspace_id in (tests.workspace_id('arul'), tests.workspace_id('arul', 'b')) and summary like '%left lead%'), 1, '... wakes nobody (the changed_from lead rule did not fire again)');
select is((select count(*)::int from public.agent_inbox_items where workspace_id in (tests.workspace_id('arul'), tests.workspace_id('arul', 'b')) and summary like '%priority%'), 4, 'an inactive rule does not fire');

-- Interaction bookkeeping updates the contact but changes no rule field: nothing fires.
select tests.authenticate_as('arul_member');
insert into public.interactions (workspace_id, contact_id, kind) values (tests.workspace_id('arul'), 'd4000000-0000-4000-8000-000000000011', 'call');
select tests.clear_authentication();
select is((select count(*)::int from public.agent_inbox_items where workspace_id in (tests.workspace_id('arul'), tests.workspace_id('arul', 'b')) and agent_id <> 'd4000000-0000-4000-8000-000000000009'), 8,
  'recording an interaction triggers no rule');
select is((select count(*)::int from public.agent_inbox_items where workspace_id in (tests.workspace_id('arul'), tests.workspace_id('arul', 'b')) and agent_id = 'd4000000-0000-4000-8000-000000000009'), 0,
  'workspace b''s rule never fired for a''s contact');

-- The automation trigger function runs as the owner.
select is((select prosecdef from pg_proc where oid = 'private.contacts_run_automations()'::regprocedure), true, 'contacts_run_automations is security definer');

select * from finish();
rollback;
