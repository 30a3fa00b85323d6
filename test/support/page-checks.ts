import type { Page } from 'playwright-core';

/** An element that reaches past the viewport's right edge. */
export interface Overflow {
  element: string;
  width: number;
  right: number;
}

/** Text whose colour is too close to its background's. */
export interface LowContrast {
  element: string;
  text: string;
  color: string;
  background: string;
  ratio: number;
}

/**
 * Elements wider than the viewport, or reaching past its right edge, and the
 * page's own scroll width. An element inside a box that scrolls or clips
 * sideways counts only when that box itself does not fit: a wide table in a
 * scroller is the scroller's business, as long as the scroller fits.
 */
export async function overflowOf(
  page: Page,
): Promise<{ scrollWidth: number; viewport: number; over: Overflow[] }> {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const clipped = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
      }
      return false;
    };
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
    const over = [...document.body.querySelectorAll('*')].flatMap((el) => {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || clipped(el)) return [];
      return r.width > viewport + 0.5 || r.right > viewport + 0.5
        ? [{ element: name(el), width: Math.round(r.width), right: Math.round(r.right) }]
        : [];
    });
    return { scrollWidth: document.documentElement.scrollWidth, viewport, over };
  });
}

/**
 * Every visible piece of text whose contrast with the background behind it
 * is under `min` (WCAG 2 relative luminance), from computed styles: the
 * colour of the element holding the text, the first opaque background
 * colour of it or an ancestor, with translucent ones blended on the way.
 */
export async function lowContrastOf(page: Page, min = 4.5): Promise<LowContrast[]> {
  return page.evaluate((min) => {
    type Rgba = [number, number, number, number];
    const parse = (c: string): Rgba => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const p = m[1]!
        .split(/[ ,/]+/)
        .filter(Boolean)
        .map(Number);
      return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3] + under[3] * (1 - top[3]);
      if (a === 0) return [0, 0, 0, 0];
      const mix = (i: number) => (top[i]! * top[3] + under[i]! * under[3] * (1 - top[3])) / a;
      return [mix(0), mix(1), mix(2), a];
    };
    const luminance = ([r, g, b]: Rgba) => {
      const lin = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const background = (el: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      // The canvas behind everything is the page's (white unless the root says otherwise).
      let out: Rgba = [255, 255, 255, 1];
      for (const layer of layers.reverse()) out = over(layer, out);
      return out;
    };
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
    const found: LowContrast[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || seen.has(el) || !node.textContent?.trim()) continue;
      seen.add(el);
      if (el.closest('svg, script, style, noscript, [aria-hidden="true"]')) continue;
      const style = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || style.visibility !== 'visible') continue;
      if (el.closest('details:not([open])') && !el.closest('summary')) continue;
      const bg = background(el);
      const fg = over(parse(style.color), bg);
      const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a) as [number, number];
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      if (ratio < min)
        found.push({
          element: name(el),
          text: node.textContent.trim().slice(0, 40),
          color: style.color,
          background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
          ratio: Math.round(ratio * 100) / 100,
        });
    }
    return found;
  }, min);
}
