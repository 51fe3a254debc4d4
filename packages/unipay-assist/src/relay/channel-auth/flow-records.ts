import { Inject, Injectable } from '@nestjs/common';
import {
  AuthFlow,
  flowKeys,
  FlowRef,
  openFlow,
  openRef,
  ownedBy,
  recordOwner,
  sealRecord,
} from '../../channel-auth/auth-flow';
import { CHANNEL_AUTH_TTL_MS, ChannelAuthStore } from '../../channel-auth/channel-auth.store';
import { isFlowToken } from '../../channel-auth/flow-token';
import { Merchant } from '../../merchants/merchant';
import { MerchantProvider } from '../../merchants/merchant.provider';

/**
 * The hosted flows in the ChannelAuthStore, and what points at them (a
 * state, a signed jump link): each record sealed for its merchant under a
 * digest key, read back by that merchant only, living 5 minutes from its
 * last write.
 */
@Injectable()
export class FlowRecords {
  constructor(
    @Inject(ChannelAuthStore) private readonly store: ChannelAuthStore,
    @Inject(MerchantProvider) private readonly merchants: MerchantProvider,
  ) {}

  /** A new flow under its queryCode, and its OAuth state pointing at it. */
  async create(merchant: Merchant, queryCode: string, state: string, flow: AuthFlow): Promise<void> {
    const flowKey = flowKeys.flow(queryCode);
    const stateKey = flowKeys.state(state);
    // Flow first: a state never points at nothing.
    await this.store.set(flowKey, sealRecord(merchant, flowKey, flow), CHANNEL_AUTH_TTL_MS);
    await this.store.set(stateKey, sealRecord(merchant, stateKey, { queryCode }), CHANNEL_AUTH_TTL_MS);
  }

  /** The merchant's flow under `queryCode`, or undefined (never minted, another merchant's, expired). */
  async read(merchant: Merchant, queryCode: string): Promise<AuthFlow | undefined> {
    if (!isFlowToken(queryCode)) return undefined;
    const key = flowKeys.flow(queryCode);
    return openFlow(await this.store.get(key), key, merchant);
  }

  async write(merchant: Merchant, queryCode: string, flow: AuthFlow): Promise<void> {
    const key = flowKeys.flow(queryCode);
    // A result lives 5 minutes from when it is known, as DaxPay stores it.
    await this.store.set(key, sealRecord(merchant, key, flow), CHANNEL_AUTH_TTL_MS);
  }

  /** The merchant, queryCode and flow a callback's state was minted for, or undefined (missing, foreign, expired). */
  async ofState(
    state: string | undefined,
  ): Promise<{ merchant: Merchant; queryCode: string; flow: AuthFlow } | undefined> {
    if (!isFlowToken(state)) return undefined;
    const key = flowKeys.state(state);
    const raw = await this.store.get(key);
    const owner = raw === undefined ? undefined : recordOwner(raw);
    if (!owner) return undefined;
    const merchant = await this.merchants.findMerchant({ mchNo: owner.mchNo, appId: owner.appId });
    if (!merchant || !ownedBy(owner, merchant)) return undefined;
    const ref = openRef(raw, key, merchant);
    const flow = ref ? await this.read(merchant, ref.queryCode) : undefined;
    return ref && flow ? { merchant, queryCode: ref.queryCode, flow } : undefined;
  }

  /** The flow a state (DaxPay Open's authToken) points at for this merchant, or undefined (unknown, foreign, expired). */
  async refOfState(merchant: Merchant, state: string): Promise<FlowRef | undefined> {
    const key = flowKeys.state(state);
    return isFlowToken(state) ? openRef(await this.store.get(key), key, merchant) : undefined;
  }

  /** Counts one callback at `state`; answers the count so far (callbacks per state are limited). */
  countCallback(state: string): Promise<number> {
    return this.store.increment(flowKeys.callbacks(state), CHANNEL_AUTH_TTL_MS);
  }

  /** The flow a signed jump link (`link`: its sign, per channel) already started, so a refresh resumes it. */
  async jumpRef(merchant: Merchant, link: string): Promise<FlowRef | undefined> {
    const key = flowKeys.jump(merchant, link);
    return openRef(await this.store.get(key), key, merchant);
  }

  /** Records `ref` as the link's flow unless another load got there first: answers the flow that won. */
  async claimJump(merchant: Merchant, link: string, ref: FlowRef): Promise<FlowRef> {
    const key = flowKeys.jump(merchant, link);
    const winner = await this.store.setIfAbsent(key, sealRecord(merchant, key, ref), CHANNEL_AUTH_TTL_MS);
    return openRef(winner, key, merchant) ?? ref;
  }
}
