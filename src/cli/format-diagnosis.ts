import type { Diagnosis } from '../domain/index.js';
import { describeEdits } from '../reason/index.js';

/** The diagnosis as text for a terminal: facts, symptoms with evidence, causes, remedies. */
export function formatDiagnosis(d: Diagnosis): string {
  const f = d.facts;
  const lines: string[] = [];
  lines.push(`Run ${d.runId}${f.name ? ` (${f.name})` : ''}`);
  lines.push(
    `  ${[
      f.framework,
      f.task,
      f.optimizer && `${f.optimizer} lr=${f.learningRate ?? '?'}`,
      f.loss,
      `${f.layerCount} layers`,
      `${f.eventCount} events`,
      f.lastStep !== undefined && `last step ${f.lastStep}`,
      f.status,
      f.profile && `profile ${f.profile}`,
    ]
      .filter(Boolean)
      .join(' · ')}`,
  );
  lines.push('');
  if (d.symptoms.length === 0) lines.push('Symptoms: none found.');
  else {
    lines.push('Symptoms:');
    for (const s of d.symptoms) {
      const where = s.layer ? ` [${s.layer}]` : '';
      const span = s.firstStep === s.lastStep ? `step ${s.firstStep}` : `steps ${s.firstStep}–${s.lastStep}`;
      lines.push(
        `  ${s.severity.toUpperCase()} ${s.id}${where} (${span}, confidence ${s.confidence.toFixed(2)})`,
      );
      for (const e of s.evidence) lines.push(`      ${e}`);
    }
  }
  if (d.causes.length) {
    lines.push('', 'Likely causes:');
    d.causes.slice(0, 5).forEach((c, i) => {
      lines.push(`  ${i + 1}. ${c.id} (${c.confidence.toFixed(2)})`);
      lines.push(`      ${c.explanation}`);
    });
  }
  if (d.remedies.length) {
    lines.push('', 'What to change:');
    for (const r of d.remedies.slice(0, 6)) {
      lines.push(`  - ${r.id} (for ${r.forCauses.join(', ')}): ${r.action}`);
      const edit = describeEdits(r.edits);
      if (edit) lines.push(`      edit: ${edit}`);
    }
  }
  if (d.missingSignals.length) {
    lines.push(
      '',
      `Signals the trace lacked (their detectors stayed silent): ${d.missingSignals.join(', ')}`,
    );
  }
  if (d.toRecord.length) {
    lines.push('', 'To tell these causes apart, record:');
    for (const a of d.toRecord) lines.push(`  - ${a.signal}: ${a.why}`);
  }
  return lines.join('\n');
}
