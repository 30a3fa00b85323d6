import { esc } from '../report/index.js';
import { layout } from './layout.js';

/** The dashboard's cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it). */
export const cookieHeader = (name: string, token: string) =>
  `${name}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000`;

/** Where to go after logging in: a path of this site only (never `//host` or a full URL). */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/**
 * The login page of a server with `--auth`: one field for a token (any
 * scope; the dashboard only reads with it), posted as a plain form.
 *
 * @example loginPageHtml('/runs/r1', null)
 */
export function loginPageHtml(next: string, problem: string | null): string {
  return layout({
    title: 'Log in · traindx',
    main: `<h1>Log in</h1>
<p>This traindx server asks for a token. Paste one (<code>traindx token create --scope read</code> prints it); the browser keeps it in a cookie that only this dashboard's pages send.</p>
${problem ? `<p role="alert">${esc(problem)}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="next" value="${esc(next)}">
<label>Token <input type="password" name="token" autocomplete="off" required></label>
<button type="submit">Log in</button>
</form>`,
  });
}
