import { ServerResponse } from 'node:http';
import { FaultDecision, FaultPlan } from './sim-faults';

/** A fault that answers instead of the upstream (every kind but latency). */
export type FaultAnswer = NonNullable<FaultDecision['answer']>;

/** The channel's own answers to a fault: busy and errcode read differently on WeChat and Alipay. */
export type ChannelFaultKind = Extract<FaultAnswer['kind'], 'busy' | 'errcode'>;

/**
 * One upstream call through a fault plan, as every simulator runs it: the
 * plan's delay first; then, with no fault, the real exchange (it runs even
 * when the caller gave up waiting, so the code is spent as upstream would
 * spend it); with a fault, its answer, before the code is looked at, so it
 * burns none. Transport faults (http, non-json, reset) are answered here
 * alike for every channel; busy and errcode by the channel's `refuse`.
 */
export function runWithFaults(
  plan: FaultPlan,
  res: ServerResponse,
  handlers: { exchange(): void; refuse(answer: FaultAnswer & { kind: ChannelFaultKind }): void },
): void {
  const { delayMs, answer } = plan.next();
  const go = (): void => {
    if (!answer) return handlers.exchange();
    if (res.destroyed) return;
    if (answer.kind === 'busy' || answer.kind === 'errcode')
      return handlers.refuse(answer as FaultAnswer & { kind: ChannelFaultKind });
    answerTransportFault(answer, res);
  };
  if (delayMs > 0) setTimeout(go, delayMs).unref();
  else go();
}

/** http, non-json and reset, the same on every upstream. */
export function answerTransportFault(answer: FaultAnswer, res: ServerResponse): void {
  switch (answer.kind) {
    case 'http':
      res.writeHead(answer.status ?? 503, { 'Content-Type': 'text/html' });
      return void res.end('<html><body>injected HTTP error</body></html>');
    case 'non-json':
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return void res.end('<html><body>502 Bad Gateway</body></html>');
    case 'reset': {
      const socket = res.socket;
      // RST rather than FIN where Node can, as a middlebox dropping the connection would.
      if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket?.destroy();
      return;
    }
    default:
      return;
  }
}
