import { describe, expect, it } from 'vitest';
import { checkLabel, confirmedSymptoms } from '../../bench/faults/label-checks.js';
import { readLabels, readTraceEvents } from '../../bench/faults/store.js';
import { traceFacts } from '../../bench/faults/trace-facts.js';
import { SYMPTOM_IDS } from '../../bench/faults/vocabulary.js';

const { labels } = readLabels();

describe('the label checks on the stored traces', () => {
  it('hold for every run: the planted cause shows in its numbers, and so does every expected symptom', () => {
    const failures: string[] = [];
    for (const label of labels) {
      const facts = traceFacts(readTraceEvents(label.id));
      for (const c of checkLabel(label, facts))
        if (!c.ok) failures.push(`${label.id} ${c.what}: ${c.detail}`);
    }
    expect(failures).toEqual([]);
  });

  it('list exactly the vocabulary symptoms the numbers show, and none for a healthy run', () => {
    for (const label of labels) {
      const facts = traceFacts(readTraceEvents(label.id));
      expect(confirmedSymptoms([...SYMPTOM_IDS], facts), label.id).toEqual(label.expectedSymptoms);
      if (label.primaryCause === 'healthy') expect(label.expectedSymptoms, label.id).toEqual([]);
    }
  });
});
