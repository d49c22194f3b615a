// The Sigma condition grammar: operators, precedence, parentheses, "1 of" / "all of" with wildcards and "them",
// and the conditions we refuse with a reason.
import { describe, expect, it } from 'vitest';
import { evaluateCondition, parseCondition } from '../../../src/detections/sigma/sigma-condition.ts';

const NAMES = ['selection', 'filter', 'sel_a', 'sel_b', '_helper'];

/** Parses `text` and evaluates it with the named selections true. */
function run(text: string, trueNames: string[]): boolean {
  const parsed = parseCondition(text, NAMES);
  if (!parsed.ok) throw new Error(parsed.reason);
  return evaluateCondition(parsed.node, (n) => trueNames.includes(n));
}

function reason(text: string): string {
  const parsed = parseCondition(text, NAMES);
  if (parsed.ok) throw new Error(`expected "${text}" to be refused`);
  return parsed.reason;
}

describe('Sigma condition', () => {
  it('evaluates a single selection', () => {
    expect(run('selection', ['selection'])).toBe(true);
    expect(run('selection', [])).toBe(false);
  });

  it('evaluates and, or and not', () => {
    expect(run('selection and filter', ['selection'])).toBe(false);
    expect(run('selection and filter', ['selection', 'filter'])).toBe(true);
    expect(run('selection or filter', ['filter'])).toBe(true);
    expect(run('selection and not filter', ['selection'])).toBe(true);
    expect(run('selection and not filter', ['selection', 'filter'])).toBe(false);
  });

  it('binds not tighter than and, and and tighter than or', () => {
    // selection or (filter and sel_a)
    expect(run('selection or filter and sel_a', ['selection'])).toBe(true);
    expect(run('selection or filter and sel_a', ['filter'])).toBe(false);
    // (not selection) and filter
    expect(run('not selection and filter', ['filter'])).toBe(true);
    expect(run('not selection and filter', ['selection', 'filter'])).toBe(false);
  });

  it('honours parentheses', () => {
    expect(run('(selection or filter) and sel_a', ['selection'])).toBe(false);
    expect(run('(selection or filter) and sel_a', ['selection', 'sel_a'])).toBe(true);
    expect(run('not (selection or filter)', [])).toBe(true);
    expect(run('not (selection or filter)', ['filter'])).toBe(false);
  });

  it('reads the keywords case-insensitively', () => {
    expect(run('selection AND NOT filter', ['selection'])).toBe(true);
    expect(run('1 OF sel_*', ['sel_b'])).toBe(true);
  });

  it('matches "1 of" and "all of" against a wildcard pattern', () => {
    expect(run('1 of sel_*', ['sel_b'])).toBe(true);
    expect(run('1 of sel_*', ['selection'])).toBe(false);
    expect(run('all of sel_*', ['sel_a'])).toBe(false);
    expect(run('all of sel_*', ['sel_a', 'sel_b'])).toBe(true);
    expect(run('selection and 1 of sel_*', ['selection', 'sel_a'])).toBe(true);
  });

  it('covers every selection but the underscore ones with "them"', () => {
    expect(run('1 of them', ['_helper'])).toBe(false);
    expect(run('1 of them', ['filter'])).toBe(true);
    expect(run('all of them', ['selection', 'filter', 'sel_a', 'sel_b'])).toBe(true);
    expect(run('all of them', ['selection', 'filter', 'sel_a'])).toBe(false);
  });

  it('refuses aggregations and near as not supported', () => {
    expect(reason('selection | count() by UserPrincipalName > 5')).toMatch(/aggregation.*not supported/);
    expect(reason('selection near filter')).toMatch(/"near" conditions are not supported/);
    expect(reason('near selection')).toMatch(/"near" conditions are not supported/);
  });

  it('refuses undefined selections, patterns matching nothing and broken syntax', () => {
    expect(reason('selection and missing')).toMatch(/undefined selection "missing"/);
    expect(reason('1 of nothing_*')).toMatch(/matches no selection/);
    expect(reason('(selection or filter')).toMatch(/missing "\)"/);
    expect(reason('selection filter')).toMatch(/unexpected "filter"/);
    expect(reason('selection and')).toMatch(/ends too early/);
    expect(reason('')).toMatch(/empty condition/);
  });
});
