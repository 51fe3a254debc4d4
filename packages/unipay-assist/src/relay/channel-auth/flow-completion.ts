import { Inject, Injectable } from '@nestjs/common';
import { mask } from '@unipay-assist/wire';
import { randomUUID } from 'node:crypto';
import { AuthFlow, codeDigest, flowKeys } from '../../channel-auth/auth-flow';
import { CHANNEL_AUTH_TTL_MS, ChannelAuthStore } from '../../channel-auth/channel-auth.store';
import { MAX_FAILED_EXCHANGES_PER_FLOW } from '../../channel-auth/flow-limits';
import { exchangeScope } from '../../exchange/exchange-key';
import { AssistLogger } from '../../kernel/assist.logger';
import { AssistRequestContext } from '../../kernel/request-context';
import { Merchant } from '../../merchants/merchant';
import { ChannelCallbacks } from './channel-callbacks';
import { IdentityOutcome } from './channel-callback';
import { FlowRecords } from './flow-records';

/** The failure a flow records for a code that already completed another flow. */
export const CODE_OF_ANOTHER_FLOW = 'this authorization code was already used for another authorization';

/** A completion's result: the flow as this code left it (`done`), or as another code holds it (`taken`). */
export type Completion = { kind: 'done'; flow: AuthFlow } | { kind: 'taken'; flow: AuthFlow };

/**
 * How a flow ends: once, by the first code that binds it (its single
 * exchange), or by the payer's refusal. Every write is made holding the
 * flow's binding, so a success is never overwritten by a failure or a
 * refusal that raced it.
 */
@Injectable()
export class FlowCompletion {
  constructor(
    @Inject(ChannelAuthStore) private readonly store: ChannelAuthStore,
    private readonly flows: FlowRecords,
    private readonly callbacks: ChannelCallbacks,
    private readonly logger: AssistLogger,
  ) {}

  /**
   * Completes a flow with a code, once: the first code binds it (atomic
   * set-if-absent, the flow's single exchange; nothing is written before
   * it); the same code again is idempotent (a finished flow answers from the
   * store, an unfinished one goes through the idempotent exchange); another
   * code is `taken`. A refusal leaves the flow open to another try, up to
   * MAX_FAILED_EXCHANGES_PER_FLOW failed exchanges; then it is closed as failed.
   */
  async complete(
    merchant: Merchant,
    queryCode: string,
    flow: AuthFlow,
    code: string,
    ctx: AssistRequestContext,
  ): Promise<Completion> {
    const digest = codeDigest(code);
    const boundKey = flowKeys.bound(queryCode);
    if (flow.status === 'success') {
      return (await this.store.get(boundKey)) === digest ? { kind: 'done', flow } : { kind: 'taken', flow };
    }
    if (flow.closed) return { kind: 'done', flow };
    const holder = await this.store.setIfAbsent(boundKey, digest, CHANNEL_AUTH_TTL_MS);
    if (holder !== digest) {
      // Taken by a code that has finished, or is finishing: answer with what the flow holds now.
      return { kind: 'taken', flow: (await this.flows.read(merchant, queryCode)) ?? flow };
    }
    // Read again under the binding: an attempt that held it before may have failed (and counted) or closed the flow.
    const current = (await this.flows.read(merchant, queryCode)) ?? flow;
    if (current.status === 'success') return { kind: 'done', flow: current };
    if (current.closed) {
      await this.store.deleteIf(boundKey, digest);
      return { kind: 'done', flow: current };
    }
    const channel = this.callbacks.of(current.channel ?? 'wechat_pay');
    // A code goes to one flow: the same code replayed into another flow (its own state, someone else's
    // code) is refused here, before any call (the flow-scoped exchange would also miss and meet WeChat's 40163).
    const flowId = flowKeys.flow(queryCode);
    const codeKey = flowKeys.code(channel.codeScope(merchant), code);
    if ((await this.store.setIfAbsent(codeKey, flowId, CHANNEL_AUTH_TTL_MS)) !== flowId) {
      this.logger.warn(ctx.traceId, 'channel_auth.code_of_another_flow', {
        mchNo: merchant.mchNo,
        queryCode: mask(queryCode),
      });
      const failed = await this.recordFailure(merchant, queryCode, current, CODE_OF_ANOTHER_FLOW, undefined);
      await this.store.deleteIf(boundKey, digest);
      return { kind: 'done', flow: failed };
    }
    let outcome: IdentityOutcome;
    try {
      // Scoped to this flow: the answer is never handed to a direct call (getWxAccessToken, auth with a code alone) nor to another flow.
      outcome = await channel.identify(merchant, code, ctx, exchangeScope(merchant, flowId));
    } catch (err) {
      // WeChat or the exchange store failed: nothing known, the flow stays waiting and open.
      await this.store.deleteIf(boundKey, digest).catch(() => undefined);
      throw err;
    }
    if (!outcome.ok) {
      // Written before the binding goes, so a later code's success cannot be overwritten by this failure.
      const failed = await this.recordFailure(merchant, queryCode, current, outcome.msg, outcome.wxErrcode);
      await this.store.deleteIf(boundKey, digest);
      return { kind: 'done', flow: failed };
    }
    const done: AuthFlow = { ...current, status: 'success', identity: outcome.identity };
    delete done.failure;
    delete done.wxErrcode;
    await this.flows.write(merchant, queryCode, done);
    // The binding and the result expire together.
    await this.store.set(boundKey, digest, CHANNEL_AUTH_TTL_MS);
    const shown = outcome.identity.openId ?? outcome.identity.userId;
    ctx.answered = {
      event: 'channel_auth.completed',
      fields: { queryCode: mask(queryCode), channel: current.channel, ...(shown !== undefined && { id: mask(shown) }) },
    };
    return { kind: 'done', flow: done };
  }

  /** Records a refusal (no code, authdeny) unless the flow is already done; answers the flow as it now stands. */
  async recordRefusal(merchant: Merchant, queryCode: string, flow: AuthFlow, reason: string): Promise<AuthFlow> {
    if (flow.status === 'success') return flow;
    const boundKey = flowKeys.bound(queryCode);
    // Held like a code while writing, so a concurrent success is never overwritten.
    const marker = `refusal:${randomUUID()}`;
    if ((await this.store.setIfAbsent(boundKey, marker, CHANNEL_AUTH_TTL_MS)) !== marker) {
      return (await this.flows.read(merchant, queryCode)) ?? flow;
    }
    const failed: AuthFlow = { ...flow, status: 'failed', failure: reason };
    await this.flows.write(merchant, queryCode, failed);
    await this.store.deleteIf(boundKey, marker);
    return failed;
  }

  /** One failed exchange, counted; the flow is closed as failed at MAX_FAILED_EXCHANGES_PER_FLOW. Called holding the flow's binding. */
  private async recordFailure(
    merchant: Merchant,
    queryCode: string,
    flow: AuthFlow,
    msg: string,
    wxErrcode: number | undefined,
  ): Promise<AuthFlow> {
    const attempts = (flow.attempts ?? 0) + 1;
    const failed: AuthFlow = { ...flow, status: 'failed', failure: msg, attempts };
    if (wxErrcode !== undefined) failed.wxErrcode = wxErrcode;
    else delete failed.wxErrcode;
    if (attempts >= MAX_FAILED_EXCHANGES_PER_FLOW) failed.closed = true;
    await this.flows.write(merchant, queryCode, failed);
    return failed;
  }
}
