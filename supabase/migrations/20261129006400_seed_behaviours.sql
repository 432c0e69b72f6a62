-- Behaviours the replaced systems had and agentbase lacked until now:
-- 1. Notifications for command outcomes (not only budgets): a command that ends done notifies the member
--    who requested it; a command that ends failed notifies its requester, or the workspace's admins when
--    nobody requested it (schedules, daemons). Kinds `command.done` / `command.failed`, switchable in
--    notification_preferences; one notification per command and outcome (dedup key = command id).
--    Driven by the command's event trail (agent_command_events), so it follows every path that finishes a
--    command (single or batch finish, sweeper) without another trigger on the hot table. A workspace whose
--    queue event log is 'changes' logs no completion event, so it gets command.failed only.
-- Runs as the non-superuser `postgres` role; every statement is idempotent.

-- ===========================================================================================
-- 1. Command outcome notifications
-- ===========================================================================================

create or replace function private.agent_command_events_notify()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  c record;
  v_kind text := 'command.' || new.to_status::text;
  v_title text;
  v_data jsonb;
begin
  select ac.id, ac.workspace_id, ac.action, ac.gateway_id, ac.agent_id, ac.requested_by, ac.exit_code, ac.last_error
    into c
  from public.agent_commands ac
  where ac.id = new.command_id;
  if c.id is null then
    return null;
  end if;
  v_title := left('Command ' || c.action || case new.to_status when 'done' then ' done' else ' failed' end, 300);
  v_data := jsonb_strip_nulls(jsonb_build_object('action', c.action, 'gateway_id', c.gateway_id, 'agent_id', c.agent_id,
    'exit_code', c.exit_code, 'reason', new.reason, 'attempt', new.attempt));

  if c.requested_by is not null then
    insert into public.notifications (user_id, workspace_id, kind, title, body, entity_type, entity_id, data, dedup_key)
    select c.requested_by, c.workspace_id, v_kind, v_title, left(coalesce(c.last_error, ''), 4000), 'agent_command',
           c.id, v_data, c.id::text
    where exists (select 1 from public.workspace_members m
                  where m.workspace_id = c.workspace_id and m.user_id = c.requested_by)
      and private.notification_enabled(c.requested_by, v_kind, 'in_app')
    on conflict (user_id, kind, dedup_key) do nothing;
  elsif new.to_status = 'failed' then
    perform private.notify_workspace(c.workspace_id, 'admin', v_kind, v_title, left(coalesce(c.last_error, ''), 4000),
      'agent_command', c.id, v_data, c.id::text);
  end if;
  return null;
end
$$;
revoke all on function private.agent_command_events_notify() from public;

drop trigger if exists agent_command_events_notify on public.agent_command_events;
create trigger agent_command_events_notify
  after insert on public.agent_command_events
  for each row
  when (new.to_status in ('done', 'failed') and new.from_status is distinct from new.to_status)
  execute function private.agent_command_events_notify();

comment on function private.agent_command_events_notify() is
  'command.done to the requester; command.failed to the requester, else to the workspace admins. One per command and outcome; preferences respected.';
