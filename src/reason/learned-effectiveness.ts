import type { FixedByLink } from '../domain/index.js';

/**
 * A remedy's effectiveness for a cause, pulled toward what recorded retries
 * showed: the seed's effectiveness counts as PSEUDO_TRIES tries
 * (Beta-Binomial posterior mean), so one lucky retry moves it a little and
 * ten move it a lot.
 *
 * @example learnedEffectiveness({ effectiveness: 0.6, tries: 4, successes: 4 }) // 0.867
 */
export function learnedEffectiveness(
  link: Pick<FixedByLink, 'effectiveness' | 'tries' | 'successes'>,
): number {
  return (link.successes + link.effectiveness * PSEUDO_TRIES) / (link.tries + PSEUDO_TRIES);
}

const PSEUDO_TRIES = 2;
