-- RLS of document_folders, documents, document_chunks: every API role (anon, outsider = admin of
-- another workspace, viewer, member, admin, owner, service_role) x select/insert/update/delete.
-- Folders and documents: viewer reads, member writes, admin deletes. Chunks: member also deletes.
begin;
select plan(90);
select tests.create_workspace_fixture('kn_docs');
insert into public.document_folders (id, workspace_id, name) values ('b1000000-0000-4000-8000-000000000001', tests.workspace_id('kn_docs'), 'A'), ('b1000000-0000-4000-8000-000000000002', tests.workspace_id('kn_docs', 'b'), 'B');
insert into public.document_folders (id, workspace_id, name) select ('b1000000-0000-4000-8000-0000000001' || lpad(g::text, 2, '0'))::uuid, tests.workspace_id('kn_docs'), 'victim ' || g from generate_series(1, 7) g;
insert into public.documents (id, workspace_id, title) values ('b2000000-0000-4000-8000-000000000001', tests.workspace_id('kn_docs'), 'A'), ('b2000000-0000-4000-8000-000000000002', tests.workspace_id('kn_docs', 'b'), 'B');
insert into public.documents (id, workspace_id, title) select ('b2000000-0000-4000-8000-0000000001' || lpad(g::text, 2, '0'))::uuid, tests.workspace_id('kn_docs'), 'victim ' || g from generate_series(1, 7) g;
insert into public.document_chunks (id, workspace_id, document_id, ordinal, content) values ('b3000000-0000-4000-8000-000000000001', tests.workspace_id('kn_docs'), 'b2000000-0000-4000-8000-000000000001', 0, 'A'), ('b3000000-0000-4000-8000-000000000002', tests.workspace_id('kn_docs', 'b'), 'b2000000-0000-4000-8000-000000000002', 0, 'B');
insert into public.document_chunks (id, workspace_id, document_id, ordinal, content) select ('b3000000-0000-4000-8000-0000000001' || lpad(g::text, 2, '0'))::uuid, tests.workspace_id('kn_docs'), 'b2000000-0000-4000-8000-000000000001', 100 + g, 'victim ' || g from generate_series(1, 7) g;

