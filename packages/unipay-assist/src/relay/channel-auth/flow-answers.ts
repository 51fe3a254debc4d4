import { AuthFlow, FlowIdentity } from '../../channel-auth/auth-flow';
import { Merchant } from '../../merchants/merchant';
import { AuthData, FailureData, OpenAuthData } from './channel-auth-data';
import { carriesExtras } from './extra-field-dialects';

/** A stored flow as auth answers it: still waiting, its failure, or its identity. */
export function flowAnswer(merchant: Merchant, flow: AuthFlow): AuthData {
  if (flow.status === 'waiting') return { code: 0, status: 'waiting' };
  if (flow.status === 'failed' || !flow.identity) return failureData(flow.failure, flow.wxErrcode);
  return identityAnswer(merchant, flow.identity);
}

/** An identity as auth answers it: DaxPay's fields, and the extras only where the merchant's dialect carries them. */
export function identityAnswer(merchant: Merchant, identity: FlowIdentity): AuthData {
  const extras = carriesExtras(merchant);
  return {
    code: 0,
    ...(identity.openId !== undefined && { openId: identity.openId }),
    ...(identity.userId !== undefined && { userId: identity.userId }),
    ...(identity.accessToken !== undefined && { accessToken: identity.accessToken }),
    status: 'success',
    ...(extras && identity.wxAppId !== undefined && { wxAppId: identity.wxAppId }),
    ...(extras && identity.unionId !== undefined && { unionId: identity.unionId }),
    ...(extras && identity.snapshotUser && { snapshotUser: true as const }),
    ...(extras && identity.nickname !== undefined && { nickname: identity.nickname }),
    ...(extras && identity.headImgUrl !== undefined && { headImgUrl: identity.headImgUrl }),
  };
}

/** An identity as DaxPay Open's AuthResult carries it: never the access token, never extras. */
export function openIdentity(identity: FlowIdentity, returnPath: string | undefined): OpenAuthData {
  return {
    code: 0,
    status: 'success',
    ...(identity.openId !== undefined && { openId: identity.openId }),
    ...(identity.userId !== undefined && { userId: identity.userId }),
    ...(returnPath !== undefined && { returnPath }),
  };
}

/** A stored flow as DaxPay Open's auth answers it (a failed flow is status `fail`), with its returnPath. */
export function openStatus(flow: AuthFlow): OpenAuthData {
  if (flow.status === 'success' && flow.identity) return openIdentity(flow.identity, flow.returnPath);
  return {
    code: 0,
    status: flow.status === 'failed' ? 'fail' : 'waiting',
    ...(flow.returnPath !== undefined && { returnPath: flow.returnPath }),
  };
}

/** A business failure; WeChat's errcode, when it is the cause, for the dialect to carry outside the signed data. */
export function failureData(msg: string | undefined, wxErrcode: number | undefined): FailureData {
  return { code: 1, msg: msg ?? 'authorization failed', ...(wxErrcode !== undefined && { wxErrcode }) };
}
