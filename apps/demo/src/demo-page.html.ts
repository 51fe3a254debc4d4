import { createHash } from 'node:crypto';

/**
 * The demo page at `/`: one HTML document, its style and script inline so
 * the demo ships no asset pipeline. Everything it shows arrives as JSON and
 * is written with textContent, never as HTML.
 */
export const DEMO_PAGE_STYLE = `
body{font:15px/1.45 system-ui,sans-serif;max-width:58rem;margin:1.5rem auto;padding:0 1rem;color:#1d2330}
h1{font-size:1.45rem;margin:.2rem 0}header p{margin:.2rem 0;color:#555}
.step{border:1px solid #d8dde6;border-radius:10px;padding:.8rem 1rem;margin:1rem 0}
.step h2{font-size:1.05rem;margin:.1rem 0 .5rem}.step.done{border-color:#07c160}.step.failed{border-color:#d93025}
.step h2 .n{display:inline-block;width:1.5rem;height:1.5rem;border-radius:50%;background:#e8ebf0;text-align:center;margin-right:.4rem}
.step.done h2 .n{background:#07c160;color:#fff}.step.failed h2 .n{background:#d93025;color:#fff}
button,a.button{font:inherit;padding:.45rem 1rem;border-radius:7px;border:0;background:#2f6fed;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button[disabled]{background:#9aa6bd;cursor:default}select{font:inherit;padding:.3rem}
pre{background:#f5f7fa;border-radius:7px;padding:.6rem .8rem;overflow-x:auto;font-size:12.5px;white-space:pre-wrap;word-break:break-all;margin:.4rem 0}
.label{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#6b7385;margin-top:.5rem}
.ok{color:#07843f;font-weight:600}.err{color:#d93025;font-weight:600}
#openid,#ali-id,#mini-openid{font:600 1.15rem ui-monospace,monospace;color:#07843f}.hidden{display:none!important}#consent-result{color:#07843f}
`;

