-- RLS of the CRM tables: every table x role (anon, outsider = admin of another workspace, viewer, member,
-- admin, owner, service_role) x operation, against one row of the fixture's workspace.
begin;
select plan(320);

select tests.create_workspace_fixture('crls');
select tests.create_agent_fixture(tests.workspace_id('crls'), 'crls-agent');
insert into public.pipeline_stages (id, workspace_id, stage_key, label, position) values
  ('c1000000-0000-4000-8000-000000000001', tests.workspace_id('crls'), 'lead', 'Lead', 1),
  ('c1000000-0000-4000-8000-000000000002', tests.workspace_id('crls'), 'unused', 'Unused', 9);
insert into public.field_definitions (id, workspace_id, field_key, label, field_type) values
  ('c1000000-0000-4000-8000-000000000011', tests.workspace_id('crls'), 'linkedin', 'LinkedIn', 'text');
insert into public.crm_companies (id, workspace_id, name) values ('c1000000-0000-4000-8000-000000000021', tests.workspace_id('crls'), 'Analytical Engines Ltd');
insert into public.contacts (id, workspace_id, full_name, stage_key) values
  ('c1000000-0000-4000-8000-000000000031', tests.workspace_id('crls'), 'Ada Lovelace', 'lead'),
  ('c1000000-0000-4000-8000-000000000032', tests.workspace_id('crls'), 'Charles Babbage', null);
insert into public.crm_contact_companies (workspace_id, contact_id, company_id, role) values
  (tests.workspace_id('crls'), 'c1000000-0000-4000-8000-000000000031', 'c1000000-0000-4000-8000-000000000021', 'Founder');
insert into public.interactions (id, workspace_id, contact_id, kind, subject) values
  ('c1000000-0000-4000-8000-000000000041', tests.workspace_id('crls'), 'c1000000-0000-4000-8000-000000000031', 'call', 'Intro');
insert into public.crm_tags (id, workspace_id, name) values ('c1000000-0000-4000-8000-000000000051', tests.workspace_id('crls'), 'VIP');
insert into public.crm_taggings (id, workspace_id, tag_id, contact_id) values
  ('c1000000-0000-4000-8000-000000000061', tests.workspace_id('crls'), 'c1000000-0000-4000-8000-000000000051', 'c1000000-0000-4000-8000-000000000031');
insert into public.crm_templates (id, workspace_id, name, body) values ('c1000000-0000-4000-8000-000000000071', tests.workspace_id('crls'), 'Intro', 'Hi {name}');
insert into public.crm_campaigns (id, workspace_id, name, template_id) values
  ('c1000000-0000-4000-8000-000000000081', tests.workspace_id('crls'), 'Spring outreach', 'c1000000-0000-4000-8000-000000000071');
insert into public.crm_draft_sets (id, workspace_id, name, campaign_id) values
  ('c1000000-0000-4000-8000-000000000091', tests.workspace_id('crls'), 'Batch 1', 'c1000000-0000-4000-8000-000000000081');

-- Runs p_sql as p_role of fixture p_key inside a subtransaction that is always rolled back, and reports
-- 'rows:<n>' (rows returned or touched) or 'error:<sqlstate>'. Nothing it does survives.
create function pg_temp.rls_try(p_key text, p_role text, p_sql text)
returns text
language plpgsql
as $$
declare
  v_rows bigint;
begin
  begin
    if p_role = 'anon' then
      perform tests.authenticate_as_anon();
    elsif p_role = 'service_role' then
      perform tests.authenticate_as_service_role();
    else
      perform tests.authenticate_as(p_key || '_' || p_role);
    end if;
    execute p_sql;
    get diagnostics v_rows = row_count;
    raise exception using errcode = 'ZZ001', message = v_rows::text;
  exception
    when sqlstate 'ZZ001' then
      return 'rows:' || sqlerrm;
    when others then
      return 'error:' || sqlstate;
  end;
end
$$;

-- The 28 RLS assertions of one table: 7 roles x select/insert/update/delete against one row of workspace
-- a. Expected outcome from the table's read/write/delete roles: allowed -> rows:1; a write the policy
-- refuses -> error:42501 (insert) or rows:0 (update/delete see nothing); anon has no grants at all;
-- the outsider (admin of workspace b) never sees or touches a's row. p_override replaces single cells,
-- keyed '<role>:<op>'.
create function pg_temp.rls_matrix(
  p_key text, p_table text, p_select text, p_insert text, p_update text, p_delete text,
  p_read text, p_write text, p_del text, p_override jsonb default '{}')
returns setof text
language plpgsql
as $$
declare
  v_role text;
  v_op text;
  v_sql text;
  v_rank int;
  v_need text;
  v_expect text;
  v_ranks jsonb := '{"viewer": 1, "member": 2, "admin": 3, "owner": 4}';
