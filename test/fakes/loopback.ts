import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Starts a fake service on 127.0.0.1 at an ephemeral port so that it can never keep a test process alive
 * nor outlive it: the server and its sockets are unref'd, and it closes itself after `maxLifetimeMs`.
 */
export async function listenOnLoopback(
  server: Server,
  maxLifetimeMs = 120_000,
): Promise<{ port: number; close: () => Promise<void> }> {
  server.on("connection", (socket) => socket.unref());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.unref();
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      server.closeAllConnections();
      server.close(() => resolve());
    });
    return closed;
  };
  const lifetime = setTimeout(() => void close(), maxLifetimeMs);
  lifetime.unref();
  return { port: (server.address() as AddressInfo).port, close };
}
