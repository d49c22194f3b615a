// A small in-memory Store for the in-memory lease tests, so they run without any database. It implements the
// port's semantics that the lease contract relies on (one commit = all or nothing, one copy per record version).
import type { CheckId } from '../../src/core/check-ids.ts';
import { AzsecError } from '../../src/core/errors.ts';
import type {
  CheckState,
  Integration,
  JsonValue,
  NewRecord,
  RecordFilter,
  SealedSecret,
  Store,
  StoredRecord,
} from '../../src/store/store.ts';

export function leaseTestStore(now: () => number): Store {
  const integrations = new Map<string, { integration: Integration; secret: SealedSecret }>();
  const checkpoints = new Map<string, JsonValue>();
  const states = new Map<string, CheckState>();
  const records: StoredRecord[] = [];
  const keys = new Set<string>();
  const key = (...parts: string[]): string => JSON.stringify(parts);
  const matches = (r: StoredRecord, f: RecordFilter): boolean =>
    (f.integration === undefined || r.integration === f.integration) &&
    (f.check === undefined || r.check === f.check) &&
    (f.since === undefined || Date.parse(r.time) >= Date.parse(f.since));

  return {
    async migrate() {},
    async addIntegration(integration, secret) {
      if (integrations.has(integration.name)) throw new AzsecError('ERR_INTEGRATION_EXISTS', integration.name);
      integrations.set(integration.name, { integration: structuredClone(integration), secret });
    },
    async updateIntegration(integration, secret) {
      const current = integrations.get(integration.name);
      if (current === undefined) throw new AzsecError('ERR_INTEGRATION_NOT_FOUND', integration.name);
      integrations.set(integration.name, { integration: structuredClone(integration), secret: secret ?? current.secret });
    },
    async getIntegration(name) {
      const found = integrations.get(name);
      return found === undefined ? null : structuredClone(found.integration);
    },
    async getSecret(name) {
      return integrations.get(name)?.secret ?? null;
    },
    async listIntegrations() {
      return [...integrations.values()].map((v) => structuredClone(v.integration)).sort((a, b) => (a.name < b.name ? -1 : 1));
    },
    async removeIntegration(name, opts) {
      const existed = integrations.delete(name);
      for (const k of [...checkpoints.keys()]) if (JSON.parse(k)[0] === name) checkpoints.delete(k);
      for (const k of [...states.keys()]) if (JSON.parse(k)[0] === name) states.delete(k);
      if (opts.purgeRecords) {
        for (let i = records.length - 1; i >= 0; i -= 1) if (records[i]?.integration === name) records.splice(i, 1);
      }
      return existed;
    },
    async getCheckpoint(integration, check) {
      return structuredClone(checkpoints.get(key(integration, check)) ?? null);
    },
    async commit(integration: string, check: CheckId, batch: NewRecord[], cursor: JsonValue | undefined) {
      let inserted = 0;
      for (const r of batch) {
        const k = key(integration, check, r.id, r.version);
        if (keys.has(k)) continue;
        keys.add(k);
        records.push({ ...r, integration, check, storedAt: new Date(now()).toISOString(), seq: records.length + 1 });
        inserted += 1;
      }
      if (cursor !== undefined) checkpoints.set(key(integration, check), structuredClone(cursor));
      return { inserted };
    },
    async getCheckState(integration, check) {
      return structuredClone(states.get(key(integration, check)) ?? null);
    },
    async listCheckStates(integration) {
      return [...states.values()].filter((s) => integration === undefined || s.integration === integration).map((s) => structuredClone(s));
    },
    async putCheckState(state) {
      states.set(key(state.integration, state.check), structuredClone(state));
    },
    async *exportRecords(filter) {
      for (const r of records) if (matches(r, filter)) yield r;
    },
    async countRecords(filter) {
      return records.filter((r) => matches(r, filter)).length;
    },
    async getRecord(integration, check, id, version) {
      return records.find((r) => r.integration === integration && r.check === check && r.id === id && r.version === version) ?? null;
    },
    async recordsPerHour() {
      throw new AzsecError('ERR_STORE', 'hourly counts are not modelled by the lease test store');
    },
    // Signals are not part of what the lease contract exercises.
    async searchSignals() {
      throw new AzsecError('ERR_STORE', 'signals are not modelled by the lease test store');
    },
    async getSignal() {
      return null;
    },
    async putSignals() {
      throw new AzsecError('ERR_STORE', 'signals are not modelled by the lease test store');
    },
    async countSignals() {
      return 0;
    },
    async querySql() {
      throw new AzsecError('ERR_SQL', 'SQL is not modelled by the lease test store');
    },
    // Neither is the signal stage, nor alerts and settings.
    async claimSignalStage() {
      return false;
    },
    async releaseSignalStage() {},
    async pendingRecords() {
      return [];
    },
    async completeRecords() {
      throw new AzsecError('ERR_STORE', 'the signal stage is not modelled by the lease test store');
    },
    async countPendingRecords() {
      return 0;
    },
    async getDetectionState() {
      return null;
    },
    async listAlerts() {
      return { alerts: [], next: null };
    },
    async getAlert() {
      return null;
    },
    async setAlertStatus() {
      return false;
    },
    async countAlertsByIntegration() {
      return {};
    },
    async getSetting() {
      return null;
    },
    async putSetting() {
      throw new AzsecError('ERR_STORE', 'settings are not modelled by the lease test store');
    },
    async close() {},
  };
}
