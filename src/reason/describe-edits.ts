import type { ConcreteEdit } from '../domain/index.js';

/**
 * One remedy's concrete edits in a line a person reads at a terminal, the
 * same change at several layers said once: `optimizer.learningRate 3 → 0.3`,
 * `activation sigmoid → selu at sigmoid_0, sigmoid_1`, `insert
 * batchNormalization after dense_0, dense_1`. Empty for no edits.
 *
 * @example describeEdits(diagnosis.remedies[0].edits) // 'optimizer.learningRate 3 → 0.3'
 */
export function describeEdits(edits: ConcreteEdit[]): string {
  const groups = new Map<string, { text: string; at: string[]; setting: boolean }>();
  for (const e of edits) {
    const g = group(e);
    const seen = groups.get(g.key);
    if (seen) seen.at.push(e.at);
    else groups.set(g.key, { text: g.text, at: [e.at], setting: g.setting });
  }
  return [...groups.values()]
    .map((g) =>
      g.setting
        ? g.text
        : `${g.text} ${g.at.length > 3 ? `${g.at.slice(0, 3).join(', ')}, …` : g.at.join(', ')}`,
    )
    .join('; ');
}

const SETTINGS = new Set(['optimizer', 'training']);

const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function group(e: ConcreteEdit): { key: string; text: string; setting: boolean } {
  const change = `${e.from !== undefined ? `${shown(e.from)} → ` : ''}${shown(e.value)}`;
  switch (e.op) {
    case 'set':
      // The optimizer and the training settings are one place each: the target is part of the text.
      if (SETTINGS.has(e.at))
        return {
          key: `set|${e.at}|${e.field}|${change}`,
          text: `${e.at}.${e.field} ${change}`,
          setting: true,
        };
      return { key: `set|${e.field}|${change}`, text: `${e.field} ${change} at`, setting: false };
    case 'replace':
      return { key: `replace|${e.field}|${change}`, text: `${e.field} ${change} at`, setting: false };
    case 'insert': {
      const { type, ...args } = e.layer ?? {};
      const params = Object.keys(args).length > 0 ? ` ${JSON.stringify(args)}` : '';
      const text = `insert ${shown(type ?? 'layer')}${params} after`;
      return { key: `insert|${text}`, text, setting: false };
    }
    case 'remove':
      return { key: 'remove', text: 'remove', setting: false };
  }
}
