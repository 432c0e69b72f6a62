-- Demo data for conversations, agent sessions and runs, telemetry, family routing and provider settings,
-- in the demo workspace "hq" (Acme HQ). Data only; ids 30300000-... are this file's.
-- The demo share link's token is 'dec0de00000000000000000000000030' hashed like any other
-- (read it anonymously with: select public.get_shared_thread('dec0de00000000000000000000000030')).

-- No agents or gateways are seeded here (the agents domain owns those, and its tests count them):
-- agent columns stay null, so the demo family routes to `no_agent` until the workspace has a head agent.

-- A coding session with its chat, one finished run and its steps.
insert into public.agent_sessions (id, workspace_id, owner_id, agent_id, title, status, repo_owner, repo_name, branch, clone_url,
  lifecycle_state, last_activity_at, hibernate_after, lines_added, lines_removed) values
  ('30300000-0000-4000-8000-000000000021', 'd2000000-0000-4000-8000-000000000001', 'd0000000-0000-4000-8000-000000000003',
   null, 'Fix the checkout rounding bug', 'running', 'acme', 'shop', 'fix/rounding',
   'https://github.com/acme/shop.git', 'active', now() - interval '5 minutes', now() + interval '25 minutes', 42, 7)
on conflict do nothing;

insert into public.threads (id, workspace_id, kind, title, agent_id, session_id, channel, external_ref, model_id, created_by) values
  ('30300000-0000-4000-8000-000000000031', 'd2000000-0000-4000-8000-000000000001', 'dm', 'Olivia & Adam',
   null, null, null, null, null, 'd0000000-0000-4000-8000-000000000001'),
  ('30300000-0000-4000-8000-000000000032', 'd2000000-0000-4000-8000-000000000001', 'channel', '#general',
   null, null, null, null, null, 'd0000000-0000-4000-8000-000000000002'),
  ('30300000-0000-4000-8000-000000000033', 'd2000000-0000-4000-8000-000000000001', 'external', 'Invoice question from a customer',
   null, null, 'email', '<CA+invoice-1@mail.example>', null, null),
  ('30300000-0000-4000-8000-000000000034', 'd2000000-0000-4000-8000-000000000001', 'session_chat', 'Rounding bug',
   null, '30300000-0000-4000-8000-000000000021', null, null, 'anthropic/claude-sonnet-4.5',
   'd0000000-0000-4000-8000-000000000003')
on conflict do nothing;

insert into public.thread_participants (id, workspace_id, thread_id, user_id, agent_id, role) values
  ('30300000-0000-4000-8000-000000000041', 'd2000000-0000-4000-8000-000000000001', '30300000-0000-4000-8000-000000000031', 'd0000000-0000-4000-8000-000000000001', null, 'owner'),
  ('30300000-0000-4000-8000-000000000042', 'd2000000-0000-4000-8000-000000000001', '30300000-0000-4000-8000-000000000031', 'd0000000-0000-4000-8000-000000000002', null, 'member'),
  ('30300000-0000-4000-8000-000000000043', 'd2000000-0000-4000-8000-000000000001', '30300000-0000-4000-8000-000000000032', 'd0000000-0000-4000-8000-000000000002', null, 'owner'),
  ('30300000-0000-4000-8000-000000000044', 'd2000000-0000-4000-8000-000000000001', '30300000-0000-4000-8000-000000000032', 'd0000000-0000-4000-8000-000000000003', null, 'member')
on conflict do nothing;

