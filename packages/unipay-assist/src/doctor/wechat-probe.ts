import { DoctorStatus } from './doctor-report';

/**
 * A deliberately invalid OAuth code. WeChat checks the app id and the secret
 * before it looks at the code, so exchanging this one tells whether the
 * credentials are right without touching a real payer: 40029 (invalid code)
 * means they are, 40013 (invalid appid) or 40125 (invalid appsecret) that
 * they are not.
 */
export const DOCTOR_PROBE_CODE = 'unipay-assist-doctor-probe-not-a-code';

export interface ProbeOutcome {
  status: DoctorStatus;
  detail: string;
}

/** `web`: sns/oauth2/access_token (official account); `mini`: sns/jscode2session (mini program). */
export async function probeWechatApp(
  apiBase: string,
  app: { appId: string; appSecret: string },
  kind: 'web' | 'mini',
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const base = apiBase.replace(/\/+$/, '');
  const url =
    kind === 'web'
      ? `${base}/sns/oauth2/access_token?appid=${encodeURIComponent(app.appId)}&secret=${encodeURIComponent(app.appSecret)}&code=${DOCTOR_PROBE_CODE}&grant_type=authorization_code`
      : `${base}/sns/jscode2session?appid=${encodeURIComponent(app.appId)}&secret=${encodeURIComponent(app.appSecret)}&js_code=${DOCTOR_PROBE_CODE}&grant_type=authorization_code`;
  let text: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    text = await res.text();
    if (res.status !== 200) return { status: 'fail', detail: `WeChat answered HTTP ${res.status}` };
  } catch (err) {
    // The URL holds the secret: say what happened, never where.
    const name =
      err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'unreachable';
    return { status: 'fail', detail: `WeChat ${name} (${hostOf(base)})` };
  }
  let errcode: unknown;
  try {
    errcode = (JSON.parse(text) as { errcode?: unknown }).errcode;
  } catch {
    return { status: 'fail', detail: 'WeChat answered something that is not JSON' };
  }
  return describeProbeErrcode(errcode, app.appId);
}

/** What WeChat's errcode for the probe code says about the credentials. */
export function describeProbeErrcode(errcode: unknown, appId: string): ProbeOutcome {
  switch (errcode) {
    case 40029:
      return { status: 'ok', detail: `appId ${appId} and its secret accepted (40029 for the probe code)` };
    case 40013:
      return { status: 'fail', detail: `WeChat does not know appId ${appId} (40013 invalid appid)` };
    case 40125:
      return { status: 'fail', detail: `the AppSecret of ${appId} is wrong (40125 invalid appsecret)` };
    case 40164:
      return { status: 'fail', detail: "this machine's IP is not in the app's IP allow-list (40164)" };
    case -1:
    case 45011:
      return { status: 'warn', detail: `WeChat is busy or rate limiting (${errcode}): try again` };
    case undefined:
      return {
        status: 'fail',
        detail: 'WeChat accepted the probe code, which must never happen: is apiBase really WeChat?',
      };
    default:
      return { status: 'warn', detail: `unexpected WeChat errcode ${String(errcode)} for the probe code` };
  }
}

function hostOf(base: string): string {
  try {
    return new URL(base).host;
  } catch {
    return base;
  }
}
