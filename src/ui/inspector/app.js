// The whk inspector: a live list of what `whk listen` recorded, one event's detail, replay.
// Plain browser JavaScript, no build step, nothing fetched from elsewhere; the HTTP contract it
// relies on is src/ui/inspector/API.md. Data only ever reaches the page through textContent,
// never as HTML, so a hostile event body cannot run script here.
'use strict';

const API = '/_whk/api';
// The per-run token the server wrote into the page; the replay endpoint refuses requests without it.
const TOKEN = document.querySelector('meta[name="whk-token"]').content;
// Headers left out of "Copy as curl": the signature (whk never shows a secret, and a stale one
// would be refused anyway), those curl computes itself, and values the server masked.
const CURL_SKIPPED = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'accept-encoding', 'expect']);
const PAGE_SIZE = 200;

const $ = (id) => document.getElementById(id);
const view = {
  events: [], // Summaries shown, newest first
  selected: -1, // index in events of the keyboard selection
  detail: null, // the open event's full record
  pretty: true,
  more: false, // whether older events exist beyond the last page
  shownFilters: null, // the filters (as a query string) the shown list was loaded with
};

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'role' || key === 'title') node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(API + path, { cache: 'no-store', ...options });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // An answer that is not JSON is reported below with its status.
  }
  if (!response.ok) {
    const reason = (data && data.error) || text.trim() || response.statusText;
    throw new Error(`${response.status}: ${reason}`);
  }
  return data;
}

// ---- time and text helpers ----

function clock(iso) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso || '';
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`;
  const today = new Date().toDateString() === at.toDateString();
  return today ? time : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}

function bodyText(event) {
  if (event.body_encoding !== 'base64') return event.body;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(event.body), (c) => c.charCodeAt(0)));
  } catch {
    return null; // not UTF-8: only the base64 form can be shown
  }
}

// Re-indents JSON text token by token. Unlike JSON.parse + stringify it keeps every literal as
// written, so a large integer or 1.50 shows as received.
function reindent(text) {
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  let out = '';
  let depth = 0;
  const newline = () => '\n' + '  '.repeat(depth);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      const next = text.slice(i + 1).search(/\S/);
      if (text[i + 1 + next] === close) {
        out += c + close;
        i += next + 1;
      } else {
        depth++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out += newline() + c;
    } else if (c === ',') {
      out += ',' + newline();
    } else if (c === ':') {
      out += ': ';
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

function shellQuote(text) {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

// ---- filters ----

function filterParams() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData($('filters'))) {
    if (String(value).trim()) params.set(name, String(value).trim());
  }
  return params;
}

function filtersActive() {
  return [...filterParams().keys()].length > 0;
}

// The filters live in the page's query string too, so a reload or a shared link keeps them.
function restoreFilters() {
  const params = new URLSearchParams(location.search);
  for (const field of $('filters').elements) {
    if (field.name && params.has(field.name)) field.value = params.get(field.name);
  }
}

// The form's filters changed since the shown list was loaded: its rows answer an older question.
function listStale() {
  return view.shownFilters !== filterParams().toString();
}

// The list shows every event, and the form asks for that still: arrivals can be added to it here.
function showingEverything() {
  return view.shownFilters === '' && !filtersActive();
}

function rememberFilters() {
  const query = filterParams().toString();
  history.replaceState(null, '', query ? `?${query}` : location.pathname);
}

// ---- the list ----

// Each fresh load takes a ticket; an answer that comes back after a newer load started is dropped,
// so a slow answer to old filters never replaces the list the current filters asked for.
let listTicket = 0;

async function loadList({ older = false } = {}) {
  const filters = filterParams();
  const shown = filters.toString();
  const params = new URLSearchParams(filters);
  params.set('limit', String(PAGE_SIZE));
  if (older && view.events.length) params.set('before', String(view.events[view.events.length - 1].seq));
  const ticket = older ? listTicket : ++listTicket;
  try {
    const { events } = await api(`/events?${params}`);
    if (ticket !== listTicket) return;
    const selectedSeq = view.events[view.selected]?.seq;
    if (older) {
      view.events = view.events.concat(events);
    } else {
      // An unfiltered arrival shown while this request was on its way may be newer than the answer.
      const newest = events.length ? events[0].seq : -1;
      const everything = shown === '' && view.shownFilters === '';
      const arrived = everything ? view.events.filter((e) => e.seq > newest) : [];
      view.events = arrived.concat(events);
      view.shownFilters = shown;
    }
    view.more = events.length === PAGE_SIZE;
    const keep = view.events.findIndex((e) => e.seq === selectedSeq);
    view.selected = keep >= 0 ? keep : Math.min(view.selected, view.events.length - 1);
    $('list-error').hidden = true;
  } catch (err) {
    if (ticket !== listTicket) return;
    $('list-error').textContent = `Cannot load events (${err.message}).`;
    $('list-error').hidden = false;
  }
  renderList();
}

function row(summary, index) {
  const verdict = summary.verdict && !summary.verdict.accepted ? ` · rejected: ${summary.verdict.reason || 'no reason given'}` : '';
  const attempts = summary.attempts === 1 ? '1 attempt' : `${summary.attempts} attempts`;
  const item = el(
    'li',
    {
      id: `event-${summary.seq}`,
      role: 'option',
      'aria-selected': String(index === view.selected),
      'data-seq': String(summary.seq),
      'data-type': summary.type || '',
      'data-state': summary.state,
    },
    el('span', { class: 'time', text: clock(summary.received_at), title: summary.received_at }),
    el('span', { class: 'provider', text: summary.provider || '?' }),
    el('span', { class: 'type', text: summary.type || '(no type)' }),
    el('span', { class: `badge state-${summary.state}`, text: summary.state }),
    el('span', {
      class: 'sub',
      text: `#${summary.seq} ${summary.event_id || '(no id)'} · from ${summary.source || '?'} · ${attempts}${summary.target ? ` → ${summary.target}` : ''}${verdict}`,
    }),
  );
  if (view.detail && view.detail.seq === summary.seq) item.classList.add('open');
  item.addEventListener('click', () => {
    select(index);
    openEvent(summary.seq);
  });
  return item;
}

