-- Conversations: one model for agent direct threads, channels, DMs, coding-session chats and external
-- (e-mail, WhatsApp, ...) conversations. threads -> messages (per-thread sequence numbers, edits kept in
-- message_revisions), thread_participants, thread_reads (read marker = last read sequence number, so an
-- unread count is one subtraction), thread_shares (public links; only the token's SHA-256 is stored),
-- feed_events (activity feed) and email_routing_rules. Model, RPCs, errors and choices: docs/conversations.md.
-- Runs as the non-superuser `postgres` role inside one transaction; every statement is idempotent.

-- ===========================================================================================
-- Enums
-- ===========================================================================================

do $$ begin
  if not exists (select 1 from pg_type where typname = 'thread_kind' and typnamespace = 'public'::regnamespace) then
    create type public.thread_kind as enum ('agent_direct', 'channel', 'dm', 'session_chat', 'external');
  end if;
  if not exists (select 1 from pg_type where typname = 'thread_channel' and typnamespace = 'public'::regnamespace) then
    create type public.thread_channel as enum ('email', 'whatsapp', 'sms', 'slack', 'telegram', 'voice', 'web');
  end if;
  if not exists (select 1 from pg_type where typname = 'message_sender_type' and typnamespace = 'public'::regnamespace) then
    create type public.message_sender_type as enum ('user', 'assistant', 'agent', 'system');
  end if;
  if not exists (select 1 from pg_type where typname = 'feed_event_type' and typnamespace = 'public'::regnamespace) then
    create type public.feed_event_type as enum (
      'info', 'message', 'task_started', 'task_completed', 'task_failed', 'approval_needed', 'approval_resolved', 'alert');
  end if;
  if not exists (select 1 from pg_type where typname = 'email_rule_direction' and typnamespace = 'public'::regnamespace) then
    create type public.email_rule_direction as enum ('inbound', 'outbound');
  end if;
end $$;

-- ===========================================================================================
-- Tables
-- ===========================================================================================

create table if not exists public.threads (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  kind public.thread_kind not null,
  title text check (length(title) <= 500),
  agent_id uuid,
  -- The coding session this chat belongs to (kind session_chat); the foreign key to agent_sessions is
  -- added by the sessions migration.
  session_id uuid,
  channel public.thread_channel,
  external_ref text check (length(external_ref) between 1 and 500),
  model_id text check (length(model_id) between 1 and 200),
  active_stream_id text check (length(active_stream_id) <= 200),
  -- Maintained by the messages trigger: the sequence number of the newest message and its time.
  last_seq bigint not null default 0 check (last_seq >= 0),
  last_message_at timestamptz,
  last_assistant_message_at timestamptz,
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  archived_at timestamptz,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint threads_workspace_id_id_key unique (workspace_id, id),
  -- Target of workflow_runs' foreign key: a run's chat must be a chat of the run's own session.
  constraint threads_workspace_id_session_id_id_key unique (workspace_id, session_id, id),
  constraint threads_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id),
  constraint threads_session_chat_check check ((kind = 'session_chat') = (session_id is not null)),
  constraint threads_external_check check ((kind = 'external') = (external_ref is not null)),
  constraint threads_channel_check check (external_ref is null or channel is not null)
);
create index if not exists threads_workspace_last_message_idx on public.threads (workspace_id, last_message_at desc nulls last);
create index if not exists threads_workspace_agent_idx on public.threads (workspace_id, agent_id);
create index if not exists threads_agent_id_idx on public.threads (agent_id);
create index if not exists threads_workspace_session_idx on public.threads (workspace_id, session_id);
create index if not exists threads_created_by_idx on public.threads (created_by);
-- An e-mail or WhatsApp conversation maps to one thread per agent and channel.
create unique index if not exists threads_agent_channel_external_ref_key
  on public.threads (agent_id, channel, external_ref) where external_ref is not null;
-- The personal-agent product's `<agentId>:direct`: one direct thread per agent and user.
create unique index if not exists threads_one_direct_per_agent_user_idx
  on public.threads (agent_id, created_by) where kind = 'agent_direct';
comment on table public.threads is
  'A conversation: agent_direct (a user with one agent), channel, dm, session_chat (a coding session''s chat) or external (e-mail / WhatsApp / ... mapped by external_ref). last_seq counts its messages.';
comment on column public.threads.last_seq is 'Sequence number of the newest message (maintained by the database); unread = last_seq - thread_reads.last_read_seq.';
comment on column public.threads.external_ref is 'The conversation id on the external channel (e-mail thread id, WhatsApp chat id); unique per agent and channel.';

create table if not exists public.thread_participants (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  thread_id uuid not null,
  user_id uuid references auth.users (id) on delete cascade,
  agent_id uuid,
  role text not null default 'member' check (role in ('owner', 'member', 'observer')),
  muted boolean not null default false,
  joined_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint thread_participants_thread_fkey foreign key (workspace_id, thread_id)
    references public.threads (workspace_id, id) on delete cascade,
  constraint thread_participants_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete cascade,
  constraint thread_participants_one_party_check check (num_nonnulls(user_id, agent_id) = 1),
  constraint thread_participants_thread_user_key unique (thread_id, user_id),
  constraint thread_participants_thread_agent_key unique (thread_id, agent_id)
);
create index if not exists thread_participants_workspace_thread_idx on public.thread_participants (workspace_id, thread_id);
create index if not exists thread_participants_workspace_agent_idx on public.thread_participants (workspace_id, agent_id);
create index if not exists thread_participants_agent_id_idx on public.thread_participants (agent_id);
create index if not exists thread_participants_user_id_idx on public.thread_participants (user_id);
comment on table public.thread_participants is 'Who takes part in a thread: exactly one of a workspace member (user_id) or an agent of the workspace.';

