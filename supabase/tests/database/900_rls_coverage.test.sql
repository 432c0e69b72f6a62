-- RLS coverage: every table in schema public has RLS enabled, at least one policy, and no policy that
-- applies to PUBLIC (a policy without a TO clause runs for every role, anon included). Views in public
-- must be security_invoker (otherwise they bypass the RLS of the tables they read).
-- Failures are listed by name in the diagnostics of the failing test.
begin;
select plan(6);

select diag('public tables checked: ' || coalesce((
  select string_agg(c.relname, ', ' order by c.relname)
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind in ('r', 'p')), '(none)'));

-- Not vacuous: there are tables to check, and the tenancy tables are among them.
select cmp_ok(
  (select count(*)::int from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind in ('r', 'p')),
  '>', 0, 'schema public has tables to check');

select ok(
  array['profiles', 'organizations', 'workspaces', 'workspace_members', 'projects', 'invites']::name[]
    <@ array(select c.relname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'public' and c.relkind in ('r', 'p')),
  'the tenancy tables are among the tables checked');

select is_empty($$
  select format('%I.%I has row level security disabled', n.nspname, c.relname)
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity
  order by 1
$$, 'every public table has RLS enabled');

select is_empty($$
  select format('%I.%I has no policy', n.nspname, c.relname)
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind in ('r', 'p')
    and not exists (select 1 from pg_catalog.pg_policy p where p.polrelid = c.oid)
  order by 1
$$, 'every public table has at least one policy');

select is_empty($$
  select format('%I.%I policy %I applies to PUBLIC (add a TO clause)', p.schemaname, p.tablename, p.policyname)
  from pg_catalog.pg_policies p
  where p.schemaname = 'public' and 'public' = any (p.roles)
  order by 1
$$, 'no public policy applies to role PUBLIC');

select is_empty($$
  select format('%I.%I is a view without security_invoker', n.nspname, c.relname)
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind = 'v'
    and not coalesce('security_invoker=true' = any (c.reloptions)
                     or 'security_invoker=on' = any (c.reloptions), false)
  order by 1
$$, 'every public view is security_invoker');

select * from finish();
rollback;
