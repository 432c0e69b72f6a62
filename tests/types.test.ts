// The generated types as a supabase-js caller sees them. The expectTypeOf assertions are checked by
// `tsc` (npm test's typecheck gate); the runtime tests compare the types' enum constants with the database.
import type { SupabaseClient } from '@supabase/supabase-js';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { Constants, type Database, type Enums, type Tables } from '../types/database.js';
import { connect } from './support/db.js';

let client: pg.Client;
beforeAll(async () => {
  client = await connect('agentbase-types-test');
});
afterAll(() => client.end());

describe('generated types', () => {
  it('type the closed state machines as unions', () => {
    expectTypeOf<Enums<'command_status'>>().toEqualTypeOf<'pending' | 'leased' | 'running' | 'done' | 'failed' | 'cancelled'>();
    expectTypeOf<Enums<'inbox_item_status'>>().toEqualTypeOf<'pending' | 'leased' | 'done' | 'dead_letter' | 'cancelled'>();
    expectTypeOf<Enums<'workspace_role'>>().toEqualTypeOf<'viewer' | 'member' | 'admin' | 'owner'>();
    expectTypeOf<Tables<'agents'>['trust_tier']>().toEqualTypeOf<'observer' | 'helper' | 'partner' | 'trusted'>();
  });

  it('type the queue RPCs: required gateway, optional tuning, the lease token in every leased row', () => {
    type Lease = Database['public']['Functions']['lease_command'];
    expectTypeOf<Lease['Args']['p_gateway_id']>().toEqualTypeOf<string>();
    expectTypeOf<Lease['Args']>().toMatchTypeOf<{ p_gateway_id: string; p_limit?: number; p_request_id?: string }>();
    expectTypeOf<Lease['Returns'][number]['lease_token']>().toEqualTypeOf<string>();
    expectTypeOf<Lease['Returns'][number]['attempt']>().toEqualTypeOf<number>();
  });

  it('let a SupabaseClient<Database> build typed queries and calls', () => {
    // Never invoked: only its inferred return type matters (supabase-js needs a WebSocket to construct).
    const typedCalls = (supabase: SupabaseClient<Database>) => ({
      agents: supabase.from('agents').select('id, slug, trust_tier'),
      lease: supabase.rpc('lease_command', { p_gateway_id: '00000000-0000-4000-8000-000000000000', p_limit: 10 }),
    });
    type Calls = ReturnType<typeof typedCalls>;
    type AgentRow = NonNullable<Awaited<Calls['agents']>['data']>[number];
    expectTypeOf<AgentRow['trust_tier']>().toEqualTypeOf<Enums<'agent_trust_tier'>>();
    type Leased = NonNullable<Awaited<Calls['lease']>['data']>;
    expectTypeOf<Leased[number]['lease_token']>().toEqualTypeOf<string>();
  });

  it('carry exactly the database enum values in Constants, in database order', async () => {
    const { rows } = await client.query<{ name: string; labels: string[] }>(`
      select t.typname as name, array_agg(e.enumlabel::text order by e.enumsortorder) as labels
      from pg_type t join pg_enum e on e.enumtypid = t.oid
      where t.typnamespace = 'public'::regnamespace
      group by t.typname order by t.typname`);
    expect(rows.length).toBeGreaterThan(0);
    const fromDb = Object.fromEntries(rows.map((r) => [r.name, r.labels]));
    expect(Constants.public.Enums).toEqual(fromDb);
  });
});