create table if not exists public.messages (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  thread_id uuid not null,
  -- Assigned by the database: 1, 2, 3, ... per thread, in commit-safe order (the thread row is locked).
  seq bigint not null check (seq >= 1),
  sender_type public.message_sender_type not null,
  sender_user_id uuid references auth.users (id) on delete set null,
  sender_agent_id uuid,
  content text not null default '' check (length(content) <= 200000),
  parts jsonb not null default '[]' check (jsonb_typeof(parts) = 'array'),
  model_id text check (length(model_id) between 1 and 200),
  input_tokens integer check (input_tokens >= 0),
  output_tokens integer check (output_tokens >= 0),
  cached_input_tokens integer check (cached_input_tokens >= 0),
  reasoning_tokens integer check (reasoning_tokens >= 0),
  reply_to_id uuid,
  external_ref text check (length(external_ref) between 1 and 500),
  metadata jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  revision integer not null default 1 check (revision >= 1),
  edited_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint messages_thread_fkey foreign key (workspace_id, thread_id)
    references public.threads (workspace_id, id) on delete cascade,
  constraint messages_sender_agent_fkey foreign key (workspace_id, sender_agent_id)
    references public.agents (workspace_id, id) on delete set null (sender_agent_id),
  constraint messages_thread_id_id_key unique (thread_id, id),
  constraint messages_thread_id_seq_key unique (thread_id, seq),
  -- A reply points at a message of the same thread.
  constraint messages_reply_to_fkey foreign key (thread_id, reply_to_id)
    references public.messages (thread_id, id) on delete set null (reply_to_id),
  constraint messages_sender_user_check check (sender_user_id is null or sender_type = 'user'),
  constraint messages_sender_agent_check check (sender_agent_id is null or sender_type in ('agent', 'assistant'))
);
create index if not exists messages_workspace_thread_idx on public.messages (workspace_id, thread_id);
create index if not exists messages_workspace_sender_agent_idx on public.messages (workspace_id, sender_agent_id);
create index if not exists messages_sender_agent_id_idx on public.messages (sender_agent_id);
create index if not exists messages_sender_user_id_idx on public.messages (sender_user_id);
create index if not exists messages_thread_reply_to_idx on public.messages (thread_id, reply_to_id);
-- Inbound e-mail / WhatsApp messages are stored once even when the webhook is delivered twice.
create unique index if not exists messages_thread_external_ref_key on public.messages (thread_id, external_ref)
  where external_ref is not null;
comment on table public.messages is
  'A message in a thread. Sender type user / assistant / agent / system; text content plus JSONB parts (an array of typed parts: {"type": "text", "text": ...}, tool calls, files, ...). Append-mostly: edits keep the previous version in message_revisions; deletion is soft (deleted_at).';
comment on column public.messages.seq is 'Per-thread sequence number assigned by the database (1, 2, 3, ...).';
comment on column public.messages.parts is 'Array of objects, each with a "type" (lowercase identifier); "text" parts carry a string "text".';

-- Previous versions of edited messages (append-only).
create table if not exists public.message_revisions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  thread_id uuid not null,
  message_id uuid not null,
  revision integer not null check (revision >= 1),
  content text not null,
  parts jsonb not null,
  edited_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint message_revisions_message_fkey foreign key (thread_id, message_id)
    references public.messages (thread_id, id) on delete cascade,
  constraint message_revisions_thread_fkey foreign key (workspace_id, thread_id)
    references public.threads (workspace_id, id) on delete cascade,
  constraint message_revisions_message_revision_key unique (message_id, revision)
);
create index if not exists message_revisions_thread_message_idx on public.message_revisions (thread_id, message_id);
create index if not exists message_revisions_workspace_thread_idx on public.message_revisions (workspace_id, thread_id);
create index if not exists message_revisions_edited_by_idx on public.message_revisions (edited_by);
comment on table public.message_revisions is 'The content and parts a message had before each edit (revision n = the version replaced by revision n+1). Append-only.';

create table if not exists public.thread_reads (
  workspace_id uuid not null,
  thread_id uuid not null,
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  last_read_seq bigint not null default 0 check (last_read_seq >= 0),
  last_read_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (thread_id, user_id),
  constraint thread_reads_thread_fkey foreign key (workspace_id, thread_id)
    references public.threads (workspace_id, id) on delete cascade
);
create index if not exists thread_reads_user_workspace_idx on public.thread_reads (user_id, workspace_id);
create index if not exists thread_reads_workspace_thread_idx on public.thread_reads (workspace_id, thread_id);
comment on table public.thread_reads is 'Per-user read marker: the sequence number of the last message the user has read in the thread.';

create table if not exists public.thread_shares (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null,
  thread_id uuid not null,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  expires_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint thread_shares_thread_fkey foreign key (workspace_id, thread_id)
    references public.threads (workspace_id, id) on delete cascade,
  constraint thread_shares_revoked_by_check check (revoked_by is null or revoked_at is not null)
);
create index if not exists thread_shares_workspace_thread_idx on public.thread_shares (workspace_id, thread_id);
create index if not exists thread_shares_thread_id_idx on public.thread_shares (thread_id);
create index if not exists thread_shares_created_by_idx on public.thread_shares (created_by);
create index if not exists thread_shares_revoked_by_idx on public.thread_shares (revoked_by);
comment on table public.thread_shares is
  'Public read-only links to a thread. The link carries a 128-bit random token (returned once by create_thread_share); only its SHA-256 is stored, in a table no API role can read. Live while not revoked and not expired; anon reads through get_shared_thread.';

-- The token hashes, out of every API role's reach (admins list and revoke shares without seeing them).
create table if not exists private.thread_share_hashes (
  share_id uuid primary key references public.thread_shares (id) on delete cascade,
  token_hash bytea not null unique check (octet_length(token_hash) = 32)
);

