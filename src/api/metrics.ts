import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { RunAlert, TraindxObserver } from '../engine/index.js';
import { noteRequestCode } from './request-scope.js';

/** A refusal as a client saw it: the code of its error, the HTTP status, and what tells auth failures apart. */
export interface SeenRefusal {
  code: string;
  status: number;
  message?: string;
  /** The request carried a credential (Authorization or the dashboard's cookie). */
  credentials?: boolean;
}

/** The counters and the histogram of one app, on its own registry. */
export interface Metrics {
  readonly registry: Registry;
  /** Feeds batches and alerts from the engine (Traindx.observe). */
  readonly observer: Required<TraindxObserver>;
  /** A response that carried error codes: counted once per code, and noted on the request's log line. */
  refused(refusal: SeenRefusal): void;
  /** Times a diagnosis into the latency histogram. */
  timeDiagnosis<A extends unknown[], T>(diagnose: (...args: A) => Promise<T>): (...args: A) => Promise<T>;
  /** The Prometheus text exposition, with the process's default metrics (collected from the first scrape on). */
  scrape(): Promise<string>;
}

// Label values come from fixed vocabularies (error codes and symptom ids are written in our code and seed,
// severities are an enum); these bounds hold even so, should a new one appear with every request.
const CODE = /^[A-Z][A-Z0-9_]{0,47}$/;
const SYMPTOM = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_VALUES = 200;
const SEVERITIES = new Set(['info', 'warning', 'critical']);
/** Codes of a store that is down (category `unavailable` of the error family). */
const STORE_CODES = new Set(['STORE_UNAVAILABLE']);
// From 1 ms (a cached diagnosis) to 10 s (a long run's first diagnosis on a busy Neo4j).
const DIAGNOSIS_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Prometheus metrics of one app, on a registry of its own (not prom-client's
 * global one), so several apps in one process (tests) keep their counts apart.
 *
 * @example const metrics = createMetrics(); traindx.observe(metrics.observer); await metrics.scrape();
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  const events = new Counter({
    name: 'traindx_events_ingested_total',
    help: 'Trace events stored (resent batches not counted).',
    registers: [registry],
  });
  const batches = new Counter({
    name: 'traindx_batches_ingested_total',
    help: 'Batches stored (startRun, logEvents, finishRun and each batch of an import; resent ones not counted).',
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'traindx_refusals_total',
    help: 'Responses that carried an error, by its code (GraphQL extensions.code), once per code and response.',
    labelNames: ['code'],
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'traindx_auth_failures_total',
    help: 'Requests refused by auth: 401 (missing_token, unknown_token) and 403 (insufficient_scope, not_run_owner).',
    labelNames: ['status', 'reason'],
    registers: [registry],
  });
  const alerts = new Counter({
    name: 'traindx_alerts_total',
    help: 'Symptom alerts announced to live subscribers, by symptom and severity.',
    labelNames: ['symptom', 'severity'],
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: 'traindx_store_errors_total',
    help: 'Requests answered with the store down (503), by code.',
    labelNames: ['code'],
    registers: [registry],
  });
  const diagnosisSeconds = new Histogram({
    name: 'traindx_diagnosis_duration_seconds',
    help: 'Time to diagnose a stored run (a repeated question is answered from memory).',
    buckets: DIAGNOSIS_BUCKETS_S,
    registers: [registry],
  });
  const codes = createVocabulary(CODE, 'OTHER');
  const symptoms = createVocabulary(SYMPTOM, 'other');
  let defaultsOn = false;
  return {
    registry,
    observer: {
      batch(_runId, eventCount) {
        batches.inc();
        events.inc(eventCount);
      },
      alert(alert: RunAlert) {
        if (alert.kind !== 'symptom' || !alert.symptom) return;
        const severity = SEVERITIES.has(alert.symptom.severity) ? alert.symptom.severity : 'other';
        alerts.inc({ symptom: symptoms(alert.symptom.id), severity });
      },
    },
    refused({ code, status, message, credentials }) {
      const label = codes(code);
      refusals.inc({ code: label });
      noteRequestCode(label);
      if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN')
        authFailures.inc({ status: String(status), reason: authReason(code, message, credentials) });
      if (STORE_CODES.has(code) || status === 503) storeErrors.inc({ code: label });
    },
    timeDiagnosis(diagnose) {
      return async (...args) => {
        const stop = diagnosisSeconds.startTimer();
        try {
          return await diagnose(...args);
        } finally {
          stop();
        }
      };
    },
    async scrape() {
      // Default metrics start an event-loop monitor and a GC observer: only for an app someone scrapes.
      if (!defaultsOn) {
        collectDefaultMetrics({ register: registry });
        defaultsOn = true;
      }
      return registry.metrics();
    },
  };
}

/** Why auth refused: from the code, whether a credential came, and the wording of auth.ts's FORBIDDEN. */
function authReason(code: string, message: string | undefined, credentials: boolean | undefined): string {
  if (code === 'UNAUTHENTICATED') return credentials ? 'unknown_token' : 'missing_token';
  return message?.includes('needs a token of scope') ? 'insufficient_scope' : 'not_run_owner';
}

/** Label values as given while they fit the pattern and there are fewer than MAX_VALUES; `other` past that. */
function createVocabulary(pattern: RegExp, other: string) {
  const seen = new Set<string>();
  return (value: string): string => {
    if (seen.has(value)) return value;
    if (!pattern.test(value) || seen.size >= MAX_VALUES) return other;
    seen.add(value);
    return value;
  };
}
