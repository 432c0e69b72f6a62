-- Folder trees without cycles, asset location rules, knowledge entry importance and source, tags, and
-- rows that can never move to another workspace.
begin;
select plan(23);

select tests.create_workspace_fixture('kn_con');
insert into public.document_folders (id, workspace_id, parent_id, name) values
  ('db000000-0000-4000-8000-000000000001', tests.workspace_id('kn_con'), null, 'root'),
  ('db000000-0000-4000-8000-000000000002', tests.workspace_id('kn_con'), 'db000000-0000-4000-8000-000000000001', 'child'),
  ('db000000-0000-4000-8000-000000000003', tests.workspace_id('kn_con'), 'db000000-0000-4000-8000-000000000002', 'grandchild');
insert into public.document_folders (id, workspace_id, name)
values ('db000000-0000-4000-8000-0000000000b1', tests.workspace_id('kn_con', 'b'), 'b root');
insert into public.asset_folders (id, workspace_id, name) values
  ('db000000-0000-4000-8000-000000000011', tests.workspace_id('kn_con'), 'assets root'),
  ('db000000-0000-4000-8000-000000000012', tests.workspace_id('kn_con'), 'assets child');
update public.asset_folders set parent_id = 'db000000-0000-4000-8000-000000000011' where id = 'db000000-0000-4000-8000-000000000012';
insert into public.documents (id, workspace_id, folder_id, title)
values ('db000000-0000-4000-8000-0000000000d1', tests.workspace_id('kn_con'), 'db000000-0000-4000-8000-000000000003', 'filed');

select tests.authenticate_as('kn_con_member');
-- Folder trees.
select throws_ok(
  $$ update public.document_folders set parent_id = 'db000000-0000-4000-8000-000000000003' where id = 'db000000-0000-4000-8000-000000000001' $$,
  '23514', 'document_folders.parent_id: moving folder db000000-0000-4000-8000-000000000001 under db000000-0000-4000-8000-000000000003 would create a cycle',
  'a folder cannot move under its own descendant');
select throws_ok(
  $$ update public.document_folders set parent_id = id where id = 'db000000-0000-4000-8000-000000000002' $$,
  '23514', 'document_folders.parent_id: folder db000000-0000-4000-8000-000000000002 cannot be its own parent',
  'a folder cannot be its own parent');
select throws_ok(
  $$ update public.asset_folders set parent_id = 'db000000-0000-4000-8000-000000000012' where id = 'db000000-0000-4000-8000-000000000011' $$,
  '23514', null, 'asset folders refuse cycles too');
select throws_ok(
  $$ insert into public.document_folders (workspace_id, parent_id, name)
     values (tests.workspace_id('kn_con'), 'db000000-0000-4000-8000-0000000000b1', 'smuggled') $$,
  '23503', null, 'a folder''s parent must be in the same workspace');
select lives_ok(
  $$ update public.document_folders set parent_id = 'db000000-0000-4000-8000-000000000001' where id = 'db000000-0000-4000-8000-000000000003' $$,
  'moving a folder elsewhere in the tree is fine');
select throws_ok(
  $$ insert into public.document_folders (workspace_id, parent_id, name)
     values (tests.workspace_id('kn_con'), 'db000000-0000-4000-8000-000000000001', 'child') $$,
  '23505', null, 'sibling folders have distinct names');
select throws_ok(
  $$ insert into public.document_folders (workspace_id, name) values (tests.workspace_id('kn_con'), 'root') $$,
  '23505', null, 'top-level folders have distinct names too');
select throws_ok(
  $$ update public.documents set folder_id = 'db000000-0000-4000-8000-0000000000b1' where id = 'db000000-0000-4000-8000-0000000000d1' $$,
  '23503', null, 'a document cannot be filed in another workspace''s folder');

select tests.authenticate_as('kn_con_admin');
delete from public.document_folders where id = 'db000000-0000-4000-8000-000000000001';
select is((select count(*)::int from public.document_folders where workspace_id = tests.workspace_id('kn_con')), 0,
  'deleting a folder deletes its subfolders');
select is((select folder_id from public.documents where id = 'db000000-0000-4000-8000-0000000000d1'), null::uuid,
  'documents of a deleted folder stay, unfiled');

