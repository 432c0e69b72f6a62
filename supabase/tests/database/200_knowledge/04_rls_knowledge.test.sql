-- RLS of knowledge_collections, knowledge_entries, agent_knowledge_access: every API role x
-- select/insert/update/delete. Collections: viewer reads, member writes, admin deletes. Entries: member
-- also deletes. Access grants: viewer reads, admin writes and deletes.
begin;
select plan(90);
select tests.create_workspace_fixture('kn_know');
insert into public.agents (id, workspace_id, slug, name) values ('b9000000-0000-4000-8000-000000000001', tests.workspace_id('kn_know'), 'agent-a', 'Agent A'), ('b9000000-0000-4000-8000-000000000002', tests.workspace_id('kn_know', 'b'), 'agent-b', 'Agent B');
insert into public.knowledge_collections (id, workspace_id, slug, name) values ('b6000000-0000-4000-8000-000000000001', tests.workspace_id('kn_know'), 'a', 'A'), ('b6000000-0000-4000-8000-000000000002', tests.workspace_id('kn_know', 'b'), 'b', 'B');
-- victims (one per role) and one collection per role for the access grants inserted below
insert into public.knowledge_collections (id, workspace_id, slug, name) select ('b6000000-0000-4000-8000-0000000001' || lpad(g::text, 2, '0'))::uuid, tests.workspace_id('kn_know'), 'victim-' || g, 'Victim ' || g from generate_series(1, 7) g;
insert into public.knowledge_collections (id, workspace_id, slug, name) select ('b6000000-0000-4000-8000-0000000002' || lpad(g::text, 2, '0'))::uuid, tests.workspace_id('kn_know'), 'grant-' || g, 'Grant ' || g from generate_series(1, 7) g;
insert into public.knowledge_collections (id, workspace_id, slug, name) select ('b6000000-0000-4000-8000-0000000003' || lpad(g::text, 2, '0'))::uuid, tests.workspace_id('kn_know'), 'held-' || g, 'Held ' || g from generate_series(1, 7) g;
insert into public.knowledge_entries (id, workspace_id, collection_id, content) values ('b7000000-0000-4000-8000-000000000001', tests.workspace_id('kn_know'), 'b6000000-0000-4000-8000-000000000001', 'A'), ('b7000000-0000-4000-8000-000000000002', tests.workspace_id('kn_know', 'b'), 'b6000000-0000-4000-8000-000000000002', 'B');
insert into public.knowledge_entries (id, workspace_id, content) select ('b7000000-0000-4000-8000-0000000001' || lpad(g::text, 2, '0'))::uuid, tests.workspace_id('kn_know'), 'victim ' || g from generate_series(1, 7) g;
insert into public.agent_knowledge_access (id, workspace_id, agent_id, collection_id) values ('b8000000-0000-4000-8000-000000000001', tests.workspace_id('kn_know'), 'b9000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000001'), ('b8000000-0000-4000-8000-000000000002', tests.workspace_id('kn_know', 'b'), 'b9000000-0000-4000-8000-000000000002', 'b6000000-0000-4000-8000-000000000002');
insert into public.agent_knowledge_access (id, workspace_id, agent_id, collection_id) select ('b8000000-0000-4000-8000-0000000001' || lpad(g::text, 2, '0'))::uuid, tests.workspace_id('kn_know'), 'b9000000-0000-4000-8000-000000000001', ('b6000000-0000-4000-8000-0000000003' || lpad(g::text, 2, '0'))::uuid from generate_series(1, 7) g;

