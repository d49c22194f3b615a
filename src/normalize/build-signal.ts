// Assembles a Signal from what a normalizer read: the context's identity fields, the record's time (or the stored
// time), a one-line title, and the indicators of the record and of its artifacts merged into one sorted set.
import type { Artifact, Entity, Location, NormalizeContext, Outcome, Severity, Signal, SignalKind } from '../signals/signal.ts';
import type { IndicatorSet } from './indicators.ts';
import { isoTime, joinText, oneLine } from './record-fields.ts';

/** A record with no readable time of its own and a stored time that does not parse (only hostile input). */
const UNKNOWN_TIME = '1970-01-01T00:00:00.000Z';

export interface SignalParts {
  /** The record's own time, already read (null: use the stored time). */
  time: string | null;
  kind: SignalKind;
  title: string;
  severity: Severity;
  outcome?: Outcome | null;
  actor?: Entity | null;
  targets?: Entity[];
  location?: Location | null;
  indicators: IndicatorSet;
  artifacts?: Artifact[];
  /** Search text besides the title (the title always comes first). */
  text: ReadonlyArray<string | null | undefined>;
}

export function buildSignal(ctx: NormalizeContext, p: SignalParts): Signal {
  const artifacts = p.artifacts ?? [];
  for (const a of artifacts) p.indicators.addAll(a.indicators);
  return {
    integration: ctx.integration,
    check: ctx.check,
    recordId: ctx.recordId,
    version: ctx.version,
    tenantId: ctx.tenantId,
    time: p.time ?? isoTime(ctx.time) ?? UNKNOWN_TIME,
    kind: p.kind,
    title: oneLine(p.title),
    severity: p.severity,
    outcome: p.outcome ?? null,
    actor: p.actor ?? null,
    targets: p.targets ?? [],
    location: p.location ?? null,
    indicators: p.indicators.toJSON(),
    artifacts,
    text: joinText([p.title, ...p.text]),
  };
}
