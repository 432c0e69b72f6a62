-- Trials (one open per organization, a window that ends after it starts) and personalization checks.
begin;
select plan(7);

select tests.create_workspace_fixture('actri');
create table pg_temp.org as select organization_id as id from public.workspaces where id = tests.workspace_id('actri');

insert into public.user_trials (organization_id, plan, ends_at) select id, 'team', now() + interval '14 days' from pg_temp.org;
select throws_ok($$ insert into public.user_trials (organization_id, plan, ends_at) select id, 'pro', now() + interval '7 days' from pg_temp.org $$,
  '23505', null, 'a second open trial for the same organization is refused');
update public.user_trials set cancelled_at = now() where organization_id = (select id from pg_temp.org);
select lives_ok($$ insert into public.user_trials (organization_id, plan, ends_at) select id, 'pro', now() + interval '7 days' from pg_temp.org $$,
  'once the first trial is closed, a new one may start');
select throws_ok($$ insert into public.user_trials (organization_id, plan, started_at, ends_at) select id, 'pro', now(), now() - interval '1 day' from pg_temp.org $$,
  '23514', null, 'a trial must end after it starts');
select throws_ok($$ update public.user_trials set converted_at = now() where cancelled_at is not null and organization_id = (select id from pg_temp.org) $$,
  '23514', null, 'a trial is either converted or cancelled, not both');
select throws_ok($$ insert into public.user_trials (organization_id, plan, ends_at) select id, 'free', now() + interval '1 day' from pg_temp.org $$,
  '23514', null, 'trials are for paid plans only');

select tests.authenticate_as('actri_member');
select throws_ok($$ insert into public.user_personalization (user_id, social_handles) values (auth.uid(), '["x"]') $$, '23514', null,
  'social_handles must be a JSON object');
select throws_ok($$ insert into public.user_personalization (user_id, occupation) values (auth.uid(), repeat('x', 201)) $$, '23514', null,
  'occupation is limited to 200 characters');

select tests.clear_authentication();
select * from finish();
rollback;
