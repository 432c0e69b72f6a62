-- User services: name unique per workspace, image reference, env values as Vault references only
-- (plaintext-looking values refused), status machine (all 30 moves), URL when running, workspace-bound refs.
begin;
select plan(49);

select tests.create_workspace_fixture('ecs');
select set_config('ecs.other_agent', tests.create_agent_fixture(tests.workspace_id('ecs', 'b'), 'ecs-other')::text, true);

create or replace function tests.ecs_service_in(p_status public.user_service_status)
returns uuid
language plpgsql
as $$
declare
  v_id uuid;
  v_step text;
begin
  insert into public.user_services (workspace_id, name, image, url)
  values (tests.workspace_id('ecs'), 'svc-' || substr(md5(random()::text), 1, 10), 'ghcr.io/acme/bot:1', 'https://svc.example.dev')
  returning id into v_id;
  foreach v_step in array case p_status
    when 'pending' then '{}'::text[] when 'deploying' then array['deploying'] when 'running' then array['deploying', 'running']
    when 'stopped' then array['deploying', 'running', 'stopped'] when 'failed' then array['failed']
    when 'deleted' then array['deleted'] end
  loop
    update public.user_services set status = v_step::public.user_service_status, last_error = case when v_step = 'failed' then 'x' end
    where id = v_id;
  end loop;
  return v_id;
end
$$;

create or replace function tests.ecs_all_moves()
returns setof text
language plpgsql
as $$
declare
  v_legal text[] := array['pending>deploying', 'pending>failed', 'pending>deleted', 'deploying>running', 'deploying>failed',
                          'running>deploying', 'running>stopped', 'running>failed', 'stopped>deploying', 'stopped>deleted',
                          'failed>deploying', 'failed>deleted'];
  v_from public.user_service_status;
  v_to public.user_service_status;
  v_sql text;
begin
  foreach v_from in array enum_range(null::public.user_service_status) loop
    foreach v_to in array enum_range(null::public.user_service_status) loop
      continue when v_from = v_to;
      v_sql := format($q$update public.user_services set status = %L, last_error = coalesce(last_error, 'e') where id = %L$q$,
                      v_to, tests.ecs_service_in(v_from));
      if (v_from || '>' || v_to) = any (v_legal) then
        return next lives_ok(v_sql, format('service: %s -> %s is allowed', v_from, v_to));
      else
        return next throws_ok(v_sql, '55000', format('user_services.status: illegal transition from %s to %s', v_from, v_to),
                              format('service: %s -> %s is refused', v_from, v_to));
      end if;
    end loop;
  end loop;
end
$$;

select * from tests.ecs_all_moves();

select tests.authenticate_as('ecs_admin');
-- ------------------------------------------------------------------------------- env: Vault references only
select lives_ok($$ insert into public.user_services (id, workspace_id, name, image, env, port)
  values ('e5200000-0000-4000-8000-000000000101', tests.workspace_id('ecs'), 'report-bot', 'ghcr.io/acme/report-bot@sha256:' || repeat('a', 64),
          '{"OPENAI_API_KEY": "3f1c2b9e-8d4a-4c6b-9f2e-1a2b3c4d5e6f", "DB_URL": "0b8f5a1c-2d3e-4f50-8a9b-c0d1e2f3a4b5"}', 8080) $$,
  'env with Vault secret ids is accepted');
select throws_ok($$ insert into public.user_services (workspace_id, name, image, env) values (tests.workspace_id('ecs'), 'plain', 'img', '{"OPENAI_API_KEY": "sk-live-abc123"}') $$,
  '23514', 'new row for relation "user_services" violates check constraint "user_services_env_vault_check"', 'a plaintext secret is refused');
select throws_ok($$ insert into public.user_services (workspace_id, name, image, env) values (tests.workspace_id('ecs'), 'plain', 'img', '{"PORT": 8080}') $$,
  '23514', null, 'a number is a plaintext value too');
