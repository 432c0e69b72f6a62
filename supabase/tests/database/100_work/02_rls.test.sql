-- RLS of the work tables: every table x role (anon, outsider = admin of another workspace, viewer, member,
-- admin, owner, service_role) x operation, against one row of the fixture's workspace.
begin;
select plan(206);

select tests.create_workspace_fixture('wrls');
select tests.create_agent_fixture(tests.workspace_id('wrls'), 'wrls-agent');
insert into public.streams (id, workspace_id, name) values ('a1000000-0000-4000-8000-000000000001', tests.workspace_id('wrls'), 'Sales');
insert into public.tasks (id, workspace_id, stream_id, title) values
  ('a1000000-0000-4000-8000-000000000011', tests.workspace_id('wrls'), 'a1000000-0000-4000-8000-000000000001', 'Call Ada'),
  ('a1000000-0000-4000-8000-000000000012', tests.workspace_id('wrls'), null, 'Send deck');
insert into public.task_relations (id, workspace_id, from_task_id, to_task_id, relation_type) values
  ('a1000000-0000-4000-8000-000000000021', tests.workspace_id('wrls'), 'a1000000-0000-4000-8000-000000000011',
   'a1000000-0000-4000-8000-000000000012', 'relates_to');
insert into public.task_labels (id, workspace_id, name) values ('a1000000-0000-4000-8000-000000000031', tests.workspace_id('wrls'), 'Sales');
insert into public.task_label_assignments (workspace_id, task_id, label_id) values
  (tests.workspace_id('wrls'), 'a1000000-0000-4000-8000-000000000011', 'a1000000-0000-4000-8000-000000000031');
insert into public.task_attachments (id, workspace_id, task_id, name, url) values
  ('a1000000-0000-4000-8000-000000000041', tests.workspace_id('wrls'), 'a1000000-0000-4000-8000-000000000011', 'Deck', 'https://example.com/deck.pdf');
insert into public.task_series (id, workspace_id, schedule, title) values
  ('a1000000-0000-4000-8000-000000000051', tests.workspace_id('wrls'), '0 9 * * mon', 'Weekly review');
-- A row in the outsider's own workspace, for the "sees only its own" checks.
insert into public.tasks (id, workspace_id, title) values ('a1000000-0000-4000-8000-000000000019', tests.workspace_id('wrls', 'b'), 'B task');

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

select * from pg_temp.rls_matrix('wrls', 'streams',
  $$ select * from public.streams where id = 'a1000000-0000-4000-8000-000000000001' $$,
  $$ insert into public.streams (workspace_id, name) values (tests.workspace_id('wrls'), 'Support') $$,
  $$ update public.streams set name = 'Sales EU' where id = 'a1000000-0000-4000-8000-000000000001' $$,
  $$ delete from public.streams where id = 'a1000000-0000-4000-8000-000000000001' $$,
  'viewer', 'member', 'admin');

select * from pg_temp.rls_matrix('wrls', 'tasks',
  $$ select * from public.tasks where id = 'a1000000-0000-4000-8000-000000000011' $$,
  $$ insert into public.tasks (workspace_id, title) values (tests.workspace_id('wrls'), 'New task') $$,
  $$ update public.tasks set title = 'Call Ada again' where id = 'a1000000-0000-4000-8000-000000000011' $$,
  $$ delete from public.tasks where id = 'a1000000-0000-4000-8000-000000000011' $$,
  'viewer', 'member', 'member');

-- Relations are never updated (the trigger refuses once the policy lets the update through).
select * from pg_temp.rls_matrix('wrls', 'task_relations',
  $$ select * from public.task_relations where id = 'a1000000-0000-4000-8000-000000000021' $$,
  $$ insert into public.task_relations (workspace_id, from_task_id, to_task_id, relation_type)
     values (tests.workspace_id('wrls'), 'a1000000-0000-4000-8000-000000000011', 'a1000000-0000-4000-8000-000000000012', 'blocks') $$,
  $$ update public.task_relations set relation_type = 'duplicate_of' where id = 'a1000000-0000-4000-8000-000000000021' $$,
  $$ delete from public.task_relations where id = 'a1000000-0000-4000-8000-000000000021' $$,
  'viewer', 'member', 'member',
  '{"member:update": "error:55000", "admin:update": "error:55000", "owner:update": "error:55000", "service_role:update": "error:55000"}');

