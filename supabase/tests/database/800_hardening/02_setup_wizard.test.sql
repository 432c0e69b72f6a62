-- complete_setup end to end: name, slug, owner details, timezone, pipeline stages, custom fields and
-- streams in one call; a second call only adds (never deletes, detaches or rewrites what exists); every
-- seed entry is validated before anything is written, and errors name the argument and index.
begin;
select plan(40);

select tests.create_workspace_fixture('wiz');
create temp table fx (k text primary key, id uuid) on commit drop;
grant select on fx to authenticated, service_role;
insert into fx values ('a', tests.workspace_id('wiz')), ('b', tests.workspace_id('wiz', 'b'));
create function pg_temp.fx(p_k text) returns uuid language sql stable as $$ select id from fx where k = p_k $$;

-- What a workspace holds, for "nothing written" checks.
create function pg_temp.state(p_ws uuid) returns text language sql stable as $$
  select concat_ws(' | ',
    (select concat_ws(',', name, slug, owner_name, timezone, setup_state) from public.workspaces where id = p_ws),
    (select string_agg(entity_type || ':' || stage_key || ':' || label || ':' || position, ',' order by entity_type, position, stage_key) from public.pipeline_stages where workspace_id = p_ws),
    (select string_agg(entity_type || ':' || field_key || ':' || field_type || ':' || position, ',' order by entity_type, position, field_key) from public.field_definitions where workspace_id = p_ws),
    (select string_agg(name || ':' || type || ':' || position, ',' order by position, name) from public.streams where workspace_id = p_ws))
$$;
create temp table snap (s text) on commit drop;
grant all on snap to authenticated, service_role;
create function pg_temp.snap() returns void language sql as $$ delete from snap; insert into snap select pg_temp.state(pg_temp.fx('a')) $$;
create function pg_temp.unchanged(p_desc text) returns text language sql as $$
  select is(pg_temp.state(pg_temp.fx('a')), (select s from snap), p_desc) $$;

select has_function('public', 'complete_setup',
  array['uuid', 'text', 'text', 'text', 'numeric', 'boolean', 'text', 'jsonb', 'boolean', 'text', 'text', 'jsonb', 'jsonb', 'jsonb'],
  'complete_setup takes the wizard''s fourteen arguments');
select is((select count(*)::int from pg_proc where proname = 'complete_setup' and pronamespace = 'public'::regnamespace), 1,
  'complete_setup has exactly one signature (no ambiguous overloads)');

-- ------------------------------------------------------------------ first run, end to end
select tests.authenticate_as('wiz_admin');
select results_eq($$
  select name, slug, owner_name, owner_preferred_name, timezone, setup_state::text, initialized
  from public.complete_setup(pg_temp.fx('a'),
    p_owner_name => 'Ada Owner', p_owner_preferred_name => 'Ada', p_timezone => 'Europe/Berlin',
    p_name => '  Ada''s HQ ', p_slug => 'ada-hq',
    p_pipeline_stages => '[{"key": "lead", "label": "Lead"}, {"key": "won", "label": "Won", "closed": true, "color": "#00aa00"},
                           {"key": "prospect", "label": "Prospect", "entity_type": "company"}]',
    p_custom_fields => '[{"key": "plan", "label": "Plan", "type": "select", "options": ["free", "pro"]},
                         {"key": "seats", "label": "Seats", "type": "number", "required": true}]',
    p_streams => '[{"name": "Sales"}, {"name": "Launch", "type": "project", "description": "Q3 launch"}]')
$$, $$ values ('Ada''s HQ'::text, 'ada-hq'::text, 'Ada Owner'::text, 'Ada'::text, 'Europe/Berlin'::text, 'completed'::text, true) $$,
  'first run: name (trimmed), slug, owner details, timezone and completion in one call');
select tests.clear_authentication();
select results_eq($$ select entity_type::text, stage_key, label, color, is_closed, position from public.pipeline_stages
                     where workspace_id = pg_temp.fx('a') order by pipeline_stages.entity_type, position $$,
  $$ values ('contact'::text, 'lead'::text, 'Lead'::text, null::text, false, 0), ('contact', 'won', 'Won', '#00aa00', true, 1),
            ('company', 'prospect', 'Prospect', null, false, 0) $$,
  'first run: pipeline stages in order, per entity type, with colour and closed flag');
