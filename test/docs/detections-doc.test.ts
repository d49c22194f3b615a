// docs/detections.md lists every built-in rule: a new rule without a line in the docs fails CI.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_RULES } from '../../src/detections/rules/index.ts';

const doc = readFileSync(new URL('../../docs/detections.md', import.meta.url), 'utf8');

describe('docs/detections.md', () => {
  it.each(BUILT_IN_RULES.map((r) => r.id))('has a row for %s', (id) => {
    expect(doc).toContain(`| \`${id}\` |`);
  });
});
