-- Video calls: the status machine (all 30 moves), start/end times and duration, recordings and
-- transcripts as storage references, participants (a workspace member or an agent of the workspace).
begin;
select plan(47);

select tests.create_workspace_fixture('ecv');
select set_config('ecv.agent', tests.create_agent_fixture(tests.workspace_id('ecv'), 'ecv-agent')::text, true);
select set_config('ecv.other_agent', tests.create_agent_fixture(tests.workspace_id('ecv', 'b'), 'ecv-other')::text, true);
insert into public.video_calls (id, workspace_id) values ('e5200000-0000-4000-8000-0000000000b1', tests.workspace_id('ecv', 'b'));

create or replace function tests.ecv_call_in(p_status public.video_call_status)
returns uuid
language plpgsql
as $$
declare
  v_id uuid;
  v_step text;
begin
  insert into public.video_calls (workspace_id) values (tests.workspace_id('ecv')) returning id into v_id;
  foreach v_step in array case p_status
    when 'scheduled' then '{}'::text[] when 'active' then array['active'] when 'ended' then array['active', 'ended']
    when 'cancelled' then array['cancelled'] when 'missed' then array['missed'] when 'failed' then array['failed'] end
  loop
    update public.video_calls set status = v_step::public.video_call_status where id = v_id;
  end loop;
  return v_id;
end
$$;

create or replace function tests.ecv_all_moves()
returns setof text
language plpgsql
as $$
declare
  v_legal text[] := array['scheduled>active', 'scheduled>cancelled', 'scheduled>missed', 'scheduled>failed',
                          'active>ended', 'active>failed'];
  v_from public.video_call_status;
  v_to public.video_call_status;
  v_sql text;
begin
  foreach v_from in array enum_range(null::public.video_call_status) loop
    foreach v_to in array enum_range(null::public.video_call_status) loop
      continue when v_from = v_to;
      v_sql := format('update public.video_calls set status = %L where id = %L', v_to, tests.ecv_call_in(v_from));
      if (v_from || '>' || v_to) = any (v_legal) then
        return next lives_ok(v_sql, format('call: %s -> %s is allowed', v_from, v_to));
      else
        return next throws_ok(v_sql, '55000', format('video_calls.status: illegal transition from %s to %s', v_from, v_to),
                              format('call: %s -> %s is refused', v_from, v_to));
      end if;
    end loop;
  end loop;
end
$$;

select * from tests.ecv_all_moves();

-- ------------------------------------------------------------------------------- a call, as a member
select tests.authenticate_as('ecv_member');
insert into public.video_calls (id, workspace_id, agent_id, kind, title, thread_id)
values ('e5200000-0000-4000-8000-000000000001', tests.workspace_id('ecv'), current_setting('ecv.agent')::uuid, 'voice',
        'Weekly sync', 'e5200000-0000-4000-8000-0000000000ff');
select is((select row(status, started_at, ended_at)::text from public.video_calls where id = 'e5200000-0000-4000-8000-000000000001'),
  row('scheduled'::public.video_call_status, null::timestamptz, null::timestamptz)::text,
  'a new call is scheduled; thread_id is accepted without a foreign key');
update public.video_calls set status = 'active' where id = 'e5200000-0000-4000-8000-000000000001';
update public.video_calls set status = 'ended', recording_path = 'recordings/2026/call-1.webm', transcript_path = 'transcripts/call-1.json'
where id = 'e5200000-0000-4000-8000-000000000001';
select ok((select started_at is not null and ended_at >= started_at and duration_seconds >= 0
           from public.video_calls where id = 'e5200000-0000-4000-8000-000000000001'), 'ended: start, end and duration recorded');
select throws_ok($$ update public.video_calls set recording_path = 'https://evil.example/rec.webm' where id = 'e5200000-0000-4000-8000-000000000001' $$,
  '23514', null, 'a recording is a storage reference, not a URL');
select throws_ok($$ update public.video_calls set transcript_path = 'transcripts/../../etc' where id = 'e5200000-0000-4000-8000-000000000001' $$,
  '23514', null, 'no ".." in a transcript path');
