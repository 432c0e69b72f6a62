-- Computer-use tasks: the status machine (all 20 moves), start/finish times, steps and screenshots as
-- storage references (anything else refused), and agent/desktop/project kept inside the workspace.
begin;
select plan(33);

select tests.create_workspace_fixture('edt');
select set_config('edt.agent', tests.create_agent_fixture(tests.workspace_id('edt'), 'edt-agent')::text, true);
select set_config('edt.other_agent', tests.create_agent_fixture(tests.workspace_id('edt', 'b'), 'edt-other')::text, true);
insert into public.desktop_virtual_machines (id, workspace_id, name) values
  ('e5100000-0000-4000-8000-0000000000e1', tests.workspace_id('edt'), 'vm-a'),
  ('e5100000-0000-4000-8000-0000000000e2', tests.workspace_id('edt', 'b'), 'vm-b');
insert into public.projects (id, workspace_id, slug, name)
values ('e5100000-0000-4000-8000-0000000000e3', tests.workspace_id('edt', 'b'), 'b-proj', 'B');

create or replace function tests.edt_task_in(p_status public.computer_use_task_status)
returns uuid
language plpgsql
as $$
declare
  v_id uuid;
  v_step text;
begin
  insert into public.computer_use_tasks (workspace_id, instruction) values (tests.workspace_id('edt'), 'do it') returning id into v_id;
  foreach v_step in array case p_status
    when 'pending' then '{}'::text[] when 'running' then array['running'] when 'succeeded' then array['running', 'succeeded']
    when 'failed' then array['running', 'failed'] when 'cancelled' then array['cancelled'] end
  loop
    update public.computer_use_tasks set status = v_step::public.computer_use_task_status,
      error = case when v_step = 'failed' then 'stuck' end where id = v_id;
  end loop;
  return v_id;
end
$$;

create or replace function tests.edt_all_moves()
returns setof text
language plpgsql
as $$
declare
  v_legal text[] := array['pending>running', 'pending>cancelled', 'running>succeeded', 'running>failed', 'running>cancelled'];
  v_from public.computer_use_task_status;
  v_to public.computer_use_task_status;
  v_sql text;
begin
  foreach v_from in array enum_range(null::public.computer_use_task_status) loop
    foreach v_to in array enum_range(null::public.computer_use_task_status) loop
      continue when v_from = v_to;
      v_sql := format($q$update public.computer_use_tasks set status = %L, error = coalesce(error, 'e') where id = %L$q$,
                      v_to, tests.edt_task_in(v_from));
      if (v_from || '>' || v_to) = any (v_legal) then
        return next lives_ok(v_sql, format('task: %s -> %s is allowed', v_from, v_to));
      else
        return next throws_ok(v_sql, '55000', format('computer_use_tasks.status: illegal transition from %s to %s', v_from, v_to),
                              format('task: %s -> %s is refused', v_from, v_to));
      end if;
    end loop;
  end loop;
end
$$;

select * from tests.edt_all_moves();

-- ------------------------------------------------------------------------------- a run, as a member
select tests.authenticate_as('edt_member');
insert into public.computer_use_tasks (id, workspace_id, instruction, agent_id, vm_id)
values ('e5100000-0000-4000-8000-0000000000f1', tests.workspace_id('edt'), 'Open the invoice portal and download March',
        current_setting('edt.agent')::uuid, 'e5100000-0000-4000-8000-0000000000e1');
update public.computer_use_tasks set status = 'running' where id = 'e5100000-0000-4000-8000-0000000000f1';
select ok((select started_at is not null and finished_at is null from public.computer_use_tasks where id = 'e5100000-0000-4000-8000-0000000000f1'),
  'running stamps started_at');
update public.computer_use_tasks
set steps = '[{"index": 1, "action": "click", "screenshot": "screenshots/run-1/step-1.png"}, {"index": 2, "action": "type"}]',
    screenshots = array['screenshots/run-1/step-1.png']
where id = 'e5100000-0000-4000-8000-0000000000f1';
update public.computer_use_tasks set status = 'succeeded', result = '{"file": "downloads/march.pdf"}'
where id = 'e5100000-0000-4000-8000-0000000000f1';
select ok((select finished_at >= started_at and jsonb_array_length(steps) = 2 from public.computer_use_tasks
           where id = 'e5100000-0000-4000-8000-0000000000f1'), 'succeeded stamps finished_at; steps kept');

-- Storage references only.
select throws_ok($$ update public.computer_use_tasks set screenshots = array['/etc/passwd'] where id = 'e5100000-0000-4000-8000-0000000000f1' $$,
  '23514', null, 'a screenshot must be "<bucket>/<path>"');
select throws_ok($$ update public.computer_use_tasks set screenshots = array['shots/../secret.png'] where id = 'e5100000-0000-4000-8000-0000000000f1' $$,
  '23514', null, 'no ".." in a storage path');
select throws_ok($$ update public.computer_use_tasks set steps = '[{"screenshot": "data:image/png;base64,AAAA"}]' where id = 'e5100000-0000-4000-8000-0000000000f1' $$,
  '23514', null, 'a step''s screenshot must be a storage reference, not inline data');
select throws_ok($$ update public.computer_use_tasks set steps = '[1, 2]' where id = 'e5100000-0000-4000-8000-0000000000f1' $$,
  '23514', null, 'steps are objects');
select throws_ok($$ update public.computer_use_tasks set steps = '{"a": 1}' where id = 'e5100000-0000-4000-8000-0000000000f1' $$,
  '23514', null, 'steps is an array');
select throws_ok($$ insert into public.computer_use_tasks (workspace_id, instruction) values (tests.workspace_id('edt'), '  ') $$,
  '23514', null, 'an instruction is required');
select throws_ok($$ insert into public.computer_use_tasks (workspace_id, instruction, status) values (tests.workspace_id('edt'), 'x', 'running') $$,
  '55000', 'computer_use_tasks.status: a new task starts pending, not running', 'a task starts pending');

-- Other workspace.
select throws_ok(format($$ insert into public.computer_use_tasks (workspace_id, instruction, agent_id) values (tests.workspace_id('edt'), 'x', %L) $$,
  current_setting('edt.other_agent')), '23503',
  'insert or update on table "computer_use_tasks" violates foreign key constraint "computer_use_tasks_agent_id_fkey"',
  'a task cannot be given to an agent of another workspace');
select throws_ok($$ insert into public.computer_use_tasks (workspace_id, instruction, vm_id) values (tests.workspace_id('edt'), 'x', 'e5100000-0000-4000-8000-0000000000e2') $$,
  '23503', 'insert or update on table "computer_use_tasks" violates foreign key constraint "computer_use_tasks_vm_id_fkey"',
  'a task cannot run on a desktop of another workspace');
select throws_ok($$ insert into public.computer_use_tasks (workspace_id, instruction, project_id) values (tests.workspace_id('edt'), 'x', 'e5100000-0000-4000-8000-0000000000e3') $$,
  '23503', format('computer_use_tasks.project_id: project e5100000-0000-4000-8000-0000000000e3 is not in workspace %s', tests.workspace_id('edt')),
  'a task cannot belong to a project of another workspace');
select is((select count(*)::int from public.computer_use_tasks where instruction = 'x'), 0, 'none of the refused tasks was written');
select tests.clear_authentication();

select * from finish();
rollback;
