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

/**
 * The whole body as bytes (signatures are over the exact bytes), or null past `limit`: the rest is drained
 * unread so the reply can still be written.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
