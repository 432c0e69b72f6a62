-- Automation rules are checked when saved, not when they fire: unknown fields, values that do not fit
-- the field, unknown or foreign agents, and bad templates are refused with an error naming the column.
begin;
select plan(22);

select tests.create_workspace_fixture('aval');
insert into public.agents (id, workspace_id, slug, name) values
  ('d5000000-0000-4000-8000-000000000001', tests.workspace_id('aval'), 'bot', 'Bot'),
  ('d5000000-0000-4000-8000-000000000009', tests.workspace_id('aval', 'b'), 'b-bot', 'B bot');
insert into public.pipeline_stages (workspace_id, stage_key, label) values (tests.workspace_id('aval'), 'won', 'Won');
insert into public.field_definitions (workspace_id, field_key, label, field_type, options) values
  (tests.workspace_id('aval'), 'tier', 'Tier', 'select', '{gold,silver}'),
  (tests.workspace_id('aval'), 'seats', 'Seats', 'number', '{}'),
  (tests.workspace_id('aval'), 'active', 'Active', 'boolean', '{}'),
  (tests.workspace_id('aval'), 'channels', 'Channels', 'multiselect', '{email,sms}');

select tests.authenticate_as('aval_admin');
create function pg_temp.rule(p_condition text, p_field text, p_value text, p_template text, p_agent uuid default 'd5000000-0000-4000-8000-000000000001')
returns void
language sql
as $$
  insert into public.automation_rules (workspace_id, name, condition, field, value, summary_template, agent_id)
  values (tests.workspace_id('aval'), 'r', p_condition::public.automation_condition, p_field, p_value, p_template, p_agent)
$$;

select throws_ok($$ select pg_temp.rule('changed_to', 'mood', 'happy', '{name}') $$, '22023',
  'field: unknown field "mood" (allowed: stage_key, priority, relationship_strength, custom_fields.<key>)', 'unknown field');
select throws_ok($$ select pg_temp.rule('changed_to', 'custom_fields.budget', '1', '{name}') $$, '22023',
  'field: custom field "budget" is not defined for contacts in this workspace', 'undefined custom field');
select throws_ok($$ select pg_temp.rule('any_change', null, null, '{name}') $$, '22004', 'field must not be null for condition any_change', 'missing field');
select throws_ok($$ select pg_temp.rule('created', 'priority', null, '{name}') $$, '22023', 'field: a "created" rule takes no field and no value', 'created with a field');
select throws_ok($$ select pg_temp.rule('changed_to', 'stage_key', null, '{name}') $$, '22004', 'value must not be null for condition changed_to', 'missing value');
select throws_ok($$ select pg_temp.rule('any_change', 'priority', 'high', '{name}') $$, '22023', 'value: an "any_change" rule takes no value', 'any_change with a value');
select throws_ok($$ select pg_temp.rule('changed_to', 'stage_key', 'lost', '{name}') $$, '22023',
  'value: "lost" is not a pipeline stage for contacts in this workspace', 'unknown stage value');
select throws_ok($$ select pg_temp.rule('changed_from', 'priority', 'critical', '{name}') $$, '22023',
  'value: "critical" is not a priority (urgent, high, medium, low)', 'unknown priority value');
select throws_ok($$ select pg_temp.rule('changed_to', 'relationship_strength', '9', '{name}') $$, '22023',
  'value: relationship_strength is 1 to 5 (got "9")', 'strength out of range');
select throws_ok($$ select pg_temp.rule('changed_to', 'custom_fields.tier', 'platinum', '{name}') $$, '22023',
  'value: custom_fields.tier: "platinum" is not one of the options (gold, silver)', 'select value outside the options');
select throws_ok($$ select pg_temp.rule('changed_to', 'custom_fields.seats', 'many', '{name}') $$, '22023',
  'value: "many" is not a valid number for custom field "seats"', 'number value that is not a number');
select throws_ok($$ select pg_temp.rule('changed_to', 'custom_fields.channels', 'email', '{name}') $$, '22023',
  'condition: changed_to is not supported on multiselect field "channels"; use any_change', 'changed_to on a multiselect');
select throws_ok($$ select pg_temp.rule('created', null, null, 'Hello {nam}') $$, '22023',
  'summary_template: unknown placeholder {nam} (allowed: {name}, {new_value}, {old_value})', 'unknown placeholder');
select throws_ok($$ select pg_temp.rule('any_change', 'priority', null, 'Now {new_value') $$, '22023',
  'summary_template: unbalanced or malformed braces (placeholders are {name}, {new_value}, {old_value})', 'unbalanced braces');
select throws_ok($$ select pg_temp.rule('created', null, null, '{name} was {old_value}') $$, '22023',
  'summary_template: {old_value} has no meaning for a "created" rule (use {name})', 'old_value on a created rule');
select throws_ok($$ select pg_temp.rule('created', null, null, '   ') $$, '22023', 'summary_template must be 1 to 2000 characters', 'blank template');
select throws_ok($$ select pg_temp.rule('created', null, null, '{name}', 'd5000000-0000-4000-8000-000000000009') $$, '23503',
  format('agent_id: agent d5000000-0000-4000-8000-000000000009 is not in workspace %s', tests.workspace_id('aval')), 'an agent of another workspace');
select throws_ok($$ select pg_temp.rule('created', null, null, '{name}', gen_random_uuid()) $$, '23503', null, 'an unknown agent');
select is((select count(*)::int from public.automation_rules), 0, 'no refused rule was written');

-- Valid rules; number and boolean values are stored in the form the trigger compares.
select pg_temp.rule('changed_to', 'custom_fields.seats', '10.0', '{name} has {new_value} seats');
select pg_temp.rule('changed_to', 'custom_fields.active', 'TRUE', '{name} is active');
select is((select array_agg(value order by value) from public.automation_rules), array['10', 'true'], 'values normalised to the text the trigger compares (10.0 -> 10, TRUE -> true)');
insert into public.contacts (id, workspace_id, full_name, custom_fields) values
  ('d5000000-0000-4000-8000-000000000021', tests.workspace_id('aval'), 'Numbers', '{"seats": 5}');
update public.contacts set custom_fields = '{"seats": 10.00}' where id = 'd5000000-0000-4000-8000-000000000021';
select is((select array_agg(summary) from public.agent_inbox_items where subject_id = 'd5000000-0000-4000-8000-000000000021'),
  array['Numbers has 10 seats'], 'a number rule saved as 10.0 fires for 10.00');
-- Updates are validated too.
select throws_ok($$ update public.automation_rules set field = 'nickname' $$, '22023', null, 'an update to an unknown field is refused');
select tests.clear_authentication();

select * from finish();
rollback;