-- Messages (sequence numbers, last_seq and the authors' read markers are filled by the database).
insert into public.messages (id, thread_id, sender_type, sender_user_id, sender_agent_id, content, parts, model_id, input_tokens, output_tokens, external_ref)
select v.id::uuid, v.thread_id::uuid, v.sender_type::public.message_sender_type, v.sender_user_id::uuid, v.sender_agent_id::uuid,
       v.content, v.parts::jsonb, v.model_id, v.input_tokens, v.output_tokens, v.external_ref
from (values
  ('30300000-0000-4000-8000-000000000101', '30300000-0000-4000-8000-000000000031', 'user', 'd0000000-0000-4000-8000-000000000001', null,
   'Can you book the room for Sunday lunch?', '[{"type": "text", "text": "Can you book the room for Sunday lunch?"}]', null, null, null, null),
  ('30300000-0000-4000-8000-000000000102', '30300000-0000-4000-8000-000000000031', 'user', 'd0000000-0000-4000-8000-000000000002', null,
   'Booked, see you there.', '[{"type": "text", "text": "Booked, see you there."}]', null, null, null, null),
  ('30300000-0000-4000-8000-000000000103', '30300000-0000-4000-8000-000000000032', 'user', 'd0000000-0000-4000-8000-000000000002', null,
   'Welcome to the new workspace!', '[]', null, null, null, null),
  ('30300000-0000-4000-8000-000000000104', '30300000-0000-4000-8000-000000000032', 'system', null, null,
   'Mia Member joined the channel.', '[]', null, null, null, null),
  ('30300000-0000-4000-8000-000000000105', '30300000-0000-4000-8000-000000000033', 'system', null, null,
   'Hello, invoice 1042 shows the wrong VAT rate.', '[{"type": "text", "text": "Hello, invoice 1042 shows the wrong VAT rate."}]', null, null, null, '<CA+invoice-1@mail.example>'),
  ('30300000-0000-4000-8000-000000000106', '30300000-0000-4000-8000-000000000034', 'user', 'd0000000-0000-4000-8000-000000000003', null,
   'Totals are off by one cent on some carts.', '[{"type": "text", "text": "Totals are off by one cent on some carts."}]', null, null, null, null),
  ('30300000-0000-4000-8000-000000000107', '30300000-0000-4000-8000-000000000034', 'assistant', null, null,
   'Found it: line totals are rounded before summing. Patch pushed to fix/rounding.',
   '[{"type": "reasoning", "text": "Compare per-line rounding with rounding the sum."}, {"type": "tool-invocation", "toolName": "bash", "args": {"command": "npm test"}}, {"type": "text", "text": "Found it: line totals are rounded before summing. Patch pushed to fix/rounding."}]',
   'anthropic/claude-sonnet-4.5', 15230, 911, null)
) as v(id, thread_id, sender_type, sender_user_id, sender_agent_id, content, parts, model_id, input_tokens, output_tokens, external_ref)
where not exists (select 1 from public.messages m where m.id = v.id::uuid);

-- Viewer has read the first message of #general only.
insert into public.thread_reads (workspace_id, thread_id, user_id, last_read_seq) values
  ('d2000000-0000-4000-8000-000000000001', '30300000-0000-4000-8000-000000000032', 'd0000000-0000-4000-8000-000000000004', 1)
on conflict do nothing;

-- A public link to the coding chat (demo token above).
insert into public.thread_shares (id, workspace_id, thread_id, created_by, expires_at) values
  ('30300000-0000-4000-8000-000000000051', 'd2000000-0000-4000-8000-000000000001', '30300000-0000-4000-8000-000000000034',
   'd0000000-0000-4000-8000-000000000003', now() + interval '30 days')
on conflict do nothing;
insert into private.thread_share_hashes (share_id, token_hash) values
  ('30300000-0000-4000-8000-000000000051', extensions.digest('dec0de00000000000000000000000030', 'sha256'))
on conflict do nothing;

insert into public.feed_events (id, workspace_id, type, title, body, agent_id, user_id, thread_id, acknowledged_at) values
  ('30300000-0000-4000-8000-000000000061', 'd2000000-0000-4000-8000-000000000001', 'task_completed', 'Sunday lunch reminders sent',
   'Two family members were messaged.', null, null, '30300000-0000-4000-8000-000000000031', now()),
  ('30300000-0000-4000-8000-000000000062', 'd2000000-0000-4000-8000-000000000001', 'approval_needed', 'Push the rounding fix?',
   'The coding agent wants to open a pull request on acme/shop.', null, 'd0000000-0000-4000-8000-000000000003',
   '30300000-0000-4000-8000-000000000034', null),
  ('30300000-0000-4000-8000-000000000063', 'd2000000-0000-4000-8000-000000000001', 'info', 'New e-mail conversation',
   'An invoice question arrived by e-mail.', null, null, '30300000-0000-4000-8000-000000000033', null)
on conflict do nothing;

insert into public.workflow_runs (id, workspace_id, session_id, thread_id, owner_id, model_id, status, started_at, finished_at) values
  ('30300000-0000-4000-8000-000000000081', 'd2000000-0000-4000-8000-000000000001', '30300000-0000-4000-8000-000000000021',
   '30300000-0000-4000-8000-000000000034', 'd0000000-0000-4000-8000-000000000003', 'anthropic/claude-sonnet-4.5', 'completed',
   now() - interval '6 minutes', now() - interval '6 minutes' + interval '41.3 seconds')
on conflict do nothing;
insert into public.workflow_run_steps (id, workspace_id, run_id, step_number, started_at, finished_at, finish_reason, raw_finish_reason, input_tokens, output_tokens)
values
  ('30300000-0000-4000-8000-000000000091', 'd2000000-0000-4000-8000-000000000001', '30300000-0000-4000-8000-000000000081', 1,
   now() - interval '6 minutes', now() - interval '6 minutes' + interval '18.2 seconds', 'tool-calls', 'tool_use', 7100, 402),
  ('30300000-0000-4000-8000-000000000092', 'd2000000-0000-4000-8000-000000000001', '30300000-0000-4000-8000-000000000081', 2,
   now() - interval '6 minutes' + interval '18.2 seconds', now() - interval '6 minutes' + interval '41.3 seconds', 'stop', 'end_turn', 8130, 509)
on conflict do nothing;

-- One WhatsApp turn of the family assistant, stage by stage.
insert into public.telemetry_events (workspace_id, turn_id, stage, status, started_at, ended_at, agent_id, metadata)
select 'd2000000-0000-4000-8000-000000000001', '30300000-0000-4000-8000-0000000000a1', v.stage, v.status::public.telemetry_status,
       now() - interval '1 minute' + v.start_ms * interval '1 millisecond',
       now() - interval '1 minute' + v.end_ms * interval '1 millisecond', null, v.metadata::jsonb
from (values
  ('whatsapp_receive', 'completed', 0, 35, '{"message_type": "voice"}'),
  ('stt', 'completed', 40, 610, '{"provider": "openai", "seconds": 4.2}'),
  ('llm', 'completed', 615, 2210, '{"model": "claude-sonnet-4-5", "output_tokens": 88}'),
  ('tts', 'completed', 2215, 2980, '{"voice": "warm"}'),
  ('whatsapp_send', 'completed', 2985, 3120, '{}')
) as v(stage, status, start_ms, end_ms, metadata)
where not exists (select 1 from public.telemetry_events e where e.turn_id = '30300000-0000-4000-8000-0000000000a1');

insert into public.family_members (id, workspace_id, phone_e164, display_name, relation, user_id, agent_id, opted_in) values
  ('30300000-0000-4000-8000-0000000000b1', 'd2000000-0000-4000-8000-000000000001', '+15555550100', 'Olivia', 'self',
   'd0000000-0000-4000-8000-000000000001', null, true),
  ('30300000-0000-4000-8000-0000000000b2', 'd2000000-0000-4000-8000-000000000001', '+15555550101', 'Grandma', 'grandparent',
   null, null, true),
  ('30300000-0000-4000-8000-0000000000b3', 'd2000000-0000-4000-8000-000000000001', '+15555550102', 'Sam', 'child',
   null, null, false)
on conflict do nothing;

insert into public.workspace_settings (workspace_id, kind, settings, updated_by) values
  ('d2000000-0000-4000-8000-000000000001', 'llm', '{"temperature": 0.3}', 'd0000000-0000-4000-8000-000000000002'),
  ('d2000000-0000-4000-8000-000000000001', 'flags', '{"debug_transcripts": true}', 'd0000000-0000-4000-8000-000000000002')
on conflict do nothing;