export const DEMO_PAGE_SCRIPT = `
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var STATE_KEY = 'unipay-demo-state';
  var STEP1_KEY = 'unipay-demo-step1';

  function show(id, value) { var el = $(id); el.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2); el.parentElement.classList.remove('hidden'); }
  function mark(step, ok) { var el = $(step); el.classList.remove('done', 'failed'); el.classList.add(ok ? 'done' : 'failed'); }
  function showError(step, error) {
    mark(step, false);
    var box = $('error');
    box.textContent = error.kind + (error.code !== undefined ? ' ' + error.code : '') + ': ' + error.message + (error.traceId ? ' (traceId ' + error.traceId + ')' : '');
    box.classList.remove('hidden');
  }
  function post(path, body) {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) { return res.json(); })
      .catch(function (e) { return { ok: false, error: { kind: 'network', message: String(e) } }; });
  }
  function randomState() {
    var bytes = new Uint8Array(12); crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  // Step 1's answer survives the trip to WeChat, so the whole flow stays in view.
  function renderStep1(r) {
    show('auth-request', r.request || {});
    if (r.signedString) show('auth-signed-string', r.signedString);
    if (!r.ok) return showError('step1', r.error);
    show('auth-response', r.response);
    mark('step1', true);
    $('go-wechat').href = r.response.url;
    $('go-wechat').classList.remove('hidden');
    $('step2').classList.remove('hidden');
  }

  $('get-url').addEventListener('click', function () {
    $('get-url').disabled = true;
    $('error').classList.add('hidden');
    ['step2', 'step3'].forEach(function (id) { $(id).classList.add('hidden'); $(id).classList.remove('done', 'failed'); });
    var state = randomState();
    sessionStorage.setItem(STATE_KEY, state);
    post('/demo/auth-url', { url: location.origin + '/', state: state, scope: $('scope').value }).then(function (r) {
      $('get-url').disabled = false;
      sessionStorage.setItem(STEP1_KEY, JSON.stringify(r));
      renderStep1(r);
    });
  });

  // Alipay: the same three steps, each answer shown in the Alipay section.
  var ALI_STATE_KEY = 'unipay-demo-ali-state';
  var ALI_STEP_KEY = 'unipay-demo-ali-step1';
  function aliError(error) {
    mark('ali', false);
    $('ali-error').textContent = error.kind + (error.code !== undefined ? ' ' + error.code : '') + ': ' + error.message + (error.traceId ? ' (traceId ' + error.traceId + ')' : '');
    $('ali-error').classList.remove('hidden');
  }
  function renderAliUrl(r) {
    show('ali-auth-request', r.request || {});
    if (!r.ok) return aliError(r.error);
    show('ali-auth-response', r.response);
    $('go-alipay').href = r.response.url;
    $('go-alipay').classList.remove('hidden');
  }
  $('ali-get-url').addEventListener('click', function () {
    $('ali-get-url').disabled = true;
    $('ali-error').classList.add('hidden');
    var state = randomState();
    sessionStorage.setItem(ALI_STATE_KEY, state);
    post('/demo/alipay-auth-url', { url: location.origin + '/', state: state }).then(function (r) {
      $('ali-get-url').disabled = false;
      sessionStorage.setItem(ALI_STEP_KEY, JSON.stringify(r));
      renderAliUrl(r);
    });
  });

  // Mini program: the demo server asks the simulator for a wx.login code and exchanges it.
  $('mini-login').addEventListener('click', function () {
    $('mini-login').disabled = true;
    $('mini-error').classList.add('hidden');
    post('/demo/mini-openid', {}).then(function (r) {
      $('mini-login').disabled = false;
      show('mini-request', r.request || {});
      if (!r.ok) {
        mark('mini', false);
        $('mini-error').textContent = r.error.kind + (r.error.code !== undefined ? ' ' + r.error.code : '') + ': ' + r.error.message;
        $('mini-error').classList.remove('hidden');
        return;
      }
      show('mini-response', r.response);
      $('mini-openid').textContent = r.response.openId;
      $('mini-result').classList.remove('hidden');
      mark('mini', true);
    });
  });

  var params = new URLSearchParams(location.search);
  var aliExpected = sessionStorage.getItem(ALI_STATE_KEY);
  if (params.has('auth_code') || (aliExpected && params.get('state') === aliExpected)) {
    var authCode = params.get('auth_code');
    sessionStorage.removeItem(ALI_STATE_KEY);
    // The auth_code is single-use: out of the address bar and the history.
    history.replaceState(null, '', location.pathname);
    var aliStep = sessionStorage.getItem(ALI_STEP_KEY);
    sessionStorage.removeItem(ALI_STEP_KEY);
    if (aliStep) renderAliUrl(JSON.parse(aliStep));
    $('go-alipay').classList.add('hidden');
    if (!aliExpected || params.get('state') !== aliExpected) {
      aliError({ kind: 'state', message: 'the state that came back is not the one this page sent: not exchanging the auth_code' });
    } else if (!authCode) {
      aliError({ kind: 'consent', message: 'Alipay came back without an auth_code: the user denied the authorization' });
    } else {
      post('/demo/alipay-user-id', { authCode: authCode }).then(function (r) {
        show('ali-token-request', r.request || {});
        if (!r.ok) return aliError(r.error);
        show('ali-token-response', r.response);
        $('ali-id').textContent = r.response.userId || r.response.openId;
        $('ali-result').classList.remove('hidden');
        mark('ali', true);
      });
    }
  } else if (params.has('code') || params.has('state')) {
    var code = params.get('code');
    var expected = sessionStorage.getItem(STATE_KEY);
    sessionStorage.removeItem(STATE_KEY);
    // The code is single-use: take it out of the address bar and the history.
    history.replaceState(null, '', location.pathname);
    var step1 = sessionStorage.getItem(STEP1_KEY);
    sessionStorage.removeItem(STEP1_KEY);
    if (step1) renderStep1(JSON.parse(step1)); else mark('step1', true);
    $('step2').classList.remove('hidden'); mark('step2', !!code);
    $('go-wechat').classList.add('hidden');
    $('consent-result').textContent = code ? 'WeChat redirected back with a code and the state this page sent.' : 'WeChat redirected back without a code.';
    $('step3').classList.remove('hidden');
    if (!expected || params.get('state') !== expected) {
      showError('step3', { kind: 'state', message: 'the state that came back is not the one this page sent: not exchanging the code' });
    } else if (!code) {
      showError('step3', { kind: 'consent', message: 'WeChat came back without a code: the user denied the authorization' });
    } else {
      $('exchanging').classList.remove('hidden');
      post('/demo/access-token', { code: code }).then(function (r) {
        $('exchanging').classList.add('hidden');
        show('token-request', r.request || {});
        if (r.signedString) show('token-signed-string', r.signedString);
        if (!r.ok) return showError('step3', r.error);
        show('token-response', r.response);
        $('openid').textContent = r.response.openId;
        $('result').classList.remove('hidden');
        mark('step3', true);
      });
    }
  }
})();
`;

