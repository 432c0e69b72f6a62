-- Task search: search_tasks finds by words (prefix full-text) and by similar titles (trigram, typos),
-- only in the caller's workspaces, and the predicates it uses are served by the GIN indexes.
begin;
select plan(9);

select tests.create_workspace_fixture('wsea');
insert into public.tasks (workspace_id, title, summary) values
  (tests.workspace_id('wsea'), 'Prepare quarterly investor update', 'Numbers and narrative'),
  (tests.workspace_id('wsea'), 'Renew office insurance', 'Call the broker'),
  (tests.workspace_id('wsea'), 'Investor dinner seating plan', ''),
  (tests.workspace_id('wsea', 'b'), 'Investor list of workspace b', '');

select tests.authenticate_as('wsea_member');
select is((select array_agg(title order by title) from public.search_tasks(tests.workspace_id('wsea'), 'investor')),
  array['Investor dinner seating plan', 'Prepare quarterly investor update'], 'a word finds both investor tasks of the workspace');
select is((select array_agg(title) from public.search_tasks(tests.workspace_id('wsea'), 'brok')),
  array['Renew office insurance'], 'a word prefix in the summary matches');
select is((select array_agg(title) from public.search_tasks(tests.workspace_id('wsea'), 'office insurence')),
  array['Renew office insurance'], 'a misspelt title is found by trigram similarity');
select is((select count(*)::int from public.search_tasks(tests.workspace_id('wsea', 'b'), 'investor')), 0,
  'another workspace''s tasks are invisible through search (RLS)');
select throws_ok($$ select * from public.search_tasks(tests.workspace_id('wsea'), '  ') $$, '22023', 'p_query must be 1 to 200 characters', 'blank query');
select throws_ok($$ select * from public.search_tasks(tests.workspace_id('wsea'), 'x', 0) $$, '22023', 'p_limit must be between 1 and 200 (got 0)', 'bad limit');
select throws_ok($$ select * from public.search_tasks(null, 'x') $$, '22004', 'p_workspace_id must not be null', 'null workspace');
select tests.clear_authentication();

-- Index-backed: with sequential scans off, the planner serves both predicates from the GIN indexes.
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
select matches(pg_temp.plan_of($$ select id from public.tasks where title operator(extensions.%) 'insurence' $$),
  'tasks_title_trgm_idx', 'trigram similarity on titles uses tasks_title_trgm_idx');
select matches(pg_temp.plan_of($$ select id from public.tasks where search @@ to_tsquery('simple', 'investor:*') $$),
  'tasks_search_idx', 'full-text match uses tasks_search_idx');

select * from finish();
rollback;