select results_eq($$ select field_key, field_type::text, options, required, position from public.field_definitions
                     where workspace_id = pg_temp.fx('a') order by position $$,
  $$ values ('plan'::text, 'select'::text, array['free', 'pro'], false, 0), ('seats', 'number', '{}'::text[], true, 1) $$,
  'first run: custom fields with type, options and required');
select results_eq($$ select name, type::text, description, position from public.streams where workspace_id = pg_temp.fx('a') order by position $$,
  $$ values ('Sales'::text, 'functional'::text, ''::text, 0::double precision), ('Launch', 'project', 'Q3 launch', 1) $$,
  'first run: streams with type and description');
select is((select count(*)::int from public.pipeline_stages where workspace_id = pg_temp.fx('b'))
        + (select count(*)::int from public.streams where workspace_id = pg_temp.fx('b')), 0, 'nothing is seeded in another workspace');

-- ------------------------------------------------------------------ a second call only adds
update public.pipeline_stages set label = 'Lead (renamed)' where workspace_id = pg_temp.fx('a') and stage_key = 'lead';
insert into public.tasks (workspace_id, title, stream_id)
  values (pg_temp.fx('a'), 'Call Ada', (select id from public.streams where workspace_id = pg_temp.fx('a') and name = 'Sales'));
select tests.authenticate_as('wiz_owner');
select isnt_empty($$ select * from public.complete_setup(pg_temp.fx('a'),
    p_pipeline_stages => '[{"key": "lead", "label": "Lead again"}, {"key": "lost", "label": "Lost", "closed": true}]',
    p_custom_fields => '[{"key": "plan", "label": "Other", "type": "text"}, {"key": "region", "label": "Region", "type": "text"}]',
    p_streams => '[{"name": "sales"}, {"name": "Support"}]') $$, 'second call succeeds');
select tests.clear_authentication();
select results_eq($$ select stage_key, label, position from public.pipeline_stages
                     where workspace_id = pg_temp.fx('a') and entity_type = 'contact' order by position $$,
  $$ values ('lead'::text, 'Lead (renamed)'::text, 0), ('won', 'Won', 1), ('lost', 'Lost', 2) $$,
  'second call: existing stages keep their edits and order, new ones are appended');
select results_eq($$ select field_key, field_type::text, label from public.field_definitions where workspace_id = pg_temp.fx('a') order by position $$,
  $$ values ('plan'::text, 'select'::text, 'Plan'::text), ('seats', 'number', 'Seats'), ('region', 'text', 'Region') $$,
  'second call: an existing field is not retyped or relabelled; new fields are appended');
select results_eq($$ select name from public.streams where workspace_id = pg_temp.fx('a') order by position $$,
  $$ values ('Sales'::text), ('Launch'), ('Support') $$,
  'second call: a stream whose name exists (any case) is not duplicated; new streams are appended');
select is((select s.name from public.tasks t join public.streams s on s.id = t.stream_id where t.title = 'Call Ada'), 'Sales',
  'second call: a task keeps its stream (nothing detached)');
select is((select count(*)::int from public.workspaces where id = pg_temp.fx('a') and setup_state = 'completed' and slug = 'ada-hq'), 1,
  'second call: a completed workspace stays completed and keeps its slug');
select tests.authenticate_as('wiz_admin');
select isnt_empty($$ select * from public.complete_setup(pg_temp.fx('a'), p_pipeline_stages => '[]', p_custom_fields => '[]', p_streams => '[]') $$,
  'empty seed lists are accepted');
select tests.clear_authentication();
select is((select count(*)::int from public.pipeline_stages where workspace_id = pg_temp.fx('a')), 4, 'empty seed lists delete nothing');

