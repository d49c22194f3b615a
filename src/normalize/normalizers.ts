// One normalizer per check, and normalize(): the entry point ingest and `azsec reindex` call for every record.
// normalize() never throws: a normalizer reads fields defensively, and should one still fail on a shape nobody
// foresaw, the record gets a generic signal (its check's kind, a generic title, the stored time) rather than
// stopping the run that stores it.
import type { CheckId } from '../core/check-ids.ts';
import type { NormalizeContext, Normalizer, Signal, SignalKind } from '../signals/signal.ts';
import { normalizeAlert } from './alert.ts';
import { buildSignal } from './build-signal.ts';
import { normalizeDirectoryAudit } from './directory-audit.ts';
import { normalizeIncident } from './incident.ts';
import { IndicatorSet } from './indicators.ts';
import { asObj } from './record-fields.ts';
import { normalizeRiskDetection } from './risk-detection.ts';
import { normalizeRiskyUser } from './risky-user.ts';
import { normalizeSecureScore } from './secure-score.ts';
import { normalizeSignIn } from './sign-in.ts';
import { normalizeUser } from './user.ts';

export const NORMALIZERS: Record<CheckId, Normalizer> = {
  'security.incidents': normalizeIncident,
  'security.alerts_v2': normalizeAlert,
  'auditLogs.signIns': normalizeSignIn,
  'auditLogs.directoryAudits': normalizeDirectoryAudit,
  'identityProtection.riskDetections': normalizeRiskDetection,
  'identityProtection.riskyUsers': normalizeRiskyUser,
  'security.secureScores': normalizeSecureScore,
  users: normalizeUser,
};

const KIND_OF_CHECK: Record<CheckId, SignalKind> = {
  'security.incidents': 'incident',
  'security.alerts_v2': 'alert',
  'auditLogs.signIns': 'sign_in',
  'auditLogs.directoryAudits': 'directory_audit',
  'identityProtection.riskDetections': 'risk_detection',
  'identityProtection.riskyUsers': 'risky_user',
  'security.secureScores': 'secure_score',
  users: 'user',
};

const NOUN_OF_CHECK: Record<CheckId, string> = {
  'security.incidents': 'Incident',
  'security.alerts_v2': 'Alert',
  'auditLogs.signIns': 'Sign-in',
  'auditLogs.directoryAudits': 'Directory audit',
  'identityProtection.riskDetections': 'Risk detection',
  'identityProtection.riskyUsers': 'Risky user',
  'security.secureScores': 'Secure score',
  users: 'User',
};

/** The signal of a record nothing could be read from: its identity, its check's kind and the stored time. */
function genericSignal(record: unknown, ctx: NormalizeContext): Signal {
  let removed = false;
  try {
    const o = asObj(record);
    removed = ctx.check === 'users' && o !== null && o['@removed'] !== undefined;
  } catch {
    // A property that throws when read: the record is not plain JSON data; treat it as nothing known.
  }
  return buildSignal(ctx, {
    time: null,
    kind: removed ? 'user_deleted' : (KIND_OF_CHECK[ctx.check] ?? 'alert'),
    title: `${NOUN_OF_CHECK[ctx.check] ?? String(ctx.check)} record ${ctx.recordId}`,
    severity: 'informational',
    indicators: new IndicatorSet(),
    text: [],
  });
}

/** The signal of one Graph record (parsed from its raw text) of ctx.check. Never throws. */
export function normalize(record: unknown, ctx: NormalizeContext): Signal {
  const o = asObj(record);
  const normalizer = NORMALIZERS[ctx.check] as Normalizer | undefined;
  if (o === null || normalizer === undefined) return genericSignal(record, ctx);
  try {
    return normalizer(o, ctx);
  } catch {
    return genericSignal(o, ctx);
  }
}
