import type { IncomingMessage, ServerResponse } from 'node:http';

/** The shape Bolt's HTTPReceiver accepts as `customRoutes`, so one route list serves either server. */
export interface HttpRoute {
  readonly path: string;
  readonly method: string | string[];
  readonly handler: (req: IncomingMessage & { params?: Record<string, string> }, res: ServerResponse) => void;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
) {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
