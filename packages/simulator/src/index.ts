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