-- ------------------------------------------------------------------ validation: errors name the argument; nothing written
select pg_temp.snap();
select tests.authenticate_as('wiz_admin');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_pipeline_stages => '{"key": "x"}') $$, '22023',
  'p_pipeline_stages must be a JSON array (got object)', 'stages must be an array');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_pipeline_stages => '[{"key": "ok", "label": "OK"}, {"key": "Bad Key", "label": "B"}]') $$, '22023',
  'p_pipeline_stages[1].key "Bad Key" is not a valid key (lowercase letters, digits and underscores, 1 to 63, starting with a letter)',
  'a bad stage key is named with its index, and the valid entry before it is not written');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_pipeline_stages => '[{"key": "dup", "label": "A"}, {"key": "dup", "label": "B"}]') $$, '22023',
  'p_pipeline_stages[1].key "dup" appears twice', 'a duplicate stage key in one call is refused');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_custom_fields => '[{"key": "tier", "label": "Tier", "type": "select"}]') $$, '22023',
  'p_custom_fields[0].options must list 1 to 200 values for a select field', 'a select field needs options');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_custom_fields => '[{"key": "tier", "label": "Tier", "type": "colour"}]') $$, '22023',
  'p_custom_fields[0].type "colour" is not one of text, number, date, select, multiselect, boolean', 'an unknown field type lists the allowed ones');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_custom_fields => '[{"key": "tier", "label": "Tier"}]') $$, '22004',
  'p_custom_fields[0].type is required', 'a field type is required');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_streams => '[{"name": "  "}]') $$, '22023',
  'p_streams[0].name must be 1 to 200 characters', 'a blank stream name is refused');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_streams => '[{"name": "Ops", "color": "red"}]') $$, '22023',
  'p_streams[0].color "red" is not a #rrggbb colour', 'a stream colour must be #rrggbb');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_streams => '[1]') $$, '22023',
  'p_streams[0] must be a JSON object', 'seed entries must be objects');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_pipeline_stages => '[{"key": "open", "label": "Open", "closed": "yes"}]') $$, '22023',
  'p_pipeline_stages[0].closed must be true or false (got string)', 'a non-boolean flag is refused');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_pipeline_stages => '[{"key": "open", "label": 7}]') $$, '22023',
  'p_pipeline_stages[0].label must be a string (got number)', 'a non-string label is refused');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_pipeline_stages => '[{"label": "Open"}]') $$, '22004',
  'p_pipeline_stages[0].key is required', 'a stage key is required');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_pipeline_stages => '[{"key": "open", "label": "Open", "entity_type": "deal"}]') $$, '22023',
  'p_pipeline_stages[0].entity_type "deal" is not one of contact, company', 'an unknown entity type lists the allowed ones');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_custom_fields => '[{"key": "size", "label": "Size", "type": "number", "options": ["s"]}]') $$, '22023',
  'p_custom_fields[0].options are only allowed for select and multiselect fields', 'options on a number field are refused');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_custom_fields => '[{"key": "size", "label": "Size", "type": "select", "options": "s,m"}]') $$, '22023',
  'p_custom_fields[0].options must be an array of strings of 1 to 200 characters', 'options must be an array of strings');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_custom_fields => '[{"key": "size", "label": "Size", "type": "text"}, {"key": "size", "label": "Size 2", "type": "text"}]') $$, '22023',
  'p_custom_fields[1].key "size" appears twice', 'a duplicate field key in one call is refused');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_streams => '[{"name": "Ops"}, {"name": "OPS"}]') $$, '22023',
  'p_streams[1].name "OPS" appears twice', 'a stream name given twice (any case) is refused');
select throws_ok(format($$ select public.complete_setup(pg_temp.fx('a'), p_streams => %L) $$,
    jsonb_build_array(jsonb_build_object('name', 'Ops', 'description', repeat('d', 4001)))), '22023',
  'p_streams[0].description must be at most 4000 characters', 'a stream description is at most 4000 characters');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_streams => '[{"name": "Ops", "type": "team"}]') $$, '22023',
  'p_streams[0].type "team" is not one of functional, project, custom', 'an unknown stream type lists the allowed ones');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_slug => 'Not A Slug') $$, '22023', null, 'a malformed slug is refused');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_name => '', p_streams => '[{"name": "Ops"}]') $$, '22023',
  'p_name must be 1 to 200 characters (got 0)', 'an empty name is refused before any seed is written');
select throws_ok(format($$ select public.complete_setup(pg_temp.fx('a'), p_streams => %L) $$,
    (select jsonb_agg(jsonb_build_object('name', 's' || i)) from generate_series(1, 101) i)), '22023',
  'p_streams may hold at most 100 entries (got 101)', 'at most 100 entries per list');
select tests.authenticate_as('wiz_member');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_streams => '[{"name": "Ops"}]') $$, '42501', null, 'a member cannot run the wizard');
select tests.authenticate_as('wiz_outsider');
select throws_ok($$ select public.complete_setup(pg_temp.fx('a'), p_streams => '[{"name": "Ops"}]') $$, '42501', null,
  'the admin of another workspace cannot run it here');
select tests.clear_authentication();
select pg_temp.unchanged('refused wizard calls wrote nothing');

select * from finish();
rollback;
