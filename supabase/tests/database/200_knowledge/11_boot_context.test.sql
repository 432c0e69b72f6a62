-- agent_boot_context(agent_id): documents tagged boot:all or boot:<agent slug> (each once, pinned first,
-- then by title), the agent's enabled training data and its skills, and its knowledge grants, as one JSON
-- document. Visible agents only.
begin;
select plan(17);

select tests.create_workspace_fixture('kn_boot');
insert into public.agents (id, workspace_id, slug, name) values
  ('da000000-0000-4000-8000-0000000000a1', tests.workspace_id('kn_boot'), 'scout', 'Scout'),
  ('da000000-0000-4000-8000-0000000000a2', tests.workspace_id('kn_boot'), 'scribe', 'Scribe'),
  ('da000000-0000-4000-8000-0000000000a3', tests.workspace_id('kn_boot'), 'blank', 'Blank'),
  ('da000000-0000-4000-8000-0000000000b1', tests.workspace_id('kn_boot', 'b'), 'scout', 'Scout B');

insert into public.documents (workspace_id, title, body, tags, pinned) values
  (tests.workspace_id('kn_boot'), 'Company handbook', 'Be kind.', array['boot:all'], false),
  (tests.workspace_id('kn_boot'), 'Mission', 'Ship it.', array['boot:all', 'core'], true),
  (tests.workspace_id('kn_boot'), 'Scout playbook', 'Look around.', array['boot:scout'], false),
  (tests.workspace_id('kn_boot'), 'Both tags', 'Counted once.', array['boot:scout', 'boot:all'], false),
  (tests.workspace_id('kn_boot'), 'Scribe playbook', 'Write it down.', array['boot:scribe'], false),
  (tests.workspace_id('kn_boot'), 'Scout notes (untagged)', 'Not boot.', array['scout'], false),
  (tests.workspace_id('kn_boot'), 'Near miss', 'Prefix only.', array['boot:scouting', 'boot:'], false),
  (tests.workspace_id('kn_boot', 'b'), 'Other workspace handbook', 'Never.', array['boot:all', 'boot:scout'], true);

insert into public.agent_training_data (workspace_id, agent_id, kind, title, content, enabled, created_at) values
  (tests.workspace_id('kn_boot'), 'da000000-0000-4000-8000-0000000000a1', 'instruction', 'Style', 'Short answers.', true, now() - interval '2 days'),
  (tests.workspace_id('kn_boot'), 'da000000-0000-4000-8000-0000000000a1', 'example', 'Old example', 'Disabled.', false, now() - interval '1 day'),
  (tests.workspace_id('kn_boot'), 'da000000-0000-4000-8000-0000000000a1', 'knowledge', 'Pricing', 'Pro is 20.', true, now()),
  (tests.workspace_id('kn_boot'), 'da000000-0000-4000-8000-0000000000a2', 'instruction', 'Scribe style', 'Long answers.', true, now());
insert into public.agent_skills (workspace_id, agent_id, slug, name, level) values
  (tests.workspace_id('kn_boot'), 'da000000-0000-4000-8000-0000000000a1', 'web-search', 'Web search', 3),
  (tests.workspace_id('kn_boot'), 'da000000-0000-4000-8000-0000000000a1', 'crm', 'CRM', 2),
  (tests.workspace_id('kn_boot'), 'da000000-0000-4000-8000-0000000000a2', 'writing', 'Writing', 5);
insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access)
select tests.workspace_id('kn_boot'), 'da000000-0000-4000-8000-0000000000a1', c.id, 'read_write'
from public.knowledge_collections c where c.workspace_id = tests.workspace_id('kn_boot') and c.is_default;

select tests.authenticate_as('kn_boot_viewer');
create temp table kn_boot_ctx as select public.agent_boot_context('da000000-0000-4000-8000-0000000000a1') as ctx;
grant select on kn_boot_ctx to authenticated;

