-- route_inbound_message: routed (member's agent, else the head agent), unknown_number, not_opted_in,
-- no_agent; service_role only; malformed numbers refused.
begin;
select plan(16);

select tests.create_workspace_fixture('frt');
insert into public.agents (id, workspace_id, slug, name, is_head) values
  ('f2000000-0000-4000-8000-000000000001', tests.workspace_id('frt'), 'frt-head', 'Head', true),
  ('f2000000-0000-4000-8000-000000000002', tests.workspace_id('frt'), 'frt-kids', 'Kids helper', false);
insert into public.family_members (id, workspace_id, phone_e164, display_name, relation, agent_id, opted_in) values
  ('f3000000-0000-4000-8000-000000000001', tests.workspace_id('frt'), '+14155550101', 'Mom', 'parent', null, true),
  ('f3000000-0000-4000-8000-000000000002', tests.workspace_id('frt'), '+14155550102', 'Kid', 'child', 'f2000000-0000-4000-8000-000000000002', true),
  ('f3000000-0000-4000-8000-000000000003', tests.workspace_id('frt'), '+14155550103', 'Uncle', 'relative', null, false),
  ('f3000000-0000-4000-8000-000000000004', tests.workspace_id('frt', 'b'), '+14155550104', 'Lonely', 'self', null, true);

select tests.authenticate_as_service_role();
select results_eq($$ select result, workspace_id, member_id, agent_id, display_name from public.route_inbound_message('+14155550101') $$,
  $$ values ('routed', tests.workspace_id('frt'), 'f3000000-0000-4000-8000-000000000001'::uuid, 'f2000000-0000-4000-8000-000000000001'::uuid, 'Mom') $$,
  'a member without their own agent wakes the head agent');
select is((select agent_id from public.route_inbound_message('+14155550102')), 'f2000000-0000-4000-8000-000000000002'::uuid, 'a member''s own agent wins');
select results_eq($$ select result, workspace_id, member_id, agent_id from public.route_inbound_message('+14155550199') $$,
  $$ values ('unknown_number', null::uuid, null::uuid, null::uuid) $$, 'an unknown number says unknown_number and nothing else');
select results_eq($$ select result, member_id, agent_id from public.route_inbound_message('+14155550103') $$,
  $$ values ('not_opted_in', 'f3000000-0000-4000-8000-000000000003'::uuid, null::uuid) $$, 'a member who has not opted in wakes nobody');
select results_eq($$ select result, workspace_id from public.route_inbound_message('+14155550104') $$,
  $$ values ('no_agent', tests.workspace_id('frt', 'b')) $$, 'a family without a head agent has no agent to wake');
select is((select count(*)::int from public.route_inbound_message('+14155550101')), 1, 'always exactly one row');

-- An archived agent is never woken.
update public.agents set status = 'archived' where id = 'f2000000-0000-4000-8000-000000000002';
select is((select result from public.route_inbound_message('+14155550102')), 'no_agent', 'an archived agent is not woken');

select throws_ok($$ select * from public.route_inbound_message(null) $$, '22004', 'p_phone must not be null', 'null phone');
select throws_ok($$ select * from public.route_inbound_message('4155550101') $$, '22023', 'p_phone "4155550101" is not an E.164 number (+ then 7 to 15 digits)', 'missing + refused');
select throws_ok($$ select * from public.route_inbound_message('+1 415 555 0101') $$, '22023', null, 'spaces refused');
select throws_ok($$ select * from public.route_inbound_message('whatsapp:+14155550101') $$, '22023', null, 'channel prefixes refused');

select tests.authenticate_as('frt_owner');
select throws_ok($$ select * from public.route_inbound_message('+14155550101') $$, '42501', null, 'workspace owners cannot call the router');
select tests.authenticate_as('frt_admin');
select throws_ok($$ select * from public.route_inbound_message('+14155550101') $$, '42501', null, 'admins cannot call the router');
select tests.authenticate_as('frt_outsider');
select throws_ok($$ select * from public.route_inbound_message('+14155550104') $$, '42501', null, 'nor anyone signed in');
select tests.authenticate_as_anon();
select throws_ok($$ select * from public.route_inbound_message('+14155550101') $$, '42501', null, 'anon cannot call the router');
select tests.clear_authentication();
select is((select result from public.route_inbound_message('+14155550101')), 'routed', 'the database owner (postgres) may');

select * from finish();
rollback;
