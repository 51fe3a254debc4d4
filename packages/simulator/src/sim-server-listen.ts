import { Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** Listens on host:port (0 picks a free one); the base URL, and a close that drops kept-alive connections. */
export async function listenSimulator(
  server: Server,
  host: string,
  port: number,
): Promise<{ baseUrl: string; close(): Promise<void> }> {
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    baseUrl: `http://${urlHost}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
