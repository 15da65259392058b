// The demo workspace: renders what the app posted to the Slack sandbox (Block Kit), and sends clicks, modal
// submissions and slash commands back as correctly signed requests (the server signs them). No build step.
const $ = (sel) => document.querySelector(sel);
const state = { data: null, channel: null, view: 'channel', thread: null };
// This run's token (the server puts it in the page): every API call carries it.
const token = document.querySelector('meta[name="demo-token"]')?.content ?? '';

async function api(path, body) {
  const res = await fetch(`/demo/api/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers:
      body === undefined
        ? { 'x-demo-token': token }
        : { 'content-type': 'application/json', 'x-demo-token': token },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error || `HTTP ${res.status}`);
  return json;
}

function toast(text) {
  const t = $('#toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    t.hidden = true;
  }, 4000);
}

// Slack shortcodes the app uses, drawn as Slack draws them.
const EMOJI = {
  white_check_mark: '✅',
  warning: '⚠️',
  rotating_light: '🚨',
  zzz: '💤',
  white_circle: '⚪',
  thread: '🧵',
  tada: '🎉',
  robot_face: '🤖',
  red_circle: '🔴',
  outbox_tray: '📤',
  large_orange_circle: '🟠',
  ghost: '👻',
  fast_forward: '⏩',
  email: '📧',
  arrows_counterclockwise: '🔄',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  moneybag: '💰',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  mag: '🔍',
  speech_balloon: '💬',
  calendar: '📅',
  chart_with_upwards_trend: '📈',
  bust_in_silhouette: '👤',
  x: '❌',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  incoming_envelope: '📨',
  double_vertical_bar: '⏸️',
  bulb: '💡',
  memo: '📝',
  link: '🔗',
  pencil2: '✏️',
  telephone_receiver: '📞',
  grey_question: '❔',
};
const emoji = (s) => s.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] ?? m);

// --- mrkdwn -------------------------------------------------------------------------------------------
function escapeHtml(s) {
  return String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}
// Slack escapes &, < and > itself; unescape them after extracting links so they display as typed.
function mrkdwn(text) {
  const links = [];
  let s = String(text ?? '').replace(/<([^<>|]+)(?:\|([^<>]+))?>/g, (_m, target, label) => {
    links.push({ target, label });
    return `@@LINK${links.length - 1}@@`;
  });
  s = escapeHtml(emoji(s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')));
  s = s
    .replace(/```([\s\S]*?)```/g, (_m, c) => `<pre>${c}</pre>`)
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, '$1<strong>$2</strong>')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/g, '$1<em>$2</em>')
    .replace(/(^|[\s(])~([^~\n]+)~(?=[\s).,:;!?]|$)/g, '$1<del>$2</del>')
    .replace(/^&gt; ?(.*)$/gm, '<blockquote>$1</blockquote>')
    .replace(/<\/blockquote>\n<blockquote>/g, '<br>')
    .replace(/\n/g, '<br>');
  return s.replace(/@@LINK(\d+)@@/g, (_m, i) => {
    const { target, label } = links[Number(i)];
    if (target.startsWith('@'))
      return `<strong>@${escapeHtml(userName(target.slice(1).split('|')[0]))}</strong>`;
    if (target.startsWith('#')) return `<strong>#${escapeHtml(label ?? target.slice(1))}</strong>`;
    // Slack's date token: shown in the reader's own time zone, as Slack does.
    const date = /^!date\^(\d+)\^/.exec(target);
    if (date) {
      const d = new Date(Number(date[1]) * 1000);
      return escapeHtml(d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
    }
    if (target.startsWith('!subteam^')) return `<strong>@${escapeHtml(label ?? 'group')}</strong>`;
    if (target.startsWith('!')) return `<strong>@${escapeHtml(target.slice(1))}</strong>`;
    const safe = /^(https?:|mailto:)/.test(target) ? target : '#';
    return `<a href="${escapeHtml(safe)}" target="_blank" rel="noopener">${escapeHtml(label ?? target)}</a>`;
  });
}
const textOf = (t) =>
  !t ? '' : t.type === 'mrkdwn' ? mrkdwn(t.text) : escapeHtml(emoji(t.text)).replace(/\n/g, '<br>');
const plain = (t) => (t ? emoji(t.text) : '');
function userName(id) {
  return state.data?.users?.find((u) => u.id === id)?.name ?? id;
}

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'html') node.innerHTML = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of [].concat(children)) if (c) node.append(c);
  return node;
}

