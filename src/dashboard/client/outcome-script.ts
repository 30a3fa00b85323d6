/**
 * A run's outcome, apart from its status: "completed" says only that the
 * training loop ended, not that it learned. Browser JavaScript (inlined into
 * runs.js): `outcomeOf(run)` from `run { status diagnosis { healthy symptoms
 * { severity } } }` gives
 * - failed: the run diverged or crashed, or showed a critical symptom;
 * - needs attention: a likely cause (≥ 0.5, the diagnosis is not healthy)
 *   or a warning symptom;
 * - healthy: neither.
 * A running run's outcome is "so far". `outcomeBadge(run)` draws it with a
 * symbol and a word, so it reads without colour. Expects DOM_HELPERS' `el`.
 */
export const OUTCOME_JS = `
var OUTCOME_RANK = { failed: 0, attention: 1, healthy: 2 };
var OUTCOME_WORDS = { failed: ['✗', 'failed'], attention: ['!', 'needs attention'], healthy: ['✓', 'healthy'] };

function outcomeOf(run) {
  var d = run.diagnosis || { healthy: true, symptoms: [] };
  var sev = (d.symptoms || []).map(function (s) { return s.severity; });
  var kind = run.status === 'diverged' || run.status === 'crashed' || sev.indexOf('critical') >= 0
    ? 'failed'
    : !d.healthy || sev.indexOf('warning') >= 0 ? 'attention' : 'healthy';
  return { kind: kind, soFar: run.status === 'running' };
}

function outcomeBadge(run) {
  var o = outcomeOf(run);
  var b = el('span', 'outcome outcome-' + o.kind);
  b.setAttribute('data-outcome', o.kind);
  var sym = el('span', null, OUTCOME_WORDS[o.kind][0]);
  sym.setAttribute('aria-hidden', 'true');
  b.appendChild(sym);
  b.appendChild(document.createTextNode(' ' + OUTCOME_WORDS[o.kind][1] + (o.soFar ? ' so far' : '')));
  return b;
}
`;
