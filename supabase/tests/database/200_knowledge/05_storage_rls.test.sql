-- RLS of storage.objects in the agentbase buckets (assets, attachments): objects live under
-- `<workspace_id>/...`; viewers read, members upload and update, admins delete; anon and other workspaces
-- see nothing; service_role bypasses RLS. Every API role x select/insert/update/delete, plus paths outside
-- the caller's workspaces.
begin;
select plan(44);
select tests.create_workspace_fixture('kn_store');
-- Hosted Supabase refuses direct DELETEs on storage.objects unless this is set (the Storage API sets it);
-- setting it keeps the test about the policies.
select set_config('storage.allow_delete_query', 'true', true);
insert into storage.buckets (id, name, public) values ('kn-other-bucket', 'kn-other-bucket', false);
insert into storage.objects (id, bucket_id, name) values
  ('c1000000-0000-4000-8000-000000000001', 'assets', tests.workspace_id('kn_store')::text || '/docs/a.pdf'),
  ('c1000000-0000-4000-8000-000000000002', 'assets', tests.workspace_id('kn_store', 'b')::text || '/docs/b.pdf'),
  ('c2000000-0000-4000-8000-000000000001', 'attachments', tests.workspace_id('kn_store')::text || '/tasks/spec.pdf'),
  ('c2000000-0000-4000-8000-000000000002', 'attachments', tests.workspace_id('kn_store', 'b')::text || '/tasks/spec.pdf'),
  ('c3000000-0000-4000-8000-000000000001', 'kn-other-bucket', tests.workspace_id('kn_store')::text || '/elsewhere.txt');
