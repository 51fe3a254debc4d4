import { Provider } from '@nestjs/common';
import { AlipayCallback } from '../relay/channel-auth/alipay-callback';
import { ChannelAuthService } from '../relay/channel-auth/channel-auth.service';
import { ChannelCallbacks } from '../relay/channel-auth/channel-callbacks';
import { DouyinCallback } from '../relay/channel-auth/douyin-callback';
import { FlowBrowserBinding } from '../relay/channel-auth/flow-browser-binding';
import { FlowCompletion } from '../relay/channel-auth/flow-completion';
import { FlowRecords } from '../relay/channel-auth/flow-records';
import { HostedRoutes } from '../relay/channel-auth/hosted-routes';
import { WechatCallback } from '../relay/channel-auth/wechat-callback';

/**
 * The hosted flows' pieces AssistModule provides: the flow service the
 * controllers call, the flows' storage and completion, the module's public
 * routes, the browser binding, and each channel's callback piece.
 */
export const CHANNEL_AUTH_PROVIDERS: Provider[] = [
  ChannelAuthService,
  FlowRecords,
  FlowCompletion,
  HostedRoutes,
  FlowBrowserBinding,
  ChannelCallbacks,
  WechatCallback,
  AlipayCallback,
  DouyinCallback,
];
