-- Columns the replaced systems keep and agentbase did not, in the knowledge and conversation domains:
-- 1. knowledge_entries.external_vector_id: the entry's id in the old vector store (personal-agent
--    platform), kept so entries can be re-embedded or matched back; unique per workspace when set.
-- 2. messages.sender_display_name: the sender's name at send time (enterprise platform), so history reads
--    as it was when an agent or a member is renamed later. Filled by the database on insert (agent name,
--    else the member's profile name); importers with service_role may write the historical name.
-- 3. agent_sessions.auto_commit_push_override: open-agents' per-session switch for auto commit and push
--    (null = the default). global_skill_refs is already a column of agent_sessions.
-- Runs as the non-superuser `postgres` role; every statement is idempotent.

-- 1. knowledge_entries.external_vector_id
alter table public.knowledge_entries add column if not exists external_vector_id text;
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'knowledge_entries_external_vector_id_check'
                 and conrelid = 'public.knowledge_entries'::regclass) then
    alter table public.knowledge_entries add constraint knowledge_entries_external_vector_id_check
      check (length(external_vector_id) between 1 and 500);
  end if;
end
$$;
create unique index if not exists knowledge_entries_external_vector_id_idx
  on public.knowledge_entries (workspace_id, external_vector_id) where external_vector_id is not null;
comment on column public.knowledge_entries.external_vector_id is
  'The entry''s id in the vector store it came from (kept for re-embedding and matching back); unique per workspace.';

-- 2. messages.sender_display_name
alter table public.messages add column if not exists sender_display_name text;
do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'messages_sender_display_name_check'
                 and conrelid = 'public.messages'::regclass) then
    alter table public.messages add constraint messages_sender_display_name_check
      check (length(sender_display_name) between 1 and 200);
  end if;
end
$$;
comment on column public.messages.sender_display_name is
  'The sender''s name when the message was sent (agent name or member''s profile name), kept when they are renamed. Set by the database.';

-- Runs after messages_before_insert (trigger names fire in order), which has settled sender_user_id.
create or replace function private.messages_snapshot_sender_name()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Only trusted callers (service_role, migrations) may bring a historical name; API users cannot write
  -- the column at all (no column grant).
  if new.sender_display_name is null then
    if new.sender_agent_id is not null then
      select left(a.name, 200) into new.sender_display_name from public.agents a where a.id = new.sender_agent_id;
    elsif new.sender_user_id is not null then
      select left(coalesce(nullif(btrim(p.display_name), ''), split_part(p.email, '@', 1)), 200)
        into new.sender_display_name
      from public.profiles p where p.id = new.sender_user_id;
    end if;
    new.sender_display_name := nullif(btrim(new.sender_display_name), '');
  end if;
  return new;
end
$$;
revoke all on function private.messages_snapshot_sender_name() from public;

drop trigger if exists messages_snapshot_sender_name on public.messages;
create trigger messages_snapshot_sender_name
  before insert on public.messages
  for each row execute function private.messages_snapshot_sender_name();

-- 3. agent_sessions.auto_commit_push_override
alter table public.agent_sessions add column if not exists auto_commit_push_override boolean;
comment on column public.agent_sessions.auto_commit_push_override is
  'Per-session auto commit and push: true / false overrides the default, null follows it.';
grant insert (auto_commit_push_override), update (auto_commit_push_override) on table public.agent_sessions to authenticated;