-- ---------------------------------------------------------------------------------------------
-- knowledge_collections: read viewer, write member, delete admin
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.knowledge_collections $$, 'knowledge_collections: anon cannot select');
select tests.assert_denied($$ insert into public.knowledge_collections (workspace_id, slug, name) values (tests.workspace_id('kn_know'), 'new-anon', 'New') $$, 'knowledge_collections: anon cannot insert');
select tests.assert_denied($$ update public.knowledge_collections set description = description || '!' where id = 'b6000000-0000-4000-8000-000000000001' $$, 'knowledge_collections: anon cannot update');
select tests.assert_denied($$ delete from public.knowledge_collections where id = 'b6000000-0000-4000-8000-000000000101' $$, 'knowledge_collections: anon cannot delete');
select tests.authenticate_as('kn_know_outsider');
select tests.assert_filtered($$ select 1 from public.knowledge_collections where id = 'b6000000-0000-4000-8000-000000000001' $$, 'knowledge_collections: outsider does not see workspace a''s row');
select tests.assert_denied($$ insert into public.knowledge_collections (workspace_id, slug, name) values (tests.workspace_id('kn_know'), 'new-outsider', 'New') $$, 'knowledge_collections: outsider cannot insert');
select tests.assert_filtered($$ update public.knowledge_collections set description = description || '!' where id = 'b6000000-0000-4000-8000-000000000001' returning id $$, 'knowledge_collections: outsider update touches nothing');
select tests.assert_filtered($$ delete from public.knowledge_collections where id = 'b6000000-0000-4000-8000-000000000102' returning id $$, 'knowledge_collections: outsider delete touches nothing');
select tests.authenticate_as('kn_know_viewer');
select results_eq($$ select id from public.knowledge_collections where id in ('b6000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b6000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_collections: viewer selects workspace a''s row and not workspace b''s');
select tests.assert_denied($$ insert into public.knowledge_collections (workspace_id, slug, name) values (tests.workspace_id('kn_know'), 'new-viewer', 'New') $$, 'knowledge_collections: viewer cannot insert');
select tests.assert_filtered($$ update public.knowledge_collections set description = description || '!' where id = 'b6000000-0000-4000-8000-000000000001' returning id $$, 'knowledge_collections: viewer update touches nothing');
select tests.assert_filtered($$ delete from public.knowledge_collections where id = 'b6000000-0000-4000-8000-000000000103' returning id $$, 'knowledge_collections: viewer delete touches nothing');
select tests.authenticate_as('kn_know_member');
select results_eq($$ select id from public.knowledge_collections where id in ('b6000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b6000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_collections: member selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.knowledge_collections (workspace_id, slug, name) values (tests.workspace_id('kn_know'), 'new-member', 'New') returning id $$, 'knowledge_collections: member inserts');
select results_eq($$ update public.knowledge_collections set description = description || '!' where id = 'b6000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b6000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_collections: member updates');
select tests.assert_filtered($$ delete from public.knowledge_collections where id = 'b6000000-0000-4000-8000-000000000104' returning id $$, 'knowledge_collections: member delete touches nothing');
select tests.authenticate_as('kn_know_admin');
select results_eq($$ select id from public.knowledge_collections where id in ('b6000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b6000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_collections: admin selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.knowledge_collections (workspace_id, slug, name) values (tests.workspace_id('kn_know'), 'new-admin', 'New') returning id $$, 'knowledge_collections: admin inserts');
select results_eq($$ update public.knowledge_collections set description = description || '!' where id = 'b6000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b6000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_collections: admin updates');
select results_eq($$ delete from public.knowledge_collections where id = 'b6000000-0000-4000-8000-000000000105' returning id $$, $$ values ('b6000000-0000-4000-8000-000000000105'::uuid) $$, 'knowledge_collections: admin deletes');
select tests.authenticate_as('kn_know_owner');
select results_eq($$ select id from public.knowledge_collections where id in ('b6000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b6000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_collections: owner selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.knowledge_collections (workspace_id, slug, name) values (tests.workspace_id('kn_know'), 'new-owner', 'New') returning id $$, 'knowledge_collections: owner inserts');
select results_eq($$ update public.knowledge_collections set description = description || '!' where id = 'b6000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b6000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_collections: owner updates');
select results_eq($$ delete from public.knowledge_collections where id = 'b6000000-0000-4000-8000-000000000106' returning id $$, $$ values ('b6000000-0000-4000-8000-000000000106'::uuid) $$, 'knowledge_collections: owner deletes');
select tests.authenticate_as_service_role();
select results_eq($$ select id from public.knowledge_collections where id in ('b6000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000002') order by id $$, $$ select unnest(array['b6000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000002']::uuid[]) order by 1 $$, 'knowledge_collections: service_role selects every workspace''s rows');
select isnt_empty($$ insert into public.knowledge_collections (workspace_id, slug, name) values (tests.workspace_id('kn_know'), 'new-service-role', 'New') returning id $$, 'knowledge_collections: service_role inserts');
select results_eq($$ update public.knowledge_collections set description = description || '!' where id = 'b6000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b6000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_collections: service_role updates');
select results_eq($$ delete from public.knowledge_collections where id = 'b6000000-0000-4000-8000-000000000107' returning id $$, $$ values ('b6000000-0000-4000-8000-000000000107'::uuid) $$, 'knowledge_collections: service_role deletes');
select tests.authenticate_as('kn_know_owner');
select tests.assert_denied($$ insert into public.knowledge_collections (workspace_id, slug, name) values (tests.workspace_id('kn_know', 'b'), 'cross', 'Cross') $$, 'knowledge_collections: owner of workspace a cannot insert into workspace b');
select tests.clear_authentication();
select is((select count(*)::int from public.knowledge_collections where id = any (array['b6000000-0000-4000-8000-000000000101', 'b6000000-0000-4000-8000-000000000102', 'b6000000-0000-4000-8000-000000000103', 'b6000000-0000-4000-8000-000000000104']::uuid[])), 4, 'knowledge_collections: rows the denied roles tried to delete are still there');

-- ---------------------------------------------------------------------------------------------
-- knowledge_entries: read viewer, write member, delete member
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.knowledge_entries $$, 'knowledge_entries: anon cannot select');
select tests.assert_denied($$ insert into public.knowledge_entries (workspace_id, content, type, importance) values (tests.workspace_id('kn_know'), 'new by anon', 'fact', 0.7) $$, 'knowledge_entries: anon cannot insert');
select tests.assert_denied($$ update public.knowledge_entries set importance = 0.9 where id = 'b7000000-0000-4000-8000-000000000001' $$, 'knowledge_entries: anon cannot update');
select tests.assert_denied($$ delete from public.knowledge_entries where id = 'b7000000-0000-4000-8000-000000000101' $$, 'knowledge_entries: anon cannot delete');
select tests.authenticate_as('kn_know_outsider');
select tests.assert_filtered($$ select 1 from public.knowledge_entries where id = 'b7000000-0000-4000-8000-000000000001' $$, 'knowledge_entries: outsider does not see workspace a''s row');
select tests.assert_denied($$ insert into public.knowledge_entries (workspace_id, content, type, importance) values (tests.workspace_id('kn_know'), 'new by outsider', 'fact', 0.7) $$, 'knowledge_entries: outsider cannot insert');
select tests.assert_filtered($$ update public.knowledge_entries set importance = 0.9 where id = 'b7000000-0000-4000-8000-000000000001' returning id $$, 'knowledge_entries: outsider update touches nothing');
select tests.assert_filtered($$ delete from public.knowledge_entries where id = 'b7000000-0000-4000-8000-000000000102' returning id $$, 'knowledge_entries: outsider delete touches nothing');
select tests.authenticate_as('kn_know_viewer');
select results_eq($$ select id from public.knowledge_entries where id in ('b7000000-0000-4000-8000-000000000001', 'b7000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b7000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_entries: viewer selects workspace a''s row and not workspace b''s');
select tests.assert_denied($$ insert into public.knowledge_entries (workspace_id, content, type, importance) values (tests.workspace_id('kn_know'), 'new by viewer', 'fact', 0.7) $$, 'knowledge_entries: viewer cannot insert');
select tests.assert_filtered($$ update public.knowledge_entries set importance = 0.9 where id = 'b7000000-0000-4000-8000-000000000001' returning id $$, 'knowledge_entries: viewer update touches nothing');
select tests.assert_filtered($$ delete from public.knowledge_entries where id = 'b7000000-0000-4000-8000-000000000103' returning id $$, 'knowledge_entries: viewer delete touches nothing');
select tests.authenticate_as('kn_know_member');
select results_eq($$ select id from public.knowledge_entries where id in ('b7000000-0000-4000-8000-000000000001', 'b7000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b7000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_entries: member selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.knowledge_entries (workspace_id, content, type, importance) values (tests.workspace_id('kn_know'), 'new by member', 'fact', 0.7) returning id $$, 'knowledge_entries: member inserts');
select results_eq($$ update public.knowledge_entries set importance = 0.9 where id = 'b7000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b7000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_entries: member updates');
select results_eq($$ delete from public.knowledge_entries where id = 'b7000000-0000-4000-8000-000000000104' returning id $$, $$ values ('b7000000-0000-4000-8000-000000000104'::uuid) $$, 'knowledge_entries: member deletes');
select tests.authenticate_as('kn_know_admin');
select results_eq($$ select id from public.knowledge_entries where id in ('b7000000-0000-4000-8000-000000000001', 'b7000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b7000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_entries: admin selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.knowledge_entries (workspace_id, content, type, importance) values (tests.workspace_id('kn_know'), 'new by admin', 'fact', 0.7) returning id $$, 'knowledge_entries: admin inserts');
select results_eq($$ update public.knowledge_entries set importance = 0.9 where id = 'b7000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b7000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_entries: admin updates');
select results_eq($$ delete from public.knowledge_entries where id = 'b7000000-0000-4000-8000-000000000105' returning id $$, $$ values ('b7000000-0000-4000-8000-000000000105'::uuid) $$, 'knowledge_entries: admin deletes');
select tests.authenticate_as('kn_know_owner');
select results_eq($$ select id from public.knowledge_entries where id in ('b7000000-0000-4000-8000-000000000001', 'b7000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b7000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_entries: owner selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.knowledge_entries (workspace_id, content, type, importance) values (tests.workspace_id('kn_know'), 'new by owner', 'fact', 0.7) returning id $$, 'knowledge_entries: owner inserts');
select results_eq($$ update public.knowledge_entries set importance = 0.9 where id = 'b7000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b7000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_entries: owner updates');
select results_eq($$ delete from public.knowledge_entries where id = 'b7000000-0000-4000-8000-000000000106' returning id $$, $$ values ('b7000000-0000-4000-8000-000000000106'::uuid) $$, 'knowledge_entries: owner deletes');
select tests.authenticate_as_service_role();
select results_eq($$ select id from public.knowledge_entries where id in ('b7000000-0000-4000-8000-000000000001', 'b7000000-0000-4000-8000-000000000002') order by id $$, $$ select unnest(array['b7000000-0000-4000-8000-000000000001', 'b7000000-0000-4000-8000-000000000002']::uuid[]) order by 1 $$, 'knowledge_entries: service_role selects every workspace''s rows');
select isnt_empty($$ insert into public.knowledge_entries (workspace_id, content, type, importance) values (tests.workspace_id('kn_know'), 'new by service_role', 'fact', 0.7) returning id $$, 'knowledge_entries: service_role inserts');
select results_eq($$ update public.knowledge_entries set importance = 0.9 where id = 'b7000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b7000000-0000-4000-8000-000000000001'::uuid) $$, 'knowledge_entries: service_role updates');
select results_eq($$ delete from public.knowledge_entries where id = 'b7000000-0000-4000-8000-000000000107' returning id $$, $$ values ('b7000000-0000-4000-8000-000000000107'::uuid) $$, 'knowledge_entries: service_role deletes');
select tests.authenticate_as('kn_know_owner');
select tests.assert_denied($$ insert into public.knowledge_entries (workspace_id, collection_id, content) values (tests.workspace_id('kn_know', 'b'), 'b6000000-0000-4000-8000-000000000002', 'cross') $$, 'knowledge_entries: owner of workspace a cannot insert into workspace b');
select tests.clear_authentication();
select is((select count(*)::int from public.knowledge_entries where id = any (array['b7000000-0000-4000-8000-000000000101', 'b7000000-0000-4000-8000-000000000102', 'b7000000-0000-4000-8000-000000000103']::uuid[])), 3, 'knowledge_entries: rows the denied roles tried to delete are still there');

-- ---------------------------------------------------------------------------------------------
-- agent_knowledge_access: read viewer, write admin, delete admin
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.agent_knowledge_access $$, 'agent_knowledge_access: anon cannot select');
select tests.assert_denied($$ insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access) values (tests.workspace_id('kn_know'), 'b9000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000201', 'read_write') $$, 'agent_knowledge_access: anon cannot insert');
select tests.assert_denied($$ update public.agent_knowledge_access set access = 'read_write' where id = 'b8000000-0000-4000-8000-000000000001' $$, 'agent_knowledge_access: anon cannot update');
select tests.assert_denied($$ delete from public.agent_knowledge_access where id = 'b8000000-0000-4000-8000-000000000101' $$, 'agent_knowledge_access: anon cannot delete');
select tests.authenticate_as('kn_know_outsider');
select tests.assert_filtered($$ select 1 from public.agent_knowledge_access where id = 'b8000000-0000-4000-8000-000000000001' $$, 'agent_knowledge_access: outsider does not see workspace a''s row');
select tests.assert_denied($$ insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access) values (tests.workspace_id('kn_know'), 'b9000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000202', 'read_write') $$, 'agent_knowledge_access: outsider cannot insert');
select tests.assert_filtered($$ update public.agent_knowledge_access set access = 'read_write' where id = 'b8000000-0000-4000-8000-000000000001' returning id $$, 'agent_knowledge_access: outsider update touches nothing');
select tests.assert_filtered($$ delete from public.agent_knowledge_access where id = 'b8000000-0000-4000-8000-000000000102' returning id $$, 'agent_knowledge_access: outsider delete touches nothing');
select tests.authenticate_as('kn_know_viewer');
select results_eq($$ select id from public.agent_knowledge_access where id in ('b8000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b8000000-0000-4000-8000-000000000001'::uuid) $$, 'agent_knowledge_access: viewer selects workspace a''s row and not workspace b''s');
select tests.assert_denied($$ insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access) values (tests.workspace_id('kn_know'), 'b9000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000203', 'read_write') $$, 'agent_knowledge_access: viewer cannot insert');
select tests.assert_filtered($$ update public.agent_knowledge_access set access = 'read_write' where id = 'b8000000-0000-4000-8000-000000000001' returning id $$, 'agent_knowledge_access: viewer update touches nothing');
select tests.assert_filtered($$ delete from public.agent_knowledge_access where id = 'b8000000-0000-4000-8000-000000000103' returning id $$, 'agent_knowledge_access: viewer delete touches nothing');
select tests.authenticate_as('kn_know_member');
select results_eq($$ select id from public.agent_knowledge_access where id in ('b8000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b8000000-0000-4000-8000-000000000001'::uuid) $$, 'agent_knowledge_access: member selects workspace a''s row and not workspace b''s');
select tests.assert_denied($$ insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access) values (tests.workspace_id('kn_know'), 'b9000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000204', 'read_write') $$, 'agent_knowledge_access: member cannot insert');
select tests.assert_filtered($$ update public.agent_knowledge_access set access = 'read_write' where id = 'b8000000-0000-4000-8000-000000000001' returning id $$, 'agent_knowledge_access: member update touches nothing');
select tests.assert_filtered($$ delete from public.agent_knowledge_access where id = 'b8000000-0000-4000-8000-000000000104' returning id $$, 'agent_knowledge_access: member delete touches nothing');
select tests.authenticate_as('kn_know_admin');
select results_eq($$ select id from public.agent_knowledge_access where id in ('b8000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b8000000-0000-4000-8000-000000000001'::uuid) $$, 'agent_knowledge_access: admin selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access) values (tests.workspace_id('kn_know'), 'b9000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000205', 'read_write') returning id $$, 'agent_knowledge_access: admin inserts');
select results_eq($$ update public.agent_knowledge_access set access = 'read_write' where id = 'b8000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b8000000-0000-4000-8000-000000000001'::uuid) $$, 'agent_knowledge_access: admin updates');
select results_eq($$ delete from public.agent_knowledge_access where id = 'b8000000-0000-4000-8000-000000000105' returning id $$, $$ values ('b8000000-0000-4000-8000-000000000105'::uuid) $$, 'agent_knowledge_access: admin deletes');
select tests.authenticate_as('kn_know_owner');
select results_eq($$ select id from public.agent_knowledge_access where id in ('b8000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b8000000-0000-4000-8000-000000000001'::uuid) $$, 'agent_knowledge_access: owner selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access) values (tests.workspace_id('kn_know'), 'b9000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000206', 'read_write') returning id $$, 'agent_knowledge_access: owner inserts');
select results_eq($$ update public.agent_knowledge_access set access = 'read_write' where id = 'b8000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b8000000-0000-4000-8000-000000000001'::uuid) $$, 'agent_knowledge_access: owner updates');
select results_eq($$ delete from public.agent_knowledge_access where id = 'b8000000-0000-4000-8000-000000000106' returning id $$, $$ values ('b8000000-0000-4000-8000-000000000106'::uuid) $$, 'agent_knowledge_access: owner deletes');
select tests.authenticate_as_service_role();
select results_eq($$ select id from public.agent_knowledge_access where id in ('b8000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002') order by id $$, $$ select unnest(array['b8000000-0000-4000-8000-000000000001', 'b8000000-0000-4000-8000-000000000002']::uuid[]) order by 1 $$, 'agent_knowledge_access: service_role selects every workspace''s rows');
select isnt_empty($$ insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id, access) values (tests.workspace_id('kn_know'), 'b9000000-0000-4000-8000-000000000001', 'b6000000-0000-4000-8000-000000000207', 'read_write') returning id $$, 'agent_knowledge_access: service_role inserts');
select results_eq($$ update public.agent_knowledge_access set access = 'read_write' where id = 'b8000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b8000000-0000-4000-8000-000000000001'::uuid) $$, 'agent_knowledge_access: service_role updates');
select results_eq($$ delete from public.agent_knowledge_access where id = 'b8000000-0000-4000-8000-000000000107' returning id $$, $$ values ('b8000000-0000-4000-8000-000000000107'::uuid) $$, 'agent_knowledge_access: service_role deletes');
select tests.authenticate_as('kn_know_owner');
select tests.assert_denied($$ insert into public.agent_knowledge_access (workspace_id, agent_id, collection_id) values (tests.workspace_id('kn_know', 'b'), 'b9000000-0000-4000-8000-000000000002', 'b6000000-0000-4000-8000-000000000002') $$, 'agent_knowledge_access: owner of workspace a cannot insert into workspace b');
select tests.clear_authentication();
select is((select count(*)::int from public.agent_knowledge_access where id = any (array['b8000000-0000-4000-8000-000000000101', 'b8000000-0000-4000-8000-000000000102', 'b8000000-0000-4000-8000-000000000103', 'b8000000-0000-4000-8000-000000000104']::uuid[])), 4, 'agent_knowledge_access: rows the denied roles tried to delete are still there');

select tests.clear_authentication();
select * from finish();
rollback;
