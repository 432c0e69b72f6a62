-- Job logs are capped at 1 MiB on write: longer output keeps its newest 1 MiB (cut on a character
-- boundary) and sets logs_truncated; appends past the cap behave the same.
begin;
select plan(13);

select tests.create_workspace_fixture('ejl');
insert into public.jobs (id, workspace_id, command) values
  ('e5000000-0000-4000-8000-0000000000d1', tests.workspace_id('ejl'), 'short'),
  ('e5000000-0000-4000-8000-0000000000d2', tests.workspace_id('ejl'), 'long'),
  ('e5000000-0000-4000-8000-0000000000d3', tests.workspace_id('ejl'), 'multibyte');

update public.jobs set logs = 'hello' where id = 'e5000000-0000-4000-8000-0000000000d1';
select is((select row(logs, logs_truncated)::text from public.jobs where id = 'e5000000-0000-4000-8000-0000000000d1'),
  row('hello', false)::text, 'short logs are kept as written');

-- 1 MiB + 6 bytes: the first 6 bytes go.
update public.jobs set logs = '0123456789' || repeat('a', 1048566) || 'END!!!' where id = 'e5000000-0000-4000-8000-0000000000d2';
select is((select octet_length(logs) from public.jobs where id = 'e5000000-0000-4000-8000-0000000000d2'), 1048576, 'capped at 1 MiB');
select is((select logs_truncated from public.jobs where id = 'e5000000-0000-4000-8000-0000000000d2'), true, 'flagged as truncated');
select is((select left(logs, 4) || right(logs, 6) from public.jobs where id = 'e5000000-0000-4000-8000-0000000000d2'),
  '6789END!!!', 'the newest output is kept');

-- Appending to a full log keeps the tail.
update public.jobs set logs = logs || E'\nnext line' where id = 'e5000000-0000-4000-8000-0000000000d2';
select is((select right(logs, 10) from public.jobs where id = 'e5000000-0000-4000-8000-0000000000d2'), E'\nnext line',
  'an append past the cap keeps the appended text');
select is((select octet_length(logs) from public.jobs where id = 'e5000000-0000-4000-8000-0000000000d2'), 1048576, 'still 1 MiB');

-- Two-byte and four-byte characters: never cut in the middle of one.
-- The trailing 'x' makes the 1 MiB cut fall inside an 'é'.
update public.jobs set logs = repeat('é', 600000) || repeat('😀', 3) || 'x' where id = 'e5000000-0000-4000-8000-0000000000d3';
select ok((select octet_length(logs) <= 1048576 and octet_length(logs) >= 1048573 from public.jobs where id = 'e5000000-0000-4000-8000-0000000000d3'),
  'multibyte logs fit the cap without wasting more than a character');
select is((select octet_length(logs) from public.jobs where id = 'e5000000-0000-4000-8000-0000000000d3'), 1048575,
  'the split character is dropped whole (one byte under the cap)');
select is((select right(logs, 4) from public.jobs where id = 'e5000000-0000-4000-8000-0000000000d3'), repeat('😀', 3) || 'x',
  'the newest characters survive whole');
select is((select convert_from(convert_to(logs, 'UTF8'), 'UTF8') = logs from public.jobs where id = 'e5000000-0000-4000-8000-0000000000d3'),
  true, 'the kept text is valid UTF-8 (round-trips)');

-- On insert too; and the flag stays once set.
insert into public.jobs (id, workspace_id, command, logs)
values ('e5000000-0000-4000-8000-0000000000d4', tests.workspace_id('ejl'), 'big', repeat('x', 2000000));
select is((select row(octet_length(logs), logs_truncated)::text from public.jobs where id = 'e5000000-0000-4000-8000-0000000000d4'),
  row(1048576, true)::text, 'an oversized insert is capped too');
update public.jobs set logs = 'cleared' where id = 'e5000000-0000-4000-8000-0000000000d4';
select is((select logs_truncated from public.jobs where id = 'e5000000-0000-4000-8000-0000000000d4'), true,
  'logs_truncated stays true: output was lost once');
select is(private.text_tail(null, 10), null, 'text_tail passes null through');

select * from finish();
rollback;
