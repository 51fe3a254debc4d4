import { FlowIdentity } from '../../channel-auth/auth-flow';
import { ChannelLabel } from '../../channel-auth/auth-pages';
import { LogFields } from '../../kernel/assist.logger';
import { AssistRequestContext } from '../../kernel/request-context';
import { Merchant } from '../../merchants/merchant';

/** A code's exchange: the payer's identity, or the channel's refusal in words (and WeChat's errcode). */
export type IdentityOutcome = { ok: true; identity: FlowIdentity } | { ok: false; msg: string; wxErrcode?: number };

/**
 * One channel's side of a hosted flow: the authorize URL that sends the
 * payer out, what the channel's redirect back looks like, and the code it
 * carries turned into the flow's identity. The flow service holds one per
 * AuthChannel (ChannelCallbacks) and never branches on the channel, so a
 * channel's rules live in its own file, not across the flow's steps.
 */
export interface ChannelCallback {
  /** The channel's name on the payer's pages and in failure reasons ("WeChat came back without a code"). */
  readonly label: ChannelLabel;
  /** What the redirect should have carried, as "<label> came back without <missingCode>" says it. */
  readonly missingCode: string;
  /** The gateway's callback route for the channel (its redirect_uri), below the module's prefix. */
  readonly callbackPath: string;
  /** Fields on every callback log line of the channel. */
  readonly logTag: LogFields;
  /** Why a flow of the channel cannot send the payer to a merchant page (authPath), where it cannot. */
  readonly authPathRefused?: string;
  /** True when the redirect says the payer declined (no code to exchange); `rawCode` as the query carried it. */
  declined(rawCode: string | undefined): boolean;
  /** Whether this gateway serves the channel for the merchant: its app configured, the channel's client present. */
  serves(merchant: Merchant): boolean;
  /** The channel's authorize page for the merchant's app, coming back to `redirectUri` with `state`. */
  authorizeUrl(merchant: Merchant, redirectUri: string, state: string): string;
  /** Whose codes a code is (the merchant's app on the channel): a code completes one flow of that app only. */
  codeScope(merchant: Merchant): string;
  /**
   * One code through the idempotent exchange, for `scope` (exchangeScope),
   * into the identity a flow keeps and auth answers. The channel's refusal
   * is `ok: false`; a transport failure throws, as the exchange does.
   */
  identify(merchant: Merchant, code: string, ctx: AssistRequestContext, scope: string): Promise<IdentityOutcome>;
}
