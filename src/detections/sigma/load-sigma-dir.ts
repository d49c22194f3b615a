// A folder of Sigma rules → one result per .yml/.yaml file (recursively, in path order): loaded with its rule and
// predicate, or not supported with the reason. A file that cannot be read or parsed never stops the others.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { compileSigmaRule } from './compile-sigma-rule.ts';
import type { SigmaPredicate } from './compile-sigma-rule.ts';
import { parseSigmaRule } from './parse-sigma-rule.ts';
import type { SigmaRule } from './parse-sigma-rule.ts';

export type SigmaFileResult =
  | { file: string; status: 'loaded'; rule: SigmaRule; predicate: SigmaPredicate }
  | { file: string; status: 'not_supported'; reason: string; id: string | null; title: string | null };

async function listRuleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** `file` in each result is relative to `dir`, with "/" separators. */
export async function loadSigmaDir(dir: string): Promise<SigmaFileResult[]> {
  const files = await listRuleFiles(dir);
  const results: SigmaFileResult[] = [];
  for (const full of files) {
    const file = path.relative(dir, full).split(path.sep).join('/');
    let text: string;
    try {
      text = await readFile(full, 'utf8');
    } catch (err) {
      results.push({ file, status: 'not_supported', reason: `cannot read: ${(err as Error).message}`, id: null, title: null });
      continue;
    }
    const parsed = parseSigmaRule(text);
    if (parsed.ok) results.push({ file, status: 'loaded', rule: parsed.rule, predicate: compileSigmaRule(parsed.rule) });
    else results.push({ file, status: 'not_supported', reason: parsed.reason, id: parsed.id, title: parsed.title });
  }
  return results;
}
