// @unipay-assist/simulator: the WeChat OAuth, WeChat mini-program and Alipay
// simulators, for hosts' own tests. No NestJS here; nothing calls the real
// WeChat or Alipay.
export { WechatSimulator } from './wechat-simulator';
export type { SimulatedApp, WechatSimulatorOptions } from './wechat-simulator';
export { startSimulatorServer } from './simulator.server';
export type { RunningSimulator } from './simulator.server';
// jscode2session runs on the WeChat simulator's server (`miniPrograms`, `RunningSimulator.miniProgram`).
export { MiniProgramSimulator } from './mini-program-simulator';
export type { SimulatedMiniProgram, MiniProgramSimulatorOptions } from './mini-program-simulator';
// Alipay's authorize page and gateway.do, with real RSA2 keys made at start (`appKeys` hands out what a merchant configures).
export { AlipaySimulator } from './alipay-simulator';
export type { SimulatedAlipayApp, AlipaySimulatorOptions, AlipayAppKeys, AlipayIdMode } from './alipay-simulator';
export { startAlipaySimulator } from './alipay-simulator.server';
export type { RunningAlipaySimulator } from './alipay-simulator.server';
// SIM_FAULTS-style fault rules (latency, busy, http, non-json, reset, errcode) for a simulator's `faults` option.
export { parseFaults } from './sim-faults';
export type { SimFault, SimFaultKind } from './sim-faults';
// WeChat's third-party platform (component): encrypted ticket pushes, api_component_token, the component exchange.
export { ComponentPlatformSimulator } from './wechat-component-simulator';
export type {
  SimulatedComponent,
  ComponentSimulatorOptions,
  PushResult,
  ComponentEventType,
} from './wechat-component-simulator';
// Douyin's H5 OAuth (silent_auth, oauth/access_token/), on its own server.
export { DouyinSimulator } from './douyin-simulator';
export type { SimulatedDouyinApp, DouyinSimulatorOptions } from './douyin-simulator';
export { startDouyinSimulator } from './douyin-simulator.server';
export type { RunningDouyinSimulator } from './douyin-simulator.server';
