-- The setup wizard end to end: complete_setup also sets the workspace's name and slug and seeds its
-- pipeline stages, custom fields and streams. The first nine arguments are unchanged (positions, names,
-- defaults), so every existing call keeps working; the five new ones are trailing and default to null.
-- Seeding only adds: a stage or field whose key exists, or a stream whose name exists, is left exactly as
-- it is, and nothing absent from a later call is deleted or detached.

-- Validation of one seed list: a JSON array of at most 100 objects. Raises 22023 naming the argument.
create or replace function private.check_setup_list(p_value jsonb, p_arg text)
returns void
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_bad int;
begin
  if p_value is null then
    return;
  end if;
  if jsonb_typeof(p_value) <> 'array' then
    raise exception '% must be a JSON array (got %)', p_arg, jsonb_typeof(p_value) using errcode = '22023';
  end if;
  if jsonb_array_length(p_value) > 100 then
    raise exception '% may hold at most 100 entries (got %)', p_arg, jsonb_array_length(p_value) using errcode = '22023';
  end if;
  select min(e.ord) - 1 into v_bad
  from jsonb_array_elements(p_value) with ordinality as e(item, ord)
  where jsonb_typeof(e.item) <> 'object';
  if v_bad is not null then
    raise exception '%[%] must be a JSON object', p_arg, v_bad using errcode = '22023';
  end if;
end
$$;
revoke all on function private.check_setup_list(jsonb, text) from public;

