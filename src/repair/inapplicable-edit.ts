/** An edit the template cannot express; its message says why. */
export class InapplicableEdit extends Error {
  override name = 'InapplicableEdit';
}

/** Lower-case without separators: `batch_normalization` → `batchnormalization`. */
export const normalise = (s: unknown): string =>
  String(s ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