function renderList() {
  const list = $('events');
  list.replaceChildren(...view.events.map(row));
  const current = view.events[view.selected];
  if (current) list.setAttribute('aria-activedescendant', `event-${current.seq}`);
  else list.removeAttribute('aria-activedescendant');
  // Busy from a filter change until a list loaded with the new filters is shown.
  list.setAttribute('aria-busy', String(listStale()));
  $('list-empty').hidden = view.events.length > 0;
  $('load-older').hidden = !view.more;
}

function select(index) {
  if (!view.events.length) return;
  view.selected = Math.max(0, Math.min(index, view.events.length - 1));
  for (const item of $('events').children) item.setAttribute('aria-selected', 'false');
  const item = $(`event-${view.events[view.selected].seq}`);
  item.setAttribute('aria-selected', 'true');
  $('events').setAttribute('aria-activedescendant', item.id);
  item.scrollIntoView({ block: 'nearest' });
}

// ---- live updates ----

let refreshTimer = null;
let statusTimer = null;

// Bursts of events cost one request, not one per event.
function refreshListSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => loadList(), 150);
}

function refreshStatusSoon() {
  clearTimeout(statusTimer);
  statusTimer = setTimeout(loadStatus, 150);
}

function onArrival(summary) {
  refreshStatusSoon();
  // The server owns the filter rules (they match `whk log`'s); with any filter set, ask it. Ask it
  // too while the filters just changed: the rows shown then answer the old filters.
  if (!showingEverything()) return refreshListSoon();
  if (view.events.some((e) => e.seq === summary.seq)) return;
  view.events.unshift(summary);
  if (view.selected >= 0) view.selected++;
  renderList();
}

function onDelivery(update) {
  refreshStatusSoon();
  const summary = view.events.find((e) => e.seq === update.seq);
  if (summary) {
    summary.state = update.state;
    summary.attempts = (summary.attempts || 0) + 1;
    if (update.attempt && update.attempt.target) summary.target = update.attempt.target;
  }
  if (showingEverything()) renderList();
  else refreshListSoon();
  if (view.detail && view.detail.seq === update.seq) openEvent(update.seq, { keepEdits: true });
}

