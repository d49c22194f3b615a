// The signal half of the Store contract: storing signals with new records, searching them by indicator, text and
// filters with keyset paging, replacing them (reindex), and analyst SQL. Run by storeContract() on every backend.
import { expect, it } from 'vitest';
import type { CheckId } from '../../src/core/check-ids.ts';
import { isAzsecError } from '../../src/core/errors.ts';
import type { Indicators, Severity, Signal, SignalKind } from '../../src/signals/signal.ts';
import type { NewRecord, SignalHit, SignalQuery, Store } from '../../src/store/store.ts';

export interface SignalSpec {
  integration?: string;
  check?: CheckId;
  id: string;
  version?: string;
  tenantId?: string;
  time?: string;
  kind?: SignalKind;
  severity?: Severity;
  title?: string;
  text?: string;
  indicators?: Indicators;
}

export function makeSignal(spec: SignalSpec): Signal {
  return {
    integration: spec.integration ?? 'contoso',
    check: spec.check ?? 'auditLogs.signIns',
    recordId: spec.id,
    version: spec.version ?? 'v1',
    tenantId: spec.tenantId ?? '11111111-1111-1111-1111-111111111111',
    time: spec.time ?? '2026-02-01T10:00:00.000Z',
    kind: spec.kind ?? 'sign_in',
    title: spec.title ?? `Sign-in ${spec.id}`,
    severity: spec.severity ?? 'informational',
    outcome: 'success',
    actor: { type: 'user', id: 'u-1', name: 'Alice', upn: 'alice@contoso.com' },
    targets: [],
    location: null,
    indicators: spec.indicators ?? {},
    artifacts: [],
    text: spec.text ?? spec.title ?? `Sign-in ${spec.id}`,
  };
}

/** A record carrying its signal, as the collector commits it. */
export function signalRecord(spec: SignalSpec): NewRecord {
  const signal = makeSignal(spec);
  return { id: signal.recordId, version: signal.version, time: signal.time, raw: JSON.stringify({ id: signal.recordId }), signal };
}

/** Commits each spec under its own integration and check. */
async function commitSignals(store: Store, specs: SignalSpec[]): Promise<void> {
  const groups = new Map<string, NewRecord[]>();
  for (const spec of specs) {
    const key = JSON.stringify([spec.integration ?? 'contoso', spec.check ?? 'auditLogs.signIns']);
    groups.set(key, [...(groups.get(key) ?? []), signalRecord(spec)]);
  }
  for (const [key, records] of groups) {
    const [integrationName, check] = JSON.parse(key) as [string, CheckId];
    await store.commit(integrationName, check, records, undefined);
  }
}

function ids(hits: SignalHit[]): string[] {
  return hits.map((h) => h.recordId);
}

/** Every page of a query, following the cursor. */
async function allPages(store: Store, query: SignalQuery): Promise<{ hits: SignalHit[]; pages: number }> {
  const hits: SignalHit[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await store.searchSignals(cursor === undefined ? query : { ...query, cursor });
    pages += 1;
    hits.push(...page.results);
    if (page.next === null) return { hits, pages };
    expect(page.results).toHaveLength(query.limit);
    cursor = page.next;
    if (pages > 1_000) throw new Error('paging does not end');
  }
}

const IP = '203.0.113.7';

// Control characters (NUL included), markup, SQL and FTS syntax, unicode, and 20 KB: stored and returned unchanged.
const CONTROL = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f';
const HOSTILE = [
  `<script>alert('x')</script><img src=x onerror="alert(1)">`,
  `Robert'); DROP TABLE signals;-- "quoted" \\ back\\slash`,
  `ctl:${CONTROL}:end`,
  `fts "unbalanced * ( ) - : NEAR(a b) AND OR NOT ^ {col}: title:x`,
  `ünïcødé ✓ 🛰️ \u202e RTL \ufeff BOM`,
  `${'x'.repeat(10_000)} ${'é'.repeat(5_000)}`,
];

