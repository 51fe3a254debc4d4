import { SignType } from '../signing/sign-type';
import { DialectName } from './wire-dialect';

/**
 * Which DaxPay generation signed a request, read from the wire where the wire
 * says it, and from the merchant's configuration where it cannot
 * (docs/daxpay-detection.md). The result is a short ordered list of
 * candidates; the guard verifies each with the merchant's own secrets and the
 * first whose sign string verifies answers. Nothing here accepts anything.
 */

/** What the guard knows of a request before its sign is checked. */
export interface WireFacts {
  body: Readonly<Record<string, unknown>>;
  /** `epoch`: Unix seconds (2.0); `datetime`: `yyyy-MM-dd HH:mm:ss` (the multi line, 3.0). */
  reqTimeShape: 'epoch' | 'datetime';
}

/** What the merchant's configuration says. */
export interface DialectPreferences {
  /** `dialect`: what answers where the wire cannot tell. */
  configured: DialectName;
  /** `dialects` (or `[dialect]` with `strictDialect`): when set, nothing outside it is accepted. */
  pinned?: readonly DialectName[];
  signType: SignType;
}

/**
 * One rule: a wire fact and the generations it names, most specific first.
 * `generations` answers undefined when the fact is absent from the request.
 */
export interface GenerationMarker {
  /** The wire fact, in words, for logs and messages (`version field`, `datetime reqTime with mchNo/appId`). */
  readonly marker: string;
  generations(wire: WireFacts, prefs: DialectPreferences): readonly DialectName[] | undefined;
}

export interface Detection {
  /** The marker that fired, or `none` when the wire names no generation. */
  marker: string;
  /** The generations to try, in order (each verified with the merchant's own secrets). */
  candidates: readonly DialectName[];
  /** Generations the wire named that the merchant's pinning left out (non-empty only when no candidate is left). */
  refused: readonly DialectName[];
  /** Every generation the wire named, pinned or not (for diagnostics). */
  named: readonly DialectName[];
}

const EPOCH_FAMILY: readonly DialectName[] = ['daxpay-2.0.6', 'daxpay-2.0.1', 'daxpay-2.0.0'];
const MULTI_FAMILY: readonly DialectName[] = ['daxpay-multi', 'daxpay-multi-late'];

/** The merchant's generations in its own order of preference: `dialect`, then the rest of a pinned list. */
function preferred(prefs: DialectPreferences): readonly DialectName[] {
  return prefs.pinned ?? [prefs.configured];
}

/**
 * 2.0.1–2.0.5 and 2.0.6–2.0.8 send the same request; 2.0.0 without its
 * `version` would too. The merchant's own choice among them, else 2.0.6.
 */
function epochChoice(prefs: DialectPreferences): DialectName[] {
  return [preferred(prefs).find((d) => EPOCH_FAMILY.includes(d)) ?? 'daxpay-2.0.6'];
}

/**
 * The multi line's early and late SDKs send the same request unless the early
 * one left mchNo/appId to its config (then its sign covers neither, which only
 * daxpay-multi verifies), and only the late one has SM3. Else the merchant's
 * choice, else the early one (the SDK run against DaxPay's own vectors).
 */
function multiChoice(prefs: DialectPreferences): DialectName[] {
  if (prefs.signType === 'SM3') return ['daxpay-multi-late'];
  const chosen = preferred(prefs).find((d) => MULTI_FAMILY.includes(d)) ?? 'daxpay-multi';
  return chosen === 'daxpay-multi-late' ? ['daxpay-multi-late', 'daxpay-multi'] : ['daxpay-multi'];
}

function present(body: Readonly<Record<string, unknown>>, name: string): boolean {
  return body[name] !== undefined && body[name] !== null && body[name] !== '';
}

/**
 * The rules, first match wins. Extension point: a generation with a marker of
 * its own goes first. DaxPay Open 4.x sends `reqId` and signs with RSA; once
 * its dialect exists, its rule is
 * `{ marker: 'reqId', generations: (w) => (present(w.body, 'reqId') ? ['daxpay-open'] : undefined) }`
 * (its verify uses the merchant's platform key instead of a secret).
 */
export const GENERATION_MARKERS: readonly GenerationMarker[] = [
  {
    // 2.0.0's DaxPayRequest declares, sends and signs `version` ("1.0"); whether it is signed is the sign's to tell.
    marker: 'version field',
    generations: (w, prefs) =>
      w.reqTimeShape === 'epoch' && present(w.body, 'version') ? ['daxpay-2.0.0', ...epochChoice(prefs)] : undefined,
  },
  {
    // The multi line and 3.0 write LocalDateTime and always send mchNo/appId; 3.0 upper-cases its sign string, the multi line does not.
    marker: 'datetime reqTime with mchNo/appId',
    generations: (w, prefs) =>
      w.reqTimeShape === 'datetime' && (present(w.body, 'mchNo') || present(w.body, 'appId'))
        ? ['daxpay-3.0', ...multiChoice(prefs)]
        : undefined,
  },
  {
    // Every 2.0.x SDK writes DateUtil.currentSeconds().
    marker: 'epoch reqTime',
    generations: (w, prefs) => (w.reqTimeShape === 'epoch' ? epochChoice(prefs) : undefined),
  },
];

/**
 * The candidates for one request. Unpinned: what the wire names, then the
 * configured `dialect` (so every request the configuration alone accepted
 * before is still accepted, answered as before). Pinned: what the wire names
 * within the pinned list; the pinned list itself when the wire names nothing;
 * none when the wire names only generations outside it.
 */
export function detectGeneration(
  wire: WireFacts,
  prefs: DialectPreferences,
  markers: readonly GenerationMarker[] = GENERATION_MARKERS,
): Detection {
  for (const rule of markers) {
    const named = rule.generations(wire, prefs);
    if (!named) continue;
    const unique = [...new Set(named)];
    if (!prefs.pinned)
      return {
        marker: rule.marker,
        candidates: [...new Set([...unique, prefs.configured])],
        refused: [],
        named: unique,
      };
    const pinned = prefs.pinned;
    const allowed = unique.filter((d) => pinned.includes(d));
    return { marker: rule.marker, candidates: allowed, refused: allowed.length === 0 ? unique : [], named: unique };
  }
  return { marker: 'none', candidates: [...preferred(prefs)], refused: [], named: [] };
}
