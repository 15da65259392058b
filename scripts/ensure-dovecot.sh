#!/usr/bin/env bash
# The IMAP tests and the fault suite need Debian's dovecot (a real IMAP server, started per test on loopback).
set -euo pipefail
if [ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing dovecot-imapd (Debian) for the IMAP tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
  exit 0
fi
echo "dovecot is needed for these tests: sudo apt-get install dovecot-imapd" >&2
exit 1
