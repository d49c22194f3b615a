// security.secureScores → OCSF Compliance Finding (2003, Findings). Each day's score is a new record, so activity
// is 1 Create and status_id 1 New. compliance (required) evaluates the "Microsoft Secure Score" standard: one check
// per control (uid = controlName, name = its description, status_id Completed 1 Pass, Partially completed /
// Not completed 3 Fail), and the overall status_id 1 Pass only when every control is complete, else 3 Fail.
import type { Signal } from '../signals/signal.ts';
import { ocsfBase, type OcsfObject } from './ocsf-base.ts';
import { FINDINGS, microsoftProduct, ms } from './ocsf-finding.ts';
import { observablesOf } from './observables.ts';
import { compact, num, objects, str, type Raw } from './raw-fields.ts';

const STANDARD = 'Microsoft Secure Score';

export function secureScoreToOcsf(signal: Signal, raw: Raw): OcsfObject {
  const checks = objects(raw, 'controlScores').map((c) => {
    const implementation = str(c, 'implementationStatus');
    const passed = implementation === 'Completed';
    return compact({
      uid: str(c, 'controlName'),
      name: str(c, 'description') ?? str(c, 'controlName'),
      standards: [STANDARD],
      status_id: implementation === null ? 0 : passed ? 1 : 3,
      status: implementation,
    });
  });
  const failing = checks.filter((c) => c['status_id'] === 3).length;
  const current = num(raw, 'currentScore');
  const max = num(raw, 'maxScore');
  const scoreText = current !== null && max !== null ? `${current} of ${max}` : null;
  return compact({
    ...ocsfBase(signal, { classUid: 2003, className: 'Compliance Finding', ...FINDINGS, activityId: 1, activityName: 'Create' }),
    status_id: 1,
    status: 'New',
    finding_info: compact({
      uid: str(raw, 'id') ?? signal.recordId,
      title: signal.title,
      types: [STANDARD],
      created_time: ms(str(raw, 'createdDateTime')),
      product: microsoftProduct('Microsoft Secure Score'),
    }),
    compliance: compact({
      standards: [STANDARD],
      status_id: checks.length === 0 ? 0 : failing === 0 ? 1 : 3,
      status: checks.length === 0 ? 'Unknown' : failing === 0 ? 'Pass' : 'Fail',
      status_details: [scoreText === null ? null : `score ${scoreText}`, checks.length > 0 ? `${failing} of ${checks.length} controls not completed` : null].filter((s): s is string => s !== null),
      checks: checks.length > 0 ? checks : null,
    }),
    observables: observablesOf(signal.indicators),
  });
}
