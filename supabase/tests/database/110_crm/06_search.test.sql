-- Contact search: trigram similarity on names (typos), substring on names and e-mail, per workspace,
-- served by the trigram index.
begin;
select plan(5);

select tests.create_workspace_fixture('csea');
insert into public.contacts (workspace_id, full_name, email) values
  (tests.workspace_id('csea'), 'Katherine Johnson', 'kj@nasa.example'),
  (tests.workspace_id('csea'), 'Dorothy Vaughan', 'dorothy@nasa.example'),
  (tests.workspace_id('csea', 'b'), 'Katherine Other', null);

select tests.authenticate_as('csea_viewer');
select is((select array_agg(full_name) from public.search_contacts(tests.workspace_id('csea'), 'Katherin Jonson')),
  array['Katherine Johnson'], 'a misspelt name is found');
select is((select array_agg(full_name order by full_name) from public.search_contacts(tests.workspace_id('csea'), 'nasa.example')),
  array['Dorothy Vaughan', 'Katherine Johnson'], 'e-mail substring');
select is((select count(*)::int from public.search_contacts(tests.workspace_id('csea', 'b'), 'Katherine')), 0, 'other workspace invisible');
select tests.clear_authentication();

create function pg_temp.plan_of(p_sql text)
returns text
language plpgsql
as $$
declare
  v_line text;
  v_plan text := '';
begin
  for v_line in execute 'explain (costs off) ' || p_sql loop
    v_plan := v_plan || v_line || E'\n';
  end loop;
  return v_plan;
end
$$;
set local enable_seqscan = off;
select matches(pg_temp.plan_of($$ select id from public.contacts where full_name operator(extensions.%) 'Katherin' $$),
  'contacts_full_name_trgm_idx', 'name similarity uses contacts_full_name_trgm_idx');
select matches(pg_temp.plan_of($$ select id from public.contacts where full_name ilike '%ughan%' $$),
  'contacts_full_name_trgm_idx', 'name substring uses the trigram index too');

select * from finish();
rollback;