-- One text member of a seed entry: null when absent; 22023 naming "<arg>[i].<key>" when not a string.
create or replace function private.setup_text(p_item jsonb, p_key text, p_where text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_item -> p_key is null or jsonb_typeof(p_item -> p_key) = 'null' then
    return null;
  end if;
  if jsonb_typeof(p_item -> p_key) <> 'string' then
    raise exception '%.% must be a string (got %)', p_where, p_key, jsonb_typeof(p_item -> p_key) using errcode = '22023';
  end if;
  return p_item ->> p_key;
end
$$;
revoke all on function private.setup_text(jsonb, text, text) from public;

-- One boolean member of a seed entry: p_default when absent; 22023 when not a boolean.
create or replace function private.setup_bool(p_item jsonb, p_key text, p_where text, p_default boolean)
returns boolean
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_item -> p_key is null or jsonb_typeof(p_item -> p_key) = 'null' then
    return p_default;
  end if;
  if jsonb_typeof(p_item -> p_key) <> 'boolean' then
    raise exception '%.% must be true or false (got %)', p_where, p_key, jsonb_typeof(p_item -> p_key) using errcode = '22023';
  end if;
  return (p_item -> p_key)::boolean;
end
$$;
revoke all on function private.setup_bool(jsonb, text, text, boolean) from public;

-- An enum label from a seed entry, or p_default when absent; 22023 listing the allowed labels.
create or replace function private.setup_label(p_value text, p_type regtype, p_where text, p_default text)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_labels text[];
begin
  select array_agg(e.enumlabel::text order by e.enumsortorder) into v_labels from pg_catalog.pg_enum e where e.enumtypid = p_type;
  if p_value is null then
    return p_default;
  end if;
  if not (p_value = any (v_labels)) then
    raise exception '% "%" is not one of %', p_where, left(p_value, 80), array_to_string(v_labels, ', ') using errcode = '22023';
  end if;
  return p_value;
end
$$;
revoke all on function private.setup_label(text, regtype, text, text) from public;

-- A key (stage_key, field_key): required, ^[a-z][a-z0-9_]{0,62}$.
create or replace function private.setup_key(p_value text, p_where text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is null then
    raise exception '%.key is required', p_where using errcode = '22004';
  end if;
  if p_value !~ '^[a-z][a-z0-9_]{0,62}$' then
    raise exception '%.key "%" is not a valid key (lowercase letters, digits and underscores, 1 to 63, starting with a letter)',
      p_where, left(p_value, 80) using errcode = '22023';
  end if;
  return p_value;
end
$$;
revoke all on function private.setup_key(text, text) from public;

-- A display text (label, name): required, 1 to 200 characters after trimming.
create or replace function private.setup_name(p_value text, p_where text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is null then
    raise exception '% is required', p_where using errcode = '22004';
  end if;
  if length(btrim(p_value)) not between 1 and 200 then
    raise exception '% must be 1 to 200 characters', p_where using errcode = '22023';
  end if;
  return btrim(p_value);
end
$$;
revoke all on function private.setup_name(text, text) from public;

-- An optional #rrggbb colour.
create or replace function private.setup_color(p_value text, p_where text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is not null and p_value !~ '^#[0-9a-fA-F]{6}$' then
    raise exception '% "%" is not a #rrggbb colour', p_where, left(p_value, 80) using errcode = '22023';
  end if;
  return p_value;
end
$$;
revoke all on function private.setup_color(text, text) from public;

-- The seed lists, validated in full before anything is written, then added (existing entries untouched).
-- Returns nothing; raises 22004/22023 naming "<argument>[index].<member>".
create or replace function private.seed_workspace_setup(
  p_workspace_id uuid,
  p_pipeline_stages jsonb,
  p_custom_fields jsonb,
  p_streams jsonb)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_item jsonb;
  v_i int;
  v_where text;
  v_stages jsonb := '[]'::jsonb;
  v_fields jsonb := '[]'::jsonb;
  v_streams jsonb := '[]'::jsonb;
  v_type text;
  v_options text[];
begin
  perform private.check_setup_list(p_pipeline_stages, 'p_pipeline_stages');
  perform private.check_setup_list(p_custom_fields, 'p_custom_fields');
  perform private.check_setup_list(p_streams, 'p_streams');

  for v_item, v_i in select e.item, e.ord - 1 from jsonb_array_elements(coalesce(p_pipeline_stages, '[]')) with ordinality e(item, ord) loop
    v_where := format('p_pipeline_stages[%s]', v_i);
    v_stages := v_stages || jsonb_build_array(jsonb_build_object(
      'entity_type', private.setup_label(private.setup_text(v_item, 'entity_type', v_where), 'public.crm_entity_type', v_where || '.entity_type', 'contact'),
      'stage_key', private.setup_key(private.setup_text(v_item, 'key', v_where), v_where),
      'label', private.setup_name(private.setup_text(v_item, 'label', v_where), v_where || '.label'),
      'color', private.setup_color(private.setup_text(v_item, 'color', v_where), v_where || '.color'),
      'is_closed', private.setup_bool(v_item, 'closed', v_where, false),
      'position', v_i));
  end loop;
  select min(e.ord) - 1 into v_i
  from jsonb_array_elements(v_stages) with ordinality e(item, ord)
  where exists (select 1 from jsonb_array_elements(v_stages) with ordinality d(item, ord)
                where d.ord < e.ord and d.item ->> 'stage_key' = e.item ->> 'stage_key' and d.item ->> 'entity_type' = e.item ->> 'entity_type');
  if v_i is not null then
    raise exception 'p_pipeline_stages[%].key "%" appears twice', v_i, v_stages -> v_i ->> 'stage_key' using errcode = '22023';
  end if;

  for v_item, v_i in select e.item, e.ord - 1 from jsonb_array_elements(coalesce(p_custom_fields, '[]')) with ordinality e(item, ord) loop
    v_where := format('p_custom_fields[%s]', v_i);
    v_type := private.setup_label(private.setup_text(v_item, 'type', v_where), 'public.custom_field_type', v_where || '.type', null);
    if v_type is null then
      raise exception '%.type is required', v_where using errcode = '22004';
    end if;
    if v_item -> 'options' is not null and jsonb_typeof(v_item -> 'options') <> 'null' and (
        jsonb_typeof(v_item -> 'options') <> 'array'
        or exists (select 1 from jsonb_array_elements(v_item -> 'options') o where jsonb_typeof(o) <> 'string'
                   or length(btrim(o #>> '{}')) not between 1 and 200)) then
      raise exception '%.options must be an array of strings of 1 to 200 characters', v_where using errcode = '22023';
    end if;
    select coalesce(array_agg(btrim(o #>> '{}') order by ord), '{}') into v_options
    from jsonb_array_elements(coalesce(nullif(v_item -> 'options', 'null'::jsonb), '[]')) with ordinality x(o, ord);
    if v_type in ('select', 'multiselect') and cardinality(v_options) not between 1 and 200 then
      raise exception '%.options must list 1 to 200 values for a % field', v_where, v_type using errcode = '22023';
    end if;
    if v_type not in ('select', 'multiselect') and cardinality(v_options) > 0 then
      raise exception '%.options are only allowed for select and multiselect fields', v_where using errcode = '22023';
    end if;
    v_fields := v_fields || jsonb_build_array(jsonb_build_object(
      'entity_type', private.setup_label(private.setup_text(v_item, 'entity_type', v_where), 'public.crm_entity_type', v_where || '.entity_type', 'contact'),
      'field_key', private.setup_key(private.setup_text(v_item, 'key', v_where), v_where),
      'label', private.setup_name(private.setup_text(v_item, 'label', v_where), v_where || '.label'),
      'field_type', v_type,
      'options', to_jsonb(v_options),
      'required', private.setup_bool(v_item, 'required', v_where, false),
      'position', v_i));
  end loop;
  select min(e.ord) - 1 into v_i
  from jsonb_array_elements(v_fields) with ordinality e(item, ord)
  where exists (select 1 from jsonb_array_elements(v_fields) with ordinality d(item, ord)
                where d.ord < e.ord and d.item ->> 'field_key' = e.item ->> 'field_key' and d.item ->> 'entity_type' = e.item ->> 'entity_type');
  if v_i is not null then
    raise exception 'p_custom_fields[%].key "%" appears twice', v_i, v_fields -> v_i ->> 'field_key' using errcode = '22023';
  end if;

  for v_item, v_i in select e.item, e.ord - 1 from jsonb_array_elements(coalesce(p_streams, '[]')) with ordinality e(item, ord) loop
    v_where := format('p_streams[%s]', v_i);
    if length(private.setup_text(v_item, 'description', v_where)) > 4000 then
      raise exception '%.description must be at most 4000 characters', v_where using errcode = '22023';
    end if;
    v_streams := v_streams || jsonb_build_array(jsonb_build_object(
      'name', private.setup_name(private.setup_text(v_item, 'name', v_where), v_where || '.name'),
      'type', private.setup_label(private.setup_text(v_item, 'type', v_where), 'public.stream_type', v_where || '.type', 'functional'),
      'color', private.setup_color(private.setup_text(v_item, 'color', v_where), v_where || '.color'),
      'description', coalesce(private.setup_text(v_item, 'description', v_where), ''),
      'position', v_i));
  end loop;
  select min(e.ord) - 1 into v_i
  from jsonb_array_elements(v_streams) with ordinality e(item, ord)
  where exists (select 1 from jsonb_array_elements(v_streams) with ordinality d(item, ord)
                where d.ord < e.ord and lower(d.item ->> 'name') = lower(e.item ->> 'name'));
  if v_i is not null then
    raise exception 'p_streams[%].name "%" appears twice', v_i, v_streams -> v_i ->> 'name' using errcode = '22023';
  end if;

  -- Everything is valid: add what is missing, after the existing entries, in the order given.
  insert into public.pipeline_stages (workspace_id, entity_type, stage_key, label, color, is_closed, position)
  select p_workspace_id, n.entity_type, n.item ->> 'stage_key', n.item ->> 'label', n.item ->> 'color', (n.item ->> 'is_closed')::boolean,
         coalesce((select max(x.position) from public.pipeline_stages x
                   where x.workspace_id = p_workspace_id and x.entity_type = n.entity_type), -1)
           + row_number() over (partition by n.entity_type order by n.ord)
  from (select e.item, e.ord, (e.item ->> 'entity_type')::public.crm_entity_type as entity_type
        from jsonb_array_elements(v_stages) with ordinality e(item, ord)) n
  where not exists (select 1 from public.pipeline_stages x
                    where x.workspace_id = p_workspace_id and x.entity_type = n.entity_type and x.stage_key = n.item ->> 'stage_key')
  on conflict (workspace_id, entity_type, stage_key) do nothing;

  insert into public.field_definitions (workspace_id, entity_type, field_key, label, field_type, options, required, position)
  select p_workspace_id, n.entity_type, n.item ->> 'field_key', n.item ->> 'label', (n.item ->> 'field_type')::public.custom_field_type,
         array(select jsonb_array_elements_text(n.item -> 'options')), (n.item ->> 'required')::boolean,
         coalesce((select max(x.position) from public.field_definitions x
                   where x.workspace_id = p_workspace_id and x.entity_type = n.entity_type), -1)
           + row_number() over (partition by n.entity_type order by n.ord)
  from (select e.item, e.ord, (e.item ->> 'entity_type')::public.crm_entity_type as entity_type
        from jsonb_array_elements(v_fields) with ordinality e(item, ord)) n
  where not exists (select 1 from public.field_definitions x
                    where x.workspace_id = p_workspace_id and x.entity_type = n.entity_type and x.field_key = n.item ->> 'field_key')
  on conflict (workspace_id, entity_type, field_key) do nothing;

  insert into public.streams (workspace_id, name, type, color, description, position)
  select p_workspace_id, n.item ->> 'name', (n.item ->> 'type')::public.stream_type, n.item ->> 'color', n.item ->> 'description',
         coalesce((select max(x.position) from public.streams x where x.workspace_id = p_workspace_id), -1)
           + row_number() over (order by n.ord)
  from jsonb_array_elements(v_streams) with ordinality n(item, ord)
  where not exists (select 1 from public.streams x
                    where x.workspace_id = p_workspace_id and lower(btrim(x.name)) = lower(n.item ->> 'name'));
end
$$;
revoke all on function private.seed_workspace_setup(uuid, jsonb, jsonb, jsonb) from public;

-- The earlier nine-argument form is replaced by the fourteen-argument one (same first nine arguments):
-- two overloads would make every call that omits the new arguments ambiguous.
drop function if exists public.complete_setup(uuid, text, text, text, numeric, boolean, text, jsonb, boolean);

create or replace function public.complete_setup(
  p_workspace_id uuid,
  p_owner_name text default null,
  p_owner_preferred_name text default null,
  p_timezone text default null,
  p_monthly_budget_usd numeric default null,
  p_budget_hard_cutoff boolean default null,
  p_description text default null,
  p_settings jsonb default null,
  p_completed boolean default true,
  p_name text default null,
  p_slug text default null,
  p_pipeline_stages jsonb default null,
  p_custom_fields jsonb default null,
  p_streams jsonb default null)
returns public.workspaces
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_ws public.workspaces;
begin
  if p_workspace_id is null then
    raise exception 'p_workspace_id must not be null' using errcode = '22004';
  end if;
  if p_completed is null then
    raise exception 'p_completed must not be null' using errcode = '22004';
  end if;
  perform private.assert_workspace_role(p_workspace_id, 'admin');
  -- The row lock serialises concurrent wizard calls of one workspace (the stream name check relies on it).
  select * into v_ws from public.workspaces w where w.id = p_workspace_id for update;
  if not found then
    raise exception 'workspace % not found (p_workspace_id)', p_workspace_id using errcode = 'P0002';
  end if;

  if p_name is not null then
    perform private.check_name(p_name, 'p_name');
  end if;
  if p_slug is not null then
    perform private.check_slug(p_slug, 'p_slug');
  end if;
  if p_owner_name is not null and length(btrim(p_owner_name)) not between 1 and 200 then
    raise exception 'p_owner_name must be 1 to 200 characters' using errcode = '22023';
  end if;
  if p_owner_preferred_name is not null and length(btrim(p_owner_preferred_name)) not between 1 and 200 then
    raise exception 'p_owner_preferred_name must be 1 to 200 characters' using errcode = '22023';
  end if;
  if p_timezone is not null and not private.is_valid_timezone(p_timezone) then
    raise exception 'p_timezone "%" is not a recognised time zone (use an IANA name such as Europe/Berlin)',
      left(p_timezone, 80) using errcode = '22023';
  end if;
  if p_monthly_budget_usd is not null and (p_monthly_budget_usd < 0 or p_monthly_budget_usd >= 10000000000
                                           or p_monthly_budget_usd = 'NaN'::numeric) then
    raise exception 'p_monthly_budget_usd must be between 0 and 9999999999.99 (got %)', p_monthly_budget_usd
      using errcode = '22023';
  end if;
  if p_description is not null and length(p_description) > 4000 then
    raise exception 'p_description must be at most 4000 characters' using errcode = '22023';
  end if;
  if p_settings is not null and jsonb_typeof(p_settings) <> 'object' then
    raise exception 'p_settings must be a JSON object (got %)', jsonb_typeof(p_settings) using errcode = '22023';
  end if;
  if p_completed and coalesce(nullif(btrim(p_owner_name), ''), v_ws.owner_name) is null then
    raise exception 'p_owner_name is required to complete setup' using errcode = '22004';
  end if;

  -- Seeds are validated in full before the workspace row changes; any error leaves everything as it was.
  perform private.seed_workspace_setup(p_workspace_id, p_pipeline_stages, p_custom_fields, p_streams);

  update public.workspaces w set
    name = coalesce(btrim(p_name), w.name),
    slug = coalesce(p_slug, w.slug),
    owner_name = coalesce(btrim(p_owner_name), w.owner_name),
    owner_preferred_name = coalesce(btrim(p_owner_preferred_name), w.owner_preferred_name),
    timezone = coalesce(p_timezone, w.timezone),
    monthly_budget_usd = coalesce(round(p_monthly_budget_usd, 2), w.monthly_budget_usd),
    budget_hard_cutoff = coalesce(p_budget_hard_cutoff, w.budget_hard_cutoff),
    description = coalesce(p_description, w.description),
    settings = w.settings || coalesce(p_settings, '{}'::jsonb),
    setup_state = case
      when p_completed then 'completed'::public.workspace_setup_state
      when w.setup_state = 'completed' then w.setup_state
      else 'in_progress'::public.workspace_setup_state
    end
  where w.id = p_workspace_id
  returning * into v_ws;
  return v_ws;
end
$$;

revoke all on function public.complete_setup(uuid, text, text, text, numeric, boolean, text, jsonb, boolean, text, text, jsonb, jsonb, jsonb) from public, anon;
grant execute on function public.complete_setup(uuid, text, text, text, numeric, boolean, text, jsonb, boolean, text, text, jsonb, jsonb, jsonb) to authenticated, service_role;

comment on function public.complete_setup(uuid, text, text, text, numeric, boolean, text, jsonb, boolean, text, text, jsonb, jsonb, jsonb) is
  'The setup wizard (admins): workspace name, slug, owner details, timezone, budget, description, settings (merged), '
  'and seed lists that only add: p_pipeline_stages [{key, label, color?, closed?, entity_type?}], p_custom_fields '
  '[{key, label, type, options?, required?, entity_type?}], p_streams [{name, type?, color?, description?}]. Entries '
  'whose key (stages, fields) or name (streams) exists are left untouched; nothing is deleted. p_completed => false '
  'saves progress. Errors name the argument: 22004, 22023, 23505 (slug taken), 42501, P0002.';