begin
  foreach v_role in array array['anon', 'outsider', 'viewer', 'member', 'admin', 'owner', 'service_role'] loop
    foreach v_op in array array['select', 'insert', 'update', 'delete'] loop
      v_sql := case v_op when 'select' then p_select when 'insert' then p_insert when 'update' then p_update else p_delete end;
      v_need := case v_op when 'select' then p_read when 'insert' then p_write when 'update' then p_write else p_del end;
      if v_role = 'anon' then
        v_expect := 'error:42501';
      elsif v_role = 'service_role' then
        v_expect := 'rows:1';
      elsif v_role = 'outsider' then
        v_expect := case v_op when 'insert' then 'error:42501' else 'rows:0' end;
      else
        v_rank := (v_ranks ->> v_role)::int;
        if v_need is not null and v_rank >= (v_ranks ->> v_need)::int then
          v_expect := 'rows:1';
        else
          v_expect := case v_op when 'insert' then 'error:42501' else 'rows:0' end;
        end if;
      end if;
      v_expect := coalesce(p_override ->> (v_role || ':' || v_op), v_expect);
      return next extensions.is(pg_temp.rls_try(p_key, v_role, v_sql), v_expect,
        format('%s: %s %s -> %s', p_table, v_role, v_op, v_expect));
    end loop;
  end loop;
end
$$;

select * from pg_temp.rls_matrix('crls', 'pipeline_stages',
  $$ select * from public.pipeline_stages where id = 'c1000000-0000-4000-8000-000000000002' $$,
  $$ insert into public.pipeline_stages (workspace_id, stage_key, label) values (tests.workspace_id('crls'), 'won', 'Won') $$,
  $$ update public.pipeline_stages set label = 'Parked' where id = 'c1000000-0000-4000-8000-000000000002' $$,
  $$ delete from public.pipeline_stages where id = 'c1000000-0000-4000-8000-000000000002' $$,
  'viewer', 'admin', 'admin');

select * from pg_temp.rls_matrix('crls', 'field_definitions',
  $$ select * from public.field_definitions where id = 'c1000000-0000-4000-8000-000000000011' $$,
  $$ insert into public.field_definitions (workspace_id, field_key, label, field_type) values (tests.workspace_id('crls'), 'birthday', 'Birthday', 'date') $$,
  $$ update public.field_definitions set label = 'LinkedIn URL' where id = 'c1000000-0000-4000-8000-000000000011' $$,
  $$ delete from public.field_definitions where id = 'c1000000-0000-4000-8000-000000000011' $$,
  'viewer', 'admin', 'admin');

select * from pg_temp.rls_matrix('crls', 'crm_companies',
  $$ select * from public.crm_companies where id = 'c1000000-0000-4000-8000-000000000021' $$,
  $$ insert into public.crm_companies (workspace_id, name) values (tests.workspace_id('crls'), 'Difference Engines') $$,
  $$ update public.crm_companies set industry = 'Computing' where id = 'c1000000-0000-4000-8000-000000000021' $$,
  $$ delete from public.crm_companies where id = 'c1000000-0000-4000-8000-000000000021' $$,
  'viewer', 'member', 'admin');

select * from pg_temp.rls_matrix('crls', 'contacts',
  $$ select * from public.contacts where id = 'c1000000-0000-4000-8000-000000000031' $$,
  $$ insert into public.contacts (workspace_id, full_name) values (tests.workspace_id('crls'), 'Mary Somerville') $$,
  $$ update public.contacts set job_title = 'Mathematician' where id = 'c1000000-0000-4000-8000-000000000031' $$,
  $$ delete from public.contacts where id = 'c1000000-0000-4000-8000-000000000031' $$,
  'viewer', 'member', 'admin');

select * from pg_temp.rls_matrix('crls', 'crm_contact_companies',
  $$ select * from public.crm_contact_companies where contact_id = 'c1000000-0000-4000-8000-000000000031' $$,
  $$ insert into public.crm_contact_companies (workspace_id, contact_id, company_id)
     values (tests.workspace_id('crls'), 'c1000000-0000-4000-8000-000000000032', 'c1000000-0000-4000-8000-000000000021') $$,
  $$ update public.crm_contact_companies set role = 'Advisor' where contact_id = 'c1000000-0000-4000-8000-000000000031' $$,
  $$ delete from public.crm_contact_companies where contact_id = 'c1000000-0000-4000-8000-000000000031' $$,
  'viewer', 'member', 'member');

select * from pg_temp.rls_matrix('crls', 'interactions',
  $$ select * from public.interactions where id = 'c1000000-0000-4000-8000-000000000041' $$,
  $$ insert into public.interactions (workspace_id, contact_id, kind) values (tests.workspace_id('crls'), 'c1000000-0000-4000-8000-000000000031', 'note') $$,
  $$ update public.interactions set subject = 'Intro call' where id = 'c1000000-0000-4000-8000-000000000041' $$,
  $$ delete from public.interactions where id = 'c1000000-0000-4000-8000-000000000041' $$,
  'viewer', 'member', 'member');

