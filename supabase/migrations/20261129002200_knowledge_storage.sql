-- Storage: the private buckets `assets` (files behind public.assets) and `attachments` (files attached to
-- tasks, comments and messages), and the policies on storage.objects that confine every object to
-- `<workspace_id>/...` of a workspace the caller belongs to: viewers read, members (and above) upload and
-- update, admins (and above) delete. service_role bypasses RLS (server-side uploads).
-- Hosted Supabase lets a migration add rows to storage.buckets and policies to storage.objects, nothing
-- else in schema storage; this file does only that. Re-runs change nothing.

insert into storage.buckets (id, name, public)
values ('assets', 'assets', false), ('attachments', 'attachments', false)
on conflict (id) do nothing;

-- The first path segment names the workspace: `<workspace uuid>/<anything>/<file>`. Objects at the bucket
-- root (no folder) match no workspace and so no policy. Comparison is on text, so a malformed first
-- segment simply matches nothing.
do $$
declare
  b text;
  v_rule text := '(bucket_id = %L and (storage.foldername(name))[1] = any (array(select w::text from private.my_workspace_ids(%L::public.workspace_role) w)))';
begin
  foreach b in array array['assets', 'attachments'] loop
    execute format('drop policy if exists %I on storage.objects', 'agentbase_' || b || '_select');
    execute format('create policy %I on storage.objects for select to authenticated using %s',
                   'agentbase_' || b || '_select', format(v_rule, b, 'viewer'));
    execute format('drop policy if exists %I on storage.objects', 'agentbase_' || b || '_insert');
    execute format('create policy %I on storage.objects for insert to authenticated with check %s',
                   'agentbase_' || b || '_insert', format(v_rule, b, 'member'));
    execute format('drop policy if exists %I on storage.objects', 'agentbase_' || b || '_update');
    execute format('create policy %I on storage.objects for update to authenticated using %s with check %s',
                   'agentbase_' || b || '_update', format(v_rule, b, 'member'), format(v_rule, b, 'member'));
    execute format('drop policy if exists %I on storage.objects', 'agentbase_' || b || '_delete');
    execute format('create policy %I on storage.objects for delete to authenticated using %s',
                   'agentbase_' || b || '_delete', format(v_rule, b, 'admin'));
  end loop;
end $$;
