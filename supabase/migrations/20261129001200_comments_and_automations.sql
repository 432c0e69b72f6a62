-- Comments on tasks and contacts (@mentions parsed into columns, edits keep the previous bodies), contact
-- automation rules, and the triggers that put exactly one item in an agent's inbox per event:
--   task assigned or reassigned to an agent      -> task_assignment / task_reassignment
--   agent @mentioned in a comment                -> task_comment_mention / contact_comment_mention
--   contact created / changed, matching a rule   -> contact_created / contact_status_changed / contact_updated
-- Dedup keys name the event (task id + assignment_version, comment id + revision, rule + contact +
-- contact version), so a retried delivery of the same event finds its live item and two real changes
-- make two items. See docs/work-and-crm.md. Idempotent; runs as the non-superuser `postgres` role.

-- ============================================================================================ enums

-- Entities a comment can be attached to (documents join when the knowledge domain lands).
do $$
begin
  create type public.comment_entity_type as enum ('task', 'contact');
exception when duplicate_object then null;
end $$;

do $$
begin
  create type public.automation_condition as enum ('created', 'changed_to', 'changed_from', 'any_change');
exception when duplicate_object then null;
end $$;

-- ============================================================================================ comments

create table if not exists public.comments (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  entity_type public.comment_entity_type not null,
  entity_id uuid not null,
  -- The entity as typed columns, so foreign keys keep it in the workspace and cascade its deletion.
  task_id uuid generated always as (case when entity_type = 'task'::public.comment_entity_type then entity_id end) stored,
  contact_id uuid generated always as (case when entity_type = 'contact'::public.comment_entity_type then entity_id end) stored,
  parent_id uuid,
  body text not null check (length(btrim(body)) between 1 and 20000),
  -- Parsed from body by the database: the @handles (lowercase, in order of appearance), and what they
  -- resolved to in the workspace (agents by slug, members by the local part of their e-mail address).
  mentions text[] not null default '{}',
  mentioned_agent_ids uuid[] not null default '{}',
  mentioned_user_ids uuid[] not null default '{}',
  -- A member, an agent, or neither (system).
  author_user_id uuid default auth.uid() references auth.users (id) on delete set null,
  author_agent_id uuid,
  revision integer not null default 1,
  edited_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint comments_workspace_id_id_key unique (workspace_id, id),
  constraint comments_one_author_check check (num_nonnulls(author_user_id, author_agent_id) <= 1),
  constraint comments_task_fkey foreign key (workspace_id, task_id)
    references public.tasks (workspace_id, id) on delete cascade,
  constraint comments_contact_fkey foreign key (workspace_id, contact_id)
    references public.contacts (workspace_id, id) on delete cascade,
  constraint comments_parent_fkey foreign key (workspace_id, parent_id)
    references public.comments (workspace_id, id) on delete cascade,
  constraint comments_author_agent_fkey foreign key (workspace_id, author_agent_id)
    references public.agents (workspace_id, id) on delete set null (author_agent_id)
);
create index if not exists comments_entity_idx on public.comments (workspace_id, entity_type, entity_id, created_at);
create index if not exists comments_workspace_task_idx on public.comments (workspace_id, task_id);
create index if not exists comments_workspace_contact_idx on public.comments (workspace_id, contact_id);
create index if not exists comments_workspace_parent_idx on public.comments (workspace_id, parent_id);
create index if not exists comments_workspace_author_agent_idx on public.comments (workspace_id, author_agent_id);
create index if not exists comments_author_user_id_idx on public.comments (author_user_id);
create index if not exists comments_mentioned_agent_ids_idx on public.comments using gin (mentioned_agent_ids);

-- Previous bodies of edited comments (append-only; written by the comments trigger).
create table if not exists public.comment_revisions (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  comment_id uuid not null,
  revision integer not null,
  body text not null,
  mentions text[] not null default '{}',
  edited_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint comment_revisions_key unique (comment_id, revision),
  constraint comment_revisions_comment_fkey foreign key (workspace_id, comment_id)
    references public.comments (workspace_id, id) on delete cascade
);
create index if not exists comment_revisions_workspace_comment_idx on public.comment_revisions (workspace_id, comment_id);
create index if not exists comment_revisions_edited_by_idx on public.comment_revisions (edited_by);

-- ============================================================================================ automation rules

