-- Schedules: one cron parser for every domain that runs things on a timetable (recurring task series,
-- job schedules). Standard five-field cron (minute hour day-of-month month day-of-week) with lists,
-- ranges, steps, month and weekday names and the @hourly/@daily/@weekly/@monthly/@yearly macros.
-- Next run times are computed in an IANA timezone, so "9:00 every weekday" stays at 9:00 local across
-- daylight-saving changes. Runs as the non-superuser `postgres` role; every statement is idempotent.

-- Parses one cron field into the sorted set of values it allows. 22023 naming the field when invalid.
create or replace function private.cron_parse_field(
  p_field text, p_label text, p_min int, p_max int, p_names text[] default null, p_name_base int default 0
)
returns int[]
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_part text;
  v_range text;
  v_step int;
  v_lo int;
  v_hi int;
  v_bounds text[];
  v_values int[] := '{}'::int[];
  v_value text;
  v_parsed int;
begin
  if p_field is null or p_field = '' then
    raise exception 'schedule field % is empty', p_label using errcode = '22023';
  end if;
  foreach v_part in array string_to_array(lower(p_field), ',') loop
    if v_part !~ '^(\*|[a-z0-9]+(-[a-z0-9]+)?)(/[0-9]+)?$' then
      raise exception 'schedule field % has an invalid part "%"', p_label, v_part using errcode = '22023';
    end if;
    v_range := split_part(v_part, '/', 1);
    v_step := coalesce(nullif(split_part(v_part, '/', 2), '')::int, 1);
    if v_step < 1 or v_step > p_max then
      raise exception 'schedule field % has step % out of range 1..%', p_label, v_step, p_max using errcode = '22023';
    end if;
    if v_range = '*' then
      v_lo := p_min;
      v_hi := p_max;
    else
      v_bounds := string_to_array(v_range, '-');
      for i in 1 .. array_length(v_bounds, 1) loop
        v_value := v_bounds[i];
        if v_value ~ '^[0-9]+$' then
          v_parsed := v_value::int;
        elsif p_names is not null and array_position(p_names, v_value) is not null then
          v_parsed := array_position(p_names, v_value) - 1 + p_name_base;
        else
          raise exception 'schedule field % has an unknown value "%"', p_label, v_value using errcode = '22023';
        end if;
        -- Day of week 7 is Sunday, as in most cron implementations.
        if p_label = 'day-of-week' and v_parsed = 7 then
          v_parsed := case when i = 1 then 0 else 7 end;
        end if;
        if v_parsed < p_min or v_parsed > (case when p_label = 'day-of-week' then 7 else p_max end) then
          raise exception 'schedule field % has value % out of range %..%', p_label, v_parsed, p_min, p_max
            using errcode = '22023';
        end if;
        if i = 1 then v_lo := v_parsed; else v_hi := v_parsed; end if;
      end loop;
      if array_length(v_bounds, 1) = 1 then
        -- "a/n" means a, a+n, ... up to the field's maximum.
        v_hi := case when v_part like '%/%' then p_max else v_lo end;
      end if;
      if v_lo > v_hi then
        raise exception 'schedule field % has a backwards range "%"', p_label, v_range using errcode = '22023';
      end if;
    end if;
    for i in v_lo .. v_hi by v_step loop
      v_values := v_values || (case when p_label = 'day-of-week' and i = 7 then 0 else i end);
    end loop;
  end loop;
  return (select array_agg(distinct v order by v) from unnest(v_values) as v);
end
$$;
revoke all on function private.cron_parse_field(text, text, int, int, text[], int) from public;

-- The five parsed fields of a cron expression (macros expanded). 22004 for null, 22023 naming the problem.
create or replace function private.cron_fields(
  p_expr text,
  out minutes int[], out hours int[], out days int[], out months int[], out weekdays int[],
  out days_restricted boolean, out weekdays_restricted boolean
)
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_expr text;
  v_fields text[];
