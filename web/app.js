// Clever hub page. Plain JS, no build step. Everything a store or a person typed is put on the
// page with textContent (never innerHTML), so product names like "<img onerror=...>" stay text.
'use strict';

(function () {
  const state = {
    csrf: '',
    user: null,
    connectors: [],
    conversationId: null,
    pollTimer: null,
    openStoreId: null,
    busy: false,
  };

  const $ = (id) => document.getElementById(id);
  const CATEGORY_LABELS = {
    customers: 'Customers', orders: 'Orders', products: 'Products', coupons: 'Coupons',
    refunds: 'Refunds', payments: 'Payments', payouts: 'Payouts', disputes: 'Disputes',
    reports: 'Reports',
  };
  const SUGGESTIONS = [
    'What were my sales last month?',
    'Top 5 products this year',
    'How many new customers did I get this month?',
    'Which coupons were used most?',
    'What is my refund rate this quarter?',
    'Show sales by week for the last 3 months',
  ];

  // ------------------------------------------------------------------ small DOM helpers
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
        else node.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function show(node, on) { node.hidden = !on; }

  function formatTime(iso) {
    if (!iso) return '';
    const d = new Date(iso.endsWith('Z') || /[+-]\d\d:\d\d$/.test(iso) ? iso : iso + 'Z');
    if (isNaN(d.getTime())) return iso;
    return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }
  function formatEta(seconds) {
    if (seconds === undefined || seconds === null || seconds < 0) return '';
    if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s left`;
    if (seconds < 3600) return `${Math.round(seconds / 60)} min left`;
    return `${(seconds / 3600).toFixed(1)} h left`;
  }
  // "net_sales" -> "Net sales"; labels that already read well are kept.
  function humanize(name) {
    const s = String(name);
    if (!/^[a-z0-9_]+$/.test(s)) return s;
    const t = s.replace(/_/g, ' ');
    return t.charAt(0).toUpperCase() + t.slice(1);
  }
  function formatNumber(v) {
    if (typeof v !== 'number') return String(v);
    // Amounts with cents keep both digits (29,140.40, not 29,140.4); whole numbers stay whole.
    const cents = Number.isInteger(v) ? 0 : 2;
    return v.toLocaleString(undefined, { minimumFractionDigits: cents, maximumFractionDigits: 2 });
  }

  // ------------------------------------------------------------------ API
  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') headers['X-CSRF-Token'] = state.csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, {
        method, headers, credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      return { ok: false, status: 0, data: { error: { message: 'Clever cannot be reached. Is the server running?' } } };
    }
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (res.status === 401 && path !== '/api/login' && state.user) showLogin('Your session ended. Please log in again.');
    return { ok: res.ok, status: res.status, data: data || {} };
  }
  function errorOf(r) {
    return (r.data && r.data.error) || { message: `Request failed (${r.status}).` };
  }

  // ------------------------------------------------------------------ login
  function showLogin(message) {
    state.user = null;
    state.csrf = '';
    stopPolling();
    show($('app-view'), false);
    show($('who'), false);
    show($('login-view'), true);
    const err = $('login-error');
    err.textContent = message || '';
    show(err, !!message);
    $('login-email').focus();
  }

  async function showApp(me) {
    state.user = me.user;
    state.csrf = me.csrf_token;
    $('who-merchant').textContent = me.user.merchant.name;
    $('who-email').textContent = me.user.email;
    show($('who'), true);
    show($('login-view'), false);
    show($('app-view'), true);
    renderSuggestions();
    await refreshConnectors();
    $('prompt-input').focus();
  }

  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = $('login-submit');
    button.disabled = true;
    const r = await api('POST', '/api/login', {
      email: $('login-email').value, password: $('login-password').value,
    });
    button.disabled = false;
    if (!r.ok) {
      const err = $('login-error');
      err.textContent = errorOf(r).message;
      show(err, true);
      return;
    }
    $('login-password').value = '';
    state.conversationId = null;
    clear($('messages'));
    await showApp(r.data);
  });

  $('logout').addEventListener('click', async () => {
    await api('POST', '/api/logout', {});
    state.conversationId = null;
    clear($('messages'));
    showLogin('');
  });

  $('new-chat').addEventListener('click', () => {
    state.conversationId = null;
    clear($('messages'));
    show($('empty-state'), true);
    $('prompt-input').focus();
  });

  // ------------------------------------------------------------------ connectors pop-up
  function summarize(sync) {
    if (!sync || !sync.length) return { state: 'pending', text: 'Waiting to sync' };
    const active = sync.filter((c) => c.state === 'syncing' || c.state === 'pending');
    const failed = sync.filter((c) => c.state === 'failed');
    if (active.length) {
      let done = 0, total = 0;
      for (const c of sync) { if (c.state !== 'not_available') { done += c.records_done; total += c.records_total; } }
      const pct = total > 0 ? Math.floor((100 * done) / total) : 0;
      return { state: 'syncing', text: `Syncing… ${pct}%` };
    }
    if (failed.length) return { state: 'failed', text: `${failed.length} failed` };
    const last = sync.map((c) => c.last_success_at).filter(Boolean).sort().pop();
    return { state: 'ok', text: last ? `Synced ${formatTime(last)}` : 'Synced' };
  }

  function renderConnectors() {
    const list = $('store-list');
    clear(list);
    const enabled = state.connectors.filter((c) => c.enabled);
    $('connectors-count').textContent = state.connectors.length ? String(enabled.length) : '';
    $('stores-on').textContent = enabled.length
      ? `Using ${enabled.map((c) => c.name).join(', ')}`
      : (state.connectors.length ? 'No store switched on' : 'No store connected yet');
    show($('no-stores'), state.connectors.length === 0);
    for (const c of state.connectors) {
      const s = summarize(c.sync);
      const toggle = el('input', {
        type: 'checkbox', 'aria-label': `Use ${c.name} in this conversation`,
        'data-store-id': c.id, class: 'store-toggle',
      });
      toggle.checked = !!c.enabled;
      toggle.addEventListener('change', () => setEnabled(c, toggle.checked, toggle));
      const li = el('li', { class: 'store', 'data-store-id': c.id },
        el('label', { class: 'switch' }, toggle, el('span', { class: 'slider' })),
        el('div', { class: 'info' },
          el('div', { class: 'name', text: c.name }),
          el('div', { class: 'sub' },
            el('span', { class: `pill ${s.state}`, text: s.text }), ' ', c.store_domain)),
        el('button', { type: 'button', class: 'ghost details', text: 'Details', onclick: () => openStore(c.id) }));
      list.append(li);
    }
    renderSuggestions();
    if (state.openStoreId !== null) renderStoreModal();
  }

  async function refreshConnectors() {
    const r = await api('GET', '/api/connectors');
    if (!r.ok) return;
    state.connectors = r.data.connectors || [];
    renderConnectors();
    const syncing = state.connectors.some((c) => summarize(c.sync).state === 'syncing' ||
      (c.sync || []).some((x) => x.state === 'pending'));
    if (syncing) startPolling(); else stopPolling();
  }
  function startPolling() {
    if (state.pollTimer) return;
    state.pollTimer = setInterval(refreshConnectors, 1000);
  }
  function stopPolling() {
    if (state.pollTimer) clearInterval(state.pollTimer);
    state.pollTimer = null;
  }

  async function setEnabled(c, on, toggle) {
    toggle.disabled = true;
    const r = await api('POST', `/api/connectors/${c.id}/enabled`, { enabled: on });
    toggle.disabled = false;
    if (!r.ok) { toggle.checked = !on; return; }
    c.enabled = on;
    renderConnectors();
  }

  function togglePopover(open) {
    const pop = $('connectors-popover');
    const want = open === undefined ? pop.hidden : open;
    show(pop, want);
    $('connectors-button').setAttribute('aria-expanded', String(want));
    if (!want) show($('providers'), false);
    if (want) refreshConnectors();
  }
  $('connectors-button').addEventListener('click', () => togglePopover());
  $('connectors-close').addEventListener('click', () => togglePopover(false));
  $('add-connector').addEventListener('click', () => show($('providers'), $('providers').hidden));
  $('provider-woocommerce').addEventListener('click', () => { togglePopover(false); openSetup(); });
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape') return;
    if (!$('setup-modal').hidden) closeSetup();
    else if (!$('store-modal').hidden) closeStore();
    else togglePopover(false);
  });

  // ------------------------------------------------------------------ WooCommerce setup
  function clearFieldErrors() {
    for (const e of document.querySelectorAll('#setup-form .field-error')) { clear(e); show(e, false); }
    for (const i of document.querySelectorAll('#setup-form input')) { i.classList.remove('invalid'); i.removeAttribute('aria-invalid'); }
    clear($('setup-warnings'));
    show($('setup-warnings'), false);
  }
  function showFieldError(error) {
    const field = ['name', 'url', 'consumer_key', 'consumer_secret'].includes(error.field) ? error.field : '';
    const slot = document.querySelector(`#setup-form .field-error[data-for="${field}"]`);
    clear(slot);
    slot.append(el('span', { class: 'message', text: error.message || 'Something is wrong here.' }));
    if (error.hint) slot.append(el('span', { class: 'hint', text: error.hint }));
    show(slot, true);
    if (field) {
      const input = document.querySelector(`#setup-form input[name="${field}"]`);
      input.classList.add('invalid');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }
  function openSetup() {
    clearFieldErrors();
    $('setup-form').reset();
    show($('setup-modal'), true);
    $('setup-name').focus();
  }
  function closeSetup() { show($('setup-modal'), false); }
  $('setup-close').addEventListener('click', closeSetup);
  $('setup-cancel').addEventListener('click', closeSetup);

  $('setup-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors();
    const button = $('setup-submit');
    button.disabled = true;
    button.textContent = 'Checking…';
    const r = await api('POST', '/api/connectors', {
      name: $('setup-name').value.trim(),
      url: $('setup-url').value.trim(),
      consumer_key: $('setup-key').value.trim(),
      consumer_secret: $('setup-secret').value.trim(),
    });
    button.disabled = false;
    button.textContent = 'Connect';
    if (!r.ok) { showFieldError(errorOf(r)); return; }
    $('setup-secret').value = '';
    closeSetup();
    await refreshConnectors();
    openStore(r.data.connector.id, r.data.warnings || []);
    startPolling();
  });

  // ------------------------------------------------------------------ store details
  function openStore(id, warnings) {
    state.openStoreId = id;
    togglePopover(false);
    const notice = $('store-notice');
    clear(notice);
    notice.classList.remove('bad');
    if (warnings && warnings.length) {
      for (const w of warnings) notice.append(el('div', { text: `${w.message} ${w.hint || ''}` }));
      show(notice, true);
    } else {
      show(notice, false);
    }
    show($('store-modal'), true);
    renderStoreModal();
  }
  function closeStore() { state.openStoreId = null; show($('store-modal'), false); }
  $('store-close').addEventListener('click', closeStore);

  function renderStoreModal() {
    const c = state.connectors.find((x) => x.id === state.openStoreId);
    if (!c) { closeStore(); return; }
    $('store-title').textContent = c.name;
    const meta = [c.store_url, `key ${c.key_hint}`];
    if (c.last_checked_at) meta.push(`checked ${formatTime(c.last_checked_at)}`);
    $('store-meta').textContent = meta.join(' · ');
    const body = $('sync-table').tBodies[0];
    clear(body);
    for (const s of c.sync || []) {
      const total = s.records_total || 0;
      const done = s.records_done || 0;
      const pct = total > 0 ? Math.min(100, (100 * done) / total) : (s.state === 'ok' ? 100 : 0);
      const bar = el('div', { class: `bar ${s.state === 'ok' ? 'done' : ''}` }, el('span'));
      bar.firstChild.style.width = `${pct}%`;
      let progressText = `${done.toLocaleString()} / ${total.toLocaleString()}`;
      let statusCell;
      if (s.state === 'not_available') {
        statusCell = el('td', null, el('span', { class: 'pill not_available', text: 'Not available on this store' }),
          s.reason ? el('div', { class: 'progress-text', text: s.reason }) : null);
        progressText = '—';
      } else if (s.state === 'ok') {
        statusCell = el('td', null, el('span', { class: 'pill ok', text: 'Synced' }),
          el('div', { class: 'progress-text', text: s.last_success_at ? `Last synced ${formatTime(s.last_success_at)}` : '' }));
      } else if (s.state === 'failed') {
        statusCell = el('td', null, el('span', { class: 'pill failed', text: 'Failed' }),
          el('div', { class: 'progress-text', text: [s.reason, s.hint].filter(Boolean).join(' ') }));
      } else if (s.state === 'syncing') {
        statusCell = el('td', null, el('span', { class: 'pill syncing', text: 'Syncing' }),
          el('div', { class: 'progress-text', text: formatEta(s.eta_s) }));
      } else {
        statusCell = el('td', null, el('span', { class: 'pill pending', text: 'Waiting' }));
      }
      body.append(el('tr', { 'data-category': s.category, 'data-state': s.state },
        el('td', { text: CATEGORY_LABELS[s.category] || s.category }),
        el('td', null, s.state === 'not_available' ? null : bar, el('div', { class: 'progress-text', text: progressText })),
        statusCell));
    }
  }

  $('store-remove').addEventListener('click', async () => {
    const c = state.connectors.find((x) => x.id === state.openStoreId);
    if (!c) return;
    if (!window.confirm(`Remove ${c.name}? Its synced data is deleted from Clever.`)) return;
    const r = await api('DELETE', `/api/connectors/${c.id}`);
    if (!r.ok) { storeNotice(errorOf(r), true); return; }
    closeStore();
    await refreshConnectors();
  });
  $('store-test').addEventListener('click', async () => {
    const c = state.connectors.find((x) => x.id === state.openStoreId);
    if (!c) return;
    $('store-test').disabled = true;
    const r = await api('POST', `/api/connectors/${c.id}/test`, {});
    $('store-test').disabled = false;
    if (!r.ok) { storeNotice(errorOf(r), true); return; }
    const warnings = r.data.warnings || [];
    storeNotice({ message: warnings.length ? warnings.map((w) => w.message).join(' ') : 'The connection works.' }, false);
    await refreshConnectors();
  });
  $('store-sync').addEventListener('click', async () => {
    const c = state.connectors.find((x) => x.id === state.openStoreId);
    if (!c) return;
    const r = await api('POST', `/api/connectors/${c.id}/sync`, {});
    if (!r.ok) { storeNotice(errorOf(r), true); return; }
    await refreshConnectors();
    startPolling();
  });
  function storeNotice(error, bad) {
    const n = $('store-notice');
    clear(n);
    n.append(el('div', { text: error.message || '' }));
    if (error.hint) n.append(el('div', { class: 'small muted', text: error.hint }));
    n.classList.toggle('bad', !!bad);
    show(n, true);
  }

  // ------------------------------------------------------------------ chat
  function renderSuggestions() {
    const box = $('suggestions');
    clear(box);
    const hint = $('empty-hint');
    if (!state.connectors.length) {
      hint.textContent = 'Start by connecting your WooCommerce store: “+ Data connectors” → “Add new data connector”.';
      box.append(el('button', { type: 'button', class: 'suggestion', text: '+ Connect a WooCommerce store',
        onclick: () => { togglePopover(true); show($('providers'), true); } }));
      return;
    }
    hint.textContent = 'Ask about sales, orders, products, customers, coupons, refunds, payments, payouts, disputes and reports.';
    for (const q of SUGGESTIONS) {
      box.append(el('button', { type: 'button', class: 'suggestion', text: q, onclick: () => ask(q) }));
    }
  }

  const promptInput = $('prompt-input');
  promptInput.addEventListener('input', () => {
    promptInput.style.height = 'auto';
    promptInput.style.height = `${Math.min(promptInput.scrollHeight, 160)}px`;
  });
  promptInput.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); $('prompt-form').requestSubmit(); }
  });
  $('prompt-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = promptInput.value.trim();
    if (!q || state.busy) return;
    promptInput.value = '';
    promptInput.style.height = 'auto';
    ask(q);
  });

  async function ensureConversation() {
    if (state.conversationId) return true;
    const r = await api('POST', '/api/conversations', {});
    if (!r.ok) return false;
    state.conversationId = r.data.conversation.id;
    return true;
  }

  function scrollToEnd() { window.scrollTo({ top: document.body.scrollHeight, behavior: 'smooth' }); }

  async function ask(question) {
    if (state.busy) return;
    state.busy = true;
    $('send-button').disabled = true;
    togglePopover(false);
    show($('empty-state'), false);
    const list = $('messages');
    list.append(el('li', { class: 'msg-user', text: question }));
    const card = el('li', { class: 'msg-assistant card' },
      el('div', { class: 'status-line' }, el('span', { class: 'dot' }), el('span', { class: 'status-text', text: 'Thinking…' })));
    list.append(card);
    scrollToEnd();
    try {
      if (!(await ensureConversation())) throw { message: 'Could not start a conversation.' };
      await streamAnswer(question, card);
    } catch (e) {
      renderError(card, e && e.message ? e : { message: 'Something went wrong.' });
    } finally {
      state.busy = false;
      $('send-button').disabled = false;
      scrollToEnd();
    }
  }

  async function streamAnswer(question, card) {
    const res = await fetch(`/api/conversations/${state.conversationId}/messages`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', 'X-CSRF-Token': state.csrf },
      body: JSON.stringify({ question }),
    });
    const type = res.headers.get('Content-Type') || '';
    if (!res.ok || !type.startsWith('text/event-stream')) {
      let data = {};
      try { data = await res.json(); } catch (e) { /* not JSON */ }
      throw (data.error || { message: `Request failed (${res.status}).` });
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let finished = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let name = 'message', data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) name = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        let payload = null;
        try { payload = JSON.parse(data); } catch (e) { continue; }
        if (name === 'status') {
          const t = card.querySelector('.status-text');
          if (t) t.textContent = payload.state === 'thinking' ? 'Thinking…' : 'Writing the answer…';
        } else if (name === 'text') {
          const line = card.querySelector('.status-line');
          if (line) line.after(el('div', { class: 'answer-text', text: payload.text || '' }));
        } else if (name === 'done') {
          renderAnswer(card, payload.answer || {});
          finished = true;
        } else if (name === 'error') {
          throw (payload.error || { message: 'The assistant failed.' });
        }
      }
    }
    if (!finished) throw { message: 'The answer was cut off. Please ask again.' };
  }

  function renderError(card, error) {
    clear(card);
    card.className = 'msg-assistant card error';
    card.append(el('div', { class: 'answer-text', text: error.message || 'Something went wrong.' }));
    if (error.hint) card.append(el('div', { class: 'small muted', text: error.hint }));
  }

  function isNumeric(v) {
    return typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && /^-?[\d,]*\.?\d+%?$/.test(v.trim()));
  }

  function renderTable(table) {
    const columns = Array.isArray(table.columns) ? table.columns : [];
    const rows = Array.isArray(table.rows) ? table.rows : [];
    if (!columns.length && !rows.length) return null;
    const numericCol = columns.map((_, i) => rows.length > 0 && rows.every((r) => Array.isArray(r) && (r[i] === null || isNumeric(r[i]))));
    const thead = el('thead', null, el('tr', null, ...columns.map((c, i) =>
      el('th', { class: numericCol[i] ? 'num' : null, text: typeof c === 'object' && c ? (c.label || c.name || '') : humanize(c) }))));
    const tbody = el('tbody', null, ...rows.slice(0, 200).map((r) => el('tr', null,
      ...(Array.isArray(r) ? r : [r]).map((v, i) => el('td', {
        class: numericCol[i] ? 'num' : null,
        text: v === null || v === undefined ? '—' : (typeof v === 'number' ? formatNumber(v) : (typeof v === 'object' ? JSON.stringify(v) : String(v))),
      })))));
    return el('div', { class: 'answer-table-wrap' }, el('table', { class: 'answer-table' }, thead, tbody));
  }

  // Accepts the assistant's chart spec in a few shapes ({type|kind, x|labels|categories,
  // series:[{name|label, values|data}]}) and falls back to the table's first numeric column.
  function chartData(answer) {
    const spec = answer.chart && typeof answer.chart === 'object' ? answer.chart : null;
    const table = answer.table && typeof answer.table === 'object' ? answer.table : null;
    let kind = 'bar', labels = null, series = [];
    const cols = table && Array.isArray(table.columns) ? table.columns.map(String) : [];
    const rows = table && Array.isArray(table.rows) ? table.rows.filter(Array.isArray) : [];
    const toNumber = (v) => (typeof v === 'number' ? v : parseFloat(String(v).replace(/[^0-9.\-]/g, '')));
    if (spec && typeof spec.x === 'string' && rows.length) {
      // query's spec names the table's columns: {kind, x, y, series: [column names]}.
      kind = String(spec.kind || spec.type || 'bar').toLowerCase();
      const xi = cols.indexOf(spec.x);
      const names = Array.isArray(spec.series) && spec.series.length ? spec.series.map(String) : [String(spec.y || '')];
      const picked = names.map((n) => ({ n, i: cols.indexOf(n) })).filter((p) => p.i >= 0);
      if (xi >= 0 && picked.length) {
        labels = rows.map((r) => String(r[xi]));
        series = picked.map((p) => ({ name: humanize(p.n), values: rows.map((r) => toNumber(r[p.i])) }));
      }
    } else if (spec) {
      kind = String(spec.type || spec.kind || 'bar').toLowerCase();
      labels = [spec.x, spec.labels, spec.categories, spec.x_axis && spec.x_axis.values].find(Array.isArray) || null;
      const raw = Array.isArray(spec.series) ? spec.series.filter((s) => s && typeof s === 'object') : (Array.isArray(spec.values || spec.data) ? [{ name: spec.y_label || '', values: spec.values || spec.data }] : []);
      series = raw.map((s) => ({
        name: String(s.name || s.label || ''),
        values: (s.values || s.data || s.y || []).map((v) => (typeof v === 'number' ? v : parseFloat(String(v).replace(/,/g, '')))),
      }));
      if (!labels && Array.isArray(spec.points)) {
        labels = spec.points.map((p) => p.x);
        series = [{ name: String(spec.y_label || ''), values: spec.points.map((p) => Number(p.y)) }];
      }
    }
    if ((!labels || !series.length) && table && Array.isArray(table.rows) && table.rows.length > 1) {
      const cols = table.columns || [];
      const idx = cols.findIndex((_, i) => i > 0 && table.rows.every((r) => isNumeric(r[i])));
      if (idx > 0) {
        labels = table.rows.map((r) => String(r[0]));
        series = [{ name: String(cols[idx]), values: table.rows.map((r) => parseFloat(String(r[idx]).replace(/,/g, ''))) }];
      }
    }
    if (!labels || !series.length || labels.length < 2) return null;
    if (!['bar', 'line', 'pie', 'doughnut'].includes(kind)) kind = kind.includes('line') || kind.includes('time') ? 'line' : 'bar';
    return { kind, labels: labels.map(String), series };
  }

  function drawChart(container, data) {
    if (typeof window.Chart !== 'function') return;
    const canvas = el('canvas', { role: 'img', 'aria-label': 'Chart of the answer' });
    container.append(canvas);
    const palette = ['#5b4fe0', '#1f9d6b', '#e0784f', '#b7791f', '#3b82c4'];
    new window.Chart(canvas, {
      type: data.kind,
      data: {
        labels: data.labels,
        datasets: data.series.map((s, i) => ({
          label: s.name, data: s.values,
          backgroundColor: data.kind === 'line' ? 'rgba(91,79,224,0.12)' : palette[i % palette.length],
          borderColor: palette[i % palette.length], borderWidth: 2, fill: data.kind === 'line',
          tension: 0.25, borderRadius: 6, pointRadius: 3,
        })),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: data.series.length > 1 } },
        scales: data.kind === 'pie' || data.kind === 'doughnut' ? {} : { y: { beginAtZero: true } },
      },
    });
  }

  function howIGotThis(answer) {
    const dl = el('dl');
    const add = (label, value) => { if (value !== undefined && value !== null && value !== '') dl.append(el('dt', { text: label }), el('dd', null, value)); };
    const defs = answer.definitions || (answer.plan && answer.plan.definitions);
    if (Array.isArray(defs) && defs.length) add('Definitions', el('div', null, ...defs.map((d) => el('div', { text: typeof d === 'string' ? d : JSON.stringify(d) }))));
    else if (defs && typeof defs === 'object') add('Definitions', el('div', null, ...Object.entries(defs).map(([k, v]) => el('div', { text: `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}` }))));
    if (Array.isArray(answer.categories) && answer.categories.length) add('Data used', answer.categories.map((c) => CATEGORY_LABELS[c] || c).join(', '));
    const fresh = [];
    if (answer.freshness) fresh.push(String(answer.freshness));
    else if (answer.synced_at) fresh.push(`as of the last sync, ${formatTime(answer.synced_at)}`);
    if (answer.as_of) fresh.push(`“today” = ${answer.as_of}`);
    if (fresh.length) add('Freshness', fresh.join('; '));
    if (answer.plan) add('Plan', el('pre', { text: typeof answer.plan === 'string' ? answer.plan : JSON.stringify(answer.plan, null, 2) }));
    if (!dl.childNodes.length) return null;
    return el('details', { class: 'how' }, el('summary', { text: 'How I got this' }), dl);
  }

  function followUps(answer) {
    let items = Array.isArray(answer.follow_ups) ? answer.follow_ups.filter((x) => typeof x === 'string') : null;
    if (!items || !items.length) {
      items = answer.status === 'answered'
        ? ['And the month before?', 'Break that down by product', 'Show it by week']
        : SUGGESTIONS.slice(0, 3);
    }
    return el('div', { class: 'follow-ups' }, ...items.slice(0, 4).map((q) =>
      el('button', { type: 'button', class: 'follow-up', text: q, onclick: () => ask(q) })));
  }

  function renderAnswer(card, answer) {
    clear(card);
    const status = answer.status || 'answered';
    card.className = `msg-assistant card ${status === 'answered' ? '' : 'refusal'}`;
    card.setAttribute('data-status', status);
    if (status === 'out_of_scope') card.append(el('span', { class: 'badge refused', text: 'Outside what I can see' }));
    if (status === 'insufficient_data') card.append(el('span', { class: 'badge refused', text: 'Not enough data' }));
    if (status === 'answered' && answer.value !== null && answer.value !== undefined && typeof answer.value === 'number') {
      card.append(el('div', { class: 'figure', text: answer.value_text || formatNumber(answer.value) }));
    }
    card.append(el('div', { class: 'answer-text', text: answer.answer || answer.text || '' }));
    if (answer.table && typeof answer.table === 'object') {
      const t = renderTable(answer.table);
      if (t) card.append(t);
    }
    let data = null;
    try { data = status === 'answered' ? chartData(answer) : null; } catch (e) { data = null; }
    if (data) {
      const wrap = el('div', { class: 'chart-wrap' });
      card.append(wrap);
      try { drawChart(wrap, data); } catch (e) { wrap.remove(); }
    }
    const how = howIGotThis(answer);
    if (how) card.append(how);
    card.append(followUps(answer));
  }

  // ------------------------------------------------------------------ boot
  (async function boot() {
    const r = await api('GET', '/api/me');
    if (r.ok) await showApp(r.data); else showLogin('');
  })();
})();