export function signalContract(getStore: () => Store): void {
  it('finds an indicator across integrations, tenants and checks, newest first, with each signal\'s indicators', async () => {
    const store = getStore();
    await commitSignals(store, [
      { integration: 'contoso', id: 's1', time: '2026-02-01T10:00:00.000Z', indicators: { ip: [IP], upn: ['alice@contoso.com'] } },
      { integration: 'fabrikam', tenantId: '22222222-2222-2222-2222-222222222222', id: 's2', time: '2026-02-03T10:00:00.000Z', indicators: { ip: [IP] } },
      {
        integration: 'fabrikam',
        check: 'security.alerts_v2',
        kind: 'alert',
        severity: 'high',
        id: 'a1',
        time: '2026-02-02T10:00:00.1234567Z',
        indicators: { ip: [IP, '198.51.100.1'], domain: ['evil.example'] },
      },
      { integration: 'contoso', id: 'other', time: '2026-02-04T10:00:00.000Z', indicators: { ip: ['198.51.100.9'] } },
    ]);
    const page = await store.searchSignals({ indicator: IP, limit: 10 });
    expect(page.next).toBeNull();
    expect(page.results.map((h) => `${h.integration}/${h.check}/${h.recordId}`)).toEqual([
      'fabrikam/auditLogs.signIns/s2',
      'fabrikam/security.alerts_v2/a1',
      'contoso/auditLogs.signIns/s1',
    ]);
    expect(page.results[1]).toEqual({
      integration: 'fabrikam',
      check: 'security.alerts_v2',
      recordId: 'a1',
      version: 'v1',
      time: '2026-02-02T10:00:00.1234567Z',
      severity: 'high',
      kind: 'alert',
      title: 'Sign-in a1',
      indicators: { ip: [IP, '198.51.100.1'], domain: ['evil.example'] },
    });
    expect(ids((await store.searchSignals({ indicator: 'evil.example', limit: 10 })).results)).toEqual(['a1']);
    expect((await store.searchSignals({ indicator: '203.0.113.70', limit: 10 })).results).toEqual([]);
  });

  it('returns a signal once when its value is stored under several types, and restricts to one type on request', async () => {
    const store = getStore();
    await commitSignals(store, [
      { id: 'both', time: '2026-02-02T00:00:00Z', indicators: { email: ['bob@contoso.com'], upn: ['bob@contoso.com'], mailbox: ['bob@contoso.com'] } },
      { id: 'upn', time: '2026-02-01T00:00:00Z', indicators: { upn: ['bob@contoso.com'] } },
      { id: 'mail', time: '2026-02-03T00:00:00Z', indicators: { email: ['bob@contoso.com'] } },
    ]);
    expect(ids((await store.searchSignals({ indicator: 'bob@contoso.com', limit: 10 })).results)).toEqual(['mail', 'both', 'upn']);
    const paged = await allPages(store, { indicator: 'bob@contoso.com', limit: 1 });
    expect(ids(paged.hits)).toEqual(['mail', 'both', 'upn']);
    expect(ids((await store.searchSignals({ indicator: 'bob@contoso.com', indicatorType: 'upn', limit: 10 })).results)).toEqual(['both', 'upn']);
    expect(ids((await store.searchSignals({ indicator: 'bob@contoso.com', indicatorType: 'ip', limit: 10 })).results)).toEqual([]);
  });

  it('pages with the cursor through every match exactly once, ties in time included, in a stable order', async () => {
    const store = getStore();
    // 37 matches over 5 distinct instants (many share a microsecond), interleaved with non-matching signals.
    const specs: SignalSpec[] = Array.from({ length: 60 }, (_, i) => ({
      integration: i % 2 === 0 ? 'contoso' : 'fabrikam',
      id: `p${String(i).padStart(2, '0')}`,
      time: `2026-02-0${(i % 5) + 1}T10:00:00.000001Z`,
      indicators: { ip: i % 8 === 7 ? ['192.0.2.1'] : [IP] },
      title: i % 8 === 7 ? 'other' : 'paging word',
    }));
    await commitSignals(store, specs.slice(0, 30));
    await commitSignals(store, specs.slice(30));
    const expected = specs.filter((s) => s.title === 'paging word').map((s) => s.id);
    for (const query of [
      { indicator: IP, limit: 4 },
      { text: 'paging', limit: 6 },
      { kind: 'sign_in' as const, limit: 7 },
    ]) {
      const { hits, pages } = await allPages(store, query);
      const found = ids(hits).filter((id) => expected.includes(id));
      expect(found.sort()).toEqual([...expected].sort());
      expect(new Set(ids(hits)).size).toBe(hits.length);
      expect(pages).toBe(Math.ceil(hits.length / query.limit) + (hits.length % query.limit === 0 ? 1 : 0));
      // Newest first: times never increase along the pages.
      const times = hits.map((h) => Date.parse(h.time));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      // The same query pages the same way again.
      expect(ids((await allPages(store, query)).hits)).toEqual(ids(hits));
    }
  });

  it('filters by time range, check, integration, severities and kind, alone and with an indicator', async () => {
    const store = getStore();
    await commitSignals(store, [
      { integration: 'contoso', id: 'c-low', time: '2026-01-10T00:00:00Z', severity: 'low', indicators: { ip: [IP] } },
      { integration: 'contoso', check: 'security.alerts_v2', kind: 'alert', id: 'c-alert', time: '2026-01-20T00:00:00Z', severity: 'high', indicators: { ip: [IP] } },
      { integration: 'fabrikam', check: 'security.incidents', kind: 'incident', id: 'f-inc', time: '2026-01-30T00:00:00Z', severity: 'critical', indicators: { ip: [IP] } },
      { integration: 'fabrikam', check: 'identityProtection.riskDetections', kind: 'risk_detection', id: 'f-risk', time: '2026-02-10T00:00:00Z', severity: 'medium', indicators: { ip: [IP] } },
    ]);
    const search = async (query: Omit<SignalQuery, 'limit'>): Promise<string[]> => {
      const withIndicator = ids((await store.searchSignals({ ...query, indicator: IP, limit: 50 })).results);
      const alone = ids((await store.searchSignals({ ...query, limit: 50 })).results);
      expect(alone).toEqual(withIndicator);
      return withIndicator;
    };
    expect(await search({})).toEqual(['f-risk', 'f-inc', 'c-alert', 'c-low']);
    expect(await search({ since: '2026-01-20T00:00:00Z' })).toEqual(['f-risk', 'f-inc', 'c-alert']);
    expect(await search({ until: '2026-01-20T00:00:00Z' })).toEqual(['c-low']);
    expect(await search({ since: '2026-01-15T00:00:00+02:00', until: '2026-02-01T00:00:00.0000001Z' })).toEqual(['f-inc', 'c-alert']);
    expect(await search({ check: 'security.alerts_v2' })).toEqual(['c-alert']);
    expect(await search({ integration: 'fabrikam' })).toEqual(['f-risk', 'f-inc']);
    expect(await search({ severities: ['high', 'critical'] })).toEqual(['f-inc', 'c-alert']);
    expect(await search({ severities: [] })).toEqual(['f-risk', 'f-inc', 'c-alert', 'c-low']);
    expect(await search({ kind: 'incident' })).toEqual(['f-inc']);
    expect(await search({ integration: 'contoso', kind: 'incident' })).toEqual([]);
    expect(await search({ integration: 'fabrikam', severities: ['medium'], since: '2026-02-01T00:00:00Z', kind: 'risk_detection' })).toEqual(['f-risk']);
  });

  it('searches free text over titles and text: words ANDed in any order and case, a dotted or @ value as adjacent words', async () => {
    const store = getStore();
    await commitSignals(store, [
      { id: 't1', time: '2026-02-01T00:00:00Z', title: 'Suspicious inbox rule created', text: 'Forwarding to external domain' },
      { id: 't2', time: '2026-02-02T00:00:00Z', title: 'Impossible travel', text: 'Sign-in from Paris then Tokyo; inbox accessed' },
      { id: 't3', time: '2026-02-03T00:00:00Z', title: 'Password spray', text: 'Many failed sign-ins for Alice@Contoso.com' },
    ]);
    const text = async (q: string, extra: Partial<SignalQuery> = {}): Promise<string[]> =>
      ids((await store.searchSignals({ text: q, limit: 10, ...extra })).results);
    expect(await text('inbox')).toEqual(['t2', 't1']);
    expect(await text('INBOX   rule')).toEqual(['t1']);
    expect(await text('rule inbox')).toEqual(['t1']);
    expect(await text('external')).toEqual(['t1']);
    expect(await text('tokyo paris')).toEqual(['t2']);
    expect(await text('"paris then"')).toEqual(['t2']);
    expect(await text('alice@contoso.com')).toEqual(['t3']);
    expect(await text('contoso.com@alice')).toEqual([]);
    expect(await text('inbox nowhere')).toEqual([]);
    expect(await text('inbox', { since: '2026-02-02T00:00:00Z' })).toEqual(['t2']);
    // A blank text is no text condition at all.
    expect(await text('   ')).toEqual(['t3', 't2', 't1']);
  });

  it('indexes a title once when the text begins with it: no phrase spans a repeated title', async () => {
    const store = getStore();
    await commitSignals(store, [
      { id: 'once', time: '2026-02-01T00:00:00Z', title: 'Alpha beta', text: 'Alpha beta gamma' },
      { id: 'apart', time: '2026-02-02T00:00:00Z', title: 'Delta', text: 'Epsilon' },
    ]);
    const text = async (q: string): Promise<string[]> => ids((await store.searchSignals({ text: q, limit: 10 })).results);
    expect(await text('alpha-beta-gamma')).toEqual(['once']);
    // Indexed as "alpha beta alpha beta gamma", this phrase would match across the repetition.
    expect(await text('beta-alpha')).toEqual([]);
    // A text that does not begin with the title gets the title in front of it.
    expect(await text('delta epsilon')).toEqual(['apart']);
    expect(await text('delta-epsilon')).toEqual(['apart']);
  });

  it('combines an indicator with text and filters', async () => {
    const store = getStore();
    await commitSignals(store, [
      { integration: 'contoso', id: 'k1', time: '2026-02-01T00:00:00Z', title: 'Phishing mail delivered', indicators: { ip: [IP] } },
      { integration: 'fabrikam', id: 'k2', time: '2026-02-02T00:00:00Z', title: 'Phishing mail delivered', indicators: { ip: [IP] }, severity: 'high' },
      { integration: 'fabrikam', id: 'k3', time: '2026-02-03T00:00:00Z', title: 'Phishing mail delivered', indicators: { ip: ['192.0.2.55'] } },
      { integration: 'fabrikam', id: 'k4', time: '2026-02-04T00:00:00Z', title: 'Sign-in blocked', indicators: { ip: [IP] } },
    ]);
    expect(ids((await store.searchSignals({ indicator: IP, text: 'phishing', limit: 10 })).results)).toEqual(['k2', 'k1']);
    expect(ids((await store.searchSignals({ indicator: IP, text: 'phishing', integration: 'fabrikam', limit: 10 })).results)).toEqual(['k2']);
    expect(ids((await store.searchSignals({ indicator: IP, indicatorType: 'ip', text: 'mail', severities: ['high'], limit: 10 })).results)).toEqual(['k2']);
    expect(ids((await store.searchSignals({ indicator: IP, text: 'blocked phishing', limit: 10 })).results)).toEqual([]);
    const paged = await allPages(store, { indicator: IP, text: 'delivered', limit: 1 });
    expect(ids(paged.hits)).toEqual(['k2', 'k1']);
  });

  it('replaces signals with putSignals: old indicators and words are no longer found, the new ones are', async () => {
    const store = getStore();
    await commitSignals(store, [
      { id: 'r1', time: '2026-02-01T00:00:00Z', title: 'Old title', indicators: { ip: [IP], domain: ['old.example'] } },
      { id: 'r2', time: '2026-02-02T00:00:00Z', title: 'Untouched', indicators: { ip: [IP] } },
    ]);
    const replaced = makeSignal({ id: 'r1', time: '2026-02-05T00:00:00Z', title: 'New title', severity: 'high', indicators: { ip: ['192.0.2.9'], url: ['https://new.example/x'], domain: ['new.example'] } });
    // A signal for a record that is not stored is skipped.
    await store.putSignals([replaced, makeSignal({ id: 'ghost', indicators: { ip: ['192.0.2.9'] } })]);
    expect(ids((await store.searchSignals({ indicator: IP, limit: 10 })).results)).toEqual(['r2']);
    expect((await store.searchSignals({ indicator: 'old.example', limit: 10 })).results).toEqual([]);
    expect((await store.searchSignals({ text: 'old', limit: 10 })).results).toEqual([]);
    const found = await store.searchSignals({ indicator: '192.0.2.9', limit: 10 });
    expect(ids(found.results)).toEqual(['r1']);
    expect(found.results[0]).toMatchObject({ title: 'New title', severity: 'high', time: '2026-02-05T00:00:00Z', indicators: replaced.indicators });
    expect(ids((await store.searchSignals({ text: 'new title', limit: 10 })).results)).toEqual(['r1']);
    expect(await store.getSignal('contoso', 'auditLogs.signIns', 'r1', 'v1')).toEqual(replaced);
    expect(await store.getSignal('contoso', 'auditLogs.signIns', 'ghost', 'v1')).toBeNull();
    expect(await store.countSignals({})).toBe(2);
    // Replacing twice with the same signal leaves one copy.
    await store.putSignals([replaced]);
    await store.putSignals([replaced]);
    expect(ids((await store.searchSignals({ indicator: 'new.example', limit: 10 })).results)).toEqual(['r1']);
    expect(await store.countSignals({})).toBe(2);
  });

  it('stores a signal only for a record that is new: re-delivered and repeated records add no signal or indicator', async () => {
    const store = getStore();
    const batch = [signalRecord({ id: 'd1', indicators: { ip: [IP] } }), signalRecord({ id: 'd2', indicators: { ip: [IP] } })];
    await store.commit('contoso', 'auditLogs.signIns', batch, undefined);
    await store.commit('contoso', 'auditLogs.signIns', batch, undefined);
    // A repeat inside one batch: the first copy's signal is the one stored.
    const first = signalRecord({ id: 'd3', title: 'first copy', indicators: { ip: [IP] } });
    const second = signalRecord({ id: 'd3', title: 'second copy', indicators: { ip: ['192.0.2.77'] } });
    await store.commit('contoso', 'auditLogs.signIns', [first, second], undefined);
    // A record without a signal stores none.
    await store.commit('contoso', 'auditLogs.signIns', [{ id: 'plain', version: 'v1', time: '2026-02-01T00:00:00Z', raw: '{}' }], undefined);
    expect(await store.countRecords({})).toBe(4);
    expect(await store.countSignals({})).toBe(3);
    expect(ids((await store.searchSignals({ indicator: IP, limit: 10 })).results).sort()).toEqual(['d1', 'd2', 'd3']);
    expect((await store.searchSignals({ indicator: '192.0.2.77', limit: 10 })).results).toEqual([]);
    expect((await store.getSignal('contoso', 'auditLogs.signIns', 'd3', 'v1'))?.title).toBe('first copy');
    const rows = await store.querySql("SELECT count(*) AS n FROM v_indicators WHERE value = '203.0.113.7'", { timeoutMs: 10_000, maxRows: 10 });
    expect(rows.rows).toEqual([[3]]);
  });

  it('writes signals in the commit\'s transaction: a failed commit leaves no signal behind', async () => {
    const store = getStore();
    const bad = { id: null, version: 'v', time: '2026-02-01T00:00:00Z', raw: '{}' } as unknown as NewRecord;
    const error = await store.commit('contoso', 'auditLogs.signIns', [signalRecord({ id: 'ok', indicators: { ip: [IP] } }), bad], undefined).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
    expect(await store.countSignals({})).toBe(0);
    expect((await store.searchSignals({ indicator: IP, limit: 10 })).results).toEqual([]);
    expect((await store.searchSignals({ text: 'ok', limit: 10 })).results).toEqual([]);
  });

  it('stores hostile titles and indicator values byte for byte and finds them by exact value', async () => {
    const store = getStore();
    await commitSignals(store, HOSTILE.map((value, i) => ({
      id: `h${i}`,
      time: `2026-02-0${i + 1}T00:00:00Z`,
      title: value,
      text: value,
      indicators: { url: [value], command_line: [`cmd.exe /c "${value}"`] },
    })));
    for (const [i, value] of HOSTILE.entries()) {
      const page = await store.searchSignals({ indicator: value, limit: 10 });
      expect(ids(page.results)).toEqual([`h${i}`]);
      expect(page.results[0]?.title).toBe(value);
      expect(page.results[0]?.indicators).toEqual({ url: [value], command_line: [`cmd.exe /c "${value}"`] });
      expect((await store.getSignal('contoso', 'auditLogs.signIns', `h${i}`, 'v1'))?.title).toBe(value);
      expect(ids((await store.searchSignals({ indicator: `cmd.exe /c "${value}"`, indicatorType: 'command_line', limit: 10 })).results)).toEqual([`h${i}`]);
    }
    const all = await store.searchSignals({ limit: 10 });
    expect(all.results.map((h) => h.title)).toEqual([...HOSTILE].reverse());
  });

  it('treats hostile search text as words: no query breaks, and syntax characters match nothing by themselves', async () => {
    const store = getStore();
    await commitSignals(store, [
      { id: 'w1', title: 'near alert AND more', text: 'script alert drop table signals' },
      { id: 'w2', title: 'quiet', text: 'nothing here' },
    ]);
    const queries = [
      ...HOSTILE,
      '"',
      '"""',
      '*',
      'alert*',
      '(alert',
      'alert)',
      '-alert',
      'title:alert',
      'NEAR(alert drop)',
      'alert NOT drop',
      'alert OR quiet',
      "alert' OR '1'='1",
      '\\',
      '\u0000',
      '^alert',
      '{title}: alert',
      'a'.repeat(20_000),
      Array.from({ length: 3_000 }, (_, i) => `w${i}`).join(' '),
    ];
    for (const text of queries) {
      const page = await store.searchSignals({ text, limit: 10 });
      expect(page.next).toBeNull();
      const withIndicator = await store.searchSignals({ text, indicator: IP, limit: 10 });
      expect(withIndicator.results).toEqual([]);
    }
    // Operators are words, not syntax: "alert OR quiet" needs all three words, "alert NOT drop" too.
    expect((await store.searchSignals({ text: 'alert OR quiet', limit: 10 })).results).toEqual([]);
    expect((await store.searchSignals({ text: 'alert NOT drop', limit: 10 })).results).toEqual([]);
    expect(ids((await store.searchSignals({ text: 'NEAR(alert drop)', limit: 10 })).results)).toEqual(['w1']);
    expect(ids((await store.searchSignals({ text: '-alert* (script: drop)', limit: 10 })).results)).toEqual(['w1']);
    expect((await store.searchSignals({ text: '"*()-:', limit: 10 })).results).toEqual([]);
  });

  it('refuses a bad cursor, a limit outside 1..1000 and a time that is not ISO 8601 with ERR_CONFIG_INVALID', async () => {
    const store = getStore();
    for (const query of [
      { limit: 0 },
      { limit: 1001 },
      { limit: 1.5 },
      { limit: 10, cursor: 'not a cursor' },
      { limit: 10, cursor: Buffer.from('{"k":"1; DROP"}').toString('base64url') },
      { limit: 10, since: 'yesterday' },
      { limit: 10, until: 'tomorrow', indicator: IP },
    ]) {
      const error = await store.searchSignals(query).catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_CONFIG_INVALID')).toBe(true);
    }
    expect(isAzsecError(await store.countSignals({ since: 'soon' }).catch((e: unknown) => e), 'ERR_CONFIG_INVALID')).toBe(true);
  });

  it('counts signals by integration, check and time, and removes them with purged records only', async () => {
    const store = getStore();
    await commitSignals(store, [
      { integration: 'keep', id: 'k1', time: '2026-01-01T00:00:00Z', indicators: { ip: [IP] }, title: 'kept words' },
      { integration: 'keep', check: 'users', kind: 'user', id: 'k2', time: '2026-02-01T00:00:00Z', indicators: { ip: [IP] } },
      { integration: 'gone', id: 'g1', time: '2026-02-01T00:00:00Z', indicators: { ip: [IP] }, title: 'purged words' },
    ]);
    expect(await store.countSignals({})).toBe(3);
    expect(await store.countSignals({ integration: 'keep' })).toBe(2);
    expect(await store.countSignals({ integration: 'keep', check: 'users' })).toBe(1);
    expect(await store.countSignals({ since: '2026-01-15T00:00:00Z' })).toBe(2);
    await store.removeIntegration('keep', { purgeRecords: false });
    await store.removeIntegration('gone', { purgeRecords: true });
    expect(await store.countSignals({})).toBe(2);
    expect(ids((await store.searchSignals({ indicator: IP, limit: 10 })).results).sort()).toEqual(['k1', 'k2']);
    expect((await store.searchSignals({ text: 'purged', limit: 10 })).results).toEqual([]);
    expect(ids((await store.searchSignals({ text: 'words', limit: 10 })).results)).toEqual(['k1']);
    expect(await store.getSignal('gone', 'auditLogs.signIns', 'g1', 'v1')).toBeNull();
  });

  it('stores a signal with 3,000 indicators and a long text, and finds it by any of them', async () => {
    const store = getStore();
    const ips = Array.from({ length: 3_000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`);
    const words = Array.from({ length: 20_000 }, (_, i) => `word${i}`).join(' ');
    await commitSignals(store, [{ id: 'huge', kind: 'alert', check: 'security.alerts_v2', indicators: { ip: ips }, text: words }]);
    for (const ip of [ips[0] ?? '', ips[1_500] ?? '', ips[2_999] ?? '']) {
      expect(ids((await store.searchSignals({ indicator: ip, limit: 5 })).results)).toEqual(['huge']);
    }
    expect(ids((await store.searchSignals({ text: 'word19999 word0', limit: 5 })).results)).toEqual(['huge']);
  });

  it('keeps 1,500 signals of the same microsecond apart and in a stable order', async () => {
    const store = getStore();
    const records = Array.from({ length: 1_500 }, (_, i) =>
      signalRecord({ check: 'users', kind: 'user', id: `same-${i}`, time: '2026-02-01T00:00:00.000Z', indicators: { upn: [`u${i % 3}@contoso.com`], domain: ['contoso.com'] } }),
    );
    await store.commit('contoso', 'users', records.slice(0, 1_000), undefined);
    await store.commit('contoso', 'users', records.slice(1_000), undefined);
    await commitSignals(store, [{ id: 'later', time: '2026-02-01T00:00:00.000001Z', indicators: { domain: ['contoso.com'] } }]);
    const { hits } = await allPages(store, { indicator: 'contoso.com', limit: 1_000 });
    expect(hits).toHaveLength(1_501);
    expect(hits[0]?.recordId).toBe('later');
    expect(new Set(ids(hits)).size).toBe(1_501);
    expect(ids((await allPages(store, { indicator: 'u1@contoso.com', limit: 99 })).hits)).toHaveLength(500);
  });

  it('answers read-only SQL over the documented views', async () => {
    const store = getStore();
    await commitSignals(store, [
      { integration: 'contoso', id: 'q1', time: '2026-02-01T00:00:00Z', severity: 'high', indicators: { ip: [IP], domain: ['a.example'] } },
      { integration: 'fabrikam', id: 'q2', time: '2026-02-02T00:00:00Z', indicators: { ip: [IP] } },
    ]);
    const limits = { timeoutMs: 10_000, maxRows: 100 };
    const signals = await store.querySql(
      'SELECT record_id, integration, severity, severity_rank, time_us FROM v_signals ORDER BY time_us DESC',
      limits,
    );
    expect(signals).toEqual({
      columns: ['record_id', 'integration', 'severity', 'severity_rank', 'time_us'],
      rows: [
        ['q2', 'fabrikam', 'informational', 0, 1_769_990_400_000_000],
        ['q1', 'contoso', 'high', 3, 1_769_904_000_000_000],
      ],
      truncated: false,
    });
    const indicators = await store.querySql(
      `-- every signal holding the IP, with its integration
       SELECT i.integration, i.record_id, i.type FROM v_indicators i WHERE i.value = '${IP}' ORDER BY i.integration;`,
      limits,
    );
    expect(indicators.rows).toEqual([
      ['contoso', 'q1', 'ip'],
      ['fabrikam', 'q2', 'ip'],
    ]);
    const joined = await store.querySql(
      `SELECT r.record_id, r.raw, s.title FROM v_records r JOIN v_signals s
         ON s.integration = r.integration AND s.check_id = r.check_id AND s.record_id = r.record_id AND s.version = r.version
       WHERE r.integration = 'contoso'`,
      limits,
    );
    expect(joined.rows).toEqual([['q1', JSON.stringify({ id: 'q1' }), 'Sign-in q1']]);
    const values = await store.querySql("SELECT 9007199254740993 AS big, 42 AS small, 'x;y' AS text, NULL AS absent", limits);
    expect(values.rows).toEqual([['9007199254740993', 42, 'x;y', null]]);
  });

  it('cuts a result at the row limit and says so', async () => {
    const store = getStore();
    const sql = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50) SELECT x FROM c ORDER BY x';
    const cut = await store.querySql(sql, { timeoutMs: 10_000, maxRows: 10 });
    expect(cut).toEqual({ columns: ['x'], rows: Array.from({ length: 10 }, (_, i) => [i + 1]), truncated: true });
    const whole = await store.querySql(sql, { timeoutMs: 10_000, maxRows: 50 });
    expect(whole.rows).toHaveLength(50);
    expect(whole.truncated).toBe(false);
  });

  it('refuses writes, several statements and bad SQL with ERR_SQL and a message that says why', async () => {
    const store = getStore();
    await commitSignals(store, [{ id: 'keep', indicators: { ip: [IP] } }]);
    const limits = { timeoutMs: 10_000, maxRows: 10 };
    const refusal = async (sql: string): Promise<string> => {
      const error = await store.querySql(sql, limits).catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_SQL')).toBe(true);
      return (error as Error).message;
    };
    for (const sql of [
      "INSERT INTO records (integration, check_id, id, version, time, raw, stored_at) VALUES ('x', 'users', 'i', 'v', 't', '{}', 's')",
      'DELETE FROM signals',
      'update v_signals set title = 1',
      '/* comment */ DROP VIEW v_signals',
      'CREATE TABLE evil (x int)',
      'WITH gone AS (DELETE FROM indicators RETURNING 1) SELECT count(*) FROM gone',
    ]) {
      expect(await refusal(sql)).toContain('writes are not allowed (read-only)');
    }
    for (const sql of ['SELECT 1; SELECT 2', 'SELECT 1; DELETE FROM signals', "SELECT ';'; SELECT 2 -- ;"]) {
      expect(await refusal(sql)).toContain('only one statement');
    }
    expect(await refusal('SELEC 1')).toMatch(/SQL error: .*syntax error/);
    expect(await refusal('SELECT * FROM no_such_view')).toMatch(/SQL error: .*no_such_view/);
    expect(await refusal('  -- nothing\n ')).toContain('empty');
    // Nothing was changed.
    expect(await store.countSignals({})).toBe(1);
    expect(ids((await store.searchSignals({ indicator: IP, limit: 10 })).results)).toEqual(['keep']);
  });

  it('stops a query that runs past its time limit', async () => {
    const store = getStore();
    const error = await store
      .querySql('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) FROM c', {
        timeoutMs: 300,
        maxRows: 10,
      })
      .catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_SQL')).toBe(true);
    expect((error as Error).message).toBe('timed out after 300 ms');
    // The store answers the next query normally.
    expect((await store.querySql('SELECT 1 AS one', { timeoutMs: 10_000, maxRows: 1 })).rows).toEqual([[1]]);
  });
}
