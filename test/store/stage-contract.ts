// The signal-stage half of the Store contract: pending records as a durable queue, the stage lease and its fencing,
// alerts (upsert keeps the operator's status; filters and paging), detection state and settings. Run by
// storeContract() on every backend.
import { expect, it } from 'vitest';
import { isAzsecError } from '../../src/core/errors.ts';
import type { AlertUpsert, PendingRecord, Store } from '../../src/store/store.ts';
import { deriveSignal } from '../../src/signals/signal-of-record.ts';
import { makeSignal } from './signal-contract.ts';
import { integration, rec } from './store-contract.ts';

function alert(id: string, overrides: Partial<AlertUpsert> = {}): AlertUpsert {
  return {
    id,
    ruleId: 'brute-force',
    title: `Brute force ${id}`,
    severity: 'medium',
    time: '2026-02-01T10:00:00.000Z',
    groupKey: 'alice@contoso.com',
    integration: 'contoso',
    signals: [{ integration: 'contoso', check: 'auditLogs.signIns', recordId: 'r1', version: 'v1' }],
    absorbed: 0,
    fields: { user: 'alice@contoso.com', count: 10 },
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function signalOf(r: PendingRecord) {
  return makeSignal({ integration: r.integration, check: r.check, id: r.id, version: r.version, title: `Stage ${r.id}`, indicators: { ip: ['198.51.100.9'] } });
}

export function stageContract(getStore: () => Store): void {
  it('queues every new record version once, in storage order, with its tenant, until the stage completes it', async () => {
    const store = getStore();
    await store.addIntegration(integration('contoso'), { ciphertext: 's' });
    await store.commit('contoso', 'auditLogs.signIns', [rec('r1'), rec('r2')], 'c1');
    await store.commit('contoso', 'auditLogs.signIns', [rec('r2'), rec('r3', 'v1', '2026-02-01T11:00:00Z')], 'c2');
    const pending = await store.pendingRecords(10);
    expect(pending.map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
    expect(pending[2]).toMatchObject({ integration: 'contoso', check: 'auditLogs.signIns', version: 'v1', time: '2026-02-01T11:00:00Z', tenantId: integration('x').tenantId });
    expect(pending[0]?.raw).toBe(rec('r1').raw);
    expect(await store.countPendingRecords()).toBe(3);

    expect(await store.claimSignalStage('worker-a', 60_000)).toBe(true);
    const first = pending.slice(0, 2);
    await store.completeRecords('worker-a', first, { signals: first.map(signalOf), alerts: [alert('a1')], detectionState: JSON.stringify({ watermark: 1 }) });
    expect((await store.pendingRecords(10)).map((r) => r.id)).toEqual(['r3']);
    expect(await store.countPendingRecords()).toBe(1);
    expect((await store.searchSignals({ indicator: '198.51.100.9', limit: 10 })).results.map((h) => h.recordId).sort()).toEqual(['r1', 'r2']);
    expect(await store.getDetectionState()).toEqual({ watermark: 1 });
    expect((await store.getAlert('a1'))?.status).toBe('open');
  });

  it('leaves out the batch being completed, so the next one can be read meanwhile', async () => {
    const store = getStore();
    await store.addIntegration(integration('contoso'), { ciphertext: 's' });
    await store.commit('contoso', 'auditLogs.signIns', ['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => rec(id)), 'c1');
    const first = await store.pendingRecords(2);
    expect(first.map((r) => r.id)).toEqual(['r1', 'r2']);
    const second = await store.pendingRecords(2, first);
    expect(second.map((r) => r.id)).toEqual(['r3', 'r4']);
    expect((await store.pendingRecords(10, await store.pendingRecords(10))).map((r) => r.id)).toEqual([]);
    // Leaving them out is not completing them.
    expect(await store.countPendingRecords()).toBe(5);
    expect(await store.claimSignalStage('worker-a', 60_000)).toBe(true);
    await store.completeRecords('worker-a', first, { signals: first.map(signalOf), alerts: [] });
    expect((await store.pendingRecords(10, second)).map((r) => r.id)).toEqual(['r5']);
    expect((await store.pendingRecords(10)).map((r) => r.id)).toEqual(['r3', 'r4', 'r5']);
  });

  it('fences the batch commit with the stage lease: another owner writes nothing', async () => {
    const store = getStore();
    await store.addIntegration(integration('contoso'), { ciphertext: 's' });
    await store.commit('contoso', 'users', [rec('u1')], 'c');
    expect(await store.claimSignalStage('worker-a', 60_000)).toBe(true);
    expect(await store.claimSignalStage('worker-b', 60_000)).toBe(false);
    expect(await store.claimSignalStage('worker-a', 60_000)).toBe(true);
    const pending = await store.pendingRecords(10);
    const error = await rejection(store.completeRecords('worker-b', pending, { signals: pending.map(signalOf), alerts: [alert('x')] }));
    expect(isAzsecError(error, 'ERR_LEASE_LOST')).toBe(true);
    expect(await store.getAlert('x')).toBeNull();
    expect(await store.countPendingRecords()).toBe(1);
    expect(await store.countSignals({})).toBe(0);

    await store.releaseSignalStage('worker-a');
    expect(await store.claimSignalStage('worker-b', 0)).toBe(true);
    // A lease of 0 ms is expired at once: anyone may take it over, and its holder is fenced off.
    expect(await store.claimSignalStage('worker-c', 60_000)).toBe(true);
    expect(isAzsecError(await rejection(store.completeRecords('worker-b', pending, { signals: [], alerts: [] })), 'ERR_LEASE_LOST')).toBe(true);
    await store.completeRecords('worker-c', pending, { signals: [], alerts: [] });
    expect(await store.countPendingRecords()).toBe(0);
    // The same batch completed again (a stale holder that reclaimed after a takeover) is refused.
    expect(isAzsecError(await rejection(store.completeRecords('worker-c', pending, { signals: [], alerts: [] })), 'ERR_LEASE_LOST')).toBe(true);
  });

  it('upserts alerts by id, keeping the operator status, and lists them newest first with filters and paging', async () => {
    const store = getStore();
    await store.addIntegration(integration('contoso'), { ciphertext: 's' });
    expect(await store.claimSignalStage('w', 60_000)).toBe(true);
    const batch = async (id: string, alerts: AlertUpsert[]): Promise<void> => {
      await store.commit('contoso', 'auditLogs.signIns', [rec(id)], id);
      await store.completeRecords('w', await store.pendingRecords(10), { signals: [], alerts });
    };
    await batch('r1', [
      alert('a1', { time: '2026-02-01T10:00:00Z' }),
      alert('a2', { time: '2026-02-01T12:00:00Z', severity: 'high', ruleId: 'password-spray' }),
      alert('a3', { time: '2026-02-01T11:00:00Z', integration: 'fabrikam' }),
    ]);
    expect(await store.setAlertStatus('a1', 'acknowledged')).toBe(true);
    expect(await store.setAlertStatus('nope', 'closed')).toBe(false);
    await batch('r2', [alert('a1', { time: '2026-02-01T10:00:00Z', absorbed: 4, title: 'Brute force a1 (updated)' })]);
    const a1 = await store.getAlert('a1');
    expect(a1).toMatchObject({ status: 'acknowledged', absorbed: 4, title: 'Brute force a1 (updated)', fields: { user: 'alice@contoso.com', count: 10 } });
    expect(a1?.signals).toEqual(alert('a1').signals);

    const all = await store.listAlerts({ limit: 10 });
    expect(all.alerts.map((a) => a.id)).toEqual(['a2', 'a3', 'a1']);
    expect(all.next).toBeNull();
    const p1 = await store.listAlerts({ limit: 2 });
    expect(p1.alerts.map((a) => a.id)).toEqual(['a2', 'a3']);
    const p2 = await store.listAlerts({ limit: 2, cursor: p1.next ?? '' });
    expect(p2.alerts.map((a) => a.id)).toEqual(['a1']);
    expect(p2.next).toBeNull();
    expect((await store.listAlerts({ limit: 10, statuses: ['open'] })).alerts.map((a) => a.id)).toEqual(['a2', 'a3']);
    expect((await store.listAlerts({ limit: 10, severities: ['high'] })).alerts.map((a) => a.id)).toEqual(['a2']);
    expect((await store.listAlerts({ limit: 10, ruleId: 'brute-force', integration: 'contoso' })).alerts.map((a) => a.id)).toEqual(['a1']);
    expect((await store.listAlerts({ limit: 10, since: '2026-02-01T10:30:00Z', until: '2026-02-01T12:00:00Z' })).alerts.map((a) => a.id)).toEqual(['a3']);
    expect(await store.countAlertsByIntegration(['open'])).toEqual({ contoso: 1, fabrikam: 1 });
    expect(await store.countAlertsByIntegration([])).toEqual({ contoso: 2, fabrikam: 1 });
    expect(isAzsecError(await rejection(store.listAlerts({ limit: 10, cursor: 'not-a-cursor' })), 'ERR_CONFIG_INVALID')).toBe(true);
    // The analysts' view of alerts, on the read-only connection.
    const view = await store.querySql('SELECT id, rule_id, status, absorbed FROM v_alerts ORDER BY id', { timeoutMs: 10_000, maxRows: 10 });
    expect(view.rows).toEqual([
      ['a1', 'brute-force', 'acknowledged', 4],
      ['a2', 'password-spray', 'open', 0],
      ['a3', 'brute-force', 'open', 0],
    ]);
  });

  it('keeps settings as JSON by name', async () => {
    const store = getStore();
    expect(await store.getSetting('rules')).toBeNull();
    await store.putSetting('rules', { 'brute-force': { count: 20 } });
    await store.putSetting('rules', { 'brute-force': { count: 25, enabled: false } });
    expect(await store.getSetting('rules')).toEqual({ 'brute-force': { count: 25, enabled: false } });
  });

  it('gives back a batch stored as derived (each signal computed from its record) exactly as it was computed', async () => {
    const store = getStore();
    await store.addIntegration(integration('contoso'), { ciphertext: 's' });
    const raw = (id: string, ip: string): string =>
      JSON.stringify({ id, createdDateTime: '2026-02-01T10:00:00Z', userPrincipalName: `${id}@contoso.com`, ipAddress: ip, appDisplayName: 'Portal <b>"x"</b>', status: { errorCode: 50126 } });
    await store.commit('contoso', 'auditLogs.signIns', [
      { id: 'd1', version: 'v1', time: '2026-02-01T10:00:00Z', raw: raw('d1', '203.0.113.70') },
      { id: 'd2', version: 'v1', time: '2026-02-01T10:00:01Z', raw: raw('d2', '2001:DB8::70') },
    ], 'c');
    const pending = await store.pendingRecords(10);
    const signals = pending.map((r) => deriveSignal(r));
    expect(await store.claimSignalStage('worker-d', 60_000)).toBe(true);
    await store.completeRecords('worker-d', pending, { signals, alerts: [], derived: true });
    expect(await store.getSignal('contoso', 'auditLogs.signIns', 'd1', 'v1')).toEqual(signals[0]);
    expect(await store.getSignal('contoso', 'auditLogs.signIns', 'd2', 'v1')).toEqual(signals[1]);
    const hits = (await store.searchSignals({ indicator: '2001:db8::70', limit: 10 })).results;
    expect(hits).toEqual([expect.objectContaining({ recordId: 'd2', title: signals[1]?.title, indicators: signals[1]?.indicators })]);
    const byText = (await store.searchSignals({ text: 'portal', limit: 10 })).results.map((h) => h.recordId);
    expect(byText).toEqual(['d2', 'd1']);
  });
}
