-- RLS of asset_folders and assets: every API role x select/insert/update/delete.
-- Viewer reads, member writes, admin deletes (the rule of the storage objects behind assets).
begin;
select plan(60);
select tests.create_workspace_fixture('kn_assets');
insert into public.asset_folders (id, workspace_id, name) values ('b4000000-0000-4000-8000-000000000001', tests.workspace_id('kn_assets'), 'A'), ('b4000000-0000-4000-8000-000000000002', tests.workspace_id('kn_assets', 'b'), 'B');
insert into public.asset_folders (id, workspace_id, name) select ('b4000000-0000-4000-8000-0000000001' || lpad(g::text, 2, '0'))::uuid, tests.workspace_id('kn_assets'), 'victim ' || g from generate_series(1, 7) g;
insert into public.assets (id, workspace_id, name, url) values ('b5000000-0000-4000-8000-000000000001', tests.workspace_id('kn_assets'), 'A', 'https://example.com/a'), ('b5000000-0000-4000-8000-000000000002', tests.workspace_id('kn_assets', 'b'), 'B', 'https://example.com/b');
insert into public.assets (id, workspace_id, name, type, storage_path) select ('b5000000-0000-4000-8000-0000000001' || lpad(g::text, 2, '0'))::uuid, tests.workspace_id('kn_assets'), 'victim ' || g, 'sop', tests.workspace_id('kn_assets')::text || '/sops/victim-' || g || '.pdf' from generate_series(1, 7) g;

-- ---------------------------------------------------------------------------------------------
-- asset_folders: read viewer, write member, delete admin
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.asset_folders $$, 'asset_folders: anon cannot select');
select tests.assert_denied($$ insert into public.asset_folders (workspace_id, name) values (tests.workspace_id('kn_assets'), 'new by anon') $$, 'asset_folders: anon cannot insert');
select tests.assert_denied($$ update public.asset_folders set sort_order = sort_order + 1 where id = 'b4000000-0000-4000-8000-000000000001' $$, 'asset_folders: anon cannot update');
select tests.assert_denied($$ delete from public.asset_folders where id = 'b4000000-0000-4000-8000-000000000101' $$, 'asset_folders: anon cannot delete');
select tests.authenticate_as('kn_assets_outsider');
select tests.assert_filtered($$ select 1 from public.asset_folders where id = 'b4000000-0000-4000-8000-000000000001' $$, 'asset_folders: outsider does not see workspace a''s row');
select tests.assert_denied($$ insert into public.asset_folders (workspace_id, name) values (tests.workspace_id('kn_assets'), 'new by outsider') $$, 'asset_folders: outsider cannot insert');
select tests.assert_filtered($$ update public.asset_folders set sort_order = sort_order + 1 where id = 'b4000000-0000-4000-8000-000000000001' returning id $$, 'asset_folders: outsider update touches nothing');
select tests.assert_filtered($$ delete from public.asset_folders where id = 'b4000000-0000-4000-8000-000000000102' returning id $$, 'asset_folders: outsider delete touches nothing');
select tests.authenticate_as('kn_assets_viewer');
select results_eq($$ select id from public.asset_folders where id in ('b4000000-0000-4000-8000-000000000001', 'b4000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b4000000-0000-4000-8000-000000000001'::uuid) $$, 'asset_folders: viewer selects workspace a''s row and not workspace b''s');
select tests.assert_denied($$ insert into public.asset_folders (workspace_id, name) values (tests.workspace_id('kn_assets'), 'new by viewer') $$, 'asset_folders: viewer cannot insert');
select tests.assert_filtered($$ update public.asset_folders set sort_order = sort_order + 1 where id = 'b4000000-0000-4000-8000-000000000001' returning id $$, 'asset_folders: viewer update touches nothing');
select tests.assert_filtered($$ delete from public.asset_folders where id = 'b4000000-0000-4000-8000-000000000103' returning id $$, 'asset_folders: viewer delete touches nothing');
select tests.authenticate_as('kn_assets_member');
select results_eq($$ select id from public.asset_folders where id in ('b4000000-0000-4000-8000-000000000001', 'b4000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b4000000-0000-4000-8000-000000000001'::uuid) $$, 'asset_folders: member selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.asset_folders (workspace_id, name) values (tests.workspace_id('kn_assets'), 'new by member') returning id $$, 'asset_folders: member inserts');
select results_eq($$ update public.asset_folders set sort_order = sort_order + 1 where id = 'b4000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b4000000-0000-4000-8000-000000000001'::uuid) $$, 'asset_folders: member updates');
select tests.assert_filtered($$ delete from public.asset_folders where id = 'b4000000-0000-4000-8000-000000000104' returning id $$, 'asset_folders: member delete touches nothing');
select tests.authenticate_as('kn_assets_admin');
select results_eq($$ select id from public.asset_folders where id in ('b4000000-0000-4000-8000-000000000001', 'b4000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b4000000-0000-4000-8000-000000000001'::uuid) $$, 'asset_folders: admin selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.asset_folders (workspace_id, name) values (tests.workspace_id('kn_assets'), 'new by admin') returning id $$, 'asset_folders: admin inserts');
select results_eq($$ update public.asset_folders set sort_order = sort_order + 1 where id = 'b4000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b4000000-0000-4000-8000-000000000001'::uuid) $$, 'asset_folders: admin updates');
select results_eq($$ delete from public.asset_folders where id = 'b4000000-0000-4000-8000-000000000105' returning id $$, $$ values ('b4000000-0000-4000-8000-000000000105'::uuid) $$, 'asset_folders: admin deletes');
select tests.authenticate_as('kn_assets_owner');
select results_eq($$ select id from public.asset_folders where id in ('b4000000-0000-4000-8000-000000000001', 'b4000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b4000000-0000-4000-8000-000000000001'::uuid) $$, 'asset_folders: owner selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.asset_folders (workspace_id, name) values (tests.workspace_id('kn_assets'), 'new by owner') returning id $$, 'asset_folders: owner inserts');
select results_eq($$ update public.asset_folders set sort_order = sort_order + 1 where id = 'b4000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b4000000-0000-4000-8000-000000000001'::uuid) $$, 'asset_folders: owner updates');
select results_eq($$ delete from public.asset_folders where id = 'b4000000-0000-4000-8000-000000000106' returning id $$, $$ values ('b4000000-0000-4000-8000-000000000106'::uuid) $$, 'asset_folders: owner deletes');
select tests.authenticate_as_service_role();
select results_eq($$ select id from public.asset_folders where id in ('b4000000-0000-4000-8000-000000000001', 'b4000000-0000-4000-8000-000000000002') order by id $$, $$ select unnest(array['b4000000-0000-4000-8000-000000000001', 'b4000000-0000-4000-8000-000000000002']::uuid[]) order by 1 $$, 'asset_folders: service_role selects every workspace''s rows');
select isnt_empty($$ insert into public.asset_folders (workspace_id, name) values (tests.workspace_id('kn_assets'), 'new by service_role') returning id $$, 'asset_folders: service_role inserts');
select results_eq($$ update public.asset_folders set sort_order = sort_order + 1 where id = 'b4000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b4000000-0000-4000-8000-000000000001'::uuid) $$, 'asset_folders: service_role updates');
select results_eq($$ delete from public.asset_folders where id = 'b4000000-0000-4000-8000-000000000107' returning id $$, $$ values ('b4000000-0000-4000-8000-000000000107'::uuid) $$, 'asset_folders: service_role deletes');
select tests.authenticate_as('kn_assets_owner');
select tests.assert_denied($$ insert into public.asset_folders (workspace_id, name) values (tests.workspace_id('kn_assets', 'b'), 'cross') $$, 'asset_folders: owner of workspace a cannot insert into workspace b');
select tests.clear_authentication();
select is((select count(*)::int from public.asset_folders where id = any (array['b4000000-0000-4000-8000-000000000101', 'b4000000-0000-4000-8000-000000000102', 'b4000000-0000-4000-8000-000000000103', 'b4000000-0000-4000-8000-000000000104']::uuid[])), 4, 'asset_folders: rows the denied roles tried to delete are still there');