create table if not exists public.automation_rules (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  entity_type public.crm_entity_type not null default 'contact' check (entity_type = 'contact'),
  condition public.automation_condition not null,
  -- stage_key | priority | relationship_strength | custom_fields.<key>; null for `created`.
  field text,
  -- The value for changed_to / changed_from (as text); null otherwise.
  value text,
  -- {name}, {new_value}, {old_value} are replaced when the rule fires.
  summary_template text not null,
  agent_id uuid not null,
  priority integer not null default 0 check (priority between -1000 and 1000),
  is_active boolean not null default true,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint automation_rules_agent_fkey foreign key (workspace_id, agent_id)
    references public.agents (workspace_id, id) on delete cascade
);
create index if not exists automation_rules_active_idx on public.automation_rules (workspace_id, entity_type) where is_active;
create index if not exists automation_rules_workspace_agent_idx on public.automation_rules (workspace_id, agent_id);
create index if not exists automation_rules_created_by_idx on public.automation_rules (created_by);

-- ============================================================================================ comments: triggers

-- The @handles of a text: "@" not preceded by a word character, "@" or ".", then a handle of letters,
-- digits, ".", "_", "-" (trailing punctuation dropped). Lowercase, distinct, in order of appearance.
create or replace function private.parse_mentions(p_body text)
returns text[]
language sql
immutable
set search_path = ''
as $$
  select coalesce(array_agg(h order by first_pos), '{}')
  from (
    select h, min(n) as first_pos
    from (
      select rtrim(lower(m[1]), '._-') as h, n
      from regexp_matches(coalesce(p_body, ''), '(?:^|[^[:alnum:]_@.])@([[:alnum:]][[:alnum:]._-]{0,99})', 'g')
        with ordinality as t (m, n)
    ) x
    where h <> ''
    group by h
  ) y
$$;
revoke all on function private.parse_mentions(text) from public;
grant execute on function private.parse_mentions(text) to authenticated, service_role;

create or replace function private.comments_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    if (new.workspace_id, new.entity_type, new.entity_id, new.parent_id)
       is distinct from (old.workspace_id, old.entity_type, old.entity_id, old.parent_id) then
      raise exception 'comments: workspace_id, entity_type, entity_id and parent_id cannot be changed' using errcode = '22023';
    end if;
    if (new.author_user_id, new.author_agent_id) is distinct from (old.author_user_id, old.author_agent_id)
       and pg_trigger_depth() = 1 then
      raise exception 'author_user_id: the author of a comment cannot be changed' using errcode = '22023';
    end if;
    new.created_at := old.created_at;
    if new.body is not distinct from old.body then
      new.mentions := old.mentions;
      new.mentioned_agent_ids := old.mentioned_agent_ids;
      new.mentioned_user_ids := old.mentioned_user_ids;
      new.revision := old.revision;
      new.edited_at := old.edited_at;
      return new;
    end if;
    insert into public.comment_revisions (workspace_id, comment_id, revision, body, mentions, edited_by)
    values (old.workspace_id, old.id, old.revision, old.body, old.mentions, auth.uid());
    new.revision := old.revision + 1;
    new.edited_at := now();
  else
    new.revision := 1;
    new.edited_at := null;
    if new.entity_type = 'task' and not exists (
      select 1 from public.tasks t where t.workspace_id = new.workspace_id and t.id = new.entity_id) then
      raise exception 'entity_id: task % is not in workspace %', new.entity_id, new.workspace_id using errcode = '23503';
    elsif new.entity_type = 'contact' and not exists (
      select 1 from public.contacts c where c.workspace_id = new.workspace_id and c.id = new.entity_id) then
      raise exception 'entity_id: contact % is not in workspace %', new.entity_id, new.workspace_id using errcode = '23503';
    end if;
    if new.parent_id is not null and not exists (
      select 1 from public.comments c
      where c.workspace_id = new.workspace_id and c.id = new.parent_id
        and c.entity_type = new.entity_type and c.entity_id = new.entity_id) then
      raise exception 'parent_id: comment % is not on the same % in workspace %', new.parent_id, new.entity_type, new.workspace_id
        using errcode = '23503';
    end if;
    if new.author_agent_id is not null and not exists (
      select 1 from public.agents a where a.workspace_id = new.workspace_id and a.id = new.author_agent_id) then
      raise exception 'author_agent_id: agent % is not in workspace %', new.author_agent_id, new.workspace_id
        using errcode = '23503';
    end if;
  end if;

  new.mentions := private.parse_mentions(new.body);
  new.mentioned_agent_ids := coalesce((
    select array_agg(a.id order by array_position(new.mentions, a.slug))
    from public.agents a where a.workspace_id = new.workspace_id and a.slug = any (new.mentions)), '{}');
  -- Handles that are not agent slugs: members by the local part of their e-mail address.
  new.mentioned_user_ids := coalesce((
    select array_agg(distinct m.user_id)
    from public.workspace_members m
    join public.profiles p on p.id = m.user_id
    where m.workspace_id = new.workspace_id
      and lower(split_part(p.email, '@', 1)) = any (new.mentions)
      and not exists (select 1 from public.agents a
                      where a.workspace_id = new.workspace_id and a.slug = lower(split_part(p.email, '@', 1)))), '{}');
  return new;
