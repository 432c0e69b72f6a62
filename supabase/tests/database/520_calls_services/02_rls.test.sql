-- RLS on video_calls, video_call_participants and user_services for every caller x operation: viewers
-- read; members start calls and add participants; admins manage services and delete calls; the other
-- workspace's admin sees and touches nothing; anon has no access; service_role has all.
begin;
select plan(92);

select tests.create_workspace_fixture('ecr');
insert into public.video_calls (id, workspace_id, title) values ('e5200000-0000-4000-8000-000000000001', tests.workspace_id('ecr'), 'rls-call');

-- A fresh agent of the workspace for each participant row (created as the definer, whatever the caller).
create or replace function tests.ecr_agent(p_tag text)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id uuid;
begin
  insert into public.agents (workspace_id, slug, name)
  values (tests.workspace_id('ecr'), 'p-' || replace(p_tag, '_', '-'), 'P ' || p_tag) returning id into v_id;
  return v_id;
end
$$;

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

select * from tests.ent_rls_matrix('public.video_calls', 1, 2, 3,
  $$insert into public.video_calls (workspace_id, title) values (%1$L, %2$L)$$,
  $$title = 'changed'$$, tests.workspace_id('ecr'), 'ecr');
-- Each participant row names a fresh agent of the workspace (one row per party and call).
select * from tests.ent_rls_matrix('public.video_call_participants', 1, 2, 3,
  $$insert into public.video_call_participants (workspace_id, call_id, agent_id)
    values (%1$L, 'e5200000-0000-4000-8000-000000000001', tests.ecr_agent(%2$L))$$,
  $$role = 'observer'$$, tests.workspace_id('ecr'), 'ecr');
select * from tests.ent_rls_matrix('public.user_services', 1, 3, 3,
  $$insert into public.user_services (workspace_id, name, image) values (%1$L, replace(%2$L, '_', '-'), 'ghcr.io/acme/bot:1')$$,
  $$description = 'changed'$$, tests.workspace_id('ecr'), 'ecr');

select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.video_calls $$, 'anon: video_calls denied');
select tests.assert_denied($$ select * from public.video_call_participants $$, 'anon: video_call_participants denied');
select tests.assert_denied($$ select * from public.user_services $$, 'anon: user_services denied');
select tests.authenticate_as('ecr_outsider');
select tests.assert_filtered($$ select * from public.video_calls where workspace_id = tests.workspace_id('ecr') $$,
  'outsider: no video_calls of the other workspace');
select tests.assert_filtered($$ select * from public.video_call_participants where workspace_id = tests.workspace_id('ecr') $$,
  'outsider: no video_call_participants of the other workspace');
select tests.assert_filtered($$ select * from public.user_services where workspace_id = tests.workspace_id('ecr') $$,
  'outsider: no user_services of the other workspace');
select tests.authenticate_as('ecr_member');
select tests.assert_denied($$ insert into public.user_services (workspace_id, name, image) values (tests.workspace_id('ecr'), 'm', 'x') $$,
  'member: user_services insert denied');
select tests.authenticate_as('ecr_viewer');
select tests.assert_denied($$ insert into public.video_calls (workspace_id) values (tests.workspace_id('ecr')) $$,
  'viewer: video_calls insert denied');
select tests.clear_authentication();

select * from finish();
rollback;