select * from pg_temp.rls_matrix('crls', 'crm_tags',
  $$ select * from public.crm_tags where id = 'c1000000-0000-4000-8000-000000000051' $$,
  $$ insert into public.crm_tags (workspace_id, name) values (tests.workspace_id('crls'), 'Investor') $$,
  $$ update public.crm_tags set color = '#00ff00' where id = 'c1000000-0000-4000-8000-000000000051' $$,
  $$ delete from public.crm_tags where id = 'c1000000-0000-4000-8000-000000000051' $$,
  'viewer', 'member', 'admin');

select * from pg_temp.rls_matrix('crls', 'crm_taggings',
  $$ select * from public.crm_taggings where id = 'c1000000-0000-4000-8000-000000000061' $$,
  $$ insert into public.crm_taggings (workspace_id, tag_id, company_id)
     values (tests.workspace_id('crls'), 'c1000000-0000-4000-8000-000000000051', 'c1000000-0000-4000-8000-000000000021') $$,
  $$ update public.crm_taggings set created_at = now() where id = 'c1000000-0000-4000-8000-000000000061' $$,
  $$ delete from public.crm_taggings where id = 'c1000000-0000-4000-8000-000000000061' $$,
  'viewer', 'member', 'member');

select * from pg_temp.rls_matrix('crls', 'crm_templates',
  $$ select * from public.crm_templates where id = 'c1000000-0000-4000-8000-000000000071' $$,
  $$ insert into public.crm_templates (workspace_id, name) values (tests.workspace_id('crls'), 'Follow-up') $$,
  $$ update public.crm_templates set subject = 'Hello' where id = 'c1000000-0000-4000-8000-000000000071' $$,
  $$ delete from public.crm_templates where id = 'c1000000-0000-4000-8000-000000000071' $$,
  'viewer', 'member', 'member');

select * from pg_temp.rls_matrix('crls', 'crm_campaigns',
  $$ select * from public.crm_campaigns where id = 'c1000000-0000-4000-8000-000000000081' $$,
  $$ insert into public.crm_campaigns (workspace_id, name) values (tests.workspace_id('crls'), 'Autumn outreach') $$,
  $$ update public.crm_campaigns set status = 'active' where id = 'c1000000-0000-4000-8000-000000000081' $$,
  $$ delete from public.crm_campaigns where id = 'c1000000-0000-4000-8000-000000000081' $$,
  'viewer', 'member', 'member');

select * from pg_temp.rls_matrix('crls', 'crm_draft_sets',
  $$ select * from public.crm_draft_sets where id = 'c1000000-0000-4000-8000-000000000091' $$,
  $$ insert into public.crm_draft_sets (workspace_id, name) values (tests.workspace_id('crls'), 'Batch 2') $$,
  $$ update public.crm_draft_sets set status = 'in_review' where id = 'c1000000-0000-4000-8000-000000000091' $$,
  $$ delete from public.crm_draft_sets where id = 'c1000000-0000-4000-8000-000000000091' $$,
  'viewer', 'member', 'member');

select tests.authenticate_as('crls_outsider');
select tests.assert_filtered($$ select * from public.pipeline_stages where workspace_id = tests.workspace_id('crls') $$, 'outsider: no pipeline_stages of a');
select tests.assert_filtered($$ select * from public.field_definitions $$, 'outsider: no field_definitions of a');
select tests.assert_filtered($$ select * from public.crm_companies $$, 'outsider: no crm_companies of a');
select tests.assert_filtered($$ select * from public.contacts $$, 'outsider: no contacts of a');
select tests.assert_filtered($$ select * from public.crm_contact_companies $$, 'outsider: no crm_contact_companies of a');
select tests.assert_filtered($$ select * from public.interactions $$, 'outsider: no interactions of a');
select tests.assert_filtered($$ select * from public.crm_tags $$, 'outsider: no crm_tags of a');
select tests.assert_filtered($$ select * from public.crm_taggings $$, 'outsider: no crm_taggings of a');
select tests.assert_filtered($$ select * from public.crm_templates $$, 'outsider: no crm_templates of a');
select tests.assert_filtered($$ select * from public.crm_campaigns $$, 'outsider: no crm_campaigns of a');
select tests.assert_filtered($$ select * from public.crm_draft_sets $$, 'outsider: no crm_draft_sets of a');
select tests.assert_filtered($$ select * from public.search_contacts(tests.workspace_id('crls'), 'Ada') $$, 'outsider: search_contacts finds nothing in a');
select tests.clear_authentication();

select * from finish();
rollback;