create table if not exists public.feed_events (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  type public.feed_event_type not null,
  title text not null check (length(btrim(title)) between 1 and 500),
  body text check (length(body) <= 20000),
  data jsonb not null default '{}' check (jsonb_typeof(data) = 'object'),
  agent_id uuid,
  -- Addressed to one member (null = the whole workspace).
  user_id uuid references auth.users (id) on delete cascade,
  thread_id uuid,
  acknowledged_at timestamptz,
  acknowledged_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint feed_events_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete set null (agent_id),
  constraint feed_events_thread_fkey foreign key (workspace_id, thread_id)
    references public.threads (workspace_id, id) on delete set null (thread_id),
  constraint feed_events_acknowledged_by_check check (acknowledged_by is null or acknowledged_at is not null)
);
create index if not exists feed_events_workspace_created_idx on public.feed_events (workspace_id, created_at desc);
create index if not exists feed_events_workspace_agent_idx on public.feed_events (workspace_id, agent_id);
create index if not exists feed_events_agent_id_idx on public.feed_events (agent_id);
create index if not exists feed_events_workspace_thread_idx on public.feed_events (workspace_id, thread_id);
create index if not exists feed_events_thread_id_idx on public.feed_events (thread_id);
create index if not exists feed_events_user_id_idx on public.feed_events (user_id);
create index if not exists feed_events_acknowledged_by_idx on public.feed_events (acknowledged_by);
-- The "needs attention" list: unacknowledged events per workspace.
create index if not exists feed_events_workspace_open_idx on public.feed_events (workspace_id, created_at desc)
  where acknowledged_at is null;
comment on table public.feed_events is 'Activity feed (info, task completed, approval needed, ...), for the workspace or one member; acknowledged_at marks it handled.';

create table if not exists public.email_routing_rules (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  agent_id uuid not null,
  name text not null check (length(btrim(name)) between 1 and 200),
  direction public.email_rule_direction not null default 'inbound',
  -- Lower runs first; ties by created_at.
  priority integer not null default 100 check (priority between 0 and 10000),
  -- Case-insensitive POSIX regular expressions; null matches anything. At least one is set.
  from_pattern text check (length(from_pattern) between 1 and 500),
  to_pattern text check (length(to_pattern) between 1 and 500),
  subject_pattern text check (length(subject_pattern) between 1 and 500),
  enabled boolean not null default true,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint email_routing_rules_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete cascade,
  constraint email_routing_rules_some_pattern_check check (num_nonnulls(from_pattern, to_pattern, subject_pattern) >= 1)
);
create index if not exists email_routing_rules_workspace_direction_idx
  on public.email_routing_rules (workspace_id, direction, priority) where enabled;
create index if not exists email_routing_rules_workspace_agent_idx on public.email_routing_rules (workspace_id, agent_id);
create index if not exists email_routing_rules_agent_id_idx on public.email_routing_rules (agent_id);
create index if not exists email_routing_rules_created_by_idx on public.email_routing_rules (created_by);
comment on table public.email_routing_rules is
  'Agent e-mail routing: inbound or outbound rules matching from / to / subject (case-insensitive regular expressions), tried by priority; the first match names the agent. See match_email_route.';

-- ===========================================================================================
-- Trigger functions
-- ===========================================================================================

-- parts: an array (at most 1000) of objects with a lowercase "type"; text parts carry a string "text".
create or replace function private.check_message_parts(p_parts jsonb)
returns void
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_part jsonb;
  v_index integer := 0;
begin
  if p_parts is null then
    raise exception 'parts must not be null' using errcode = '22004';
  end if;
  if jsonb_typeof(p_parts) <> 'array' then
    raise exception 'parts must be a JSON array (got %)', jsonb_typeof(p_parts) using errcode = '22023';
  end if;
  if jsonb_array_length(p_parts) > 1000 then
    raise exception 'parts has % elements (at most 1000)', jsonb_array_length(p_parts) using errcode = '22023';
  end if;
  for v_part in select value from jsonb_array_elements(p_parts) loop
    if jsonb_typeof(v_part) <> 'object' then
      raise exception 'parts[%] must be an object (got %)', v_index, jsonb_typeof(v_part) using errcode = '22023';
    end if;
    if jsonb_typeof(v_part -> 'type') is distinct from 'string'
       or (v_part ->> 'type') !~ '^[a-z][a-z0-9_:.-]{0,99}$' then
      raise exception 'parts[%].type must be a lowercase identifier string (got %)', v_index,
        coalesce(left((v_part -> 'type')::text, 80), 'nothing') using errcode = '22023';
    end if;
    if v_part ->> 'type' in ('text', 'reasoning') and jsonb_typeof(v_part -> 'text') is distinct from 'string' then
      raise exception 'parts[%] of type % must carry a string "text"', v_index, v_part ->> 'type' using errcode = '22023';
    end if;
    v_index := v_index + 1;
  end loop;
end
$$;
revoke all on function private.check_message_parts(jsonb) from public;
grant execute on function private.check_message_parts(jsonb) to authenticated, service_role;

-- Threads: agent_direct needs an agent; workspace and session never move (the composite keys of
-- messages and runs would refuse it anyway; this gives a clearer error).
create or replace function private.threads_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.kind = 'agent_direct' and new.agent_id is null then
      raise exception 'agent_id must not be null for a thread of kind agent_direct' using errcode = '22004';
    end if;
    new.last_seq := 0;
    new.last_message_at := null;
    new.last_assistant_message_at := null;
  else
    if new.workspace_id <> old.workspace_id then
      raise exception 'threads.workspace_id cannot change (% -> %)', old.workspace_id, new.workspace_id using errcode = '55000';
    end if;
    if new.kind <> old.kind then
      raise exception 'threads.kind cannot change (% -> %)', old.kind, new.kind using errcode = '55000';
    end if;
    if new.session_id is distinct from old.session_id then
      raise exception 'threads.session_id cannot change (% -> %)', old.session_id, new.session_id using errcode = '55000';
    end if;
  end if;
  return new;