end
$$;
revoke all on function private.comments_before_write() from public;

-- ============================================================================================ inbox feeders

-- Inbox priority of a task priority.
create or replace function private.task_inbox_priority(p_priority public.priority_level)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case p_priority when 'urgent' then 100 when 'high' then 50 when 'medium' then 0 else -50 end
$$;
revoke all on function private.task_inbox_priority(public.priority_level) from public;

-- Task assigned (insert with an agent, or a change of assignee to an agent) -> one item for the new
-- agent, none for the previous assignee. Key: task-assigned:<task>:<assignment_version>.
create or replace function private.tasks_enqueue_assignment()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_first boolean;
begin
  if new.assignee_agent_id is null then
    return null;
  end if;
  if tg_op = 'UPDATE' and new.assignment_version = old.assignment_version then
    return null;
  end if;
  v_first := tg_op = 'INSERT' or num_nonnulls(old.assignee_user_id, old.assignee_agent_id) = 0;
  perform private.enqueue_inbox_item_unchecked(
    new.assignee_agent_id,
    case when v_first then 'task_assignment' else 'task_reassignment' end,
    left(case when v_first then 'Task assigned: ' else 'Task reassigned to you: ' end || new.title, 1000),
    jsonb_build_object(
      'task_id', new.id,
      'title', new.title,
      'status', new.status,
      'priority', new.priority,
      'due_at', new.due_at,
      'assignment_version', new.assignment_version,
      'previous_assignee_agent_id', case when tg_op = 'UPDATE' then old.assignee_agent_id end,
      'previous_assignee_user_id', case when tg_op = 'UPDATE' then old.assignee_user_id end,
      'series_id', new.series_id,
      'assigned_by', auth.uid()),
    'task', new.id,
    private.task_inbox_priority(new.priority),
    null, 3,
    'task-assigned:' || new.id || ':' || new.assignment_version,
    false);
  return null;
end
$$;
revoke all on function private.tasks_enqueue_assignment() from public;

-- Agents @mentioned in a comment -> one item each; on an edit only the newly mentioned ones; never the
-- agent that wrote the comment. Key: comment-mention:<comment>:<revision>:<agent>.
create or replace function private.comments_enqueue_mentions()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_agent uuid;
  v_title text;
begin
  if tg_op = 'UPDATE' and new.revision = old.revision then
    return null;
  end if;
  if new.entity_type = 'task' then
    select t.title into v_title from public.tasks t where t.id = new.entity_id;
  else
    select c.full_name into v_title from public.contacts c where c.id = new.entity_id;
  end if;
  for v_agent in
    select a from unnest(new.mentioned_agent_ids) with ordinality u (a, n)
    where a is distinct from new.author_agent_id
      and (tg_op = 'INSERT' or not a = any (old.mentioned_agent_ids))
    order by n
  loop
    perform private.enqueue_inbox_item_unchecked(
      v_agent,
      new.entity_type || '_comment_mention',
      left('Mentioned on ' || new.entity_type || ' "' || coalesce(v_title, '?') || '": ' || new.body, 1000),
      jsonb_build_object(
        'comment_id', new.id,
        'entity_type', new.entity_type,
        'entity_id', new.entity_id,
        'revision', new.revision,
        'author_user_id', new.author_user_id,
        'author_agent_id', new.author_agent_id,
        'body', left(new.body, 4000)),
      'comment', new.id,
      0, null, 3,
      'comment-mention:' || new.id || ':' || new.revision || ':' || v_agent,
      false);
  end loop;
  return null;
end
$$;
revoke all on function private.comments_enqueue_mentions() from public;

