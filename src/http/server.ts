import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRoute } from './routes.js';
import { sendJson } from './routes.js';

/**
 * Serves the custom routes when Slack is not configured. With Slack, the same routes go to Bolt's
 * HTTPReceiver as customRoutes, so there is always exactly one HTTP server.
 */
export function createRouteServer(routes: readonly HttpRoute[]): Server {
  const compiled = routes.map((r) => ({ ...r, match: compilePath(r.path) }));
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    for (const route of compiled) {
      const params = route.match(url.pathname);
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (params && methods.some((m) => m.toUpperCase() === req.method)) {
        Object.assign(req, { params });
        route.handler(req, res);
        return;
      }
    }
    sendJson(res, 404, { error: 'not_found' });
  });
}

function compilePath(path: string): (pathname: string) => Record<string, string> | null {
  const names: string[] = [];
  const pattern = path
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\\?:([A-Za-z_]\w*)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
  const re = new RegExp(`^${pattern}/?$`);
  return (pathname) => {
    const m = re.exec(pathname);
    if (!m) return null;
    return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
  };
}

/** Listens on `port` (0 → ephemeral), on every interface unless `host` names one. */
export async function listen(server: Server, port: number, host?: string | null): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(host ? { port, host } : { port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
