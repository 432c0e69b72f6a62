-- ==================================================================================================
-- Jobs follow their command into history. Since finished commands move from agent_commands to
-- agent_command_history (which inherits it), a foreign key from jobs.command_id to agent_commands would
-- see the move as a delete and clear the link the moment the command finishes, before the job could take
-- its outcome. Foreign keys cannot span an inheritance tree, so the key becomes two triggers:
-- the link must name a command of the job's workspace (live or finished), and a real deletion of the
-- command (its gateway deleted, history retention) clears it, as `on delete set null` did.
-- ==================================================================================================

alter table public.jobs drop constraint if exists jobs_command_id_fkey;

create or replace function private.jobs_check_command()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.command_id is not null
     and (tg_op = 'INSERT' or new.command_id is distinct from old.command_id)
     and not exists (select 1 from public.agent_commands c
                     where c.id = new.command_id and c.workspace_id = new.workspace_id) then
    raise exception 'jobs.command_id: command % does not exist in this workspace', new.command_id
      using errcode = '23503';
  end if;
  return new;
end
$$;
revoke all on function private.jobs_check_command() from public;

drop trigger if exists jobs_check_command on public.jobs;
create trigger jobs_check_command
  before insert or update of command_id on public.jobs
  for each row execute function private.jobs_check_command();

create or replace function private.jobs_forget_deleted_command()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.jobs set command_id = null where command_id = old.id;
  return null;
end
$$;
revoke all on function private.jobs_forget_deleted_command() from public;

-- A row leaving the hot table at trigger depth 0 is the finishing RPC moving it to history; at depth > 0 it
-- is a cascade (gateway or agent deleted). Rows deleted from history are always real deletions.
drop trigger if exists agent_commands_forget_jobs on public.agent_commands;
create trigger agent_commands_forget_jobs
  after delete on public.agent_commands
  for each row when (pg_trigger_depth() > 0) execute function private.jobs_forget_deleted_command();
drop trigger if exists agent_command_history_forget_jobs on public.agent_command_history;
create trigger agent_command_history_forget_jobs
  after delete on public.agent_command_history
  for each row execute function private.jobs_forget_deleted_command();

comment on column public.jobs.command_id is
  'The agent_commands row enqueued for an agent-command job (dedup key job_schedule:<schedule>:<due epoch>); it stays linked after the command finishes and moves to agent_command_history.';
