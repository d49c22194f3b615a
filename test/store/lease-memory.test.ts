// The in-memory LeaseStore (single process) against the lease contract.
import { createMemoryLeases } from '../../src/store/memory-leases.ts';
import { leaseContract } from './lease-contract.ts';
import { leaseTestStore } from './lease-test-store.ts';

leaseContract('in-memory', async (clock) => {
  const store = leaseTestStore(() => clock.now());
  const leases = createMemoryLeases({ store, clock });
  return { leases, store, cleanup: () => leases.close() };
});
