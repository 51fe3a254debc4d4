// `unipay-assist/health`: Terminus health indicator of the relay (needs @nestjs/terminus).
export { AssistHealthIndicator } from './assist-health.indicator';
export type { ChannelBreakers, RedisHealth } from './assist-health.indicator';
