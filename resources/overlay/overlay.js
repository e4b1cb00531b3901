// Seller Console overlay page. Loads a snapshot, follows the console's SSE stream, and
// shows each state `delay` seconds after it was published (the stream's own delay, so the
// card changes when viewers see the host present the product). Never applies an older
// version than the one shown. Untrusted text goes in through textContent only.
(() => {
  'use strict';

  const BASE = new URL('.', document.currentScript.src).pathname; // /overlay/<token>/
  const params = new URLSearchParams(location.search);
  const THEMES = ['dark', 'light', 'bold'];
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const theme = THEMES.includes(params.get('theme')) ? params.get('theme') : 'dark';
  const aspect = params.get('aspect') === '9x16' ? '9x16' : '16x9';
  const scaleParam = Number.parseFloat(params.get('scale'));
  const scale = Number.isFinite(scaleParam) ? clamp(scaleParam, 0.25, 4) : 1;
  const delayParam = Number.parseFloat(params.get('delay'));
  const fixedDelay = Number.isFinite(delayParam) ? clamp(delayParam, 0, 120) : null;
  const locale = params.get('locale') || navigator.language || 'en';

  const $ = (id) => document.getElementById(id);
  const el = {
    card: $('card'), image: $('image'), title: $('title'), variant: $('variant'),
    price: $('price'), was: $('was'), flash: $('flash'), countdown: $('countdown'),
    stock: $('stock'), fill: $('stock-fill'), stockText: $('stock-text'),
    next: $('next'), nextTitle: $('next-title'),
  };
  document.body.className = `theme-${theme} aspect-${aspect}`;
  document.documentElement.style.setProperty('--scale', String(scale));

  let offsetMs = 0;        // server clock minus this page's clock
  let applied = -1;        // the version on screen
  let liveItem = null;     // item id of the card on screen
  let flashEnd = null;     // epoch ms (server clock) or null
  let shownSeconds = null;
  let pending = [];        // {version, due, state}, by version
  let timer = null;

  // ---------------------------------------------------------------- formatting
  const formatters = new Map();
  function money(m) {
    if (!m) return '';
    let f = formatters.get(m.currency);
    if (f === undefined) {
      try {
        f = new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency });
      } catch (e) {
        f = null; // an unknown locale or a code Intl does not know (XXX ...)
      }
      formatters.set(m.currency, f);
    }
    // format() takes the decimal string as it is: no float on the way.
    return f ? f.format(m.amount) : `${m.amount} ${m.currency}`;
  }

  function clock(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const mm = String(m).padStart(h ? 2 : 1, '0');
    return (h ? `${h}:` : '') + `${mm}:${String(s).padStart(2, '0')}`;
  }

  // ---------------------------------------------------------------- rendering
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function render(state) {
    const live = state.live;
    document.body.dataset.platform = state.platform || '';
    if (!live) {
      el.card.hidden = true;
      liveItem = null;
      flashEnd = null;
    } else {
      if (live.item_id !== liveItem) {
        // A new product: its text replaces the old at once; the old image is hidden until
        // the new one has loaded, so nothing of the previous product stays on screen.
        liveItem = live.item_id;
        el.image.hidden = true;
        el.image.removeAttribute('src');
        el.card.classList.remove('enter');
        void el.card.offsetWidth; // restart the entry animation
        el.card.classList.add('enter');
      }
      setText(el.title, live.title);
      setText(el.variant, live.variant_title || '');
      setText(el.price, money(live.price));
      el.was.hidden = !live.compare_at;
      setText(el.was, money(live.compare_at));
      const src = live.image_src ? BASE + live.image_src : null;
      if (src && el.image.getAttribute('src') !== src) {
        el.image.hidden = true;
        el.image.setAttribute('src', src);
      } else if (!src) {
        el.image.hidden = true;
        el.image.removeAttribute('src');
      }
      const left = live.stock_left;
      const start = live.stock_at_start;
      if (left === null || !start) {
        el.stock.hidden = true;
      } else {
        el.stock.hidden = false;
        const fraction = clamp(left / start, 0, 1);
        el.fill.style.width = `${(fraction * 100).toFixed(2)}%`;
        el.stock.classList.toggle('low', fraction <= 0.2);
        setText(el.stockText, left === 0 ? 'Sold out' : `${left} left`);
      }
      flashEnd = live.flash_ends_at ? Date.parse(live.flash_ends_at) : null;
      shownSeconds = null;
      el.flash.hidden = flashEnd === null;
      el.card.hidden = false;
    }
    const next = state.next_up;
    el.next.hidden = !next;
    if (next) {
      setText(el.nextTitle, next.variant_title ? `${next.title} — ${next.variant_title}` : next.title);
    }
    tick();
  }

  el.image.addEventListener('load', () => {
    if (el.image.getAttribute('src')) el.image.hidden = false;
  });

  function tick() {
    if (flashEnd === null) return;
    const remaining = flashEnd - (Date.now() + offsetMs);
    const seconds = Math.max(0, Math.ceil(remaining / 1000));
    if (seconds !== shownSeconds) {
      shownSeconds = seconds;
      el.countdown.textContent = seconds > 0 ? clock(seconds) : 'ended';
      el.flash.classList.toggle('ended', seconds === 0);
    }
  }

  function frame() {
    tick();
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  // ---------------------------------------------------------------- ordering
  function apply(entry) {
    if (entry.version <= applied) return;
    applied = entry.version;
    render(entry.state);
    document.body.dataset.version = String(applied);
    const at = performance.timeOrigin + performance.now();
    fetch(BASE + 'ack', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ version: entry.version, applied_ms: at }),
      keepalive: true,
    }).catch(() => {});
  }

  function run() {
    clearTimeout(timer);
    timer = null;
    const now = Date.now();
    let due = null;
    while (pending.length && pending[0].due <= now) due = pending.shift();
    if (due) apply(due); // the newest due state; older due ones would only flash by
    if (pending.length) timer = setTimeout(run, Math.max(0, pending[0].due - Date.now()));
  }

  function enqueue(version, publishedMs, delayS, state) {
    if (version <= applied || pending.some((p) => p.version === version)) return;
    const due = publishedMs - offsetMs + delayS * 1000;
    pending.push({ version, due, state });
    pending.sort((a, b) => a.version - b.version);
    run();
  }

  // ---------------------------------------------------------------- feed
  async function loadSnapshot() {
    const query = fixedDelay === null ? '' : `?delay=${fixedDelay}`;
    const response = await fetch(BASE + 'state.json' + query, { cache: 'no-store' });
    if (!response.ok) return;
    const snap = await response.json();
    offsetMs = snap.server_ms - Date.now();
    const delay = fixedDelay ?? snap.delay_s;
    for (const s of snap.states) enqueue(s.version, s.published_ms, delay, s.state);
  }

  const events = new EventSource(BASE + 'events');
  events.addEventListener('open', () => { loadSnapshot().catch(() => {}); });
  events.addEventListener('state', (e) => {
    const msg = JSON.parse(e.data);
    offsetMs = msg.server_ms - Date.now();
    enqueue(msg.version, msg.published_ms, fixedDelay ?? msg.delay_s, msg.state);
  });
})();
