-- Enterprise operations demo data (data only) in the 'hq' workspace: a nightly backup and a weekday
-- report (job definitions, materialised by the pg_cron sweep) and a paused schedule;
-- finished jobs with logs; a desktop configuration, a running VM with a live robot connection; a finished
-- computer-use task; a robot macro and a run; an ended video call with recording and transcript; and a
-- running user service whose environment points at Vault secrets. Rows are created in their first state
-- and then moved through their state machines, as the application would. No agents or gateways are
-- added here (other domains' tests count every agent and gateway of the database), so the agent and
-- gateway links stay empty; an agent-command schedule needs an agent with a gateway.

-- ------------------------------------------------------------------------------- schedules and jobs
insert into public.job_schedules (id, workspace_id, name, description, cron_expression, timezone, target_kind,
  command, arguments, timeout_seconds, max_attempts, created_by)
values ('de000000-0000-4000-8000-000000000010', 'd2000000-0000-4000-8000-000000000001', 'Nightly backup',
        'Dumps the CRM to object storage.', '0 2 * * *', 'Europe/Berlin', 'job_definition',
        'backup', '["--target", "s3://acme-backups/crm"]', 1800, 3,
        'd0000000-0000-4000-8000-000000000002')
on conflict (id) do nothing;

insert into public.job_schedules (id, workspace_id, name, description, cron_expression, timezone, target_kind,
  command, arguments, created_by)
values ('de000000-0000-4000-8000-000000000011', 'd2000000-0000-4000-8000-000000000001', 'Weekday report',
        'Renders the sales report every weekday morning.', '30 7 * * mon-fri', 'Europe/Berlin',
        'job_definition', 'report', '["--format", "pdf"]', 'd0000000-0000-4000-8000-000000000002')
on conflict (id) do nothing;

insert into public.job_schedules (id, workspace_id, name, cron_expression, target_kind, command, enabled, created_by)
values ('de000000-0000-4000-8000-000000000012', 'd2000000-0000-4000-8000-000000000001', 'Quarterly cleanup (paused)',
        '0 3 1 */3 *', 'job_definition', 'cleanup', false, 'd0000000-0000-4000-8000-000000000002')
on conflict (id) do nothing;

insert into public.jobs (id, workspace_id, schedule_id, due_at, command, arguments, max_attempts)
values
  ('de000000-0000-4000-8000-000000000020', 'd2000000-0000-4000-8000-000000000001', 'de000000-0000-4000-8000-000000000010',
   date_trunc('day', now()) - interval '1 day', 'backup',
   '["--target", "s3://acme-backups/crm"]', 3),
  ('de000000-0000-4000-8000-000000000021', 'd2000000-0000-4000-8000-000000000001', 'de000000-0000-4000-8000-000000000010',
   date_trunc('day', now()) - interval '2 days', 'backup',
   '["--target", "s3://acme-backups/crm"]', 3)
on conflict (id) do nothing;
update public.jobs set status = 'running' where id in ('de000000-0000-4000-8000-000000000020', 'de000000-0000-4000-8000-000000000021') and status = 'queued';
update public.jobs set status = 'succeeded', exit_code = 0, logs = E'dumping 1,204 contacts\nuploaded crm-backup.sql.gz (2.1 MB)\ndone'
where id = 'de000000-0000-4000-8000-000000000020' and status = 'running';
update public.jobs set status = 'failed', exit_code = 2, error = 'upload failed: bucket not reachable',
  logs = E'dumping 1,198 contacts\nerror: connect timeout to s3'
where id = 'de000000-0000-4000-8000-000000000021' and status = 'running';

-- ------------------------------------------------------------------------------- desktops and robots
insert into public.desktop_configs (id, workspace_id, name, description, os, image, region, cpu_cores, memory_mb, screen_width, screen_height, created_by)
values ('de000000-0000-4000-8000-000000000030', 'd2000000-0000-4000-8000-000000000001', 'Ubuntu HD',
        'Browser desktop for back-office tasks.', 'linux', 'ghcr.io/acme/desktop-ubuntu:24.04', 'eu-central', 4, 8192, 1920, 1080,
        'd0000000-0000-4000-8000-000000000002')
on conflict (id) do nothing;

insert into public.desktop_virtual_machines (id, workspace_id, config_id, name, provider, external_id, host)
values ('de000000-0000-4000-8000-000000000031', 'd2000000-0000-4000-8000-000000000001', 'de000000-0000-4000-8000-000000000030',
        'desk-1', 'default', 'vm-7f3a', 'desk-1.vms.acme.internal')
on conflict (id) do nothing;
update public.desktop_virtual_machines set status = 'running'
where id = 'de000000-0000-4000-8000-000000000031' and status = 'provisioning';

insert into public.desktop_connections (id, workspace_id, vm_id, client_id, meta)
values ('de000000-0000-4000-8000-000000000032', 'd2000000-0000-4000-8000-000000000001', 'de000000-0000-4000-8000-000000000031',
        'robot-desk-1', '{"client_version": "1.8.0"}')
on conflict (id) do nothing;

insert into public.computer_use_tasks (id, workspace_id, project_id, vm_id, instruction, created_by)
values ('de000000-0000-4000-8000-000000000033', 'd2000000-0000-4000-8000-000000000001', 'd3000000-0000-4000-8000-000000000002',
        'de000000-0000-4000-8000-000000000031',
        'Download last month''s invoices from the supplier portal.', 'd0000000-0000-4000-8000-000000000003')
on conflict (id) do nothing;
update public.computer_use_tasks set status = 'running' where id = 'de000000-0000-4000-8000-000000000033' and status = 'pending';
update public.computer_use_tasks
set status = 'succeeded',
    steps = '[{"index": 1, "action": "open_url", "detail": {"url": "https://portal.supplier.example"}, "screenshot": "computer-use/de000000-0000-4000-8000-000000000033/1.png"},
              {"index": 2, "action": "click", "detail": {"x": 812, "y": 440}, "screenshot": "computer-use/de000000-0000-4000-8000-000000000033/2.png"},
              {"index": 3, "action": "download", "detail": {"file": "invoices.zip"}}]',
    screenshots = array['computer-use/de000000-0000-4000-8000-000000000033/1.png', 'computer-use/de000000-0000-4000-8000-000000000033/2.png'],
    result = '{"files": ["computer-use/de000000-0000-4000-8000-000000000033/invoices.zip"], "count": 14}'
