-- E-mail routing rules: first enabled rule by priority whose patterns all match; patterns must compile;
-- external conversations map to one thread per agent and channel.
begin;
select plan(13);

select tests.create_workspace_fixture('cve');
select tests.create_agent_fixture(tests.workspace_id('cve'), 'cve-billing');
select tests.create_agent_fixture(tests.workspace_id('cve'), 'cve-support');
select tests.create_agent_fixture(tests.workspace_id('cve', 'b'), 'cve-b');
insert into public.email_routing_rules (workspace_id, agent_id, name, direction, priority, from_pattern, to_pattern, subject_pattern, enabled) values
  (tests.workspace_id('cve'), (select id from public.agents where slug = 'cve-billing'), 'Invoices', 'inbound', 10, null, '^billing@', 'invoice', true),
  (tests.workspace_id('cve'), (select id from public.agents where slug = 'cve-support'), 'Catch-all', 'inbound', 100, '.*', null, null, true),
  (tests.workspace_id('cve'), (select id from public.agents where slug = 'cve-billing'), 'Disabled VIP', 'inbound', 1, 'vip@', null, null, false),
  (tests.workspace_id('cve'), (select id from public.agents where slug = 'cve-support'), 'Outbound', 'outbound', 1, null, '@customer\.com$', null, true);

create temp table ag as select slug, id from public.agents where slug like 'cve-%';
grant select on ag to public;

select tests.authenticate_as('cve_viewer');
select is((select agent_id from public.match_email_route(tests.workspace_id('cve'), 'inbound', 'a@x.com', 'Billing@acme.com', 'Your INVOICE 42')),
  (select id from public.agents where slug = 'cve-billing'), 'all patterns match (case-insensitive): the priority-10 rule wins');
select is((select rule_name from public.match_email_route(tests.workspace_id('cve'), 'inbound', 'a@x.com', 'billing@acme.com', 'hello')),
  'Catch-all', 'a rule matches only when every pattern matches');
select is((select rule_name from public.match_email_route(tests.workspace_id('cve'), 'inbound', 'vip@x.com', 'x@acme.com')),
  'Catch-all', 'disabled rules are skipped');
select is((select rule_name from public.match_email_route(tests.workspace_id('cve'), 'outbound', 'me@acme.com', 'bob@customer.com')),
  'Outbound', 'outbound rules are separate');
select is_empty($$ select * from public.match_email_route(tests.workspace_id('cve'), 'outbound', 'me@acme.com', 'bob@other.com') $$, 'no match, no row');
select throws_ok($$ select * from public.match_email_route(null, 'inbound', 'a', 'b') $$, '22004', 'p_workspace_id must not be null', 'workspace is required');
select tests.authenticate_as('cve_outsider');
select throws_ok($$ select * from public.match_email_route(tests.workspace_id('cve'), 'inbound', 'a', 'b') $$, '42501', null, 'outsiders cannot route for a');

select tests.authenticate_as('cve_admin');
select throws_ok($$ insert into public.email_routing_rules (workspace_id, agent_id, name, subject_pattern) values (tests.workspace_id('cve'), (select id from public.agents where slug = 'cve-support'), 'Bad', '(unclosed') $$,
  '22023', 'subject_pattern is not a valid regular expression: (unclosed', 'a pattern must compile');
select throws_ok($$ insert into public.email_routing_rules (workspace_id, agent_id, name) values (tests.workspace_id('cve'), (select id from public.agents where slug = 'cve-support'), 'Empty') $$,
  '23514', null, 'a rule needs at least one pattern');
select throws_ok($$ insert into public.email_routing_rules (workspace_id, agent_id, name, to_pattern) values (tests.workspace_id('cve'), (select id from ag where slug = 'cve-b'), 'Foreign agent', 'x') $$,
  '23503', null, 'the target agent must be an agent of the rule''s workspace');

-- External conversations: one thread per (agent, channel, external_ref).
select tests.authenticate_as('cve_member');
insert into public.threads (workspace_id, kind, agent_id, channel, external_ref)
values (tests.workspace_id('cve'), 'external', (select id from public.agents where slug = 'cve-support'), 'email', '<thread-1@mail>');
select throws_ok($$ insert into public.threads (workspace_id, kind, agent_id, channel, external_ref) values (tests.workspace_id('cve'), 'external', (select id from public.agents where slug = 'cve-support'), 'email', '<thread-1@mail>') $$,
  '23505', null, 'the same external conversation maps to one thread per agent and channel');
select lives_ok($$ insert into public.threads (workspace_id, kind, agent_id, channel, external_ref) values (tests.workspace_id('cve'), 'external', (select id from public.agents where slug = 'cve-support'), 'whatsapp', '<thread-1@mail>') $$,
  'another channel is another conversation');
select throws_ok($$ insert into public.threads (workspace_id, kind, agent_id) values (tests.workspace_id('cve'), 'external', (select id from public.agents where slug = 'cve-support')) $$,
  '23514', null, 'an external thread needs its external_ref');

select * from finish();
rollback;
