-- RLS for family_members, platform_settings, workspace_settings: every role x operation.
begin;
select plan(85);

create function pg_temp.affected(p_sql text) returns integer language plpgsql as $$
declare n integer; begin execute p_sql; get diagnostics n = row_count; return n; end $$;

select tests.create_workspace_fixture('fam');
insert into public.family_members (id, workspace_id, phone_e164, display_name, relation) values
  ('f1000000-0000-4000-8000-000000000001', tests.workspace_id('fam'), '+4915112345001', 'Grandma', 'grandparent'),
  ('f1000000-0000-4000-8000-000000000002', tests.workspace_id('fam', 'b'), '+4915112345002', 'B member', 'other'),
  ('f1000000-0000-4000-8000-000000000003', tests.workspace_id('fam'), '+4915112345003', 'Delete me', 'other');
insert into public.workspace_settings (workspace_id, kind, settings) values
  (tests.workspace_id('fam'), 'llm', '{"model": "a-model"}'),
  (tests.workspace_id('fam', 'b'), 'llm', '{"model": "b-model"}'),
  (tests.workspace_id('fam'), 'tts', '{"voice": "warm"}');

-- ------------------------------------------------------------------------------------ family_members
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.family_members $$, 'anon cannot read family_members');
select tests.assert_denied($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fam'), '+4915100000009', 'x') $$, 'anon cannot insert family_members');
select tests.assert_denied($$ update public.family_members set display_name = 'x' $$, 'anon cannot update family_members');
select tests.assert_denied($$ delete from public.family_members $$, 'anon cannot delete family_members');

select tests.authenticate_as('fam_outsider');
select tests.assert_filtered($$ select * from public.family_members where workspace_id = tests.workspace_id('fam') $$, 'outsider sees no family member of a');
select tests.assert_denied($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fam'), '+4915100000009', 'x') $$, 'outsider cannot add members to a');
select is(pg_temp.affected($$ update public.family_members set display_name = 'x' where id = 'f1000000-0000-4000-8000-000000000001' $$), 0, 'outsider updates no member of a');
select is(pg_temp.affected($$ delete from public.family_members where id = 'f1000000-0000-4000-8000-000000000001' $$), 0, 'outsider deletes no member of a');

select tests.authenticate_as('fam_viewer');
select is((select count(*)::int from public.family_members), 2, 'viewer reads the family of a');
select tests.assert_denied($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fam'), '+4915100000009', 'x') $$, 'viewer cannot add members');
select is(pg_temp.affected($$ update public.family_members set display_name = 'x' where id = 'f1000000-0000-4000-8000-000000000001' $$), 0, 'viewer cannot update members');
select is(pg_temp.affected($$ delete from public.family_members where id = 'f1000000-0000-4000-8000-000000000003' $$), 0, 'viewer cannot delete members');

select tests.authenticate_as('fam_member');
select is((select count(*)::int from public.family_members), 2, 'member reads the family of a');
select tests.assert_denied($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fam'), '+4915100000009', 'x') $$, 'member cannot add members');
select is(pg_temp.affected($$ update public.family_members set opted_in = true where id = 'f1000000-0000-4000-8000-000000000001' $$), 0, 'member cannot update members');
select is(pg_temp.affected($$ delete from public.family_members where id = 'f1000000-0000-4000-8000-000000000003' $$), 0, 'member cannot delete members');

select tests.authenticate_as('fam_admin');
select is((select count(*)::int from public.family_members), 2, 'admin reads the family of a');
select lives_ok($$ insert into public.family_members (workspace_id, phone_e164, display_name, relation, user_id) values (tests.workspace_id('fam'), '+4915100000009', 'Dad', 'parent', tests.user_id('fam_member')) $$, 'admin adds a member (linked to a user)');
select is(pg_temp.affected($$ update public.family_members set opted_in = true where id = 'f1000000-0000-4000-8000-000000000001' $$), 1, 'admin updates a member');
select isnt((select opted_in_at from public.family_members where id = 'f1000000-0000-4000-8000-000000000001'), null, 'opting in records the time');
select is(pg_temp.affected($$ delete from public.family_members where id = 'f1000000-0000-4000-8000-000000000003' $$), 1, 'admin deletes a member');

select tests.authenticate_as('fam_owner');
select is((select count(*)::int from public.family_members), 2, 'owner reads the family of a');
select lives_ok($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fam'), '+4915100000010', 'Kid') $$, 'owner adds a member');
select is(pg_temp.affected($$ update public.family_members set display_name = 'Granny' where id = 'f1000000-0000-4000-8000-000000000001' $$), 1, 'owner updates a member');
select is(pg_temp.affected($$ delete from public.family_members where phone_e164 = '+4915100000010' $$), 1, 'owner deletes a member');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.family_members where id::text like 'f1%'), 2, 'service_role reads every family');
select lives_ok($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fam', 'b'), '+4915100000011', 'svc') $$, 'service_role adds a member');
select is(pg_temp.affected($$ update public.family_members set opted_in = true where id = 'f1000000-0000-4000-8000-000000000002' $$), 1, 'service_role updates a member');
select is(pg_temp.affected($$ delete from public.family_members where phone_e164 = '+4915100000011' $$), 1, 'service_role deletes a member');

-- ------------------------------------------------------------------------------------ platform_settings
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.platform_settings $$, 'anon cannot read platform_settings');
select tests.assert_denied($$ insert into public.platform_settings (kind) values ('llm') $$, 'anon cannot insert platform_settings');
select tests.assert_denied($$ update public.platform_settings set settings = '{}' $$, 'anon cannot update platform_settings');
select tests.assert_denied($$ delete from public.platform_settings $$, 'anon cannot delete platform_settings');

select tests.authenticate_as('fam_outsider');
select is((select count(*)::int from public.platform_settings), 5, 'any signed-in user reads the defaults (they hold no secrets)');
select tests.assert_denied($$ insert into public.platform_settings (kind) values ('llm') $$, 'outsider cannot insert platform_settings');
select tests.assert_denied($$ update public.platform_settings set settings = '{}' $$, 'outsider cannot update platform_settings');
select tests.assert_denied($$ delete from public.platform_settings $$, 'outsider cannot delete platform_settings');
select tests.authenticate_as('fam_viewer');
select is((select count(*)::int from public.platform_settings), 5, 'viewer reads the platform defaults');
select tests.assert_denied($$ insert into public.platform_settings (kind) values ('llm') $$, 'viewer cannot insert platform_settings');
select tests.assert_denied($$ update public.platform_settings set settings = '{}' $$, 'viewer cannot update platform_settings');
select tests.assert_denied($$ delete from public.platform_settings $$, 'viewer cannot delete platform_settings');
select tests.authenticate_as('fam_member');
select is((select count(*)::int from public.platform_settings), 5, 'member reads the platform defaults');
select tests.assert_denied($$ insert into public.platform_settings (kind) values ('llm') $$, 'member cannot insert platform_settings');
select tests.assert_denied($$ update public.platform_settings set settings = '{}' $$, 'member cannot update platform_settings');
select tests.assert_denied($$ delete from public.platform_settings where kind = 'llm' $$, 'member cannot delete platform_settings');
select tests.authenticate_as('fam_admin');
select is((select count(*)::int from public.platform_settings), 5, 'admin reads the platform defaults');
select tests.assert_denied($$ insert into public.platform_settings (kind) values ('llm') $$, 'admin cannot insert platform_settings');
select tests.assert_denied($$ update public.platform_settings set settings = '{}' $$, 'admin cannot update platform_settings');
select tests.assert_denied($$ delete from public.platform_settings $$, 'admin cannot delete platform_settings');
select tests.authenticate_as('fam_owner');
select is((select count(*)::int from public.platform_settings), 5, 'owner reads the platform defaults');
select tests.assert_denied($$ insert into public.platform_settings (kind) values ('llm') $$, 'owner cannot insert platform_settings');
select tests.assert_denied($$ update public.platform_settings set settings = '{}' where kind = 'llm' $$, 'owner cannot update platform_settings');
select tests.assert_denied($$ delete from public.platform_settings $$, 'owner cannot delete platform_settings');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.platform_settings), 5, 'service_role reads the defaults');
select is(pg_temp.affected($$ update public.platform_settings set settings = settings || '{"temperature": 0.5}' where kind = 'llm' $$), 1, 'service_role (the operator) updates the defaults');
select is(pg_temp.affected($$ delete from public.platform_settings where kind = 'telephony' $$), 1, 'service_role deletes a default');
select lives_ok($$ insert into public.platform_settings (kind, settings) values ('telephony', '{"provider": "twilio"}') $$, 'service_role inserts a default');

-- ------------------------------------------------------------------------------------ workspace_settings
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.workspace_settings $$, 'anon cannot read workspace_settings');
select tests.assert_denied($$ insert into public.workspace_settings (workspace_id, kind) values (tests.workspace_id('fam'), 'stt') $$, 'anon cannot insert workspace_settings');
select tests.assert_denied($$ update public.workspace_settings set settings = '{}' $$, 'anon cannot update workspace_settings');
select tests.assert_denied($$ delete from public.workspace_settings $$, 'anon cannot delete workspace_settings');

