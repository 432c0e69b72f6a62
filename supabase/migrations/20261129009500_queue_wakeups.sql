-- ==================================================================================================
-- Queue wakeups: every enqueue also sends a Realtime Broadcast on a private topic, one per gateway
-- (commands) and one per agent (inbox items), so a daemon wakes the moment there is work instead of
-- waiting for its next poll. Broadcast from the database scales where postgres_changes does not (one
-- message per enqueue statement, filtered by topic, no per-subscriber RLS evaluation of table rows).
-- A wakeup is a hint: daemons still poll, so a lost or early message never loses work.
-- ==================================================================================================

-- Topics: agentbase:gateway:<gateway id> and agentbase:agent:<agent id>.
create or replace function private.queue_wakeup_topic(p_kind text, p_id uuid)
returns text
language sql
immutable
set search_path = ''
as $$
  select 'agentbase:' || p_kind || ':' || p_id::text
$$;
revoke all on function private.queue_wakeup_topic(text, uuid) from public;

-- One message per gateway per enqueue statement. realtime.send never fails the caller (it turns its own
-- errors into warnings), so a Realtime problem cannot block an enqueue.
create or replace function private.agent_commands_wake_runner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send(
    jsonb_build_object('queue', 'commands', 'gateway_id', n.gateway_id, 'count', n.count),
    'enqueued', private.queue_wakeup_topic('gateway', n.gateway_id), true)
  from (select i.gateway_id, count(*) as count from inserted i group by i.gateway_id) n;
  return null;
end
$$;
revoke all on function private.agent_commands_wake_runner() from public;

create or replace function private.agent_inbox_items_wake_dispatcher()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send(
    jsonb_build_object('queue', 'inbox', 'agent_id', n.agent_id, 'count', n.count),
    'enqueued', private.queue_wakeup_topic('agent', n.agent_id), true)
  from (select i.agent_id, count(*) as count from inserted i group by i.agent_id) n;
  return null;
end
$$;
revoke all on function private.agent_inbox_items_wake_dispatcher() from public;

-- Statement-level with a transition table: a batch enqueue sends one message per gateway or agent, and a
-- deduplicated enqueue (which inserts nothing) sends none.
drop trigger if exists agent_commands_wake_runner on public.agent_commands;
create trigger agent_commands_wake_runner
  after insert on public.agent_commands
  referencing new table as inserted
  for each statement execute function private.agent_commands_wake_runner();

drop trigger if exists agent_inbox_items_wake_dispatcher on public.agent_inbox_items;
create trigger agent_inbox_items_wake_dispatcher
  after insert on public.agent_inbox_items
  referencing new table as inserted
  for each statement execute function private.agent_inbox_items_wake_dispatcher();

-- Who may subscribe: the callers who may lease from that queue, i.e. admins (and owners) of the
-- gateway's or agent's workspace. service_role bypasses RLS, as Realtime's server-side clients do.
create or replace function private.may_receive_queue_wakeup(p_topic text)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_kind text := substring(p_topic from '^agentbase:(gateway|agent):[0-9a-f-]{36}$');
  v_id uuid;
begin
  if v_kind is null then
    return false;
  end if;
  v_id := substring(p_topic from '[0-9a-f-]{36}$')::uuid;
  if v_kind = 'gateway' then
    return exists (select 1 from public.gateways g
                   where g.id = v_id and g.workspace_id = any (array(select private.my_workspace_ids('admin'))));
  end if;
  return exists (select 1 from public.agents a
                 where a.id = v_id and a.workspace_id = any (array(select private.my_workspace_ids('admin'))));
end
$$;
revoke all on function private.may_receive_queue_wakeup(text) from public;
grant execute on function private.may_receive_queue_wakeup(text) to authenticated;

-- Receiving is reading realtime.messages for the channel's topic (realtime.topic()): only that topic's
-- messages, and only for a caller allowed on it. No insert policy: clients cannot send on these topics;
-- only the triggers above (as the table owner) do.
drop policy if exists agentbase_queue_wakeups_receive on realtime.messages;
create policy agentbase_queue_wakeups_receive on realtime.messages
  for select to authenticated
  using (extension = 'broadcast' and topic = (select realtime.topic())
         and (select private.may_receive_queue_wakeup(realtime.topic())));

comment on function private.may_receive_queue_wakeup(text) is
  'True when the caller may subscribe to a queue wakeup topic: an admin of the workspace of that gateway (agentbase:gateway:<id>) or agent (agentbase:agent:<id>).';
