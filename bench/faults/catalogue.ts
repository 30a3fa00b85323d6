import type { Variant } from './scenarios/scenario.js';

/**
 * The benchmark's scenarios as text: each cause, its variants with their
 * split, and the runs of each variant.
 *
 * @example console.log(describeCatalogue(ALL_VARIANTS, testVariants(ALL_VARIANTS)));
 */
export function describeCatalogue(variants: Variant[], test: Set<string>): string {
  const causes = [...new Set(variants.map((v) => v.cause))];
  const lines: string[] = [];
  for (const cause of causes) {
    const own = variants.filter((v) => v.cause === cause);
    const runs = own.reduce((n, v) => n + v.runs.length, 0);
    lines.push(`${cause} (${own.length} variants, ${runs} runs)`);
    for (const v of own) {
      const also = v.acceptable?.length ? ` [also accepted: ${v.acceptable.join(', ')}]` : '';
      lines.push(`  ${test.has(v.id) ? 'test' : 'tune'}  ${v.id}: ${v.notes}${also}`);
      if (v.runs.length > 1 || v.runs[0]!.id !== v.id)
        for (const r of v.runs) lines.push(`          ${r.id}: ${r.notes}`);
    }
  }
  return lines.join('\n');
}
