-- Tenancy: signup trigger.
-- Fixture: tests.create_tenancy_fixture() (000_helpers.test.sql).
begin;
select plan(8);

select tests.create_tenancy_fixture();

insert into auth.users (id, email, raw_user_meta_data)
values ('00000000-0000-4000-8000-00000000aa01', 'Sig.Nup+x@Example.com', '{"full_name": "Sig Nup", "test_identifier": "t_sig1"}'),
       ('00000000-0000-4000-8000-00000000aa02', 'sig.nup+x@other.example', '{"test_identifier": "t_sig2"}'),
       ('00000000-0000-4000-8000-00000000aa03', null, '{"test_identifier": "t_sig3"}');

select results_eq($$
  select p.email, p.display_name from public.profiles p where p.id = '00000000-0000-4000-8000-00000000aa01'
$$, $$ values ('Sig.Nup+x@Example.com'::text, 'Sig Nup'::text) $$, 'signup creates the profile (email, name from metadata)');
select results_eq($$
  select o.slug, o.is_personal, o.billing_owner_id, o.created_by, o.billing_email, o.plan
  from public.organizations o where o.created_by = '00000000-0000-4000-8000-00000000aa01'
$$, $$ values ('sig-nup-x'::text, true, '00000000-0000-4000-8000-00000000aa01'::uuid,
               '00000000-0000-4000-8000-00000000aa01'::uuid, 'Sig.Nup+x@Example.com'::text, 'free'::text) $$,
  'signup creates a personal organization billed to the user, slug derived from the email');
select results_eq($$
  select w.name, w.slug, w.is_personal, w.owner_name, w.setup_state::text, m.role::text
  from public.workspaces w join public.workspace_members m on m.workspace_id = w.id
  where w.created_by = '00000000-0000-4000-8000-00000000aa01' and m.user_id = w.created_by
$$, $$ values ('Personal'::text, 'sig-nup-x'::text, true, 'Sig Nup'::text, 'pending'::text, 'owner'::text) $$,
  'signup creates a personal workspace with the user as owner');
select is((select o.slug from public.organizations o where o.created_by = '00000000-0000-4000-8000-00000000aa02'),
  'sig-nup-x-2', 'a second signup with the same email local part gets a de-duplicated slug');
select results_eq($$
  select o.slug, o.billing_email, p.display_name from public.organizations o
  join public.profiles p on p.id = o.created_by where o.created_by = '00000000-0000-4000-8000-00000000aa03'
$$, $$ select 'user'::text || case when exists (select 1 from public.organizations x where x.slug = 'user'
         and x.created_by <> '00000000-0000-4000-8000-00000000aa03') then '-2' else '' end, null::text, 'User'::text $$,
  'a signup without email still gets a profile and a valid personal slug');
select is((select count(*)::int from public.workspace_members m join public.workspaces w on w.id = m.workspace_id
           where m.user_id = '00000000-0000-4000-8000-00000000aa02'), 1,
  'signup creates exactly one membership');

update auth.users set email = 'renamed@example.com' where id = '00000000-0000-4000-8000-00000000aa02';
select is((select email from public.profiles where id = '00000000-0000-4000-8000-00000000aa02'), 'renamed@example.com',
  'an email change in auth.users is mirrored to the profile');

delete from auth.users where id = '00000000-0000-4000-8000-00000000aa03';
select is((select count(*)::int from public.profiles where id = '00000000-0000-4000-8000-00000000aa03')
        + (select count(*)::int from public.workspace_members where user_id = '00000000-0000-4000-8000-00000000aa03'), 0,
  'deleting an auth user removes their profile and memberships (even as last owner)');

select * from finish();
rollback;
