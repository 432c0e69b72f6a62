-- RLS on job_schedules and jobs for every caller x operation: viewers read, admins write and delete,
-- the other workspace's admin sees and touches nothing, anon has no access, service_role has all.
begin;
select plan(62);

select tests.create_workspace_fixture('ejr');

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

select * from tests.ent_rls_matrix('public.job_schedules', 1, 3, 3,
  $$insert into public.job_schedules (workspace_id, name, cron_expression, target_kind, command)
    values (%1$L, %2$L, '0 * * * *', 'job_definition', 'echo hi')$$,
  $$description = 'changed'$$, tests.workspace_id('ejr'), 'ejr');

select * from tests.ent_rls_matrix('public.jobs', 1, 3, 3,
  $$insert into public.jobs (workspace_id, command) values (%1$L, 'echo ' || %2$L)$$,
  $$logs = 'x'$$, tests.workspace_id('ejr'), 'ejr');

-- The same rules stated literally, as a reader (and the coverage check) expects them.
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.job_schedules $$, 'anon: job_schedules denied');
select tests.assert_denied($$ select * from public.jobs $$, 'anon: jobs denied');
select tests.authenticate_as('ejr_outsider');
select tests.assert_filtered($$ select * from public.job_schedules where workspace_id = tests.workspace_id('ejr') $$,
  'outsider sees no schedules of the other workspace');
select tests.assert_filtered($$ select * from public.jobs where workspace_id = tests.workspace_id('ejr') $$,
  'outsider sees no jobs of the other workspace');
-- A member may not start an agent-command job by inserting it (commands need admin via enqueue_command).
select tests.authenticate_as('ejr_member');
select tests.assert_denied($$ insert into public.jobs (workspace_id, target_kind) values (tests.workspace_id('ejr'), 'agent_command') $$,
  'member: jobs insert denied');
select tests.authenticate_as('ejr_admin');
select throws_ok($$ insert into public.jobs (workspace_id, target_kind) values (tests.workspace_id('ejr'), 'agent_command') $$,
  '42501', 'jobs.target_kind: agent-command jobs are created by their schedule; call enqueue_command to run a command now',
  'even an admin may not insert an agent-command job directly');
select tests.clear_authentication();

select * from finish();
rollback;