insert into storage.objects (id, bucket_id, name)
select ('c1000000-0000-4000-8000-0000000001' || lpad(g::text, 2, '0'))::uuid, 'assets', tests.workspace_id('kn_store')::text || '/victims/' || g || '.txt'
from generate_series(1, 7) g;
select tests.authenticate_as_anon();
select tests.assert_filtered($$ select 1 from storage.objects where id = 'c1000000-0000-4000-8000-000000000001' $$, 'assets objects: anon does not see workspace a''s object');
select tests.assert_denied($$ insert into storage.objects (bucket_id, name) values ('assets', tests.workspace_id('kn_store')::text || '/uploads/anon.txt') $$, 'assets objects: anon cannot upload');
select tests.assert_filtered($$ update storage.objects set metadata = '{"by": "anon"}' where id = 'c1000000-0000-4000-8000-000000000001' returning id $$, 'assets objects: anon update touches nothing');
select tests.assert_filtered($$ delete from storage.objects where id = 'c1000000-0000-4000-8000-000000000101' returning id $$, 'assets objects: anon delete touches nothing');
select tests.authenticate_as('kn_store_outsider');
select tests.assert_filtered($$ select 1 from storage.objects where id = 'c1000000-0000-4000-8000-000000000001' $$, 'assets objects: outsider does not see workspace a''s object');
select tests.assert_denied($$ insert into storage.objects (bucket_id, name) values ('assets', tests.workspace_id('kn_store')::text || '/uploads/outsider.txt') $$, 'assets objects: outsider cannot upload');
select tests.assert_filtered($$ update storage.objects set metadata = '{"by": "outsider"}' where id = 'c1000000-0000-4000-8000-000000000001' returning id $$, 'assets objects: outsider update touches nothing');
select tests.assert_filtered($$ delete from storage.objects where id = 'c1000000-0000-4000-8000-000000000102' returning id $$, 'assets objects: outsider delete touches nothing');
select tests.authenticate_as('kn_store_viewer');
select results_eq($$ select id from storage.objects where id in ('c1000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000002') order by id $$, $$ values ('c1000000-0000-4000-8000-000000000001'::uuid) $$, 'assets objects: viewer reads workspace a''s object and not workspace b''s');
select tests.assert_denied($$ insert into storage.objects (bucket_id, name) values ('assets', tests.workspace_id('kn_store')::text || '/uploads/viewer.txt') $$, 'assets objects: viewer cannot upload');
select tests.assert_filtered($$ update storage.objects set metadata = '{"by": "viewer"}' where id = 'c1000000-0000-4000-8000-000000000001' returning id $$, 'assets objects: viewer update touches nothing');
select tests.assert_filtered($$ delete from storage.objects where id = 'c1000000-0000-4000-8000-000000000103' returning id $$, 'assets objects: viewer delete touches nothing');
select tests.authenticate_as('kn_store_member');
select results_eq($$ select id from storage.objects where id in ('c1000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000002') order by id $$, $$ values ('c1000000-0000-4000-8000-000000000001'::uuid) $$, 'assets objects: member reads workspace a''s object and not workspace b''s');
select isnt_empty($$ insert into storage.objects (bucket_id, name) values ('assets', tests.workspace_id('kn_store')::text || '/uploads/member.txt') returning id $$, 'assets objects: member uploads under its workspace');
select results_eq($$ update storage.objects set metadata = '{"by": "member"}' where id = 'c1000000-0000-4000-8000-000000000001' returning id $$, $$ values ('c1000000-0000-4000-8000-000000000001'::uuid) $$, 'assets objects: member updates');
select tests.assert_filtered($$ delete from storage.objects where id = 'c1000000-0000-4000-8000-000000000104' returning id $$, 'assets objects: member delete touches nothing');
select tests.authenticate_as('kn_store_admin');
select results_eq($$ select id from storage.objects where id in ('c1000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000002') order by id $$, $$ values ('c1000000-0000-4000-8000-000000000001'::uuid) $$, 'assets objects: admin reads workspace a''s object and not workspace b''s');
select isnt_empty($$ insert into storage.objects (bucket_id, name) values ('assets', tests.workspace_id('kn_store')::text || '/uploads/admin.txt') returning id $$, 'assets objects: admin uploads under its workspace');
select results_eq($$ update storage.objects set metadata = '{"by": "admin"}' where id = 'c1000000-0000-4000-8000-000000000001' returning id $$, $$ values ('c1000000-0000-4000-8000-000000000001'::uuid) $$, 'assets objects: admin updates');
select results_eq($$ delete from storage.objects where id = 'c1000000-0000-4000-8000-000000000105' returning id $$, $$ values ('c1000000-0000-4000-8000-000000000105'::uuid) $$, 'assets objects: admin deletes');
select tests.authenticate_as('kn_store_owner');
select results_eq($$ select id from storage.objects where id in ('c1000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000002') order by id $$, $$ values ('c1000000-0000-4000-8000-000000000001'::uuid) $$, 'assets objects: owner reads workspace a''s object and not workspace b''s');
select isnt_empty($$ insert into storage.objects (bucket_id, name) values ('assets', tests.workspace_id('kn_store')::text || '/uploads/owner.txt') returning id $$, 'assets objects: owner uploads under its workspace');
select results_eq($$ update storage.objects set metadata = '{"by": "owner"}' where id = 'c1000000-0000-4000-8000-000000000001' returning id $$, $$ values ('c1000000-0000-4000-8000-000000000001'::uuid) $$, 'assets objects: owner updates');
select results_eq($$ delete from storage.objects where id = 'c1000000-0000-4000-8000-000000000106' returning id $$, $$ values ('c1000000-0000-4000-8000-000000000106'::uuid) $$, 'assets objects: owner deletes');
select tests.authenticate_as_service_role();
select results_eq($$ select id from storage.objects where id in ('c1000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000002') order by id $$, $$ select unnest(array['c1000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000002']::uuid[]) order by 1 $$, 'assets objects: service_role reads every workspace''s objects');
select isnt_empty($$ insert into storage.objects (bucket_id, name) values ('assets', tests.workspace_id('kn_store')::text || '/uploads/service_role.txt') returning id $$, 'assets objects: service_role uploads under its workspace');
select results_eq($$ update storage.objects set metadata = '{"by": "service_role"}' where id = 'c1000000-0000-4000-8000-000000000001' returning id $$, $$ values ('c1000000-0000-4000-8000-000000000001'::uuid) $$, 'assets objects: service_role updates');
select results_eq($$ delete from storage.objects where id = 'c1000000-0000-4000-8000-000000000107' returning id $$, $$ values ('c1000000-0000-4000-8000-000000000107'::uuid) $$, 'assets objects: service_role deletes');
select tests.clear_authentication();
select is((select count(*)::int from storage.objects where id = any (array['c1000000-0000-4000-8000-000000000101', 'c1000000-0000-4000-8000-000000000102', 'c1000000-0000-4000-8000-000000000103', 'c1000000-0000-4000-8000-000000000104']::uuid[])), 4, 'assets objects: the objects denied roles tried to delete are still there');

