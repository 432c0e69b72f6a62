-- audit_log is append-only for every API role (no write grants) and for the owner role's updates (trigger).
begin;
select plan(8);

select tests.create_workspace_fixture('anapp');
select public.set_member_role(tests.workspace_id('anapp'), tests.user_id('anapp_viewer'), 'member');
create table pg_temp.n as select count(*)::int as n from public.audit_log where workspace_id = tests.workspace_id('anapp');

select tests.authenticate_as('anapp_owner');
select tests.assert_denied($$ update public.audit_log set action = 'x.y' where workspace_id is not null $$, 'owner (authenticated) cannot update audit_log');
select tests.assert_denied($$ delete from public.audit_log where workspace_id is not null $$, 'owner (authenticated) cannot delete audit_log');
select tests.assert_denied($$ truncate public.audit_log $$, 'authenticated cannot truncate audit_log');
select tests.authenticate_as_service_role();
select tests.assert_denied($$ update public.audit_log set action = 'x.y' $$, 'service_role cannot update audit_log');
select tests.assert_denied($$ delete from public.audit_log $$, 'service_role cannot delete audit_log');
select tests.assert_denied($$ insert into public.audit_log (actor_type, actor_role, action, entity_type) values ('system', 'x', 'a.b', 'a') $$,
  'service_role cannot insert audit_log rows');
select tests.clear_authentication();
select throws_ok($$ update public.audit_log set action = 'x.y' where workspace_id = tests.workspace_id('anapp') $$, '42501',
  'audit_log is append-only: UPDATE is not allowed', 'even the table owner cannot update audit rows (trigger)');
select is((select count(*)::int from public.audit_log where workspace_id = tests.workspace_id('anapp')), (select n from pg_temp.n),
  'the trail is unchanged');

select * from finish();
rollback;
