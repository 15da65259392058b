/** `imap://user:password@host:143` or `imaps://user:password@host:993`; user and password URL-encoded. */
export interface ImapAddress {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user: string;
  readonly password: string;
}

export function parseImapUrl(value: string): ImapAddress | { readonly error: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: 'expected a URL like imaps://user:password@imap.example.com' };
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:')
    return { error: `expected imap:// or imaps://, got ${url.protocol}//` };
  if (!url.hostname) return { error: 'the URL names no host' };
  if (!url.username) return { error: 'the URL names no user (imaps://user:password@host)' };
  const secure = url.protocol === 'imaps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}
