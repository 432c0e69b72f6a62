-- Knowledge demo data (data only, no DDL) for the hq workspace (d2000000-...-001): document folders and
-- documents (boot context for every agent, and for an agent with slug `librarian` once one exists), a
-- chunked long document, asset folders and link assets, a customers knowledge collection next to the
-- default one, and entries. Agents and their grants are left to the agents' demo data: grant one access
-- with a row in agent_knowledge_access, then try agent_boot_context and match_knowledge(p_agent_id => ...).
--
-- Embeddings are deterministic demo vectors (1536-d, metadata.embedding_model = 'demo-deterministic'):
-- documents about the same topic share a base pattern, so match_documents and match_knowledge return
-- sensible neighbours without an embedding provider. Replace them with real embeddings in an app.

insert into public.document_folders (id, workspace_id, parent_id, name, sort_order, created_by) values
  ('02010000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001', null, 'Handbook', 0, 'd0000000-0000-4000-8000-000000000001'),
  ('02010000-0000-4000-8000-000000000002', 'd2000000-0000-4000-8000-000000000001', null, 'Playbooks', 1, 'd0000000-0000-4000-8000-000000000003'),
  ('02010000-0000-4000-8000-000000000003', 'd2000000-0000-4000-8000-000000000001', '02010000-0000-4000-8000-000000000002', 'Sales', 0, 'd0000000-0000-4000-8000-000000000003')
on conflict (id) do nothing;

-- topic 1 = company, 2 = sales/pricing, 3 = support
insert into public.documents (id, workspace_id, folder_id, title, body, tags, pinned, metadata, embedding, created_by)
select d.id, 'd2000000-0000-4000-8000-000000000001', d.folder_id, d.title, d.body, d.tags, d.pinned,
       '{"embedding_model": "demo-deterministic"}'::jsonb,
       array(select (sin(x * d.topic * 0.7) + 0.3 * cos(x * d.variant * 1.3))::real from generate_series(1, 1536) x)::extensions.vector,
       'd0000000-0000-4000-8000-000000000001'
from (values
  ('02020000-0000-4000-8000-000000000001'::uuid, '02010000-0000-4000-8000-000000000001'::uuid, 'Mission',
   'Acme Robotics builds helpful robots. Agents here ship small, tested changes and report back.',
   array['boot:all', 'company'], true, 1, 1),
  ('02020000-0000-4000-8000-000000000002', '02010000-0000-4000-8000-000000000001', 'Tone of voice',
   'Warm, brief, concrete. Never promise dates we do not control.', array['boot:all', 'style'], false, 1, 2),
  ('02020000-0000-4000-8000-000000000003', '02010000-0000-4000-8000-000000000002', 'Librarian playbook',
   'File every new document in a folder, tag boot:<agent> for start-up context, summarise long documents into chunks.',
   array['boot:librarian'], false, 1, 3),
  ('02020000-0000-4000-8000-000000000004', '02010000-0000-4000-8000-000000000003', 'Pricing FAQ',
   'Starter is free for one robot. Pro costs 20 EUR per robot per month. Enterprise pricing on request.',
   array['sales', 'pricing'], false, 2, 1),
  ('02020000-0000-4000-8000-000000000005', '02010000-0000-4000-8000-000000000003', 'Discount policy',
   'Annual plans get two months free. Discounts above 20 percent need the owner''s approval.',
   array['sales', 'pricing'], false, 2, 2),
  ('02020000-0000-4000-8000-000000000006', null, 'Support escalation',
   'Escalate safety issues at once; everything else within one business day.', array['support'], false, 3, 1)
) as d (id, folder_id, title, body, tags, pinned, topic, variant)
on conflict (id) do nothing;

-- A long document searchable by passage.
insert into public.document_chunks (id, workspace_id, document_id, ordinal, content, token_count, embedding)
select ('02030000-0000-4000-8000-00000000000' || c.ordinal)::uuid, 'd2000000-0000-4000-8000-000000000001',
       '02020000-0000-4000-8000-000000000004', c.ordinal, c.content, c.tokens,
       array(select (sin(x * 2 * 0.7) + 0.3 * cos(x * (10 + c.ordinal) * 1.3))::real from generate_series(1, 1536) x)::extensions.vector
