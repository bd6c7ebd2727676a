import { describe, expect, it } from 'vitest';
import { html } from '../../../operator/console/html.js';
import { checkRequest, type GuardedRequest } from '../../../operator/console/security.js';

const guard = { token: 'the-token', port: 4100 };
const cookie = 'end-contact-console-4100=the-token';

interface RequestChange {
  method?: string;
  pathname?: string;
  query?: string;
  headers?: Partial<GuardedRequest['headers']>;
}

function request(change: RequestChange = {}): GuardedRequest {
  return {
    method: change.method ?? 'GET',
    pathname: change.pathname ?? '/',
    query: new URLSearchParams(change.query ?? ''),
    headers: { host: '127.0.0.1:4100', cookie, ...change.headers },
  };
}

describe('checkRequest', () => {
  it('lets a request with the cookie and its own Host through', () => {
    expect(checkRequest(request(), guard)).toEqual({ ok: true });
  });

  it('accepts localhost as its own Host too', () => {
    expect(checkRequest(request({ headers: { host: 'localhost:4100' } }), guard)).toEqual({
      ok: true,
    });
  });

  it('refuses a request with neither the token nor the cookie', () => {
    expect(checkRequest(request({ headers: { cookie: '' } }), guard)).toMatchObject({
      ok: false,
      title: 'Refused: no valid token',
    });
  });

  it('refuses a cookie from a console on another port', () => {
    const other = 'end-contact-console-4101=the-token';

    expect(checkRequest(request({ headers: { cookie: other } }), guard)).toMatchObject({
      ok: false,
    });
  });

  it('refuses a token that is a prefix of the right one', () => {
    const verdict = checkRequest(request({ headers: { cookie: '' }, query: 'token=the' }), guard);

    expect(verdict).toMatchObject({ ok: false });
  });

  it('moves a token in the URL into an HttpOnly SameSite=Strict cookie and drops it from the URL', () => {
    const verdict = checkRequest(
      request({
        headers: { cookie: '' },
        pathname: '/callbacks',
        query: 'token=the-token&queue=q1',
      }),
      guard,
    );

    expect(verdict).toEqual({
      ok: true,
      setCookie: 'end-contact-console-4100=the-token; HttpOnly; SameSite=Strict; Path=/',
      redirectTo: '/callbacks?queue=q1',
    });
  });

  it.each(['//evil.example/', '/\\evil.example/'])(
    'finding 13: never sends the login redirect off the site (%s becomes /)',
    (pathname) => {
      const verdict = checkRequest(
        request({ headers: { cookie: '' }, pathname, query: 'token=the-token' }),
        guard,
      );

      expect(verdict).toMatchObject({ ok: true, redirectTo: '/' });
    },
  );

  it('refuses a Host that is not its own even with the token (DNS rebinding)', () => {
    const verdict = checkRequest(request({ headers: { host: 'rebind.example:4100' } }), guard);

    expect(verdict).toMatchObject({ ok: false, title: 'Refused: not this console’s host' });
  });

  it('refuses a request with no Host', () => {
    expect(checkRequest(request({ headers: { host: undefined } }), guard)).toMatchObject({
      ok: false,
    });
  });

  it('lets a POST from its own Origin through', () => {
    const verdict = checkRequest(
      request({ method: 'POST', headers: { origin: 'http://127.0.0.1:4100' } }),
      guard,
    );

    expect(verdict).toEqual({ ok: true });
  });

  it.each([
    ['another port on 127.0.0.1', 'http://127.0.0.1:4101'],
    ['another site', 'https://evil.example'],
    ['an opaque origin', 'null'],
    ['no Origin', undefined],
  ])('refuses a POST from %s (CSRF)', (_name, origin) => {
    const verdict = checkRequest(request({ method: 'POST', headers: { origin } }), guard);

    expect(verdict).toMatchObject({ ok: false, title: 'Refused: not sent from this console' });
  });
});

describe('html', () => {
  it('escapes what it interpolates', () => {
    expect(html`<td>${'<script>"&\''}</td>`.text).toBe('<td>&lt;script&gt;&quot;&amp;&#39;</td>');
  });

  it('keeps nested Html, joins arrays and drops absent values', () => {
    expect(
      html`<ul>${['a', 'b'].map((x) => html`<li>${x}</li>`)}${undefined}${false}</ul>`.text,
    ).toBe('<ul><li>a</li><li>b</li></ul>');
  });
});
