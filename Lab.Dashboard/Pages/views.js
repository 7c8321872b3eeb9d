// Dashboard views: the traces list, one trace as a waterfall across services, and metrics charts.
'use strict';
(() => {
  const { el } = Lab;
  const $main = document.getElementById('main');
  const params = new URLSearchParams(location.search);

  async function renderTraces() {
    const resources = await Lab.resourceNames();
    const table = el('div');
    const form = Lab.filterForm([
      Lab.select('resource', 'Resource', [['', '(all)'], ...resources.map(r => [r, r])]),
      Lab.input('name', 'Span name'), Lab.input('minDurationMs', 'Min duration (ms)', { type: 'number', min: 0, step: 'any' }),
      Lab.select('status', 'Status', [['', '(any)'], ['error', 'with errors'], ['ok', 'without errors']]),
      el('label', {}, 'Attributes (key=value, comma separated)', el('input', { name: 'attr', size: 40, value: params.getAll('attr').join(', '), placeholder: 'lab.run.id=…, gen_ai.request.model=…' }))],
      (q) => load(q));
    $main.replaceChildren(el('h1', {}, 'Traces'), form, table);
    const load = async (query) => {
      const traces = await Lab.api('/api/traces?limit=500&' + query);
      if (!traces.length) { table.replaceChildren(el('div', { class: 'empty' }, 'No traces match.')); return; }
      const longest = Math.max(...traces.map(t => t.durationMs), 0.001);
      table.replaceChildren(el('table', { id: 'traces' }, el('thead', {}, el('tr', {}, ['Start', 'Name', 'Services', 'Spans', 'Errors', 'Duration'].map(h => el('th', {}, h)))),
        el('tbody', {}, traces.map(t => el('tr', { class: t.errorCount ? 'error' : '', 'data-trace': t.traceId },
          el('td', { class: 'mono' }, Lab.time(t.start)),
          el('td', {}, el('a', { href: '/traces/' + t.traceId }, `${t.rootService.split('/')[0]}: ${t.name}`)),
          el('td', {}, t.services.map(Lab.chip)), el('td', {}, t.spanCount), el('td', { class: t.errorCount ? 'error' : '' }, t.errorCount || ''),
          el('td', {}, el('div', { style: `display:flex;gap:6px;align-items:center` },
            el('div', { style: `height:8px;width:${Math.max(2, 120 * t.durationMs / longest)}px;background:var(--accent);border-radius:2px` }), Lab.ms(t.durationMs))))))));
    };
    const query = new URLSearchParams(params);
    load(query);
  }

  async function renderTrace() {
    const traceId = location.pathname.split('/').pop();
    const trace = await Lab.api('/api/traces/' + encodeURIComponent(traceId));
    const wf = trace.waterfall;
    const spans = Object.fromEntries(trace.spans.map(s => [s.spanId, s]));
    const details = el('div', { class: 'details', id: 'span-details' }, el('p', { class: 'muted' }, 'Select a span to see its attributes and events.'));
    const total = Math.max(wf.durationMs, 0.001);
    const rows = wf.rows.map(r => {
      const row = el('div', { class: 'wf-row' + (r.isError ? ' error' : ''), 'data-span': r.spanId },
        el('div', { class: 'wf-label', style: `padding-left:${8 + r.depth * 16}px`, title: `${r.service} ${r.name}` },
          Lab.chip(r.service.split('/')[0]), el('span', { class: 'wf-name' }, r.name), r.parentMissing ? el('span', { class: 'muted' }, ' (parent not received)') : ''),
        el('div', { class: 'wf-track' }, el('div', {
          class: 'wf-bar' + (r.isError ? ' error' : ''),
          style: `left:${100 * r.offsetMs / total}%;width:${Math.max(0.2, 100 * r.durationMs / total)}%;background:${Lab.color(r.service)}`,
        })),
        el('div', { class: 'wf-dur' }, Lab.ms(r.durationMs)));
      row.addEventListener('click', () => {
        document.querySelectorAll('.wf-row.selected').forEach(x => x.classList.remove('selected'));
        row.classList.add('selected');
        showSpan(spans[r.spanId]);
      });
      return row;
    });
    const showSpan = (s) => details.replaceChildren(...[
      el('h2', {}, `${s.serviceName}: ${s.name}`),
      el('p', {}, el('span', { class: 'muted' }, 'kind '), s.kind, el('span', { class: 'muted' }, ' · status '),
        el('span', { class: s.status === 'Error' ? 'error' : '' }, s.status + (s.statusMessage ? ` (${s.statusMessage})` : '')),
        el('span', { class: 'muted' }, ' · duration '), Lab.ms(s.durationMs), el('span', { class: 'muted' }, ' · span '), el('span', { class: 'mono' }, s.spanId),
        el('span', { class: 'muted' }, ' · scope '), s.scope),
      el('h2', {}, 'Attributes'), Lab.attrTable(s.attributes),
      el('h2', {}, 'Resource'), el('p', {}, s.resource),
      s.events.length ? [el('h2', {}, 'Events'), el('table', {}, el('tbody', {}, s.events.map(e => el('tr', { class: e.name === 'exception' ? 'error' : '' },
        el('td', { class: 'mono' }, Lab.time(e.time)), el('td', {}, e.name), el('td', {}, Lab.attrTable(e.attributes))))))] : '',
      s.links.length ? [el('h2', {}, 'Links'), s.links.map(l => el('div', {}, el('a', { class: 'mono', href: '/traces/' + l.traceId }, `${l.traceId}/${l.spanId}`)))] : ''].flat());
    const ticks = [0, 0.25, 0.5, 0.75, 1].map(f => el('span', { style: `position:absolute;left:${f * 100}%;transform:translateX(${f === 1 ? '-100%' : f ? '-50%' : '0'})` }, Lab.ms(f * total)));
    $main.replaceChildren(
      el('h1', {}, 'Trace ', el('span', { class: 'mono' }, trace.traceId)),
      el('p', {}, `${wf.rows.length} spans · ${Lab.ms(wf.durationMs)} · started ${new Date(wf.start).toLocaleString()} · `, wf.services.map(Lab.chip), ' · ',
        el('a', { href: '/structuredlogs?traceId=' + trace.traceId }, 'logs of this trace')),
      el('div', { class: 'waterfall', id: 'waterfall' },
        el('div', { class: 'wf-head' }, el('div', { class: 'wf-label' }, 'Span'), el('div', { style: 'position:relative' }, ticks), el('div', { class: 'wf-dur' }, 'Duration')),
        rows),
      details);
    const firstError = wf.rows.find(r => r.isError);
    if (firstError) rows[wf.rows.indexOf(firstError)].click();
  }

  async function renderMetrics() {
    const resources = await Lab.resourceNames();
    const chosen = params.get('resource') || resources[0] || '';
    const list = el('div', { class: 'list', id: 'instruments' });
    const chart = el('div', { id: 'chart' }, el('div', { class: 'empty' }, 'Select an instrument.'));
    const picker = Lab.select('resource', 'Resource', resources.map(r => [r, r]));
    picker.querySelector('select').value = chosen;
    picker.querySelector('select').addEventListener('change', (e) => { location.search = '?resource=' + encodeURIComponent(e.target.value); });
    $main.replaceChildren(el('h1', {}, 'Metrics'), el('div', { class: 'filters' }, picker), el('div', { class: 'split' }, list, chart));
    if (!chosen) { list.replaceChildren(el('div', {}, 'No resources have reported metrics yet.')); return; }
    const instruments = await Lab.api('/api/metrics?resource=' + encodeURIComponent(chosen));
    const show = async (i, item) => {
      list.querySelectorAll('.selected').forEach(x => x.classList.remove('selected'));
      item.classList.add('selected');
      history.replaceState(null, '', `?resource=${encodeURIComponent(chosen)}&name=${encodeURIComponent(i.name)}`);
      const data = await Lab.api(`/api/metrics/series?resource=${encodeURIComponent(chosen)}&name=${encodeURIComponent(i.name)}`);
      chart.replaceChildren(el('h2', {}, i.name, el('span', { class: 'muted' }, ` (${i.unit || 'no unit'}, ${i.kind.toLowerCase()})`)),
        el('p', { class: 'muted' }, i.description || ''), drawChart(data.series, i.unit));
    };
    list.replaceChildren(...instruments.map(i => {
      const item = el('div', { 'data-name': i.name }, i.name, el('div', { class: 'muted' }, `${i.kind} · ${i.points} points`));
      item.addEventListener('click', () => show(i, item));
      return item;
    }));
    const wanted = params.get('name');
    const first = instruments.findIndex(i => i.name === wanted);
    if (instruments.length) show(instruments[Math.max(0, first)], list.children[Math.max(0, first)]);
  }

  // A plain SVG line chart: one line per attribute set (and p95 dashed for histograms).
  function drawChart(series, unit) {
    const W = 900, H = 320, L = 70, B = 30, T = 10, R = 10;
    const lines = [];
    series.forEach((s, index) => {
      const name = Object.entries(s.attributes).map(([k, v]) => `${k}=${v}`).join(', ') || s.valueLabel;
      const color = `hsl(${(index * 67) % 360} 65% 45%)`;
      lines.push({ name, color, points: s.points.map(p => [Date.parse(p.time), p.value]) });
      if (s.points.some(p => p.p95 != null)) lines.push({ name: name + ' p95', color, dashed: true, points: s.points.filter(p => p.p95 != null).map(p => [Date.parse(p.time), p.p95]) });
    });
    const all = lines.flatMap(l => l.points);
    if (!all.length) return el('div', { class: 'empty' }, 'No points stored for this instrument.');
    const [x0, x1] = [Math.min(...all.map(p => p[0])), Math.max(...all.map(p => p[0]))];
    const [y0, y1] = [Math.min(0, ...all.map(p => p[1])), Math.max(...all.map(p => p[1]))];
    const sx = (x) => L + (W - L - R) * (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0));
    const sy = (y) => H - B - (H - B - T) * (y1 === y0 ? 0.5 : (y - y0) / (y1 - y0));
    const ns = 'http://www.w3.org/2000/svg';
    const svg = (tag, attrs, text) => { const n = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v); if (text != null) n.textContent = text; return n; };
    const root = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, width: '100%' });
    for (const f of [0, 0.5, 1]) {
      const y = y0 + f * (y1 - y0);
      root.append(svg('line', { x1: L, x2: W - R, y1: sy(y), y2: sy(y), stroke: '#e4e7ec' }), svg('text', { x: L - 6, y: sy(y) + 4, 'text-anchor': 'end', 'font-size': 11 }, `${+y.toPrecision(4)} ${unit || ''}`));
    }
    root.append(svg('text', { x: L, y: H - 8, 'font-size': 11 }, new Date(x0).toLocaleTimeString()), svg('text', { x: W - R, y: H - 8, 'font-size': 11, 'text-anchor': 'end' }, new Date(x1).toLocaleTimeString()));
    for (const line of lines) {
      root.append(svg('polyline', { fill: 'none', stroke: line.color, 'stroke-width': 2, 'stroke-dasharray': line.dashed ? '5 4' : '', points: line.points.map(([x, y]) => `${sx(x)},${sy(y)}`).join(' ') }));
      for (const [x, y] of line.points) root.append(svg('circle', { cx: sx(x), cy: sy(y), r: 2.5, fill: line.color }));
    }
    return el('div', {}, root, el('div', { class: 'legend' }, lines.map(l => el('span', { style: `color:${l.color}` }, (l.dashed ? '┄ ' : '— ') + l.name))));
  }

  Object.assign(Lab.pages, { traces: renderTraces, trace: renderTrace, metrics: renderMetrics });
})();
