-- Knowledge used on behalf of an agent: match_knowledge / hybrid_search_knowledge with p_agent_id read only
-- the collections the agent has a grant on (read or read_write); add_knowledge_entry writes only where the
-- agent has read_write. Agents without access, agents of other workspaces, and bad values are refused.
begin;
select plan(33);

select tests.create_workspace_fixture('kn_acc');

create function tests.kn_acc_vec(p_axis integer, p_weight real default 0) returns extensions.vector
language sql immutable set search_path = '' as $$
  select array(select case when d = 1 then 1 when d = p_axis then p_weight else 0 end::real
               from generate_series(1, 1536) d order by d)::extensions.vector
$$;
grant execute on function tests.kn_acc_vec(integer, real) to authenticated, service_role;

-- Workspace a: agents scout (read on facts, read_write on notes, nothing on the default collection
-- "general") and idle (no grant at all). Workspace b: agent far with read on b's default.
insert into public.agents (id, workspace_id, slug, name) values
  ('d9000000-0000-4000-8000-0000000000a1', tests.workspace_id('kn_acc'), 'scout', 'Scout'),
  ('d9000000-0000-4000-8000-0000000000a2', tests.workspace_id('kn_acc'), 'idle', 'Idle'),
  ('d9000000-0000-4000-8000-0000000000b1', tests.workspace_id('kn_acc', 'b'), 'far', 'Far');
insert into public.knowledge_collections (id, workspace_id, slug, name) values
  ('d9000000-0000-4000-8000-0000000000c1', tests.workspace_id('kn_acc'), 'facts', 'Facts'),
  ('d9000000-0000-4000-8000-0000000000c2', tests.workspace_id('kn_acc'), 'notes', 'Notes');
insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access) values
  (tests.workspace_id('kn_acc'), 'd9000000-0000-4000-8000-0000000000a1', 'd9000000-0000-4000-8000-0000000000c1', 'read'),
  (tests.workspace_id('kn_acc'), 'd9000000-0000-4000-8000-0000000000a1', 'd9000000-0000-4000-8000-0000000000c2', 'read_write');
insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access)
select tests.workspace_id('kn_acc', 'b'), 'd9000000-0000-4000-8000-0000000000b1', c.id, 'read'
from public.knowledge_collections c where c.workspace_id = tests.workspace_id('kn_acc', 'b') and c.is_default;

insert into public.knowledge_entries (workspace_id, collection_id, content, embedding) values
  (tests.workspace_id('kn_acc'), 'd9000000-0000-4000-8000-0000000000c1', 'fact about pricing', tests.kn_acc_vec(11, 0.1)),
  (tests.workspace_id('kn_acc'), 'd9000000-0000-4000-8000-0000000000c2', 'note about pricing', tests.kn_acc_vec(12, 0.2));
insert into public.knowledge_entries (workspace_id, content, embedding) values
  (tests.workspace_id('kn_acc'), 'general secret about pricing', tests.kn_acc_vec(13, 0.0));
insert into public.knowledge_entries (workspace_id, content, embedding) values
  (tests.workspace_id('kn_acc', 'b'), 'b pricing', tests.kn_acc_vec(14, 0.0));

-- ------------------------------------------------------------------------------------------ reading
select tests.authenticate_as('kn_acc_member');
select results_eq(
  $$ select content from public.match_knowledge(tests.kn_acc_vec(2), 10) $$,
  $$ values ('general secret about pricing'::text), ('fact about pricing'), ('note about pricing') $$,
  'without p_agent_id a member searches every collection of its workspace');
select results_eq(
  $$ select content from public.match_knowledge(tests.kn_acc_vec(2), 10, p_agent_id => 'd9000000-0000-4000-8000-0000000000a1') $$,
  $$ values ('fact about pricing'::text), ('note about pricing') $$,
  'on behalf of scout: only the collections scout has a grant on (read and read_write)');
select results_eq(
  $$ select content from public.match_knowledge(tests.kn_acc_vec(2), 10, p_agent_id => 'd9000000-0000-4000-8000-0000000000a1',
       p_collection_ids => array['d9000000-0000-4000-8000-0000000000c2'::uuid]) $$,
  $$ values ('note about pricing'::text) $$, 'on behalf of scout, narrowed to one granted collection');