// --- Block Kit ------------------------------------------------------------------------------------------
function renderElement(e, ctx, blockId) {
  const send = (extra) => act({ ...ctx, blockId, actionId: e.action_id, type: e.type, ...extra });
  switch (e.type) {
    case 'button': {
      const cls = `btn${e.style ? ` ${e.style}` : ''}`;
      const b = el('button', {
        type: 'button',
        class: cls,
        text: plain(e.text),
        'aria-label': e.accessibility_label,
      });
      if (e.url) b.addEventListener('click', () => window.open(e.url, '_blank', 'noopener'));
      else
        b.addEventListener('click', () => {
          // Slack asks before a button with a confirm object acts (e.g. "Send this reminder?").
          if (e.confirm && !window.confirm(`${plain(e.confirm.title)}\n\n${e.confirm.text?.text ?? ''}`))
            return;
          send({ value: e.value });
        });
      return b;
    }
    case 'datepicker': {
      const input = el('input', {
        type: 'date',
        value: e.initial_date ?? '',
        'aria-label': plain(e.placeholder) || 'Pick a date',
      });
      if (!ctx.inModal)
        input.addEventListener('change', () => input.value && send({ selectedDate: input.value }));
      input.dataset.actionId = e.action_id;
      input.dataset.kind = 'date';
      return input;
    }
    case 'static_select':
    case 'overflow': {
      const opts = e.options ?? (e.option_groups ?? []).flatMap((g) => g.options);
      const select = el('select', { 'aria-label': plain(e.placeholder) || 'Choose' }, [
        el('option', { value: '', text: plain(e.placeholder) || (e.type === 'overflow' ? '⋯' : 'Choose…') }),
        ...opts.map((o) =>
          el('option', {
            value: o.value,
            text: plain(o.text),
            selected: e.initial_option?.value === o.value,
          }),
        ),
      ]);
      if (!ctx.inModal) {
        select.addEventListener('change', () => {
          const o = opts.find((x) => x.value === select.value);
          if (o) send({ selectedOption: { value: o.value, text: o.text } });
        });
      }
      select.dataset.actionId = e.action_id;
      select.dataset.kind = 'select';
      return select;
    }
    case 'image':
      return el('img', { src: e.image_url, alt: e.alt_text ?? '' });
    default:
      return el('span', { class: 'muted', text: `[${e.type}]` });
  }
}

function renderBlocks(blocks, ctx) {
  const out = [];
  for (const b of blocks ?? []) {
    switch (b.type) {
      case 'header':
        out.push(el('div', { class: 'block header', html: textOf(b.text) }));
        break;
      case 'divider':
        out.push(el('hr', { class: 'block divider' }));
        break;
      case 'section': {
        const body = el('div', { class: 'text' });
        if (b.text) body.append(el('div', { html: textOf(b.text) }));
        if (b.fields)
          body.append(
            el(
              'div',
              { class: 'fields' },
              b.fields.map((f) => el('div', { html: textOf(f) })),
            ),
          );
        const row = el('div', { class: 'block section' }, [body]);
        if (b.accessory) row.append(renderElement(b.accessory, ctx, b.block_id));
        out.push(row);
        break;
      }
      case 'context':
        out.push(
          el(
            'div',
            { class: 'block context' },
            b.elements.map((e) =>
              e.type === 'image'
                ? el('img', { src: e.image_url, alt: e.alt_text ?? '' })
                : el('span', { html: textOf(e) }),
            ),
          ),
        );
        break;
      case 'actions':
        out.push(
          el(
            'div',
            { class: 'block actions' },
            b.elements.map((e) => renderElement(e, ctx, b.block_id)),
          ),
        );
        break;
      case 'image':
        out.push(
          el('figure', { class: 'block image-block' }, [
            el('img', { src: b.image_url, alt: b.alt_text ?? '' }),
            b.title ? el('figcaption', { text: plain(b.title) }) : null,
          ]),
        );
        break;
      case 'input':
        out.push(renderInput(b, ctx));
        break;
      case 'table':
        out.push(renderTable(b));
        break;
      case 'rich_text':
        out.push(
          el('div', {
            class: 'block',
            text: (b.elements ?? []).flatMap((s) => (s.elements ?? []).map((x) => x.text ?? '')).join(''),
          }),
        );
        break;
      default:
        out.push(el('div', { class: 'block muted', text: `[${b.type} block]` }));
    }
  }
  return out;
}

