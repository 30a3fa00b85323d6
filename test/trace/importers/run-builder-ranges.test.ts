import { describe, expect, it } from 'vitest';
import { createRunBuilder } from '../../../src/trace/importers/run-builder.js';

describe("values an imported log gives outside their field's range", () => {
  it('drops them and names them in the notes, keeping the rest of the step', () => {
    const notes: string[] = [];
    const b = createRunBuilder({ file: 'log.csv', run: { id: 'r' }, notes });
    b.value(0, 'loss', 2.3);
    b.value(0, 'lr', -0.1);
    b.layer(0, 'dense', { deadFraction: 7, gradNorm: 0.5 });
    const events = b.finish();
    const step = events.find((e) => e.type === 'step') as {
      loss?: number;
      learningRate?: number;
      layers?: object;
    };
    expect(step.loss).toBe(2.3);
    expect(step.learningRate).toBeUndefined();
    expect(step.layers).toEqual({ dense: { gradNorm: 0.5 } });
    expect(notes.join('\n')).toMatch(
      /2 values outside their field's range were dropped \(learningRate -0\.1 at step 0; deadFraction 7 at step 0\)/,
    );
  });
});