function connect() {
  const live = $('live');
  const stream = new EventSource(`${API}/stream`);
  stream.addEventListener('open', () => {
    live.dataset.live = 'open';
    live.textContent = 'Live';
    // Whatever happened while disconnected is in the store: catch up from there.
    loadList();
    loadStatus();
  });
  stream.addEventListener('error', () => {
    live.dataset.live = 'closed';
    live.textContent = 'Reconnecting… (is whk listen still running?)';
  });
  stream.addEventListener('event', (message) => onArrival(JSON.parse(message.data)));
  stream.addEventListener('delivery', (message) => onDelivery(JSON.parse(message.data)));
}

async function loadStatus() {
  try {
    const status = await api('/status');
    $('status-targets').textContent = status.targets.length ? status.targets.join(', ') : 'none (whk is the endpoint)';
    for (const name of ['pending', 'failed', 'delivered', 'rejected', 'total']) {
      const field = $(`status-${name}`);
      field.textContent = String(status[name]);
      field.toggleAttribute('data-nonzero', status[name] > 0);
    }
  } catch {
    // The live indicator already says when the server is gone.
  }
}

// ---- the detail pane ----

async function openEvent(seq, { keepEdits = false } = {}) {
  let event;
  try {
    event = await api(`/events/${seq}`);
  } catch (err) {
    showResult(`Cannot open event #${seq} (${err.message}).`, true);
    return;
  }
  const changed = !view.detail || view.detail.seq !== seq;
  view.detail = event;
  for (const item of $('events').children) item.classList.toggle('open', item.dataset.seq === String(seq));
  $('detail-heading').textContent = `${event.type || '(no type)'} · ${event.event_id || '(no id)'}`;
  $('detail-hint').hidden = true;
  $('detail-body').hidden = false;
  renderMeta(event);
  renderBody();
  renderHeaders(event.headers || []);
  renderAttempts(event.attempts || []);
  if (changed) {
    $('replay-target').value = event.target || '';
    $('replay').disabled = false;
    showResult('');
    $('clipboard-panel').hidden = true;
    if (!keepEdits) closeEditor();
    updateFixtureLink(event);
  }
}