// Slack's table block: rows of cells (raw_text, raw_number, rich_text), the first row the header, each column
// aligned as its column_settings say.
function cellText(c) {
  if (!c) return '';
  if (c.type === 'raw_text' || c.type === 'raw_number') return c.text ?? String(c.value ?? '');
  if (c.type === 'rich_text')
    return (c.elements ?? []).flatMap((s) => (s.elements ?? []).map((x) => x.text ?? '')).join('');
  return c.text ?? '';
}
function renderTable(b) {
  const align = (i) => b.column_settings?.[i]?.align ?? 'left';
  const cell = (tag, c, i) => {
    const td = el(tag, { class: `align-${align(i)}`, text: cellText(c) });
    if (c?.type === 'raw_number' && Number.isFinite(c.value)) td.dataset.value = String(c.value);
    return td;
  };
  const [head, ...body] = b.rows ?? [];
  return el('div', { class: 'block table-block', tabindex: '0', role: 'region', 'aria-label': 'Table' }, [
    el('table', {}, [
      head
        ? el('thead', {}, [
            el(
              'tr',
              {},
              head.map((c, i) => cell('th', c, i)),
            ),
          ])
        : null,
      el(
        'tbody',
        {},
        body.map((r) =>
          el(
            'tr',
            {},
            r.map((c, i) => cell('td', c, i)),
          ),
        ),
      ),
    ]),
  ]);
}

// Files shared with a message: images (a report's charts) drawn with their alt text and title, others named.
function renderFiles(files) {
  return (files ?? []).map((f) =>
    f.image
      ? el('figure', { class: 'block file-image' }, [
          el('img', {
            src: `${f.url}?token=${encodeURIComponent(token)}`,
            alt: f.alt,
            title: f.title,
          }),
          el('figcaption', { text: f.title }),
        ])
      : el('div', { class: 'block file muted', text: `📎 ${f.title || f.name}` }),
  );
}

function renderInput(b, ctx) {
  const id = `in-${b.block_id}`;
  const e = b.element;
  let control;
  if (
    e.type === 'plain_text_input' ||
    e.type === 'email_text_input' ||
    e.type === 'number_input' ||
    e.type === 'url_text_input'
  ) {
    control = e.multiline
      ? el('textarea', { id, name: b.block_id })
      : el('input', { id, name: b.block_id, type: e.type === 'email_text_input' ? 'email' : 'text' });
    control.value = e.initial_value ?? '';
    control.dataset.kind = 'text';
  } else if (e.type === 'datepicker') {
    control = el('input', { id, type: 'date', value: e.initial_date ?? '' });
    control.dataset.kind = 'date';
  } else if (e.type === 'static_select') {
    control = renderElement(e, { ...ctx, inModal: true }, b.block_id);
    control.id = id;
  } else if (/_select$/.test(e.type) || e.type === 'checkboxes' || e.type === 'radio_buttons') {
    // Users, channels and conversations: typed as ids, comma-separated.
    const initial =
      e.initial_users ??
      e.initial_conversations ??
      e.initial_channels ??
      [e.initial_user ?? e.initial_conversation ?? e.initial_channel].filter(Boolean);
    control = el('input', { id, type: 'text', value: initial.join(', ') });
    control.dataset.kind = e.type;
  } else {
    control = el('span', { class: 'muted', text: `[${e.type}]` });
  }
  control.dataset.actionId = e.action_id;
  control.dataset.blockId = b.block_id;
  const error = ctx.errors?.[b.block_id];
  return el('div', { class: 'input-block' }, [
    el('label', { for: id, text: plain(b.label) + (b.optional ? ' (optional)' : '') }),
    control,
    b.hint ? el('div', { class: 'hint', text: plain(b.hint) }) : null,
    error ? el('div', { class: 'error', role: 'alert', text: error }) : null,
  ]);
}

// --- Views ----------------------------------------------------------------------------------------------
function avatar(m) {
  return el('div', {
    class: `avatar${m.bot ? ' bot' : ''}`,
    'aria-hidden': 'true',
    text: (m.userName || '?').slice(0, 1).toUpperCase(),
  });
}