end
$$;
revoke all on function private.threads_before_write() from public;

-- Messages, before insert: allocate the next sequence number by bumping the thread's last_seq (the row
-- lock orders concurrent inserts), take the workspace from the thread, check the sender. Definer: the
-- sender may lack UPDATE on threads, and a thread of another workspace must be named, not hidden.
create or replace function private.messages_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace uuid;
  v_seq bigint;
begin
  if new.thread_id is null then
    raise exception 'thread_id must not be null' using errcode = '22004';
  end if;
  if new.sender_type = 'user' then
    new.sender_user_id := coalesce(new.sender_user_id, auth.uid());
    if new.sender_user_id is null then
      raise exception 'sender_user_id must not be null for sender_type user' using errcode = '22004';
    end if;
  end if;
  perform private.check_message_parts(new.parts);
  -- One statement finds the thread, locks it and takes the next number; a refusal below rolls it back.
  update public.threads t
     set last_seq = t.last_seq + 1,
         last_message_at = now(),
         last_assistant_message_at = case when new.sender_type in ('assistant', 'agent') then now()
                                          else t.last_assistant_message_at end
   where t.id = new.thread_id
  returning t.workspace_id, t.last_seq into v_workspace, v_seq;
  if v_workspace is null then
    raise exception 'thread_id % does not exist', new.thread_id using errcode = '23503';
  end if;
  if new.workspace_id is null then
    new.workspace_id := v_workspace;
  elsif new.workspace_id <> v_workspace then
    raise exception 'thread_id % belongs to another workspace than workspace_id %', new.thread_id, new.workspace_id
      using errcode = '23503';
  end if;
  new.seq := v_seq;
  new.revision := 1;
  new.edited_at := null;
  new.deleted_at := null;
  new.created_at := now();
  return new;
end
$$;
revoke all on function private.messages_before_insert() from public;

-- Messages, after insert: the author has read their own message.
create or replace function private.messages_after_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.sender_type = 'user' and new.sender_user_id is not null then
    insert into public.thread_reads (workspace_id, thread_id, user_id, last_read_seq, last_read_at)
    values (new.workspace_id, new.thread_id, new.sender_user_id, new.seq, now())
    on conflict (thread_id, user_id) do update
      set last_read_seq = greatest(public.thread_reads.last_read_seq, excluded.last_read_seq),
          last_read_at = excluded.last_read_at;
  end if;
  return null;
end
$$;
revoke all on function private.messages_after_insert() from public;

-- Messages, before update: identity and position are fixed; an edit of content or parts keeps the
-- previous version in message_revisions; a deleted message stays deleted.
create or replace function private.messages_before_update()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if (new.workspace_id, new.thread_id, new.seq, new.sender_type, new.created_at, new.revision)
     is distinct from (old.workspace_id, old.thread_id, old.seq, old.sender_type, old.created_at, old.revision)
     or new.sender_user_id is distinct from old.sender_user_id and new.sender_user_id is not null
     or new.sender_agent_id is distinct from old.sender_agent_id and new.sender_agent_id is not null then
    raise exception 'messages: thread_id, seq, sender and created_at cannot change' using errcode = '55000';
  end if;
  if old.deleted_at is not null and new.deleted_at is distinct from old.deleted_at then
    raise exception 'messages.deleted_at: message % is already deleted', old.id using errcode = '55000';
  end if;
  if new.content is distinct from old.content or new.parts is distinct from old.parts then
    if old.deleted_at is not null then
      raise exception 'messages: message % is deleted and cannot be edited', old.id using errcode = '55000';
    end if;
    perform private.check_message_parts(new.parts);
    insert into public.message_revisions (workspace_id, thread_id, message_id, revision, content, parts, edited_by)
    values (old.workspace_id, old.thread_id, old.id, old.revision, old.content, old.parts, auth.uid());
    new.revision := old.revision + 1;
    new.edited_at := now();
  end if;
  return new;
end
$$;
revoke all on function private.messages_before_update() from public;

-- Append-only guard (message_revisions): API roles may not update or delete; cascades and the owner may delete.
create or replace function private.conversations_append_only()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' and (pg_trigger_depth() > 1 or not private.request_role() in ('anon', 'authenticated', 'service_role')) then
    return old;
  end if;
  raise exception '% is append-only: % is not allowed', tg_table_name, tg_op using errcode = '42501';
end
$$;
revoke all on function private.conversations_append_only() from public;

-- Participants: a user must be a member of the thread's workspace.
create or replace function private.thread_participants_check_member()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.user_id is not null and not exists (
    select 1 from public.workspace_members m where m.workspace_id = new.workspace_id and m.user_id = new.user_id
  ) then
    raise exception 'user_id % is not a member of workspace %', new.user_id, new.workspace_id using errcode = '23503';
  end if;
  return new;
end
$$;
revoke all on function private.thread_participants_check_member() from public;

-- Read markers: the workspace comes from the thread, a marker never passes the thread's last message
-- and never moves backwards.
create or replace function private.thread_reads_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_workspace uuid;
  v_last bigint;
begin
  select t.workspace_id, t.last_seq into v_workspace, v_last from public.threads t where t.id = new.thread_id;
  if v_workspace is null then
    raise exception 'thread_id % does not exist', new.thread_id using errcode = '23503';
  end if;
  new.workspace_id := coalesce(new.workspace_id, v_workspace);
  new.last_read_seq := least(new.last_read_seq, v_last);
  if tg_op = 'UPDATE' then
    if new.user_id <> old.user_id or new.thread_id <> old.thread_id then
      raise exception 'thread_reads: thread_id and user_id cannot change' using errcode = '55000';
    end if;
    new.last_read_seq := greatest(new.last_read_seq, old.last_read_seq);
  end if;
  return new;
