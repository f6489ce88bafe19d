/* gonghui — the live contest's screens (live.html): the host screen and the
 * phone. The page is rendered whole by the server; this script keeps it
 * current from the session's stream (server-sent events, "state" events
 * carrying contest.LiveState as JSON), reconnecting with a growing pause
 * and catching up from …/state after each break (or polling it where there
 * is no EventSource). The host's steps and the phone's answers are sent
 * without leaving the page. Words come from data-msgs. */
(function () {
  'use strict';
  var root = document.getElementById('live');
  if (!root) { return; }
  var host = root.getAttribute('data-live') === 'host';
  var msgs = {};
  try { msgs = JSON.parse(root.getAttribute('data-msgs') || '{}'); } catch (e) { msgs = {}; }
  function t(key) {
    var args = Array.prototype.slice.call(arguments, 1), i = 0;
    return String(msgs[key] || '').replace(/%[ds]/g, function () { return String(args[i++]); });
  }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined && text !== null) { n.textContent = String(text); }
    return n;
  }
  function q(sel) { return root.querySelector(sel); }
  function fill(node, kids) {
    if (!node) { return; }
    while (node.firstChild) { node.removeChild(node.firstChild); }
    kids.forEach(function (k) { if (k) { node.appendChild(k); } });
  }
  var token = (document.querySelector('input[name=csrf_token]') || {}).value || '';
  var state = null;
  var deadline = 0; // performance.now() when the question closes
  var sent = {};    // the phone: position -> the answer just sent (until the state has it)

  function badge(ph) {
    return el('span', 'badge badge-' + (msgs['variant.' + ph] || 'neutral'), msgs['phase.' + ph] || ph);
  }
  function letters(st) {
    var qn = st.question;
    if (qn.type === 'truefalse') { return [['✓', t('portal.contest.true')], ['✗', t('portal.contest.false')]]; }
    if (qn.type === 'blank') { return [['✓', t('live.tally.right')], ['✗', t('live.tally.wrong')]]; }
    return (qn.options || []).map(function (o, i) { return [String.fromCharCode(65 + i), o]; });
  }
  function opts(st) {
    var list = el('ol', 'live-opts live-opts-' + st.question.type + (st.tally ? ' is-tallied' : ''));
    var total = (st.tally || []).reduce(function (a, b) { return a + b; }, 0);
    letters(st).forEach(function (lo, i) {
      var li = el('li', 'live-opt' + ((st.right || []).indexOf(i) >= 0 ? ' is-right' : ''));
      li.appendChild(el('span', 'live-letter', lo[0]));
      li.appendChild(el('span', 'live-opt-text', lo[1]));
      if (st.tally) {
        var n = st.tally[i] || 0, bar = el('progress', 'live-bar');
        bar.max = 100;
        bar.value = total ? Math.floor(n * 100 / total) : 0;
        li.appendChild(bar);
        li.appendChild(el('b', 'live-count', n));
      }
      list.appendChild(li);
    });
    return list;
  }
  function keyText(st) {
    if (!st.blanks || !st.blanks.length) { return ''; }
    return st.blanks.map(function (alts, i) { return t('live.js.blank_n', i + 1) + ' ' + alts.join(' / '); }).join('；');
  }
  function progress(st) {
    return st.position >= 0 ? t('live.progress', st.position + 1, st.total) : (host ? t('live.progress_none', st.total) : '');
  }

  // ---------- the clock ----------
  function tick() {
    var c = q('[data-clock]');
    if (!c) { return; }
    if (!state || state.phase !== 'open') { c.textContent = ''; c.classList.add('is-off'); return; }
    var left = Math.max(0, Math.ceil((deadline - performance.now()) / 1000));
    c.textContent = String(left);
    c.classList.remove('is-off');
    c.classList.toggle('is-low', left <= 5);
  }
  setInterval(tick, 250);

  // ---------- the host screen ----------
  function renderHost(st) {
    fill(q('[data-phase]'), [badge(st.phase)]);
    q('[data-progress]').textContent = progress(st);
    q('[data-answers]').textContent = t('live.js.answers_n', st.answers);
    var stage = q('[data-stage]'), kids = [];
    if (st.question) {
      var head = el('div', 'live-qhead');
      var clock = el('span', 'live-clock');
      clock.setAttribute('data-clock', '');
      clock.setAttribute('role', 'timer');
      head.appendChild(clock);
      head.appendChild(el('span', 'live-points', t('live.js.worth', st.question.points)));
      kids.push(head, el('p', 'live-stem', st.question.stem), opts(st));
      var k = keyText(st);
      if (k) { kids.push(el('p', 'live-key', k)); }
      if (st.explanation) { kids.push(el('p', 'live-explain', st.explanation)); }
    } else {
      var idle = el('div', 'live-idle');
      if (st.phase === 'ended') {
        idle.appendChild(el('p', 'live-big', t('live.host.ended')));
      } else {
        idle.appendChild(el('p', 'live-big', t('live.host.join_now')));
        idle.appendChild(el('p', 'live-code-big', st.code));
      }
      kids.push(idle);
    }
    fill(stage, kids);
    q('[data-joined]').textContent = String(st.joined);
    var names = st.names.map(function (n) { return el('li', '', n); });
    if (st.joined > st.names.length) { names.push(el('li', 'muted', t('live.js.more', st.joined - st.names.length))); }
    fill(q('[data-names]'), names);
    var rows = st.board.map(function (r) {
      var li = el('li');
      li.appendChild(el('span', 'live-rank', r.rank));
      li.appendChild(el('span', 'live-name', r.name));
      li.appendChild(el('span', 'live-score', r.score));
      li.appendChild(el('span', 'live-time', t('live.js.time_v', (r.time_ms / 1000).toFixed(1))));
      return li;
    });
    if (!rows.length) { rows.push(el('li', 'live-empty', t('live.board.empty'))); }
    fill(q('[data-board]'), rows);
    var can = {
      next: st.phase !== 'open' && st.phase !== 'ended' && st.position + 1 < st.total,
      close: st.phase === 'open',
      reveal: st.phase === 'closed',
      end: st.phase !== 'ended'
    };
    root.querySelectorAll('[data-stepform]').forEach(function (f) {
      var b = f.querySelector('button');
      if (b && !f.busy) { b.disabled = !st.can_run || !can[f.getAttribute('data-stepform')]; }
      var v = f.querySelector('[data-version-input]');
      if (v) { v.value = String(st.version); }
    });
  }

  root.querySelectorAll('[data-stepform]').forEach(function (f) {
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var b = f.querySelector('button');
      if (b && b.hasAttribute('data-confirm') && !window.confirm(b.getAttribute('data-confirm'))) { return; }
      f.busy = true;
      if (b) { b.disabled = true; }
      fetch(f.action, { method: 'POST', body: new FormData(f), credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (res) { return res.json().then(function (j) { return { ok: res.ok, j: j }; }); })
        .then(function (r) {
          f.busy = false;
          if (r.ok) { apply(r.j); say(''); } else { say(r.j.message || ''); catchUp(); }
        })
        .catch(function () { f.busy = false; say(t('live.js.offline')); catchUp(); });
    });
  });
  var full = q('[data-fullscreen]');
  if (full && document.fullscreenEnabled) {
    full.hidden = false;
    full.addEventListener('click', function () {
      if (document.fullscreenElement) { document.exitFullscreen(); } else { root.requestFullscreen(); }
    });
  }

  // ---------- the phone ----------
  function answerForm(st) {
    var qn = st.question, f = el('form', 'live-answer');
    f.method = 'post';
    f.action = root.getAttribute('data-answer');
    var name = 'q' + qn.position + '.';
    [['csrf_token', token], ['position', String(qn.position)]].forEach(function (kv) {
      var h = el('input');
      h.type = 'hidden'; h.name = kv[0]; h.value = kv[1];
      f.appendChild(h);
    });
    if (qn.type === 'blank') {
      for (var i = 0; i < qn.blanks; i++) {
        var lab = el('label', 'pc-blank');
        lab.appendChild(el('span', '', t('live.js.blank_n', i + 1)));
        var inp = el('input');
        inp.type = 'text'; inp.name = name + 'blank'; inp.maxLength = 100; inp.autocomplete = 'off';
        lab.appendChild(inp);
        f.appendChild(lab);
      }
    } else {
      var box = el('div', 'live-choices');
      letters(st).forEach(function (lo, i) {
        var lab = el('label', 'live-choice'), inp = el('input');
        inp.type = qn.type === 'multiple' ? 'checkbox' : 'radio';
        inp.name = name + (qn.type === 'truefalse' ? 'tf' : 'choice');
        inp.value = qn.type === 'truefalse' ? (i === 0 ? 'true' : 'false') : String(i);
        lab.appendChild(inp);
        lab.appendChild(el('span', 'live-letter', lo[0]));
        lab.appendChild(el('span', '', lo[1]));
        box.appendChild(lab);
      });
      f.appendChild(box);
      if (qn.type === 'multiple') { f.appendChild(el('p', 'portal-note', t('live.js.multiple_hint'))); }
    }
    var send = el('button', 'btn btn-primary btn-block btn-large', t('live.js.submit'));
    send.type = 'submit';
    f.appendChild(send);
    var err = el('p', 'field-error');
    err.setAttribute('role', 'alert');
    f.appendChild(err);
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      send.disabled = true;
      send.textContent = t('live.js.sending');
      var body = new FormData(f);
      fetch(f.action, { method: 'POST', body: body, credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (res) { return res.json().then(function (j) { return { ok: res.ok, j: j }; }); })
        .then(function (r) {
          if (r.ok || r.j.code === 'answered') {
            sent[qn.position] = mineWords(st, body, name);
            render(state);
            return;
          }
          send.disabled = false;
          send.textContent = t('live.js.submit');
          err.textContent = r.j.message || '';
          if (r.j.code === 'closed') { catchUp(); }
        })
        .catch(function () {
          send.disabled = false;
          send.textContent = t('live.js.submit');
          err.textContent = t('live.js.offline');
        });
    });
    // One tap answers a single choice or true/false: speed counts.
    if (qn.type === 'single' || qn.type === 'truefalse') {
      f.addEventListener('change', function () { if (!send.disabled) { f.requestSubmit ? f.requestSubmit() : send.click(); } });
    }
    return f;
  }
  function mineWords(st, body, name) {
    var qn = st.question;
    if (qn.type === 'blank') { return body.getAll(name + 'blank').join(' / '); }
    if (qn.type === 'truefalse') { return body.get(name + 'tf') === 'true' ? t('portal.contest.true') : t('portal.contest.false'); }
    return body.getAll(name + 'choice').map(function (v) { return String.fromCharCode(65 + Number(v)); }).join('');
  }
  function answerWords(st, a) {
    if (!a) { return ''; }
    if (a.choices) { return a.choices.map(function (c) { return String.fromCharCode(65 + c); }).join(''); }
    if (a.true !== undefined) { return a.true ? t('portal.contest.true') : t('portal.contest.false'); }
    if (a.blanks) { return a.blanks.join(' / '); }
    return '';
  }
  function renderPhone(st) {
    fill(q('[data-phase]'), [badge(st.phase)]);
    q('[data-progress]').textContent = progress(st);
    var me = st.me || {};
    var area = q('[data-phone]');
    if (!me.joined) { return; } // the join form stays as the server rendered it
    var kids = [];
    var line = t('live.phone.as', me.name);
    if (me.rank) { line += ' · ' + t('live.js.rank', me.rank, me.of) + ' · ' + t('live.js.score', me.score); }
    kids.push(el('p', 'live-me', line));
    var card = el('section', 'card live-pq');
    var qn = st.question;
    if (!qn) {
      card.appendChild(el('p', 'live-big', st.phase === 'ended' ? t('live.js.ended_me', me.rank, me.of, me.score) : t('live.phone.lobby')));
    } else {
      card.appendChild(el('p', 'live-pstem', qn.stem));
      var mine = me.answered ? answerWords(st, me.answer) : sent[qn.position];
      if (st.phase === 'open' && !me.answered && sent[qn.position] === undefined) {
        var existing = area.querySelector('form.live-answer');
        if (existing && existing.getAttribute('data-pos') === String(qn.position)) {
          card.appendChild(existing); // keep what is being chosen or typed
        } else {
          var f = answerForm(st);
          f.setAttribute('data-pos', String(qn.position));
          card.appendChild(f);
        }
      } else {
        var m = el('p', 'live-mine' + (mine ? '' : ' muted'), mine ? t('live.js.your', mine) : t('live.js.no_answer'));
        if (me.teammate) { m.textContent += ' (' + t('live.js.teammate') + ')'; }
        card.appendChild(m);
        if (me.credit !== undefined && me.credit !== null) {
          var v = el('p', 'live-verdict');
          var words = me.credit === 2 ? ['live.js.right', 'success'] : me.credit === 1 ? ['live.js.partial', 'warning'] : ['live.js.wrong', 'danger'];
          v.appendChild(el('span', 'badge badge-' + words[1], t(words[0])));
          v.appendChild(document.createTextNode(' ' + t('live.js.points', me.points)));
          card.appendChild(v);
        }
        if (st.right) {
          card.appendChild(opts(st));
          var k = keyText(st);
          if (k) { card.appendChild(el('p', 'live-key', k)); }
        } else {
          card.appendChild(el('p', 'portal-note', st.phase === 'open' ? t('live.js.answered') : t('live.js.waiting')));
        }
      }
    }
    kids.push(card);
    fill(area, kids);
  }
  function render(st) { if (host) { renderHost(st); } else { renderPhone(st); } tick(); }

  function apply(st) {
    if (!st || !st.now) { return; }
    if (state && Date.parse(st.now) < Date.parse(state.now)) { return; }
    state = st;
    deadline = performance.now() + (st.phase === 'open' ? st.remaining_ms : 0);
    if (!host && st.question && st.me && st.me.answered) { delete sent[st.question.position]; }
    render(st);
  }

  // ---------- the stream ----------
  var stateURL = root.getAttribute('data-state-url');
  var eventsURL = root.getAttribute('data-events');
  var pause = 1000;
  function say(text) { var c = q('[data-conn]'); if (c) { c.textContent = text; } }
  function catchUp() {
    return fetch(stateURL, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (st) { if (st) { apply(st); } })
      .catch(function () { say(t('live.js.offline')); });
  }
  function connect() {
    if (!window.EventSource) {
      catchUp().then(function () { setTimeout(connect, 2000); });
      return;
    }
    var es = new EventSource(eventsURL);
    es.addEventListener('state', function (ev) {
      pause = 1000;
      say('');
      try { apply(JSON.parse(ev.data)); } catch (e) { /* a broken event: the next one will do */ }
    });
    es.onerror = function () {
      es.close();
      say(t('live.js.reconnecting'));
      setTimeout(function () { catchUp(); connect(); }, pause);
      pause = Math.min(pause * 2, 30000);
    };
  }
  // The page's own state first (the server rendered it), then the stream.
  catchUp();
  connect();
})();
