import { createHash } from 'node:crypto';
import { DEMO_PAGE_STYLE } from './demo-page.html';

/**
 * The demo's `/hosted` page: gateway-hosted authorization, the QR scan flow
 * (a PC page shows a QR code and polls) and the redirect-back flow (a signed
 * jump link). As on `/`, everything shown arrives as JSON and is written with
 * textContent; the QR code is a PNG data URL drawn by the server (qrcode).
 */
const HOSTED_STYLE = `${DEMO_PAGE_STYLE}
#qr{display:block;width:232px;height:232px;image-rendering:pixelated;border:1px solid #d8dde6;border-radius:8px;margin:.4rem 0}
#hosted-openid{font:600 1.15rem ui-monospace,monospace;color:#07843f}.status{font-weight:600}
`;

export const DEMO_HOSTED_SCRIPT = `
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var polling = null;
  function show(id, value) { var el = $(id); el.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2); el.parentElement.classList.remove('hidden'); }
  function mark(step, ok) { var el = $(step); el.classList.remove('done', 'failed'); el.classList.add(ok ? 'done' : 'failed'); }
  function fail(step, error) {
    mark(step, false);
    $('error').textContent = (error.code !== undefined ? error.code + ': ' : '') + error.message;
    $('error').classList.remove('hidden');
  }
  function post(path, body) {
    return fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) })
      .then(function (res) { return res.json(); })
      .catch(function (e) { return { ok: false, error: { message: String(e) } }; });
  }
  // Reads the stored result under the queryCode: waiting, then success (or a failure).
  function poll(step, queryCode) {
    post('/demo/hosted/result', { queryCode: queryCode }).then(function (r) {
      if (r.response) show('result-response', r.response);
      if (!r.ok) { clearInterval(polling); polling = null; return fail(step, r.error); }
      $('status').textContent = r.response.status;
      if (r.response.status === 'success') {
        clearInterval(polling); polling = null;
        $('hosted-openid').textContent = r.response.openId;
        $('result').classList.remove('hidden');
        mark(step, true); mark('step-result', true);
      } else if (r.response.status === 'not_exist') {
        clearInterval(polling); polling = null;
        fail(step, { message: 'the queryCode is unknown or expired' });
      }
    });
  }
  function startPolling(step, queryCode) {
    $('step-result').classList.remove('hidden');
    $('status').textContent = 'waiting';
    poll(step, queryCode);
    polling = setInterval(function () { poll(step, queryCode); }, 1000);
  }

  $('start-qr').addEventListener('click', function () {
    $('start-qr').disabled = true;
    $('error').classList.add('hidden');
    post('/demo/hosted/qr').then(function (r) {
      $('start-qr').disabled = false;
      if (r.request) show('qr-request', r.request);
      if (!r.ok) return fail('step-qr', r.error);
      show('qr-response', r.response);
      $('qr').src = r.qr;
      $('qr-box').classList.remove('hidden');
      $('scan').href = r.response.authUrl;
      startPolling('step-qr', r.response.queryCode);
    });
  });

  $('start-jump').addEventListener('click', function () {
    $('start-jump').disabled = true;
    post('/demo/hosted/jump').then(function (r) {
      $('start-jump').disabled = false;
      if (r.request) show('jump-request', r.request);
      if (!r.ok) return fail('step-jump', r.error);
      $('jump-link').href = r.link;
      $('jump-link').classList.remove('hidden');
    });
  });

  // Back from the redirect-back flow: only queryCode and extParam in the URL, never an openId.
  var params = new URLSearchParams(location.search);
  if (params.has('queryCode')) {
    var queryCode = params.get('queryCode');
    history.replaceState(null, '', location.pathname);
    $('returned').textContent = 'Returned with queryCode ' + queryCode + ' and extParam ' + params.get('extParam') + ' (nothing else in the URL).';
    $('returned').classList.remove('hidden');
    mark('step-jump', true);
    startPolling('step-jump', queryCode);
  }
})();
`;

export const DEMO_HOSTED_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>unipay assist: hosted authorization demo</title><link rel="icon" href="data:,"><style>${HOSTED_STYLE}</style></head>
<body>
<header><h1>unipay assist: gateway-hosted authorization</h1>
<p>The gateway receives WeChat's redirect itself (DaxPay 3.0's channel auth), so the merchant needs no page on a WeChat-authorised domain.
The demo server signs each request with the merchant's secret and verifies each answer's sign. <a href="/">The merchant-hosted flow</a></p></header>

<section class="step" id="step-qr"><h2><span class="n">1</span>QR scan: a PC page shows a code, the payer scans it in WeChat</h2>
<p><button id="start-qr">Start the QR flow</button></p>
<div class="hidden"><div class="label">signed request to POST /unipay/assist/channel/auth/generateAuthUrl</div><pre id="qr-request"></pre></div>
<div class="hidden"><div class="label">answer (data.sign verified)</div><pre id="qr-response"></pre></div>
<div id="qr-box" class="hidden"><img id="qr" alt="QR code of the WeChat authorize URL">
<p><a class="button" id="scan" href="#" target="_blank" rel="noopener">"Scan" it: open the WeChat consent page (simulator)</a></p></div>
</section>

<section class="step" id="step-jump"><h2><span class="n">2</span>Redirect-back: a signed link, opened inside WeChat</h2>
<p><button id="start-jump">Make a signed jump link</button> <a class="button hidden" id="jump-link" href="#">Open the jump link (in WeChat)</a></p>
<div class="hidden"><div class="label">signed query of GET /unipay/assist/channel/auth/jump</div><pre id="jump-request"></pre></div>
<p id="returned" class="hidden"></p>
</section>

<section class="step hidden" id="step-result"><h2><span class="n">3</span>The merchant server reads the result: POST channel/auth/auth {queryCode}</h2>
<p>status <span class="status" id="status"></span></p>
<div class="hidden"><div class="label">answer (data.sign verified; access token masked)</div><pre id="result-response"></pre></div>
<p id="result" class="hidden"><span class="ok">✔ openId</span> <span id="hosted-openid"></span></p>
</section>

<p id="error" class="err hidden" role="alert"></p>
<script>${DEMO_HOSTED_SCRIPT}</script>
</body></html>`;

export const DEMO_HOSTED_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${createHash('sha256').update(DEMO_HOSTED_SCRIPT).digest('base64')}'`,
  `style-src 'sha256-${createHash('sha256').update(HOSTED_STYLE).digest('base64')}'`,
  "connect-src 'self'",
  // The QR code and the empty icon are data: URLs.
  'img-src data:',
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
