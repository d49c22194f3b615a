// docs/errors.md is the operator's reference for every error code: a code added to src/core/errors.ts without a
// section there (or a section left behind for a removed code) fails this test, and so CI.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errors.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const doc = readFileSync(path.join(repoRoot, 'docs', 'errors.md'), 'utf8');

/** The codes that head a section: a Markdown heading whose whole text is one ERR_ code. */
const documented = [...doc.matchAll(/^#{2,4} +(ERR_[A-Z0-9_]+) *$/gm)].map((m) => m[1]);

describe('docs/errors.md', () => {
  it.each(Object.keys(ERROR_CODES))('has a section headed %s', (code) => {
    expect(documented).toContain(code);
  });

  it('documents no code that src/core/errors.ts does not define', () => {
    expect(documented.filter((code) => !Object.hasOwn(ERROR_CODES, code ?? ''))).toEqual([]);
  });

  it('documents each code once', () => {
    expect(new Set(documented).size).toBe(documented.length);
  });
});