select throws_ok($$ insert into public.video_calls (workspace_id, status) values (tests.workspace_id('ecv'), 'active') $$,
  '55000', 'video_calls.status: a new call starts scheduled, not active', 'a call starts scheduled');

-- Participants.
select lives_ok(format($$ insert into public.video_call_participants (workspace_id, call_id, user_id, role)
  values (tests.workspace_id('ecv'), 'e5200000-0000-4000-8000-000000000001', %L, 'host') $$, tests.user_id('ecv_member')),
  'a workspace member joins as host');
select lives_ok(format($$ insert into public.video_call_participants (workspace_id, call_id, agent_id)
  values (tests.workspace_id('ecv'), 'e5200000-0000-4000-8000-000000000001', %L) $$, current_setting('ecv.agent')),
  'an agent of the workspace joins');
select throws_ok(format($$ insert into public.video_call_participants (workspace_id, call_id, user_id)
  values (tests.workspace_id('ecv'), 'e5200000-0000-4000-8000-000000000001', %L) $$, tests.user_id('ecv_member')),
  '23505', null, 'a person is on a call once');
select throws_ok(format($$ insert into public.video_call_participants (workspace_id, call_id, user_id)
  values (tests.workspace_id('ecv'), 'e5200000-0000-4000-8000-000000000001', %L) $$, tests.user_id('ecv_outsider')),
  '23503', format('video_call_participants.user_id: user %s is not a member of workspace %s', tests.user_id('ecv_outsider'), tests.workspace_id('ecv')),
  'a user outside the workspace cannot be added');
select throws_ok(format($$ insert into public.video_call_participants (workspace_id, call_id, agent_id)
  values (tests.workspace_id('ecv'), 'e5200000-0000-4000-8000-000000000001', %L) $$, current_setting('ecv.other_agent')),
  '23503', 'insert or update on table "video_call_participants" violates foreign key constraint "video_call_participants_agent_id_fkey"',
  'an agent of another workspace cannot be added');
select throws_ok(format($$ insert into public.video_call_participants (workspace_id, call_id, user_id, agent_id)
  values (tests.workspace_id('ecv'), 'e5200000-0000-4000-8000-000000000001', %L, %L) $$, tests.user_id('ecv_viewer'), current_setting('ecv.agent')),
  '23514', null, 'a participant is a user or an agent, not both');
select throws_ok($$ insert into public.video_call_participants (workspace_id, call_id) values (tests.workspace_id('ecv'), 'e5200000-0000-4000-8000-000000000001') $$,
  '23514', null, 'a participant is somebody');
select throws_ok(format($$ insert into public.video_call_participants (workspace_id, call_id, user_id)
  values (tests.workspace_id('ecv'), 'e5200000-0000-4000-8000-0000000000b1', %L) $$, tests.user_id('ecv_viewer')),
  '23503', 'insert or update on table "video_call_participants" violates foreign key constraint "video_call_participants_call_id_fkey"',
  'no participant rows on a call of another workspace');
select throws_ok($$ update public.video_call_participants set joined_at = now(), left_at = now() - interval '1 minute'
  where call_id = 'e5200000-0000-4000-8000-000000000001' and role = 'host' $$, '23514', null, 'nobody leaves before joining');
select throws_ok(format($$ insert into public.video_calls (workspace_id, agent_id) values (tests.workspace_id('ecv'), %L) $$, current_setting('ecv.other_agent')),
  '23503', 'insert or update on table "video_calls" violates foreign key constraint "video_calls_agent_id_fkey"',
  'a call of workspace A cannot be with an agent of workspace B');
select is((select count(*)::int from public.video_call_participants where call_id = 'e5200000-0000-4000-8000-000000000001'), 2,
  'only the two valid participants were written');
select tests.clear_authentication();

-- Deleting the call removes its participants.
delete from public.video_calls where id = 'e5200000-0000-4000-8000-000000000001';
select is((select count(*)::int from public.video_call_participants where call_id = 'e5200000-0000-4000-8000-000000000001'), 0,
  'participants go with their call');

select * from finish();
rollback;
