-- hybrid_search_documents / hybrid_search_knowledge: reciprocal rank fusion of full-text rank and vector
-- rank, score = full_text_weight / (rrf_k + full_text_rank) + semantic_weight / (rrf_k + semantic_rank),
-- rrf_k = 60 by default. RLS still decides which rows exist.
begin;
select plan(19);

select tests.create_workspace_fixture('kn_hyb');

create function tests.kn_hyb_vec(p_axis integer, p_weight real) returns extensions.vector
language sql immutable set search_path = '' as $$
  select array(select case when d = 1 then 1 when d = p_axis then p_weight else 0 end::real
               from generate_series(1, 1536) d order by d)::extensions.vector
$$;
grant execute on function tests.kn_hyb_vec(integer, real) to authenticated, service_role;

-- Query: text "solar battery warranty", vector e1.
--   both:     text matches all three words, vector second nearest
--   textonly: text matches (title), vector far
--   vector:   no text match, vector nearest
--   weak:     matches "solar" only (not all words: no full-text hit), vector third
--   other ws: matches everything, identical vector (must never show)
insert into public.documents (workspace_id, title, body, embedding) values
  (tests.workspace_id('kn_hyb'), 'both', 'Solar battery warranty terms for the home battery.', tests.kn_hyb_vec(2, 0.2)),
  (tests.workspace_id('kn_hyb'), 'Solar battery warranty', 'Claims and returns.', tests.kn_hyb_vec(3, 3.0)),
  (tests.workspace_id('kn_hyb'), 'vector', 'Nothing in common with the words.', tests.kn_hyb_vec(4, 0.1)),
  (tests.workspace_id('kn_hyb'), 'weak', 'Solar panels.', tests.kn_hyb_vec(5, 0.5)),
  (tests.workspace_id('kn_hyb', 'b'), 'other', 'Solar battery warranty, solar battery warranty.', tests.kn_hyb_vec(6, 0.0));

select tests.authenticate_as('kn_hyb_member');
select results_eq(
  $$ select title, full_text_rank, semantic_rank from public.hybrid_search_documents('solar battery warranty', tests.kn_hyb_vec(2, 0), 4) $$,
  $$ values ('both'::text, 2, 2), ('Solar battery warranty', 1, 4), ('vector', null::integer, 1), ('weak', null, 3) $$,
  'documents: fused order with each list''s rank (all words must match the text; the title weighs more)');
select is(
  (select round(score::numeric, 10) from public.hybrid_search_documents('solar battery warranty', tests.kn_hyb_vec(2, 0), 4) where title = 'both'),
  round((1.0 / 62 + 1.0 / 62)::numeric, 10), 'documents: score = 1/(60 + 2) + 1/(60 + 2) with the default k = 60');
select is(
  (select round(score::numeric, 10) from public.hybrid_search_documents('solar battery warranty', tests.kn_hyb_vec(2, 0), 4) where title = 'vector'),
  round((1.0 / 61)::numeric, 10), 'documents: a row only one list found scores that list''s term alone');
select is(
  (select round(score::numeric, 10) from public.hybrid_search_documents('solar battery warranty', tests.kn_hyb_vec(2, 0), 4, rrf_k => 1)
   where title = 'both'),
  round((1.0 / 3 + 1.0 / 3)::numeric, 10), 'documents: rrf_k changes the constant');
select results_eq(
  $$ select title from public.hybrid_search_documents('solar battery warranty', tests.kn_hyb_vec(2, 0), 4, full_text_weight => 0) $$,
  $$ values ('vector'::text), ('both'), ('weak'), ('Solar battery warranty') $$,
  'documents: full_text_weight 0 leaves the vector order');
select results_eq(
  $$ select title from public.hybrid_search_documents('solar battery warranty', tests.kn_hyb_vec(2, 0), 2, semantic_weight => 0) $$,
  $$ values ('Solar battery warranty'::text), ('both') $$,
  'documents: semantic_weight 0 leaves the full-text order');
