-- Structure of the work domain: tables, enums, keys, indexes that back search and the series job, the
-- cron job, realtime publication, and RLS switched on.
begin;
select plan(25);

select has_table('public', t, 'table ' || t || ' exists')
from unnest(array['streams', 'tasks', 'task_relations', 'task_labels', 'task_label_assignments',
                  'task_attachments', 'task_series']) t;

select enum_has_labels('public', 'task_status', array['todo', 'in_progress', 'blocked', 'done', 'cancelled', 'missed'], 'task_status values');
select enum_has_labels('public', 'priority_level', array['urgent', 'high', 'medium', 'low'], 'priority_level values');
select enum_has_labels('public', 'stream_type', array['functional', 'project', 'custom'], 'stream_type values');
select enum_has_labels('public', 'task_relation_type', array['blocks', 'relates_to', 'duplicate_of'], 'task_relation_type values');
select enum_has_labels('public', 'series_catch_up', array['all', 'latest', 'none'], 'series_catch_up values');

select col_is_unique('public', 'tasks', array['series_id', 'series_due_at'], 'one task per (series, due time)');
select has_index('public', 'tasks', 'tasks_title_trgm_idx', 'trigram index on task titles');
select has_index('public', 'tasks', 'tasks_search_idx', 'full-text index on tasks');
select has_index('public', 'task_series', 'task_series_due_idx', 'due series index for the job');
select is((select extnamespace::regnamespace::text from pg_extension where extname = 'pg_trgm'), 'extensions', 'pg_trgm lives in extensions');

select is((select schedule from cron.job where jobname = 'agentbase-task-series'), '* * * * *', 'series job runs every minute');
select is((select command from cron.job where jobname = 'agentbase-task-series'), 'select private.spawn_due_task_series()', 'series job command');

select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'tasks'),
  'tasks are published to realtime');

select is((select count(*)::int from pg_class c
           where c.relnamespace = 'public'::regnamespace and c.relrowsecurity
             and c.relname = any (array['streams', 'tasks', 'task_relations', 'task_labels', 'task_label_assignments',
                                        'task_attachments', 'task_series'])), 7, 'RLS is on for all seven tables');

select is((select prosecdef from pg_proc where oid = 'public.search_tasks(uuid, text, int)'::regprocedure), false,
  'search_tasks is security invoker (RLS applies)');
select ok(not has_function_privilege('anon', 'public.search_tasks(uuid, text, int)', 'execute'), 'anon cannot call search_tasks');
select ok(not has_function_privilege('authenticated', 'private.spawn_due_task_series(timestamptz, int, interval)', 'execute'),
  'the series job is owner-only');
select ok(not has_function_privilege('authenticated', 'private.check_work_references(uuid, uuid, uuid, uuid, uuid)', 'execute'),
  'membership lookups are not callable by API roles');

select * from finish();
rollback;
