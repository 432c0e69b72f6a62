// A gateway runner's loop with supabase-js and the generated types: lease a batch of commands, start
// each, report the outcome with the lease token. Compiled by `tsc` in `npm test`, and quoted in the
// README, so the documented calls cannot drift from the schema.
import { createClient } from '@supabase/supabase-js';
import type { Database } from '../types/database';

export async function runOnce(url: string, serviceRoleKey: string, gatewayId: string): Promise<number> {
  const supabase = createClient<Database>(url, serviceRoleKey, { auth: { persistSession: false } });

  // A fresh request id per attempt; retrying the same call after a lost response returns the same rows.
  const { data: leased, error } = await supabase.rpc('lease_command', {
    p_gateway_id: gatewayId,
    p_limit: 10,
    p_lease_seconds: 60,
    p_request_id: crypto.randomUUID(),
  });
  if (error) throw new Error(`lease_command: ${error.code} ${error.message}`);

  for (const command of leased ?? []) {
    const token = { p_id: command.id, p_lease_token: command.lease_token };
    await supabase.rpc('start_command', token);
    try {
      const output = `ran ${command.action}`; // ... the real work happens here ...
      // A lease that expired meanwhile answers { ok: false, reason: 'lease_lost' } and changes nothing.
      await supabase.rpc('complete_command', { ...token, p_exit_code: 0, p_stdout: output });
    } catch (failure) {
      await supabase.rpc('fail_command', { ...token, p_error: String(failure), p_retryable: true });
    }
  }
  return leased?.length ?? 0;
}

/** The dispatcher's side: lease an agent's inbox items and acknowledge each. */
export async function dispatchOnce(url: string, serviceRoleKey: string, agentId: string): Promise<number> {
  const supabase = createClient<Database>(url, serviceRoleKey, { auth: { persistSession: false } });
  const { data: items, error } = await supabase.rpc('lease_inbox_item', {
    p_agent_id: agentId,
    p_limit: 5,
    p_lease_seconds: 120,
    p_request_id: crypto.randomUUID(),
  });
  if (error) throw new Error(`lease_inbox_item: ${error.code} ${error.message}`);
  for (const item of items ?? []) {
    // ... wake the agent with item.summary and item.context ...
    await supabase.rpc('complete_inbox_item', { p_id: item.id, p_lease_token: item.lease_token });
  }
  return items?.length ?? 0;
}
