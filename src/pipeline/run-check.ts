// One run of one (integration, check): read pages from the check's cursor, and store each page's records together
// with the cursor that page reaches, in ONE transaction (the commit function). A crash at any moment therefore leaves
// records and cursor in agreement: the next run re-reads from the last committed cursor and the store's
// (id, version) de-duplication absorbs what was already stored. Nothing advances past data that was not stored.
import type { CheckDefinition, PlanContext } from '../checks/check-definition.ts';
import type { Clock } from '../core/clock.ts';
import { AzsecError, isAzsecError } from '../core/errors.ts';
import type { GraphClient, GraphPage } from '../graph/graph-client.ts';
import type { JsonValue, NewRecord } from '../store/store.ts';

export interface CheckRunDeps {
  client: GraphClient;
  clock: Clock;
  loadCursor(): Promise<JsonValue | null>;
  /** Stores records and the cursor atomically; returns how many records were new. */
  commit(records: NewRecord[], cursor: JsonValue | undefined): Promise<{ inserted: number }>;
  signal?: AbortSignal;
}

export interface CheckRunResult {
  /** Records received from Graph (including re-reads of the late window). */
  received: number;
  /** Records stored for the first time. */
  inserted: number;
  pages: number;
  /** A 206 Partial Content page was stored (secure score with a failing provider). */
  partial: boolean;
  /** The users delta link had expired and a full resync ran. */
  resynced: boolean;
}

export async function runCheck(check: CheckDefinition, ctx: Omit<PlanContext, 'now'>, deps: CheckRunDeps): Promise<CheckRunResult> {
  const result: CheckRunResult = { received: 0, inserted: 0, pages: 0, partial: false, resynced: false };
  let cursor = await deps.loadCursor();
  let restartedRound = false;
  let plan = check.plan(cursor, { ...ctx, now: deps.clock.now() });
  let state = plan.state;
  let url = plan.url.startsWith('https:') ? plan.url : deps.client.url(plan.url);
  let followingNextLink = false;
  const visited = new Set<string>();

  const fetchPage = (u: string): Promise<GraphPage> =>
    deps.client.getPage(u, { preferUnknownEnums: check.preferUnknownEnums, ...(deps.signal ? { signal: deps.signal } : {}) });
  let prefetched: { url: string; page: Promise<GraphPage> } | undefined;

  for (;;) {
    let page;
    try {
      page = prefetched?.url === url ? await prefetched.page : await fetchPage(url);
      prefetched = undefined;
    } catch (error) {
      prefetched = undefined;
      if (isAzsecError(error, 'ERR_GRAPH_DELTA_EXPIRED') && !result.resynced) {
        // Expired delta link: forget it and list everything again; identical states de-duplicate by content hash.
        result.resynced = true;
        await deps.commit([], null);
        cursor = null;
      } else if (isAzsecError(error, 'ERR_GRAPH_BAD_REQUEST') && followingNextLink && !restartedRound) {
        // A skip token Graph no longer accepts: restart the window from the committed cursor, never from the link.
        restartedRound = true;
        cursor = check.restartRound?.(state) ?? state;
      } else {
        throw error;
      }
      plan = check.plan(cursor, { ...ctx, now: deps.clock.now() });
      state = plan.state;
      url = plan.url.startsWith('https:') ? plan.url : deps.client.url(plan.url);
      followingNextLink = false;
      continue;
    }
    result.pages++;
    // Ask for the next page now, so that Graph prepares it while this one is normalized and stored. Its records are
    // committed only after this page's, in order; a failure surfaces when it is awaited.
    if (page.nextLink !== undefined && !visited.has(page.nextLink)) {
      const next = fetchPage(page.nextLink);
      next.catch(() => undefined);
      prefetched = { url: page.nextLink, page: next };
    }
    const now = deps.clock.now();
    const records: NewRecord[] = [];
    // Signals are made from the stored records by the signal stage (src/signals/stage/), off this path.
    page.values.forEach((value, i) => {
      const raw = page.raws[i] as string;
      const key = check.keyOf(value, raw, now);
      if (key.id === '') return;
      records.push({ ...key, raw });
    });
    state = check.advance(state, page);
    const { inserted } = await deps.commit(records, state);
    result.received += records.length;
    result.inserted += inserted;
    result.partial ||= page.partial;
    if (page.nextLink === undefined) return result;
    if (visited.has(page.nextLink)) {
      throw new AzsecError('ERR_GRAPH_PAGING_LOOP', `Graph returned the same @odata.nextLink twice for ${check.id}`);
    }
    visited.add(page.nextLink);
    url = page.nextLink;
    followingNextLink = true;
  }
}