from (values
  (0, 'Starter is free for one robot.', 7),
  (1, 'Pro costs 20 EUR per robot per month.', 9),
  (2, 'Enterprise pricing on request.', 5)
) as c (ordinal, content, tokens)
on conflict (id) do nothing;

insert into public.asset_folders (id, workspace_id, parent_id, name, created_by) values
  ('02040000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001', null, 'Brand', 'd0000000-0000-4000-8000-000000000001'),
  ('02040000-0000-4000-8000-000000000002', 'd2000000-0000-4000-8000-000000000001', null, 'Research', 'd0000000-0000-4000-8000-000000000003')
on conflict (id) do nothing;

-- Links only: files go through the Storage API into the private assets bucket under
-- d2000000-0000-4000-8000-000000000001/..., then an asset row points at them with storage_path.
insert into public.assets (id, workspace_id, folder_id, name, type, description, url, tags, created_by) values
  ('02050000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001', '02040000-0000-4000-8000-000000000001',
   'Brand guidelines', 'template', 'Logo, colours, typography.', 'https://example.com/acme/brand', array['brand'],
   'd0000000-0000-4000-8000-000000000001'),
  ('02050000-0000-4000-8000-000000000002', 'd2000000-0000-4000-8000-000000000001', '02040000-0000-4000-8000-000000000002',
   'Grasping benchmark notes', 'research', 'Summary of the 2025 grasping benchmark.', 'https://example.com/acme/grasping',
   array['research', 'vision'], 'd0000000-0000-4000-8000-000000000003'),
  ('02050000-0000-4000-8000-000000000003', 'd2000000-0000-4000-8000-000000000001', null,
   'Onboarding call recording', 'video', 'First customer onboarding call.', 'https://example.com/acme/onboarding.mp4',
   array['support'], 'd0000000-0000-4000-8000-000000000003')
on conflict (id) do nothing;

insert into public.knowledge_collections (id, workspace_id, slug, name, description, created_by)
values ('02060000-0000-4000-8000-000000000001', 'd2000000-0000-4000-8000-000000000001', 'customers', 'Customers',
        'What agents learned about customers.', 'd0000000-0000-4000-8000-000000000002')
on conflict do nothing;

-- Entries without collection_id land in the workspace's default collection (general).
insert into public.knowledge_entries (id, workspace_id, collection_id, title, content, type, importance, source, metadata, embedding, created_by)
select e.id, 'd2000000-0000-4000-8000-000000000001', e.collection_id, e.title, e.content, e.type::public.knowledge_entry_type,
       e.importance, e.source, '{"embedding_model": "demo-deterministic"}'::jsonb,
       array(select (sin(x * e.topic * 0.7) + 0.3 * cos(x * (20 + e.variant) * 1.3))::real from generate_series(1, 1536) x)::extensions.vector,
       'd0000000-0000-4000-8000-000000000001'
from (values
  ('02070000-0000-4000-8000-000000000001'::uuid, null::uuid, 'Owner preference', 'Olivia prefers a weekly summary on Fridays.',
   'preference', 0.9, 'onboarding', 1, 1),
  ('02070000-0000-4000-8000-000000000002', null, 'Timezone', 'The team works in Europe/Berlin time.', 'fact', 0.7, 'manual', 1, 2),
  ('02070000-0000-4000-8000-000000000003', '02060000-0000-4000-8000-000000000001'::uuid, 'Globex', 'Globex runs 40 robots and asked about annual pricing.',
   'knowledge', 0.8, 'web_research', 2, 1),
  ('02070000-0000-4000-8000-000000000004', '02060000-0000-4000-8000-000000000001', 'Initech call', 'Initech wants a safety review before buying.',
   'note', 0.6, 'manual', 3, 1),
  ('02070000-0000-4000-8000-000000000005', '02060000-0000-4000-8000-000000000001', 'Q3 summary', 'Three new customers, all on Pro.',
   'summary', 0.4, 'manual', 2, 2)
) as e (id, collection_id, title, content, type, importance, source, topic, variant)
on conflict (id) do nothing;
