import { describe, expect, it } from 'vitest';
import { testApp } from '../dashboard/support.js';

// The seed's snippets are templates filled with a run's values; the knowledge
// API has no run, so it answers their generic examples, never a placeholder.
describe('remedy snippets over GraphQL', () => {
  it('reads as code with example values, without a {{placeholder}}', async () => {
    const { post } = await testApp();
    const data = (await post(
      '{ symptom(id: "loss_divergence") { causes { cause { remedies { remedy { id snippets { tfjs keras pytorch } } } } } } }',
    )) as any;
    const remedies = data.symptom.causes.flatMap((c: any) => c.cause.remedies.map((r: any) => r.remedy));
    const lower = remedies.find((r: any) => r.id === 'lower_learning_rate');
    expect(lower.snippets.keras).toBe(
      'optimizer = keras.optimizers.Adam(learning_rate=1e-4)  # a tenth of 1e-3',
    );
    for (const r of remedies)
      for (const code of Object.values(r.snippets)) expect(code).not.toMatch(/\{\{[\w.]+(\|[^}]*)?\}\}/);
  });
});
