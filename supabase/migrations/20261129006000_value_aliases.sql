-- Value aliases: where a system that agentbase replaces spelled a value differently, the database either
-- accepts the old spelling and stores the canonical one (an alias normalised on write), or the porting
-- guide maps it once when rows move (docs/porting/*.md). This file holds the aliases normalised on write
-- and the catalogue of every mapping, so the guides and the database agree on one list.
--
-- Normalised on write (old apps keep writing; reads return the canonical value):
--   agents.status  active -> online, sleeping -> paused, destroyed -> archived (personal-agent platform)
-- Mapped once by the guides (see private.value_aliases.handling):
--   HQ inbox status failed, HQ command status values, sender type USER/AGENT/SYSTEM, knowledge source
--   halo_onboarding, cost in cents.
-- Runs as the non-superuser `postgres` role; every statement is idempotent.

-- ===========================================================================================
-- The catalogue: one row per old value, its canonical value here and how it is handled.
-- ===========================================================================================

create table if not exists private.value_aliases (
  vocabulary text not null,
  alias text not null,
  canonical text not null,
  source_system text not null,
  handling text not null,
  note text not null default '',
  primary key (vocabulary, alias),
  constraint value_aliases_handling_check check (handling in ('normalised_on_write', 'mapped_on_port'))
);
comment on table private.value_aliases is
  'Old spellings of values from the systems agentbase replaces, their canonical value here, and whether the database normalises them on write or the porting guide maps them once.';

insert into private.value_aliases (vocabulary, alias, canonical, source_system, handling, note) values
  ('agent_status', 'active', 'online', 'personal-agent', 'normalised_on_write',
   'The personal-agent app writes status directly; the alias keeps its writes working.'),
  ('agent_status', 'sleeping', 'paused', 'personal-agent', 'normalised_on_write',
   'A sleeping agent is not woken: the inbox dispatcher skips paused agents.'),
  ('agent_status', 'destroyed', 'archived', 'personal-agent', 'normalised_on_write',
   'Kept for history and never woken, as archived.'),
  ('inbox_item_status', 'failed', 'pending', 'hq', 'mapped_on_port',
   'HQ failed = retryable and re-leasable: here a pending row with attempt > 0 and last_error set.'),
  ('command_status', 'failed', 'failed', 'hq', 'mapped_on_port', 'Same meaning (final).'),
  ('message_sender_type', 'USER', 'user', 'enterprise', 'mapped_on_port', 'Lower-cased.'),
  ('message_sender_type', 'AGENT', 'agent', 'enterprise', 'mapped_on_port', 'Lower-cased.'),
  ('message_sender_type', 'SYSTEM', 'system', 'enterprise', 'mapped_on_port', 'Lower-cased.'),
  ('knowledge_source', 'halo_onboarding', 'onboarding', 'personal-agent', 'mapped_on_port',
   'The product name is dropped from the vocabulary; the original value is kept in metadata.'),
  ('cost_unit', 'cents', 'usd', 'enterprise', 'mapped_on_port',
   'Integer cents divided by 100 into numeric USD; a number cannot say which unit it is in, so no write alias.')
on conflict (vocabulary, alias) do update
  set canonical = excluded.canonical, source_system = excluded.source_system,
      handling = excluded.handling, note = excluded.note;

revoke all on table private.value_aliases from public, anon, authenticated;
grant select on table private.value_aliases to service_role;

-- The canonical value of an old spelling (the value itself when it is not an alias). Used by the
-- porting SQL; stable because the catalogue is data.
create or replace function private.canonical_value(p_vocabulary text, p_value text)
returns text
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select a.canonical from private.value_aliases a where a.vocabulary = p_vocabulary and a.alias = p_value),
    p_value)
$$;
revoke all on function private.canonical_value(text, text) from public, anon, authenticated;
grant execute on function private.canonical_value(text, text) to service_role;
comment on function private.canonical_value(text, text) is
  'The agentbase value for an old system''s spelling (from private.value_aliases); the value itself when it is no alias.';

-- ===========================================================================================
-- agents.status: the personal-agent platform's lifecycle words, accepted and normalised.
-- The enum carries the three aliases so the write parses; a BEFORE trigger replaces them and a CHECK
-- guarantees they are never stored (reads always see offline / online / paused / error / archived).
-- ===========================================================================================

do $$
begin
  if not exists (select 1 from pg_enum e join pg_type t on t.oid = e.enumtypid
                 join pg_namespace n on n.oid = t.typnamespace
                 where n.nspname = 'public' and t.typname = 'agent_status' and e.enumlabel = 'active') then
    alter type public.agent_status add value 'active';
  end if;
  if not exists (select 1 from pg_enum e join pg_type t on t.oid = e.enumtypid
                 join pg_namespace n on n.oid = t.typnamespace
                 where n.nspname = 'public' and t.typname = 'agent_status' and e.enumlabel = 'sleeping') then
    alter type public.agent_status add value 'sleeping';
  end if;
  if not exists (select 1 from pg_enum e join pg_type t on t.oid = e.enumtypid
                 join pg_namespace n on n.oid = t.typnamespace
                 where n.nspname = 'public' and t.typname = 'agent_status' and e.enumlabel = 'destroyed') then
    alter type public.agent_status add value 'destroyed';
  end if;
end
$$;

create or replace function private.agents_normalise_status()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- Compared as text: the alias labels are never used as enum literals in code.
  if new.status::text in ('active', 'sleeping', 'destroyed') then
    new.status := (case new.status::text
      when 'active' then 'online'
      when 'sleeping' then 'paused'
      else 'archived' end)::public.agent_status;
  end if;
  return new;
end
$$;
revoke all on function private.agents_normalise_status() from public;

drop trigger if exists agents_normalise_status on public.agents;
create trigger agents_normalise_status
  before insert or update of status on public.agents
  for each row execute function private.agents_normalise_status();

do $$
begin
  if not exists (select 1 from pg_constraint where conname = 'agents_status_canonical'
                 and conrelid = 'public.agents'::regclass) then
    alter table public.agents add constraint agents_status_canonical
      check (status::text not in ('active', 'sleeping', 'destroyed'));
  end if;
end
$$;

comment on column public.agents.status is
  'offline / online / paused / error / archived. The personal-agent words are accepted on write and stored as: active -> online, sleeping -> paused, destroyed -> archived (never stored as such).';
