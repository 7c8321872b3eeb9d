// Dashboard core: DOM helpers, API access, navigation, the limits banner, and the resources and structured-logs pages.
'use strict';
const Lab = window.Lab = {};
const $main = document.getElementById('main');
const params = new URLSearchParams(location.search);

Lab.el = (tag, attrs, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};
const el = Lab.el;

Lab.api = async (path) => {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  if (response.status === 401) { location.href = '/login?returnUrl=' + encodeURIComponent(location.pathname + location.search); throw new Error('login'); }
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
};

Lab.color = (name) => { let h = 0; for (const c of name.split('/')[0]) h = (h * 31 + c.charCodeAt(0)) >>> 0; return `hsl(${h % 360} 60% 45%)`; };
Lab.chip = (name) => el('span', { class: 'chip', style: `background:${Lab.color(name)}` }, name);
Lab.ms = (v) => v >= 1000 ? (v / 1000).toFixed(2) + ' s' : v >= 1 ? v.toFixed(1) + ' ms' : (v * 1000).toFixed(0) + ' µs';
Lab.time = (iso) => new Date(iso).toLocaleTimeString(undefined, { hour12: false }) + '.' + String(new Date(iso).getMilliseconds()).padStart(3, '0');
Lab.input = (name, label, attrs) => el('label', {}, label, el('input', { name, value: params.get(name) || '', ...attrs }));
Lab.select = (name, label, options) => el('label', {}, label, el('select', { name },
  options.map(([value, text]) => el('option', { value, selected: (params.get(name) || '') === value }, text))));
Lab.attrTable = (attributes) => {
  const entries = Object.entries(attributes || {});
  if (!entries.length) return el('p', { class: 'muted' }, 'No attributes.');
  return el('table', {}, el('tbody', {}, entries.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => el('tr', {}, el('td', { class: 'mono' }, k), el('td', { class: 'mono' }, v)))));
};
Lab.filterForm = (fields, onSubmit) => {
  const form = el('form', { class: 'filters' }, fields, el('button', { type: 'submit' }, 'Apply'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const query = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) for (const part of k === 'attr' ? v.split(',').map(s => s.trim()).filter(Boolean) : [v]) query.append(k, part);
    history.replaceState(null, '', location.pathname + (query.size ? '?' + query : ''));
    onSubmit(query);
  });
  return form;
};
Lab.resourceNames = async () => (await Lab.api('/api/telemetry/stats')).resources;

async function refreshStats() {
  try {
    const s = await Lab.api('/api/telemetry/stats');
    const part = (label, x) => el('span', {}, `${label} ${x.stored.toLocaleString()} / ${x.capacity.toLocaleString()}`,
      x.dropped > 0 ? el('span', { class: 'dropped' }, ` · dropped ${x.dropped.toLocaleString()}`) : '', '   ');
    document.getElementById('stats').replaceChildren(part('spans', s.spans), part('logs', s.logs), part('points', s.metricPoints));
  } catch { /* the banner is informative only */ }
}

