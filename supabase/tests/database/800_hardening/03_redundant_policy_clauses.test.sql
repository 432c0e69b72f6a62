-- A policy clause documented as redundant ("WITH CHECK is redundant: ..." in the policy's comment, which
-- the mutation check accepts in place of a failing test) must really be redundant. Generated from the
-- catalog, two assertions per such policy:
--   * "the <name> trigger ...": that trigger exists as a BEFORE UPDATE row trigger on the table, and moving a
--     row to another workspace is refused by it (22023, or 55000 where every update is refused) even for
--     the table owner, whom no policy applies to;
--   * otherwise (a column grant): USING and WITH CHECK are the same expression and no column it reads is
--     updatable by a role the policy applies to, so a row that passed USING passes the check unchanged.
begin;
-- The number of assertions follows the catalog (two per marked policy), so the plan is counted at the end.
select no_plan();

-- Rows to try in the work and CRM tables exist in seeded databases; give the agents domain one too.
select tests.create_workspace_fixture('redund');
select tests.create_agent_fixture(tests.workspace_id('redund'), 'redund-agent');
insert into public.agent_templates (workspace_id, slug, name) values (tests.workspace_id('redund'), 'redund-template', 'Template');

create temp table marked on commit drop as
select c.relname as tbl, p.polname as pol, p.polcmd as cmd, p.oid as pol_oid, c.oid as rel,
       substring(obj_description(p.oid, 'pg_policy') from 'the ([a-z0-9_]+) trigger') as trigger_name,
       pg_get_expr(p.polqual, p.polrelid) as using_expr, pg_get_expr(p.polwithcheck, p.polrelid) as check_expr,
       p.polroles
from pg_policy p join pg_class c on c.oid = p.polrelid
where obj_description(p.oid, 'pg_policy') ~* 'with check is redundant';

-- The SQLSTATE moving one row of the table to another workspace raises ('none' when it succeeds, 'no row'
-- when the table is empty). Rolled back in its subtransaction either way.
create function pg_temp.move_row(p_table text) returns text language plpgsql as $$
declare
  v_target uuid;
  v_ctid tid;
  v_ws uuid;
begin
  execute format('select ctid, workspace_id from public.%I where workspace_id is not null limit 1', p_table) into v_ctid, v_ws;
  if v_ctid is null then
    return 'no row';
  end if;
  select w.id into v_target from public.workspaces w where w.id <> v_ws limit 1;
  begin
    execute format('update public.%I set workspace_id = %L where ctid = %L', p_table, v_target, v_ctid);
    raise exception using errcode = 'P0004', message = 'rollback';
  exception
    when sqlstate 'P0004' then return 'none';
    when others then return sqlstate;
  end;
end
$$;

select ok(m.trigger_name is null or exists (
            select 1 from pg_trigger t where t.tgrelid = m.rel and t.tgname = m.trigger_name and not t.tgisinternal
              and (t.tgtype & 1) = 1 and (t.tgtype & 2) = 2 and (t.tgtype & 16) = 16),
          format('%s: the guard named in its comment (%s) is a BEFORE UPDATE row trigger on %s', m.pol,
                 coalesce(m.trigger_name, 'column grants'), m.tbl))
from marked m where m.trigger_name is not null order by m.pol;

select ok(m.using_expr = m.check_expr and not exists (
            select 1 from pg_depend d
            join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
            cross join unnest(m.polroles) r(role_oid)
            where d.classid = 'pg_policy'::regclass and d.objid = m.pol_oid and d.refobjsubid > 0
              and has_column_privilege(case when r.role_oid = 0 then 'public' else r.role_oid::regrole::text end, m.rel, a.attnum, 'UPDATE')),
          format('%s: USING equals WITH CHECK and no column they read is updatable by the policy''s roles', m.pol))
from marked m where m.trigger_name is null order by m.pol;

select ok(m.cmd = 'w', format('%s: only UPDATE policies are marked redundant', m.pol))
from marked m where m.trigger_name is null order by m.pol;

select case when r = 'no row' then skip(format('%s: no row in %s to try', m.pol, m.tbl), 1)
            else ok(r in ('22023', '55000'), format('%s: moving a row of %s to another workspace is refused by the trigger (got %s)', m.pol, m.tbl, r)) end
from marked m cross join lateral (select pg_temp.move_row(m.tbl) as r) x
where m.trigger_name is not null order by m.pol;

select * from finish();
rollback;
