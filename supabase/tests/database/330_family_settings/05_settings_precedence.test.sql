-- effective_settings: platform defaults deep-merged with the workspace's overrides per kind; flags are
-- booleans; only members (and service_role) may ask.
begin;
select plan(12);

select tests.create_workspace_fixture('fst');
update public.platform_settings set settings = '{"provider": "anthropic", "model": "base", "options": {"temperature": 0.7, "top_p": 1}}' where kind = 'llm';
update public.platform_settings set settings = '{"debug_transcripts": false, "voice_replies": true}' where kind = 'flags';
insert into public.workspace_settings (workspace_id, kind, settings) values
  (tests.workspace_id('fst'), 'llm', '{"model": "override", "options": {"temperature": 0.2}}'),
  (tests.workspace_id('fst'), 'flags', '{"debug_transcripts": true}');

select tests.authenticate_as('fst_viewer');
select is(public.effective_settings(tests.workspace_id('fst')) -> 'llm',
  '{"provider": "anthropic", "model": "override", "options": {"temperature": 0.2, "top_p": 1}}'::jsonb,
  'overrides win key by key, nested objects merge');
select is(public.effective_settings(tests.workspace_id('fst')) -> 'flags', '{"debug_transcripts": true, "voice_replies": true}'::jsonb, 'a flag override flips one flag');
select is(public.effective_settings(tests.workspace_id('fst')) -> 'stt', (select settings from public.platform_settings where kind = 'stt'), 'without override the default applies');
select is((select array_agg(k order by k) from jsonb_object_keys(public.effective_settings(tests.workspace_id('fst'))) k),
  array['flags', 'llm', 'stt', 'telephony', 'tts'], 'every kind is present');
select tests.authenticate_as('fst_outsider');
select is(public.effective_settings(tests.workspace_id('fst', 'b')) -> 'llm' ->> 'model', 'base', 'another workspace gets the defaults');
select throws_ok($$ select public.effective_settings(tests.workspace_id('fst')) $$, '42501', null, 'outsiders cannot read a''s settings');
select throws_ok($$ select public.effective_settings(null) $$, '22004', null, 'a workspace is required');

-- Changing the default reaches every workspace that does not override it.
select tests.authenticate_as_service_role();
update public.platform_settings set settings = jsonb_set(settings, '{options,top_p}', '0.9') where kind = 'llm';
select is(public.effective_settings(tests.workspace_id('fst')) -> 'llm' -> 'options' -> 'top_p', '0.9'::jsonb, 'a changed default shows through the override');

-- Non-object values replace; flags must be booleans.
select tests.authenticate_as('fst_admin');
update public.workspace_settings set settings = '{"options": "none"}' where workspace_id = tests.workspace_id('fst') and kind = 'llm';
select is(public.effective_settings(tests.workspace_id('fst')) -> 'llm' -> 'options', '"none"'::jsonb, 'a scalar override replaces an object');
select throws_ok($$ update public.workspace_settings set settings = '{"debug_transcripts": "yes"}' where workspace_id = tests.workspace_id('fst') and kind = 'flags' $$,
  '22023', 'settings.debug_transcripts must be a boolean (feature flags are true or false)', 'flags are booleans');
select throws_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fst'), 'stt', '[1]') $$,
  '23514', null, 'settings are an object');
select throws_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fst'), 'asr', '{}') $$,
  '22P02', null, 'unknown kinds are refused');

select * from finish();
rollback;