-- Paths outside the caller's workspaces, whatever the role.
select tests.authenticate_as('kn_store_owner');
select tests.assert_denied($$ insert into storage.objects (bucket_id, name) values ('assets', tests.workspace_id('kn_store', 'b')::text || '/x.txt') $$,
  'assets objects: an upload under another workspace''s id is denied');
select tests.assert_denied($$ insert into storage.objects (bucket_id, name) values ('assets', 'x.txt') $$,
  'assets objects: an upload at the bucket root (no workspace folder) is denied');
select tests.assert_denied($$ insert into storage.objects (bucket_id, name) values ('assets', 'not-a-workspace/x.txt') $$,
  'assets objects: an upload under a first segment that is no workspace id is denied');
select tests.assert_denied($$ insert into storage.objects (bucket_id, name) values ('assets', tests.workspace_id('kn_store')::text) $$,
  'assets objects: an object named just the workspace id (no folder) is denied');
select tests.assert_denied($$ update storage.objects set name = tests.workspace_id('kn_store', 'b')::text || '/moved.pdf' where id = 'c1000000-0000-4000-8000-000000000001' $$,
  'assets objects: moving an object into another workspace''s folder is denied');
select tests.assert_denied($$ insert into storage.objects (bucket_id, name) values ('kn-other-bucket', tests.workspace_id('kn_store')::text || '/x.txt') $$,
  'the policies open only the agentbase buckets: another bucket stays closed');
select tests.assert_filtered($$ select 1 from storage.objects where bucket_id = 'kn-other-bucket' $$,
  'objects of another bucket stay invisible to a workspace owner');
select is((select name from storage.objects where id = 'c1000000-0000-4000-8000-000000000001'), tests.workspace_id('kn_store')::text || '/docs/a.pdf',
  'the object that was not moved keeps its name');

-- The attachments bucket follows the same rule.
select tests.authenticate_as('kn_store_viewer');
select results_eq($$ select id from storage.objects where bucket_id = 'attachments' order by id $$,
  $$ values ('c2000000-0000-4000-8000-000000000001'::uuid) $$, 'attachments objects: viewer reads its workspace''s attachment only');
select tests.assert_denied($$ insert into storage.objects (bucket_id, name) values ('attachments', tests.workspace_id('kn_store')::text || '/t/v.txt') $$,
  'attachments objects: viewer cannot upload');
select tests.authenticate_as('kn_store_member');
select isnt_empty($$ insert into storage.objects (bucket_id, name) values ('attachments', tests.workspace_id('kn_store')::text || '/t/m.txt') returning id $$,
  'attachments objects: member uploads under its workspace');
select tests.assert_filtered($$ delete from storage.objects where id = 'c2000000-0000-4000-8000-000000000001' returning id $$,
  'attachments objects: member cannot delete');
select tests.authenticate_as('kn_store_outsider');
select tests.assert_filtered($$ select 1 from storage.objects where bucket_id = 'attachments' and name like tests.workspace_id('kn_store')::text || '%' $$,
  'attachments objects: outsider sees none of workspace a''s attachments');
select tests.assert_denied($$ insert into storage.objects (bucket_id, name) values ('attachments', tests.workspace_id('kn_store')::text || '/t/o.txt') $$,
  'attachments objects: outsider cannot upload into workspace a');
select tests.authenticate_as('kn_store_admin');
select results_eq($$ delete from storage.objects where id = 'c2000000-0000-4000-8000-000000000001' returning id $$,
  $$ values ('c2000000-0000-4000-8000-000000000001'::uuid) $$, 'attachments objects: admin deletes');

select tests.clear_authentication();
select * from finish();
rollback;
