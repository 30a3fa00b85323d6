import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RunAlert } from '../engine/index.js';

const Labels = z.record(z.string(), z.string());

/** One alert of an Alertmanager webhook message (the `alerts[]` items of webhook_config's payload). */
export const AlertmanagerAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: Labels,
  annotations: Labels,
  startsAt: z.string(),
  endsAt: z.string(),
  generatorURL: z.string(),
  fingerprint: z.string(),
});
export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlert>;

/**
 * The JSON Alertmanager POSTs to a webhook receiver, version 4
 * (prometheus.io/docs/alerting/latest/configuration/#webhook_config), so
 * anything that reads Alertmanager's webhooks reads traindx's.
 */
export const AlertmanagerPayload = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: Labels,
  commonLabels: Labels,
  commonAnnotations: Labels,
  externalURL: z.string(),
  alerts: z.array(AlertmanagerAlert),
});
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;

/** Alertmanager's endsAt of an alert still firing: Go's zero time. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';
const RECEIVER = 'traindx';

/**
 * The identity of a symptom alert: one per (run, symptom, layer), as the
 * alert decider keeps it. Severity is a label too (receivers route on it) but
 * not part of the fingerprint: a severity rise is an `updated` of the same
 * alert, and Alertmanager tells alerts apart by fingerprint.
 */
export function fingerprintOf(alert: RunAlert): string {
  const s = alert.symptom;
  const identity = {
    alertname: 'TraindxSymptom',
    runId: alert.runId,
    symptom: s?.id ?? '',
    layer: s?.layer ?? '',
  };
  // 16 hex digits, the width of Alertmanager's own (64-bit) fingerprints.
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}

/**
 * One symptom alert (started, updated or resolved) as an Alertmanager v4
 * webhook message holding that one alert, grouped by run. `startsAt`: when
 * this alert (same fingerprint) first fired; `now`: when it is sent.
 *
 * @example toAlertmanagerPayload(alert, { externalUrl: 'http://127.0.0.1:4000', startsAt, now: new Date() })
 */
export function toAlertmanagerPayload(
  alert: RunAlert,
  at: { externalUrl: string; startsAt: Date; now: Date },
): AlertmanagerPayload {
  const s = alert.symptom!;
  const status = alert.change === 'resolved' ? 'resolved' : 'firing';
  const labels: Record<string, string> = {
    alertname: 'TraindxSymptom',
    runId: alert.runId,
    symptom: s.id,
    ...(s.layer ? { layer: s.layer } : {}),
    severity: s.severity,
  };
  const where = s.layer ? ` in ${s.layer}` : '';
  const cause = alert.topCause
    ? ` Leading cause so far: ${alert.topCause.name} (confidence ${alert.topCause.confidence.toFixed(2)}).`
    : '';
  const annotations: Record<string, string> = {
    summary: `${s.id}${where} (${s.severity}) ${status === 'resolved' ? 'resolved' : alert.change} in run ${alert.runId}`,
    description: `Steps ${s.firstStep}-${s.lastStep}: ${s.evidence.join('; ') || 'no evidence text'}.${cause}`,
    change: alert.change ?? 'started',
    ...(alert.topCause ? { topCause: alert.topCause.id } : {}),
  };
  const base = at.externalUrl.replace(/\/$/, '');
  const groupLabels = { runId: alert.runId };
  return {
    version: '4',
    groupKey: `{}:{runId=${JSON.stringify(alert.runId)}}`,
    truncatedAlerts: 0,
    status,
    receiver: RECEIVER,
    groupLabels,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: base,
    alerts: [
      {
        status,
        labels,
        annotations,
        startsAt: at.startsAt.toISOString(),
        endsAt: status === 'resolved' ? at.now.toISOString() : ZERO_TIME,
        generatorURL: `${base}/runs/${encodeURIComponent(alert.runId)}`,
        fingerprint: fingerprintOf(alert),
      },
    ],
  };
}