-- ---------------------------------------------------------------------------------------------
-- assets: read viewer, write member, delete admin
-- ---------------------------------------------------------------------------------------------
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.assets $$, 'assets: anon cannot select');
select tests.assert_denied($$ insert into public.assets (workspace_id, name, type, url) values (tests.workspace_id('kn_assets'), 'new by anon', 'link', 'https://example.com/anon') $$, 'assets: anon cannot insert');
select tests.assert_denied($$ update public.assets set description = description || '!' where id = 'b5000000-0000-4000-8000-000000000001' $$, 'assets: anon cannot update');
select tests.assert_denied($$ delete from public.assets where id = 'b5000000-0000-4000-8000-000000000101' $$, 'assets: anon cannot delete');
select tests.authenticate_as('kn_assets_outsider');
select tests.assert_filtered($$ select 1 from public.assets where id = 'b5000000-0000-4000-8000-000000000001' $$, 'assets: outsider does not see workspace a''s row');
select tests.assert_denied($$ insert into public.assets (workspace_id, name, type, url) values (tests.workspace_id('kn_assets'), 'new by outsider', 'link', 'https://example.com/outsider') $$, 'assets: outsider cannot insert');
select tests.assert_filtered($$ update public.assets set description = description || '!' where id = 'b5000000-0000-4000-8000-000000000001' returning id $$, 'assets: outsider update touches nothing');
select tests.assert_filtered($$ delete from public.assets where id = 'b5000000-0000-4000-8000-000000000102' returning id $$, 'assets: outsider delete touches nothing');
select tests.authenticate_as('kn_assets_viewer');
select results_eq($$ select id from public.assets where id in ('b5000000-0000-4000-8000-000000000001', 'b5000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b5000000-0000-4000-8000-000000000001'::uuid) $$, 'assets: viewer selects workspace a''s row and not workspace b''s');
select tests.assert_denied($$ insert into public.assets (workspace_id, name, type, url) values (tests.workspace_id('kn_assets'), 'new by viewer', 'link', 'https://example.com/viewer') $$, 'assets: viewer cannot insert');
select tests.assert_filtered($$ update public.assets set description = description || '!' where id = 'b5000000-0000-4000-8000-000000000001' returning id $$, 'assets: viewer update touches nothing');
select tests.assert_filtered($$ delete from public.assets where id = 'b5000000-0000-4000-8000-000000000103' returning id $$, 'assets: viewer delete touches nothing');
select tests.authenticate_as('kn_assets_member');
select results_eq($$ select id from public.assets where id in ('b5000000-0000-4000-8000-000000000001', 'b5000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b5000000-0000-4000-8000-000000000001'::uuid) $$, 'assets: member selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.assets (workspace_id, name, type, url) values (tests.workspace_id('kn_assets'), 'new by member', 'link', 'https://example.com/member') returning id $$, 'assets: member inserts');
select results_eq($$ update public.assets set description = description || '!' where id = 'b5000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b5000000-0000-4000-8000-000000000001'::uuid) $$, 'assets: member updates');
select tests.assert_filtered($$ delete from public.assets where id = 'b5000000-0000-4000-8000-000000000104' returning id $$, 'assets: member delete touches nothing');
select tests.authenticate_as('kn_assets_admin');
select results_eq($$ select id from public.assets where id in ('b5000000-0000-4000-8000-000000000001', 'b5000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b5000000-0000-4000-8000-000000000001'::uuid) $$, 'assets: admin selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.assets (workspace_id, name, type, url) values (tests.workspace_id('kn_assets'), 'new by admin', 'link', 'https://example.com/admin') returning id $$, 'assets: admin inserts');
select results_eq($$ update public.assets set description = description || '!' where id = 'b5000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b5000000-0000-4000-8000-000000000001'::uuid) $$, 'assets: admin updates');
select results_eq($$ delete from public.assets where id = 'b5000000-0000-4000-8000-000000000105' returning id $$, $$ values ('b5000000-0000-4000-8000-000000000105'::uuid) $$, 'assets: admin deletes');
select tests.authenticate_as('kn_assets_owner');
select results_eq($$ select id from public.assets where id in ('b5000000-0000-4000-8000-000000000001', 'b5000000-0000-4000-8000-000000000002') order by id $$, $$ values ('b5000000-0000-4000-8000-000000000001'::uuid) $$, 'assets: owner selects workspace a''s row and not workspace b''s');
select isnt_empty($$ insert into public.assets (workspace_id, name, type, url) values (tests.workspace_id('kn_assets'), 'new by owner', 'link', 'https://example.com/owner') returning id $$, 'assets: owner inserts');
select results_eq($$ update public.assets set description = description || '!' where id = 'b5000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b5000000-0000-4000-8000-000000000001'::uuid) $$, 'assets: owner updates');
select results_eq($$ delete from public.assets where id = 'b5000000-0000-4000-8000-000000000106' returning id $$, $$ values ('b5000000-0000-4000-8000-000000000106'::uuid) $$, 'assets: owner deletes');
select tests.authenticate_as_service_role();
select results_eq($$ select id from public.assets where id in ('b5000000-0000-4000-8000-000000000001', 'b5000000-0000-4000-8000-000000000002') order by id $$, $$ select unnest(array['b5000000-0000-4000-8000-000000000001', 'b5000000-0000-4000-8000-000000000002']::uuid[]) order by 1 $$, 'assets: service_role selects every workspace''s rows');
select isnt_empty($$ insert into public.assets (workspace_id, name, type, url) values (tests.workspace_id('kn_assets'), 'new by service_role', 'link', 'https://example.com/service_role') returning id $$, 'assets: service_role inserts');
select results_eq($$ update public.assets set description = description || '!' where id = 'b5000000-0000-4000-8000-000000000001' returning id $$, $$ values ('b5000000-0000-4000-8000-000000000001'::uuid) $$, 'assets: service_role updates');
select results_eq($$ delete from public.assets where id = 'b5000000-0000-4000-8000-000000000107' returning id $$, $$ values ('b5000000-0000-4000-8000-000000000107'::uuid) $$, 'assets: service_role deletes');
select tests.authenticate_as('kn_assets_owner');
select tests.assert_denied($$ insert into public.assets (workspace_id, name, url) values (tests.workspace_id('kn_assets', 'b'), 'cross', 'https://example.com/x') $$, 'assets: owner of workspace a cannot insert into workspace b');
select tests.clear_authentication();
select is((select count(*)::int from public.assets where id = any (array['b5000000-0000-4000-8000-000000000101', 'b5000000-0000-4000-8000-000000000102', 'b5000000-0000-4000-8000-000000000103', 'b5000000-0000-4000-8000-000000000104']::uuid[])), 4, 'assets: rows the denied roles tried to delete are still there');

select tests.clear_authentication();
select * from finish();
rollback;
