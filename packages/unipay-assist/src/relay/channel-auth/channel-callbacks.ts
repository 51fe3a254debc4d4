import { Injectable } from '@nestjs/common';
import { AuthChannel, authChannelOf } from '../../channel-auth/auth-channel';
import { Merchant } from '../../merchants/merchant';
import { AlipayCallback } from './alipay-callback';
import { ChannelCallback } from './channel-callback';
import { DouyinCallback } from './douyin-callback';
import { WechatCallback } from './wechat-callback';

/**
 * Each AuthChannel's callback piece. A Record over AuthChannel, so a channel
 * added to AUTH_CHANNELS does not compile until it has one here.
 */
@Injectable()
export class ChannelCallbacks {
  private readonly byChannel: Readonly<Record<AuthChannel, ChannelCallback>>;

  constructor(wechat: WechatCallback, alipay: AlipayCallback, douyin: DouyinCallback) {
    this.byChannel = { wechat_pay: wechat, ali_pay: alipay, douyin };
  }

  of(channel: AuthChannel): ChannelCallback {
    return this.byChannel[channel];
  }

  /** The channel a request names, for this merchant (ali_pay and douyin only where served; 29401 otherwise). */
  channelOf(merchant: Merchant, channel: string, authType: string | undefined): AuthChannel {
    return authChannelOf(
      channel,
      authType,
      this.byChannel.ali_pay.serves(merchant),
      this.byChannel.douyin.serves(merchant),
    );
  }
}