function renderMessage(m, channel, inThread) {
  const ctx = { channel, ts: m.ts, ephemeral: m.ephemeral || undefined };
  const body = el('div', {}, [
    el('div', {
      class: 'meta',
      html: `<strong>${escapeHtml(m.userName)}</strong>${m.bot ? '<span class="status">APP</span> ' : ''}${escapeHtml(m.time ?? '')}${m.edited ? ' (edited)' : ''}`,
    }),
    ...(m.blocks?.length
      ? renderBlocks(m.blocks, ctx)
      : m.text || !m.files?.length
        ? [el('div', { html: mrkdwn(m.text) })]
        : []),
    ...renderFiles(m.files),
  ]);
  if (m.ephemeral) body.append(el('div', { class: 'ephemeral-note', text: 'Only visible to you' }));
  if (!inThread && m.replyCount > 0) {
    body.append(
      el('button', {
        type: 'button',
        class: 'thread-link',
        text: `${m.replyCount} ${m.replyCount === 1 ? 'reply' : 'replies'}`,
        onclick: () => openThread(channel, m.ts),
      }),
    );
  }
  return el('article', { class: `message${m.ephemeral ? ' ephemeral' : ''}`, 'data-ts': m.ts }, [
    avatar(m),
    body,
  ]);
}

function render() {
  const d = state.data;
  if (!d) return;
  $('#today').textContent = `${d.todayLabel} · ${d.orgName}`;
  $('#me').textContent = d.me.name;
  const list = $('#channels');
  list.replaceChildren(
    ...d.channels.map((c) =>
      el('li', {}, [
        el(
          'button',
          {
            type: 'button',
            class: 'channel',
            'aria-current': state.view === 'channel' && state.channel === c.id ? 'true' : 'false',
            onclick: () => selectChannel(c.id),
          },
          [
            el('span', { text: `# ${c.name}` }),
            c.messages.length ? el('span', { class: 'badge', text: String(c.messages.length) }) : null,
          ],
        ),
      ]),
    ),
  );
  $('#home-tab').setAttribute('aria-current', state.view === 'home' ? 'true' : 'false');
  const box = $('#messages');
  if (state.view === 'home') {
    $('#channel-title').textContent = 'AR Copilot — Home';
    box.replaceChildren(
      ...(d.home
        ? renderBlocks(d.home.blocks, { home: true })
        : [el('p', { class: 'empty', text: 'Opening Home…' })]),
    );
  } else {
    const c = d.channels.find((x) => x.id === state.channel) ?? d.channels[0];
    if (!c) return;
    state.channel = c.id;
    $('#channel-title').textContent = `# ${c.name}`;
    const items = [...c.messages, ...d.ephemerals.filter((e) => e.channel === c.id)].sort(
      (a, b) => Number(a.ts) - Number(b.ts),
    );
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    box.replaceChildren(
      ...(items.length
        ? items.map((m) => renderMessage(m, c.id, false))
        : [el('p', { class: 'empty', text: 'No messages yet.' })]),
    );
    if (atBottom) box.scrollTop = box.scrollHeight;
  }
  if (state.thread) renderThread();
  renderXero(d.xero);
  renderEmails(d.emails);
  renderModal(d.views.at(-1));
}

function renderThread() {
  const { channel, ts } = state.thread;
  const c = state.data.channels.find((x) => x.id === channel);
  const parent = c?.messages.find((m) => m.ts === ts);
  if (!parent) return closeThread();
  $('#thread').replaceChildren(
    renderMessage(parent, channel, true),
    ...(parent.replies ?? []).map((r) => renderMessage(r, channel, true)),
  );
}