// ---------- Resources ----------
// Rows follow the AppHost's ResourceView (Lab.Contracts.ControlPlane): one per resource, then one per instance.
function renderResources() {
  const list = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
  const consolePanel = el('div');
  $main.replaceChildren(el('h1', {}, 'Resources'), list, consolePanel);
  let selected = null;
  const links = (urls) => urls.map(u => el('div', {}, el('a', { href: u, target: '_blank' }, u)));
  const load = async () => {
    const data = await Lab.api('/api/resources');
    const rows = [];
    for (const r of data.resources) {
      rows.push(el('tr', { 'data-resource': r.name },
        el('td', {}, Lab.chip(r.name)), el('td', {}, r.type), el('td', { class: 'state-' + r.state, title: r.message || '' }, r.state),
        el('td', { class: 'health-' + r.health }, r.health), el('td', {}, links(r.endpoints)), el('td', { class: 'mono' }, r.pid ?? ''),
        el('td', {}, r.replicas), el('td'),
        el('td', {}, el('button', { class: 'secondary', onclick: () => { selected = r; showDetails(r); } }, 'Console & env'))));
      for (const x of r.instances) rows.push(el('tr', { class: 'replica' }, el('td', { class: 'muted' }, '↳ ' + x.name), el('td'),
        el('td', { class: 'state-' + x.state }, x.state), el('td', { class: 'health-' + x.health }, x.health),
        el('td', {}, links(x.endpoint ? [x.endpoint] : [])), el('td', { class: 'mono' }, x.pid ?? ''), el('td'),
        el('td', {}, x.exitCode ?? ''), el('td')));
    }
    for (const name of data.reporting) rows.push(el('tr', { 'data-resource': name },
      el('td', {}, Lab.chip(name)), el('td', {}, 'Telemetry'), el('td', {}, 'Reporting'), el('td'), el('td'), el('td'), el('td'), el('td'), el('td')));
    list.replaceChildren(
      data.error ? el('div', { class: 'banner' }, data.error) : '',
      data.source === 'telemetry' ? el('p', { class: 'muted' }, 'No AppHost resource service configured: showing the resources that send telemetry.') : '',
      rows.length ? el('table', {}, el('thead', {}, el('tr', {}, ['Name', 'Type', 'State', 'Health', 'Endpoints', 'PID', 'Replicas', 'Exit code', ''].map(h => el('th', {}, h)))), el('tbody', {}, rows))
        : el('div', { class: 'empty' }, 'No resources yet.'));
  };
  let tail = null;
  const showDetails = (r) => {
    if (tail) clearInterval(tail);
    // The AppHost masks secret-looking values before they leave it; replicas differ in their URLs and instance ids.
    const environments = r.instances.filter(x => Object.keys(x.environment).length);
    const search = el('input', { placeholder: 'search console…' });
    const live = el('input', { type: 'checkbox', checked: true });
    const output = el('div', { class: 'console', id: 'console' });
    const lines = [];
    let after = 0;
    const paint = () => {
      const term = search.value.toLowerCase();
      output.replaceChildren(...lines.filter(l => !term || l.text.toLowerCase().includes(term)).map(l =>
        el('div', { class: l.isError ? 'err' : '' }, el('span', { class: 'muted' }, `[${l.instance}] ${Lab.time(l.timestamp)} `), l.text)));
      if (live.checked) output.scrollTop = output.scrollHeight;
    };
    search.addEventListener('input', paint);
    const poll = async () => {
      try {
        // Only lines numbered above the last one shown: the first poll fetches the recent window, later ones what is new.
        const batch = await Lab.api(`/api/resources/${encodeURIComponent(r.name)}/logs?after=${after}`);
        const fresh = batch.filter(l => l.sequence > after); // a slow poll can overlap the next one
        if (!fresh.length) return;
        lines.push(...fresh);
        after = fresh[fresh.length - 1].sequence;
        if (lines.length > 5000) lines.splice(0, lines.length - 5000);
        paint();
      } catch (e) { output.replaceChildren(el('div', { class: 'err' }, e.message)); }
    };
    consolePanel.replaceChildren(el('h2', {}, `${r.name}: console`), el('div', { class: 'filters' }, search, el('label', {}, el('span', {}, 'live tail'), live)), output,
      ...environments.map(x => el('div', {}, el('h2', {}, `Environment${environments.length > 1 ? ' of ' + x.name : ''} (secrets masked)`), Lab.attrTable(x.environment))));
    poll();
    tail = setInterval(() => { if (live.checked && selected === r) poll(); }, 1000);
  };
  load().catch(e => list.replaceChildren(el('div', { class: 'banner' }, e.message)));
  setInterval(() => load().catch(() => {}), 3000);
}

// ---------- Structured logs ----------
async function renderLogs() {
  const resources = await Lab.resourceNames();
  const table = el('div');
  const form = Lab.filterForm([
    Lab.select('resource', 'Resource', [['', '(all)'], ...resources.map(r => [r, r])]),
    Lab.select('level', 'Minimum level', [['', '(any)'], ...['trace', 'debug', 'information', 'warning', 'error', 'critical'].map(l => [l, l])]),
    Lab.input('text', 'Text'), Lab.input('traceId', 'Trace id', { size: 34 })], (q) => load(q));
  $main.replaceChildren(el('h1', {}, 'Structured logs'), form, table);
  const load = async (query) => {
    const logs = await Lab.api('/api/logs?limit=500&' + query);
    if (!logs.length) { table.replaceChildren(el('div', { class: 'empty' }, 'No log records match.')); return; }
    table.replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, ['Time', 'Resource', 'Level', 'Message', 'Trace'].map(h => el('th', {}, h)))),
      el('tbody', {}, logs.map(l => {
        const row = el('tr', { class: l.severityNumber >= 17 ? 'error' : '' }, el('td', { class: 'mono' }, Lab.time(l.time)), el('td', {}, Lab.chip(l.resource)),
          el('td', { class: 'level-' + l.severity }, l.severity), el('td', {}, l.body, el('div', { class: 'muted' }, l.scope)),
          el('td', {}, l.traceId ? el('a', { class: 'mono', href: '/traces/' + l.traceId }, l.traceId.slice(0, 8)) : ''));
        row.addEventListener('click', () => row.after(el('tr', {}, el('td', { colspan: 5 }, Lab.attrTable(l.attributes)))), { once: true });
        return row;
      }))));
  };
  load(params);
}

const pages = { resources: renderResources, logs: renderLogs };
Lab.pages = pages;
window.addEventListener('DOMContentLoaded', () => {
  const page = document.body.dataset.page;
  document.querySelector(`[data-nav="${page === 'trace' ? 'traces' : page}"]`)?.classList.add('active');
  refreshStats(); setInterval(refreshStats, 5000);
  Promise.resolve((Lab.pages[page] || renderResources)()).catch(e => $main.replaceChildren(el('div', { class: 'banner' }, e.message)));
});
