-- Subjects that disappear: deleting a task, a comment or a contact cancels the inbox items about it (HQ
-- deleted them through foreign keys). A pending item ends `cancelled` (failure_code subject_deleted) and
-- moves to history like any finished item; a leased one gets `cancel_requested`, which its holder sees on
-- its next call (heartbeat / complete / fail answer cancel_requested: true). Items name their subject by
-- subject_type / subject_id (task, comment, contact), the keys the automations write.
--
-- A deletion that is part of deleting the whole workspace changes nothing here (the items go with it).
-- Built on the queue's own pieces (private.inbox_item_to_history, private.log_inbox_event) so the row
-- moves and the event trail are the ones every other cancel produces.
-- Runs as the non-superuser `postgres` role; every statement is idempotent.

create or replace function private.cancel_inbox_items_for_subject(p_workspace_id uuid, p_subject_type text, p_subject_id uuid)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.agent_inbox_items;
  v_count integer := 0;
  v_detail jsonb := jsonb_build_object('cause', 'subject_deleted', 'subject_type', p_subject_type, 'subject_id', p_subject_id);
begin
  for r in
    select i.* from only public.agent_inbox_items i
    where i.workspace_id = p_workspace_id and i.subject_type = p_subject_type and i.subject_id = p_subject_id
      and i.status in ('pending', 'leased')
    order by i.id
    for update
  loop
    if r.status = 'pending' then
      r.status := 'cancelled';
      r.finished_at := now();
      r.failure_code := 'subject_deleted';
      r.last_error := p_subject_type || ' ' || p_subject_id || ' was deleted';
      r.cancel_requested := true;
      r.cancel_requested_at := now();
      perform private.inbox_item_to_history(r);
      perform private.log_inbox_event(r, 'pending', 'cancelled', v_detail);
    elsif not r.cancel_requested then
      update only public.agent_inbox_items i
      set cancel_requested = true, cancel_requested_at = now(), updated_at = now()
      where i.id = r.id
      returning i.* into r;
      perform private.log_inbox_event(r, 'leased', 'cancel_requested', v_detail);
    end if;
    v_count := v_count + 1;
  end loop;
  return v_count;
end
$$;
revoke all on function private.cancel_inbox_items_for_subject(uuid, text, uuid) from public;
comment on function private.cancel_inbox_items_for_subject(uuid, text, uuid) is
  'Cancels the pending inbox items about a subject and flags the leased ones cancel_requested. Returns how many it touched.';

-- AFTER DELETE on tasks / comments / contacts; tg_argv[0] is the subject type.
create or replace function private.subject_deleted_cancel_inbox()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Deleting the workspace takes its items along; nothing to cancel then.
  if not exists (select 1 from public.workspaces w where w.id = old.workspace_id) then
    return null;
  end if;
  perform private.cancel_inbox_items_for_subject(old.workspace_id, tg_argv[0], old.id);
  return null;
end
$$;
revoke all on function private.subject_deleted_cancel_inbox() from public;

drop trigger if exists tasks_cancel_inbox_items on public.tasks;
create trigger tasks_cancel_inbox_items
  after delete on public.tasks
  for each row execute function private.subject_deleted_cancel_inbox('task');

drop trigger if exists comments_cancel_inbox_items on public.comments;
create trigger comments_cancel_inbox_items
  after delete on public.comments
  for each row execute function private.subject_deleted_cancel_inbox('comment');

drop trigger if exists contacts_cancel_inbox_items on public.contacts;
create trigger contacts_cancel_inbox_items
  after delete on public.contacts
  for each row execute function private.subject_deleted_cancel_inbox('contact');
