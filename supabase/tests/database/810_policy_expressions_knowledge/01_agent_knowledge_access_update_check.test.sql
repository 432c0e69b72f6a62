-- agent_knowledge_access_update: its WITH CHECK is documented as redundant (20261129008200_policy_notes.sql),
-- because the agent_knowledge_access_forbid_workspace_change trigger refuses any change of workspace_id
-- before the check runs. 800_hardening/03 proves such claims on whatever row a table holds; this table is
-- empty in a fresh database, so the proof is made here on a row of its own: the admin of workspace a, who
-- can see workspace b as a viewer, tries to move a grant into b (agent and collection of b along, so the
-- foreign keys hold), and the trigger, not the policy, refuses it.
begin;
select plan(5);

select tests.create_workspace_fixture('pxkn');
insert into public.workspace_members (workspace_id, user_id, role)
  values (tests.workspace_id('pxkn', 'b'), tests.user_id('pxkn_admin'), 'viewer');
create temp table fx (k text primary key, id uuid) on commit drop;
grant select on fx to authenticated;
insert into fx values
  ('agent_a', tests.create_agent_fixture(tests.workspace_id('pxkn'), 'pxkn-a')),
  ('agent_b', tests.create_agent_fixture(tests.workspace_id('pxkn', 'b'), 'pxkn-b')),
  ('coll_a', (select id from public.knowledge_collections where workspace_id = tests.workspace_id('pxkn') and is_default)),
  ('coll_b', (select id from public.knowledge_collections where workspace_id = tests.workspace_id('pxkn', 'b') and is_default));
with ins as (insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access)
  values (tests.workspace_id('pxkn'), (select id from fx where k = 'agent_a'), (select id from fx where k = 'coll_a'), 'read') returning id)
insert into fx select 'grant', id from ins;
create function pg_temp.fx(p_k text) returns uuid language sql stable as $$ select id from fx where k = p_k $$;

select isnt(pg_temp.fx('coll_b'), null, 'workspace b has its default collection to move the grant to');

select tests.authenticate_as('pxkn_admin');
select throws_ok($$ update public.agent_knowledge_access
                      set workspace_id = tests.workspace_id('pxkn', 'b'), agent_id = pg_temp.fx('agent_b'), collection_id = pg_temp.fx('coll_b')
                    where id = pg_temp.fx('grant') $$,
  '22023', null,
  'agent_knowledge_access: the admin cannot move a grant into a workspace where they are only a viewer (the trigger refuses first)');
select isnt_empty($$ update public.agent_knowledge_access set access = 'read_write' where id = pg_temp.fx('grant') returning id $$,
  'agent_knowledge_access: the admin updates the grant in place');

-- The table owner, whom no policy applies to, is refused the same way: the trigger is the guard.
select tests.clear_authentication();
select throws_ok($$ update public.agent_knowledge_access
                      set workspace_id = tests.workspace_id('pxkn', 'b'), agent_id = pg_temp.fx('agent_b'), collection_id = pg_temp.fx('coll_b')
                    where id = pg_temp.fx('grant') $$,
  '22023', null, 'agent_knowledge_access: workspace_id is pinned by a trigger even where no policy applies');
select alike(obj_description((select p.oid from pg_policy p where p.polname = 'agent_knowledge_access_update'), 'pg_policy'),
  '%WITH CHECK is redundant: the agent_knowledge_access_forbid_workspace_change trigger%',
  'agent_knowledge_access_update: its comment names the trigger that holds instead of WITH CHECK');

select * from finish();
rollback;
