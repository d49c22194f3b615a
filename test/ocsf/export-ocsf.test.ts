// `azsec export --format ocsf` end to end: records stored through the store API in a temp data dir, exported by the
// CLI as OCSF 1.8 events (one per stored record version) and validated against the fixture schema; the default
// format stays the raw JSON Lines; an unknown format is refused with ERR_CONFIG_INVALID.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { integration } from '../store/store-contract.ts';
import type { Integration } from '../../src/store/store.ts';
import { loadOcsfSchema, validateOcsf } from './ocsf-validator.ts';
import { signalDeriver } from '../../src/signals/signal-of-record.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE = path.join(repoRoot, 'node_modules', '.bin', 'node');
const MAIN = path.join(repoRoot, 'src', 'main.ts');
const TENANT = '11111111-2222-3333-4444-555555555555';

const SIGN_IN = {
  id: '5e1a0c9a-0d6f-4b3e-9a57-1f7c2c3d4e5f',
  createdDateTime: '2026-02-01T10:00:00Z',
  userDisplayName: 'Ada Lovelace',
  userPrincipalName: 'ada@contoso.example.com',
  userId: '0a1b2c3d-1111-2222-3333-444455556666',
  appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c',
  appDisplayName: 'Azure Portal',
  ipAddress: '203.0.113.9',
  correlationId: '9f8e7d6c-0000-1111-2222-333344445555',
  status: { errorCode: 50126, failureReason: 'Invalid username or password.' },
  location: { city: 'Oslo', state: 'Oslo', countryOrRegion: 'NO', geoCoordinates: { latitude: 59.91, longitude: 10.75 } },
};

function incident(status: string, lastUpdateDateTime: string): Record<string, unknown> {
  return {
    id: '4242',
    displayName: 'Password spray against one user',
    createdDateTime: '2026-02-01T11:00:00Z',
    lastUpdateDateTime,
    status,
    severity: 'medium',
    classification: status === 'resolved' ? 'truePositive' : 'unknown',
    determination: 'unknown',
    assignedTo: 'soc@contoso.example.com',
    incidentWebUrl: 'https://security.microsoft.com/incidents/4242',
    description: 'Many failed sign-ins.',
  };
}

const INTEGRATION: Integration = integration('contoso', { tenantId: TENANT });

let dir: string;

async function azsec(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(NODE, [MAIN, '--data-dir', dir, ...args], { cwd: repoRoot, env: { ...process.env, AZSEC_STORE_URL: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function lines(text: string): Array<Record<string, unknown>> {
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'azsec-export-ocsf-'));
  const store = await createSqliteStore({ signalDeriver, path: path.join(dir, 'azsec.db') });
  await store.migrate();
  await store.addIntegration(INTEGRATION, { ciphertext: 'sealed' });
  await store.commit('contoso', 'auditLogs.signIns', [{ id: SIGN_IN.id, version: SIGN_IN.id, time: SIGN_IN.createdDateTime, raw: JSON.stringify(SIGN_IN) }], undefined);
  await store.commit(
    'contoso',
    'security.incidents',
    [
      { id: '4242', version: '2026-02-01T11:00:00Z', time: '2026-02-01T11:00:00Z', raw: JSON.stringify(incident('active', '2026-02-01T11:00:00Z')) },
      { id: '4242', version: '2026-02-01T15:30:00Z', time: '2026-02-01T11:00:00Z', raw: JSON.stringify(incident('resolved', '2026-02-01T15:30:00Z')) },
    ],
    undefined,
  );
  await store.close();
}, 30_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('azsec export --format ocsf', () => {
  it('writes one valid OCSF 1.8 event per stored record version', async () => {
    const run = await azsec('export', '--format', 'ocsf');
    expect(run.code).toBe(0);
    const events = lines(run.stdout);
    expect(events).toHaveLength(3);
    const schema = loadOcsfSchema();
    for (const event of events) expect(validateOcsf(schema, event)).toEqual([]);
    expect(events.map((e) => [e['class_uid'], e['activity_id'], e['status_id']])).toEqual([
      [3002, 1, 2],
      [2005, 1, 1],
      [2005, 3, 4],
    ]);
    expect(events[0]).toMatchObject({
      metadata: { version: '1.8.0', tenant_uid: TENANT, log_name: 'auditLogs.signIns', uid: `contoso/auditLogs.signIns/${SIGN_IN.id}/${SIGN_IN.id}` },
      user: { uid: SIGN_IN.userId, name: SIGN_IN.userPrincipalName },
      src_endpoint: { ip: SIGN_IN.ipAddress, location: { city: 'Oslo', country: 'NO' } },
      status_code: '50126',
      time: Date.parse(SIGN_IN.createdDateTime),
    });
    expect(events[2]).toMatchObject({ verdict_id: 2, assignee: { name: 'soc@contoso.example.com' }, metadata: { uid: 'contoso/security.incidents/4242/2026-02-01T15:30:00Z' } });
  }, 30_000);

  it('applies the record filters to the OCSF export too', async () => {
    const run = await azsec('export', '--check', 'security.incidents', '--format', 'ocsf');
    expect(run.code).toBe(0);
    expect(lines(run.stdout).map((e) => e['class_uid'])).toEqual([2005, 2005]);
  }, 30_000);

  it('keeps the raw JSON Lines as the default format', async () => {
    const run = await azsec('export');
    expect(run.code).toBe(0);
    const records = lines(run.stdout);
    expect(records.map((r) => Object.keys(r))).toEqual([0, 1, 2].map(() => ['integration', 'check', 'id', 'time', 'raw']));
    expect(records[0]).toMatchObject({ integration: 'contoso', check: 'auditLogs.signIns', id: SIGN_IN.id, raw: SIGN_IN });
  }, 30_000);

  it('refuses an unknown format with ERR_CONFIG_INVALID and writes nothing', async () => {
    const run = await azsec('export', '--format', 'xml');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('ERR_CONFIG_INVALID');
    expect(run.stderr).toContain('--format');
  }, 30_000);
});
