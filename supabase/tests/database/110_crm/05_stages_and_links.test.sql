-- Pipeline stages are a runtime vocabulary: contacts and companies must use a known stage_key of their
-- workspace and entity type; a stage in use cannot be renamed or removed. Links, taggings and campaigns
-- stay inside one workspace.
begin;
select plan(13);

select tests.create_workspace_fixture('cstg');
insert into public.pipeline_stages (workspace_id, entity_type, stage_key, label, position) values
  (tests.workspace_id('cstg'), 'contact', 'lead', 'Lead', 1),
  (tests.workspace_id('cstg'), 'contact', 'customer', 'Customer', 2),
  (tests.workspace_id('cstg'), 'company', 'prospect', 'Prospect', 1),
  (tests.workspace_id('cstg', 'b'), 'contact', 'b_only', 'B only', 1);
insert into public.crm_companies (id, workspace_id, name) values
  ('c3000000-0000-4000-8000-000000000001', tests.workspace_id('cstg'), 'A company'),
  ('c3000000-0000-4000-8000-000000000009', tests.workspace_id('cstg', 'b'), 'B company');
insert into public.crm_tags (id, workspace_id, name) values ('c3000000-0000-4000-8000-000000000019', tests.workspace_id('cstg', 'b'), 'B tag');

select tests.authenticate_as('cstg_member');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, stage_key) values (tests.workspace_id('cstg'), 'x', 'qualified') $$,
  '23503', 'stage_key: "qualified" is not a pipeline stage for contacts in this workspace', 'unknown stage key');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, stage_key) values (tests.workspace_id('cstg'), 'x', 'prospect') $$,
  '23503', 'stage_key: "prospect" is not a pipeline stage for contacts in this workspace', 'a company stage is not a contact stage');
select throws_ok($$ insert into public.contacts (workspace_id, full_name, stage_key) values (tests.workspace_id('cstg'), 'x', 'b_only') $$,
  '23503', null, 'another workspace''s stage is unknown here');
insert into public.contacts (id, workspace_id, full_name, stage_key) values
  ('c3000000-0000-4000-8000-000000000011', tests.workspace_id('cstg'), 'Linus', 'lead');
select throws_ok($$ update public.contacts set stage_key = 'closed' where id = 'c3000000-0000-4000-8000-000000000011' $$,
  '23503', 'stage_key: "closed" is not a pipeline stage for contacts in this workspace', 'moving to an unknown stage');
select is((select stage_key from public.contacts where id = 'c3000000-0000-4000-8000-000000000011'), 'lead', 'the refused move wrote nothing');
select lives_ok($$ update public.crm_companies set stage_key = 'prospect' where id = 'c3000000-0000-4000-8000-000000000001' $$, 'company stages');

select tests.authenticate_as('cstg_admin');
select throws_ok($$ delete from public.pipeline_stages where stage_key = 'lead' $$,
  '23503', 'stage_key: pipeline stage "lead" is in use; move its contacts to another stage first', 'a stage in use cannot be deleted');
select throws_ok($$ update public.pipeline_stages set stage_key = 'new_lead' where stage_key = 'lead' $$,
  '23503', null, 'a stage in use cannot be renamed');
select lives_ok($$ update public.pipeline_stages set label = 'New lead', position = 0 where stage_key = 'lead' $$, 'labels and order can change');
select lives_ok($$ delete from public.pipeline_stages where stage_key = 'customer' $$, 'an unused stage can be deleted');

select tests.authenticate_as('cstg_member');
select throws_ok($$ insert into public.crm_contact_companies (workspace_id, contact_id, company_id)
  values (tests.workspace_id('cstg'), 'c3000000-0000-4000-8000-000000000011', 'c3000000-0000-4000-8000-000000000009') $$,
  '23503', null, 'a contact cannot be linked to a company of another workspace');
select throws_ok($$ insert into public.crm_taggings (workspace_id, tag_id, contact_id)
  values (tests.workspace_id('cstg'), 'c3000000-0000-4000-8000-000000000019', 'c3000000-0000-4000-8000-000000000011') $$,
  '23503', null, 'a tag of another workspace cannot be used');
insert into public.crm_contact_companies (workspace_id, contact_id, company_id, role, is_primary)
values (tests.workspace_id('cstg'), 'c3000000-0000-4000-8000-000000000011', 'c3000000-0000-4000-8000-000000000001', 'CTO', true);
select is((select role from public.crm_contact_companies where contact_id = 'c3000000-0000-4000-8000-000000000011'), 'CTO', 'a link carries a role');
select tests.clear_authentication();

select * from finish();
rollback;
