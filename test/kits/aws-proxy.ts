/**
 * An HTTP proxy in front of the sandbox that can hold one chosen AWS call, so a fault test can kill
 * the server that made it at an exact point: before the call reaches AWS (`before`: never
 * forwarded), or after AWS applied it but before the caller learns the answer (`after`: forwarded,
 * its answer withheld). Everything else passes through unchanged (the Host header too, so SigV4
 * signatures stay valid).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Which call to hold, and where. */
export interface HoldRule {
  /** The API action, as in the `X-Amz-Target` header's last part (e.g. `UpdateService`). */
  action: string;
  /** Only a call whose body contains this text (e.g. `"service":"web"`). */
  bodyIncludes?: string;
  /** `before`: the call never reaches AWS; `after`: AWS applies it, the caller never hears back. */
  when: 'before' | 'after';
}

/** A call the proxy holds. */
export interface HeldCall {
  action: string;
  body: string;
  /** For `after`: what AWS answered (withheld from the caller). */
  answer?: { status: number; body: string };
}

export interface AwsProxy {
  /** The endpoint to give the callers instead of the sandbox's. */
  endpoint: string;
  /** Holds the first call matching `rule` from now on; resolves once it is held. */
  hold(rule: HoldRule): Promise<HeldCall>;
  /** Drops the held calls (their connections are closed unanswered). */
  dropHeld(): void;
  close(): Promise<void>;
}

interface Pending {
  rule: HoldRule;
  held: (call: HeldCall) => void;
}

function actionOf(req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' ? (target.split('.').pop() ?? '') : '';
}

/** A forwarded call's answer. */
export interface ForwardedAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** Sends `req` (with its read `body`) on to `upstream` unchanged and reads the whole answer. */
export function forwardRequest(upstream: URL, req: IncomingMessage, body: Buffer): Promise<ForwardedAnswer> {
  return new Promise((ok, fail) => {
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          ok({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', fail);
      },
    );
    out.on('error', fail);
    out.end(body);
  });
}

/** Starts a proxy on loopback forwarding to `upstream` (e.g. the sandbox's endpoint). */
export async function startAwsProxy(upstream: string): Promise<AwsProxy> {
  const target = new URL(upstream);
  const pending: Pending[] = [];
  const heldResponses: ServerResponse[] = [];

  const forward = (req: IncomingMessage, body: Buffer) => forwardRequest(target, req, body);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const action = actionOf(req);
        const text = body.toString('utf8');
        const i = pending.findIndex(
          (p) =>
            p.rule.action === action &&
            (p.rule.bodyIncludes === undefined || text.includes(p.rule.bodyIncludes)),
        );
        const match = i >= 0 ? pending.splice(i, 1)[0] : undefined;
        if (match?.rule.when === 'before') {
          heldResponses.push(res);
          match.held({ action, body: text });
          return;
        }
        const answer = await forward(req, body);
        if (match) {
          heldResponses.push(res);
          match.held({
            action,
            body: text,
            answer: { status: answer.status, body: answer.body.toString('utf8') },
          });
          return;
        }
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      })().catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${String(e)}`);
      });
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    hold: (rule) => new Promise((held) => pending.push({ rule, held })),
    dropHeld() {
      for (const res of heldResponses.splice(0)) res.destroy();
    },
    async close() {
      for (const res of heldResponses.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
