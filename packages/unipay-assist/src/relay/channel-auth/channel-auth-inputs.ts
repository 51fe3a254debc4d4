import { AuthChannel } from '../../channel-auth/auth-channel';

/** generateAuthUrl's request: `authPath` sends the payer to the merchant's own page instead of the gateway's callback. */
export interface GenerateAuthUrlInput {
  channel: string;
  authType?: string;
  authPath?: string;
}

/** auth's and authAndSet's request: a code to exchange, a flow's queryCode, or both. */
export interface AuthCodeInput {
  channel: string;
  authType?: string;
  authCode?: string;
  queryCode?: string;
}

/** The signed jump link's query (redirect-back): `sign` also names the flow, so a refresh resumes it. */
export interface JumpInput {
  channel?: string;
  authType?: string;
  redirectUrl: string;
  extParam?: string;
  sign?: string;
}

/** DaxPay Open's auth and auth-and-set: the session is named by its authToken or its queryCode. */
export interface OpenAuthInput {
  channel: AuthChannel;
  authCode?: string;
  authToken?: string;
  queryCode?: string;
}
