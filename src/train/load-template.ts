import { readFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import type { z } from 'zod';
import { TraindxError } from '../errors/index.js';
import { type TemplateInput, TrainingTemplate } from './template.js';

/** A template that cannot be read or does not validate; the message names the file and the key. */
export class TemplateError extends TraindxError {
  readonly code = 'BAD_TEMPLATE';
  readonly category = 'input';
}

/**
 * Reads and validates a training template (YAML). Every problem is reported
 * at once, one per line, each as `FILE: key.path[i].field: what was expected`.
 *
 * @example const template = await loadTemplate('templates/blobs-mlp.yaml');
 */
export async function loadTemplate(path: string): Promise<TrainingTemplate> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new TemplateError(`${path}: cannot read the template (${(err as NodeJS.ErrnoException).code})`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new TemplateError(`${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return parseTemplate(doc, path);
}

/**
 * Validates a template already parsed (from YAML or built in code).
 *
 * @example parseTemplate({ data: { generate: 'moons' }, ... }, 'inline')
 */
export function parseTemplate(doc: unknown, label: string): TrainingTemplate {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new TemplateError(
      `${label}: expected a mapping of keys (data, model, optimizer, loss, epochs, ...)`,
    );
  const result = TrainingTemplate.safeParse(doc);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${label}: ${describeIssue(issue)}`);
  throw new TemplateError([...new Set(lines)].join('\n'));
}

/** The template as YAML, keys in the order of the schema (what a person wrote, not every default). */
export function templateToYaml(template: TemplateInput, header?: string): string {
  const body = stringify(template, { lineWidth: 110 });
  return header ? `${header.replace(/^/gm, '# ')}\n${body}` : body;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = keyPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => `${at ? `${at}: ` : ''}unknown key '${k}'${hint(k)}`).join(`\n`);
  }
  return `${at || '(top level)'}: ${issue.message}`;
}

/** `['model', 'layers', 2, 'units']` → `model.layers[2].units`. */
export function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)),
    '',
  );
}

const KNOWN_KEYS = [
  'units',
  'filters',
  'kernelSize',
  'activation',
  'kernelInitializer',
  'biasInitializer',
  'kernelRegularizer',
  'learningRate',
  'momentum',
  'batchSize',
  'validationSplit',
  'epochs',
  'standardize',
  'oneHot',
  'samples',
  'features',
  'classes',
  'trainable',
  'rate',
  'preprocessing',
  'optimizer',
];

function hint(key: string): string {
  const close = KNOWN_KEYS.find((k) => k !== key && distance(k.toLowerCase(), key.toLowerCase()) <= 2);
  return close ? ` (did you mean '${close}'?)` : '';
}

/** Levenshtein distance (short keys only). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}
