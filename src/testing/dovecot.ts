import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

/**
 * A real IMAP server on loopback: Debian's dovecot (`apt-get install dovecot-imapd`), with its own configuration,
 * mail and state in a temporary directory. `npm run test:imap` and `.ci/run` install the package when missing.
 */
export interface Dovecot {
  readonly port: number;
  /** imap://user:password@127.0.0.1:port for a user. */
  urlFor(user: string): string;
  /** A connected client for a user (the test's own view of the mailbox). */
  client(user: string): Promise<ImapFlow>;
  close(): Promise<void>;
}

const DOVECOT = ['/usr/sbin/dovecot', '/usr/bin/dovecot'].find((p) => existsSync(p));
export const DOVECOT_PASSWORD = 'imap-password-do-not-log';

export function dovecotInstalled(): boolean {
  return DOVECOT !== undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function accepting(port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export async function startDovecot(options: { users: readonly string[] }): Promise<Dovecot> {
  if (!DOVECOT)
    throw new Error(
      'dovecot is not installed: apt-get install dovecot-imapd (npm run test:imap installs it)',
    );
  const dir = mkdtempSync(join(tmpdir(), 'ar-dovecot-'));
  // dovecot's auth and mail processes run as its own users: they must reach the password file and the homes.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const root = process.getuid?.() === 0;
  // imap-login refuses to run as root, and mail is never accessed as root: as root, Debian's own users take over.
  const self = root ? null : (process.env.USER ?? String(process.getuid?.()));
  for (const sub of ['run', 'state', 'home']) mkdirSync(join(dir, sub));
  // The mail user (dovecot) must own the homes when we are root.
  if (root && spawnSync('chown', ['dovecot:dovecot', join(dir, 'home')]).status !== 0)
    throw new Error(`could not give ${dir}/home to the dovecot user`);
  writeFileSync(join(dir, 'passwd'), options.users.map((u) => `${u}:{PLAIN}${DOVECOT_PASSWORD}\n`).join(''));
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_login_user = ${root ? 'dovenull' : self}
default_internal_user = ${root ? 'dovecot' : self}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${root ? 'dovecot' : process.getuid?.()} gid=${root ? 'dovecot' : process.getgid?.()} home=${dir}/home/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
  );
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  if (!(await accepting(port, 15_000))) {
    child.kill('SIGKILL');
    throw new Error(`dovecot did not start: ${stderr.slice(0, 500)}`);
  }
  const clients: ImapFlow[] = [];
  return {
    port,
    urlFor: (user) => `imap://${encodeURIComponent(user)}:${DOVECOT_PASSWORD}@127.0.0.1:${port}`,
    async client(user) {
      const c = new ImapFlow({
        host: '127.0.0.1',
        port,
        secure: false,
        auth: { user, pass: DOVECOT_PASSWORD },
        logger: false,
      });
      c.on('error', () => {});
      await c.connect();
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.all(clients.map((c) => c.logout().catch(() => c.close())));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