select * from pg_temp.rls_matrix('wrls', 'task_labels',
  $$ select * from public.task_labels where id = 'a1000000-0000-4000-8000-000000000031' $$,
  $$ insert into public.task_labels (workspace_id, name) values (tests.workspace_id('wrls'), 'Urgent') $$,
  $$ update public.task_labels set color = '#ff0000' where id = 'a1000000-0000-4000-8000-000000000031' $$,
  $$ delete from public.task_labels where id = 'a1000000-0000-4000-8000-000000000031' $$,
  'viewer', 'member', 'admin');

select * from pg_temp.rls_matrix('wrls', 'task_label_assignments',
  $$ select * from public.task_label_assignments where task_id = 'a1000000-0000-4000-8000-000000000011' $$,
  $$ insert into public.task_label_assignments (workspace_id, task_id, label_id)
     values (tests.workspace_id('wrls'), 'a1000000-0000-4000-8000-000000000012', 'a1000000-0000-4000-8000-000000000031') $$,
  $$ update public.task_label_assignments set created_at = now() where task_id = 'a1000000-0000-4000-8000-000000000011' $$,
  $$ delete from public.task_label_assignments where task_id = 'a1000000-0000-4000-8000-000000000011' $$,
  'viewer', 'member', 'member');

select * from pg_temp.rls_matrix('wrls', 'task_attachments',
  $$ select * from public.task_attachments where id = 'a1000000-0000-4000-8000-000000000041' $$,
  $$ insert into public.task_attachments (workspace_id, task_id, name, storage_path)
     values (tests.workspace_id('wrls'), 'a1000000-0000-4000-8000-000000000011', 'Notes', 'assets/notes.md') $$,
  $$ update public.task_attachments set name = 'Deck v2' where id = 'a1000000-0000-4000-8000-000000000041' $$,
  $$ delete from public.task_attachments where id = 'a1000000-0000-4000-8000-000000000041' $$,
  'viewer', 'member', 'member');

select * from pg_temp.rls_matrix('wrls', 'task_series',
  $$ select * from public.task_series where id = 'a1000000-0000-4000-8000-000000000051' $$,
  $$ insert into public.task_series (workspace_id, schedule, title) values (tests.workspace_id('wrls'), '@daily', 'Daily digest') $$,
  $$ update public.task_series set title = 'Weekly review (team)' where id = 'a1000000-0000-4000-8000-000000000051' $$,
  $$ delete from public.task_series where id = 'a1000000-0000-4000-8000-000000000051' $$,
  'viewer', 'member', 'admin');

-- The outsider sees its own workspace's task and nothing of workspace a.
select tests.authenticate_as('wrls_outsider');
select is((select count(*)::int from public.tasks), 1, 'outsider sees exactly its own workspace''s task');
select tests.assert_filtered($$ select * from public.streams where workspace_id = tests.workspace_id('wrls') $$, 'outsider: no streams of a');
select tests.assert_filtered($$ select * from public.tasks where workspace_id = tests.workspace_id('wrls') $$, 'outsider: no tasks of a');
select tests.assert_filtered($$ select * from public.task_relations $$, 'outsider: no task_relations of a');
select tests.assert_filtered($$ select * from public.task_labels $$, 'outsider: no task_labels of a');
select tests.assert_filtered($$ select * from public.task_label_assignments $$, 'outsider: no task_label_assignments of a');
select tests.assert_filtered($$ select * from public.task_attachments $$, 'outsider: no task_attachments of a');
select tests.assert_filtered($$ select * from public.task_series $$, 'outsider: no task_series of a');
-- Moving a's task into b (or b's into a) is refused: workspace_id never changes.
select tests.assert_denied($$ insert into public.tasks (workspace_id, title) values (tests.workspace_id('wrls'), 'smuggled') $$,
  'outsider cannot insert a task into workspace a');
select throws_ok($$ update public.tasks set workspace_id = tests.workspace_id('wrls') where id = 'a1000000-0000-4000-8000-000000000019' $$,
  '22023', 'tasks: workspace_id cannot be changed', 'a task cannot move to another workspace');
select tests.clear_authentication();

select * from finish();
rollback;
