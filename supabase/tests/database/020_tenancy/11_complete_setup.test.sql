-- Tenancy: complete_setup.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(18);

select tests.create_tenancy_fixture();

-- Also needed: a workspace the outsider created through the RPC (its setup still pending).
select tests.authenticate_as('t_outsider');
insert into tests.fx select 'w_beta', (public.create_workspace('Beta Team', 'beta')).id;
select tests.clear_authentication();

select tests.authenticate_as('t_admin');
select results_eq($$ select setup_state::text, initialized, setup_completed_at is null
                     from public.complete_setup(tests.fx('w'), p_timezone => 'America/New_York', p_completed => false) $$,
  $$ values ('in_progress'::text, false, true) $$, 'complete_setup(p_completed => false) saves wizard progress');
select results_eq($$ select setup_state::text, initialized, setup_completed_at is not null, owner_name, owner_preferred_name,
                            timezone, monthly_budget_usd, budget_hard_cutoff, settings
                     from public.complete_setup(tests.fx('w'), 'Olivia Owner', 'Liv', 'Europe/Paris', 99.999, true,
                                                'The HQ', '{"theme": "dark"}') $$,
  $$ values ('completed'::text, true, true, 'Olivia Owner'::text, 'Liv'::text, 'Europe/Paris'::text, 100.00::numeric, true,
             '{"theme": "dark"}'::jsonb) $$, 'complete_setup completes the wizard and stores the settings');
select results_eq($$ select settings, owner_name from public.complete_setup(tests.fx('w'), p_settings => '{"lang": "fr"}') $$,
  $$ values ('{"theme": "dark", "lang": "fr"}'::jsonb, 'Olivia Owner'::text) $$, 'complete_setup merges settings and keeps unspecified values');

select tests.snap();
select throws_ok($$ select public.complete_setup(tests.fx('w'), p_timezone => 'Mars/Olympus') $$, '22023',
  'p_timezone "Mars/Olympus" is not a recognised time zone (use an IANA name such as Europe/Berlin)', 'complete_setup: unknown timezone');
select throws_ok($$ select public.complete_setup(tests.fx('w'), p_monthly_budget_usd => -1) $$, '22023',
  'p_monthly_budget_usd must be between 0 and 9999999999.99 (got -1)', 'complete_setup: negative budget');
select throws_ok($$ select public.complete_setup(tests.fx('w'), p_settings => '[1, 2]') $$, '22023',
  'p_settings must be a JSON object (got array)', 'complete_setup: settings must be an object');
select throws_ok($$ select public.complete_setup(null) $$, '22004', 'p_workspace_id must not be null', 'complete_setup: null workspace');
select throws_ok($$ select public.complete_setup(tests.fx('w'), p_owner_name => '') $$, '22023',
  'p_owner_name must be 1 to 200 characters', 'complete_setup: empty owner name');
select tests.unchanged('complete_setup bad arguments: nothing written');
select tests.authenticate_as('t_outsider');
select throws_ok($$ select public.complete_setup(tests.fx('w_beta')) $$, '22004',
  'p_owner_name is required to complete setup', 'complete_setup: completing needs an owner name');
select tests.unchanged('complete_setup without owner name: nothing written');
select throws_ok($$ select public.complete_setup(tests.fx('w'), 'X') $$, '42501', format('permission denied: requires role admin in workspace %s', tests.fx('w')), 'complete_setup: a non-member is refused');
select tests.authenticate_as('t_member');
select throws_ok($$ select public.complete_setup(tests.fx('w'), 'X') $$, '42501',
  format('permission denied: requires role admin in workspace %s', tests.fx('w')), 'complete_setup: a member is refused');
select tests.authenticate_as('t_viewer');
select throws_ok($$ select public.complete_setup(tests.fx('w'), 'X') $$, '42501', format('permission denied: requires role admin in workspace %s', tests.fx('w')), 'complete_setup: a viewer is refused');
select tests.unchanged('complete_setup by non-admins: nothing written');
select tests.authenticate_as_service_role();
select throws_ok($$ select public.complete_setup('00000000-0000-4000-8000-000000000000', 'X') $$, 'P0002',
  'workspace 00000000-0000-4000-8000-000000000000 not found (p_workspace_id)', 'complete_setup: service_role gets P0002 for an unknown workspace');
select tests.unchanged('complete_setup unknown workspace: nothing written');
select tests.authenticate_as_anon();
select tests.assert_denied($$ select public.complete_setup(tests.fx('w'), 'X') $$, 'complete_setup: anon cannot execute');

select * from finish();
rollback;
