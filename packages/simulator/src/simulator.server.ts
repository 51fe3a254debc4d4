import { createServer, Server } from 'node:http';
import { listenSimulator } from './sim-server-listen';
import { handleMiniProgramAdmin } from './mini-program-simulator-admin';
import { MiniProgramSimulator, SimulatedMiniProgram } from './mini-program-simulator';
import { handleSimulatorAdmin } from './simulator-admin';
import { ComponentPlatformSimulator, ComponentSimulatorOptions } from './wechat-component-simulator';
import { handleComponentAdmin } from './wechat-component-simulator-admin';
import { WechatSimulator, WechatSimulatorOptions } from './wechat-simulator';

export interface RunningSimulator {
  simulator: WechatSimulator;
  /** jscode2session on the same host, as on WeChat (`miniPrograms` are its apps). */
  miniProgram: MiniProgramSimulator;
  server: Server;
  /** The third-party platform, when started with `component`. */
  component?: ComponentPlatformSimulator;
  /** e.g. `http://127.0.0.1:9100`: use it as both WECHAT_API_BASE and WECHAT_OPEN_BASE. */
  baseUrl: string;
  close(): Promise<void>;
}

/** Starts the simulator on its own HTTP server (port 0 picks a free one). */
export async function startSimulatorServer(
  options: WechatSimulatorOptions & {
    port?: number;
    host?: string;
    miniPrograms?: SimulatedMiniProgram[];
    component?: ComponentSimulatorOptions;
  },
): Promise<RunningSimulator> {
  const simulator = new WechatSimulator(options);
  const component = options.component ? new ComponentPlatformSimulator(options.component, simulator) : undefined;
  const miniProgram = new MiniProgramSimulator({
    apps: options.miniPrograms ?? [],
    codeTtlMs: options.codeTtlMs,
    defaultUser: options.defaultUser,
    random: options.random,
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    // The admin API lives on this server only, never in the relay module.
    const handled =
      handleComponentAdmin(component, req, res, url) ||
      handleMiniProgramAdmin(miniProgram, req, res, url) ||
      (component?.handle(req, res, url) ?? false) ||
      handleSimulatorAdmin(simulator, req, res) ||
      miniProgram.handle(req, res, url) ||
      simulator.handle(req, res);
    if (!handled) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not a WeChat OAuth path');
    }
  });
  const listening = await listenSimulator(server, options.host ?? '127.0.0.1', options.port ?? 0);
  const { baseUrl } = listening;
  return {
    simulator,
    miniProgram,
    ...(component && { component }),
    server,
    baseUrl,
    close: async () => {
      component?.stop();
      await listening.close();
    },
  };
}
