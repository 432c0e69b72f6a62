-- The desktop VM state machine: all 20 moves between the five statuses are tried; the 12 legal ones pass
-- (and stamp the state's time), the 8 illegal ones raise 55000 naming from and to and change nothing.
begin;
select plan(32);

select tests.create_workspace_fixture('edv');

-- A machine brought to p_status through legal moves.
create or replace function tests.edv_vm_in(p_status public.desktop_vm_status)
returns uuid
language plpgsql
as $$
declare
  v_id uuid;
  v_step text;
begin
  insert into public.desktop_virtual_machines (workspace_id, name) values (tests.workspace_id('edv'), 'vm') returning id into v_id;
  foreach v_step in array case p_status
    when 'provisioning' then '{}'::text[]
    when 'running' then array['running']
    when 'stopped' then array['running', 'stopped']
    when 'error' then array['error']
    when 'deleted' then array['deleted']
  end loop
    update public.desktop_virtual_machines
    set status = v_step::public.desktop_vm_status, last_error = case when v_step = 'error' then 'boot failed' end
    where id = v_id;
  end loop;
  return v_id;
end
$$;

create or replace function tests.edv_all_moves()
returns setof text
language plpgsql
as $$
declare
  v_legal text[] := array[
    'provisioning>running', 'provisioning>error', 'provisioning>deleted',
    'running>stopped', 'running>error', 'running>deleted',
    'stopped>running', 'stopped>error', 'stopped>deleted',
    'error>provisioning', 'error>stopped', 'error>deleted'];
  v_from public.desktop_vm_status;
  v_to public.desktop_vm_status;
  v_id uuid;
  v_sql text;
begin
  foreach v_from in array enum_range(null::public.desktop_vm_status) loop
    foreach v_to in array enum_range(null::public.desktop_vm_status) loop
      continue when v_from = v_to;
      v_id := tests.edv_vm_in(v_from);
      v_sql := format($q$update public.desktop_virtual_machines set status = %L, last_error = coalesce(last_error, 'x') where id = %L$q$,
                      v_to, v_id);
      if (v_from || '>' || v_to) = any (v_legal) then
        return next lives_ok(v_sql, format('VM: %s -> %s is allowed', v_from, v_to));
      else
        return next throws_ok(v_sql, '55000', format('desktop_virtual_machines.status: illegal transition from %s to %s', v_from, v_to),
                              format('VM: %s -> %s is refused', v_from, v_to));
      end if;
    end loop;
  end loop;
end
$$;

select * from tests.edv_all_moves();

-- ------------------------------------------------------------------------------- timestamps
select throws_ok($$ insert into public.desktop_virtual_machines (workspace_id, name, status) values (tests.workspace_id('edv'), 'x', 'running') $$,
  '55000', 'desktop_virtual_machines.status: a new machine starts provisioning, not running', 'a machine cannot be created running');
select set_config('edv.vm', tests.edv_vm_in('provisioning')::text, true);
select ok((select provisioning_at is not null and running_at is null and deleted_at is null
           from public.desktop_virtual_machines where id = current_setting('edv.vm')::uuid), 'created: provisioning_at only');
update public.desktop_virtual_machines set status = 'running' where id = current_setting('edv.vm')::uuid;
select ok((select running_at is not null and status_changed_at = running_at from public.desktop_virtual_machines
           where id = current_setting('edv.vm')::uuid), 'running stamps running_at and status_changed_at');
update public.desktop_virtual_machines set status = 'stopped' where id = current_setting('edv.vm')::uuid;
select ok((select stopped_at is not null from public.desktop_virtual_machines where id = current_setting('edv.vm')::uuid), 'stopped stamps stopped_at');
select throws_ok(format($$ update public.desktop_virtual_machines set status = 'error' where id = %L $$, current_setting('edv.vm')),
  '23514', null, 'error needs last_error');
update public.desktop_virtual_machines set status = 'error', last_error = 'host lost' where id = current_setting('edv.vm')::uuid;
select ok((select error_at is not null and last_error = 'host lost' from public.desktop_virtual_machines where id = current_setting('edv.vm')::uuid),
  'error stamps error_at and keeps the reason');
update public.desktop_virtual_machines set status = 'deleted' where id = current_setting('edv.vm')::uuid;
select ok((select deleted_at is not null from public.desktop_virtual_machines where id = current_setting('edv.vm')::uuid), 'deleted stamps deleted_at');
select throws_ok(format($$ update public.desktop_virtual_machines set status = 'provisioning' where id = %L $$, current_setting('edv.vm')),
  '55000', 'desktop_virtual_machines.status: illegal transition from deleted to provisioning', 'deleted is final');
select is((select status from public.desktop_virtual_machines where id = current_setting('edv.vm')::uuid), 'deleted'::public.desktop_vm_status,
  'the refused move changed nothing');
select lives_ok(format($$ update public.desktop_virtual_machines set name = 'renamed' where id = %L $$, current_setting('edv.vm')),
  'other columns of a deleted machine may still change (history notes)');
select throws_ok(format($$ update public.desktop_virtual_machines set workspace_id = tests.workspace_id('edv', 'b') where id = %L $$, current_setting('edv.vm')),
  '22023', 'desktop_virtual_machines.workspace_id cannot be changed', 'a machine cannot move to another workspace');

-- Admins get the same machine.
select tests.authenticate_as('edv_admin');
select throws_ok(format($$ update public.desktop_virtual_machines set status = 'running' where id = %L $$, current_setting('edv.vm')),
  '55000', 'desktop_virtual_machines.status: illegal transition from deleted to running', 'an admin is held to the state machine');
select tests.clear_authentication();

select * from finish();
rollback;
