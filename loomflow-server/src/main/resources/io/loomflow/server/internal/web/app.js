// Loomflow's web UI: the run form of a flow page, the live view of a run page, live lists of runs, and
// times in the reader's zone. Every text from the server is set with textContent, never parsed as HTML
// (a list of runs is taken from the server's own page of it, as rendered there).
'use strict';

(() => {
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
    const events = new EventSource('/api/events');
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
        const { status, body } = await api('/api/flows/' + encodeURIComponent(form.dataset.flow) + '/runs', {
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

  // ---- the run page: task states, a timeline, logs and the result, kept live by server-sent events ----

  const setupRun = (section) => {
    const runId = section.dataset.run;
    const rootId = section.dataset.root;
    const runs = new Map();
    const seenLogs = new Set();
    // The run's tree in numbers, from the progress events: the runs below the root by state, and each map.
    const progress = { counts: null, maps: new Map(), leftOut: 0 };
    let scheduled = false;
    let finished = false;

    const inTree = (id, parentId) => id === runId || (parentId && runs.has(parentId));

    const merge = (run) => {
      const known = runs.get(run.id) || { id: run.id };
      Object.assign(known, run);
      runs.set(run.id, known);
    };

    const render = () => {
      scheduled = false;
      const tasks = section.querySelector('#tasks tbody');
      tasks.replaceChildren();
      const timeline = section.querySelector('#timeline');
      timeline.replaceChildren();
      const all = [...runs.values()].filter((run) => run.id !== runId)
        .sort((a, b) => (a.createdAt || '').localeCompare(b.createdAt || ''));
      const self = runs.get(runId);
      const start = Date.parse((self && (self.startedAt || self.createdAt)) || new Date().toISOString());
      const ends = [...runs.values()].map((run) => Date.parse(run.endedAt || '') || Date.now());
      const span = Math.max(1, Math.max(...ends, start + 1) - start);
      for (const run of all) {
        const row = el('tr');
        row.dataset.run = run.id;
        const name = el('td');
        const link = el('a', null, run.name);
        link.href = '/runs/' + run.id;
        name.append(link);
        const state = el('td');
        state.append(el('span', 'state state-' + run.state, run.state));
        const began = Date.parse(run.startedAt || '');
        const ended = Date.parse(run.endedAt || '');
        const duration = began && ended ? (ended - began) + ' ms' : '';
        row.append(name, el('td', null, run.kind), state, el('td', null, duration));
        tasks.append(row);

        const lane = el('div', 'lane');
        const label = el('span', 'lane-label', run.name);
        const track = el('div', 'track');
        const bar = el('div', 'bar state-' + run.state);
        const from = began ? Math.max(0, began - start) : 0;
        const to = ended || Date.now();
        bar.style.marginLeft = (100 * from / span).toFixed(2) + '%';
        bar.style.width = Math.max(0.5, 100 * ((began ? to - began : 0)) / span).toFixed(2) + '%';
        bar.title = run.name + ': ' + run.state + (duration ? ' in ' + duration : '');
        track.append(bar);
        lane.append(label, track);
        timeline.append(lane);
      }
      renderProgress();
      if (self) {
        const badge = section.querySelector('#run-state');
        badge.textContent = self.state;
        badge.className = 'state state-' + self.state;
        section.querySelector('#cancel-button').hidden = self.final;
      }
    };

    // A bar of counts by state: one part per state, and the rest of total not started yet.
    const progressBar = (label, counts, total) => {
      const row = el('div', 'progress-row');
      const track = el('div', 'progress-bar');
      const parts = [];
      let counted = 0;
      for (const [state, count] of Object.entries(counts)) {
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

    // The runs below this one by state: from the progress events on a root's page, else from the runs known.
    const countsBelow = () => {
      if (runId === rootId && progress.counts) return progress.counts;
      const counts = {};
      for (const run of runs.values()) {
        if (run.id !== runId) counts[run.state] = (counts[run.state] || 0) + 1;
      }
      return counts;
    };

    const renderProgress = () => {
      const counts = countsBelow();
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      const runBar = section.querySelector('#run-progress');
      runBar.replaceChildren();
      if (total > 0) runBar.append(progressBar('runs below this one: ' + total, counts, total));
      const mapBars = section.querySelector('#map-progress');
      mapBars.replaceChildren();
      for (const map of progress.maps.values()) {
        if (runId !== rootId && map.parentId !== runId) continue;
        const bar = progressBar('map of ' + map.name + ': ' + map.size + ' items', map.counts, map.size);
        bar.dataset.map = map.id;
        mapBars.append(bar);
      }
    };

    const schedule = () => {
      if (!scheduled) {
        scheduled = true;
        requestAnimationFrame(render);
      }
    };

    const appendLog = (line) => {
      if (seenLogs.has(line.sequence)) return;
      seenLogs.add(line.sequence);
      const run = runs.get(line.runId);
      const at = new Date(line.at);
      const text = (Number.isNaN(at.getTime()) ? line.at : clockTime(at)) + ' ' + line.level + ' ['
        + (line.runName || (run ? run.name : line.runId)) + '] ' + line.message
        + (line.error ? ' (' + line.error + ')' : '');
      section.querySelector('#logs').append(el('span', 'log log-' + line.level, text + '\n'));
    };

    const showResult = (result) => {
      const holder = section.querySelector('#result');
      holder.replaceChildren();
      if (result === undefined || result === null) {
        holder.append(el('p', 'hint', (runs.get(runId) || {}).final ? 'No result.' : 'Not yet.'));
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

    // Runs below a map's items came as counts: once the run has ended, its tree is read again to list them,
    // if it is not too large to list (and its logs, if some lines were left out of the stream).
    const TREE_READ_AT_MOST = 5000;
    const finish = async () => {
      if (finished) return;
      finished = true;
      const { status, body } = await api('/api/runs/' + runId);
      if (status === 200) {
        merge(body);
        showResult(body.result);
        showError(body.error);
        schedule();
      }
      const below = Object.values(countsBelow()).reduce((sum, count) => sum + count, 0);
      if (progress.maps.size > 0 && below <= TREE_READ_AT_MOST) {
        const tree = await api('/api/runs/' + runId + '/tree');
        (tree.body.runs || []).forEach(merge);
        schedule();
      }
      if (progress.leftOut > 0) {
        const logs = await api('/api/runs/' + runId + '/logs?tree=true');
        (logs.body.lines || []).forEach(appendLog);
      }
    };

    const onState = (event) => {
      const data = JSON.parse(event.data);
      const run = data.run;
      if (!inTree(run.id, run.parentId)) return;
      const update = { id: run.id, parentId: run.parentId, name: run.name, kind: run.kind, state: data.state,
        final: data.final };
      const known = runs.get(run.id);
      if (!known) update.createdAt = data.at;
      if (data.state === 'Running' && !(known && known.startedAt)) update.startedAt = data.at;
      if (data.final) update.endedAt = data.at;
      merge(update);
      if (run.id === runId && data.final) {
        if (data.result !== undefined) showResult(data.result);
        if (data.error) showError(data.error);
        finish();
      }
      schedule();
    };

    const onLog = (event) => {
      const data = JSON.parse(event.data);
      if (!inTree(data.run.id, data.run.parentId)) return;
      appendLog({ runId: data.run.id, runName: data.run.name, sequence: data.sequence, at: data.at, level: data.level,
        message: data.message, error: data.error });
    };

    const onProgress = (event) => {
      const data = JSON.parse(event.data);
      progress.counts = data.counts;
      progress.leftOut = data.leftOut;
      for (const map of data.maps) progress.maps.set(map.id, map);
      schedule();
    };

    section.querySelector('#cancel-button').addEventListener('click', () => {
      api('/api/runs/' + runId + '/cancel', { method: 'POST', headers: { 'Content-Type': 'application/json' } });
    });

    (async () => {
      const tree = await api('/api/runs/' + runId + '/tree');
      (tree.body.runs || []).forEach(merge);
      const logs = await api('/api/runs/' + runId + '/logs?tree=true');
      (logs.body.lines || []).forEach(appendLog);
      schedule();
      const self = runs.get(runId);
      if (self && self.final) {
        finish();
        return;
      }
      const events = new EventSource('/api/events?run=' + encodeURIComponent(runId));
      events.addEventListener('state', onState);
      events.addEventListener('log', onLog);
      events.addEventListener('progress', onProgress);
      events.addEventListener('reload', () => window.location.reload());
    })();
  };

  // Dev mode: the page was made from one revision of the sources; when dev mode compiles again
  // (a new generation, or problems to show), the page reloads itself.
  const setupDev = (revision) => {
    const news = new EventSource('/api/events?only=generation');
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
  const run = document.getElementById('run');
  if (run) setupRun(run);
})();