select is((select round(similarity::numeric, 6) from public.hybrid_search_documents('solar', tests.kn_hyb_vec(2, 0), 4) where title = 'vector'),
  round((1 / sqrt(1.01))::numeric, 6), 'documents: similarity is reported next to the ranks');
select ok(not exists (select 1 from public.hybrid_search_documents('solar battery warranty', tests.kn_hyb_vec(6, 0), 200) where title = 'other'),
  'documents: another workspace''s best match never appears');
select is((select count(*)::int from public.hybrid_search_documents('solar battery warranty', tests.kn_hyb_vec(2, 0), 2)), 2,
  'documents: match_count caps the fused list');

select throws_ok($$ select * from public.hybrid_search_documents(null, tests.kn_hyb_vec(2, 0), 4) $$,
  '22004', 'query_text must not be null', 'documents: null query_text is refused');
select throws_ok($$ select * from public.hybrid_search_documents('x', tests.kn_hyb_vec(2, 0), 4, rrf_k => 0) $$,
  '22023', 'rrf_k must be between 1 and 10000, got 0', 'documents: rrf_k 0 is refused');
select throws_ok($$ select * from public.hybrid_search_documents('x', tests.kn_hyb_vec(2, 0), 4, full_text_weight => 0, semantic_weight => 0) $$,
  '22023', 'full_text_weight and semantic_weight must not both be 0', 'documents: both weights 0 is refused');
select throws_ok($$ select * from public.hybrid_search_documents('x', tests.kn_hyb_vec(2, 0), 4, full_text_weight => -1) $$,
  '22023', 'full_text_weight must be between 0 and 100, got -1', 'documents: a negative weight is refused');
select throws_ok($$ select * from public.hybrid_search_documents(repeat('x', 10001), tests.kn_hyb_vec(2, 0), 4) $$,
  '22023', 'query_text must be at most 10000 characters', 'documents: an oversized query_text is refused');
select results_eq(
  $$ select title, full_text_rank from public.hybrid_search_documents('the', tests.kn_hyb_vec(2, 0), 2) $$,
  $$ values ('vector'::text, null::integer), ('both', null) $$,
  'documents: a query of stop words only falls back to the vector ranking');
select throws_ok($$ select * from public.hybrid_search_documents('x', tests.kn_hyb_vec(2, 0), 0) $$,
  '22023', 'match_count must be between 1 and 200, got 0', 'documents: match_count 0 is refused');

-- Knowledge: same fusion.
select tests.clear_authentication();
insert into public.knowledge_entries (workspace_id, content, embedding) values
  (tests.workspace_id('kn_hyb'), 'The customer prefers email over phone.', tests.kn_hyb_vec(2, 1.0)),
  (tests.workspace_id('kn_hyb'), 'Quarterly numbers are due in March.', tests.kn_hyb_vec(3, 0.1)),
  (tests.workspace_id('kn_hyb', 'b'), 'The customer prefers email, always email.', tests.kn_hyb_vec(4, 0.0));
select tests.authenticate_as('kn_hyb_viewer');
select results_eq(
  $$ select content, full_text_rank, semantic_rank from public.hybrid_search_knowledge('customer email', tests.kn_hyb_vec(3, 0), 5) $$,
  $$ values ('The customer prefers email over phone.'::text, 1, 2), ('Quarterly numbers are due in March.', null::integer, 1) $$,
  'knowledge: fused order for a viewer, other workspace excluded');
select throws_ok($$ select * from public.hybrid_search_knowledge('x', tests.kn_hyb_vec(3, 0), 5, p_min_importance => 2) $$,
  '22023', 'p_min_importance must be between 0 and 1, got 2', 'knowledge: importance filter out of range is refused');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.hybrid_search_knowledge('x', tests.kn_hyb_vec(3, 0), 5) $$,
  'knowledge: anon may not call hybrid search');

select tests.clear_authentication();
select * from finish();
rollback;
