// security.secureScores → signal (kind secure_score), one per tenant and day.
// Time: createdDateTime. Title: "Secure score 412.5/560 (73.7 %)". Severity: informational (a daily measurement;
// detecting drops compares days and is a detection rule's job). Outcome, actor, targets: none.
// Text: the controls' names and categories, so a search for "AdminMFA" finds the days it was scored.
import type { NormalizeContext, Signal } from '../signals/signal.ts';
import { buildSignal } from './build-signal.ts';
import { IndicatorSet } from './indicators.ts';
import { asArray, asObj, firstTime, num, str, strings } from './record-fields.ts';
import type { Obj } from './record-fields.ts';

/** At most two decimals, no trailing zeros: 412.5, 387, 73.68. */
function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

export function normalizeSecureScore(r: Obj, ctx: NormalizeContext): Signal {
  const current = num(r.currentScore);
  const max = num(r.maxScore);
  let title = 'Secure score';
  if (current !== null) {
    title += ` ${fmt(current)}`;
    if (max !== null) {
      title += `/${fmt(max)}`;
      if (max > 0) title += ` (${(Math.round((current / max) * 1000) / 10).toFixed(1)} %)`;
    }
  }
  const text: Array<string | null> = [];
  for (const c of asArray(r.controlScores)) {
    const co = asObj(c);
    if (co !== null) text.push(str(co.controlName), str(co.controlCategory));
  }
  text.push(...strings(r.enabledServices));
  return buildSignal(ctx, {
    time: firstTime(r, 'createdDateTime'),
    kind: 'secure_score',
    title,
    severity: 'informational',
    indicators: new IndicatorSet(),
    text,
  });
}
