/**
 * The HTTP ops endpoint: liveness, readiness, drain and Prometheus metrics.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { assert, assertNever } from '../util/assert.js';
import type { Logger } from './log.js';
import type { ServerMetrics } from './metrics.js';

export type NodeState = 'starting' | 'serving' | 'draining';

export interface OpsHooks {
  state(): NodeState;
  /** POST /health/drain: start the same graceful shutdown as SIGTERM. */
  requestDrain(): void;
}

export class OpsHttpServer {
  private readonly server: http.Server;

  constructor(
    private readonly hooks: OpsHooks,
    private readonly metrics: ServerMetrics,
    private readonly log: Logger,
  ) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log.error('http handler failed', { err });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
      });
    });
    // Ops probes are tiny: do not let a slow client hold sockets.
    this.server.requestTimeout = 10_000;
    this.server.headersTimeout = 5_000;
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address();
    assert(addr !== null && typeof addr === 'object', 'listening on TCP');
    return addr;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    switch (path) {
      case '/health/live':
        return this.only(method, ['GET', 'HEAD'], res, () => text(res, 200, 'ok\n'));
      case '/health/ready':
        return this.only(method, ['GET', 'HEAD'], res, () => this.ready(res));
      case '/health/drain':
        return this.only(method, ['POST'], res, () => {
          this.log.info('drain requested over HTTP');
          this.hooks.requestDrain();
          text(res, 202, 'draining\n');
        });
      case '/metrics':
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, ['GET', 'HEAD']);
        res.writeHead(200, { 'content-type': this.metrics.registry.contentType });
        res.end(await this.metrics.registry.metrics());
        return;
      default:
        text(res, 404, 'not found\n');
    }
  }

  private ready(res: http.ServerResponse): void {
    const state = this.hooks.state();
    switch (state) {
      case 'serving':
        return text(res, 200, 'ready\n');
      case 'starting':
      case 'draining':
        return text(res, 503, `${state}\n`);
      default:
        return assertNever(state, 'node state');
    }
  }

  private only(method: string, allowed: readonly string[], res: http.ServerResponse, fn: () => void): void {
    if (!allowed.includes(method)) return methodNotAllowed(res, allowed);
    fn();
  }
}

function text(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

function methodNotAllowed(res: http.ServerResponse, allowed: readonly string[]): void {
  res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: allowed.join(', ') });
  res.end('method not allowed\n');
}
