// Records for the normalizer tests: Microsoft's documentation samples (../shared/graph-samples, optional) and
// simulator records from a fixed seed, each with the NormalizeContext ingest would give it (the check's keyOf).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkById } from '../../src/checks/all-checks.ts';
import type { CheckId } from '../../src/core/check-ids.ts';
import type { NormalizeContext } from '../../src/signals/signal.ts';
import { createTenantDataset } from '../../src/simulator/data/create-tenant-dataset.ts';
import type { TenantDataset } from '../../src/simulator/data/dataset.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const samplesDir = path.resolve(repoRoot, '..', 'shared', 'graph-samples');
export const haveSamples = existsSync(samplesDir);

export const TENANT = '7d3c0e2a-1b4f-4c55-9d7e-2f1a3b4c5d6e';
export const START = Date.UTC(2025, 5, 10, 10, 0, 0);
const DAY = 86_400_000;

export type Rec = Record<string, unknown>;

/** The context ingest gives a record: id, version and time from the check's own keyOf. */
export function contextFor(check: CheckId, record: Rec, integration = 'golden', now = START): NormalizeContext {
  const key = checkById(check).keyOf(record, JSON.stringify(record), now);
  return { integration, check, recordId: key.id, version: key.version, tenantId: TENANT, time: key.time === '' ? new Date(now).toISOString() : key.time };
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(path.join(samplesDir, file), 'utf8'));
}

function values(file: string): Rec[] {
  const body = readJson(file) as { value?: Rec[] };
  return Array.isArray(body.value) ? body.value : [body as Rec];
}

/** Documentation samples per check (the sign-ins sample has a trailing comma: its normalized copy is read). */
export function sampleRecords(check: CheckId): Rec[] {
  switch (check) {
    case 'auditLogs.signIns':
      return values('auditLogs_signIns.normalized.json');
    case 'auditLogs.directoryAudits':
      return [...values('auditLogs_directoryAudits.json'), ...values('auditLogs_directoryAudits.example1.json')];
    case 'security.incidents':
      return values('security_incidents.json');
    case 'security.alerts_v2': {
      // The evidence_*.json templates are evidence objects, not alerts: each rides in an alert of its own.
      const templates = ['mailboxEvidence', 'analyzedMessageEvidence', 'urlEvidence', 'mailClusterEvidence'].map((t) => ({
        '@odata.type': '#microsoft.graph.security.alert',
        id: `evidence-template-${t}`,
        title: `Template ${t}`,
        severity: 'informational',
        createdDateTime: '2024-01-01T00:00:00Z',
        evidence: [readJson(`evidence_${t}.json`)],
      }));
      return [...values('security_alerts_v2.json'), ...values('security_alerts_v2_with_evidence.json'), ...templates];
    }
    case 'identityProtection.riskDetections':
      return values('identityProtection_riskDetections.json');
    case 'identityProtection.riskyUsers':
      return values('identityProtection_riskyUsers.json');
    case 'security.secureScores':
      return values('security_secureScores.json');
    case 'users':
      return [...values('users.json'), ...values('users_delta.json')];
  }
}

export function simulatorDataset(volume: Parameters<typeof createTenantDataset>[0]['volume'] = {}, seed = 'normalize-golden'): TenantDataset {
  return createTenantDataset({ seed, tenantId: TENANT, domain: 'contoso-3.example.com', startTime: START, historyMs: 7 * DAY, volume });
}

const SIM_ENDPOINT: Record<CheckId, Parameters<TenantDataset['endpoint']>[0]> = {
  'security.incidents': 'security.incidents',
  'security.alerts_v2': 'security.alerts_v2',
  'auditLogs.signIns': 'auditLogs.signIns',
  'auditLogs.directoryAudits': 'auditLogs.directoryAudits',
  'identityProtection.riskDetections': 'identityProtection.riskDetections',
  'identityProtection.riskyUsers': 'identityProtection.riskyUsers',
  'security.secureScores': 'security.secureScores',
  users: 'users',
};

/** Every record of one check in a dataset, as JSON would deliver it; users also get their deletions ("@removed"). */
export function simulatorRecords(ds: TenantDataset, check: CheckId, limit = Infinity, removedIds: readonly string[] = []): Rec[] {
  const d = ds.endpoint(SIM_ENDPOINT[check]);
  const n = Math.min(d.size(), limit);
  const out: Rec[] = [];
  for (let i = 0; i < n; i++) out.push(JSON.parse(JSON.stringify(d.render(i))) as Rec);
  if (check === 'users') for (const id of removedIds) out.push({ '@odata.type': '#microsoft.graph.user', id, '@removed': { reason: 'deleted' } });
  return out;
}