end
$$;
revoke all on function private.thread_reads_before_write() from public;

-- Shares: a revocation is final; revoked_by records who.
create or replace function private.thread_shares_before_update()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.thread_id <> old.thread_id or new.workspace_id <> old.workspace_id then
    raise exception 'thread_shares.thread_id cannot change' using errcode = '55000';
  end if;
  if old.revoked_at is not null and new.revoked_at is distinct from old.revoked_at then
    raise exception 'thread_shares.revoked_at: share % is already revoked', old.id using errcode = '55000';
  end if;
  if old.revoked_at is null and new.revoked_at is not null then
    new.revoked_at := now();
    new.revoked_by := auth.uid();
  end if;
  return new;
end
$$;
revoke all on function private.thread_shares_before_update() from public;

-- Feed events: acknowledged_by is the caller who set acknowledged_at.
create or replace function private.feed_events_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.acknowledged_at is null then
    new.acknowledged_by := null;
  elsif tg_op = 'INSERT' or old.acknowledged_at is null then
    new.acknowledged_by := coalesce(auth.uid(), new.acknowledged_by);
  end if;
  return new;
end
$$;
revoke all on function private.feed_events_before_write() from public;

-- E-mail rules: every pattern must compile.
create or replace function private.email_routing_rules_check_patterns()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_col text;
  v_pattern text;
begin
  foreach v_col in array array['from_pattern', 'to_pattern', 'subject_pattern'] loop
    v_pattern := case v_col when 'from_pattern' then new.from_pattern when 'to_pattern' then new.to_pattern
                            else new.subject_pattern end;
    if v_pattern is not null then
      begin
        perform '' ~* v_pattern;
      exception when invalid_regular_expression then
        raise exception '% is not a valid regular expression: %', v_col, left(v_pattern, 100) using errcode = '22023';
      end;
    end if;
  end loop;
  return new;
end
$$;
revoke all on function private.email_routing_rules_check_patterns() from public;

-- ===========================================================================================
-- Triggers
-- ===========================================================================================

drop trigger if exists threads_before_write on public.threads;
create trigger threads_before_write before insert or update on public.threads
  for each row execute function private.threads_before_write();
drop trigger if exists threads_set_updated_at on public.threads;
create trigger threads_set_updated_at before update on public.threads
  for each row execute function private.set_updated_at();

drop trigger if exists thread_participants_check_member on public.thread_participants;
create trigger thread_participants_check_member before insert or update of user_id, workspace_id on public.thread_participants
  for each row execute function private.thread_participants_check_member();
drop trigger if exists thread_participants_set_updated_at on public.thread_participants;
create trigger thread_participants_set_updated_at before update on public.thread_participants
  for each row execute function private.set_updated_at();

drop trigger if exists messages_before_insert on public.messages;
create trigger messages_before_insert before insert on public.messages
  for each row execute function private.messages_before_insert();
drop trigger if exists messages_after_insert on public.messages;
create trigger messages_after_insert after insert on public.messages
  for each row execute function private.messages_after_insert();
drop trigger if exists messages_before_update on public.messages;
create trigger messages_before_update before update on public.messages
  for each row execute function private.messages_before_update();
drop trigger if exists messages_set_updated_at on public.messages;
create trigger messages_set_updated_at before update on public.messages
  for each row execute function private.set_updated_at();

drop trigger if exists message_revisions_append_only on public.message_revisions;
create trigger message_revisions_append_only before update or delete on public.message_revisions
  for each row execute function private.conversations_append_only();

drop trigger if exists thread_reads_before_write on public.thread_reads;
create trigger thread_reads_before_write before insert or update on public.thread_reads
  for each row execute function private.thread_reads_before_write();
drop trigger if exists thread_reads_set_updated_at on public.thread_reads;
create trigger thread_reads_set_updated_at before update on public.thread_reads
  for each row execute function private.set_updated_at();

drop trigger if exists thread_shares_before_update on public.thread_shares;
create trigger thread_shares_before_update before update on public.thread_shares
  for each row execute function private.thread_shares_before_update();
drop trigger if exists thread_shares_set_updated_at on public.thread_shares;
create trigger thread_shares_set_updated_at before update on public.thread_shares
  for each row execute function private.set_updated_at();

drop trigger if exists feed_events_before_write on public.feed_events;
create trigger feed_events_before_write before insert or update on public.feed_events
  for each row execute function private.feed_events_before_write();
drop trigger if exists feed_events_set_updated_at on public.feed_events;
create trigger feed_events_set_updated_at before update on public.feed_events
  for each row execute function private.set_updated_at();

drop trigger if exists email_routing_rules_check_patterns on public.email_routing_rules;
create trigger email_routing_rules_check_patterns before insert or update on public.email_routing_rules
  for each row execute function private.email_routing_rules_check_patterns();
drop trigger if exists email_routing_rules_set_updated_at on public.email_routing_rules;
create trigger email_routing_rules_set_updated_at before update on public.email_routing_rules
  for each row execute function private.set_updated_at();

-- ===========================================================================================
-- Privileges and RLS
-- ===========================================================================================

revoke all on table public.threads, public.thread_participants, public.messages, public.message_revisions,
  public.thread_reads, public.thread_shares, public.feed_events, public.email_routing_rules from anon, authenticated;
revoke all on table private.thread_share_hashes from public, anon, authenticated, service_role;

grant select, delete on table public.threads to authenticated;
grant insert (id, workspace_id, kind, title, agent_id, session_id, channel, external_ref, model_id, active_stream_id, metadata, archived_at)
  on table public.threads to authenticated;
grant update (title, agent_id, channel, external_ref, model_id, active_stream_id, metadata, archived_at)
  on table public.threads to authenticated;