export const DEMO_PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>unipay assist: WeChat OAuth demo</title><link rel="icon" href="data:,"><style>${DEMO_PAGE_STYLE}</style></head>
<body>
<header><h1>unipay assist: WeChat OAuth relay demo</h1>
<p>A merchant page getting a WeChat user's <b>openId</b> through the relay, which holds the WeChat AppSecret.
The demo server signs each relay request with the merchant's secret (it never reaches this browser) and verifies each answer's sign with the client SDK.
<a href="/hosted" id="to-hosted">Gateway-hosted flows: QR scan and redirect-back</a></p></header>

<section class="step" id="step1"><h2><span class="n">1</span>Ask the relay for a WeChat authorize URL</h2>
<p>Scope <select id="scope"><option value="snsapi_base">snsapi_base (silent, openId)</option><option value="snsapi_userinfo">snsapi_userinfo (profile)</option></select>
<button id="get-url">Get auth URL</button></p>
<div class="hidden"><div class="label">signed string (what the sign covers; <code>&amp;key=</code> secret withheld)</div><pre id="auth-signed-string"></pre></div>
<div class="hidden"><div class="label">signed request to POST /unipay/assist/getWxAuthUrl</div><pre id="auth-request"></pre></div>
<div class="hidden"><div class="label">answer (data.sign verified)</div><pre id="auth-response"></pre></div>
</section>

<section class="step hidden" id="step2"><h2><span class="n">2</span>The user consents at WeChat (the simulator)</h2>
<p><a class="button hidden" id="go-wechat" href="#">Open the WeChat consent page</a><span id="consent-result"></span></p>
</section>

<section class="step hidden" id="step3"><h2><span class="n">3</span>Back with the code: exchange it for the openId</h2>
<p id="exchanging" class="hidden">Exchanging the code…</p>
<div class="hidden"><div class="label">signed string (code masked here; <code>&amp;key=</code> secret withheld)</div><pre id="token-signed-string"></pre></div>
<div class="hidden"><div class="label">signed request to POST /unipay/assist/getWxAccessToken (code masked here)</div><pre id="token-request"></pre></div>
<div class="hidden"><div class="label">answer (data.sign verified; access token masked)</div><pre id="token-response"></pre></div>
<p id="result" class="hidden"><span class="ok">✔ openId</span> <span id="openid"></span></p>
</section>

<p id="error" class="err hidden" role="alert"></p>

<section class="step" id="ali"><h2><span class="n">A</span>Alipay: authorize URL, consent at Alipay (the simulator), auth_code exchanged for the payer's id</h2>
<p><button id="ali-get-url">Get Alipay auth URL</button> <a class="button hidden" id="go-alipay" href="#">Open the Alipay consent page</a></p>
<div class="hidden"><div class="label">signed request to POST /unipay/assist/getAlipayAuthUrl</div><pre id="ali-auth-request"></pre></div>
<div class="hidden"><div class="label">answer (data.sign verified)</div><pre id="ali-auth-response"></pre></div>
<div class="hidden"><div class="label">signed request to POST /unipay/assist/getAlipayUserId (auth_code masked here)</div><pre id="ali-token-request"></pre></div>
<div class="hidden"><div class="label">answer (data.sign verified)</div><pre id="ali-token-response"></pre></div>
<p id="ali-result" class="hidden"><span class="ok">✔ Alipay id</span> <span id="ali-id"></span></p>
<p id="ali-error" class="err hidden" role="alert"></p>
</section>

<section class="step" id="mini"><h2><span class="n">M</span>Mini program: a wx.login code (from the simulator) exchanged for the openId</h2>
<p><button id="mini-login">wx.login and exchange</button></p>
<div class="hidden"><div class="label">signed request to POST /unipay/assist/getWxMiniOpenId (code masked here)</div><pre id="mini-request"></pre></div>
<div class="hidden"><div class="label">answer (data.sign verified)</div><pre id="mini-response"></pre></div>
<p id="mini-result" class="hidden"><span class="ok">✔ openId</span> <span id="mini-openid"></span></p>
<p id="mini-error" class="err hidden" role="alert"></p>
</section>
<script>${DEMO_PAGE_SCRIPT}</script>
</body></html>`;

/** A CSP naming exactly the inline style and script, so nothing else runs on the page. */
export const DEMO_PAGE_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${createHash('sha256').update(DEMO_PAGE_SCRIPT).digest('base64')}'`,
  `style-src 'sha256-${createHash('sha256').update(DEMO_PAGE_STYLE).digest('base64')}'`,
  "connect-src 'self'",
  // The empty data: icon spares the browser a /favicon.ico 404.
  'img-src data:',
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