function renderXero(x) {
  const root = $('#xero');
  const rows = x.invoices.map((i) =>
    el('tr', {}, [
      el('td', { text: i.number }),
      el('td', { text: i.contact }),
      el('td', { class: 'num', text: i.amountDue }),
      el('td', { text: i.dueDate }),
      el('td', {}, [
        el('span', {
          class: `status ${i.overdue ? 'overdue' : i.status === 'PAID' ? 'paid' : ''}`,
          text: i.overdue ? `${i.daysOverdue}d overdue` : i.status,
        }),
      ]),
      el('td', {}, [
        // The sandbox plays Xero's own screens: a bookkeeper records the customer's payment in full, today.
        el('button', {
          type: 'button',
          class: 'btn small',
          text: 'Record payment',
          'aria-label': `Record payment for ${i.number}`,
          title: `Record a payment in full for ${i.number} in Xero, dated today`,
          onclick: () =>
            outside('pay', { invoiceNumber: i.number }, `Payment recorded in Xero for ${i.number}`),
        }),
      ]),
    ]),
  );
  const notes = x.notes.length
    ? x.notes.map((n) =>
        el('div', { class: 'note' }, [
          el('div', { class: 'meta', text: `${n.document} · ${n.date}` }),
          el('div', { text: n.details }),
        ]),
      )
    : [el('p', { class: 'empty', text: 'No History notes written yet. Approve a reminder to see one.' })];
  root.replaceChildren(
    el('h3', { class: 'muted', text: `History & notes (${x.notes.length})` }),
    ...notes,
    el('h3', { class: 'muted', text: `Open invoices (${x.openCount}, showing ${x.invoices.length})` }),
    el('div', { class: 'invoice-table', tabindex: '0', 'aria-label': 'Open invoices in Xero' }, [
      el('table', {}, [
        el('thead', {}, [
          el(
            'tr',
            {},
            ['Invoice', 'Customer', 'Due', 'Due date', 'Status', ''].map((h, i) =>
              el('th', { class: i === 2 ? 'num' : undefined, text: h }),
            ),
          ),
        ]),
        el('tbody', {}, rows),
      ]),
    ]),
  );
}

function renderEmails(emails) {
  $('#emails').replaceChildren(
    ...(emails.length
      ? emails.map((m) =>
          el('div', { class: 'email' }, [
            el('details', {}, [
              el('summary', { text: m.subject }),
              el('div', {
                class: 'meta',
                text: `To ${m.to.join(', ')}${m.cc.length ? `, cc ${m.cc.join(', ')}` : ''} · ${m.time}`,
              }),
              el('pre', { text: m.text }),
            ]),
            m.messageId ? customerReplies(m) : null,
          ]),
        )
      : [el('p', { class: 'empty', text: 'Nothing sent yet.' })]),
  );
}

// The sandbox plays the customer: the page picks what they say; the server writes the words and signs the email.
const SAYS = [
  ['promise', 'promises to pay'],
  ['dispute', 'disputes'],
  ['paid', "says it's paid"],
];
function customerReplies(m) {
  return el(
    'div',
    { class: 'customer-replies', role: 'group', 'aria-label': `Customer replies to ${m.subject}` },
    [
      el('span', { class: 'muted', text: 'Customer replies…' }),
      ...SAYS.map(([say, label]) =>
        el('button', {
          type: 'button',
          class: 'btn small',
          text: label,
          onclick: () =>
            outside('customer-reply', { messageId: m.messageId, say }, 'The customer replied').then((r) => {
              if (!r?.thread) return;
              // Straight to the card's thread, at its newest message: the suggestion card.
              openThread(r.thread.channel, r.thread.ts);
              $('#thread').scrollTop = $('#thread').scrollHeight;
            }),
        }),
      ),
    ],
  );
}

/** Something the outside world does (a customer's reply, a payment in Xero), then the page catches up. */
function outside(path, body, done) {
  return send(path, body, () => done);
}

function collectValues(root) {
  const values = {};
  for (const c of root.querySelectorAll('[data-block-id]')) {
    values[c.dataset.blockId] ??= {};
    const block = values[c.dataset.blockId];
    const kind = c.dataset.kind;
    if (kind === 'text') block[c.dataset.actionId] = { type: 'plain_text_input', value: c.value };
    else if (kind === 'date')
      block[c.dataset.actionId] = { type: 'datepicker', selected_date: c.value || null };
    else if (kind === 'select')
      block[c.dataset.actionId] = {
        type: 'static_select',
        selected_option: c.value ? { value: c.value } : null,
      };
    else {
      const ids = c.value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const t = kind;
      const v = t.startsWith('multi_')
        ? {
            type: t,
            [t.includes('users')
              ? 'selected_users'
              : t.includes('channels')
                ? 'selected_channels'
                : 'selected_conversations']: ids,
          }
        : {
            type: t,
            [t.includes('users')
              ? 'selected_user'
              : t.includes('channels')
                ? 'selected_channel'
                : 'selected_conversation']: ids[0] ?? null,
          };
      block[c.dataset.actionId] = v;
    }
  }
  return values;
}

