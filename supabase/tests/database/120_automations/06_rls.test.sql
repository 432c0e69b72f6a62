-- RLS of comments (custom policies: authors write as themselves, edit their own, authors or admins
-- delete), comment_revisions (read-only history) and automation_rules (admins manage, members read).
begin;
select plan(90);

select tests.create_workspace_fixture('arls');
insert into public.agents (id, workspace_id, slug, name) values ('e1000000-0000-4000-8000-000000000031', tests.workspace_id('arls'), 'arls-agent', 'Arls agent');
insert into public.tasks (id, workspace_id, title) values ('e1000000-0000-4000-8000-000000000001', tests.workspace_id('arls'), 'Plan launch');
-- Written by the member (so "own comment" cases are the member's).
insert into public.comments (id, workspace_id, entity_type, entity_id, body, author_user_id) values
  ('e1000000-0000-4000-8000-000000000011', tests.workspace_id('arls'), 'task', 'e1000000-0000-4000-8000-000000000001',
   'First draft', tests.user_id('arls_member'));
update public.comments set body = 'Second draft' where id = 'e1000000-0000-4000-8000-000000000011';
insert into public.automation_rules (id, workspace_id, name, condition, summary_template, agent_id)
select 'e1000000-0000-4000-8000-000000000021', tests.workspace_id('arls'), 'New contacts', 'created', 'New contact: {name}', a.id
from public.agents a where a.slug = 'arls-agent';

-- Runs p_sql as p_role of fixture p_key inside a subtransaction that is always rolled back, and reports
-- 'rows:<n>' (rows returned or touched) or 'error:<sqlstate>'. Nothing it does survives.
create function pg_temp.rls_try(p_key text, p_role text, p_sql text)
returns text
language plpgsql
as $$
declare
  v_rows bigint;
begin
  begin
    if p_role = 'anon' then
      perform tests.authenticate_as_anon();
    elsif p_role = 'service_role' then
      perform tests.authenticate_as_service_role();
    else
      perform tests.authenticate_as(p_key || '_' || p_role);
    end if;
    execute p_sql;
    get diagnostics v_rows = row_count;
    raise exception using errcode = 'ZZ001', message = v_rows::text;
  exception
    when sqlstate 'ZZ001' then
      return 'rows:' || sqlerrm;
    when others then
      return 'error:' || sqlstate;
  end;
end
$$;

-- The 28 RLS assertions of one table: 7 roles x select/insert/update/delete against one row of workspace
-- a. Expected outcome from the table's read/write/delete roles: allowed -> rows:1; a write the policy
-- refuses -> error:42501 (insert) or rows:0 (update/delete see nothing); anon has no grants at all;
-- the outsider (admin of workspace b) never sees or touches a's row. p_override replaces single cells,
-- keyed '<role>:<op>'.
create function pg_temp.rls_matrix(
  p_key text, p_table text, p_select text, p_insert text, p_update text, p_delete text,
  p_read text, p_write text, p_del text, p_override jsonb default '{}')
returns setof text
language plpgsql
as $$
declare
  v_role text;
  v_op text;
  v_sql text;
  v_rank int;
  v_need text;
  v_expect text;
  v_ranks jsonb := '{"viewer": 1, "member": 2, "admin": 3, "owner": 4}';
begin
  foreach v_role in array array['anon', 'outsider', 'viewer', 'member', 'admin', 'owner', 'service_role'] loop
    foreach v_op in array array['select', 'insert', 'update', 'delete'] loop
      v_sql := case v_op when 'select' then p_select when 'insert' then p_insert when 'update' then p_update else p_delete end;
      v_need := case v_op when 'select' then p_read when 'insert' then p_write when 'update' then p_write else p_del end;
      if v_role = 'anon' then
        v_expect := 'error:42501';
      elsif v_role = 'service_role' then
        v_expect := 'rows:1';
      elsif v_role = 'outsider' then
        v_expect := case v_op when 'insert' then 'error:42501' else 'rows:0' end;
      else
        v_rank := (v_ranks ->> v_role)::int;
        if v_need is not null and v_rank >= (v_ranks ->> v_need)::int then
          v_expect := 'rows:1';
        else
          v_expect := case v_op when 'insert' then 'error:42501' else 'rows:0' end;
        end if;
      end if;
      v_expect := coalesce(p_override ->> (v_role || ':' || v_op), v_expect);
      return next extensions.is(pg_temp.rls_try(p_key, v_role, v_sql), v_expect,
        format('%s: %s %s -> %s', p_table, v_role, v_op, v_expect));
    end loop;
  end loop;
end
$$;

-- comments: only the author edits (admins and owners included: they see it but update nothing); the
-- author or an admin deletes. Inserts default author_user_id to the caller.
select * from pg_temp.rls_matrix('arls', 'comments',
  $$ select * from public.comments where id = 'e1000000-0000-4000-8000-000000000011' $$,
  $$ insert into public.comments (workspace_id, entity_type, entity_id, body)
     values (tests.workspace_id('arls'), 'task', 'e1000000-0000-4000-8000-000000000001', 'Looks good') $$,
  $$ update public.comments set body = 'Third draft' where id = 'e1000000-0000-4000-8000-000000000011' $$,
  $$ delete from public.comments where id = 'e1000000-0000-4000-8000-000000000011' $$,
  'viewer', 'member', 'admin',
  '{"member:delete": "rows:1", "admin:update": "rows:0", "owner:update": "rows:0"}');

-- comment_revisions: readable history; nobody writes it directly (the comments trigger does).
select * from pg_temp.rls_matrix('arls', 'comment_revisions',
  $$ select * from public.comment_revisions where comment_id = 'e1000000-0000-4000-8000-000000000011' $$,
  $$ insert into public.comment_revisions (workspace_id, comment_id, revision, body)
     values (tests.workspace_id('arls'), 'e1000000-0000-4000-8000-000000000011', 9, 'forged') $$,
  $$ update public.comment_revisions set body = 'rewritten' where comment_id = 'e1000000-0000-4000-8000-000000000011' $$,
  $$ delete from public.comment_revisions where comment_id = 'e1000000-0000-4000-8000-000000000011' $$,
  'viewer', null, null,
  '{"viewer:insert": "error:42501", "member:insert": "error:42501", "admin:insert": "error:42501", "owner:insert": "error:42501",
    "viewer:update": "error:42501", "member:update": "error:42501", "admin:update": "error:42501", "owner:update": "error:42501",
    "viewer:delete": "error:42501", "member:delete": "error:42501", "admin:delete": "error:42501", "owner:delete": "error:42501",
    "outsider:update": "error:42501", "outsider:delete": "error:42501",
    "service_role:insert": "error:42501", "service_role:update": "error:42501", "service_role:delete": "error:42501"}');

select * from pg_temp.rls_matrix('arls', 'automation_rules',
  $$ select * from public.automation_rules where id = 'e1000000-0000-4000-8000-000000000021' $$,
  $$ insert into public.automation_rules (workspace_id, name, condition, summary_template, agent_id)
     values (tests.workspace_id('arls'), 'Also new', 'created', 'Hello {name}', 'e1000000-0000-4000-8000-000000000031') $$,
  $$ update public.automation_rules set is_active = false where id = 'e1000000-0000-4000-8000-000000000021' $$,
  $$ delete from public.automation_rules where id = 'e1000000-0000-4000-8000-000000000021' $$,
  'viewer', 'admin', 'admin');

-- A member may not write a comment in someone else's name, or as an agent.
select tests.authenticate_as('arls_viewer');
select tests.assert_denied($$ insert into public.comments (workspace_id, entity_type, entity_id, body)
  values (tests.workspace_id('arls'), 'task', 'e1000000-0000-4000-8000-000000000001', 'viewer speaks') $$, 'a viewer cannot comment');
select tests.authenticate_as('arls_admin');
select tests.assert_denied($$ insert into public.comments (workspace_id, entity_type, entity_id, body, author_user_id)
  values (tests.workspace_id('arls'), 'task', 'e1000000-0000-4000-8000-000000000001', 'impersonation', tests.user_id('arls_member')) $$,
  'an admin cannot post as another member');
select tests.assert_denied($$ insert into public.comments (workspace_id, entity_type, entity_id, body, author_user_id, author_agent_id)
  select tests.workspace_id('arls'), 'task', 'e1000000-0000-4000-8000-000000000001', 'as agent', null, a.id from public.agents a where a.slug = 'arls-agent' $$,
  'members cannot post as an agent (agents post through the service role)');
select tests.authenticate_as('arls_outsider');
select tests.assert_filtered($$ select * from public.comments $$, 'outsider: no comments of a');
select tests.assert_filtered($$ select * from public.comment_revisions $$, 'outsider: no comment_revisions of a');
select tests.assert_filtered($$ select * from public.automation_rules $$, 'outsider: no automation_rules of a');
select tests.clear_authentication();

select * from finish();
rollback;
