-- The job status state machine: every one of the 30 moves between the six statuses is tried, the legal
-- ones pass and the illegal ones raise 55000 naming from and to; attempt, start and finish times follow.
begin;
select plan(40);

select tests.create_workspace_fixture('ejs');

-- A job brought to p_status through legal moves (as the trusted owner).
create or replace function tests.ejs_job_in(p_status public.job_status)
returns uuid
language plpgsql
as $$
declare
  v_id uuid;
  v_path text[] := case p_status
    when 'queued' then '{}'::text[]
    when 'running' then array['running']
    when 'succeeded' then array['running', 'succeeded']
    when 'failed' then array['running', 'failed']
    when 'cancelled' then array['cancelled']
    when 'timed_out' then array['running', 'timed_out']
  end;
  v_step text;
begin
  insert into public.jobs (workspace_id, command, max_attempts) values (tests.workspace_id('ejs'), 'true', 5) returning id into v_id;
  foreach v_step in array v_path loop
    update public.jobs set status = v_step::public.job_status where id = v_id;
  end loop;
  return v_id;
end
$$;

-- Every ordered pair of distinct statuses, judged against the documented machine.
create or replace function tests.ejs_all_moves()
returns setof text
language plpgsql
as $$
declare
  v_legal text[] := array['queued>running', 'queued>cancelled', 'queued>failed', 'running>succeeded', 'running>failed',
                          'running>cancelled', 'running>timed_out', 'failed>queued', 'timed_out>queued'];
  v_from public.job_status;
  v_to public.job_status;
  v_sql text;
begin
  foreach v_from in array enum_range(null::public.job_status) loop
    foreach v_to in array enum_range(null::public.job_status) loop
      continue when v_from = v_to;
      v_sql := format('update public.jobs set status = %L where id = %L', v_to, tests.ejs_job_in(v_from));
      if (v_from || '>' || v_to) = any (v_legal) then
        return next lives_ok(v_sql, format('jobs: %s -> %s is allowed', v_from, v_to));
      else
        return next throws_ok(v_sql, '55000', format('jobs.status: illegal transition from %s to %s', v_from, v_to),
                              format('jobs: %s -> %s is refused', v_from, v_to));
      end if;
    end loop;
  end loop;
end
$$;

select * from tests.ejs_all_moves();

-- ------------------------------------------------------------------------------- side effects
select set_config('ejs.job', tests.ejs_job_in('queued')::text, true);
select throws_ok($$ insert into public.jobs (workspace_id, command, status) values (tests.workspace_id('ejs'), 'true', 'running') $$,
  '55000', 'jobs.status: a new job starts queued, not running', 'a job cannot be inserted past queued');
update public.jobs set status = 'running' where id = current_setting('ejs.job')::uuid;
select is((select row(attempt, started_at is not null, finished_at)::text from public.jobs where id = current_setting('ejs.job')::uuid),
  row(1, true, null::timestamptz)::text, 'running: attempt 1, started_at stamped');
select throws_ok(format($$ update public.jobs set exit_code = 3 where id = %L $$, current_setting('ejs.job')),
  '23514', null, 'no exit code while running');
update public.jobs set status = 'failed', exit_code = 2, error = 'disk full' where id = current_setting('ejs.job')::uuid;
select is((select row(status, exit_code, finished_at is not null)::text from public.jobs where id = current_setting('ejs.job')::uuid),
  row('failed'::public.job_status, 2, true)::text, 'failed: exit code kept, finished_at stamped');
update public.jobs set status = 'queued' where id = current_setting('ejs.job')::uuid;
select is((select row(status, attempt, exit_code, error, finished_at)::text from public.jobs where id = current_setting('ejs.job')::uuid),
  row('queued'::public.job_status, 1, null::int, null::text, null::timestamptz)::text,
  'retry: back to queued, previous outcome cleared, attempt kept');
update public.jobs set status = 'running' where id = current_setting('ejs.job')::uuid;
update public.jobs set status = 'succeeded', exit_code = 0 where id = current_setting('ejs.job')::uuid;
select is((select attempt from public.jobs where id = current_setting('ejs.job')::uuid), 2, 'the second run is attempt 2');
select ok((select finished_at >= started_at from public.jobs where id = current_setting('ejs.job')::uuid), 'finished after it started');

-- Attempts run out: a job with max_attempts 1 that failed cannot be retried.
insert into public.jobs (id, workspace_id, command, max_attempts)
values ('e5000000-0000-4000-8000-0000000000c1', tests.workspace_id('ejs'), 'true', 1);
update public.jobs set status = 'running' where id = 'e5000000-0000-4000-8000-0000000000c1';
update public.jobs set status = 'failed', error = 'boom' where id = 'e5000000-0000-4000-8000-0000000000c1';
select throws_ok($$ update public.jobs set status = 'queued' where id = 'e5000000-0000-4000-8000-0000000000c1' $$,
  '55000', 'jobs.status: cannot retry job e5000000-0000-4000-8000-0000000000c1 from failed: all 1 attempts used',
  'no retry once every attempt is used');
select is((select status from public.jobs where id = 'e5000000-0000-4000-8000-0000000000c1'), 'failed'::public.job_status,
  'the refused retry left the job failed');

-- A member-level caller gets the same machine (not just the owner).
select tests.authenticate_as('ejs_admin');
select throws_ok($$ update public.jobs set status = 'running' where id = 'e5000000-0000-4000-8000-0000000000c1' $$,
  '55000', 'jobs.status: illegal transition from failed to running', 'an admin is held to the state machine too');
select tests.clear_authentication();

select * from finish();
rollback;
