// A TCP proxy in front of the dev Temporal server that a test can cut (connections dropped, port refusing) and restore: Temporal "down" for one engine only.
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

export interface TcpProxy { address: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }

export async function tcpProxy(upstream: string): Promise<TcpProxy> {
  const i = upstream.lastIndexOf(':');
  const [host, port] = [upstream.slice(0, i), Number(upstream.slice(i + 1))];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const up = connect(port, host);
    sockets.add(socket).add(up);
    socket.pipe(up).pipe(socket);
    const end = () => { socket.destroy(); up.destroy(); sockets.delete(socket); sockets.delete(up); };
    socket.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const listening = (server.address() as AddressInfo).port;
  const stop = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
  return {
    address: `127.0.0.1:${listening}`,
    cut: stop,
    restore: () => new Promise<void>((resolve) => server.listen(listening, '127.0.0.1', resolve)),
    close: stop,
  };
}
