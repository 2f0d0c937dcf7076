/**
 * A TCP proxy on loopback that a test puts between Slipway and the AWS sandbox to cut the network:
 * `up` forwards; `blackhole` stops forwarding in both directions (connections in flight hang, new
 * ones are accepted and hang, as when packets are dropped) and, when it ends, delivers what waited,
 * as TCP's retransmissions would after a short partition; `refuse` closes the listener (new
 * connections get ECONNREFUSED) and resets the connections in flight (ECONNRESET).
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** How the proxy treats traffic. */
export type ProxyMode = 'up' | 'blackhole' | 'refuse';

/** A running proxy. */
export interface TcpProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  mode(): ProxyMode;
  /** Changes the mode (resolves once the listener is closed or listening again). */
  setMode(mode: ProxyMode): Promise<void>;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream?: Socket;
  /** Bytes that arrived while nothing was forwarded, each way. */
  toUpstream: Buffer[];
  toClient: Buffer[];
}

/** Starts a proxy to `target` (`http://host:port`), in mode `up`. */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port: targetPort } = new URL(target);
  let mode: ProxyMode = 'up';
  let accepted = 0;
  const pairs = new Set<Pair>();

  const forget = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  };

  /** Connects `pair` upstream and forwards both ways, starting with what the client sent meanwhile. */
  const connect = (pair: Pair) => {
    const upstream = createConnection({ host: hostname, port: Number(targetPort) });
    pair.upstream = upstream;
    upstream.on('error', () => forget(pair));
    upstream.on('close', () => forget(pair));
    for (const chunk of pair.toUpstream.splice(0)) upstream.write(chunk);
    upstream.on('data', (chunk: Buffer) => {
      if (mode === 'up') pair.client.write(chunk);
      else pair.toClient.push(chunk);
    });
  };

  /** Delivers what waited during a blackhole, both ways. */
  const resume = (pair: Pair) => {
    if (!pair.upstream) return connect(pair);
    for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk);
    for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
  };

  const onConnection = (client: Socket) => {
    accepted++;
    const pair: Pair = { client, toUpstream: [], toClient: [] };
    pairs.add(pair);
    client.on('error', () => forget(pair));
    client.on('close', () => forget(pair));
    client.on('data', (chunk: Buffer) => {
      if (mode === 'up' && pair.upstream) pair.upstream.write(chunk);
      else pair.toUpstream.push(chunk);
    });
    if (mode === 'up') connect(pair);
  };

  let server: Server = createServer(onConnection);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const port = await listen(0);

  return {
    url: `http://127.0.0.1:${port}`,
    mode: () => mode,
    async setMode(next) {
      if (next === mode) return;
      const previous = mode;
      mode = next;
      if (next === 'refuse') {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        for (const pair of [...pairs]) {
          pair.client.resetAndDestroy();
          forget(pair);
        }
        return;
      }
      if (previous === 'refuse') {
        server = createServer(onConnection);
        await listen(port);
      }
      if (next === 'up') for (const pair of [...pairs]) resume(pair);
    },
    connections: () => accepted,
    async close() {
      for (const pair of [...pairs]) forget(pair);
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
