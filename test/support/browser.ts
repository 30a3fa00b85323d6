import { existsSync } from 'node:fs';

/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];

/**
 * Whether the browser tests can run. With TRAINDX_REQUIRE_BROWSER=1 (CI,
 * which installs chromium) a missing browser is an error, so the page tests
 * can never be silently skipped there.
 */
export function browserAvailable(): boolean {
  const found = existsSync(CHROMIUM);
  if (!found && process.env.TRAINDX_REQUIRE_BROWSER === '1')
    throw new Error(`TRAINDX_REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: apt-get install chromium`);
  return found;
}
