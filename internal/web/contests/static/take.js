/* gonghui — taking a contest's paper on a phone (portal_contests.html).
 * The paper works without it (one form, a save button, a confirmation
 * before handing in). With it:
 *
 *  - each answer is saved as it is given: POST <data-save><position> with
 *    the question's fields and the form token, answered with JSON; the
 *    question says "saving / saved / offline, will retry";
 *  - an answer not yet sent is kept in localStorage (gh-paper-<id>) and
 *    sent again when the phone is back online, every few seconds while
 *    some wait, and when the page is opened again (a closed tab resumes
 *    the same paper: the server renders it with its remaining time);
 *  - the clock counts down the seconds the server rendered (measured with
 *    the page's monotonic clock, not the phone's time of day); at zero the
 *    page hands the paper in;
 *  - leaving the page (visibilitychange to hidden) is reported once per
 *    switch, POST <data-switch>; nothing is blocked;
 *  - one question at a time, with previous/next and the answer sheet to
 *    jump; the sheet marks answered and waiting questions.
 * On the result page ([data-paper-done]) it forgets what it kept.
 */
(function () {
  'use strict';

  var PREFIX = 'gh-paper-';

  function storeGet(id) {
    try { return JSON.parse(localStorage.getItem(PREFIX + id) || '{}') || {}; } catch (e) { return {}; }
  }
  function storePut(id, pending) {
    try {
      if (Object.keys(pending).length) localStorage.setItem(PREFIX + id, JSON.stringify(pending));
      else localStorage.removeItem(PREFIX + id);
    } catch (e) { /* private mode or full: the page still sends */ }
  }

  var done = document.querySelector('[data-paper-done]');
  if (done) {
    try { localStorage.removeItem(PREFIX + done.getAttribute('data-paper-done')); } catch (e) { /* nothing kept */ }
    return;
  }

  var form = document.getElementById('pc-paper');
  if (!form) return;
  var id = form.getAttribute('data-paper');
  var saveURL = form.getAttribute('data-save');
  var switchURL = form.getAttribute('data-switch');
  var resultURL = form.getAttribute('data-result');
  var words = {};
  try { words = JSON.parse(form.getAttribute('data-msgs') || '{}'); } catch (e) { words = {}; }
  var token = (form.querySelector('input[name=csrf_token]') || {}).value || '';
  var questions = Array.prototype.slice.call(form.querySelectorAll('.pc-q'));
  var byPos = {};
  questions.forEach(function (q) { byPos[q.getAttribute('data-pos')] = q; });
  var banner = form.querySelector('[data-banner]');
  var progress = form.querySelector('[data-progress]');
  var pending = storeGet(id); // position -> {f: [[name, value]…], n: change number}
  var inflight = {};
  var seq = 0;
  var finished = false;
  var leaving = false;

  function fmt(s) {
    var args = Array.prototype.slice.call(arguments, 1);
    return String(s || '').replace(/%[ds]/g, function () { return args.length ? args.shift() : ''; });
  }

  function showBanner(msg) {
    if (!banner) return;
    banner.textContent = msg || '';
    banner.hidden = !msg;
  }

  // ---------- a question's fields ----------

  function fieldsOf(q) {
    var pre = 'q' + q.getAttribute('data-pos') + '.';
    var out = [];
    q.querySelectorAll('input, textarea').forEach(function (el) {
      if (!el.name || el.name.indexOf(pre) !== 0 || el.name === pre + 'shown') return;
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) return;
      out.push([el.name, el.value]);
    });
    return out;
  }

  function restore(q, fields) {
    var blanks = fields.filter(function (f) { return /\.blank$/.test(f[0]); }).map(function (f) { return f[1]; });
    var bi = 0;
    q.querySelectorAll('input, textarea').forEach(function (el) {
      if (!el.name || /\.shown$/.test(el.name)) return;
      if (el.type === 'radio' || el.type === 'checkbox') {
        el.checked = fields.some(function (f) { return f[0] === el.name && f[1] === el.value; });
      } else if (/\.blank$/.test(el.name)) {
        el.value = bi < blanks.length ? blanks[bi] : '';
        bi++;
      } else {
        var f = fields.filter(function (x) { return x[0] === el.name; })[0];
        el.value = f ? f[1] : '';
      }
    });
  }

  function isAnswered(q) {
    return fieldsOf(q).some(function (f) { return String(f[1]).trim() !== ''; });
  }

  function setState(q, state, msg) {
    var el = q.querySelector('[data-state]');
    if (el) {
      el.className = 'pc-state' + (state ? ' is-' + state : '');
      el.textContent = msg !== undefined ? msg : (words[state === 'waiting' ? 'offline' : state] || '');
    }
    var dot = form.querySelector('[data-dot="' + q.getAttribute('data-pos') + '"]');
    if (dot) dot.classList.toggle('is-waiting', state === 'waiting');
  }

  function setError(q, msg) {
    var el = q.querySelector('[data-error]');
    if (el) { el.textContent = msg || ''; el.hidden = !msg; }
    q.classList.toggle('has-error', !!msg);
  }

  function recount() {
    var n = 0;
    questions.forEach(function (q) {
      var yes = isAnswered(q);
      if (yes) n++;
      q.classList.toggle('is-answered', yes);
      var dot = form.querySelector('[data-dot="' + q.getAttribute('data-pos') + '"]');
      if (dot) dot.classList.toggle('is-answered', yes);
    });
    if (progress) progress.textContent = fmt(words.answered_n, n, questions.length);
  }

  function showFeedback(q, fb) {
    var box = q.querySelector('[data-feedback]');
    if (!box) return;
    box.textContent = '';
    if (!fb) { box.hidden = true; return; }
    var p = document.createElement('p');
    var badge = document.createElement('span');
    badge.className = 'badge badge-' + (fb.variant || 'neutral');
    badge.textContent = fb.verdict || '';
    var right = document.createElement('span');
    right.textContent = ' ' + (fb.right || '');
    p.appendChild(badge);
    p.appendChild(right);
    box.appendChild(p);
    if (fb.explanation) {
      var ex = document.createElement('p');
      ex.className = 'pc-explain';
      ex.textContent = fb.explanation;
      box.appendChild(ex);
    }
    box.hidden = false;
  }

  // ---------- saving ----------

  function keep(q) {
    var pos = q.getAttribute('data-pos');
    pending[pos] = { f: fieldsOf(q), n: ++seq };
    storePut(id, pending);
    setError(q, '');
    recount();
  }

  function send(pos) {
    var q = byPos[pos];
    var item = pending[pos];
    if (!q || !item || inflight[pos] || finished && !item.last) return Promise.resolve();
    if (!navigator.onLine) { setState(q, 'waiting'); return Promise.resolve(); }
    inflight[pos] = true;
    setState(q, 'saving');
    var body = new URLSearchParams();
    body.append('csrf_token', token);
    item.f.forEach(function (f) { body.append(f[0], f[1]); });
    var n = item.n;
    return fetch(saveURL + pos, {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: { 'Accept': 'application/json' }
    }).then(function (res) {
      var json = (res.headers.get('Content-Type') || '').indexOf('application/json') === 0 && !res.redirected;
      if (!json) {
        // A sign-in page or an error page: the session ended or the form
        // token is stale. Keep the answer.
        setState(q, 'waiting', words.signed_out);
        showBanner(words.signed_out);
        return;
      }
      return res.json().then(function (data) {
        var mine = pending[pos] && pending[pos].n === n;
        if (res.ok) {
          if (mine) { delete pending[pos]; storePut(id, pending); }
          if (!pending[pos]) setState(q, data.answered ? 'saved' : '', data.answered ? words.saved : '');
          showFeedback(q, data.feedback);
          return;
        }
        // Refused for good: it would be refused again.
        if (mine) { delete pending[pos]; storePut(id, pending); }
        var msg = (data.fields && (data.fields.answer || data.fields.position)) || data.message || words.failed;
        setState(q, 'failed', words.failed);
        setError(q, msg);
        if (data.result && !finished) {
          finished = true;
          showBanner(data.message || words.time_up);
          setTimeout(function () { leaving = true; location.href = data.result; }, 2500);
        }
      });
    }, function () {
      setState(q, 'waiting');
    }).then(function () {
      inflight[pos] = false;
      recount();
      // Changed while it was on its way: send the newer one.
      if (pending[pos] && pending[pos].n !== n && navigator.onLine) return send(pos);
    });
  }

  function flush() {
    return Promise.all(Object.keys(pending).map(send));
  }

  var timers = {};
  function changed(e, wait) {
    var q = e.target.closest && e.target.closest('.pc-q');
    if (!q || finished) return;
    keep(q);
    var pos = q.getAttribute('data-pos');
    clearTimeout(timers[pos]);
    if (!navigator.onLine) { setState(q, 'waiting'); return; }
    setState(q, 'saving');
    timers[pos] = setTimeout(function () { send(pos); }, wait);
  }
  form.addEventListener('change', function (e) { changed(e, 0); });
  form.addEventListener('input', function (e) {
    if (e.target.type === 'radio' || e.target.type === 'checkbox') return;
    changed(e, 800);
  });

  // What the last visit could not send: back into the inputs, then sent.
  Object.keys(pending).forEach(function (pos) {
    var q = byPos[pos];
    if (!q) { delete pending[pos]; return; }
    restore(q, pending[pos].f || []);
    seq = Math.max(seq, pending[pos].n || 0);
    setState(q, 'waiting');
  });
  storePut(id, pending);
  recount();
  flush();

  window.addEventListener('online', function () { showBanner(''); flush(); });
  window.addEventListener('offline', function () {
    Object.keys(pending).forEach(function (pos) { if (byPos[pos]) setState(byPos[pos], 'waiting'); });
  });
  setInterval(function () { if (navigator.onLine && Object.keys(pending).length) flush(); }, 5000);

  // ---------- leaving the page ----------

  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState !== 'hidden' || finished || leaving) return;
    var body = new URLSearchParams();
    body.append('csrf_token', token);
    try {
      fetch(switchURL, { method: 'POST', body: body, credentials: 'same-origin', keepalive: true }).catch(function () {});
    } catch (e) { /* reported or not, nothing is blocked */ }
  });

  // ---------- handing in ----------

  form.addEventListener('submit', function (e) {
    if (!navigator.onLine) {
      e.preventDefault();
      showBanner(words.offline_submit);
      return;
    }
    leaving = true;
  });

  function handIn() {
    if (finished) return;
    finished = true;
    showBanner(words.time_up);
    questions.forEach(function (q) { if (pending[q.getAttribute('data-pos')]) pending[q.getAttribute('data-pos')].last = true; });
    var go = function () {
      if (!navigator.onLine) {
        showBanner(words.offline_submit);
        window.addEventListener('online', function () { leaving = true; location.href = resultURL; }, { once: true });
        return;
      }
      leaving = true;
      var a = document.createElement('input');
      a.type = 'hidden'; a.name = 'action'; a.value = 'finish';
      form.appendChild(a);
      HTMLFormElement.prototype.submit.call(form);
    };
    // The form carries every answer too; sending what waits first is a
    // courtesy within the server's grace.
    Promise.race([flush(), new Promise(function (r) { setTimeout(r, 2000); })]).then(go, go);
  }

  // ---------- the clock ----------

  var remaining = parseInt(form.getAttribute('data-remaining'), 10);
  var clock = form.querySelector('[data-timer]');
  if (clock && remaining >= 0) {
    var start = performance.now();
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    var tick = function () {
      var left = Math.max(0, remaining - Math.floor((performance.now() - start) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
      clock.textContent = (h ? h + ':' + pad(m) : pad(m)) + ':' + pad(s);
      clock.parentNode.classList.toggle('is-low', left <= 60);
      if (left <= 0) { handIn(); return; }
      setTimeout(tick, 250);
    };
    tick();
  }

  // ---------- one question at a time ----------

  var pager = form.querySelector('[data-pager]');
  var prev = form.querySelector('[data-prev]');
  var next = form.querySelector('[data-next]');
  var current = 0;
  function show(i, focus) {
    current = Math.max(0, Math.min(questions.length - 1, i));
    questions.forEach(function (q, k) { q.classList.toggle('is-current', k === current); });
    form.querySelectorAll('[data-dot]').forEach(function (d, k) { d.classList.toggle('is-current', k === current); });
    if (prev) prev.disabled = current === 0;
    if (next) next.disabled = current === questions.length - 1;
    if (focus) {
      var q = questions[current];
      if (history.replaceState) history.replaceState(null, '', '#' + q.id);
      q.scrollIntoView({ block: 'start' });
    }
  }
  if (questions.length) {
    form.classList.add('is-paged', 'is-live');
    if (pager) pager.hidden = false;
    var m = /^#q-(\d+)$/.exec(location.hash);
    show(m ? parseInt(m[1], 10) - 1 : 0, false);
    if (prev) prev.addEventListener('click', function () { show(current - 1, true); });
    if (next) next.addEventListener('click', function () { show(current + 1, true); });
    form.querySelectorAll('[data-dot]').forEach(function (d) {
      d.addEventListener('click', function (e) {
        e.preventDefault();
        show(parseInt(d.getAttribute('data-dot'), 10), true);
      });
    });
  }
})();
