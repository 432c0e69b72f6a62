-- Every public table and every public RPC carries a `comment on` (Studio and the API docs show them).
begin;
select plan(2);

select is_empty($$
  select c.relname from pg_class c
  where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
    and coalesce(obj_description(c.oid, 'pg_class'), '') = ''
$$, 'every public table has a comment');

select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
  where p.pronamespace = 'public'::regnamespace
    and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
    and coalesce(obj_description(p.oid, 'pg_proc'), '') = ''
$$, 'every public function has a comment');

select * from finish();
rollback;