let shownViewKey = null;
function renderModal(v) {
  const root = $('#modal-root');
  if (!v) {
    root.replaceChildren();
    shownViewKey = null;
    return;
  }
  const key = `${v.id}:${v.hash}:${JSON.stringify(v.errors ?? {})}`;
  if (key === shownViewKey) return;
  shownViewKey = key;
  const view = v.view;
  const body = el(
    'div',
    { class: 'body' },
    renderBlocks(view.blocks, { viewId: v.id, inModal: true, errors: v.errors }),
  );
  const close = () =>
    api('close', { viewId: v.id })
      .then(refresh)
      .catch((e) => toast(e.message));
  const submit = async (ev) => {
    ev.preventDefault();
    try {
      await api('submit', { viewId: v.id, values: collectValues(body) });
      await refresh();
    } catch (e) {
      toast(e.message);
    }
  };
  const form = el(
    'form',
    {
      class: 'modal',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'modal-title',
      onsubmit: submit,
    },
    [
      el('header', {}, [
        el('span', { id: 'modal-title', text: plain(view.title) }),
        el('button', { type: 'button', 'aria-label': 'Close', class: 'btn', text: '✕', onclick: close }),
      ]),
      body,
      el('footer', {}, [
        el('button', { type: 'button', class: 'btn', text: plain(view.close) || 'Cancel', onclick: close }),
        view.submit ? el('button', { type: 'submit', class: 'btn primary', text: plain(view.submit) }) : null,
      ]),
    ],
  );
  form.addEventListener('keydown', (e) => e.key === 'Escape' && close());
  root.replaceChildren(el('div', { class: 'modal-backdrop' }, [form]));
  (form.querySelector('textarea, input, select') ?? form.querySelector('button'))?.focus();
}

// --- Interaction ----------------------------------------------------------------------------------------
// Clicks run one at a time, in the order they were made. A click made while another is under way waits its turn:
// it used to be dropped without a word, so a payment recorded straight after an Accept never happened. A double
// click runs twice, as in Slack, and the service answers the second as already decided.
let turns = Promise.resolve();
function inTurn(work) {
  const run = turns.then(work);
  turns = run.catch(() => undefined);
  return run;
}

/** One request in its turn: says how it went (`say` picks the words from the answer), then catches the page up. */
function send(path, body, say) {
  return inTurn(async () => {
    try {
      const r = await api(path, body);
      const text = say(r);
      if (text) toast(text);
      await refresh();
      return r;
    } catch (e) {
      toast(e.message);
      return null;
    }
  });
}

function act(payload) {
  return send('action', payload, (r) => r.notice);
}

function selectChannel(id) {
  state.view = 'channel';
  state.channel = id;
  render();
}

function openThread(channel, ts) {
  state.thread = { channel, ts };
  $('#thread-drawer').hidden = false;
  renderThread();
  $('#close-thread').focus();
}
function closeThread() {
  state.thread = null;
  $('#thread-drawer').hidden = true;
}

let lastState = '';
// Refreshes overlap (a click's own and the change events'); an answer that arrives after a newer one is dropped,
// or an older picture of the workspace would be drawn over the newer and stay until the next change.
let refreshesAsked = 0;
let refreshDrawn = 0;
async function refresh() {
  const asked = ++refreshesAsked;
  const data = await api('state');
  if (asked < refreshDrawn) return;
  refreshDrawn = asked;
  // Redraw only when something changed: a redraw replaces the messages, which would cancel a click under way.
  const json = JSON.stringify(data);
  if (json === lastState) return;
  lastState = json;
  state.data = data;
  render();
}

$('#close-thread').addEventListener('click', closeThread);
$('#home-tab').addEventListener('click', async () => {
  state.view = 'home';
  render();
  await api('home', {}).catch((e) => toast(e.message));
  await refresh();
});
$('#command-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const input = $('#command');
  const text = input.value.trim();
  if (!text) return;
  try {
    const r = await api('command', { channel: state.channel, text });
    if (r.notice) toast(r.notice);
    input.value = '';
    await refresh();
  } catch (e) {
    toast(e.message);
  }
});
$('#advance').addEventListener('click', async () => {
  const b = $('#advance');
  b.disabled = true;
  try {
    const r = await api('advance', {});
    toast(`It is now ${r.todayLabel}`);
    await refresh();
  } catch (e) {
    toast(e.message);
  } finally {
    b.disabled = false;
  }
});

const events = new EventSource(`/demo/api/events?token=${encodeURIComponent(token)}`);
let pending = null;
events.addEventListener('change', () => {
  clearTimeout(pending);
  pending = setTimeout(() => refresh().catch(() => {}), 150);
});
refresh().catch((e) => toast(e.message));