-- ---------------------------------------------------------------------------------------------
-- document_folders: read viewer, write member, delete admin
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.document_folders $$, 'document_folders: anon cannot select');
select tests.assert_denied($$ insert into public.document_folders (workspace_id, name) values (tests.workspace_id('kn_docs'), 'new by anon') $$, 'document_folders: anon cannot insert');
select tests.assert_denied($$ update public.document_folders set sort_order = sort_order + 1 where id = 'b1000000-0000-4000-8000-000000000001' $$, 'document_folders: anon cannot update');
select tests.assert_denied($$ delete from public.document_folders where id = 'b1000000-0000-4000-8000-000000000101' $$, 'document_folders: anon cannot delete');
select tests.authenticate_as('kn_docs_outsider');
select tests.assert_filtered($$ select 1 from public.document_folders where id = 'b1000000-0000-4000-8000-000000000001' $$, 'document_folders: outsider does not see workspace a''s row');
select tests.assert_denied($$ insert into public.document_folders (workspace_id, name) values (tests.workspace_id('kn_docs'), 'new by outsider') $$, 'document_folders: outsider cannot insert');
select tests.assert_filtered($$ update public.document_folders set sort_order = sort_order + 1 where id = 'b1000000-0000-4000-8000-000000000001' returning id $$, 'document_folders: outsider update touches nothing');
select tests.assert_filtered($$ delete from public.document_folders where id = 'b1000000-0000-4000-8000-000000000102' returning id $$, 'document_folders: outsider delete touches nothing');
select tests.authenticate_as('kn_docs_viewer');
select results_eq($$ select id from public.document_folders where id in ('b1000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b1000000-0000-4000-8000-000000000001'::uuid) $$, 'document_folders: viewer selects workspace a''s row and not workspace b''s');
select tests.assert_denied($$ insert into public.document_folders (workspace_id, name) values (tests.workspace_id('kn_docs'), 'new by viewer') $$, 'document_folders: viewer cannot insert');
select tests.assert_filtered($$ update public.document_folders set sort_order = sort_order + 1 where id = 'b1000000-0000-4000-8000-000000000001' returning id $$, 'document_folders: viewer update touches nothing');
select tests.assert_filtered($$ delete from public.document_folders where id = 'b1000000-0000-4000-8000-000000000103' returning id $$, 'document_folders: viewer delete touches nothing');
select tests.authenticate_as('kn_docs_member');
select results_eq($$ select id from public.document_folders where id in ('b1000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b1000000-0000-4000-8000-000000000001'::uuid) $$, 'document_folders: member selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.document_folders (workspace_id, name) values (tests.workspace_id('kn_docs'), 'new by member') returning id $$, 'document_folders: member inserts');
select results_eq($$ update public.document_folders set sort_order = sort_order + 1 where id = 'b1000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b1000000-0000-4000-8000-000000000001'::uuid) $$, 'document_folders: member updates');
select tests.assert_filtered($$ delete from public.document_folders where id = 'b1000000-0000-4000-8000-000000000104' returning id $$, 'document_folders: member delete touches nothing');
select tests.authenticate_as('kn_docs_admin');
select results_eq($$ select id from public.document_folders where id in ('b1000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b1000000-0000-4000-8000-000000000001'::uuid) $$, 'document_folders: admin selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.document_folders (workspace_id, name) values (tests.workspace_id('kn_docs'), 'new by admin') returning id $$, 'document_folders: admin inserts');
select results_eq($$ update public.document_folders set sort_order = sort_order + 1 where id = 'b1000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b1000000-0000-4000-8000-000000000001'::uuid) $$, 'document_folders: admin updates');
select results_eq($$ delete from public.document_folders where id = 'b1000000-0000-4000-8000-000000000105' returning id $$, $$ values ('b1000000-0000-4000-8000-000000000105'::uuid) $$, 'document_folders: admin deletes');
select tests.authenticate_as('kn_docs_owner');
select results_eq($$ select id from public.document_folders where id in ('b1000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b1000000-0000-4000-8000-000000000001'::uuid) $$, 'document_folders: owner selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.document_folders (workspace_id, name) values (tests.workspace_id('kn_docs'), 'new by owner') returning id $$, 'document_folders: owner inserts');
select results_eq($$ update public.document_folders set sort_order = sort_order + 1 where id = 'b1000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b1000000-0000-4000-8000-000000000001'::uuid) $$, 'document_folders: owner updates');
select results_eq($$ delete from public.document_folders where id = 'b1000000-0000-4000-8000-000000000106' returning id $$, $$ values ('b1000000-0000-4000-8000-000000000106'::uuid) $$, 'document_folders: owner deletes');
select tests.authenticate_as_service_role();
select results_eq($$ select id from public.document_folders where id in ('b1000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000002') order by id $$, $$ select unnest(array['b1000000-0000-4000-8000-000000000001', 'b1000000-0000-4000-8000-000000000002']::uuid[]) order by 1 $$, 'document_folders: service_role selects every workspace''s rows');
select isnt_empty($$ insert into public.document_folders (workspace_id, name) values (tests.workspace_id('kn_docs'), 'new by service_role') returning id $$, 'document_folders: service_role inserts');
select results_eq($$ update public.document_folders set sort_order = sort_order + 1 where id = 'b1000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b1000000-0000-4000-8000-000000000001'::uuid) $$, 'document_folders: service_role updates');
select results_eq($$ delete from public.document_folders where id = 'b1000000-0000-4000-8000-000000000107' returning id $$, $$ values ('b1000000-0000-4000-8000-000000000107'::uuid) $$, 'document_folders: service_role deletes');
select tests.authenticate_as('kn_docs_owner');
select tests.assert_denied($$ insert into public.document_folders (workspace_id, name) values (tests.workspace_id('kn_docs', 'b'), 'cross') $$, 'document_folders: owner of workspace a cannot insert into workspace b');
select tests.clear_authentication();
select is((select count(*)::int from public.document_folders where id = any (array['b1000000-0000-4000-8000-000000000101', 'b1000000-0000-4000-8000-000000000102', 'b1000000-0000-4000-8000-000000000103', 'b1000000-0000-4000-8000-000000000104']::uuid[])), 4, 'document_folders: rows the denied roles tried to delete are still there');