grant select, delete on table public.thread_participants to authenticated;
grant insert (id, workspace_id, thread_id, user_id, agent_id, role, muted) on table public.thread_participants to authenticated;
grant update (role, muted) on table public.thread_participants to authenticated;

grant select on table public.messages to authenticated;
grant insert (id, workspace_id, thread_id, sender_type, content, parts, model_id, reply_to_id, external_ref, metadata)
  on table public.messages to authenticated;
grant update (content, parts, metadata, deleted_at) on table public.messages to authenticated;

grant select on table public.message_revisions to authenticated;

grant select on table public.thread_reads to authenticated;
grant insert (workspace_id, thread_id, user_id, last_read_seq, last_read_at) on table public.thread_reads to authenticated;
grant update (last_read_seq, last_read_at) on table public.thread_reads to authenticated;

grant select on table public.thread_shares to authenticated;
grant update (expires_at, revoked_at) on table public.thread_shares to authenticated;

grant select, delete on table public.feed_events to authenticated;
grant insert (id, workspace_id, type, title, body, data, agent_id, user_id, thread_id) on table public.feed_events to authenticated;
grant update (acknowledged_at) on table public.feed_events to authenticated;

grant select, delete on table public.email_routing_rules to authenticated;
grant insert (id, workspace_id, agent_id, name, direction, priority, from_pattern, to_pattern, subject_pattern, enabled)
  on table public.email_routing_rules to authenticated;
grant update (agent_id, name, direction, priority, from_pattern, to_pattern, subject_pattern, enabled)
  on table public.email_routing_rules to authenticated;

-- service_role: everything except rewriting history (revisions are append-only).
grant select, insert, update, delete on table public.threads, public.thread_participants, public.messages,
  public.thread_reads, public.thread_shares, public.feed_events, public.email_routing_rules to service_role;
revoke update, delete, truncate on table public.message_revisions from service_role;
grant select, insert on table public.message_revisions to service_role;

alter table public.threads enable row level security;
alter table public.thread_participants enable row level security;
alter table public.messages enable row level security;
alter table public.message_revisions enable row level security;
alter table public.thread_reads enable row level security;
alter table public.thread_shares enable row level security;
alter table public.feed_events enable row level security;
alter table public.email_routing_rules enable row level security;

-- threads / participants: viewers read, members create and edit, admins (or the creator) delete.
select private.create_workspace_policies('public.threads', 'viewer', 'member', 'admin');
drop policy if exists threads_delete on public.threads;
create policy threads_delete on public.threads for delete to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin')))
         or (created_by = (select auth.uid()) and workspace_id = any (array(select private.my_workspace_ids('member')))));
select private.create_workspace_policies('public.thread_participants', 'viewer', 'member', 'admin');

-- messages: viewers read; members post as themselves; the author edits or soft-deletes; nobody
-- deletes through the API (agents post with service_role).
drop policy if exists messages_select on public.messages;
create policy messages_select on public.messages for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('viewer'))));
drop policy if exists messages_insert on public.messages;
create policy messages_insert on public.messages for insert to authenticated
  with check (workspace_id = any (array(select private.my_workspace_ids('member')))
              and sender_type = 'user' and sender_user_id = (select auth.uid()));
drop policy if exists messages_update on public.messages;
create policy messages_update on public.messages for update to authenticated
  using (sender_user_id = (select auth.uid()) and workspace_id = any (array(select private.my_workspace_ids('member'))))
  with check (sender_user_id = (select auth.uid()) and workspace_id = any (array(select private.my_workspace_ids('member'))));

drop policy if exists message_revisions_select on public.message_revisions;
create policy message_revisions_select on public.message_revisions for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('viewer'))));

-- thread_reads: each user reads and moves only their own markers, in threads they can read.
drop policy if exists thread_reads_select on public.thread_reads;
create policy thread_reads_select on public.thread_reads for select to authenticated
  using (user_id = (select auth.uid()) and workspace_id = any (array(select private.my_workspace_ids('viewer'))));
drop policy if exists thread_reads_insert on public.thread_reads;
create policy thread_reads_insert on public.thread_reads for insert to authenticated
  with check (user_id = (select auth.uid()) and workspace_id = any (array(select private.my_workspace_ids('viewer'))));
drop policy if exists thread_reads_update on public.thread_reads;
create policy thread_reads_update on public.thread_reads for update to authenticated
  using (user_id = (select auth.uid()) and workspace_id = any (array(select private.my_workspace_ids('viewer'))))
  with check (user_id = (select auth.uid()) and workspace_id = any (array(select private.my_workspace_ids('viewer'))));

-- thread_shares: members list, re-date and revoke; created only by create_thread_share (the token).
drop policy if exists thread_shares_select on public.thread_shares;
create policy thread_shares_select on public.thread_shares for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('member'))));
drop policy if exists thread_shares_update on public.thread_shares;
create policy thread_shares_update on public.thread_shares for update to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('member'))))
  with check (workspace_id = any (array(select private.my_workspace_ids('member'))));

-- feed_events: viewers read the workspace's events and their own; members post and acknowledge; admins delete.
drop policy if exists feed_events_select on public.feed_events;
create policy feed_events_select on public.feed_events for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('viewer')))
         and (user_id is null or user_id = (select auth.uid())));
drop policy if exists feed_events_insert on public.feed_events;
create policy feed_events_insert on public.feed_events for insert to authenticated
  with check (workspace_id = any (array(select private.my_workspace_ids('member'))));
drop policy if exists feed_events_update on public.feed_events;
create policy feed_events_update on public.feed_events for update to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('member')))
         and (user_id is null or user_id = (select auth.uid())))
  with check (workspace_id = any (array(select private.my_workspace_ids('member'))));
drop policy if exists feed_events_delete on public.feed_events;
create policy feed_events_delete on public.feed_events for delete to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'))));

