-- Exactly one default knowledge collection per workspace: created with the workspace, never two (unique
-- index), never none (deferred constraint trigger, checked at commit), switched atomically by
-- set_default_knowledge_collection; entries without a collection land in the default.
begin;
select plan(24);

select tests.create_workspace_fixture('kn_def');

-- Runs p_sql, then checks the deferred rule at once (what COMMIT would do), then defers it again.
create function tests.kn_def_commit(p_sql text) returns void
language plpgsql set search_path = '' as $$
begin
  execute p_sql;
  set constraints public.knowledge_collections_check_default immediate;
  set constraints public.knowledge_collections_check_default deferred;
end
$$;
grant execute on function tests.kn_def_commit(text) to authenticated, service_role;

select results_eq(
  $$ select slug, name from public.knowledge_collections where workspace_id = tests.workspace_id('kn_def') $$,
  $$ values ('general'::text, 'General'::text) $$, 'a new workspace gets one collection, general, ...');
select is((select bool_and(is_default) from public.knowledge_collections where workspace_id = tests.workspace_id('kn_def')), true,
  '... and it is the default');
select is((select count(*)::int from public.knowledge_collections where workspace_id = tests.workspace_id('kn_def', 'b') and is_default), 1,
  'the other fixture workspace has its own default');

-- A workspace created through the API gets one too.
select tests.authenticate_as('kn_def_member');
select public.create_workspace('Made by member', 'kn-def-made');
select tests.clear_authentication();
select is((select count(*)::int from public.knowledge_collections c join public.workspaces w on w.id = c.workspace_id
           where w.slug = 'kn-def-made' and c.is_default), 1, 'create_workspace: the new workspace has a default collection');

-- Never two.
select throws_ok(
  $$ insert into public.knowledge_collections (workspace_id, slug, name, is_default)
     values (tests.workspace_id('kn_def'), 'second', 'Second', true) $$,
  '23505', null, 'a second default collection in a workspace is refused');

-- Never none.
insert into public.knowledge_collections (id, workspace_id, slug, name)
values ('d7000000-0000-4000-8000-000000000001', tests.workspace_id('kn_def'), 'projects', 'Projects');
select throws_ok(
  $$ select tests.kn_def_commit($q$ update public.knowledge_collections set is_default = false
       where workspace_id = tests.workspace_id('kn_def') and is_default $q$) $$,
  '23514', format('knowledge_collections.is_default: workspace %s must have exactly one default collection, found 0',
                  tests.workspace_id('kn_def')),
  'un-defaulting the only default fails at commit, naming the column');
select throws_ok(
  $$ select tests.kn_def_commit($q$ delete from public.knowledge_collections
       where workspace_id = tests.workspace_id('kn_def') and is_default $q$) $$,
  '23514', null, 'deleting the default collection fails at commit');
select is((select slug from public.knowledge_collections where workspace_id = tests.workspace_id('kn_def') and is_default),
  'general', 'after the refused changes general is still the default');
select lives_ok(
  $$ select tests.kn_def_commit($q$ delete from public.knowledge_collections where id = 'd7000000-0000-4000-8000-000000000001' $q$) $$,
  'deleting a collection that is not the default is fine');
insert into public.knowledge_collections (id, workspace_id, slug, name)
values ('d7000000-0000-4000-8000-000000000001', tests.workspace_id('kn_def'), 'projects', 'Projects');

-- Entries without a collection land in the default.
insert into public.knowledge_entries (id, workspace_id, content)
values ('d7000000-0000-4000-8000-0000000000e1', tests.workspace_id('kn_def'), 'before the switch');
select is((select c.slug from public.knowledge_entries e join public.knowledge_collections c on c.id = e.collection_id
           where e.id = 'd7000000-0000-4000-8000-0000000000e1'), 'general', 'an entry without collection_id lands in the default');

-- Switching the default: member or above, atomic, exactly one afterwards.
select tests.authenticate_as('kn_def_viewer');
select tests.assert_denied($$ select public.set_default_knowledge_collection('d7000000-0000-4000-8000-000000000001') $$,
  'set_default_knowledge_collection: viewer is denied');
select tests.authenticate_as('kn_def_outsider');
select throws_ok($$ select public.set_default_knowledge_collection('d7000000-0000-4000-8000-000000000001') $$,
  'P0002', 'p_collection_id: collection d7000000-0000-4000-8000-000000000001 not found',
  'set_default_knowledge_collection: another workspace''s collection is not found');
select tests.authenticate_as('kn_def_member');
select throws_ok($$ select public.set_default_knowledge_collection(null) $$, '22004', 'p_collection_id must not be null',
  'set_default_knowledge_collection: null is refused');
select throws_ok($$ select public.set_default_knowledge_collection('d7000000-0000-4000-8000-0000000000ff') $$, 'P0002', null,
  'set_default_knowledge_collection: an unknown id is not found');
select is((public.set_default_knowledge_collection('d7000000-0000-4000-8000-000000000001')).slug, 'projects',
  'set_default_knowledge_collection returns the new default');
select lives_ok($$ set constraints public.knowledge_collections_check_default immediate $$,
  'after the switch the exactly-one rule holds');
set constraints public.knowledge_collections_check_default deferred;
select results_eq(
  $$ select slug from public.knowledge_collections where workspace_id = tests.workspace_id('kn_def') and is_default $$,
  $$ values ('projects'::text) $$, 'projects is now the only default');
select is((select count(*)::int from public.knowledge_collections where workspace_id = tests.workspace_id('kn_def', 'b') and is_default), 0,
  'the member does not see (or touch) the other workspace''s default');
insert into public.knowledge_entries (id, workspace_id, content)
values ('d7000000-0000-4000-8000-0000000000e2', tests.workspace_id('kn_def'), 'after the switch');
select is((select c.slug from public.knowledge_entries e join public.knowledge_collections c on c.id = e.collection_id
           where e.id = 'd7000000-0000-4000-8000-0000000000e2'), 'projects', 'new entries land in the new default');
select is((select c.slug from public.knowledge_entries e join public.knowledge_collections c on c.id = e.collection_id
           where e.id = 'd7000000-0000-4000-8000-0000000000e1'), 'general', 'older entries stay where they were');
select is((public.set_default_knowledge_collection('d7000000-0000-4000-8000-000000000001')).is_default, true,
  'making the current default the default again is a no-op');
select tests.clear_authentication();
select is((select count(*)::int from public.knowledge_collections where workspace_id = tests.workspace_id('kn_def', 'b') and is_default), 1,
  'the other workspace still has exactly its own default');

-- Deleting a whole workspace takes its collections along without tripping the rule.
select lives_ok(
  $$ select tests.kn_def_commit($q$ delete from public.workspaces where id = tests.workspace_id('kn_def', 'b') $q$) $$,
  'deleting a workspace (and so its default collection) passes the rule');
select is((select count(*)::int from public.knowledge_collections c where not exists
           (select 1 from public.workspaces w where w.id = c.workspace_id)), 0, 'no collection outlives its workspace');

select * from finish();
rollback;
