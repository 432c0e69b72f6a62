-- ==================================================================================================
-- Per-user trials as well as per-organization ones (docs/accounts.md "Trials").
--
-- A trial always belongs to an organization (the billing owner). user_id null: the organization's trial
-- (everyone who can see the organization sees it); user_id set: that user's own trial inside the
-- organization (the enterprise platform's per-user trials), seen only by that user. Until now user_id was
-- only informative and one open trial per organization was allowed in total; now:
--   - at most one open organization trial per organization (user_trials_one_open_idx, redefined with
--     `user_id is null`; the name is kept so that re-applying the accounts migration, which creates it
--     `if not exists`, leaves this definition alone);
--   - at most one open personal trial per user, across organizations (user_trials_one_open_per_user_idx);
--   - a user's personal trials go when the user is deleted (the foreign key cascades instead of setting
--     null, which would have turned a personal trial into the organization's);
--   - RLS: organization trials for everyone who can see the organization, personal trials for their user.
-- Writes stay with billing code (service_role); there is no RPC that starts or reads trials.
-- Existing rows with user_id set become personal trials; if one user had two open ones, creating the
-- per-user index fails with 23505 naming the user: close one of them first.
-- Runs as the non-superuser `postgres` role; every statement is idempotent.
-- ==================================================================================================

do $$
begin
  if not exists (select 1 from pg_indexes where schemaname = 'public' and indexname = 'user_trials_one_open_idx'
                 and indexdef like '%user_id IS NULL%') then
    drop index if exists public.user_trials_one_open_idx;
    create unique index user_trials_one_open_idx on public.user_trials (organization_id)
      where user_id is null and converted_at is null and cancelled_at is null;
  end if;
end $$;

create unique index if not exists user_trials_one_open_per_user_idx on public.user_trials (user_id)
  where user_id is not null and converted_at is null and cancelled_at is null;

do $$
begin
  if exists (select 1 from pg_constraint where conrelid = 'public.user_trials'::regclass
             and conname = 'user_trials_user_id_fkey' and confdeltype <> 'c') then
    alter table public.user_trials drop constraint user_trials_user_id_fkey;
    alter table public.user_trials add constraint user_trials_user_id_fkey
      foreign key (user_id) references auth.users (id) on delete cascade;
  end if;
end $$;

drop policy if exists user_trials_select on public.user_trials;
create policy user_trials_select on public.user_trials for select to authenticated
  using (
    user_id = (select auth.uid())
    or (user_id is null and organization_id = any (array(select private.my_organization_ids())))
  );

comment on table public.user_trials is
  'Trial windows (written by billing with service_role). user_id null: the organization''s trial, at most one open per organization, readable by everyone who can see the organization. user_id set: that user''s personal trial inside the organization, at most one open per user, readable only by that user.';
comment on column public.user_trials.user_id is
  'Null for an organization trial; the user whose personal trial this is otherwise (deleted with the user).';
