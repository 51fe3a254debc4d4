// `unipay-assist/simulator`: the WeChat OAuth simulator, for hosts' own tests.
// No NestJS here; nothing calls the real WeChat.
export { WechatSimulator } from './wechat-simulator';
export type { SimulatedApp, WechatSimulatorOptions } from './wechat-simulator';
export { startSimulatorServer } from './simulator.server';
export type { RunningSimulator } from './simulator.server';
