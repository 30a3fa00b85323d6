import type { ConcreteEdit, LayerInfo, RunEvent } from '../domain/index.js';

export type RowMark = 'same' | 'insert' | 'remove' | 'change';

/** One line of the before/after layer list; `before` is absent for an inserted layer, `after` for a removed one. */
export interface PreviewRow {
  mark: RowMark;
  before?: string;
  after?: string;
  /** What changed, in words (`activation: sigmoid → relu`). */
  note?: string;
}

export interface SettingChange {
  /** `optimizer`, `training`, or a layer the model does not list. */
  target: string;
  field: string;
  from?: string;
  to: string;
}

/** The edits of one remedy applied to the run's layers. */
export interface EditPreview {
  remedy: string;
  forCauses: string[];
  rows: PreviewRow[];
  settings: SettingChange[];
}

interface Slot {
  mark: RowMark;
  layer: Record<string, unknown>;
  before?: string;
  notes: string[];
  /** Fields the edits set: shown in the after column even when the layer line leaves them out. */
  touched: string[];
}

/**
 * Applies each remedy's concrete edits to a copy of the run's layer list, so
 * a report can show the model before and after side by side. Edits of
 * different remedies are never combined: remedies are alternatives, and a
 * list with every change at once would describe no model anyone should train.
 *
 * @example previewEdits(run, diagnosis.structureEdits)[0].rows
 */
export function previewEdits(run: RunEvent, edits: ConcreteEdit[]): EditPreview[] {
  const byRemedy = new Map<string, ConcreteEdit[]>();
  for (const e of edits) byRemedy.set(e.remedy, [...(byRemedy.get(e.remedy) ?? []), e]);
  return [...byRemedy.entries()].map(([remedy, list]) => preview(run.model?.layers ?? [], remedy, list));
}

function preview(layers: LayerInfo[], remedy: string, edits: ConcreteEdit[]): EditPreview {
  const slots: Slot[] = layers.map((l) => ({
    mark: 'same',
    layer: { ...l },
    before: describeLayer(l),
    notes: [],
    touched: [],
  }));
  const settings: SettingChange[] = [];
  const find = (name: string) => slots.findIndex((s) => s.mark !== 'insert' && s.layer.name === name);
  for (const e of edits) {
    const i = find(e.at);
    if (i < 0) {
      settings.push({
        target: e.at,
        field: e.field ?? e.op,
        ...(e.from !== undefined ? { from: show(e.from) } : {}),
        to: show(e.value ?? e.layer),
      });
      continue;
    }
    const slot = slots[i]!;
    if (e.op === 'insert') {
      const layer: Record<string, unknown> = { name: '(new)', ...e.layer };
      const inputs = Array.isArray(layer.inputs) ? ` (sums ${layer.inputs.join(' + ')})` : '';
      // After the layer and any inserts already placed behind it, so several inserts keep their order.
      let at = i + 1;
      while (slots[at]?.mark === 'insert') at++;
      slots.splice(at, 0, {
        mark: 'insert',
        layer,
        notes: [`inserted after ${e.at}${inputs}`],
        touched: Object.keys(layer),
      });
    } else if (e.op === 'remove') {
      slot.mark = 'remove';
      slot.notes.push('removed');
    } else if (e.field) {
      if (slot.mark === 'same') slot.mark = 'change';
      const from = e.from ?? slot.layer[e.field];
      slot.layer[e.field] = e.value;
      slot.touched.push(e.field);
      slot.notes.push(`${e.field}: ${from === undefined ? '(unset)' : show(from)} → ${show(e.value)}`);
    }
  }
  const rows = slots.map(
    (s): PreviewRow => ({
      mark: s.mark,
      ...(s.before !== undefined ? { before: s.before } : {}),
      ...(s.mark !== 'remove' ? { after: describeLayer(s.layer, s.touched) } : {}),
      ...(s.notes.length ? { note: s.notes.join('; ') } : {}),
    }),
  );
  return { remedy, forCauses: edits[0]?.forCauses ?? [], rows, settings };
}

const BASE_FIELDS = new Set(['name', 'type', 'units', 'activation', 'trainable']);

/** `dense_0 · Dense · 64 units · relu`, plus the `extra` fields (those an edit set) as `field value`. */
export function describeLayer(layer: Record<string, unknown>, extra: string[] = []): string {
  const parts = [String(layer.name ?? '?')];
  if (layer.type) parts.push(String(layer.type));
  if (typeof layer.units === 'number') parts.push(`${layer.units} units`);
  if (layer.activation) parts.push(String(layer.activation));
  for (const key of new Set(extra)) {
    if (!BASE_FIELDS.has(key) && layer[key] !== undefined) parts.push(`${key} ${show(layer[key])}`);
  }
  if (layer.trainable === false) parts.push('frozen');
  return parts.join(' · ');
}

const show = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));
