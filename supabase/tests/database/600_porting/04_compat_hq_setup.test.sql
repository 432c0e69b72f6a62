-- Porting: HQ's setup wizard call (compat_hq.complete_setup) over public.complete_setup and the work and
-- CRM tables: identity set once, stages / fields replaced by key, streams matched by name and archived.
begin;
select plan(14);

select tests.create_workspace_fixture('ps');
select set_config('compat_hq.workspace_id', tests.workspace_id('ps')::text, true);
-- The fixture finds workspaces by slug, which the wizard renames: keep the id.
create temp table ps_ws on commit drop as select tests.workspace_id('ps') as id;
grant select on ps_ws to public;

select tests.authenticate_as('ps_admin');
select lives_ok($$ select compat_hq.complete_setup('Acme HQ', 'acme-hq', 'Our shop', 'Ada Lovelace', 'Ada', 'Europe/Berlin',
  '[{"stage_key":"lead","label":"Lead","sort_order":1},{"stage_key":"won","label":"Won","sort_order":2}]',
  '[{"field_key":"linkedin","label":"LinkedIn","field_type":"url"},{"field_key":"tier","label":"Tier","field_type":"select","options":["a","b"]}]',
  '[{"name":"Sales","type":"functional"},{"name":"Launch","type":"project"}]') $$, 'admin completes setup the HQ way');
select is((select name || '|' || slug || '|' || owner_name || '|' || owner_preferred_name || '|' || timezone || '|' || setup_state
           from public.workspaces where id = (select id from ps_ws)),
  'Acme HQ|acme-hq|Ada Lovelace|Ada|Europe/Berlin|completed', 'workspace identity set, setup completed');
select is((select array_agg(stage_key order by position) from public.pipeline_stages where workspace_id = (select id from ps_ws) and entity_type = 'contact'),
  array['lead','won'], 'contact stages seeded');
select is((select field_type::text from public.field_definitions where workspace_id = (select id from ps_ws) and field_key = 'linkedin'),
  'text', 'HQ url field -> text');
select is((select options from public.field_definitions where workspace_id = (select id from ps_ws) and field_key = 'tier'),
  array['a','b'], 'select options kept');
select is((select count(*)::int from public.streams where workspace_id = (select id from ps_ws) and archived_at is null), 2, 'two streams');

-- A task in Launch and a contact in "lead", then a re-run that lists neither.
insert into public.tasks (workspace_id, title, stream_id)
select (select id from ps_ws), 'Ship it', id from public.streams where workspace_id = (select id from ps_ws) and name = 'Launch';
insert into public.contacts (workspace_id, full_name, stage_key) values ((select id from ps_ws), 'Grace', 'lead');
select lives_ok($$ select compat_hq.complete_setup('Renamed', 'renamed', null, 'Somebody', null, 'UTC',
  '[{"stage_key":"won","label":"Closed won"}]', '[]', '[{"name":"sales","type":"custom"}]') $$, 're-run');
select is((select name from public.workspaces where id = (select id from ps_ws)), 'Acme HQ', 'as HQ: identity only set while not initialized');
select is((select array_agg(stage_key || ':' || label order by stage_key) from public.pipeline_stages
           where workspace_id = (select id from ps_ws) and entity_type = 'contact'),
  array['lead:Lead','won:Closed won'], 'unlisted stage removed unless contacts use it; listed stage updated');
select is((select count(*)::int from public.field_definitions where workspace_id = (select id from ps_ws)), 0, 'fields replaced (none listed)');
select is((select type::text from public.streams where workspace_id = (select id from ps_ws) and name = 'Sales'), 'custom', 'stream matched by name, updated');
select ok((select s.archived_at is not null and t.stream_id = s.id from public.tasks t join public.streams s on s.id = t.stream_id
           where t.workspace_id = (select id from ps_ws) and t.title = 'Ship it'), 'unlisted stream archived, its task keeps it');
select tests.clear_authentication();

select tests.authenticate_as('ps_member');
select throws_ok($$ select compat_hq.complete_setup('x', null, null, 'y', null, null, '[]', '[]', '[]') $$, '42501', null, 'member: refused');
select tests.clear_authentication();
select tests.authenticate_as('ps_admin');
select throws_ok($$ select compat_hq.complete_setup('x', null, null, 'y', null, null, '{}', '[]', '[]') $$, '22023', 'p_stages must be a JSON array', 'stages not an array');
select tests.clear_authentication();

select * from finish();
rollback;
