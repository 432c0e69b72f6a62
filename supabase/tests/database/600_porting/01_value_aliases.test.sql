-- Porting: old spellings the database accepts (normalised on write) and the catalogue the guides map from.
begin;
select plan(9);

select tests.create_workspace_fixture('pv');
create temp table pv_fx (k text primary key, id uuid) on commit drop;
grant all on pv_fx to public;
insert into pv_fx values ('agent', tests.create_agent_fixture(tests.workspace_id('pv'), 'pv-agent'));

-- The personal-agent words, written by an admin as that app does.
select tests.authenticate_as('pv_admin');
update public.agents set status = 'sleeping' where id = (select id from pv_fx where k = 'agent');
select is((select status::text from public.agents where id = (select id from pv_fx where k = 'agent')), 'paused', 'sleeping -> paused');
update public.agents set status = 'active' where id = (select id from pv_fx where k = 'agent');
select is((select status::text from public.agents where id = (select id from pv_fx where k = 'agent')), 'online', 'active -> online');
update public.agents set status = 'destroyed' where id = (select id from pv_fx where k = 'agent');
select is((select status::text from public.agents where id = (select id from pv_fx where k = 'agent')), 'archived', 'destroyed -> archived');
insert into public.agents (workspace_id, slug, name, status) values (tests.workspace_id('pv'), 'pv-new', 'New', 'active');
select is((select status::text from public.agents where slug = 'pv-new' and workspace_id = tests.workspace_id('pv')), 'online', 'insert with alias normalised');
select tests.clear_authentication();

-- Never stored as an alias, even with the trigger off (the CHECK holds).
select throws_ok($$ alter table public.agents disable trigger agents_normalise_status;
                    update public.agents set status = 'sleeping' where slug = 'pv-new' $$,
  '23514', null, 'an alias cannot be stored');
select throws_ok($$ update public.agents set status = 'asleep' where slug = 'pv-new' $$, '22P02', null, 'unknown words still refused');

-- The catalogue the guides use.
select is(private.canonical_value('inbox_item_status', 'failed'), 'pending', 'HQ failed maps to pending');
select is(private.canonical_value('knowledge_source', 'halo_onboarding'), 'onboarding', 'halo_onboarding maps to onboarding');
select is(private.canonical_value('agent_status', 'online'), 'online', 'a canonical value maps to itself');

select * from finish();
rollback;