select throws_ok($$ insert into public.user_services (workspace_id, name, image, env) values (tests.workspace_id('ecs'), 'plain', 'img', '{"X": {"secret": "3f1c2b9e-8d4a-4c6b-9f2e-1a2b3c4d5e6f"}}') $$,
  '23514', null, 'nested objects are refused');
select throws_ok($$ insert into public.user_services (workspace_id, name, image, env) values (tests.workspace_id('ecs'), 'plain', 'img', '{"lower_case": "3f1c2b9e-8d4a-4c6b-9f2e-1a2b3c4d5e6f"}') $$,
  '23514', null, 'variable names are upper-case identifiers');
select throws_ok($$ insert into public.user_services (workspace_id, name, image, env) values (tests.workspace_id('ecs'), 'plain', 'img', '["3f1c2b9e-8d4a-4c6b-9f2e-1a2b3c4d5e6f"]') $$,
  '23514', null, 'env is an object');
select throws_ok($$ update public.user_services set env = env || '{"TOKEN": "hunter2"}' where id = 'e5200000-0000-4000-8000-000000000101' $$,
  '23514', null, 'adding a plaintext value later is refused too');
select is((select env ->> 'OPENAI_API_KEY' from public.user_services where id = 'e5200000-0000-4000-8000-000000000101'),
  '3f1c2b9e-8d4a-4c6b-9f2e-1a2b3c4d5e6f', 'the refused update left env as it was');

-- ------------------------------------------------------------------------------- names, image, lifecycle
select throws_ok($$ insert into public.user_services (workspace_id, name, image) values (tests.workspace_id('ecs'), 'report-bot', 'img') $$,
  '23505', null, 'names are unique per workspace');
select tests.clear_authentication();
select lives_ok($$ insert into public.user_services (workspace_id, name, image) values (tests.workspace_id('ecs', 'b'), 'report-bot', 'img') $$,
  'the same name in another workspace is fine');
select tests.authenticate_as('ecs_admin');
select throws_ok($$ insert into public.user_services (workspace_id, name, image) values (tests.workspace_id('ecs'), 'Report Bot', 'img') $$,
  '23514', null, 'a name is a slug');
select throws_ok($$ insert into public.user_services (workspace_id, name, image) values (tests.workspace_id('ecs'), 'img-bad', 'rm -rf /; echo') $$,
  '23514', null, 'an image is an image reference');
update public.user_services set status = 'deploying' where id = 'e5200000-0000-4000-8000-000000000101';
select throws_ok($$ update public.user_services set status = 'running' where id = 'e5200000-0000-4000-8000-000000000101' $$,
  '23514', null, 'a running service has a URL');
update public.user_services set status = 'running', url = 'https://report-bot.acme.dev' where id = 'e5200000-0000-4000-8000-000000000101';
select ok((select deployed_at is not null and status_changed_at = deployed_at from public.user_services where id = 'e5200000-0000-4000-8000-000000000101'),
  'running stamps deployed_at');
select throws_ok($$ update public.user_services set status = 'failed' where id = 'e5200000-0000-4000-8000-000000000101' $$,
  '23514', null, 'a failed service says why');
select throws_ok($$ insert into public.user_services (workspace_id, name, image, status) values (tests.workspace_id('ecs'), 'early', 'img', 'running') $$,
  '55000', 'user_services.status: a new service starts pending, not running', 'a service starts pending');
select throws_ok(format($$ insert into public.user_services (workspace_id, name, image, agent_id) values (tests.workspace_id('ecs'), 'x', 'img', %L) $$,
  current_setting('ecs.other_agent')), '23503',
  'insert or update on table "user_services" violates foreign key constraint "user_services_agent_id_fkey"',
  'a service cannot be the tool of an agent of another workspace');
select throws_ok($$ insert into public.user_services (workspace_id, name, image, port) values (tests.workspace_id('ecs'), 'x', 'img', 70000) $$,
  '23514', null, 'port out of range');
select is((select count(*)::int from public.user_services where workspace_id = tests.workspace_id('ecs') and name in ('plain', 'x', 'early')), 0,
  'none of the refused services was written');
select tests.clear_authentication();

select * from finish();
rollback;
