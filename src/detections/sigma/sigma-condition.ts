// The Sigma condition grammar (specification 2.x), parsed once when a rule loads:
//
//   expr    := orExpr
//   orExpr  := andExpr ("or" andExpr)*
//   andExpr := notExpr ("and" notExpr)*
//   notExpr := "not" notExpr | primary
//   primary := "(" expr ")" | quantity "of" target | identifier
//   quantity := "1" | "all" | a positive integer         target := "them" | identifier with * wildcards
//
// Keywords are matched case-insensitively; precedence is not > and > or, as in the spec. `1 of them` / `all of them`
// cover every selection except those whose name starts with "_" (the spec reserves those for helpers). A wildcard
// target that names no selection is an error, so a typo cannot silently make a rule never (or always) fire.
// Aggregations (`| count() by x > 5`, Sigma 1) and `near` are reported as not supported: they need state across
// records, which the rule engine (not a per-record predicate) will own.

export type ConditionNode =
  | { type: 'ref'; name: string }
  | { type: 'and'; items: ConditionNode[] }
  | { type: 'or'; items: ConditionNode[] }
  | { type: 'not'; item: ConditionNode }
  /** At least `min` of `names` (min = names.length for "all of"). */
  | { type: 'of'; min: number; names: string[] };

export type ParseConditionResult = { ok: true; node: ConditionNode } | { ok: false; reason: string };

type Token = { kind: 'word'; text: string } | { kind: 'open' } | { kind: 'close' };

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  const re = /\s*(?:(\()|(\))|([^\s()|]+)|(\|)|(\S))/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    if (m[1]) tokens.push({ kind: 'open' });
    else if (m[2]) tokens.push({ kind: 'close' });
    else if (m[3]) tokens.push({ kind: 'word', text: m[3] });
    else if (m[4]) return 'aggregation conditions ("| count() ...", Sigma 1 style) are not supported';
    else if (m[5]) return `unexpected character ${JSON.stringify(m[5])} in condition`;
    else break;
  }
  return tokens;
}

function wildcardRegex(pattern: string): RegExp {
  const source = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${source}$`);
}

export function parseCondition(text: string, selectionNames: readonly string[]): ParseConditionResult {
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { ok: false, reason: tokens };
  if (tokens.length === 0) return { ok: false, reason: 'empty condition' };
  let pos = 0;
  const known = new Set(selectionNames);

  const isWord = (t: Token | undefined, w: string): boolean => t?.kind === 'word' && t.text.toLowerCase() === w;
  class ConditionError extends Error {}
  const fail = (reason: string): never => {
    throw new ConditionError(reason);
  };

  const parseOr = (): ConditionNode => {
    const items = [parseAnd()];
    while (isWord(tokens[pos], 'or')) {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { type: 'or', items };
  };
  const parseAnd = (): ConditionNode => {
    const items = [parseNot()];
    while (isWord(tokens[pos], 'and')) {
      pos++;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0]! : { type: 'and', items };
  };
  const parseNot = (): ConditionNode => {
    if (isWord(tokens[pos], 'not')) {
      pos++;
      return { type: 'not', item: parseNot() };
    }
    return parsePrimary();
  };
  const parsePrimary = (): ConditionNode => {
    const t = tokens[pos];
    if (!t) return fail('condition ends too early');
    if (t.kind === 'open') {
      pos++;
      const inner = parseOr();
      if (tokens[pos]?.kind !== 'close') fail('missing ")" in condition');
      pos++;
      return inner;
    }
    if (t.kind === 'close') return fail('unexpected ")" in condition');
    const word = t.text;
    const lower = word.toLowerCase();
    if (lower === 'near') return fail('"near" conditions are not supported');
    if (lower === 'and' || lower === 'or' || lower === 'of') return fail(`unexpected "${word}" in condition`);
    if (isWord(tokens[pos + 1], 'of')) {
      const target = tokens[pos + 2];
      if (target?.kind !== 'word') return fail(`"${word} of" needs a selection name, a pattern or "them"`);
      pos += 3;
      const names =
        target.text.toLowerCase() === 'them'
          ? selectionNames.filter((n) => !n.startsWith('_'))
          : selectionNames.filter((n) => wildcardRegex(target.text).test(n));
      if (names.length === 0) return fail(`"${word} of ${target.text}" matches no selection`);
      if (lower === 'all') return { type: 'of', min: names.length, names };
      if (lower === 'any') return { type: 'of', min: 1, names };
      if (!/^[1-9]\d*$/.test(word)) return fail(`"${word} of" is not a valid quantity (use "1 of" or "all of")`);
      return { type: 'of', min: Number(word), names };
    }
    pos++;
    if (!known.has(word)) return fail(`condition names an undefined selection "${word}"`);
    return { type: 'ref', name: word };
  };

  try {
    const node = parseOr();
    if (pos < tokens.length) {
      const t = tokens[pos]!;
      if (t.kind === 'word' && t.text.toLowerCase() === 'near') return { ok: false, reason: '"near" conditions are not supported' };
      return { ok: false, reason: `unexpected ${t.kind === 'word' ? `"${t.text}"` : t.kind === 'open' ? '"("' : '")"'} in condition` };
    }
    return { ok: true, node };
  } catch (err) {
    if (err instanceof ConditionError) return { ok: false, reason: err.message };
    throw err;
  }
}

/** Evaluates the condition, asking `test` about each selection it needs (short-circuiting like the operators). */
export function evaluateCondition(node: ConditionNode, test: (name: string) => boolean): boolean {
  switch (node.type) {
    case 'ref':
      return test(node.name);
    case 'and':
      return node.items.every((n) => evaluateCondition(n, test));
    case 'or':
      return node.items.some((n) => evaluateCondition(n, test));
    case 'not':
      return !evaluateCondition(node.item, test);
    case 'of': {
      let hits = 0;
      for (const name of node.names) {
        if (test(name) && ++hits >= node.min) return true;
      }
      return false;
    }
  }
}