function renderMeta(event) {
  const verdict = event.verdict || {};
  const rows = [
    ['Seq', `#${event.seq}`],
    ['Provider', event.provider || '?'],
    ['Received', event.received_at],
    ['From', event.source || '?'],
    ['Verdict', verdict.accepted ? 'accepted (signature verified)' : `rejected: ${verdict.reason || 'no reason given'}`],
    ['State', event.state],
    ['Target', event.target || '(none: whk was the endpoint)'],
  ];
  $('detail-meta').replaceChildren(...rows.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', { text: value, 'data-field': name.toLowerCase() })]));
}

function renderBody() {
  const event = view.detail;
  const text = bodyText(event);
  const pretty = text != null ? reindent(text) : null;
  $('body-pretty').disabled = pretty == null;
  const showPretty = view.pretty && pretty != null;
  $('body-pretty').setAttribute('aria-pressed', String(showPretty));
  $('body-raw').setAttribute('aria-pressed', String(!showPretty));
  if (showPretty) $('body').textContent = pretty;
  else if (text != null) $('body').textContent = text;
  else $('body').textContent = `(not UTF-8; base64 of the exact bytes)\n${event.body}`;
  $('body').dataset.view = showPretty ? 'pretty' : 'raw';
}

function renderHeaders(headers) {
  $('headers').tBodies[0].replaceChildren(...headers.map(([name, value]) => el('tr', {}, el('th', { scope: 'row', text: name }), el('td', { text: value }))));
}

function renderAttempts(attempts) {
  const list = $('attempts');
  if (!attempts.length) {
    list.replaceChildren(el('li', { class: 'empty', text: 'No delivery attempt yet.' }));
    return;
  }
  list.replaceChildren(
    ...attempts.map((attempt, index) => {
      const outcome = attempt.error ? `error: ${attempt.error}` : `HTTP ${attempt.status}`;
      const duration = attempt.duration_ms != null ? ` in ${attempt.duration_ms} ms` : '';
      const kind = attempt.replay ? (attempt.edited ? ' · edited replay' : ' · replay') : '';
      const item = el(
        'li',
        { 'data-status': attempt.status == null ? '' : String(attempt.status), 'data-replay': String(Boolean(attempt.replay)) },
        el('div', { class: 'line', text: `${clock(attempt.at)} → ${attempt.target}: ${outcome}${duration}${kind}`, title: attempt.at }),
      );
      if (attempt.answer) {
        const answer = attempt.answer;
        const table = el('table', { class: 'kv' }, el('tbody', {}, ...(answer.headers || []).map(([n, v]) => el('tr', {}, el('th', { scope: 'row', text: n }), el('td', { text: v })))));
        item.append(
          el(
            'details',
            { open: index === attempts.length - 1 },
            el('summary', { text: `The app answered ${answer.status}` }),
            table,
            el('pre', { class: 'answer-body', text: answer.body || '(empty body)' }),
          ),
        );
      }
      return item;
    }),
  );
}

// ---- actions ----

function showResult(message, isError = false) {
  $('action-result').textContent = message;
  $('action-result').classList.toggle('error', isError);
}

async function replay(body) {
  const event = view.detail;
  if (!event) return;
  const typed = $('replay-target').value.trim();
  const target = typed && typed !== event.target ? typed : null;
  if (!target && !event.target) {
    showResult('This event had no target: type a URL in "Replay to" first.', true);
    $('replay-target').focus();
    return;
  }
  $('replay').disabled = true;
  showResult(`Replaying ${event.event_id || `#${event.seq}`} to ${target || event.target}…`);
  try {
    const { attempt } = await api(`/events/${event.seq}/replay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Whk-Token': TOKEN },
      body: JSON.stringify({ target, body: body ?? null }),
    });
    const outcome = attempt.error ? `failed: ${attempt.error}` : `the app answered ${attempt.status} in ${attempt.duration_ms} ms`;
    showResult(`Replayed${body != null ? ' (edited)' : ''} to ${attempt.target}: ${outcome}.`, Boolean(attempt.error) || attempt.status >= 400);
    if (body != null) closeEditor();
  } catch (err) {
    showResult(`Replay refused: ${err.message}`, true);
  } finally {
    $('replay').disabled = false;
    if (view.detail && view.detail.seq === event.seq) openEvent(event.seq, { keepEdits: true });
  }
}

function openEditor() {
  const event = view.detail;
  const text = bodyText(event);
  if (text == null) {
    showResult('This body is not UTF-8 text, so it cannot be edited here.', true);
    return;
  }
  $('edit-body').value = reindent(text) ?? text;
  $('edit-error').hidden = true;
  $('edit-form').hidden = false;
  $('edit-replay').setAttribute('aria-expanded', 'true');
  $('edit-body').focus();
}

function closeEditor() {
  $('edit-form').hidden = true;
  $('edit-replay').setAttribute('aria-expanded', 'false');
}

function sendEdited(submit) {
  submit.preventDefault();
  const text = $('edit-body').value;
  try {
    JSON.parse(text);
  } catch (err) {
    $('edit-error').textContent = `Not valid JSON: ${err.message}. Nothing was sent.`;
    $('edit-error').hidden = false;
    $('edit-body').focus();
    return;
  }
  $('edit-error').hidden = true;
  replay(text);
}

function curlCommand(event) {
  const skipped = [];
  const headerArgs = [];
  for (const [name, value] of event.headers || []) {
    const lower = name.toLowerCase();
    if (CURL_SKIPPED.has(lower) || lower.startsWith('x-whk-')) continue;
    if (lower.includes('signature') || value === '***') {
      skipped.push(name);
      continue;
    }
    headerArgs.push(`  -H ${shellQuote(`${name}: ${value}`)} \\`);
  }
  const target = event.target || `${location.origin}/`;
  const lines = [`# ${event.provider || ''} ${event.type || ''} ${event.event_id || ''} (seq ${event.seq}), as whk received it.`];
  if (skipped.length) {
    lines.push(`# Left out: ${skipped.join(', ')} (whk never shows a secret or a signature).`);
  }
  lines.push(`# An app that verifies signatures will refuse this; to send it signed: whk replay ${event.event_id || ''} --to ${target}`);
  const text = bodyText(event);
  if (text != null) {
    lines.push(`curl -sS -X POST ${shellQuote(target)} \\`, ...headerArgs, `  --data-raw ${shellQuote(text)}`);
  } else {
    lines.push(`printf %s ${shellQuote(event.body)} | base64 -d | curl -sS -X POST ${shellQuote(target)} \\`, ...headerArgs, '  --data-binary @-');
  }
  return lines.join('\n');
}

async function copy(text, what) {
  $('clipboard').value = text;
  $('clipboard-panel').hidden = false;
  try {
    await navigator.clipboard.writeText(text);
    showResult(`Copied ${what} to the clipboard.`);
  } catch {
    $('clipboard').select();
    showResult(`The browser refused the clipboard: ${what} is selected below, press Ctrl+C.`);
  }
}

function updateFixtureLink(event) {
  const link = $('download-fixture');
  if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
  const bytes = event.body_encoding === 'base64' ? Uint8Array.from(atob(event.body), (c) => c.charCodeAt(0)) : event.body;
  link.href = URL.createObjectURL(new Blob([bytes], { type: 'application/json' }));
  link.download = `${(event.event_id || `event-${event.seq}`).replace(/[^\w.-]/g, '_')}.json`;
}

// ---- keyboard ----

function typingIn(target) {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable;
}

function onKey(key) {
  if (key.ctrlKey || key.metaKey || key.altKey) return;
  if (key.key === 'Escape') {
    if (!$('edit-form').hidden && key.target === $('edit-body')) closeEditor();
    if (typingIn(key.target)) $('events').focus();
    return;
  }
  if (typingIn(key.target)) return;
  const onControl = key.target instanceof HTMLButtonElement || key.target instanceof HTMLAnchorElement || key.target.tagName === 'SUMMARY';
  switch (key.key) {
    case 'j':
    case 'ArrowDown':
      select(view.selected + 1);
      $('events').focus();
      break;
    case 'k':
    case 'ArrowUp':
      select(view.selected - 1);
      $('events').focus();
      break;
    case 'Enter':
      if (onControl) return; // a focused button or link keeps its own Enter
      if (view.events[view.selected]) openEvent(view.events[view.selected].seq);
      break;
    case '/':
      $('filter-search').focus();
      break;
    case 'r':
      if (view.detail) replay(null);
      break;
    default:
      return;
  }
  key.preventDefault();
}

// ---- wiring ----

let filterTimer = null;
function onFilterChange() {
  clearTimeout(filterTimer);
  $('events').setAttribute('aria-busy', 'true');
  filterTimer = setTimeout(() => {
    rememberFilters();
    loadList();
  }, 200);
}

function start() {
  restoreFilters();
  $('filters').addEventListener('input', onFilterChange);
  $('filters').addEventListener('reset', () => setTimeout(onFilterChange)); // after the fields are cleared
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('load-older').addEventListener('click', () => loadList({ older: true }));
  $('body-pretty').addEventListener('click', () => {
    view.pretty = true;
    renderBody();
  });
  $('body-raw').addEventListener('click', () => {
    view.pretty = false;
    renderBody();
  });
  $('replay').addEventListener('click', () => replay(null));
  $('edit-replay').addEventListener('click', () => ($('edit-form').hidden ? openEditor() : closeEditor()));
  $('edit-cancel').addEventListener('click', closeEditor);
  $('edit-form').addEventListener('submit', sendEdited);
  $('copy-curl').addEventListener('click', () => copy(curlCommand(view.detail), 'the curl command'));
  $('copy-fixture').addEventListener('click', () => copy(bodyText(view.detail) ?? view.detail.body, 'the event as a fixture file'));
  document.addEventListener('keydown', onKey);
  loadList();
  loadStatus();
  connect();
}

start();