select tests.authenticate_as('fam_outsider');
select tests.assert_filtered($$ select * from public.workspace_settings where workspace_id = tests.workspace_id('fam') $$, 'outsider sees no override of a');
select tests.assert_denied($$ insert into public.workspace_settings (workspace_id, kind) values (tests.workspace_id('fam'), 'stt') $$, 'outsider cannot override a''s settings');
select is(pg_temp.affected($$ update public.workspace_settings set settings = '{}' where workspace_id = tests.workspace_id('fam') $$), 0, 'outsider updates no override of a');
select is(pg_temp.affected($$ delete from public.workspace_settings where workspace_id = tests.workspace_id('fam') $$), 0, 'outsider deletes no override of a');

select tests.authenticate_as('fam_viewer');
select is((select count(*)::int from public.workspace_settings), 2, 'viewer reads the overrides of a');
select tests.assert_denied($$ insert into public.workspace_settings (workspace_id, kind) values (tests.workspace_id('fam'), 'stt') $$, 'viewer cannot add overrides');
select is(pg_temp.affected($$ update public.workspace_settings set settings = '{}' where workspace_id = tests.workspace_id('fam') $$), 0, 'viewer cannot change overrides');
select is(pg_temp.affected($$ delete from public.workspace_settings where workspace_id = tests.workspace_id('fam') $$), 0, 'viewer cannot delete overrides');

