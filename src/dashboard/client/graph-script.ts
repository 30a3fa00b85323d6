/**
 * `/assets/graph.js`: when a node of the knowledge graph is focused or
 * pointed at, highlights its links and shows their numbers (FIXED_BY
 * numbers beside the remedy when a cause is focused, beside the cause when
 * a remedy is); the rest fades. Leaving the graph brings back the default
 * (the strongest cause). Ids are snake_case, so they are safe in selectors.
 */
export const GRAPH_SCRIPT = `(function () {
'use strict';
var svg = document.getElementById('kg');
if (!svg) return;
var initial = svg.getAttribute('data-focus');

function focusOn(key, dim) {
  Array.prototype.forEach.call(svg.querySelectorAll('.hl'), function (e) { e.classList.remove('hl'); });
  svg.classList.remove('focus-cause', 'focus-remedy', 'focus-symptom', 'dim');
  if (!key) return;
  svg.classList.add('focus-' + { s: 'symptom', c: 'cause', r: 'remedy' }[key[0]]);
  if (dim) svg.classList.add('dim');
  var sel = '[data-from="' + key + '"], [data-to="' + key + '"]';
  Array.prototype.forEach.call(svg.querySelectorAll(sel), function (e) {
    e.classList.add('hl');
    var other = e.getAttribute('data-from') === key ? e.getAttribute('data-to') : e.getAttribute('data-from');
    var n = svg.querySelector('.node[data-key="' + other + '"]');
    if (n) n.classList.add('hl');
  });
  var self = svg.querySelector('.node[data-key="' + key + '"]');
  if (self) self.classList.add('hl');
  svg.setAttribute('data-focused', key);
}

function nodeOf(e) { return e.target.closest ? e.target.closest('.node') : null; }

svg.addEventListener('focusin', function (e) { var n = nodeOf(e); if (n) focusOn(n.getAttribute('data-key'), true); });
svg.addEventListener('mouseover', function (e) { var n = nodeOf(e); if (n) focusOn(n.getAttribute('data-key'), true); });
svg.addEventListener('focusout', function (e) { if (!svg.contains(e.relatedTarget)) focusOn(initial, false); });
svg.addEventListener('mouseleave', function () {
  var f = document.activeElement && svg.contains(document.activeElement) ? document.activeElement.closest('.node') : null;
  focusOn(f ? f.getAttribute('data-key') : initial, !!f);
});
svg.setAttribute('data-ready', 'true');
})();
`;
