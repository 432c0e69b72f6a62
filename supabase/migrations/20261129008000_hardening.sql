-- Hardening across the schema: policy comments where an expression is provably redundant (the policy
-- mutation check reads them), and fixes for what the RPC fuzzer found.

-- ------------------------------------------------------------------------------------------------
-- Update policies whose WITH CHECK can never be the clause that refuses a row. Kept (defence in depth,
-- and the same shape as every other update policy), and documented so a reader knows what holds instead.
-- ------------------------------------------------------------------------------------------------
comment on policy agent_templates_update on public.agent_templates is
  'WITH CHECK is redundant: the agent_templates_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy agents_update on public.agents is
  'WITH CHECK is redundant: the agents_before_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy automation_rules_update on public.automation_rules is
  'WITH CHECK is redundant: the automation_rules_before_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy contacts_update on public.contacts is
  'WITH CHECK is redundant: the contacts_validate trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy crm_campaigns_update on public.crm_campaigns is
  'WITH CHECK is redundant: the crm_campaigns_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy crm_companies_update on public.crm_companies is
  'WITH CHECK is redundant: the crm_companies_validate trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy crm_contact_companies_update on public.crm_contact_companies is
  'WITH CHECK is redundant: the crm_contact_companies_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy crm_draft_sets_update on public.crm_draft_sets is
  'WITH CHECK is redundant: the crm_draft_sets_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy crm_taggings_update on public.crm_taggings is
  'WITH CHECK is redundant: the crm_taggings_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy crm_tags_update on public.crm_tags is
  'WITH CHECK is redundant: the crm_tags_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy crm_templates_update on public.crm_templates is
  'WITH CHECK is redundant: the crm_templates_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy field_definitions_update on public.field_definitions is
  'WITH CHECK is redundant: the field_definitions_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy gateways_update on public.gateways is
  'WITH CHECK is redundant: the gateways_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy interactions_update on public.interactions is
  'WITH CHECK is redundant: the interactions_before_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy pipeline_stages_update on public.pipeline_stages is
  'WITH CHECK is redundant: the pipeline_stages_guard trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy streams_update on public.streams is
  'WITH CHECK is redundant: the streams_before_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy task_attachments_update on public.task_attachments is
  'WITH CHECK is redundant: the task_attachments_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy task_labels_update on public.task_labels is
  'WITH CHECK is redundant: the task_labels_forbid_workspace_change trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy task_series_update on public.task_series is
  'WITH CHECK is redundant: the task_series_before_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy tasks_update on public.tasks is
  'WITH CHECK is redundant: the tasks_before_write trigger refuses any change of workspace_id (22023) before the check runs.';
comment on policy comments_update on public.comments is
  'WITH CHECK is redundant: the comments_before_write trigger refuses any change of workspace_id or author_user_id (22023) before the check runs.';
comment on policy task_relations_update on public.task_relations is
  'WITH CHECK is redundant: the task_relations_before_write trigger refuses every update (55000; relations are deleted and inserted).';
comment on policy organizations_update on public.organizations is
  'Owners update their organizations. WITH CHECK is redundant: authenticated may update only name, slug and '
  'billing_email, never id, so a row that passed USING passes the check.';
comment on policy workspaces_update on public.workspaces is
  'Admins update their workspaces. WITH CHECK is redundant: id is not among the columns authenticated may update.';
comment on policy profiles_update on public.profiles is
  'Users update their own profile. WITH CHECK is redundant: authenticated may update only display_name and '
  'avatar_url, never id.';
comment on policy projects_update on public.projects is
  'Members update their workspaces'' projects. WITH CHECK is redundant: workspace_id is not among the columns '
  'authenticated may update.';
comment on policy gateway_registration_tokens_update on public.gateway_registration_tokens is
  'Admins relabel or shorten their workspaces'' registration tokens. WITH CHECK is redundant: authenticated may '
  'update only label and expires_at, never workspace_id.';

-- ------------------------------------------------------------------------------------------------
-- Execute grants: anon keeps only the gateway registration path (consume_gateway_token and the definer
-- implementation it calls). Policies are all TO authenticated and anon can call no other RPC, so anon never
-- reaches these helpers; a grant it does not need is surface it should not have.
-- ------------------------------------------------------------------------------------------------
revoke execute on function private.request_role() from anon;
revoke execute on function private.is_trusted_caller() from anon;
revoke execute on function private.assert_workspace_role(uuid, public.workspace_role) from anon;
