import { esc } from '../report/index.js';

export type Section = 'runs' | 'graph';

export interface PageParts {
  title: string;
  /** Which site link is the current page (none for a run page). */
  current?: Section;
  /** Page content, inside <main>. */
  main: string;
  /** Stylesheets besides the report's and the dashboard's, from /assets. */
  styles?: string[];
  /** Scripts from /assets, run deferred in order. */
  scripts?: string[];
  /** Attributes of <body>, already escaped: data the page script starts from. */
  bodyAttrs?: string;
}

const LINKS: [Section | 'api', string, string][] = [
  ['runs', '/', 'Runs'],
  ['graph', '/graph', 'Knowledge graph'],
  ['api', '/graphql', 'GraphQL'],
];

/**
 * The frame every dashboard page shares: a skip link, the site navigation
 * (the current page marked with aria-current, not colour alone), one <main>.
 * Styles and scripts come from /assets only (the CSP refuses inline ones).
 *
 * @example layout({ title: 'Runs · traindx', current: 'runs', main: '<h1>Runs</h1>' })
 */
export function layout(p: PageParts): string {
  const css = [...(p.styles ?? []), 'report.css', 'dashboard.css'];
  const nav = LINKS.map(
    ([id, href, name]) =>
      `<li><a href="${href}"${p.current === id ? ' aria-current="page"' : ''}>${name}</a></li>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)}</title>
<link rel="icon" href="data:,">
${css.map((f) => `<link rel="stylesheet" href="/assets/${f}">`).join('\n')}
${(p.scripts ?? []).map((f) => `<script src="/assets/${f}" defer></script>`).join('\n')}
</head>
<body${p.bodyAttrs ? ` ${p.bodyAttrs}` : ''}>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><nav aria-label="Site"><span class="brand">traindx</span><ul>${nav}</ul></nav></header>
<main id="main" tabindex="-1">
${p.main}
</main>
<footer><p>traindx dashboard. Everything on these pages is served by this service; nothing is loaded from elsewhere.</p></footer>
</body>
</html>
`;
}
