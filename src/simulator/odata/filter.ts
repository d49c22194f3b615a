// The part of OData's $filter grammar Graph's list endpoints accept: comparisons (eq ne gt ge lt le), startswith(),
// and / or / not, parentheses; literals are 'strings', numbers, true/false/null, GUIDs and unquoted date-times.
// Parsing is separate from validation so that each endpoint can refuse what Graph refuses (see endpoints.ts).

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type Literal = string | number | boolean | null | { dateTime: number; text: string };

export type FilterNode =
  | { kind: 'compare'; path: string; op: CompareOp; value: Literal }
  | { kind: 'startswith'; path: string; value: string }
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode };

export class FilterSyntaxError extends Error {
  /** The collection property of a lambda (`x/any(...)`), which this grammar does not take, so that callers can
   *  name an unknown property the way Graph does ("Could not find a property named 'signInEventTypes'"). */
  readonly property: string | undefined;

  constructor(message: string, property?: string) {
    super(message);
    this.property = property;
  }
}

const OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$/;

type Token = { type: 'word' | 'string' | 'punct'; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: 'punct', text: c });
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new FilterSyntaxError('unterminated string literal');
        if (input[i] === "'") {
          if (input[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += input[i];
        i++;
      }
      tokens.push({ type: 'string', text });
    } else {
      let j = i;
      while (j < input.length && !' \t(),\''.includes(input[j] as string)) j++;
      tokens.push({ type: 'word', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

export function parseFilter(input: string): FilterNode {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const next = (): Token => {
    const t = tokens[pos++];
    if (t === undefined) throw new FilterSyntaxError('unexpected end of expression');
    return t;
  };
  const isWord = (t: Token | undefined, w: string): boolean => t?.type === 'word' && t.text.toLowerCase() === w;
  const expect = (text: string): void => {
    const t = next();
    if (t.text !== text) throw new FilterSyntaxError(`expected '${text}' but found '${t.text}'`);
  };

  function parseOr(): FilterNode {
    let left = parseAnd();
    while (isWord(peek(), 'or')) {
      pos++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  }
  function parseAnd(): FilterNode {
    let left = parseUnary();
    while (isWord(peek(), 'and')) {
      pos++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  }
  function parseUnary(): FilterNode {
    if (isWord(peek(), 'not')) {
      pos++;
      return { kind: 'not', operand: parseUnary() };
    }
    return parsePrimary();
  }
  function parsePrimary(): FilterNode {
    const t = next();
    if (t.type === 'punct' && t.text === '(') {
      const inner = parseOr();
      expect(')');
      return inner;
    }
    if (t.type !== 'word') throw new FilterSyntaxError(`unexpected '${t.text}'`);
    if (peek()?.text === '(') {
      const lambda = /^(.+)\/(any|all)$/i.exec(t.text);
      if (lambda !== null) throw new FilterSyntaxError(`lambda operator '${lambda[2] ?? ''}' is not supported`, lambda[1]);
      const fn = t.text.toLowerCase();
      if (fn !== 'startswith') throw new FilterSyntaxError(`unknown function '${t.text}'`);
      pos++;
      const path = next();
      if (path.type !== 'word') throw new FilterSyntaxError('startswith expects a property name');
      expect(',');
      const value = next();
      if (value.type !== 'string') throw new FilterSyntaxError('startswith expects a string literal');
      expect(')');
      return { kind: 'startswith', path: path.text, value: value.text };
    }
    const op = next();
    if (op.type !== 'word' || !OPS.has(op.text.toLowerCase())) {
      throw new FilterSyntaxError(`expected an operator after '${t.text}' but found '${op.text}'`);
    }
    return { kind: 'compare', path: t.text, op: op.text.toLowerCase() as CompareOp, value: parseLiteral(next()) };
  }

  const root = parseOr();
  if (pos !== tokens.length) throw new FilterSyntaxError(`unexpected '${tokens[pos]?.text ?? ''}'`);
  return root;
}

function parseLiteral(t: Token): Literal {
  if (t.type === 'string') return t.text;
  if (t.type !== 'word') throw new FilterSyntaxError(`expected a value but found '${t.text}'`);
  const w = t.text;
  if (w === 'true') return true;
  if (w === 'false') return false;
  if (w === 'null') return null;
  if (DATE_TIME.test(w)) {
    const ms = Date.parse(w);
    if (Number.isNaN(ms)) throw new FilterSyntaxError(`'${w}' is not a valid DateTimeOffset`);
    return { dateTime: ms, text: w };
  }
  if (/^-?\d+(\.\d+)?$/.test(w)) return Number(w);
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(w)) return w;
  throw new FilterSyntaxError(`'${w}' is not a valid literal`);
}

/** Every (path, operator) pair the expression uses; 'startswith' counts as an operator. */
export function filterTerms(node: FilterNode): Array<{ path: string; op: CompareOp | 'startswith' }> {
  switch (node.kind) {
    case 'compare':
      return [{ path: node.path, op: node.op }];
    case 'startswith':
      return [{ path: node.path, op: 'startswith' }];
    case 'not':
      return filterTerms(node.operand);
    default:
      return [...filterTerms(node.left), ...filterTerms(node.right)];
  }
}

function valueAt(obj: Record<string, unknown>, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('/')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const rec = cur as Record<string, unknown>;
    // Graph property names are case-insensitive in queries.
    const key = part in rec ? part : Object.keys(rec).find((k) => k.toLowerCase() === part.toLowerCase());
    cur = key === undefined ? undefined : rec[key];
  }
  return cur;
}

function compare(actual: unknown, op: CompareOp, literal: Literal): boolean {
  let a: unknown = actual;
  let b: unknown = literal;
  if (literal !== null && typeof literal === 'object') {
    a = typeof actual === 'string' ? Date.parse(actual) : Number.NaN;
    b = literal.dateTime;
    if (Number.isNaN(a)) return op === 'ne';
  } else if (typeof literal === 'string' && typeof actual === 'string') {
    a = actual.toLowerCase();
    b = literal.toLowerCase();
  }
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return (a as number) > (b as number);
    case 'ge':
      return (a as number) >= (b as number);
    case 'lt':
      return (a as number) < (b as number);
    case 'le':
      return (a as number) <= (b as number);
  }
}

export function matches(node: FilterNode, obj: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'compare':
      return compare(valueAt(obj, node.path), node.op, node.value);
    case 'startswith': {
      const v = valueAt(obj, node.path);
      return typeof v === 'string' && v.toLowerCase().startsWith(node.value.toLowerCase());
    }
    case 'not':
      return !matches(node.operand, obj);
    case 'and':
      return matches(node.left, obj) && matches(node.right, obj);
    case 'or':
      return matches(node.left, obj) || matches(node.right, obj);
  }
}

/**
 * The time range [fromMs, toMs] (inclusive, with strictness flags) that the top-level AND of `node` imposes on
 * `property`, and whether that range is all the filter says (so an index range answers it without rendering).
 */
export function timeRange(
  node: FilterNode | undefined,
  property: string,
): { from: number; fromStrict: boolean; to: number; toStrict: boolean; timeOnly: boolean } {
  const range = { from: -Infinity, fromStrict: false, to: Infinity, toStrict: false, timeOnly: true };
  const visit = (n: FilterNode): void => {
    if (n.kind === 'and') {
      visit(n.left);
      visit(n.right);
      return;
    }
    if (n.kind === 'compare' && n.path.toLowerCase() === property.toLowerCase() && n.value !== null && typeof n.value === 'object') {
      const t = n.value.dateTime;
      if ((n.op === 'ge' || n.op === 'eq') && t >= range.from) Object.assign(range, { from: t, fromStrict: false });
      if (n.op === 'gt' && t >= range.from) Object.assign(range, { from: t, fromStrict: true });
      if ((n.op === 'le' || n.op === 'eq') && t <= range.to) Object.assign(range, { to: t, toStrict: false });
      if (n.op === 'lt' && t <= range.to) Object.assign(range, { to: t, toStrict: true });
      if (n.op === 'ne') range.timeOnly = false;
      return;
    }
    range.timeOnly = false;
  };
  if (node !== undefined) visit(node);
  return range;
}
