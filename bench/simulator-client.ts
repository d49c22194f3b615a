// The simulator benchmark's Graph client: follows @odata.nextLink from a first URL to the end with fetch, parsing
// every page. Imported by bench/simulator.ts for the same-process pass, and run as its own process (trusting the
// simulator's CA through NODE_EXTRA_CA_CERTS) for the pass where the simulator has its thread to itself:
//   node bench/simulator-client.ts '{"firstUrl":"...","bearer":"..."}'   → one JSON line {records, pages, bytes, ms}
export interface PagingResult {
  records: number;
  pages: number;
  bytes: number;
  ms: number;
}

export async function pageThrough(firstUrl: string, bearer: string): Promise<PagingResult> {
  let records = 0;
  let pages = 0;
  let bytes = 0;
  let next: string | undefined = firstUrl;
  const started = performance.now();
  while (next !== undefined) {
    const res: Response = await fetch(next, { headers: { authorization: `Bearer ${bearer}` } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${next} answered ${res.status}: ${text.slice(0, 200)}`);
    bytes += Buffer.byteLength(text);
    const page = JSON.parse(text) as { value: unknown[]; '@odata.nextLink'?: string };
    records += page.value.length;
    pages++;
    next = page['@odata.nextLink'];
  }
  return { records, pages, bytes, ms: performance.now() - started };
}

if (import.meta.main) {
  const input = JSON.parse(process.argv[2] ?? '{}') as { firstUrl: string; bearer: string };
  process.stdout.write(JSON.stringify(await pageThrough(input.firstUrl, input.bearer)) + '\n');
}
