import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Slack's Socket Mode end, for developing and testing with SLACK_APP_TOKEN: apps.connections.open hands out
 * a WebSocket URL, the server greets with `hello`, pushes envelopes (`slash_commands`, `interactive`,
 * `events_api`) and waits for `{ envelope_id, payload }` acks.
 *
 * The WebSocket framing (RFC 6455) is written out here because no server library is installed and Socket
 * Mode needs only unfragmented text frames, ping/pong and the close handshake.
 */

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_TEXT = 0x1;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketModeAck {
  readonly envelope_id: string;
  readonly payload?: unknown;
}

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([0x80 | opcode, len])
      : len < 65_536
        ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : (() => {
            const b = Buffer.alloc(10);
            b[0] = 0x80 | opcode;
            b[1] = 127;
            b.writeBigUInt64BE(BigInt(len), 2);
            return b;
          })();
  return Buffer.concat([head, payload]);
}

class Connection {
  private buffer = Buffer.alloc(0);
  private closed = false;
  private readonly pinger: NodeJS.Timeout;

  constructor(
    private readonly socket: Duplex,
    private readonly onMessage: (text: string) => void,
    private readonly onClose: () => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.finish());
    socket.on('error', () => this.finish());
    // Slack pings; the client drops a connection that hears nothing for 30 s.
    this.pinger = setInterval(() => this.write(OP_PING, Buffer.from('sandbox')), 10_000);
    this.pinger.unref();
  }

  sendText(text: string): void {
    this.write(OP_TEXT, Buffer.from(text, 'utf8'));
  }

  close(): void {
    this.write(OP_CLOSE, Buffer.from([0x03, 0xe8]));
    this.socket.end();
    this.finish();
  }

  private write(opcode: number, payload: Buffer): void {
    if (!this.closed && this.socket.writable) this.socket.write(frame(opcode, payload));
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pinger);
    this.onClose();
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0]! & 0x0f;
      const masked = (this.buffer[1]! & 0x80) !== 0;
      let len = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const maskLen = masked ? 4 : 0;
      if (this.buffer.length < offset + maskLen + len) return;
      const mask = masked ? this.buffer.subarray(offset, offset + 4) : null;
      const payload = Buffer.from(this.buffer.subarray(offset + maskLen, offset + maskLen + len));
      if (mask)
        for (let i = 0; i < payload.length; i += 1) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
      this.buffer = this.buffer.subarray(offset + maskLen + len);
      if (opcode === OP_TEXT) this.onMessage(payload.toString('utf8'));
      else if (opcode === OP_PING) this.write(OP_PONG, payload);
      else if (opcode === OP_CLOSE) {
        this.write(OP_CLOSE, payload.subarray(0, 2));
        this.socket.end();
        this.finish();
        return;
      }
    }
  }
}

export class SocketModeHub {
  private readonly tickets = new Set<string>();
  private readonly connections = new Set<Connection>();
  private readonly pending = new Map<string, (ack: SocketModeAck) => void>();

  constructor(
    server: Server,
    private readonly appId: string,
  ) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex) => this.upgrade(req, socket));
  }

  /** apps.connections.open: a one-use WebSocket URL. */
  openUrl(baseWsUrl: string): string {
    const ticket = randomBytes(12).toString('hex');
    this.tickets.add(ticket);
    return `${baseWsUrl}/socket-mode/${ticket}`;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Pushes an envelope to one open connection (Slack picks one at random; with one app instance it is that
   * one) and resolves with the app's ack.
   */
  dispatch(type: EnvelopeType, payload: unknown, timeoutMs = 3000): Promise<SocketModeAck> {
    const [connection] = this.connections;
    if (!connection) return Promise.reject(new Error('sandbox: no Socket Mode connection is open'));
    const envelopeId = randomUUID();
    return new Promise<SocketModeAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(
          new Error(`sandbox: envelope ${envelopeId} (${type}) was not acknowledged within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.pending.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
      connection.sendText(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== 'events_api',
          ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
        }),
      );
    });
  }

  closeAll(): void {
    for (const c of this.connections) c.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex): void {
    const ticket = /^\/socket-mode\/([0-9a-f]+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
    const key = req.headers['sec-websocket-key'];
    if (!ticket || !this.tickets.delete(ticket) || typeof key !== 'string') {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const accept = createHash('sha1')
      .update(key + WS_GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const connection: Connection = new Connection(
      socket,
      (text) => this.acknowledge(text),
      () => this.connections.delete(connection),
    );
    this.connections.add(connection);
    connection.sendText(
      JSON.stringify({
        type: 'hello',
        num_connections: this.connections.size,
        debug_info: { host: 'sandbox', approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
  }

  private acknowledge(text: string): void {
    let message: SocketModeAck;
    try {
      message = JSON.parse(text) as SocketModeAck;
    } catch {
      return;
    }
    const resolve = this.pending.get(message.envelope_id);
    if (resolve) {
      this.pending.delete(message.envelope_id);
      resolve(message);
    }
  }
}