-- ---------------------------------------------------------------------------------------------
-- documents: read viewer, write member, delete admin
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.documents $$, 'documents: anon cannot select');
select tests.assert_denied($$ insert into public.documents (workspace_id, title) values (tests.workspace_id('kn_docs'), 'new by anon') $$, 'documents: anon cannot insert');
select tests.assert_denied($$ update public.documents set pinned = not pinned where id = 'b2000000-0000-4000-8000-000000000001' $$, 'documents: anon cannot update');
select tests.assert_denied($$ delete from public.documents where id = 'b2000000-0000-4000-8000-000000000101' $$, 'documents: anon cannot delete');
select tests.authenticate_as('kn_docs_outsider');
select tests.assert_filtered($$ select 1 from public.documents where id = 'b2000000-0000-4000-8000-000000000001' $$, 'documents: outsider does not see workspace a''s row');
select tests.assert_denied($$ insert into public.documents (workspace_id, title) values (tests.workspace_id('kn_docs'), 'new by outsider') $$, 'documents: outsider cannot insert');
select tests.assert_filtered($$ update public.documents set pinned = not pinned where id = 'b2000000-0000-4000-8000-000000000001' returning id $$, 'documents: outsider update touches nothing');
select tests.assert_filtered($$ delete from public.documents where id = 'b2000000-0000-4000-8000-000000000102' returning id $$, 'documents: outsider delete touches nothing');
select tests.authenticate_as('kn_docs_viewer');
select results_eq($$ select id from public.documents where id in ('b2000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b2000000-0000-4000-8000-000000000001'::uuid) $$, 'documents: viewer selects workspace a''s row and not workspace b''s');
select tests.assert_denied($$ insert into public.documents (workspace_id, title) values (tests.workspace_id('kn_docs'), 'new by viewer') $$, 'documents: viewer cannot insert');
select tests.assert_filtered($$ update public.documents set pinned = not pinned where id = 'b2000000-0000-4000-8000-000000000001' returning id $$, 'documents: viewer update touches nothing');
select tests.assert_filtered($$ delete from public.documents where id = 'b2000000-0000-4000-8000-000000000103' returning id $$, 'documents: viewer delete touches nothing');
select tests.authenticate_as('kn_docs_member');
select results_eq($$ select id from public.documents where id in ('b2000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b2000000-0000-4000-8000-000000000001'::uuid) $$, 'documents: member selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.documents (workspace_id, title) values (tests.workspace_id('kn_docs'), 'new by member') returning id $$, 'documents: member inserts');
select results_eq($$ update public.documents set pinned = not pinned where id = 'b2000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b2000000-0000-4000-8000-000000000001'::uuid) $$, 'documents: member updates');
select tests.assert_filtered($$ delete from public.documents where id = 'b2000000-0000-4000-8000-000000000104' returning id $$, 'documents: member delete touches nothing');
select tests.authenticate_as('kn_docs_admin');
select results_eq($$ select id from public.documents where id in ('b2000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b2000000-0000-4000-8000-000000000001'::uuid) $$, 'documents: admin selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.documents (workspace_id, title) values (tests.workspace_id('kn_docs'), 'new by admin') returning id $$, 'documents: admin inserts');
select results_eq($$ update public.documents set pinned = not pinned where id = 'b2000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b2000000-0000-4000-8000-000000000001'::uuid) $$, 'documents: admin updates');
select results_eq($$ delete from public.documents where id = 'b2000000-0000-4000-8000-000000000105' returning id $$, $$ values ('b2000000-0000-4000-8000-000000000105'::uuid) $$, 'documents: admin deletes');
select tests.authenticate_as('kn_docs_owner');
select results_eq($$ select id from public.documents where id in ('b2000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b2000000-0000-4000-8000-000000000001'::uuid) $$, 'documents: owner selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.documents (workspace_id, title) values (tests.workspace_id('kn_docs'), 'new by owner') returning id $$, 'documents: owner inserts');
select results_eq($$ update public.documents set pinned = not pinned where id = 'b2000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b2000000-0000-4000-8000-000000000001'::uuid) $$, 'documents: owner updates');
select results_eq($$ delete from public.documents where id = 'b2000000-0000-4000-8000-000000000106' returning id $$, $$ values ('b2000000-0000-4000-8000-000000000106'::uuid) $$, 'documents: owner deletes');
select tests.authenticate_as_service_role();
select results_eq($$ select id from public.documents where id in ('b2000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002') order by id $$, $$ select unnest(array['b2000000-0000-4000-8000-000000000001', 'b2000000-0000-4000-8000-000000000002']::uuid[]) order by 1 $$, 'documents: service_role selects every workspace''s rows');
select isnt_empty($$ insert into public.documents (workspace_id, title) values (tests.workspace_id('kn_docs'), 'new by service_role') returning id $$, 'documents: service_role inserts');
select results_eq($$ update public.documents set pinned = not pinned where id = 'b2000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b2000000-0000-4000-8000-000000000001'::uuid) $$, 'documents: service_role updates');
select results_eq($$ delete from public.documents where id = 'b2000000-0000-4000-8000-000000000107' returning id $$, $$ values ('b2000000-0000-4000-8000-000000000107'::uuid) $$, 'documents: service_role deletes');
select tests.authenticate_as('kn_docs_owner');
select tests.assert_denied($$ insert into public.documents (workspace_id, title) values (tests.workspace_id('kn_docs', 'b'), 'cross') $$, 'documents: owner of workspace a cannot insert into workspace b');
select tests.clear_authentication();
select is((select count(*)::int from public.documents where id = any (array['b2000000-0000-4000-8000-000000000101', 'b2000000-0000-4000-8000-000000000102', 'b2000000-0000-4000-8000-000000000103', 'b2000000-0000-4000-8000-000000000104']::uuid[])), 4, 'documents: rows the denied roles tried to delete are still there');

