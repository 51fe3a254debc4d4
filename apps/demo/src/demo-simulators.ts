/** Injection token: where the demo's embedded simulators are (admin calls stay on the demo server). */
export const DEMO_SIMULATORS = Symbol('DEMO_SIMULATORS');

export interface DemoSimulators {
  /** The embedded WeChat simulator (it serves the mini program's wx.login codes too), or undefined when WeChat is configured. */
  wechatBase?: string;
}