select tests.authenticate_as('fam_member');
select is((select count(*)::int from public.workspace_settings), 2, 'member reads the overrides of a');
select tests.assert_denied($$ insert into public.workspace_settings (workspace_id, kind) values (tests.workspace_id('fam'), 'stt') $$, 'member cannot add overrides');
select is(pg_temp.affected($$ update public.workspace_settings set settings = '{}' where workspace_id = tests.workspace_id('fam') $$), 0, 'member cannot change overrides');
select is(pg_temp.affected($$ delete from public.workspace_settings where workspace_id = tests.workspace_id('fam') $$), 0, 'member cannot delete overrides');

select tests.authenticate_as('fam_admin');
select lives_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fam'), 'flags', '{"debug_transcripts": true}') $$, 'admin adds an override');
select is((select updated_by from public.workspace_settings where workspace_id = tests.workspace_id('fam') and kind = 'flags'), tests.user_id('fam_admin'), 'updated_by is the admin');
select is(pg_temp.affected($$ update public.workspace_settings set settings = '{"model": "other"}' where workspace_id = tests.workspace_id('fam') and kind = 'llm' $$), 1, 'admin changes an override');
select is(pg_temp.affected($$ delete from public.workspace_settings where workspace_id = tests.workspace_id('fam') and kind = 'tts' $$), 1, 'admin deletes an override');

select tests.authenticate_as('fam_owner');
select lives_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fam'), 'stt', '{"language": "de"}') $$, 'owner adds an override');
select is(pg_temp.affected($$ delete from public.workspace_settings where workspace_id = tests.workspace_id('fam') and kind = 'stt' $$), 1, 'owner deletes an override');
select is(pg_temp.affected($$ update public.workspace_settings set settings = '{"debug_transcripts": false}' where workspace_id = tests.workspace_id('fam') and kind = 'flags' $$), 1, 'owner changes an override');
select is((select updated_by from public.workspace_settings where workspace_id = tests.workspace_id('fam') and kind = 'flags'), tests.user_id('fam_owner'), 'updated_by follows the last writer');

select tests.authenticate_as_service_role();
select is((select count(*)::int from public.workspace_settings where workspace_id in (tests.workspace_id('fam'), tests.workspace_id('fam', 'b'))), 3, 'service_role reads every override');
select lives_ok($$ insert into public.workspace_settings (workspace_id, kind, settings) values (tests.workspace_id('fam', 'b'), 'tts', '{}') $$, 'service_role adds an override');
select is(pg_temp.affected($$ update public.workspace_settings set settings = '{"model": "svc"}' where workspace_id = tests.workspace_id('fam', 'b') and kind = 'llm' $$), 1, 'service_role changes an override');
select is(pg_temp.affected($$ delete from public.workspace_settings where workspace_id = tests.workspace_id('fam', 'b') $$), 2, 'service_role deletes any override');

select * from finish();
rollback;
