-- Trials (one open organization trial per organization, one open personal trial per user, a window that
-- ends after it starts; who reads which) and personalization checks.
begin;
select plan(21);

select tests.create_workspace_fixture('actri');
create table pg_temp.org as select organization_id as id from public.workspaces where id = tests.workspace_id('actri');
select tests.create_workspace_fixture('actrj');
create table pg_temp.other_org as select organization_id as id from public.workspaces where id = tests.workspace_id('actrj');
grant select on pg_temp.org, pg_temp.other_org to anon, authenticated, service_role;

insert into public.user_trials (organization_id, plan, ends_at) select id, 'team', now() + interval '14 days' from pg_temp.org;
select throws_ok($$ insert into public.user_trials (organization_id, plan, ends_at) select id, 'pro', now() + interval '7 days' from pg_temp.org $$,
  '23505', null, 'a second open organization trial for the same organization is refused');
update public.user_trials set cancelled_at = now() where organization_id = (select id from pg_temp.org);
select lives_ok($$ insert into public.user_trials (organization_id, plan, ends_at) select id, 'pro', now() + interval '7 days' from pg_temp.org $$,
  'once the first trial is closed, a new one may start');
select throws_ok($$ insert into public.user_trials (organization_id, plan, started_at, ends_at) select id, 'pro', now(), now() - interval '1 day' from pg_temp.org $$,
  '23514', null, 'a trial must end after it starts');
select throws_ok($$ update public.user_trials set converted_at = now() where cancelled_at is not null and organization_id = (select id from pg_temp.org) $$,
  '23514', null, 'a trial is either converted or cancelled, not both');
select throws_ok($$ insert into public.user_trials (organization_id, plan, ends_at) select id, 'free', now() + interval '1 day' from pg_temp.org $$,
  '23514', null, 'trials are for paid plans only');

-- Personal trials (user_id set) live beside the organization's, one open per user.
insert into public.user_trials (organization_id, user_id, plan, ends_at)
select id, tests.user_id('actri_member'), 'pro', now() + interval '14 days' from pg_temp.org;
select lives_ok($$ insert into public.user_trials (organization_id, user_id, plan, ends_at)
  select id, tests.user_id('actri_admin'), 'enterprise', now() + interval '14 days' from pg_temp.org $$,
  'another user of the organization starts a personal trial beside the organization''s and the member''s');
select throws_ok($$ insert into public.user_trials (organization_id, user_id, plan, ends_at)
  select id, tests.user_id('actri_member'), 'team', now() + interval '7 days' from pg_temp.org $$,
  '23505', null, 'a second open personal trial of the same user is refused');
select throws_ok($$ insert into public.user_trials (organization_id, user_id, plan, ends_at)
  select id, tests.user_id('actri_member'), 'team', now() + interval '7 days' from pg_temp.other_org $$,
  '23505', null, 'also in another organization: one open personal trial per user');
insert into public.user_trials (organization_id, user_id, plan, ends_at)
select id, null, 'team', now() + interval '14 days' from pg_temp.other_org;
insert into public.user_trials (organization_id, user_id, plan, ends_at)
select id, tests.user_id('actrj_owner'), 'pro', now() + interval '14 days' from pg_temp.other_org;

-- Who reads which: the member reads the organization's trials (one open, one cancelled) and their own.
select tests.authenticate_as('actri_member');
select is((select count(*)::int from public.user_trials where user_id = auth.uid()), 1, 'a user reads their own personal trial');
select is((select count(*)::int from public.user_trials where user_id is null), 2, 'a user reads their organization''s trials');
select is((select count(*)::int from public.user_trials), 3,
  'and nothing else: not a colleague''s personal trial, nothing of another organization');
select tests.assert_denied($$ update public.user_trials set ends_at = ends_at + interval '1 year' where user_id = auth.uid() $$,
  'a user cannot extend their own trial (billing writes trials)');
select tests.assert_denied($$ update public.user_trials set cancelled_at = now() where user_id = auth.uid() $$,
  'nor cancel it directly');
select tests.authenticate_as('actri_outsider');
select is((select count(*)::int from public.user_trials where user_id is not null), 0,
  'a user of the same organization (another workspace) does not read others'' personal trials');
select tests.authenticate_as('actrj_owner');
select is((select string_agg(plan || ':' || (user_id is not null), ',' order by plan) from public.user_trials), 'pro:true,team:false',
  'another tenant reads only its own organization''s trial and its own personal one');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select * from public.user_trials $$, 'anon reads no trial');
select tests.authenticate_as_service_role();
select results_eq($$ update public.user_trials set converted_at = now() where user_id = tests.user_id('actri_member') returning plan $$,
  $$ values ('pro') $$, 'billing (service_role) converts a personal trial');
select tests.clear_authentication();

-- Deleting a user deletes their personal trials; the organization's stay.
delete from auth.users where id = tests.user_id('actri_admin');
select is((select count(*)::int from public.user_trials where organization_id = (select id from pg_temp.org) and user_id is not null), 1,
  'the deleted user''s personal trial is gone (the member''s converted one stays)');
select is((select count(*)::int from public.user_trials where organization_id = (select id from pg_temp.org) and user_id is null), 2,
  'the organization''s trials stay');

select tests.authenticate_as('actri_member');
select throws_ok($$ insert into public.user_personalization (user_id, social_handles) values (auth.uid(), '["x"]') $$, '23514', null,
  'social_handles must be a JSON object');
select throws_ok($$ insert into public.user_personalization (user_id, occupation) values (auth.uid(), repeat('x', 201)) $$, '23514', null,
  'occupation is limited to 200 characters');

select tests.clear_authentication();
select * from finish();
rollback;
