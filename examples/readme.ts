// The TypeScript snippets quoted in README.md, here so `tsc` compiles them against the generated types;
// tests/readme.test.ts checks every ```ts block of the README appears in this folder.
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import type { Database } from '../types/database'

export async function listOpenTasks() {
  const supabase = createClient<Database>(process.env.SUPABASE_URL!, process.env.SUPABASE_ANON_KEY!)
  const { data: tasks } = await supabase.from('tasks').select('id, title, status').eq('status', 'todo')
  return tasks
}

export async function runCommands(supabase: SupabaseClient<Database>, gatewayId: string, output: string) {
  const { data: leased } = await supabase.rpc('lease_command', {
    p_gateway_id: gatewayId, p_limit: 10, p_lease_seconds: 60, p_request_id: crypto.randomUUID(),
  })
  for (const cmd of leased ?? []) {
    const lease = { p_id: cmd.id, p_lease_token: cmd.lease_token }
    await supabase.rpc('start_command', lease)
    // ... run it ...
    await supabase.rpc('complete_command', { ...lease, p_exit_code: 0, p_stdout: output })
  }
}
