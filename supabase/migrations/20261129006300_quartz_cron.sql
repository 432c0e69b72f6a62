-- Schedules: the Quartz cron dialect (used by the enterprise platform's job schedules), accepted and
-- converted on save, plus the day-of-month `L` and day-of-week `nL` / `n#k` forms in five-field
-- expressions. Extends the shared parser of 20261129000500_schedules.sql (same signatures, create or
-- replace); every five-field expression that was valid before means exactly what it meant.
--
-- Accepted dialect (documented in docs/porting/enterprise.md, "Schedules: the Quartz dialect"):
--   five fields  minute hour day-of-month month day-of-week, names, lists, ranges, steps, @macros,
--                `?` as `*` in day-of-month / day-of-week, `L` (last day) in day-of-month,
--                `nL` (last weekday n of the month) and `n#k` (k-th weekday n, k 1..5) in day-of-week
--                (0 or 7 = Sunday).
--   Quartz       sec min hour day-of-month month day-of-week [year]: converted to five fields when saved.
--                Seconds must be 0 (schedules run at minute resolution), year `*` or `?`, day-of-week
--                numbers 1..7 with 1 = Sunday are shifted to 0..6. `W`, `LW`, `L-n` are refused (22023).
-- Runs as the non-superuser `postgres` role; every statement is idempotent.

-- Quartz (6 or 7 fields) -> five fields; any other expression is returned unchanged.
create or replace function private.cron_from_quartz(p_expr text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  f text[];
  v_dom text;
  v_dow text := '';
  v_part text;
  v_base text;
  v_step text;
  v_suffix text;
begin
  if p_expr is null then
    return null;
  end if;
  f := regexp_split_to_array(btrim(p_expr), '\s+');
  if coalesce(array_length(f, 1), 0) not in (6, 7) then
    return p_expr;
  end if;
  if f[1] !~ '^0{1,2}$' then
    raise exception 'schedule "%": the Quartz seconds field must be 0 (schedules run at minute resolution), got "%"',
      left(p_expr, 100), left(f[1], 20) using errcode = '22023';
  end if;
  if array_length(f, 1) = 7 and f[7] not in ('*', '?') then
    raise exception 'schedule "%": the Quartz year field must be * or ?, got "%"', left(p_expr, 100), left(f[7], 20)
      using errcode = '22023';
  end if;
  v_dom := case when f[4] = '?' then '*' else f[4] end;
  if v_dom ~* 'w' or v_dom ~* 'l-' then
    raise exception 'schedule "%": day-of-month "%" is not supported (W, LW and L-n have no minute-resolution equivalent here)',
      left(p_expr, 100), left(v_dom, 20) using errcode = '22023';
  end if;
  if f[6] = '?' then
    v_dow := '*';
  else
    -- Quartz numbers weekdays 1..7 from Sunday; five-field cron 0..6. Names are the same in both.
    foreach v_part in array string_to_array(f[6], ',') loop
      v_base := split_part(v_part, '/', 1);
      v_step := case when v_part like '%/%' then '/' || split_part(v_part, '/', 2) else '' end;
      v_suffix := '';
      if v_base ~ '#' then
        v_suffix := '#' || split_part(v_base, '#', 2);
        v_base := split_part(v_base, '#', 1);
      elsif upper(v_base) = 'L' then
        v_base := '7';  -- Quartz: L alone in day-of-week is the last day of the week, Saturday
      elsif v_base ~* '^[0-9a-z]+l$' then
        v_suffix := 'L';
        v_base := left(v_base, -1);
      end if;
      v_base := (select string_agg(case when x ~ '^[0-9]+$' then (x::int - 1)::text else x end, '-' order by o)
                 from unnest(string_to_array(v_base, '-')) with ordinality u (x, o));
      v_dow := v_dow || case when v_dow = '' then '' else ',' end || v_base || v_suffix || v_step;
    end loop;
  end if;
  return f[2] || ' ' || f[3] || ' ' || v_dom || ' ' || f[5] || ' ' || v_dow;
end
$$;
revoke all on function private.cron_from_quartz(text) from public;
comment on function private.cron_from_quartz(text) is
  'Converts a Quartz cron expression (6 or 7 fields, seconds 0) to the five-field form; other expressions unchanged. 22023 for what has no equivalent.';

-- The five parsed fields. days may hold 32 (= L, the last day of the month); weekdays may hold
-- 100 + 10*k + d (the k-th weekday d of the month) and 200 + d (the last weekday d of the month).
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
  v_part text;
  v_plain text[];
  v_special int[];
  v_d text;
  v_n int;
  c_names constant text[] := array['sun','mon','tue','wed','thu','fri','sat'];
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
    else private.cron_from_quartz(btrim(p_expr))
  end;
  v_fields := regexp_split_to_array(v_expr, '\s+');
  if array_length(v_fields, 1) is distinct from 5 then
    raise exception 'schedule "%" must have 5 fields (minute hour day-of-month month day-of-week), got %',
      left(p_expr, 100), coalesce(array_length(v_fields, 1), 0) using errcode = '22023';
  end if;
  if v_fields[3] = '?' then v_fields[3] := '*'; end if;
  if v_fields[5] = '?' then v_fields[5] := '*'; end if;

  minutes := private.cron_parse_field(v_fields[1], 'minute', 0, 59);
  hours := private.cron_parse_field(v_fields[2], 'hour', 0, 23);
  months := private.cron_parse_field(v_fields[4], 'month', 1, 12,
    array['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec'], 1);

  -- day-of-month: L is the last day; the rest parses as before.
  v_plain := '{}';
  v_special := '{}';
  foreach v_part in array string_to_array(lower(v_fields[3]), ',') loop
    if v_part = 'l' then
      v_special := v_special || 32;
    else
      v_plain := v_plain || v_part;
    end if;
  end loop;
  days := coalesce(case when cardinality(v_plain) > 0
                        then private.cron_parse_field(array_to_string(v_plain, ','), 'day-of-month', 1, 31) end, '{}')
          || v_special;

  -- day-of-week: n#k and nL; the rest parses as before.
  v_plain := '{}';
  v_special := '{}';
  foreach v_part in array string_to_array(lower(v_fields[5]), ',') loop
    if v_part ~ '^([0-7]|[a-z]{3})(#[1-5]|l)$' then
      v_d := substring(v_part from '^([0-7]|[a-z]{3})');
      v_n := case when v_d ~ '^[0-7]$' then v_d::int % 7 else array_position(c_names, v_d) - 1 end;
      if v_n is null then
        raise exception 'schedule field day-of-week has an unknown value "%"', v_d using errcode = '22023';
      end if;
      v_special := v_special || case when v_part like '%l' then 200 + v_n
                                     else 100 + 10 * split_part(v_part, '#', 2)::int + v_n end;
    elsif v_part ~ '[#]' or (v_part ~ 'l$' and v_part !~ '^[a-z]{3}$') then
      raise exception 'schedule field day-of-week has an invalid part "%"', v_part using errcode = '22023';
    else
      v_plain := v_plain || v_part;
    end if;
  end loop;
  weekdays := coalesce(case when cardinality(v_plain) > 0
                            then private.cron_parse_field(array_to_string(v_plain, ','), 'day-of-week', 0, 6, c_names, 0) end, '{}')
              || v_special;

  days_restricted := v_fields[3] !~ '^\*';
  weekdays_restricted := v_fields[5] !~ '^\*';
end
$$;
revoke all on function private.cron_fields(text) from public;

-- Validates a schedule for a column or argument named p_arg; returns it as stored: trimmed, and in five
-- fields when it was written in the Quartz dialect.
create or replace function private.cron_validate(p_expr text, p_arg text default 'schedule')
returns text
language plpgsql
immutable
set search_path = ''
as $$
begin
  perform private.cron_fields(p_expr);
  return private.cron_from_quartz(btrim(p_expr));
exception
  when sqlstate '22023' or sqlstate '22004' then
    raise exception '%: %', p_arg, sqlerrm using errcode = sqlstate;
end
$$;
revoke all on function private.cron_validate(text, text) from public;

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
  v_last date;
  v_dom int;
  v_dow int;
  v_hour int;
  v_minute int;
  v_dom_hit boolean;
  v_dow_hit boolean;
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
    v_dom := extract(day from v_day)::int;
    v_dow := extract(dow from v_day)::int;
    v_last := (date_trunc('month', v_day) + interval '1 month - 1 day')::date;
    v_dom_hit := v_dom = any (f.days) or (32 = any (f.days) and v_day = v_last);
    v_dow_hit := v_dow = any (f.weekdays)
      or (100 + 10 * ((v_dom - 1) / 7 + 1) + v_dow) = any (f.weekdays)
      or ((200 + v_dow) = any (f.weekdays) and v_day + 7 > v_last);
    v_day_ok := case
      when f.days_restricted and f.weekdays_restricted then v_dom_hit or v_dow_hit
      else v_dom_hit and v_dow_hit
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
  'First fire time strictly after p_after of a cron schedule (five fields with L, nL, n#k; or Quartz) in an IANA timezone; null if none within five years.';
comment on function private.cron_validate(text, text) is
  'Raises 22023 naming p_arg and the offending cron field when the schedule is invalid; returns it trimmed, Quartz converted to five fields.';
