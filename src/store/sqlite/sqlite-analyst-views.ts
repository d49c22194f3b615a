// The documented analyst views over the signals file (docs/sql.md), created as TEMP views on the connection that runs
// an analyst's query (sqlite-sql-child.ts): they span both files of the store (signals-file.ts), and a view stored in
// one file cannot refer to another. v_records is stored in the records file.
// A signal stored without its JSON is computed from its record by azsec_signal(), which the child registers with the
// store's normalizer; the view's signal column is the whole signal either way (json_insert puts the columns back into
// a stored JSON that omits them, sqlite-signal-body.ts).
import { SIGNALS_SCHEMA } from './signals-file.ts';

const S = SIGNALS_SCHEMA;

/** The name of the SQL function the views compute a signal with (registered by sqlite-sql-child.ts). */
export const SIGNAL_FUNCTION = 'azsec_signal';

export const ANALYST_VIEWS_SQL = `
  CREATE TEMP VIEW v_signals AS
    SELECT s.sid, s.integration, s.check_id, s.record_id, s.version, s.tenant_id, s.time, s.time_us, s.kind, s.severity,
           s.severity_rank, s.outcome, s.title,
           CASE WHEN s.signal IS NULL
                THEN ${SIGNAL_FUNCTION}(s.integration, s.tenant_id, s.check_id, s.record_id, s.version, r.time, r.raw)
                ELSE json_insert(s.signal, '$.integration', s.integration, '$.check', s.check_id, '$.recordId', s.record_id,
                                 '$.version', s.version, '$.tenantId', s.tenant_id, '$.time', s.time, '$.kind', s.kind,
                                 '$.severity', s.severity, '$.outcome', s.outcome) END AS signal
    FROM ${S}.signals s LEFT JOIN main.records r ON r.seq = s.seq;
  CREATE TEMP VIEW v_indicators AS
    SELECT s.sid, s.integration, s.check_id, s.record_id, s.version, t.key AS type, v.value, s.time, s.time_us
    FROM temp.v_signals s, json_each(s.signal, '$.indicators') t, json_each(t.value) v
    WHERE t.type = 'array' AND v.type = 'text';
  CREATE TEMP VIEW v_alerts AS
    SELECT id, rule_id, integration, group_key, title, severity, time, time_us, status, absorbed, signals, fields,
           raised_at, updated_at
    FROM ${S}.alerts;
`;