-- A contact field as text, for rules: stage_key, priority, relationship_strength, custom_fields.<key>.
create or replace function private.contact_field_text(p_contact public.contacts, p_field text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when p_field = 'stage_key' then p_contact.stage_key
    when p_field = 'priority' then p_contact.priority::text
    when p_field = 'relationship_strength' then p_contact.relationship_strength::text
    when p_field like 'custom\_fields.%' then
      case jsonb_typeof(p_contact.custom_fields -> substr(p_field, 15))
        when 'string' then p_contact.custom_fields ->> substr(p_field, 15)
        when 'number' then trim_scale((p_contact.custom_fields ->> substr(p_field, 15))::numeric)::text
        when 'null' then null
        else (p_contact.custom_fields -> substr(p_field, 15))::text
      end
  end
$$;
revoke all on function private.contact_field_text(public.contacts, text) from public;

-- Contact created / changed -> one item per matching active rule. Keys:
--   created:  contact-created:<rule>:<contact>
--   changes:  contact-rule:<rule>:<contact>:<contact version>  (version +1 on every update)
create or replace function private.contacts_run_automations()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  r public.automation_rules%rowtype;
  v_old text;
  v_new text;
  v_summary text;
begin
  for r in
    select * from public.automation_rules ar
    where ar.workspace_id = new.workspace_id and ar.entity_type = 'contact' and ar.is_active
      and (ar.condition = 'created') = (tg_op = 'INSERT')
    order by ar.created_at, ar.id
  loop
    v_old := case when tg_op = 'UPDATE' then private.contact_field_text(old, r.field) end;
    v_new := case when r.field is not null then private.contact_field_text(new, r.field) end;
    if r.condition <> 'created' then
      continue when v_old is not distinct from v_new;
      continue when r.condition = 'changed_to' and v_new is distinct from r.value;
      continue when r.condition = 'changed_from' and v_old is distinct from r.value;
    end if;
    v_summary := replace(replace(replace(r.summary_template,
      '{name}', new.full_name), '{new_value}', coalesce(v_new, '(empty)')), '{old_value}', coalesce(v_old, '(empty)'));
    perform private.enqueue_inbox_item_unchecked(
      r.agent_id,
      case when r.condition = 'created' then 'contact_created'
           when r.field = 'stage_key' then 'contact_status_changed'
           else 'contact_updated' end,
      left(v_summary, 4000),
      jsonb_build_object(
        'rule_id', r.id,
        'rule_name', r.name,
        'condition', r.condition,
        'field', r.field,
        'old_value', v_old,
        'new_value', v_new,
        'contact_id', new.id,
        'contact_name', new.full_name,
        'contact_version', new.version),
      'contact', new.id,
      r.priority, null, 3,
      case when r.condition = 'created' then 'contact-created:' || r.id || ':' || new.id
           else 'contact-rule:' || r.id || ':' || new.id || ':' || new.version end,
      false);
  end loop;
  return null;
end
$$;
revoke all on function private.contacts_run_automations() from public;

-- Rules are checked when saved: known field (custom fields must be defined for contacts), a value that
-- fits the field for changed_to / changed_from, a template using only {name} {new_value} {old_value},
-- an agent of the same workspace. 22004 / 22023 / 23503 naming the column.
create or replace function private.automation_rules_before_write()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_def public.field_definitions%rowtype;
  v_key text;
  v_placeholder text;
begin
  if tg_op = 'UPDATE' then
    if new.workspace_id is distinct from old.workspace_id then
      raise exception 'automation_rules: workspace_id cannot be changed' using errcode = '22023';
    end if;
    new.created_by := old.created_by;
  end if;

  if not exists (select 1 from public.agents a where a.workspace_id = new.workspace_id and a.id = new.agent_id) then
    raise exception 'agent_id: agent % is not in workspace %', new.agent_id, new.workspace_id using errcode = '23503';
  end if;

  if new.condition = 'created' then
    if new.field is not null or new.value is not null then
      raise exception 'field: a "created" rule takes no field and no value' using errcode = '22023';
    end if;
  else
    if new.field is null then
      raise exception 'field must not be null for condition %', new.condition using errcode = '22004';
    end if;
    if new.field like 'custom\_fields.%' then
      v_key := substr(new.field, 15);
      select * into v_def from public.field_definitions f
      where f.workspace_id = new.workspace_id and f.entity_type = 'contact' and f.field_key = v_key;
      if not found then
        raise exception 'field: custom field "%" is not defined for contacts in this workspace', left(v_key, 80)
          using errcode = '22023';
      end if;
    elsif new.field not in ('stage_key', 'priority', 'relationship_strength') then
      raise exception 'field: unknown field "%" (allowed: stage_key, priority, relationship_strength, custom_fields.<key>)',
        left(new.field, 80) using errcode = '22023';
    end if;

    if new.condition = 'any_change' then
      if new.value is not null then
        raise exception 'value: an "any_change" rule takes no value' using errcode = '22023';
      end if;
    else
      if new.value is null then
        raise exception 'value must not be null for condition %', new.condition using errcode = '22004';
      end if;
      if new.field = 'stage_key' and not exists (
        select 1 from public.pipeline_stages s
        where s.workspace_id = new.workspace_id and s.entity_type = 'contact' and s.stage_key = new.value) then
        raise exception 'value: "%" is not a pipeline stage for contacts in this workspace', left(new.value, 80)
          using errcode = '22023';
      elsif new.field = 'priority' and not new.value = any (enum_range(null::public.priority_level)::text[]) then
        raise exception 'value: "%" is not a priority (urgent, high, medium, low)', left(new.value, 80) using errcode = '22023';
      elsif new.field = 'relationship_strength' and new.value not in ('1', '2', '3', '4', '5') then
        raise exception 'value: relationship_strength is 1 to 5 (got "%")', left(new.value, 80) using errcode = '22023';
      elsif v_key is not null then
        if v_def.field_type = 'multiselect' then
          raise exception 'condition: % is not supported on multiselect field "%"; use any_change', new.condition, v_key
            using errcode = '22023';
        end if;
        begin
          perform private.validate_custom_fields(new.workspace_id, 'contact',
            jsonb_build_object(v_key, case v_def.field_type
              when 'number' then to_jsonb(new.value::numeric)
              when 'boolean' then to_jsonb(new.value::boolean)
              else to_jsonb(new.value) end));
        exception
          when invalid_text_representation then
            raise exception 'value: "%" is not a valid % for custom field "%"', left(new.value, 80), v_def.field_type, v_key
              using errcode = '22023';
          when sqlstate '22023' then
            raise exception 'value: %', sqlerrm using errcode = '22023';
          when sqlstate '22004' then
            null; -- another required field is absent from this one-field probe; the value itself passed
        end;
        if v_def.field_type in ('number', 'boolean') then
          -- Compare in the canonical text the trigger sees (numbers without trailing zeros, true/false).
          new.value := case v_def.field_type
            when 'number' then trim_scale(new.value::numeric)::text else to_jsonb(new.value::boolean)::text end;
        end if;
      end if;
    end if;
  end if;

  if new.summary_template is null then
    raise exception 'summary_template must not be null' using errcode = '22004';
  end if;
  if length(btrim(new.summary_template)) not between 1 and 2000 then
    raise exception 'summary_template must be 1 to 2000 characters' using errcode = '22023';
  end if;
  if regexp_replace(new.summary_template, '\{[a-z_]+\}', '', 'g') ~ '[{}]' then
    raise exception 'summary_template: unbalanced or malformed braces (placeholders are {name}, {new_value}, {old_value})'
      using errcode = '22023';
  end if;
  for v_placeholder in select m[1] from regexp_matches(new.summary_template, '\{([a-z_]+)\}', 'g') m loop
    if v_placeholder not in ('name', 'new_value', 'old_value') then
      raise exception 'summary_template: unknown placeholder {%} (allowed: {name}, {new_value}, {old_value})', v_placeholder
        using errcode = '22023';
    end if;
    if new.condition = 'created' and v_placeholder <> 'name' then
      raise exception 'summary_template: {%} has no meaning for a "created" rule (use {name})', v_placeholder
        using errcode = '22023';
    end if;
  end loop;
  return new;
end
$$;
revoke all on function private.automation_rules_before_write() from public;

-- ============================================================================================ triggers

drop trigger if exists comments_before_write on public.comments;
create trigger comments_before_write before insert or update on public.comments
  for each row execute function private.comments_before_write();
drop trigger if exists comments_set_updated_at on public.comments;
create trigger comments_set_updated_at before update on public.comments
  for each row execute function private.set_updated_at();
drop trigger if exists comments_enqueue_mentions on public.comments;
create trigger comments_enqueue_mentions after insert or update of body on public.comments
  for each row execute function private.comments_enqueue_mentions();

drop trigger if exists comment_revisions_append_only on public.comment_revisions;
create trigger comment_revisions_append_only before update or delete on public.comment_revisions
  for each row execute function private.queue_events_append_only();

drop trigger if exists tasks_enqueue_assignment on public.tasks;
create trigger tasks_enqueue_assignment after insert or update of assignee_agent_id, assignee_user_id on public.tasks
  for each row execute function private.tasks_enqueue_assignment();

drop trigger if exists contacts_run_automations on public.contacts;
create trigger contacts_run_automations after insert or update on public.contacts
  for each row execute function private.contacts_run_automations();

drop trigger if exists automation_rules_before_write on public.automation_rules;
create trigger automation_rules_before_write before insert or update on public.automation_rules
  for each row execute function private.automation_rules_before_write();
drop trigger if exists automation_rules_set_updated_at on public.automation_rules;
create trigger automation_rules_set_updated_at before update on public.automation_rules
  for each row execute function private.set_updated_at();

-- ============================================================================================ grants, RLS

revoke all on table public.comments, public.comment_revisions, public.automation_rules from anon, authenticated;
grant select, insert, update, delete on table public.comments, public.automation_rules to authenticated, service_role;
-- Revisions are written by the comments trigger only.
revoke all on table public.comment_revisions from service_role;
grant select on table public.comment_revisions to authenticated, service_role;

alter table public.comments enable row level security;
alter table public.comment_revisions enable row level security;
alter table public.automation_rules enable row level security;

-- comments: viewers read; members write as themselves; authors edit their own; authors or admins delete.
drop policy if exists comments_select on public.comments;
create policy comments_select on public.comments for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('viewer'::public.workspace_role))));
drop policy if exists comments_insert on public.comments;
create policy comments_insert on public.comments for insert to authenticated
  with check (workspace_id = any (array(select private.my_workspace_ids('member'::public.workspace_role)))
              and author_user_id = (select auth.uid()) and author_agent_id is null);