select throws_ok(
  $$ select * from public.match_knowledge(tests.kn_acc_vec(2), 10, p_agent_id => 'd9000000-0000-4000-8000-0000000000a1',
       p_collection_ids => array[(select id from public.knowledge_collections where workspace_id = tests.workspace_id('kn_acc') and is_default)]) $$,
  '42501', null, 'on behalf of scout, naming a collection scout has no grant on is denied');
select is_empty(
  $$ select * from public.match_knowledge(tests.kn_acc_vec(2), 10, p_agent_id => 'd9000000-0000-4000-8000-0000000000a2') $$,
  'an agent without any grant finds nothing');
select throws_ok(
  $$ select * from public.match_knowledge(tests.kn_acc_vec(2), 10, p_agent_id => 'd9000000-0000-4000-8000-0000000000b1') $$,
  'P0002', 'p_agent_id: agent d9000000-0000-4000-8000-0000000000b1 not found',
  'an agent of another workspace is not found for this member');
select throws_ok(
  $$ select * from public.match_knowledge(tests.kn_acc_vec(2), 10, p_workspace_id => tests.workspace_id('kn_acc', 'b'),
       p_agent_id => 'd9000000-0000-4000-8000-0000000000a1') $$,
  '22023', null, 'p_workspace_id that is not the agent''s workspace is refused');
select results_eq(
  $$ select content from public.hybrid_search_knowledge('pricing', tests.kn_acc_vec(2), 10, p_agent_id => 'd9000000-0000-4000-8000-0000000000a1')
     order by content $$,
  $$ values ('fact about pricing'::text), ('note about pricing') $$,
  'hybrid_search_knowledge on behalf of scout: same collections, nothing from general');
select is_empty(
  $$ select * from public.hybrid_search_knowledge('pricing', tests.kn_acc_vec(2), 10, p_agent_id => 'd9000000-0000-4000-8000-0000000000a2') $$,
  'hybrid_search_knowledge: an agent without grants finds nothing');

select tests.authenticate_as('kn_acc_viewer');
select is((select count(*)::int from public.match_knowledge(tests.kn_acc_vec(2), 10, p_agent_id => 'd9000000-0000-4000-8000-0000000000a1')), 2,
  'a viewer may search on behalf of its workspace''s agent');
select tests.authenticate_as('kn_acc_outsider');
select results_eq(
  $$ select content from public.match_knowledge(tests.kn_acc_vec(2), 10, p_agent_id => 'd9000000-0000-4000-8000-0000000000b1') $$,
  $$ values ('b pricing'::text) $$, 'the other workspace''s admin searches for its own agent, seeing only its rows');
select throws_ok(
  $$ select * from public.match_knowledge(tests.kn_acc_vec(2), 10, p_agent_id => 'd9000000-0000-4000-8000-0000000000a1') $$,
  'P0002', null, 'the outsider cannot search on behalf of workspace a''s agent');
select tests.authenticate_as_service_role();
select results_eq(
  $$ select content from public.match_knowledge(tests.kn_acc_vec(2), 10, p_agent_id => 'd9000000-0000-4000-8000-0000000000a1') $$,
  $$ values ('fact about pricing'::text), ('note about pricing') $$,
  'service_role on behalf of scout: the agent is the scope, its grants apply');
select throws_ok($$ select * from public.match_knowledge(tests.kn_acc_vec(2), 10) $$,
  '22004', null, 'service_role without workspace or agent is refused');

-- ------------------------------------------------------------------------------------------ writing
select tests.authenticate_as('kn_acc_member');
select is(
  (select (e).source || '|' || (e).collection_id::text || '|' || (e).type::text
   from (select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', 'scout learned this', tests.kn_acc_vec(15, 0.3),
                  'fact', 0.8, 'd9000000-0000-4000-8000-0000000000c2') as e) x),
  'agent:d9000000-0000-4000-8000-0000000000a1|d9000000-0000-4000-8000-0000000000c2|fact',
  'add_knowledge_entry: read_write collection accepted; source agent:<id>, the type given');