-- Assets: exactly one of storage_path and url; the path lies under the asset's workspace.
select tests.authenticate_as('kn_con_member');
select throws_ok(
  $$ insert into public.assets (workspace_id, name, storage_path, url)
     values (tests.workspace_id('kn_con'), 'x', tests.workspace_id('kn_con')::text || '/a.pdf', 'https://example.com/a') $$,
  '23514', null, 'an asset with both a storage path and a URL is refused');
select throws_ok(
  $$ insert into public.assets (workspace_id, name) values (tests.workspace_id('kn_con'), 'x') $$,
  '23514', null, 'an asset with neither a storage path nor a URL is refused');
select throws_ok(
  $$ insert into public.assets (workspace_id, name, storage_path)
     values (tests.workspace_id('kn_con'), 'x', tests.workspace_id('kn_con', 'b')::text || '/a.pdf') $$,
  '23514', null, 'an asset pointing into another workspace''s folder is refused');
select throws_ok(
  $$ insert into public.assets (workspace_id, name, storage_path)
     values (tests.workspace_id('kn_con'), 'x', tests.workspace_id('kn_con')::text || '/../' || tests.workspace_id('kn_con', 'b')::text || '/a.pdf') $$,
  '23514', null, 'a storage path climbing out with .. is refused');
select throws_ok(
  $$ insert into public.assets (workspace_id, name, url) values (tests.workspace_id('kn_con'), 'x', 'javascript:alert(1)') $$,
  '23514', null, 'a non-http URL is refused');
select isnt_empty(
  $$ insert into public.assets (workspace_id, name, type, storage_path, mime_type, size_bytes)
     values (tests.workspace_id('kn_con'), 'SOP', 'sop', tests.workspace_id('kn_con')::text || '/sops/onboarding.pdf', 'application/pdf', 1024)
     returning id $$,
  'an asset stored under its workspace''s folder is accepted');

-- Knowledge entries: importance 0..1, source vocabulary, tags.
select throws_ok(
  $$ insert into public.knowledge_entries (workspace_id, content, importance) values (tests.workspace_id('kn_con'), 'x', 1.01) $$,
  '23514', 'new row for relation "knowledge_entries" violates check constraint "knowledge_entries_importance_check"',
  'importance above 1 is refused');
select throws_ok(
  $$ insert into public.knowledge_entries (workspace_id, content, importance) values (tests.workspace_id('kn_con'), 'x', -0.01) $$,
  '23514', 'new row for relation "knowledge_entries" violates check constraint "knowledge_entries_importance_check"',
  'negative importance is refused');
select throws_ok(
  $$ insert into public.knowledge_entries (workspace_id, content, source) values (tests.workspace_id('kn_con'), 'x', 'agent:not-a-uuid') $$,
  '23514', 'new row for relation "knowledge_entries" violates check constraint "knowledge_entries_source_check"',
  'a source outside manual / onboarding / web_research / agent:<uuid> is refused');
select lives_ok(
  $$ insert into public.knowledge_entries (workspace_id, content, source, importance) values
       (tests.workspace_id('kn_con'), 'a', 'onboarding', 0), (tests.workspace_id('kn_con'), 'b', 'web_research', 1),
       (tests.workspace_id('kn_con'), 'c', 'agent:' || gen_random_uuid()::text, 0.5) $$,
  'the documented sources and the bounds 0 and 1 are accepted');
select throws_ok(
  $$ insert into public.documents (workspace_id, title, tags) values (tests.workspace_id('kn_con'), 'x', array['ok', null]) $$,
  '23514', null, 'a null tag is refused');

-- Rows never change workspace.
select tests.authenticate_as_service_role();
select throws_ok(
  $$ update public.documents set workspace_id = tests.workspace_id('kn_con', 'b') where id = 'db000000-0000-4000-8000-0000000000d1' $$,
  '22023', 'documents: workspace_id cannot be changed', 'a document cannot move to another workspace, even for service_role');
select throws_ok(
  $$ update public.knowledge_collections set workspace_id = tests.workspace_id('kn_con', 'b') where workspace_id = tests.workspace_id('kn_con') $$,
  '22023', 'knowledge_collections: workspace_id cannot be changed', 'a collection cannot move to another workspace');

select tests.clear_authentication();
select * from finish();
rollback;