select is((select ctx -> 'agent' ->> 'slug' from kn_boot_ctx), 'scout', 'the document names the agent');
select is((select ctx -> 'agent' ->> 'workspace_id' from kn_boot_ctx), tests.workspace_id('kn_boot')::text, '... and its workspace');
select is(
  (select array_agg(d ->> 'title' order by o) from kn_boot_ctx, jsonb_array_elements(ctx -> 'documents') with ordinality as x (d, o)),
  array['Mission', 'Both tags', 'Company handbook', 'Scout playbook'],
  'documents: boot:all and boot:scout, pinned first then by title, each once; no other agent''s, untagged, near-miss or other-workspace documents');
select is((select ctx -> 'documents' -> 0 ->> 'body' from kn_boot_ctx), 'Ship it.', 'documents carry their body');
select is((select ctx -> 'documents' -> 0 -> 'tags' from kn_boot_ctx), '["boot:all", "core"]'::jsonb, 'documents carry their tags');
select is(
  (select array_agg(t ->> 'title' order by o) from kn_boot_ctx, jsonb_array_elements(ctx -> 'training_data') with ordinality as x (t, o)),
  array['Style', 'Pricing'], 'training_data: only the enabled rows of this agent, oldest first');
select is((select ctx -> 'training_data' -> 1 ->> 'kind' from kn_boot_ctx), 'knowledge', 'training data carries its kind');
select is(
  (select array_agg(s ->> 'slug' order by o) from kn_boot_ctx, jsonb_array_elements(ctx -> 'skills') with ordinality as x (s, o)),
  array['crm', 'web-search'], 'skills: this agent''s, by slug');
select is((select ctx -> 'knowledge' from kn_boot_ctx) -> 0 ->> 'access', 'read_write', 'knowledge: the agent''s grants with their level');

select is(
  (select array_agg(d ->> 'title' order by o)
   from jsonb_array_elements(public.agent_boot_context('da000000-0000-4000-8000-0000000000a2') -> 'documents') with ordinality as x (d, o)),
  array['Mission', 'Both tags', 'Company handbook', 'Scribe playbook'], 'another agent gets boot:all plus its own slug''s documents');
select is(
  (select jsonb_build_object('training_data', c -> 'training_data', 'skills', c -> 'skills', 'knowledge', c -> 'knowledge')
   from (select public.agent_boot_context('da000000-0000-4000-8000-0000000000a3') as c) x),
  '{"training_data": [], "skills": [], "knowledge": []}'::jsonb,
  'an agent without training data, skills or grants gets empty arrays, not nulls');

select tests.authenticate_as('kn_boot_outsider');
select is(
  (select array_agg(d ->> 'title')
   from jsonb_array_elements(public.agent_boot_context('da000000-0000-4000-8000-0000000000b1') -> 'documents') d),
  array['Other workspace handbook'], 'the other workspace''s agent of the same slug sees only its own workspace''s documents');
select throws_ok($$ select public.agent_boot_context('da000000-0000-4000-8000-0000000000a1') $$,
  'P0002', 'p_agent_id: agent da000000-0000-4000-8000-0000000000a1 not found', 'an agent of another workspace is not found');
select throws_ok($$ select public.agent_boot_context(null) $$, '22004', 'p_agent_id must not be null', 'null agent is refused');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select public.agent_boot_context('da000000-0000-4000-8000-0000000000a1') $$,
  'anon may not call agent_boot_context');
select tests.authenticate_as_service_role();
select is(jsonb_array_length(public.agent_boot_context('da000000-0000-4000-8000-0000000000a1') -> 'documents'), 4,
  'service_role reads the same context (no other workspace leaks in)');
select throws_ok($$ select public.agent_boot_context('da000000-0000-4000-8000-0000000000ff') $$,
  'P0002', null, 'an unknown agent is not found');

select tests.clear_authentication();
select * from finish();
rollback;
