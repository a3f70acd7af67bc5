// The status page's script (sent inline with a CSP nonce): follows the service's imports over SSE and
// shows each running import's steps as they arrive. Text only (textContent), never HTML from events.
export const PAGE_SCRIPT = `
(() => {
  const live = document.getElementById('live');
  const none = document.getElementById('live-none');
  const MARK = {ok: '\\u2714', warn: '!', fail: '\\u2716', skipped: '-'};
  const seen = new Set();
  function line(list, step) {
    let li = list.querySelector('li[data-step="' + CSS.escape(step) + '"]');
    if (!li) { li = document.createElement('li'); li.dataset.step = step; list.appendChild(li); }
    return li;
  }
  function follow(info) {
    if (seen.has(info.batch_id)) return;
    seen.add(info.batch_id);
    if (none) none.textContent = '';
    const box = document.createElement('section');
    box.className = 'import';
    box.dataset.batch = info.batch_id;
    const title = document.createElement('div');
    title.textContent = info.pack + ' \\u2192 ' + info.host_id + ' \\u00b7 ' + info.batch_id;
    const list = document.createElement('ol');
    const result = document.createElement('div');
    result.className = 'result dim';
    result.textContent = 'running\\u2026';
    box.append(title, list, result);
    live.prepend(box);
    const es = new EventSource(info.events_url);
    es.addEventListener('step', (e) => {
      const ev = JSON.parse(e.data);
      const li = line(list, ev.step);
      if (ev.type === 'start') { li.className = 'dim'; li.textContent = '\\u2026 ' + ev.step; }
      else if (ev.type === 'progress') { li.className = 'dim'; li.textContent = '\\u2026 ' + ev.step + ' ' + ev.message; }
      else {
        li.className = ev.status === 'ok' ? 'ok' : ev.status === 'fail' ? 'bad' : ev.status === 'warn' ? 'warn' : 'dim';
        li.dataset.status = ev.status;
        li.textContent = MARK[ev.status] + ' ' + ev.step + ' (' + ev.duration_ms + ' ms) ' + ev.message;
      }
    });
    es.addEventListener('end', (e) => {
      es.close();
      const out = JSON.parse(e.data);
      box.dataset.done = 'true';
      if (out.error) { result.className = 'result bad'; result.textContent = out.error.message; return; }
      result.className = 'result ' + (out.batch_status === 'succeeded' ? 'ok' : 'bad');
      result.textContent = out.batch_status + ' \\u00b7 access ' + out.access_status + (out.failure_class ? ' \\u00b7 ' + out.failure_class : '');
    });
  }
  const all = new EventSource('/api/v1/imports/events');
  all.addEventListener('import', (e) => follow(JSON.parse(e.data)));
})();
`;