-- ---------------------------------------------------------------------------------------------
-- document_chunks: read viewer, write member, delete member
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.document_chunks $$, 'document_chunks: anon cannot select');
select tests.assert_denied($$ insert into public.document_chunks (workspace_id, document_id, ordinal, content) values (tests.workspace_id('kn_docs'), 'b2000000-0000-4000-8000-000000000001', 1, 'new by anon') $$, 'document_chunks: anon cannot insert');
select tests.assert_denied($$ update public.document_chunks set content = content || '!' where id = 'b3000000-0000-4000-8000-000000000001' $$, 'document_chunks: anon cannot update');
select tests.assert_denied($$ delete from public.document_chunks where id = 'b3000000-0000-4000-8000-000000000101' $$, 'document_chunks: anon cannot delete');
select tests.authenticate_as('kn_docs_outsider');
select tests.assert_filtered($$ select 1 from public.document_chunks where id = 'b3000000-0000-4000-8000-000000000001' $$, 'document_chunks: outsider does not see workspace a''s row');
select tests.assert_denied($$ insert into public.document_chunks (workspace_id, document_id, ordinal, content) values (tests.workspace_id('kn_docs'), 'b2000000-0000-4000-8000-000000000001', 2, 'new by outsider') $$, 'document_chunks: outsider cannot insert');
select tests.assert_filtered($$ update public.document_chunks set content = content || '!' where id = 'b3000000-0000-4000-8000-000000000001' returning id $$, 'document_chunks: outsider update touches nothing');
select tests.assert_filtered($$ delete from public.document_chunks where id = 'b3000000-0000-4000-8000-000000000102' returning id $$, 'document_chunks: outsider delete touches nothing');
select tests.authenticate_as('kn_docs_viewer');
select results_eq($$ select id from public.document_chunks where id in ('b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b3000000-0000-4000-8000-000000000001'::uuid) $$, 'document_chunks: viewer selects workspace a''s row and not workspace b''s');
select tests.assert_denied($$ insert into public.document_chunks (workspace_id, document_id, ordinal, content) values (tests.workspace_id('kn_docs'), 'b2000000-0000-4000-8000-000000000001', 3, 'new by viewer') $$, 'document_chunks: viewer cannot insert');
select tests.assert_filtered($$ update public.document_chunks set content = content || '!' where id = 'b3000000-0000-4000-8000-000000000001' returning id $$, 'document_chunks: viewer update touches nothing');
select tests.assert_filtered($$ delete from public.document_chunks where id = 'b3000000-0000-4000-8000-000000000103' returning id $$, 'document_chunks: viewer delete touches nothing');
select tests.authenticate_as('kn_docs_member');
select results_eq($$ select id from public.document_chunks where id in ('b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b3000000-0000-4000-8000-000000000001'::uuid) $$, 'document_chunks: member selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.document_chunks (workspace_id, document_id, ordinal, content) values (tests.workspace_id('kn_docs'), 'b2000000-0000-4000-8000-000000000001', 4, 'new by member') returning id $$, 'document_chunks: member inserts');
select results_eq($$ update public.document_chunks set content = content || '!' where id = 'b3000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b3000000-0000-4000-8000-000000000001'::uuid) $$, 'document_chunks: member updates');
select results_eq($$ delete from public.document_chunks where id = 'b3000000-0000-4000-8000-000000000104' returning id $$, $$ values ('b3000000-0000-4000-8000-000000000104'::uuid) $$, 'document_chunks: member deletes');
select tests.authenticate_as('kn_docs_admin');
select results_eq($$ select id from public.document_chunks where id in ('b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b3000000-0000-4000-8000-000000000001'::uuid) $$, 'document_chunks: admin selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.document_chunks (workspace_id, document_id, ordinal, content) values (tests.workspace_id('kn_docs'), 'b2000000-0000-4000-8000-000000000001', 5, 'new by admin') returning id $$, 'document_chunks: admin inserts');
select results_eq($$ update public.document_chunks set content = content || '!' where id = 'b3000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b3000000-0000-4000-8000-000000000001'::uuid) $$, 'document_chunks: admin updates');
select results_eq($$ delete from public.document_chunks where id = 'b3000000-0000-4000-8000-000000000105' returning id $$, $$ values ('b3000000-0000-4000-8000-000000000105'::uuid) $$, 'document_chunks: admin deletes');
select tests.authenticate_as('kn_docs_owner');
select results_eq($$ select id from public.document_chunks where id in ('b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b3000000-0000-4000-8000-000000000001'::uuid) $$, 'document_chunks: owner selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.document_chunks (workspace_id, document_id, ordinal, content) values (tests.workspace_id('kn_docs'), 'b2000000-0000-4000-8000-000000000001', 6, 'new by owner') returning id $$, 'document_chunks: owner inserts');
select results_eq($$ update public.document_chunks set content = content || '!' where id = 'b3000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b3000000-0000-4000-8000-000000000001'::uuid) $$, 'document_chunks: owner updates');
select results_eq($$ delete from public.document_chunks where id = 'b3000000-0000-4000-8000-000000000106' returning id $$, $$ values ('b3000000-0000-4000-8000-000000000106'::uuid) $$, 'document_chunks: owner deletes');
select tests.authenticate_as_service_role();
select results_eq($$ select id from public.document_chunks where id in ('b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002') order by id $$, $$ select unnest(array['b3000000-0000-4000-8000-000000000001', 'b3000000-0000-4000-8000-000000000002']::uuid[]) order by 1 $$, 'document_chunks: service_role selects every workspace''s rows');
select isnt_empty($$ insert into public.document_chunks (workspace_id, document_id, ordinal, content) values (tests.workspace_id('kn_docs'), 'b2000000-0000-4000-8000-000000000001', 7, 'new by service_role') returning id $$, 'document_chunks: service_role inserts');
select results_eq($$ update public.document_chunks set content = content || '!' where id = 'b3000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b3000000-0000-4000-8000-000000000001'::uuid) $$, 'document_chunks: service_role updates');
select results_eq($$ delete from public.document_chunks where id = 'b3000000-0000-4000-8000-000000000107' returning id $$, $$ values ('b3000000-0000-4000-8000-000000000107'::uuid) $$, 'document_chunks: service_role deletes');
select tests.authenticate_as('kn_docs_owner');
select tests.assert_denied($$ insert into public.document_chunks (workspace_id, document_id, ordinal, content) values (tests.workspace_id('kn_docs', 'b'), 'b2000000-0000-4000-8000-000000000002', 9, 'cross') $$, 'document_chunks: owner of workspace a cannot insert into workspace b');
select tests.clear_authentication();
select is((select count(*)::int from public.document_chunks where id = any (array['b3000000-0000-4000-8000-000000000101', 'b3000000-0000-4000-8000-000000000102', 'b3000000-0000-4000-8000-000000000103']::uuid[])), 3, 'document_chunks: rows the denied roles tried to delete are still there');

select tests.clear_authentication();
select * from finish();
rollback;
