-- RLS on computer_use_tasks, robot_macros and robot_macro_executions for every caller x operation:
-- viewers read, members create and update, admins delete; the other workspace's admin sees and touches
-- nothing; anon has no access; service_role has all.
begin;
select plan(92);

select tests.create_workspace_fixture('edq');
insert into public.robot_macros (id, workspace_id, name) values ('e5100000-0000-4000-8000-000000000201', tests.workspace_id('edq'), 'rls-macro');

-- tests.ent_rls_matrix: one table x seven callers x four operations (28 assertions), in this file's
-- transaction only. p_insert is a format() string with %1$L = workspace id and %2$L = a unique tag that
-- inserts one row; p_update_set is a harmless SET clause. Levels: read/write/delete = the least role
-- allowed (1 viewer, 2 member, 3 admin). anon has no grants (42501); the outsider (admin of the other
-- workspace) sees nothing and may write nothing; service_role may do everything.
create or replace function tests.ent_rls_matrix(
  p_table text, p_read int, p_write int, p_delete int, p_insert text, p_update_set text, p_ws uuid, p_key text)
returns setof text
language plpgsql
as $fn$
declare
  v_roles text[] := array['anon', 'outsider', 'viewer', 'member', 'admin', 'owner', 'service_role'];
  v_levels int[] := array[-1, 0, 1, 2, 3, 4, 5];
  v_target uuid;
  v_victim uuid;
  v_n int;
  v_role text;
  v_level int;
begin
  perform tests.clear_authentication();
  execute format(p_insert, p_ws, 'target') || ' returning id' into v_target;
  for i in 1 .. 7 loop
    v_role := v_roles[i];
    v_level := v_levels[i];
    perform tests.clear_authentication();
    execute format(p_insert, p_ws, 'victim-' || v_role) || ' returning id' into v_victim;
    if v_role = 'anon' then
      perform tests.authenticate_as_anon();
    elsif v_role = 'service_role' then
      perform tests.authenticate_as_service_role();
    else
      perform tests.authenticate_as(p_key || '_' || v_role);
    end if;

    if v_level < 0 then
      return next throws_ok(format('select * from %s', p_table), '42501', null, format('%s: anon cannot select', p_table));
      return next throws_ok(format(p_insert, p_ws, 'ins-' || v_role), '42501', null, format('%s: anon cannot insert', p_table));
      return next throws_ok(format('update %s set %s where id = %L', p_table, p_update_set, v_target), '42501', null,
                            format('%s: anon cannot update', p_table));
      return next throws_ok(format('delete from %s where id = %L', p_table, v_victim), '42501', null,
                            format('%s: anon cannot delete', p_table));
      continue;
    end if;

    execute format('select count(*)::int from %s where id = %L', p_table, v_target) into v_n;
    return next is(v_n, (v_level >= p_read)::int,
                   format('%s: %s %s select', p_table, v_role, case when v_level >= p_read then 'may' else 'may not' end));
    if v_level >= p_write then
      return next lives_ok(format(p_insert, p_ws, 'ins-' || v_role), format('%s: %s may insert', p_table, v_role));
    else
      return next throws_ok(format(p_insert, p_ws, 'ins-' || v_role), '42501', null,
                            format('%s: %s may not insert', p_table, v_role));
    end if;
    execute format('with x as (update %s set %s where id = %L returning 1) select count(*)::int from x',
                   p_table, p_update_set, v_target) into v_n;
    return next is(v_n, (v_level >= p_write)::int,
                   format('%s: %s %s update', p_table, v_role, case when v_level >= p_write then 'may' else 'may not' end));
    execute format('with x as (delete from %s where id = %L returning 1) select count(*)::int from x',
                   p_table, v_victim) into v_n;
    return next is(v_n, (v_level >= p_delete)::int,
                   format('%s: %s %s delete', p_table, v_role, case when v_level >= p_delete then 'may' else 'may not' end));
  end loop;
  perform tests.clear_authentication();
end
$fn$;

select * from tests.ent_rls_matrix('public.computer_use_tasks', 1, 2, 3,
  $$insert into public.computer_use_tasks (workspace_id, instruction) values (%1$L, 'task ' || %2$L)$$,
  $$result = '{"ok": true}'$$, tests.workspace_id('edq'), 'edq');
select * from tests.ent_rls_matrix('public.robot_macros', 1, 2, 3,
  $$insert into public.robot_macros (workspace_id, name) values (%1$L, %2$L)$$,
  $$description = 'changed'$$, tests.workspace_id('edq'), 'edq');
select * from tests.ent_rls_matrix('public.robot_macro_executions', 1, 2, 3,
  $$insert into public.robot_macro_executions (workspace_id, macro_id, macro_version, output)
    values (%1$L, 'e5100000-0000-4000-8000-000000000201', 1, jsonb_build_object('tag', %2$L))$$,
  $$steps_completed = 1$$, tests.workspace_id('edq'), 'edq');

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.computer_use_tasks $$, 'anon: computer_use_tasks denied');
select tests.assert_denied($$ select * from public.robot_macros $$, 'anon: robot_macros denied');
select tests.assert_denied($$ select * from public.robot_macro_executions $$, 'anon: robot_macro_executions denied');
select tests.authenticate_as('edq_outsider');
select tests.assert_filtered($$ select * from public.computer_use_tasks where workspace_id = tests.workspace_id('edq') $$,
  'outsider: no computer_use_tasks of the other workspace');
select tests.assert_filtered($$ select * from public.robot_macros where workspace_id = tests.workspace_id('edq') $$,
  'outsider: no robot_macros of the other workspace');
select tests.assert_filtered($$ select * from public.robot_macro_executions where workspace_id = tests.workspace_id('edq') $$,
  'outsider: no robot_macro_executions of the other workspace');
select tests.authenticate_as('edq_viewer');
select tests.assert_denied($$ insert into public.computer_use_tasks (workspace_id, instruction) values (tests.workspace_id('edq'), 'v') $$,
  'viewer: computer_use_tasks insert denied');
select tests.assert_denied($$ insert into public.robot_macros (workspace_id, name) values (tests.workspace_id('edq'), 'v') $$,
  'viewer: robot_macros insert denied');
select tests.clear_authentication();

select * from finish();
rollback;