select throws_ok(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', 'x', null, 'note', 0.5, 'd9000000-0000-4000-8000-0000000000c1') $$,
  '42501', 'p_agent_id: agent d9000000-0000-4000-8000-0000000000a1 has no read_write access to collection d9000000-0000-4000-8000-0000000000c1',
  'add_knowledge_entry: a read-only grant does not allow writing');
select throws_ok(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', 'x') $$,
  '42501', null, 'add_knowledge_entry: no grant on the default collection, so no write there');
select throws_ok(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a2', 'x', null, 'note', 0.5, 'd9000000-0000-4000-8000-0000000000c2') $$,
  '42501', null, 'add_knowledge_entry: an agent without grants cannot write');
select throws_ok(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000b1', 'x') $$,
  'P0002', null, 'add_knowledge_entry: an agent of another workspace is not found');
select throws_ok(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', 'x', null, 'note', 1.5, 'd9000000-0000-4000-8000-0000000000c2') $$,
  '22023', 'p_importance must be between 0 and 1, got 1.5', 'add_knowledge_entry: importance above 1 is refused');
select throws_ok(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', 'x', null, 'note', -0.1, 'd9000000-0000-4000-8000-0000000000c2') $$,
  '22023', null, 'add_knowledge_entry: negative importance is refused');
select throws_ok(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', null) $$,
  '22004', 'p_content must not be null', 'add_knowledge_entry: null content is refused');
select throws_ok(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', '   ', null, 'note', 0.5, 'd9000000-0000-4000-8000-0000000000c2') $$,
  '22023', 'p_content must be 1 to 100000 characters', 'add_knowledge_entry: blank content is refused');
select throws_ok(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', 'x', null, 'note', 0.5, 'd9000000-0000-4000-8000-0000000000c2', null, '[]') $$,
  '22023', 'p_metadata must be a JSON object', 'add_knowledge_entry: metadata must be an object');
select throws_ok(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', 'x', null, 'bogus') $$,
  '22P02', null, 'add_knowledge_entry: an unknown type is refused');
select throws_ok(
  $$ select public.add_knowledge_entry(null, 'x') $$,
  '22004', 'p_agent_id must not be null', 'add_knowledge_entry: null agent is refused');

select tests.authenticate_as('kn_acc_viewer');
select tests.assert_denied(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', 'x', null, 'note', 0.5, 'd9000000-0000-4000-8000-0000000000c2') $$,
  'add_knowledge_entry: a viewer cannot write on behalf of an agent');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', 'x') $$,
  'add_knowledge_entry: anon may not call it');
select tests.authenticate_as_service_role();
select isnt_empty(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', 'from the daemon', null, 'summary', 0.2, 'd9000000-0000-4000-8000-0000000000c2') $$,
  'add_knowledge_entry: service_role writes where the agent has read_write');
select throws_ok(
  $$ select public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', 'x', null, 'note', 0.5, 'd9000000-0000-4000-8000-0000000000c1') $$,
  '42501', null, 'add_knowledge_entry: service_role too is bound by the agent''s grant');

-- Granting read_write on the default makes the default writable; revoking removes search access.
select tests.authenticate_as('kn_acc_admin');
insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access)
select tests.workspace_id('kn_acc'), 'd9000000-0000-4000-8000-0000000000a1', c.id, 'read_write'
from public.knowledge_collections c where c.workspace_id = tests.workspace_id('kn_acc') and c.is_default;
select tests.authenticate_as('kn_acc_member');
select is(
  (with e as (select * from public.add_knowledge_entry('d9000000-0000-4000-8000-0000000000a1', 'into the default'))
   select c.slug from e join public.knowledge_collections c on c.id = e.collection_id),
  'general', 'add_knowledge_entry without a collection writes to the default once the agent may');
select tests.authenticate_as('kn_acc_admin');
delete from public.agent_knowledge_access where agent_id = 'd9000000-0000-4000-8000-0000000000a1';
select is_empty(
  $$ select * from public.match_knowledge(tests.kn_acc_vec(2), 10, p_agent_id => 'd9000000-0000-4000-8000-0000000000a1') $$,
  'after the grants are revoked the agent finds nothing');
select tests.clear_authentication();
select is((select count(*)::int from public.knowledge_entries where workspace_id = tests.workspace_id('kn_acc') and source like 'agent:%'), 3,
  'exactly the three accepted agent writes were stored');

select * from finish();
rollback;
