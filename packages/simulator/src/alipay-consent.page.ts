/**
 * The Alipay simulator's stand-in for Alipay's consent screen, shown for
 * `auth_user` to a browser (see consentAnswer in sim-consent.page.ts);
 * `auth_base` is silent, as on Alipay. Allow / Deny submit back to the same
 * authorize URL with `sim_consent`.
 */
export function alipayConsentPageHtml(q: URLSearchParams, redirect: URL, defaultUser: string): string {
  const hidden = [...q.entries()]
    .filter(([name]) => name !== 'sim_consent' && name !== 'sim_user')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Alipay authorization (simulator)</title><link rel="icon" href="data:,">
<style>body{font:16px system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#222}
.card{border:1px solid #ddd;border-radius:12px;padding:1.5rem}h1{font-size:1.2rem}.app{color:#1677ff;font-weight:600}
button{font-size:1rem;padding:.6rem 1.4rem;border-radius:8px;border:0;margin-right:.5rem;cursor:pointer}
.allow{background:#1677ff;color:#fff}.deny{background:#eee}small{color:#777}input[type=text]{padding:.3rem;width:10rem}</style>
<div class="card"><h1>Alipay authorization <small>(simulator, not Alipay)</small></h1>
<p>App <span class="app" id="sim-app">${escapeHtml(q.get('app_id') ?? '')}</span> asks for your Alipay profile.</p>
<p><small>You will return to <b id="sim-redirect-host">${escapeHtml(redirect.host)}</b>.</small></p>
<form method="get">${hidden}
<p><label>Act as user <input type="text" name="sim_user" id="sim-user" value="${escapeHtml(q.get('sim_user') || defaultUser)}"></label></p>
<button class="allow" id="sim-allow" name="sim_consent" value="allow">Allow</button>
<button class="deny" id="sim-deny" name="sim_consent" value="deny">Deny</button></form></div></html>`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
