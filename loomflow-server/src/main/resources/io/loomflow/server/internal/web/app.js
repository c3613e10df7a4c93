// Loomflow's web UI: the run form of a flow page, and the live view of a run page.
// Every text from the server is set with textContent, never parsed as HTML.
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
    const runs = new Map();
    const seenLogs = new Set();
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
      if (self) {
        const badge = section.querySelector('#run-state');
        badge.textContent = self.state;
        badge.className = 'state state-' + self.state;
        section.querySelector('#cancel-button').hidden = self.final;
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
      const text = line.at + ' ' + line.level + ' [' + (run ? run.name : line.runId.slice(0, 8)) + '] ' + line.message
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
      appendLog({ runId: data.run.id, sequence: data.sequence, at: data.at, level: data.level,
        message: data.message, error: data.error });
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

  if (document.body.dataset.devRevision !== undefined) setupDev(document.body.dataset.devRevision);
  const form = document.getElementById('run-form');
  if (form) setupForm(form);
  const run = document.getElementById('run');
  if (run) setupRun(run);
})();
