-- custom_fields are validated against field_definitions (per workspace and entity type) on every write:
-- unknown keys, wrong types, values outside the options and missing required fields are refused with
-- an error naming the field key; definitions themselves are checked (options only for selects).
begin;
select plan(24);

select tests.create_workspace_fixture('ccf');
insert into public.field_definitions (workspace_id, entity_type, field_key, label, field_type, options, required, position) values
  (tests.workspace_id('ccf'), 'contact', 'linkedin', 'LinkedIn', 'text', '{}', false, 1),
  (tests.workspace_id('ccf'), 'contact', 'deal_size', 'Deal size', 'number', '{}', false, 2),
  (tests.workspace_id('ccf'), 'contact', 'birthday', 'Birthday', 'date', '{}', false, 3),
  (tests.workspace_id('ccf'), 'contact', 'tier', 'Tier', 'select', '{gold,silver,bronze}', true, 4),
  (tests.workspace_id('ccf'), 'contact', 'channels', 'Channels', 'multiselect', '{email,phone,sms}', false, 5),
  (tests.workspace_id('ccf'), 'contact', 'newsletter', 'Newsletter', 'boolean', '{}', false, 6),
  (tests.workspace_id('ccf'), 'company', 'employees', 'Employees', 'number', '{}', true, 1),
  -- Same key in the other workspace, different type: definitions never leak across workspaces.
  (tests.workspace_id('ccf', 'b'), 'contact', 'linkedin', 'LinkedIn', 'number', '{}', false, 1);

select tests.authenticate_as('ccf_member');
select lives_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'Valid Val',
  '{"linkedin": "in/val", "deal_size": 1200.5, "birthday": "1990-02-28", "tier": "gold", "channels": ["email", "sms"], "newsletter": true}') $$,
  'every type with a valid value');
select lives_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'Sparse Sam',
  '{"tier": "bronze", "linkedin": null}') $$, 'optional fields may be absent or null');

select throws_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'x', '{"tier": "gold", "twitter": "@x"}') $$,
  '22023', 'custom_fields.twitter: no such field is defined for contacts in this workspace', 'unknown key');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'x', '{"tier": "gold", "deal_size": "a lot"}') $$,
  '22023', 'custom_fields.deal_size: expected a number, got "a lot"', 'number as text');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'x', '{"tier": "gold", "birthday": "2026-02-30"}') $$,
  '22023', 'custom_fields.birthday: expected a date YYYY-MM-DD, got "2026-02-30"', 'impossible date');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'x', '{"tier": "gold", "birthday": "28/02/1990"}') $$,
  '22023', 'custom_fields.birthday: expected a date YYYY-MM-DD, got "28/02/1990"', 'wrong date format');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'x', '{"tier": "platinum"}') $$,
  '22023', 'custom_fields.tier: "platinum" is not one of the options (gold, silver, bronze)', 'select outside its options');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'x', '{"tier": "gold", "channels": ["email", "fax"]}') $$,
  '22023', 'custom_fields.channels: expected an array of options (email, phone, sms), got ["email", "fax"]', 'multiselect with an unknown option');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'x', '{"tier": "gold", "channels": "email"}') $$,
  '22023', null, 'multiselect needs an array');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'x', '{"tier": "gold", "newsletter": "yes"}') $$,
  '22023', 'custom_fields.newsletter: expected true or false, got "yes"', 'boolean as text');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'x', '{"tier": "gold", "linkedin": 42}') $$,
  '22023', 'custom_fields.linkedin: expected text (a string of at most 10000 characters), got 42', 'text as number');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'x', '{}') $$,
  '22004', 'custom_fields.tier is required for contacts', 'required field missing');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'x', '{"tier": null}') $$,
  '22004', 'custom_fields.tier is required for contacts', 'required field null');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf'), 'x', '["tier"]') $$,
  '22023', 'custom_fields must be a JSON object', 'custom_fields must be an object');
select is((select count(*)::int from public.contacts), 2, 'no refused contact was written');

-- Updates are validated too; untouched custom_fields are not re-validated on other edits.
select throws_ok($$ update public.contacts set custom_fields = custom_fields || '{"deal_size": true}' where full_name = 'Valid Val' $$,
  '22023', 'custom_fields.deal_size: expected a number, got true', 'an update is validated');

-- Companies use their own definitions.
select throws_ok($$ insert into public.crm_companies (workspace_id, name, custom_fields) values (tests.workspace_id('ccf'), 'Acme', '{"tier": "gold"}') $$,
  '22023', 'custom_fields.tier: no such field is defined for companies in this workspace', 'contact fields do not apply to companies');
select throws_ok($$ insert into public.crm_companies (workspace_id, name) values (tests.workspace_id('ccf'), 'Acme') $$,
  '22004', 'custom_fields.employees is required for companies', 'required company field');
select lives_ok($$ insert into public.crm_companies (workspace_id, name, custom_fields) values (tests.workspace_id('ccf'), 'Acme', '{"employees": 12}') $$,
  'a valid company');

-- Workspace b has its own "linkedin" (a number); a's text rule does not apply there.
select tests.authenticate_as('ccf_outsider');
select lives_ok($$ insert into public.contacts (workspace_id, full_name, custom_fields) values (tests.workspace_id('ccf', 'b'), 'B person', '{"linkedin": 7}') $$,
  'definitions are per workspace');

-- Definitions: options only for select types; key format; unique key per entity.
select tests.authenticate_as('ccf_admin');
select throws_ok($$ insert into public.field_definitions (workspace_id, field_key, label, field_type) values (tests.workspace_id('ccf'), 'stage2', 'Stage 2', 'select') $$,
  '23514', null, 'a select needs options');
select throws_ok($$ insert into public.field_definitions (workspace_id, field_key, label, field_type, options) values (tests.workspace_id('ccf'), 'notes2', 'Notes', 'text', '{a}') $$,
  '23514', null, 'a text field takes no options');
select throws_ok($$ insert into public.field_definitions (workspace_id, field_key, label, field_type) values (tests.workspace_id('ccf'), 'Bad Key', 'Bad', 'text') $$,
  '23514', null, 'field keys are lowercase identifiers');
select throws_ok($$ insert into public.field_definitions (workspace_id, field_key, label, field_type) values (tests.workspace_id('ccf'), 'linkedin', 'Again', 'text') $$,
  '23505', null, 'a key is unique per workspace and entity type');
select tests.clear_authentication();

select * from finish();
rollback;
