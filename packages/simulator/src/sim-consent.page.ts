import { IncomingMessage } from 'node:http';

/**
 * The simulator's stand-in for WeChat's consent screen. A browser (Accept:
 * text/html) or `sim_consent=1` sees it; scripts (curl, fetch) keep getting
 * the plain 302. `sim_consent=allow` issues the code, `deny` comes back with
 * `state` only, `0` skips the screen.
 */
export type ConsentAnswer = 'show' | 'allow' | 'deny';

export function consentAnswer(q: URLSearchParams, req?: IncomingMessage): ConsentAnswer {
  const consent = q.get('sim_consent');
  if (consent === 'allow' || consent === '0') return 'allow';
  if (consent === 'deny') return 'deny';
  if (consent === '1') return 'show';
  const accept = String(req?.headers.accept ?? '');
  return /\btext\/html\b/i.test(accept) ? 'show' : 'allow';
}

/** The page: the app, scope and redirect host in view, a user name to act as, Allow / Deny. */
export function consentPageHtml(q: URLSearchParams, redirect: URL, defaultUser: string): string {
  const hidden = [...q.entries()]
    .filter(([name]) => name !== 'sim_consent' && name !== 'sim_user')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const scope = q.get('scope') === 'snsapi_userinfo' ? 'your profile (nickname, avatar)' : 'your identity (openId)';
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>WeChat authorization (simulator)</title><link rel="icon" href="data:,">
<style>body{font:16px system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#222}
.card{border:1px solid #ddd;border-radius:12px;padding:1.5rem}h1{font-size:1.2rem}.app{color:#07c160;font-weight:600}
button{font-size:1rem;padding:.6rem 1.4rem;border-radius:8px;border:0;margin-right:.5rem;cursor:pointer}
.allow{background:#07c160;color:#fff}.deny{background:#eee}small{color:#777}input[type=text]{padding:.3rem;width:10rem}</style>
<div class="card"><h1>WeChat authorization <small>(simulator, not WeChat)</small></h1>
<p>App <span class="app" id="sim-app">${escapeHtml(q.get('appid') ?? '')}</span> asks for ${scope}.</p>
<p><small>You will return to <b id="sim-redirect-host">${escapeHtml(redirect.host)}</b>.</small></p>
<form method="get">${hidden}
<p><label>Act as user <input type="text" name="sim_user" id="sim-user" value="${escapeHtml(q.get('sim_user') || defaultUser)}"></label></p>
<button class="allow" id="sim-allow" name="sim_consent" value="allow">Allow</button>
<button class="deny" id="sim-deny" name="sim_consent" value="deny">Deny</button></form></div></html>`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