begin
  if p_expr is null then
    raise exception 'schedule must not be null' using errcode = '22004';
  end if;
  v_expr := case lower(btrim(p_expr))
    when '@yearly' then '0 0 1 1 *'
    when '@annually' then '0 0 1 1 *'
    when '@monthly' then '0 0 1 * *'
    when '@weekly' then '0 0 * * 0'
    when '@daily' then '0 0 * * *'
    when '@midnight' then '0 0 * * *'
    when '@hourly' then '0 * * * *'
    else btrim(p_expr)
  end;
  v_fields := regexp_split_to_array(v_expr, '\s+');
  if array_length(v_fields, 1) is distinct from 5 then
    raise exception 'schedule "%" must have 5 fields (minute hour day-of-month month day-of-week), got %',
      left(p_expr, 100), coalesce(array_length(v_fields, 1), 0) using errcode = '22023';
  end if;
  minutes := private.cron_parse_field(v_fields[1], 'minute', 0, 59);
  hours := private.cron_parse_field(v_fields[2], 'hour', 0, 23);
  days := private.cron_parse_field(v_fields[3], 'day-of-month', 1, 31);
  months := private.cron_parse_field(v_fields[4], 'month', 1, 12,
    array['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec'], 1);
  weekdays := private.cron_parse_field(v_fields[5], 'day-of-week', 0, 6,
    array['sun','mon','tue','wed','thu','fri','sat'], 0);
  days_restricted := v_fields[3] !~ '^\*';
  weekdays_restricted := v_fields[5] !~ '^\*';
end
$$;
revoke all on function private.cron_fields(text) from public;

-- Validates a schedule for a column or argument named p_arg; returns it trimmed. Used by check constraints
-- and triggers so an invalid schedule is refused when saved, not when it would fire.
create or replace function private.cron_validate(p_expr text, p_arg text default 'schedule')
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  perform private.cron_fields(p_expr);
  return btrim(p_expr);
exception
  when sqlstate '22023' or sqlstate '22004' then
    raise exception '%: %', p_arg, sqlerrm using errcode = sqlstate;
end
$$;
revoke all on function private.cron_validate(text, text) from public;

-- The first time strictly after p_after at which the schedule fires, in timezone p_timezone. Null when the
-- schedule can never fire (e.g. "0 0 30 2 *") within the next five years.
create or replace function private.cron_next_run(p_expr text, p_timezone text, p_after timestamptz)
returns timestamptz
language plpgsql
stable
set search_path = ''
as $$
declare
  f record;
  v_local timestamp;
  v_day date;
  v_start_day date;
  v_hour int;
  v_minute int;
  v_day_ok boolean;
  v_candidate timestamptz;
begin
  if p_timezone is null or not private.is_valid_timezone(p_timezone) then
    raise exception 'timezone "%" is not a known IANA timezone', p_timezone using errcode = '22023';
  end if;
  if p_after is null then
    raise exception 'p_after must not be null' using errcode = '22004';
  end if;
  f := private.cron_fields(p_expr);
  v_local := date_trunc('minute', p_after at time zone p_timezone);
  v_start_day := v_local::date;
  for v_day in select d::date from generate_series(v_start_day, v_start_day + 1830, interval '1 day') d loop
    continue when not (extract(month from v_day)::int = any (f.months));
    v_day_ok := case
      when f.days_restricted and f.weekdays_restricted then
        extract(day from v_day)::int = any (f.days) or extract(dow from v_day)::int = any (f.weekdays)
      else
        extract(day from v_day)::int = any (f.days) and extract(dow from v_day)::int = any (f.weekdays)
    end;
    continue when not v_day_ok;
    foreach v_hour in array f.hours loop
      continue when v_day = v_start_day and v_hour < extract(hour from v_local)::int;
      foreach v_minute in array f.minutes loop
        v_candidate := (v_day + make_time(v_hour, v_minute, 0)) at time zone p_timezone;
        if v_candidate > p_after then
          return v_candidate;
        end if;
      end loop;
    end loop;
  end loop;
  return null;
end
$$;
revoke all on function private.cron_next_run(text, text, timestamptz) from public;

comment on function private.cron_next_run(text, text, timestamptz) is
  'First fire time strictly after p_after of a five-field cron schedule evaluated in an IANA timezone; null if none within five years.';
comment on function private.cron_validate(text, text) is
  'Raises 22023 naming p_arg and the offending cron field when the schedule is invalid; returns it trimmed.';