-- email_routing_rules: viewers read, admins manage (they decide which agent gets the mail).
select private.create_workspace_policies('public.email_routing_rules', 'viewer', 'admin', 'admin');

-- ===========================================================================================
-- RPCs
-- ===========================================================================================

-- The caller's threads with unread counts: one row per non-archived thread of the caller's workspaces
-- (or of p_workspace_id), newest activity first. unread = threads.last_seq - the caller's last_read_seq:
-- no message is counted, so the cost is one index probe per thread whatever the thread length.
create or replace function public.my_threads(
  p_workspace_id uuid default null,
  p_limit integer default 200,
  p_include_archived boolean default false
)
returns table (
  thread_id uuid,
  workspace_id uuid,
  kind public.thread_kind,
  title text,
  agent_id uuid,
  session_id uuid,
  last_seq bigint,
  last_read_seq bigint,
  unread_count bigint,
  last_message_at timestamptz
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception 'p_limit must be between 1 and 1000 (got %)', p_limit using errcode = '22023';
  end if;
  return query
    select t.id, t.workspace_id, t.kind, t.title, t.agent_id, t.session_id, t.last_seq,
           coalesce(r.last_read_seq, 0),
           greatest(t.last_seq - coalesce(r.last_read_seq, 0), 0),
           t.last_message_at
    from public.threads t
    left join public.thread_reads r on r.thread_id = t.id and r.user_id = (select auth.uid())
    where (p_workspace_id is null or t.workspace_id = p_workspace_id)
      and (p_include_archived or t.archived_at is null)
    order by t.last_message_at desc nulls last, t.id
    limit p_limit;
end
$$;
revoke all on function public.my_threads(uuid, integer, boolean) from public, anon;
grant execute on function public.my_threads(uuid, integer, boolean) to authenticated, service_role;
comment on function public.my_threads(uuid, integer, boolean) is
  'The caller''s threads (all their workspaces, or one) with unread counts (last_seq - the caller''s read marker), newest activity first; p_limit 1..1000.';

-- Moves the caller's read marker of a thread forward to p_seq (default: the newest message). Returns
-- the marker. Never moves backwards, never past the newest message.
create or replace function public.mark_thread_read(p_thread_id uuid, p_seq bigint default null)
returns public.thread_reads
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_thread public.threads;
  v_row public.thread_reads;
begin
  if p_thread_id is null then
    raise exception 'p_thread_id must not be null' using errcode = '22004';
  end if;
  if p_seq is not null and p_seq < 0 then
    raise exception 'p_seq must be >= 0 (got %)', p_seq using errcode = '22023';
  end if;
  if auth.uid() is null then
    raise exception 'mark_thread_read needs a signed-in user' using errcode = '42501';
  end if;
  select * into v_thread from public.threads t where t.id = p_thread_id;
  if v_thread.id is null then
    raise exception 'thread % not found', p_thread_id using errcode = 'P0002';
  end if;
  insert into public.thread_reads (workspace_id, thread_id, user_id, last_read_seq, last_read_at)
  values (v_thread.workspace_id, p_thread_id, auth.uid(), coalesce(p_seq, v_thread.last_seq), now())
  on conflict (thread_id, user_id) do update
    set last_read_seq = excluded.last_read_seq, last_read_at = excluded.last_read_at
  returning * into v_row;
  return v_row;
end
$$;
revoke all on function public.mark_thread_read(uuid, bigint) from public, anon;
grant execute on function public.mark_thread_read(uuid, bigint) to authenticated, service_role;
comment on function public.mark_thread_read(uuid, bigint) is
  'Marks the caller''s thread read up to p_seq (default: the newest message); the marker only moves forward.';

-- Share links. The token is 16 random bytes (128 bits) as 32 hex characters, returned once.
create or replace function private.thread_share_create(p_thread_id uuid, p_expires_at timestamptz)
returns table (share_id uuid, token text, expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_thread public.threads;
  v_token text := encode(extensions.gen_random_bytes(16), 'hex');
  v_share public.thread_shares;
begin
  if p_thread_id is null then
    raise exception 'p_thread_id must not be null' using errcode = '22004';
  end if;
  if p_expires_at is not null and p_expires_at <= now() then
    raise exception 'p_expires_at must be in the future (got %)', p_expires_at using errcode = '22023';
  end if;
  select * into v_thread from public.threads t where t.id = p_thread_id;
  if v_thread.id is null then
    raise exception 'thread % not found', p_thread_id using errcode = 'P0002';
  end if;
  perform private.assert_workspace_role(v_thread.workspace_id, 'member');
  insert into public.thread_shares (workspace_id, thread_id, created_by, expires_at)
  values (v_thread.workspace_id, v_thread.id, auth.uid(), p_expires_at)
  returning * into v_share;
  insert into private.thread_share_hashes (share_id, token_hash)
  values (v_share.id, extensions.digest(v_token, 'sha256'));
  return query select v_share.id, v_token, v_share.expires_at;
end
$$;
revoke all on function private.thread_share_create(uuid, timestamptz) from public;
grant execute on function private.thread_share_create(uuid, timestamptz) to authenticated, service_role;

create or replace function public.create_thread_share(p_thread_id uuid, p_expires_at timestamptz default null)
returns table (share_id uuid, token text, expires_at timestamptz)
language sql
volatile
security invoker
set search_path = ''
as $$
  select * from private.thread_share_create(p_thread_id, p_expires_at)
$$;
revoke all on function public.create_thread_share(uuid, timestamptz) from public, anon;
grant execute on function public.create_thread_share(uuid, timestamptz) to authenticated, service_role;
comment on function public.create_thread_share(uuid, timestamptz) is
  'Creates a public read-only link to a thread (members). Returns the share id and the token (128 random bits, shown once; only its SHA-256 is kept). p_expires_at null = until revoked.';

-- The shared thread behind a live token: {thread, messages} or null when the token is unknown, revoked
-- or expired. Messages in order, soft-deleted ones left out, at most p_limit after p_after_seq.
create or replace function private.thread_share_read(p_token text, p_after_seq bigint, p_limit integer)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_share public.thread_shares;
  v_thread public.threads;
begin
  if p_token is null or p_token !~ '^[0-9a-f]{32}$' then
    return null;
  end if;
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception 'p_limit must be between 1 and 1000 (got %)', p_limit using errcode = '22023';
  end if;
  select s.* into v_share
  from private.thread_share_hashes h join public.thread_shares s on s.id = h.share_id
  where h.token_hash = extensions.digest(p_token, 'sha256')
    and s.revoked_at is null and (s.expires_at is null or s.expires_at > now());
  if v_share.id is null then
    return null;
  end if;
  select * into v_thread from public.threads t where t.id = v_share.thread_id;
  return jsonb_build_object(
    'thread', jsonb_build_object('id', v_thread.id, 'kind', v_thread.kind, 'title', v_thread.title,
                                 'model_id', v_thread.model_id, 'created_at', v_thread.created_at,
                                 'last_seq', v_thread.last_seq),
    'share', jsonb_build_object('id', v_share.id, 'expires_at', v_share.expires_at),
    'messages', coalesce((
      select jsonb_agg(jsonb_build_object('id', m.id, 'seq', m.seq, 'sender_type', m.sender_type,
                                          'content', m.content, 'parts', m.parts, 'model_id', m.model_id,
                                          'created_at', m.created_at, 'edited_at', m.edited_at) order by m.seq)
      from (select * from public.messages m
            where m.thread_id = v_thread.id and m.seq > coalesce(p_after_seq, 0) and m.deleted_at is null
            order by m.seq limit p_limit) m), '[]'::jsonb));
end
$$;
revoke all on function private.thread_share_read(text, bigint, integer) from public;
grant execute on function private.thread_share_read(text, bigint, integer) to anon, authenticated, service_role;

create or replace function public.get_shared_thread(p_token text, p_after_seq bigint default 0, p_limit integer default 500)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.thread_share_read(p_token, p_after_seq, p_limit)
$$;
revoke all on function public.get_shared_thread(text, bigint, integer) from public;
grant execute on function public.get_shared_thread(text, bigint, integer) to anon, authenticated, service_role;
comment on function public.get_shared_thread(text, bigint, integer) is
  'Anyone holding a live share token (not revoked, not expired) reads the thread: {thread, share, messages} (up to p_limit after p_after_seq). Unknown, revoked or expired tokens return null.';

-- Revokes a share link (members of its workspace). Revoking twice returns the row unchanged.
create or replace function public.revoke_thread_share(p_share_id uuid)
returns public.thread_shares
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
  v_row public.thread_shares;
begin
  if p_share_id is null then
    raise exception 'p_share_id must not be null' using errcode = '22004';
  end if;
  select * into v_row from public.thread_shares s where s.id = p_share_id;
  if v_row.id is null then
    raise exception 'share % not found', p_share_id using errcode = 'P0002';
  end if;
  if v_row.revoked_at is not null then
    return v_row;
  end if;
  update public.thread_shares s set revoked_at = now() where s.id = p_share_id returning * into v_row;
  if v_row.id is null then
    raise exception 'permission denied: cannot revoke share %', p_share_id using errcode = '42501';
  end if;
  return v_row;
end
$$;
revoke all on function public.revoke_thread_share(uuid) from public, anon;
grant execute on function public.revoke_thread_share(uuid) to authenticated, service_role;
comment on function public.revoke_thread_share(uuid) is 'Revokes a thread share link; the link reads nothing from then on. Idempotent.';

-- The agent an e-mail goes to: the first enabled rule of the workspace and direction (by priority,
-- then age) whose patterns all match. No row when nothing matches.
create or replace function public.match_email_route(
  p_workspace_id uuid,
  p_direction public.email_rule_direction,
  p_from text,
  p_to text,
  p_subject text default null
)
returns table (rule_id uuid, agent_id uuid, rule_name text)
language plpgsql
stable
security invoker
set search_path = ''
as $$
begin
  if p_workspace_id is null then
    raise exception 'p_workspace_id must not be null' using errcode = '22004';
  end if;
  if p_direction is null then
    raise exception 'p_direction must not be null' using errcode = '22004';
  end if;
  perform private.assert_workspace_role(p_workspace_id, 'viewer');
  return query
    select r.id, r.agent_id, r.name
    from public.email_routing_rules r
    where r.workspace_id = p_workspace_id and r.direction = p_direction and r.enabled
      and (r.from_pattern is null or coalesce(p_from, '') ~* r.from_pattern)
      and (r.to_pattern is null or coalesce(p_to, '') ~* r.to_pattern)
      and (r.subject_pattern is null or coalesce(p_subject, '') ~* r.subject_pattern)
    order by r.priority, r.created_at, r.id
    limit 1;
end
$$;
revoke all on function public.match_email_route(uuid, public.email_rule_direction, text, text, text) from public, anon;
grant execute on function public.match_email_route(uuid, public.email_rule_direction, text, text, text) to authenticated, service_role;
comment on function public.match_email_route(uuid, public.email_rule_direction, text, text, text) is
  'The first enabled e-mail routing rule (by priority) of the workspace and direction whose from / to / subject patterns match; returns its agent. Empty when none matches.';

-- ===========================================================================================
-- Realtime
-- ===========================================================================================

do $$
declare
  t text;
begin
  foreach t in array array['threads', 'messages', 'feed_events'] loop
    if not exists (select 1 from pg_publication_tables
                   where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = t) then
      execute format('alter publication supabase_realtime add table public.%I', t);
    end if;
  end loop;
end $$;
