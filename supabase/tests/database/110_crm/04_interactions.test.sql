-- Interactions keep contacts.last_interaction_* equal to the latest interaction by occurred_at, whatever
-- order they arrive in; editing or deleting the latest recomputes; clients cannot write the fields.
begin;
select plan(11);

select tests.create_workspace_fixture('cint');
insert into public.contacts (id, workspace_id, full_name) values
  ('c2000000-0000-4000-8000-000000000001', tests.workspace_id('cint'), 'Grace Hopper'),
  ('c2000000-0000-4000-8000-000000000009', tests.workspace_id('cint', 'b'), 'B contact');

select tests.authenticate_as('cint_member');
insert into public.interactions (id, workspace_id, contact_id, kind, occurred_at) values
  ('c2000000-0000-4000-8000-000000000011', tests.workspace_id('cint'), 'c2000000-0000-4000-8000-000000000001', 'meeting', '2026-05-10 10:00+00');
select is((select row(last_interaction_at, last_interaction_kind::text, last_interaction_id)::text from public.contacts where id = 'c2000000-0000-4000-8000-000000000001'),
  row('2026-05-10 10:00+00'::timestamptz, 'meeting', 'c2000000-0000-4000-8000-000000000011'::uuid)::text, 'the first interaction is the last one');

-- An older one arrives late: nothing moves back.
insert into public.interactions (id, workspace_id, contact_id, kind, occurred_at) values
  ('c2000000-0000-4000-8000-000000000012', tests.workspace_id('cint'), 'c2000000-0000-4000-8000-000000000001', 'email', '2026-04-01 09:00+00');
select is((select last_interaction_id from public.contacts where id = 'c2000000-0000-4000-8000-000000000001'),
  'c2000000-0000-4000-8000-000000000011'::uuid, 'an older interaction arriving later does not replace the latest');

-- A newer one replaces it.
insert into public.interactions (id, workspace_id, contact_id, kind, occurred_at) values
  ('c2000000-0000-4000-8000-000000000013', tests.workspace_id('cint'), 'c2000000-0000-4000-8000-000000000001', 'call', '2026-06-01 08:00+00');
select is((select row(last_interaction_at, last_interaction_kind::text)::text from public.contacts where id = 'c2000000-0000-4000-8000-000000000001'),
  row('2026-06-01 08:00+00'::timestamptz, 'call')::text, 'a newer interaction becomes the latest');

-- Moving the latest into the past: the next latest takes over.
update public.interactions set occurred_at = '2026-01-01 00:00+00' where id = 'c2000000-0000-4000-8000-000000000013';
select is((select last_interaction_id from public.contacts where id = 'c2000000-0000-4000-8000-000000000001'),
  'c2000000-0000-4000-8000-000000000011'::uuid, 'back-dating the latest recomputes');

-- Deleting the latest: the next one.
delete from public.interactions where id = 'c2000000-0000-4000-8000-000000000011';
select is((select row(last_interaction_at, last_interaction_kind::text)::text from public.contacts where id = 'c2000000-0000-4000-8000-000000000001'),
  row('2026-04-01 09:00+00'::timestamptz, 'email')::text, 'deleting the latest falls back to the next');

-- Clients cannot set the fields by hand.
update public.contacts set last_interaction_at = '2030-01-01', last_interaction_kind = 'note', last_interaction_id = null
where id = 'c2000000-0000-4000-8000-000000000001';
select is((select last_interaction_at from public.contacts where id = 'c2000000-0000-4000-8000-000000000001'),
  '2026-04-01 09:00+00'::timestamptz, 'last_interaction_* are maintained by the database only');
insert into public.contacts (id, workspace_id, full_name, last_interaction_at) values
  ('c2000000-0000-4000-8000-000000000002', tests.workspace_id('cint'), 'New Person', '2030-01-01');
select is((select last_interaction_at from public.contacts where id = 'c2000000-0000-4000-8000-000000000002'), null,
  'a new contact has no last interaction until one is recorded');

-- Same instant: the larger id wins, deterministically, in either arrival order.
insert into public.interactions (id, workspace_id, contact_id, kind, occurred_at) values
  ('c2000000-0000-4000-8000-0000000000f2', tests.workspace_id('cint'), 'c2000000-0000-4000-8000-000000000002', 'note', '2026-07-01 12:00+00');
insert into public.interactions (id, workspace_id, contact_id, kind, occurred_at) values
  ('c2000000-0000-4000-8000-0000000000f1', tests.workspace_id('cint'), 'c2000000-0000-4000-8000-000000000002', 'call', '2026-07-01 12:00+00');
select is((select last_interaction_id from public.contacts where id = 'c2000000-0000-4000-8000-000000000002'),
  'c2000000-0000-4000-8000-0000000000f2'::uuid, 'ties on occurred_at resolve to the larger id');

-- Interactions stay in their contact's workspace.
select throws_ok($$ insert into public.interactions (workspace_id, contact_id, kind)
  values (tests.workspace_id('cint'), 'c2000000-0000-4000-8000-000000000009', 'call') $$,
  '23503', format('contact_id: contact c2000000-0000-4000-8000-000000000009 is not in workspace %s', tests.workspace_id('cint')),
  'an interaction with a contact of another workspace is refused');
select throws_ok(format($$ insert into public.interactions (workspace_id, contact_id, kind, user_id)
  values (tests.workspace_id('cint'), 'c2000000-0000-4000-8000-000000000001', 'call', %L) $$, tests.user_id('cint_outsider')),
  '23503', null, 'the member on an interaction must belong to the workspace');
select tests.clear_authentication();
select is((select count(*)::int from public.interactions where contact_id = 'c2000000-0000-4000-8000-000000000009'), 0, 'nothing written for B');

select * from finish();
rollback;
