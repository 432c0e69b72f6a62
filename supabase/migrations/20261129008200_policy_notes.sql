-- Policy notes for the domains merged after the first hardening pass (knowledge, conversations, usage,
-- enterprise): update policies whose WITH CHECK can never be the clause that refuses a row, documented the
-- way 20261129008000_hardening.sql does it (the policy mutation check reads "WITH CHECK is redundant" in the
-- comment; supabase/tests/database/800_hardening/03_redundant_policy_clauses.test.sql and
-- 810_policy_expressions_* prove each claim). The expressions are kept: defence in depth, and the same
-- shape as every other update policy.

-- feed_events_update checked only the workspace in WITH CHECK while USING also requires the event to be
-- the actor's own or broadcast (user_id null). user_id is not updatable by authenticated, so both forms
-- accept the same rows; the check now repeats USING, which makes the redundancy provable from the catalog.
alter policy feed_events_update on public.feed_events
  using (workspace_id = any (array(select private.my_workspace_ids('member'::public.workspace_role)))
         and (user_id is null or user_id = (select auth.uid())))
  with check (workspace_id = any (array(select private.my_workspace_ids('member'::public.workspace_role)))
              and (user_id is null or user_id = (select auth.uid())));

-- ------------------------------------------------------------------------------------------------
-- A BEFORE UPDATE trigger refuses any change of workspace_id, and triggers run before WITH CHECK.
-- ------------------------------------------------------------------------------------------------
comment on policy agent_knowledge_access_update on public.agent_knowledge_access is
  'WITH CHECK is redundant: the agent_knowledge_access_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy agent_sessions_update on public.agent_sessions is
  'WITH CHECK is redundant: the agent_sessions_before_write trigger refuses any change of workspace_id (55000) before the check runs.';
comment on policy asset_folders_update on public.asset_folders is
  'WITH CHECK is redundant: the asset_folders_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy assets_update on public.assets is
  'WITH CHECK is redundant: the assets_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy computer_use_tasks_update on public.computer_use_tasks is
  'WITH CHECK is redundant: the computer_use_tasks_prepare_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy desktop_configs_update on public.desktop_configs is
  'WITH CHECK is redundant: the desktop_configs_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy desktop_connections_update on public.desktop_connections is
  'WITH CHECK is redundant: the desktop_connections_prepare_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy desktop_virtual_machines_update on public.desktop_virtual_machines is
  'WITH CHECK is redundant: the desktop_virtual_machines_prepare_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy document_chunks_update on public.document_chunks is
  'WITH CHECK is redundant: the document_chunks_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy document_folders_update on public.document_folders is
  'WITH CHECK is redundant: the document_folders_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy documents_update on public.documents is
  'WITH CHECK is redundant: the documents_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy job_schedules_update on public.job_schedules is
  'WITH CHECK is redundant: the job_schedules_before_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy jobs_update on public.jobs is
  'WITH CHECK is redundant: the jobs_prepare_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy knowledge_collections_update on public.knowledge_collections is
  'WITH CHECK is redundant: the knowledge_collections_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy knowledge_entries_update on public.knowledge_entries is
  'WITH CHECK is redundant: the knowledge_entries_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy robot_macro_executions_update on public.robot_macro_executions is
  'WITH CHECK is redundant: the robot_macro_executions_prepare_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy robot_macros_update on public.robot_macros is
  'WITH CHECK is redundant: the robot_macros_bump_version trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy user_services_update on public.user_services is
  'WITH CHECK is redundant: the user_services_prepare_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy video_call_participants_update on public.video_call_participants is
  'WITH CHECK is redundant: the video_call_participants_check_user trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy video_calls_update on public.video_calls is
  'WITH CHECK is redundant: the video_calls_prepare_write trigger refuses any change of workspace_id (22023) before the check runs.';

-- ------------------------------------------------------------------------------------------------
-- USING and WITH CHECK are the same expression and no column it reads is updatable by authenticated.
-- ------------------------------------------------------------------------------------------------
comment on policy device_tokens_update on public.device_tokens is
  'WITH CHECK is redundant: it repeats USING, and user_id is not among the columns authenticated may update.';
comment on policy email_routing_rules_update on public.email_routing_rules is
  'WITH CHECK is redundant: it repeats USING, and workspace_id is not among the columns authenticated may update.';
comment on policy family_members_update on public.family_members is
  'WITH CHECK is redundant: it repeats USING, and workspace_id is not among the columns authenticated may update.';
comment on policy feed_events_update on public.feed_events is
  'WITH CHECK is redundant: it repeats USING, and workspace_id, user_id are not among the columns authenticated may update.';
comment on policy messages_update on public.messages is
  'WITH CHECK is redundant: it repeats USING, and workspace_id, sender_user_id are not among the columns authenticated may update.';
comment on policy notification_preferences_update on public.notification_preferences is
  'WITH CHECK is redundant: it repeats USING, and user_id is not among the columns authenticated may update.';
comment on policy notifications_update on public.notifications is
  'WITH CHECK is redundant: it repeats USING, and user_id is not among the columns authenticated may update.';
comment on policy platform_tokens_update on public.platform_tokens is
  'WITH CHECK is redundant: it repeats USING, and workspace_id is not among the columns authenticated may update.';
comment on policy thread_participants_update on public.thread_participants is
  'WITH CHECK is redundant: it repeats USING, and workspace_id is not among the columns authenticated may update.';
comment on policy thread_reads_update on public.thread_reads is
  'WITH CHECK is redundant: it repeats USING, and workspace_id, user_id are not among the columns authenticated may update.';
comment on policy thread_shares_update on public.thread_shares is
  'WITH CHECK is redundant: it repeats USING, and workspace_id is not among the columns authenticated may update.';
comment on policy threads_update on public.threads is
  'WITH CHECK is redundant: it repeats USING, and workspace_id is not among the columns authenticated may update.';
comment on policy user_integrations_update on public.user_integrations is
  'WITH CHECK is redundant: it repeats USING, and user_id is not among the columns authenticated may update.';
comment on policy user_personalization_update on public.user_personalization is
  'WITH CHECK is redundant: it repeats USING, and user_id is not among the columns authenticated may update.';
comment on policy workflow_runs_update on public.workflow_runs is
  'WITH CHECK is redundant: it repeats USING, and workspace_id is not among the columns authenticated may update.';
comment on policy workspace_settings_update on public.workspace_settings is
  'WITH CHECK is redundant: it repeats USING, and workspace_id is not among the columns authenticated may update.';
