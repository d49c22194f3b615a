// Property: no indicator is lost. For many simulator records of every check, every IP, email, URL and hash string
// found anywhere in the record (all string values scanned with regexes here, independently of the normalizers)
// appears among the signal's indicators, and every artifact's indicators are merged into the signal's.
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../src/core/check-ids.ts';
import type { CheckId } from '../../src/core/check-ids.ts';
import { normalizeIndicator } from '../../src/normalize/indicators.ts';
import { normalize } from '../../src/normalize/normalizers.ts';
import type { IndicatorType, Signal } from '../../src/signals/signal.ts';
import { contextFor, simulatorDataset, simulatorRecords, START } from './normalize-fixtures.ts';
import type { Rec } from './normalize-fixtures.ts';

const URL_RE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;
const EMAIL_RE = /[a-z0-9._%+#-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi;
/** Dotted quads not inside a version string ("Chrome/124.0.0.0") or a longer dotted number. */
const IPV4_RE = /(?<![\w./-])(?:\d{1,3}\.){3}\d{1,3}(?![\w./-])/g;
const IPV6_RE = /(?<![\w:.])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:.])/gi;
/** Whole hex tokens of hash length; hex after ":" is part of an identifier ("urn:MailEntity:<hex>"), not a hash. */
const HASH_RE = /(?<![\w:-])[0-9a-f]{32,64}(?![\w-])/gi;

interface Found {
  type: IndicatorType;
  value: string;
  where: string;
}

/** Every string value of the record with its JSON path; the record's own id is the signal's recordId, not an indicator. */
function strings(v: unknown, path: string, out: Array<[string, string]>): void {
  if (typeof v === 'string') out.push([path, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => strings(x, `${path}[${i}]`, out));
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) if (!(path === '' && k === 'id')) strings(x, path === '' ? k : `${path}.${k}`, out);
  }
}

function indicatorStrings(record: Rec): Found[] {
  const all: Array<[string, string]> = [];
  strings(record, '', all);
  const found: Found[] = [];
  for (const [where, s] of all) {
    for (const m of s.matchAll(URL_RE)) found.push({ type: 'url', value: m[0], where });
    for (const m of s.matchAll(EMAIL_RE)) found.push({ type: 'email', value: m[0], where });
    for (const m of s.matchAll(IPV4_RE)) if (isIP(m[0]) === 4) found.push({ type: 'ip', value: m[0], where });
    for (const m of s.matchAll(IPV6_RE)) if (isIP(m[0]) === 6) found.push({ type: 'ip', value: m[0], where });
    for (const m of s.matchAll(HASH_RE)) {
      const n = m[0].length;
      if (n === 32) found.push({ type: 'md5', value: m[0], where });
      if (n === 40) found.push({ type: 'sha1', value: m[0], where });
      if (n === 64) found.push({ type: 'sha256', value: m[0], where });
    }
  }
  return found;
}

/** All indicator values of a signal, whatever their type: an address may rightly be a upn, a mailbox or a message id. */
function valuesOf(signal: Signal): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(signal.indicators)) for (const v of list ?? []) out.add(v);
  return out;
}

const VOLUME = {
  'auditLogs.signIns': 3000,
  'auditLogs.directoryAudits': 800,
  'security.alerts_v2': 200,
  'security.incidents': 50,
  'identityProtection.riskDetections': 300,
  'identityProtection.riskyUsers': 40,
  users: 120,
};

describe('no indicator is lost', () => {
  const ds = simulatorDataset(VOLUME, 'no-indicator-lost');
  // New versions of the mutable records, so triaged alerts, closed risks and changed users are covered too.
  for (const endpoint of ['security.alerts_v2', 'security.incidents', 'identityProtection.riskDetections', 'identityProtection.riskyUsers', 'users'] as const) {
    ds.update(endpoint, 30, START + 3_600_000);
    ds.update(endpoint, 30, START + 7_200_000);
  }
  const removed = ds.deleteUsers(3, START + 7_200_000);

  for (const check of CHECK_IDS as readonly CheckId[]) {
    it(`${check}: every IP, email, URL and hash string in a record is among its signal's indicators`, () => {
      const records = simulatorRecords(ds, check, Infinity, removed);
      expect(records.length).toBeGreaterThan(0);
      const missing: string[] = [];
      let checked = 0;
      for (const r of records) {
        const signal = normalize(r, contextFor(check, r));
        const have = valuesOf(signal);
        for (const f of indicatorStrings(r)) {
          const v = normalizeIndicator(f.type, f.value) ?? f.value.toLowerCase();
          checked++;
          if (!have.has(v) && !have.has(f.value)) missing.push(`${String(r.id)} ${f.where}: ${f.type} ${f.value}`);
        }
        for (const a of signal.artifacts) {
          for (const [type, list] of Object.entries(a.indicators)) {
            for (const v of list ?? []) {
              if (!(signal.indicators[type as IndicatorType] ?? []).includes(v)) missing.push(`${String(r.id)} artifact ${a.type}: ${type} ${v} not merged`);
            }
          }
        }
      }
      expect(missing.slice(0, 20)).toEqual([]);
      // The simulator's records of these checks do hold such strings: the property is not vacuous.
      if (check !== 'security.secureScores') expect(checked).toBeGreaterThan(records.length / 2);
    });
  }

  it('finds every kind of indicator in the evidence of simulated alerts', () => {
    const types = new Set<string>();
    for (const r of simulatorRecords(ds, 'security.alerts_v2')) {
      for (const t of Object.keys(normalize(r, contextFor('security.alerts_v2', r)).indicators)) types.add(t);
    }
    for (const t of ['ip', 'domain', 'url', 'email', 'upn', 'host', 'device_id', 'file_name', 'file_path', 'md5', 'sha1', 'sha256', 'command_line', 'mailbox', 'message_id', 'registry_key', 'registry_value', 'app_name', 'alert_id', 'incident_id']) {
      expect(types, t).toContain(t);
    }
  });
});