where id = 'de000000-0000-4000-8000-000000000033' and status = 'running';

insert into public.robot_macros (id, workspace_id, name, description, steps, config_id, created_by)
values ('de000000-0000-4000-8000-000000000034', 'd2000000-0000-4000-8000-000000000001', 'Portal login',
        'Signs in to the supplier portal.',
        '[{"action": "click", "x": 640, "y": 380}, {"action": "type", "text": "{{username}}"}, {"action": "key", "key": "Enter"}]',
        'de000000-0000-4000-8000-000000000030', 'd0000000-0000-4000-8000-000000000003')
on conflict (id) do nothing;

insert into public.robot_macro_executions (id, workspace_id, macro_id, macro_version, vm_id, connection_id, started_at)
values ('de000000-0000-4000-8000-000000000035', 'd2000000-0000-4000-8000-000000000001', 'de000000-0000-4000-8000-000000000034', 1,
        'de000000-0000-4000-8000-000000000031', 'de000000-0000-4000-8000-000000000032',
        now() - interval '4 seconds')
on conflict (id) do nothing;
update public.robot_macro_executions set status = 'succeeded', steps_completed = 3
where id = 'de000000-0000-4000-8000-000000000035' and status = 'running';

-- ------------------------------------------------------------------------------- calls and services
insert into public.video_calls (id, workspace_id, kind, title, provider, room_id, scheduled_for, created_by)
values ('de000000-0000-4000-8000-000000000040', 'd2000000-0000-4000-8000-000000000001',
        'video', 'Weekly operations review', 'default', 'room-ops-weekly', date_trunc('hour', now()) - interval '1 day',
        'd0000000-0000-4000-8000-000000000001')
on conflict (id) do nothing;
insert into public.video_call_participants (id, workspace_id, call_id, user_id, agent_id, role, joined_at, left_at)
values
  ('de000000-0000-4000-8000-000000000041', 'd2000000-0000-4000-8000-000000000001', 'de000000-0000-4000-8000-000000000040',
   'd0000000-0000-4000-8000-000000000001', null, 'host', now() - interval '1 day', now() - interval '1 day' + interval '25 minutes'),
  ('de000000-0000-4000-8000-000000000042', 'd2000000-0000-4000-8000-000000000001', 'de000000-0000-4000-8000-000000000040',
   'd0000000-0000-4000-8000-000000000003', null, 'participant', now() - interval '1 day', now() - interval '1 day' + interval '25 minutes')
on conflict (id) do nothing;
update public.video_calls set status = 'active' where id = 'de000000-0000-4000-8000-000000000040' and status = 'scheduled';
update public.video_calls set status = 'ended',
  recording_path = 'call-recordings/de000000-0000-4000-8000-000000000040/recording.webm',
  transcript_path = 'call-recordings/de000000-0000-4000-8000-000000000040/transcript.json'
where id = 'de000000-0000-4000-8000-000000000040' and status = 'active';

-- The service's environment holds Vault secret ids; the values live (encrypted) in Vault only.
do $$
declare
  v_key uuid;
begin
  if not exists (select 1 from public.user_services where id = 'de000000-0000-4000-8000-000000000050') then
    -- Vault lives outside the reset schemas: reuse the demo secret when an earlier reset left it there.
    begin
      select s.id into v_key from vault.decrypted_secrets s where s.name = 'enterprise-demo-report-bot-api-key';
    exception when insufficient_privilege then
      v_key := null;
    end;
    if v_key is null then
      v_key := vault.create_secret('demo-not-a-real-key', 'enterprise-demo-report-bot-api-key',
                                   'API key of the demo report-bot service');
    end if;
    insert into public.user_services (id, workspace_id, name, description, image, env, port, created_by)
    values ('de000000-0000-4000-8000-000000000050', 'd2000000-0000-4000-8000-000000000001', 'report-bot',
            'Renders weekly PDF reports.', 'ghcr.io/acme/report-bot:1.4',
            jsonb_build_object('REPORT_API_KEY', v_key), 8080,
            'd0000000-0000-4000-8000-000000000002');
    update public.user_services set status = 'deploying' where id = 'de000000-0000-4000-8000-000000000050';
    update public.user_services set status = 'running', url = 'https://report-bot.acme.example'
    where id = 'de000000-0000-4000-8000-000000000050';
  end if;
end $$;
