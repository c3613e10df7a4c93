// Loomflow's web UI: the run form of a flow page, the live view of a run page, live lists of runs, and
// times in the reader's zone. Every text from the server is set with textContent, never parsed as HTML
// (a list of runs is taken from the server's own page of it, as rendered there).
'use strict';

(() => {
  // The path a mounted server is served under (the page's data-base), before every path the script reads or links.
  const BASE = document.documentElement.dataset.base || '';

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const api = async (url, options) => {
    const response = await fetch(url, Object.assign({ credentials: 'same-origin' }, options));
    const body = await response.json().catch(() => ({}));
    return { status: response.status, body };
  };

  // ---- times: the server writes UTC; the reader sees their zone, and how long ago ----

  const pad = (number, width) => String(number).padStart(width || 2, '0');

  const zoneOf = (date) => {
    const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(date)
      .find((part) => part.type === 'timeZoneName');
    return zone ? zone.value : '';
  };

  // 2026-12-03 17:45:12 GMT+5:45: the exact time, in the reader's zone, named.
  const exactTime = (date) => date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + ' '
    + pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds()) + ' ' + zoneOf(date);

  // 17:45:12.034, in the reader's zone: a log line's time of day.
  const clockTime = (date) => pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds()) + '.'
    + pad(date.getMilliseconds(), 3);

  const relativeTime = (date, now) => {
    const seconds = Math.floor((now - date.getTime()) / 1000);
    if (seconds < 10) return 'just now';
    if (seconds < 60) return seconds + ' s ago';
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + ' min ago';
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return hours + ' h ago';
    return Math.floor(hours / 24) + ' days ago';
  };

  // Every <time datetime> below root shows how long ago, with the exact time as its title.
  const showTimes = (root) => {
    const now = Date.now();
    for (const node of root.querySelectorAll('time[datetime]')) {
      const date = new Date(node.getAttribute('datetime'));
      if (Number.isNaN(date.getTime())) continue;
      node.textContent = relativeTime(date, now);
      node.title = exactTime(date);
    }
  };

  // ---- lists of runs, kept live: read again from the server when a root run starts or changes state ----

  const setupLiveRuns = () => {
    const awaited = new Map(); // run id -> the state the event stream told, until the list shows it
    let timer = null;
    let attempts = 0;
    const shows = (id, state) => {
      const row = document.querySelector('[data-live-runs] tr[data-run="' + CSS.escape(id) + '"]');
      return row !== null && (row.dataset.state === state || row.dataset.final === 'true');
    };
    const refresh = async () => {
      const response = await fetch(window.location.href, { credentials: 'same-origin' }).catch(() => null);
      timer = null;
      if (response && response.ok) {
        const page = new DOMParser().parseFromString(await response.text(), 'text/html');
        const fresh = page.querySelector('[data-live-runs]');
        const shown = document.querySelector('[data-live-runs]');
        if (fresh && shown) {
          const list = document.importNode(fresh, true);
          shown.replaceWith(list);
          showTimes(list);
        }
      }
      for (const [id, state] of [...awaited]) {
        if (shows(id, state)) awaited.delete(id);
      }
      // The store may be a moment behind the events: read again, less and less often, until it shows them.
      if (awaited.size > 0 && attempts < 6) {
        attempts += 1;
        schedule(250 * 2 ** attempts);
      } else {
        awaited.clear();
      }
    };
    const schedule = (delay) => {
      if (timer === null) timer = setTimeout(refresh, delay);
    };
    const events = new EventSource(BASE + '/api/events');
    events.addEventListener('state', (message) => {
      const data = JSON.parse(message.data);
      if (data.run.parentId !== null) return; // the lists show root runs
      awaited.set(data.run.id, data.state);
      attempts = 0;
      schedule(100);
    });
  };

  // ---- the flow page: a form built from the parameter schema ----

  const setValue = (target, path, value) => {
    const parts = path.split('.');
    let node = target;
    for (const part of parts.slice(0, -1)) node = node[part] = node[part] || {};
    node[parts[parts.length - 1]] = value;
  };

  // Numbers go to the server as the text typed: its parameter model reads them exactly, by the rules
  // of the command line, and names the field when they do not fit (no rounding here, no NaN as null).
  const convert = (text, type) => {
    if (type === 'boolean') return text === 'true';
    return text;
  };

  const readForm = (form) => {
    const params = {};
    let problem = null;
    for (const input of form.querySelectorAll('[name]')) {
      input.setCustomValidity('');
      const type = input.dataset.type;
      if (type === 'boolean') { setValue(params, input.name, input.checked); continue; }
      const text = input.value.trim();
      if (text === '') continue; // left out: the server fills defaults, or names what is required
      if (type === 'array') {
        const items = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
        setValue(params, input.name, items.map((item) => convert(item, input.dataset.items)));
      } else if (type === 'json') {
        try {
          setValue(params, input.name, JSON.parse(text));
        } catch (error) {
          input.setCustomValidity('not valid JSON: ' + error.message);
          problem = problem || input;
        }
      } else {
        setValue(params, input.name, convert(text, type));
      }
    }
    return { params, problem };
  };

  const showProblems = (form, body) => {
    const general = form.querySelector('#form-error');
    general.textContent = body.error || 'The run could not be started.';
    general.hidden = false;
    for (const problem of body.problems || []) {
      const name = (problem.field || '').replace(/\[\d+\].*$/, '');
      const field = form.querySelector('[data-field="' + CSS.escape(name) + '"] > .field-error');
      if (field) {
        field.textContent = problem.problem;
        field.hidden = false;
      }
    }
  };

  const setupForm = (form) => {
    form.addEventListener('submit', async (submitted) => {
      submitted.preventDefault();
      form.querySelectorAll('.field-error').forEach((node) => { node.hidden = true; node.textContent = ''; });
      form.querySelector('#form-error').hidden = true;
      const { params, problem } = readForm(form);
      if (problem || !form.checkValidity()) {
        form.reportValidity();
        for (const input of form.querySelectorAll('[name]')) {
          if (!input.checkValidity()) {
            const field = input.closest('[data-field]').querySelector('.field-error');
            field.textContent = input.validationMessage;
            field.hidden = false;
          }
        }
        return;
      }
      const button = form.querySelector('#run-button');
      button.disabled = true;
      try {
        const { status, body } = await api(BASE + '/api/flows/' + encodeURIComponent(form.dataset.flow) + '/runs', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(params),
        });
        if (status === 202) {
          window.location.assign(body.page);
          return;
        }
        showProblems(form, body);
      } finally {
        button.disabled = false;
      }
    });
  };

  // What else on the page follows the run's state events (the graph colours its nodes by them).
  const stateHooks = [];

  // ---- the run page: read in pieces that do not grow with the run, kept live by server-sent events ----
  // The run's summary (its children by state, its maps), its tree page by page (children on expand, a map
  // as one node that opens to pages of its items), a chart of the maps' task durations, the datasets its
  // runs read and wrote (its lineage, by node), and its logs.

  const STATES = ['Scheduled', 'Pending', 'Running', 'Retrying', 'Completed', 'Cached', 'Failed', 'Cancelled',
    'Crashed'];
  const LOG_LINES_KEPT = 2000;
  const LINEAGE_KEPT = 5000;

  const millis = (ms) => (ms === 0 ? '0 ms' : ms < 1 ? Math.round(ms * 1000) + ' µs'
    : ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(1) + ' s');

  // A bar of counts by state: one part per state, and the rest of total not started yet.
  const progressBar = (label, counts, total) => {
    const row = el('div', 'progress-row');
    const track = el('div', 'progress-bar');
    const parts = [];
    let counted = 0;
    for (const state of STATES) {
      const count = counts[state];
      if (!count) continue;
      counted += count;
      const part = el('span', 'state-' + state);
      part.style.width = (100 * count / Math.max(1, total)).toFixed(3) + '%';
      part.title = count + ' ' + state;
      track.append(part);
      parts.push(count + ' ' + state);
    }
    if (total > counted) parts.push((total - counted) + ' not started');
    row.append(el('div', 'progress-label', label), track, el('div', 'progress-counts', parts.join(' · ')));
    return row;
  };

  // A map in numbers: its bar, its items' durations, its first failures.
  const mapSummary = (map) => {
    const box = el('div', 'map-summary');
    const bar = progressBar('map of ' + map.name + ': ' + map.size + ' items', map.counts, map.size);
    bar.dataset.map = map.id;
    box.append(bar);
    const d = map.durations;
    if (d && d.count > 0) {
      box.append(el('div', 'map-stats', 'durations of ' + d.count + ' items: p50 ' + millis(d.p50Ms) + ' · p90 '
        + millis(d.p90Ms) + ' · p99 ' + millis(d.p99Ms) + ' · max ' + millis(d.maxMs)));
    }
    if (map.firstFailures && map.firstFailures.length > 0) {
      const list = el('ul', 'map-failures');
      for (const failure of map.firstFailures) {
        const item = el('li');
        const link = el('a', null, 'item ' + failure.index);
        link.href = BASE + '/runs/' + failure.runId;
        item.append(link, document.createTextNode(': ' + failure.error.type + ': ' + failure.error.message));
        list.append(item);
      }
      box.append(list);
    }
    return box;
  };

  // An inline SVG chart: for each map, bars of its items' p50, p90, p99 and longest duration, on a log scale
  // (from a microsecond), so that a p50 of microseconds shows beside a max of seconds.
  const SVG = 'http://www.w3.org/2000/svg';
  const svg = (tag, attributes, text) => {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const durationChart = (maps) => {
    const measured = maps.filter((map) => map.durations && map.durations.count > 0).slice(0, 20);
    if (measured.length === 0) return el('p', 'hint', 'No task has ended yet.');
    const keys = [['p50Ms', 'p50'], ['p90Ms', 'p90'], ['p99Ms', 'p99'], ['maxMs', 'max']];
    const longest = Math.max(...measured.map((map) => map.durations.maxMs), 0.001);
    const rowHeight = 14;
    const groupHeight = keys.length * rowHeight + 12;
    const left = 190;
    const width = 760;
    const chart = svg('svg', { class: 'duration-chart', width, height: measured.length * groupHeight + 6,
      viewBox: '0 0 ' + width + ' ' + (measured.length * groupHeight + 6), role: 'img',
      'aria-label': 'task durations by map, log scale' });
    measured.forEach((map, group) => {
      const top = group * groupHeight;
      chart.append(svg('text', { x: 0, y: top + rowHeight, class: 'chart-name' }, map.name + ' (' + map.size + ')'));
      keys.forEach(([key, label], i) => {
        const y = top + i * rowHeight + 2;
        const value = map.durations[key];
        const length = Math.max(1, (width - left - 90) * Math.log10(1 + value * 1000) / Math.log10(1 + longest * 1000));
        const bar = svg('rect', { x: left, y, width: length.toFixed(1), height: rowHeight - 3, class: 'chart-' + label });
        bar.append(svg('title', {}, map.name + ' ' + label + ': ' + millis(value)));
        chart.append(bar, svg('text', { x: left - 6, y: y + rowHeight - 4, class: 'chart-key' }, label),
          svg('text', { x: left + length + 4, y: y + rowHeight - 4, class: 'chart-value' }, millis(value)));
      });
    });
    return chart;
  };

  const outcome = (run) => {
    if (run.error) return run.error.type + ': ' + run.error.message;
    if (run.result !== undefined && run.result !== null) {
      const text = typeof run.result === 'object' ? JSON.stringify(run.result) : String(run.result);
      return text.length > 120 ? text.slice(0, 117) + '...' : text;
    }
    return '';
  };

  const stateBadge = (state) => el('span', 'state state-' + state, state);

  const setupRun = (section) => {
    const runId = section.dataset.run;
    const rootId = section.dataset.root;
    const tree = section.querySelector('#tree');
    let summary = null;
    const maps = new Map(); // map id -> the latest summary of each map of this run
    let summaryTimer = null;
    let finished = false;

    // ---- the tree: a list of nodes per run, read a page at a time ----

    // A run's direct children: a list that reads its first page now and the next ones on "More".
    const childList = (parentId, list) => {
      list.dataset.parent = parentId;
      let next = BASE + '/api/runs/' + parentId + '/children';
      let loaded = 0;
      const more = el('li', 'more-row');
      const moreButton = el('button', 'more', 'More');
      moreButton.type = 'button';
      more.append(moreButton);
      const load = async () => {
        moreButton.disabled = true;
        const { status, body } = await api(next);
        moreButton.disabled = false;
        if (status !== 200) {
          list.append(el('li', 'problem', body.error || 'the children could not be read'));
          return;
        }
        more.remove();
        for (const node of body.nodes) {
          if (list.querySelector(':scope > [data-node="' + CSS.escape((node.run || node.map).id) + '"]')) continue;
          list.append(node.type === 'map' ? mapNode(node.map) : runNode(node.run));
          loaded += 1;
        }
        if (loaded === 0 && !list.querySelector(':scope > .none')) {
          list.append(el('li', 'hint none', 'No runs below this one.'));
        }
        next = body.next;
        if (next) list.append(more);
      };
      moreButton.addEventListener('click', load);
      // Children that started after the last page was read: read from the first page again, when that was the
      // last, adding those not shown (the nodes shown stay, open or closed).
      const refresh = async () => {
        if (next !== null) return;
        const none = list.querySelector(':scope > .none');
        if (none) none.remove();
        next = BASE + '/api/runs/' + parentId + '/children?limit=' + Math.min(1000, loaded + 100);
        await load();
      };
      list.refresh = refresh;
      return load();
    };

    const toggle = (open) => {
      const button = el('button', 'toggle', '▸');
      button.type = 'button';
      button.setAttribute('aria-expanded', 'false');
      button.title = 'show what is below';
      let first = true;
      button.addEventListener('click', async () => {
        const expanded = button.getAttribute('aria-expanded') !== 'true';
        button.setAttribute('aria-expanded', String(expanded));
        button.textContent = expanded ? '▾' : '▸';
        await open(expanded, first);
        first = false;
      });
      return button;
    };

    const runNode = (run) => {
      const node = el('li', 'node');
      node.dataset.node = run.id;
      const row = el('div', 'node-row');
      const below = el('ul', 'tree');
      below.hidden = true;
      const link = el('a', 'node-name', run.name);
      link.href = BASE + '/runs/' + run.id;
      const duration = run.durationMs !== undefined && run.durationMs !== null ? millis(run.durationMs) : '';
      row.append(toggle(async (expanded, first) => {
        below.hidden = !expanded;
        if (expanded && first) await childList(run.id, below);
      }), link, el('span', 'kind', run.kind), stateBadge(run.state), el('span', 'duration', duration),
      el('span', 'outcome', outcome(run)));
      node.append(row, below);
      return node;
    };

    // A map's items, a page at a time, in a table; filtered by state.
    const itemTable = (map, holder) => {
      const filter = el('select', 'item-filter');
      filter.setAttribute('aria-label', 'state of the items shown');
      filter.append(el('option', null, 'All'));
      filter.options[0].value = '';
      for (const state of STATES) filter.append(el('option', null, state));
      const table = el('table', 'items runs');
      const head = el('tr');
      ['#', 'Run', 'State', 'Duration', 'Result or error'].forEach((title) => head.append(el('th', null, title)));
      const thead = el('thead');
      thead.append(head);
      const body = el('tbody');
      table.append(thead, body);
      const moreButton = el('button', 'more', 'More');
      moreButton.type = 'button';
      const note = el('p', 'hint', '');
      let next = null;
      const load = async () => {
        moreButton.disabled = true;
        const { status, body: page } = await api(next);
        moreButton.disabled = false;
        if (status !== 200) {
          note.textContent = page.error || 'the items could not be read';
          return;
        }
        for (const item of page.items) {
          const row = el('tr');
          row.dataset.node = item.id;
          row.dataset.index = item.index;
          const link = el('a', null, item.name + ' ');
          link.href = BASE + '/runs/' + item.id;
          link.append(el('code', null, item.id.slice(-8)));
          const cell = el('td');
          cell.append(link);
          const state = el('td');
          state.append(stateBadge(item.state));
          row.append(el('td', null, String(item.index)), cell, state,
            el('td', null, item.durationMs !== undefined ? millis(item.durationMs) : ''), el('td', 'outcome', outcome(item)));
          body.append(row);
        }
        next = page.next;
        moreButton.hidden = !next;
        note.textContent = body.children.length === 0 ? 'No items' + (filter.value ? ' ' + filter.value : '') + '.'
          : body.children.length + ' shown' + (next ? '' : ', all');
      };
      const restart = () => {
        body.replaceChildren();
        next = BASE + '/api/maps/' + map.id + '/items' + (filter.value ? '?state=' + encodeURIComponent(filter.value) : '');
        return load();
      };
      filter.addEventListener('change', restart);
      moreButton.addEventListener('click', load);
      holder.append(filter, table, moreButton, note);
      return restart();
    };

    const mapNode = (map) => {
      const node = el('li', 'node map-node');
      node.dataset.node = map.id;
      node.dataset.mapNode = map.id;
      const row = el('div', 'node-row');
      const items = el('div', 'map-items');
      items.hidden = true;
      const shown = el('div', 'map-holder');
      shown.append(mapSummary(map));
      row.append(toggle(async (expanded, first) => {
        items.hidden = !expanded;
        if (expanded && first) await itemTable(map, items);
      }), shown);
      node.append(row, items);
      return node;
    };

    // ---- the summary: read at first, then again at most once a second while progress events come ----

    const renderMaps = () => {
      const all = [...maps.values()];
      const bars = section.querySelector('#map-progress');
      bars.replaceChildren(...all.map((map) => mapSummary(map)));
      section.querySelector('#durations').replaceChildren(durationChart(all));
      for (const map of all) {
        const holder = tree.querySelector('[data-map-node="' + CSS.escape(map.id) + '"] > .node-row > .map-holder');
        if (holder) holder.replaceChildren(mapSummary(map));
      }
    };

    const renderSummary = () => {
      const run = summary.run;
      const badge = section.querySelector('#run-state');
      badge.textContent = run.state;
      badge.className = 'state state-' + run.state;
      section.querySelector('#cancel-button').hidden = run.final;
      const runBar = section.querySelector('#run-progress');
      runBar.replaceChildren();
      if (summary.childTotal > 0) {
        runBar.append(progressBar('children: ' + summary.childTotal, summary.childCounts, summary.childTotal));
      }
      const more = summary.mapCount - summary.maps.length;
      section.querySelector('#maps-left-out').textContent = more > 0 ? more + ' more maps are not shown here; the'
        + ' tree below lists them all' : '';
      for (const map of summary.maps) maps.set(map.id, map);
      renderMaps();
      if (run.final) {
        showResult(run.result, true);
        showError(run.error);
      }
    };

    let shownTotal = -1;
    const readSummary = async () => {
      const { status, body } = await api(BASE + '/api/runs/' + runId + '/summary');
      if (status !== 200) return;
      summary = body;
      renderSummary();
      if (summary.childTotal !== shownTotal) {
        shownTotal = summary.childTotal;
        if (tree.refresh) await tree.refresh(); // only when the children read so far were all of them
      }
    };

    const soon = () => {
      if (summaryTimer === null) {
        summaryTimer = setTimeout(async () => {
          await readSummary();
          summaryTimer = null;
        }, 1000);
      }
    };

    // ---- result, error, logs ----

    const showResult = (result, ended) => {
      const holder = section.querySelector('#result');
      holder.replaceChildren();
      if (result === undefined || result === null) {
        holder.append(el('p', 'hint', ended ? 'No result.' : 'Not yet.'));
        return;
      }
      const rows = Array.isArray(result) && result.length > 0
        && result.every((row) => row !== null && typeof row === 'object' && !Array.isArray(row));
      if (!rows) {
        holder.append(el('pre', 'result-json', JSON.stringify(result, null, 2)));
        return;
      }
      const columns = [...new Set(result.flatMap((row) => Object.keys(row)))];
      const table = el('table', 'result-table');
      const head = el('tr');
      columns.forEach((column) => head.append(el('th', null, column)));
      const thead = el('thead');
      thead.append(head);
      const tbody = el('tbody');
      for (const row of result) {
        const tr = el('tr');
        for (const column of columns) {
          const value = row[column];
          tr.append(el('td', null, value !== null && typeof value === 'object' ? JSON.stringify(value)
            : value === undefined ? '' : String(value)));
        }
        tbody.append(tr);
      }
      table.append(thead, tbody);
      holder.append(table);
    };

    const showError = (error) => {
      const box = section.querySelector('#error');
      box.textContent = error ? error.type + ': ' + error.message + (error.at ? ' (at ' + error.at + ')' : '') : '';
      box.hidden = !error;
    };

    const seenLogs = new Set();
    const logs = section.querySelector('#logs');
    const appendLog = (line) => {
      if (seenLogs.has(line.sequence)) return;
      seenLogs.add(line.sequence);
      const at = new Date(line.at);
      const text = (Number.isNaN(at.getTime()) ? line.at : clockTime(at)) + ' ' + line.level + ' ['
        + (line.runName || line.runId.slice(-8)) + '] ' + line.message + (line.error ? ' (' + line.error + ')' : '');
      logs.append(el('span', 'log log-' + line.level, text + '\n'));
      while (logs.childElementCount > LOG_LINES_KEPT) logs.firstElementChild.remove();
    };

    // ---- data: the datasets read and written, by node (the parent of the run that loaded or saved) ----

    const lineage = section.querySelector('#lineage');
    const seenAccesses = new Set();
    const runNames = new Map(); // the names of the runs the stream told of: a node's, before its loads and saves
    const nodeGroups = new Map();
    let lineageTable = null;
    let lineageShown = 0;
    const lineageEmpty = el('p', 'hint', 'No dataset read or written yet.');
    lineage.append(lineageEmpty);
    const nodeGroup = (nodeId, nodeName) => {
      let group = nodeGroups.get(nodeId);
      if (group) return group;
      if (!lineageTable) {
        lineageTable = el('table', 'lineage-table');
        const head = el('tr');
        ['', 'Dataset', 'Version', 'Location', 'By'].forEach((title) => head.append(el('th', null, title)));
        const thead = el('thead');
        thead.append(head);
        lineageTable.append(thead);
        lineageEmpty.replaceWith(lineageTable);
      }
      group = el('tbody', 'lineage-node');
      group.dataset.node = nodeId;
      const title = el('tr', 'lineage-node-title');
      const cell = el('th');
      cell.colSpan = 5;
      const link = el('a', null, nodeName || 'run ' + nodeId.slice(-8));
      link.href = BASE + '/runs/' + nodeId;
      link.title = nodeId;
      cell.append(link);
      title.append(cell);
      group.append(title);
      lineageTable.append(group);
      nodeGroups.set(nodeId, group);
      if (!nodeName) {
        api(BASE + '/api/runs/' + encodeURIComponent(nodeId)).then((read) => {
          if (read.status === 200) link.textContent = read.body.name;
        });
      }
      return group;
    };
    const appendAccess = (access) => {
      const key = access.sequence + '/' + access.runId;
      if (seenAccesses.has(key) || lineageShown >= LINEAGE_KEPT) return;
      seenAccesses.add(key);
      lineageShown++;
      const group = access.parentId ? nodeGroup(access.parentId, access.parentName)
        : nodeGroup(access.runId, access.runName);
      const row = el('tr', 'lineage-' + access.access);
      row.append(el('td', 'lineage-access', access.access === 'write' ? 'wrote' : 'read'),
        el('td', 'lineage-dataset', access.dataset),
        el('td', 'lineage-version', access.version === null || access.version === undefined ? 'not versioned'
          : access.version),
        el('td', 'lineage-location', access.location));
      const by = el('td', 'lineage-run');
      const link = el('a', null, access.runName);
      link.href = BASE + '/runs/' + access.runId;
      link.title = access.runId;
      by.append(link);
      row.append(by);
      group.append(row);
    };
    const readLineage = async () => {
      let url = BASE + '/api/runs/' + runId + '/lineage?limit=1000';
      while (url && lineageShown < LINEAGE_KEPT) {
        const page = await api(url);
        if (page.status !== 200) return;
        page.body.accesses.forEach(appendAccess);
        url = page.body.next;
      }
    };

    // ---- live ----

    const finish = async () => {
      if (finished) return;
      finished = true;
      if (summaryTimer !== null) clearTimeout(summaryTimer);
      summaryTimer = null;
      await readSummary();
      await readLineage(); // what the stream may have left out
    };

    const onState = (event) => {
      const data = JSON.parse(event.data);
      stateHooks.forEach((hook) => hook(data));
      const run = data.run;
      runNames.set(run.id, run.name);
      if (run.id === runId) {
        if (data.final) finish();
        else soon();
        return;
      }
      // A node shown in the tree, or an item in an open map: its state, as it changes.
      for (const shown of tree.querySelectorAll('[data-node="' + CSS.escape(run.id) + '"]')) {
        const badge = shown.querySelector('.state');
        if (badge) badge.replaceWith(stateBadge(data.state));
      }
    };

    const onLog = (event) => {
      const data = JSON.parse(event.data);
      if (runId !== rootId && data.run.id !== runId && data.run.parentId !== runId) return;
      appendLog({ runId: data.run.id, runName: data.run.name, sequence: data.sequence, at: data.at, level: data.level,
        message: data.message, error: data.error });
    };

    const onLineage = (event) => {
      const data = JSON.parse(event.data);
      if (runId !== rootId && data.run.id !== runId && data.run.parentId !== runId) return;
      appendAccess({ runId: data.run.id, runName: data.run.name, parentId: data.run.parentId,
        parentName: runNames.get(data.run.parentId) || null,
        sequence: data.sequence, access: data.access, dataset: data.dataset, version: data.version,
        location: data.location });
    };

    const onProgress = (event) => {
      const data = JSON.parse(event.data);
      let changed = false;
      for (const map of data.maps) {
        if (map.parentId !== runId) continue;
        const known = maps.get(map.id);
        maps.set(map.id, Object.assign({ durations: null, firstFailures: [] }, known || {}, {
          id: map.id, name: map.name, parentId: map.parentId, size: map.size, counts: map.counts }));
        changed = true;
      }
      if (changed) renderMaps();
      soon();
    };

    section.querySelector('#cancel-button').addEventListener('click', () => {
      api(BASE + '/api/runs/' + runId + '/cancel', { method: 'POST', headers: { 'Content-Type': 'application/json' } });
    });

    (async () => {
      await readSummary();
      await childList(runId, tree);
      const lines = await api(BASE + '/api/runs/' + runId + '/logs?tree=true');
      (lines.body.lines || []).forEach(appendLog);
      await readLineage();
      if (summary && summary.run.final) {
        finished = true;
        return;
      }
      const events = new EventSource(BASE + '/api/events?run=' + encodeURIComponent(runId));
      events.addEventListener('state', onState);
      events.addEventListener('log', onLog);
      events.addEventListener('lineage', onLineage);
      events.addEventListener('progress', onProgress);
      events.addEventListener('reload', () => window.location.reload());
    })();
  };

  // ---- the graph of a flow that runs a pipeline: SVG, layered as the server places it ----
  // The server gives each node and dataset a layer and a position in it (core's FlowGraph.layers, the one
  // layering the command line prints too); this draws the layers top to bottom, datasets as rounded shapes
  // and nodes as boxes, an edge per input (dataset to node) and output (node to dataset). No layout library:
  // the UI is one hand-written script without a build, and the layering is the server's.

  const FINAL = new Set(['Completed', 'Cached', 'Failed', 'Cancelled', 'Crashed']);
  const LAYER_GAP = 84;
  const BOX_HEIGHT = 40;
  const GAP = 28;

  const boxWidth = (name, type) => Math.max(96, Math.min(320, Math.max(name.length, (type || '').length) * 7.4 + 28));

  const setupGraph = async (section) => {
    const flow = section.dataset.graphFlow;
    const runId = section.dataset.graphRun;
    const canvas = section.querySelector('.graph-canvas');
    const previewBox = section.querySelector('#graph-preview');
    const { status, body } = await api(BASE + '/api/flows/' + encodeURIComponent(flow) + '/graph');
    if (status !== 200) {
      canvas.append(el('p', 'problem', body.error || 'the graph could not be read'));
      return;
    }
    const entries = [
      ...body.nodes.map((node) => ({ kind: 'node', name: node.name, layer: node.layer, position: node.position,
        width: boxWidth(node.name) })),
      ...body.datasets.map((dataset) => ({ kind: 'dataset', name: dataset.name, layer: dataset.layer,
        position: dataset.position, datasetKind: dataset.kind, type: dataset.type, location: dataset.location,
        width: boxWidth(dataset.name, dataset.type) })),
    ];
    const layers = [];
    for (const entry of entries) (layers[entry.layer] = layers[entry.layer] || []).push(entry);
    const widths = layers.map((layer) => (layer || []).reduce((sum, entry) => sum + entry.width, 0)
      + GAP * Math.max(0, (layer || []).length - 1));
    const width = Math.max(200, ...widths) + 2 * GAP;
    layers.forEach((layer, index) => {
      if (!layer) return;
      layer.sort((a, b) => a.position - b.position);
      let x = (width - widths[index]) / 2;
      for (const entry of layer) {
        entry.x = x;
        entry.y = GAP / 2 + index * LAYER_GAP;
        x += entry.width + GAP;
      }
    });
    const height = layers.length * LAYER_GAP - (LAYER_GAP - BOX_HEIGHT) + GAP;
    const picture = svg('svg', { class: 'graph-svg', width, height, viewBox: '0 0 ' + width + ' ' + height,
      role: 'img', 'aria-label': 'the graph of ' + flow });
    const defs = svg('defs', {});
    const marker = svg('marker', { id: 'graph-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7,
      markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'graph-arrow' }));
    defs.append(marker);
    picture.append(defs);
    const nodeAt = new Map(entries.filter((e) => e.kind === 'node').map((e) => [e.name, e]));
    const datasetAt = new Map(entries.filter((e) => e.kind === 'dataset').map((e) => [e.name, e]));
    const edge = (from, to, fromName, toName) => {
      const x1 = from.x + from.width / 2;
      const y1 = from.y + BOX_HEIGHT;
      const x2 = to.x + to.width / 2;
      const y2 = to.y;
      const middle = (y1 + y2) / 2;
      const path = svg('path', { class: 'graph-edge', 'marker-end': 'url(#graph-arrow)',
        d: 'M ' + x1 + ' ' + y1 + ' C ' + x1 + ' ' + middle + ' ' + x2 + ' ' + middle + ' ' + x2 + ' ' + (y2 - 1) });
      path.dataset.from = fromName;
      path.dataset.to = toName;
      picture.append(path);
    };
    for (const node of body.nodes) {
      for (const input of node.inputs) edge(datasetAt.get(input), nodeAt.get(node.name), 'dataset:' + input, 'node:' + node.name);
      for (const output of node.outputs) edge(nodeAt.get(node.name), datasetAt.get(output), 'node:' + node.name, 'dataset:' + output);
    }
    const shapes = { node: new Map(), dataset: new Map() };
    for (const entry of entries) {
      const group = svg('g', { class: entry.kind === 'node' ? 'graph-node' : 'graph-dataset kind-' + entry.datasetKind,
        transform: 'translate(' + entry.x + ' ' + entry.y + ')' });
      group.dataset[entry.kind] = entry.name;
      const rounded = entry.kind === 'dataset' ? BOX_HEIGHT / 2 : 3;
      group.append(svg('rect', { width: entry.width, height: BOX_HEIGHT, rx: rounded, ry: rounded }));
      if (entry.kind === 'node') {
        group.append(svg('text', { x: entry.width / 2, y: BOX_HEIGHT / 2 }, entry.name));
        group.append(svg('title', {}, 'node ' + entry.name));
      } else {
        group.append(svg('text', { x: entry.width / 2, y: BOX_HEIGHT / 2 - 7 }, entry.name));
        group.append(svg('text', { x: entry.width / 2, y: BOX_HEIGHT / 2 + 9, class: 'graph-type' }, entry.type));
        group.append(svg('title', {}, entry.name + ' (' + entry.type + ')' + (entry.location ? ' at ' + entry.location : '')));
        if (entry.datasetKind === 'catalog' && body.preview) {
          group.setAttribute('tabindex', '0');
          group.setAttribute('role', 'button');
          group.setAttribute('aria-label', 'preview ' + entry.name);
          const open = () => showPreview(entry, group);
          group.addEventListener('click', open);
          group.addEventListener('keydown', (key) => { if (key.key === 'Enter' || key.key === ' ') open(); });
        }
      }
      shapes[entry.kind].set(entry.name, group);
      picture.append(group);
    }
    canvas.replaceChildren(picture);

    const showPreview = async (entry, group) => {
      for (const selected of picture.querySelectorAll('.selected')) selected.classList.remove('selected');
      group.classList.add('selected');
      previewBox.hidden = false;
      previewBox.replaceChildren(el('p', 'hint', 'Reading ' + entry.name + '…'));
      const url = body.preview.replace('{dataset}', encodeURIComponent(entry.name)) + '?rows=20';
      const { status: answered, body: preview } = await api(url);
      const title = el('h3', null, entry.name);
      title.append(el('span', 'kind', ' ' + entry.type + (entry.location ? ' · ' + entry.location : '')));
      if (answered !== 200) {
        previewBox.replaceChildren(title, el('p', 'problem', preview.error || 'the dataset could not be read'));
        return;
      }
      const table = el('table', 'preview-table');
      table.dataset.dataset = entry.name;
      const head = el('tr');
      for (const column of preview.columns) {
        const th = el('th', null, column.name);
        th.append(el('small', null, column.type));
        head.append(th);
      }
      const thead = el('thead');
      thead.append(head);
      const tbody = el('tbody');
      for (const row of preview.rows) {
        const tr = el('tr');
        row.forEach((cell) => tr.append(el('td', cell === null ? 'hint' : null, cell === null ? 'null' : cell)));
        tbody.append(tr);
      }
      table.append(thead, tbody);
      previewBox.replaceChildren(title, table, el('p', 'hint', preview.rows.length + (preview.rows.length === 1
        ? ' row' : ' rows') + ' shown'
        + (preview.more ? '; the dataset has more' : ', all')));
    };

    if (!runId) return;
    // A node takes the state of the task run of its name, a dataset that of its load or save; a final state
    // is not replaced by one that is not (an older state read late).
    const colour = (shape, state) => {
      if (!shape || !STATES.includes(state)) return;
      if (FINAL.has(shape.dataset.state) && !FINAL.has(state)) return;
      for (const name of STATES) shape.classList.remove('state-' + name);
      shape.classList.add('state-' + state);
      shape.dataset.state = state;
      const title = shape.querySelector('title');
      if (title) title.textContent = title.textContent.replace(/ — \w+$/, '') + ' — ' + state;
    };
    const follow = (name, state) => {
      if (shapes.node.has(name)) colour(shapes.node.get(name), state);
      const io = /^(load|save) (.+)$/.exec(name);
      if (io && shapes.dataset.has(io[2])) colour(shapes.dataset.get(io[2]), state);
    };
    stateHooks.push((data) => follow(data.run.name, data.state));
    // What already happened: the runs below the run (and below its subflows, for a flow that wraps a pipeline).
    const readBelow = async (id, depth) => {
      const { status: read, body: page } = await api(BASE + '/api/runs/' + id + '/children?limit=1000');
      if (read !== 200) return;
      for (const child of page.nodes) {
        if (child.type !== 'run') continue;
        follow(child.run.name, child.run.state);
        if (depth > 0 && (child.run.kind === 'flow' || shapes.node.has(child.run.name))) {
          await readBelow(child.run.id, depth - 1);
        }
      }
    };
    await readBelow(runId, 2);
  };

  // Dev mode: the page was made from one revision of the sources; when dev mode compiles again
  // (a new generation, or problems to show), the page reloads itself.
  const setupDev = (revision) => {
    const news = new EventSource(BASE + '/api/events?only=generation');
    news.addEventListener('generation', (message) => {
      const data = JSON.parse(message.data);
      if (String(data.revision) !== revision) {
        news.close();
        window.location.reload();
      }
    });
  };

  showTimes(document);
  setInterval(() => showTimes(document), 15000);
  if (document.body.dataset.devRevision !== undefined) setupDev(document.body.dataset.devRevision);
  if (document.querySelector('[data-live-runs]')) setupLiveRuns();
  const form = document.getElementById('run-form');
  if (form) setupForm(form);
  const graph = document.getElementById('graph');
  if (graph) setupGraph(graph);
  const run = document.getElementById('run');
  if (run) setupRun(run);
  // Pause and resume buttons of the schedules pages: the name is read from the button, never parsed as HTML.
  document.querySelectorAll('button.schedule-action').forEach((button) => {
    button.addEventListener('click', async () => {
      button.disabled = true;
      const answer = await api(BASE + '/api/schedules/' + encodeURIComponent(button.dataset.name) + '/'
        + button.dataset.action, { method: 'POST', headers: { 'Content-Type': 'application/json' } });
      if (answer.status === 200) {
        window.location.reload();
      } else {
        button.disabled = false;
        button.after(el('span', 'error', ' ' + (answer.body.error || ('failed: HTTP ' + answer.status))));
      }
    });
  });
})();
