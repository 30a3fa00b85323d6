import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkLabel } from '../../bench/faults/label-checks.js';
import { PYFAULTS_DIR, readPythonLabels } from '../../bench/faults/python-suite.js';
import { traceFacts } from '../../bench/faults/trace-facts.js';
import type { LayerInfo, RunEvent, TraceEvent } from '../../src/domain/index.js';
import { parseTraceText } from '../../src/trace/index.js';

// bench/pyfaults: real PyTorch and Keras runs recorded by the Python client. Each label names the
// fault its generator planted; the committed trace must show that fault's raw effect, by the same
// checks bench/faults holds its TF.js runs to (bench/faults/label-checks.ts), or the run is not the
// example its label says. Reads the committed traces only: nothing is trained here.
const labels = readPythonLabels();

const WEIGHTED = new Set(['Dense', 'Conv2D']);
const OWN_STATS = ['deadFraction', 'saturatedFraction'] as const;

/**
 * The checks read a layer's activation and its dead/saturated fractions on the Dense layer, as
 * Keras and TF.js models are built. A PyTorch model has its activation as a module of its own
 * (`Linear`, maybe `BatchNorm1d`, then `ReLU`), which the client records as its own layer: here
 * each such activation is folded into the weighted layer before it, numbers unchanged.
 */
function foldActivations(events: TraceEvent[]): TraceEvent[] {
  const run = events[0] as RunEvent;
  const layers = run.model?.layers ?? [];
  const into = new Map<string, string>();
  const folded: LayerInfo[] = layers.map((l) => ({ ...l }));
  let owner: LayerInfo | undefined;
  for (const l of folded) {
    if (WEIGHTED.has(l.type ?? '')) owner = l;
    else if (l.type === 'Activation' && owner && l.activation) {
      owner.activation = l.activation;
      into.set(l.name, owner.name);
      owner = undefined;
    }
  }
  if (into.size === 0) return events;
  const model = { ...run.model!, layers: folded };
  return [
    { ...run, model },
    ...events.slice(1).map((e) => {
      if (e.type !== 'step' || !e.layers) return e;
      const stats = { ...e.layers };
      for (const [from, to] of into) {
        const source = stats[from];
        if (!source || !stats[to]) continue;
        const extra = Object.fromEntries(
          OWN_STATS.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]),
        );
        stats[to] = { ...stats[to], ...extra };
      }
      return { ...e, layers: stats };
    }),
  ];
}

const facts = (id: string) => {
  const text = gunzipSync(readFileSync(join(PYFAULTS_DIR, 'traces', `${id}.jsonl.gz`))).toString('utf8');
  return traceFacts(foldActivations(parseTraceText(text)));
};

describe('the Python fault benchmark labels, checked against their traces', () => {
  it('cover at least 60 faulty runs over all 19 causes and 20 healthy ones', () => {
    const faulty = labels.filter((l) => l.primaryCause !== 'healthy');
    expect(faulty.length).toBeGreaterThanOrEqual(60);
    expect(new Set(faulty.map((l) => l.primaryCause)).size).toBe(19);
    expect(labels.filter((l) => l.primaryCause === 'healthy').length).toBeGreaterThanOrEqual(20);
  });

  it('hold for every run: the planted cause shows in the numbers of its trace', () => {
    const failures: string[] = [];
    for (const l of labels) {
      const checks = checkLabel({ ...l, expectedSymptoms: [] }, facts(l.id));
      for (const c of checks) if (!c.ok) failures.push(`${l.id} (${l.primaryCause}): ${c.detail}`);
    }
    expect(failures).toEqual([]);
  });
});
