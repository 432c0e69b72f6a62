-- Phone numbers: E.164 only, unique across the platform; a linked user must belong to the family; nothing
-- written on refusal.
begin;
select plan(10);

select tests.create_workspace_fixture('fph');
insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fph'), '+447700900001', 'First');

select tests.authenticate_as('fph_admin');
select throws_ok($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fph'), '07700900002', 'x') $$,
  '23514', 'new row for relation "family_members" violates check constraint "family_members_phone_e164_check"', 'a national number is refused');
select throws_ok($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fph'), '+0447700900002', 'x') $$,
  '23514', null, 'a country code cannot start with 0');
select throws_ok($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fph'), '+44 7700 900002', 'x') $$,
  '23514', null, 'spaces are refused');
select throws_ok($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fph'), '+1234567890123456', 'x') $$,
  '23514', null, 'more than 15 digits is refused');
select throws_ok($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fph'), '+44770', 'x') $$,
  '23514', null, 'fewer than 7 digits is refused');
select throws_ok($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fph'), '+447700900001', 'Dup') $$,
  '23505', 'duplicate key value violates unique constraint "family_members_phone_e164_key"', 'a number already in the family is refused');
select tests.authenticate_as('fph_outsider');
select throws_ok($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fph', 'b'), '+447700900001', 'Other family') $$,
  '23505', null, 'a number of another family is refused too (routing must be deterministic)');
select tests.authenticate_as('fph_admin');
select throws_ok($$ insert into public.family_members (workspace_id, phone_e164, display_name, user_id) values (tests.workspace_id('fph'), '+447700900003', 'x', tests.user_id('fph_outsider')) $$,
  '23503', null, 'a linked user must be a member of the family''s workspace');
select lives_ok($$ insert into public.family_members (workspace_id, phone_e164, display_name) values (tests.workspace_id('fph'), '+12025550123', 'Shortest US') $$, 'a valid number is accepted');
select tests.clear_authentication();
select is((select count(*)::int from public.family_members where workspace_id in (tests.workspace_id('fph'), tests.workspace_id('fph', 'b'))), 2, 'only the valid rows were written');

select * from finish();
rollback;