drop policy if exists comments_update on public.comments;
create policy comments_update on public.comments for update to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('member'::public.workspace_role)))
         and author_user_id = (select auth.uid()))
  with check (workspace_id = any (array(select private.my_workspace_ids('member'::public.workspace_role)))
              and author_user_id = (select auth.uid()));
drop policy if exists comments_delete on public.comments;
create policy comments_delete on public.comments for delete to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('admin'::public.workspace_role)))
         or (author_user_id = (select auth.uid())
             and workspace_id = any (array(select private.my_workspace_ids('member'::public.workspace_role)))));

drop policy if exists comment_revisions_select on public.comment_revisions;
create policy comment_revisions_select on public.comment_revisions for select to authenticated
  using (workspace_id = any (array(select private.my_workspace_ids('viewer'::public.workspace_role))));

-- Rules wake agents: admins manage them, members can read them.
select private.create_workspace_policies('public.automation_rules', 'viewer', 'admin', 'admin');

-- ============================================================================================ realtime

do $$
declare
  t text;
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    foreach t in array array['tasks', 'comments'] loop
      if not exists (select 1 from pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = t) then
        execute format('alter publication supabase_realtime add table public.%I', t);
      end if;
    end loop;
  end if;
end $$;

-- ============================================================================================ docs

comment on table public.comments is 'Comments on tasks and contacts; @mentions parsed into mentions / mentioned_agent_ids / mentioned_user_ids; edits keep history in comment_revisions and wake newly mentioned agents.';
comment on column public.comments.mentions is 'The @handles in body (lowercase, in order), parsed by the database.';
comment on column public.comments.mentioned_agent_ids is 'Agents of the workspace whose slug was @mentioned.';
comment on column public.comments.mentioned_user_ids is 'Members whose e-mail local part was @mentioned (handles that are not agent slugs).';
comment on column public.comments.revision is 'Starts at 1, +1 on each edit of body; the previous body is in comment_revisions.';
comment on table public.comment_revisions is 'Append-only history of comment bodies: one row per replaced revision.';
comment on table public.automation_rules is 'Contact automation rules: created / changed_to / changed_from / any_change on a field; each match puts one item in the target agent''s inbox.';
comment on column public.automation_rules.field is 'stage_key, priority, relationship_strength or custom_fields.<key> (a defined contact field); null for created.';
comment on column public.automation_rules.summary_template is 'Inbox summary; {name}, {new_value}, {old_value} are replaced when the rule fires.';
