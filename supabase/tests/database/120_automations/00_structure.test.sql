-- Structure of comments and automations: tables, enums, realtime for comments, the trigger functions
-- that feed the inbox run as the owner, and the internal enqueue stays closed to API roles.
begin;
select plan(12);

select has_table('public', t, 'table ' || t || ' exists') from unnest(array['comments', 'comment_revisions', 'automation_rules']) t;
select enum_has_labels('public', 'automation_condition', array['created', 'changed_to', 'changed_from', 'any_change'], 'rule conditions');
select enum_has_labels('public', 'comment_entity_type', array['task', 'contact'], 'commentable entities');
select ok(exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'comments'),
  'comments are published to realtime');
select is((select array_agg(p.proname::text order by p.proname) from pg_proc p
           where p.pronamespace = 'private'::regnamespace and p.prosecdef
             and p.proname in ('tasks_enqueue_assignment', 'comments_enqueue_mentions', 'contacts_run_automations')),
  array['comments_enqueue_mentions', 'contacts_run_automations', 'tasks_enqueue_assignment'], 'inbox feeders are security definer');
select is((select array_agg(distinct pg_get_userbyid(p.proowner)) from pg_proc p
           where p.pronamespace = 'private'::regnamespace
             and p.proname in ('tasks_enqueue_assignment', 'comments_enqueue_mentions', 'contacts_run_automations')),
  array['postgres']::name[], 'owned by postgres');
select ok(not has_function_privilege('authenticated',
  'private.enqueue_inbox_item_unchecked(uuid, text, text, jsonb, text, uuid, int, timestamptz, int, text, boolean)', 'execute'),
  'the unchecked enqueue stays owner-only');
select ok(not has_table_privilege('authenticated', 'public.comment_revisions', 'insert'), 'no direct writes to comment history');
select has_trigger('public', 'comment_revisions', 'comment_revisions_append_only', 'comment history is append-only');
select has_trigger('public', 'contacts', 'contacts_run_automations', 'contacts run automation rules');

select * from finish();
rollback;
