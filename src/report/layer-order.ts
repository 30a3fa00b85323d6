/**
 * Sorts layer names in the model's forward order (input first); names the
 * model does not list (stats of an unlisted layer) come after, by name.
 *
 * @example ['b', 'x', 'a'].sort(byModelOrder(['a', 'b'])) // ['a', 'b', 'x']
 */
export function byModelOrder(order: string[]): (a: string, b: string) => number {
  const index = new Map(order.map((name, i) => [name, i]));
  const rank = (name: string) => index.get(name) ?? order.length;
  return (a, b) => rank(a) - rank(b) || a.localeCompare(b);
}

/**
 * Sorts per-layer histogram series: layers in the model's forward order
 * (byModelOrder), a layer's weights before its gradients.
 *
 * @example series.sort(byLayerThenKind(['d0', 'd1']))
 */
export function byLayerThenKind(
  order: string[],
): (a: { layer: string; kind: 'weight' | 'grad' }, b: { layer: string; kind: 'weight' | 'grad' }) => number {
  const byLayer = byModelOrder(order);
  return (a, b) => byLayer(a.layer, b.layer) || (a.kind === b.kind ? 0 : a.kind === 'weight' ? -1 : 1);
}
