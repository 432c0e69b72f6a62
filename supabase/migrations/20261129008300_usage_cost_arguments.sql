-- ==================================================================================================
-- record_agent_usage names the cost argument it refuses. The first version refused any bad cost with one
-- message for all five ("p_cost_*_usd"); a caller could not tell which value was wrong. The checks now run
-- per argument in the public entry point, before the implementation's own (unchanged) guard.
-- ==================================================================================================

create or replace function private.check_usd_amount(p_arg text, p_value numeric)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_value is null then
    return;
  end if;
  if p_value = 'NaN'::numeric or p_value >= 100000000 then
    raise exception '% must be a number below 100000000 USD (got %)', p_arg, p_value using errcode = '22023';
  end if;
  if p_value < 0 then
    raise exception '% must not be negative (got %)', p_arg, p_value using errcode = '22023';
  end if;
end
$$;
revoke all on function private.check_usd_amount(text, numeric) from public, anon;
grant execute on function private.check_usd_amount(text, numeric) to authenticated, service_role;

create or replace function public.record_agent_usage(
  p_agent_id uuid, p_provider text, p_model text, p_operation public.usage_operation default 'chat',
  p_input_tokens bigint default 0, p_output_tokens bigint default 0,
  p_cache_read_tokens bigint default 0, p_cache_write_tokens bigint default 0,
  p_cost_input_usd numeric default null, p_cost_output_usd numeric default null,
  p_cost_cache_read_usd numeric default null, p_cost_cache_write_usd numeric default null,
  p_cost_total_usd numeric default null, p_occurred_at timestamptz default null,
  p_idempotency_key text default null, p_gateway_id uuid default null,
  p_session_id text default null, p_run_id text default null, p_metadata jsonb default null)
returns table (id uuid, deduplicated boolean)
language plpgsql
security invoker
set search_path = ''
as $$
begin
  perform private.check_usd_amount('p_cost_input_usd', p_cost_input_usd);
  perform private.check_usd_amount('p_cost_output_usd', p_cost_output_usd);
  perform private.check_usd_amount('p_cost_cache_read_usd', p_cost_cache_read_usd);
  perform private.check_usd_amount('p_cost_cache_write_usd', p_cost_cache_write_usd);
  perform private.check_usd_amount('p_cost_total_usd', p_cost_total_usd);
  return query select * from private.record_agent_usage(p_agent_id, p_provider, p_model, p_operation,
    p_input_tokens, p_output_tokens, p_cache_read_tokens, p_cache_write_tokens,
    p_cost_input_usd, p_cost_output_usd, p_cost_cache_read_usd, p_cost_cache_write_usd, p_cost_total_usd,
    p_occurred_at, p_idempotency_key, p_gateway_id, p_session_id, p_run_id, p_metadata);
end
$$;
