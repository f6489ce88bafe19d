/* gonghui — the staff's sign-up pages' progressive enhancement (see app.js
 * for the common one). Every page works without it.
 *
 *  - [data-add-cp] adds a checkpoint row to the form's [data-cp-rows] by
 *    copying the last row (inputs "cp_x.N" and ids renumbered, values
 *    cleared). Without JS the form always ends with one empty row.
 *  - [data-code-refresh] (a checkpoint's screen): after data-refresh-in
 *    milliseconds asks data-code-url for the checkpoint's current code
 *    ({url, image, valid_until, refresh_in_ms}) and swaps the QR image
 *    [data-code-img], the address [data-code-text] and [data-code-until].
 *  - [data-copy="selector"] copies that element's text.
 *  - [data-print] prints the page.
 *  - [data-scan-form] (the scanner): the card field is sent with fetch and
 *    the answer ({ok, title, detail}) shown in [data-scan-result] without
 *    leaving the page; with the camera of camera.js (loaded before this
 *    file) each card seen is sent, the camera staying open for the next
 *    person.
 */
(function () {
  'use strict';

  var doc = document;

  /* ---------- checkpoint rows of the form ---------- */

  function renumber(row, index) {
    row.setAttribute('data-index', String(index));
    row.querySelectorAll('[name], [id], label[for]').forEach(function (el) {
      ['name', 'id', 'for', 'aria-describedby'].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) el.setAttribute(attr, v.replace(/([.\-])\d+(\b|$)/, '$1' + index + '$2'));
      });
    });
  }

  doc.addEventListener('click', function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    var add = t.closest('[data-add-cp]');
    if (add && add.form) {
      var box = add.form.querySelector('[data-cp-rows]');
      var rows = box ? box.querySelectorAll('[data-cp-row]') : [];
      if (!rows.length) return;
      e.preventDefault();
      var next = 0;
      rows.forEach(function (r) { next = Math.max(next, (parseInt(r.getAttribute('data-index'), 10) || 0) + 1); });
      var row = rows[rows.length - 1].cloneNode(true);
      row.querySelectorAll('.field-error, .cp-remove').forEach(function (el) { el.remove(); });
      row.querySelectorAll('.has-error').forEach(function (el) { el.classList.remove('has-error'); });
      row.querySelectorAll('input').forEach(function (el) {
        el.value = '';
        el.removeAttribute('aria-invalid');
        el.removeAttribute('aria-describedby');
      });
      renumber(row, next);
      box.appendChild(row);
      var first = row.querySelector('input[type="text"]');
      if (first) first.focus();
      return;
    }
    if (t.closest('[data-print]')) {
      e.preventDefault();
      window.print();
      return;
    }
    var copy = t.closest('[data-copy]');
    if (copy) {
      var src = doc.querySelector(copy.getAttribute('data-copy'));
      if (src && navigator.clipboard) {
        navigator.clipboard.writeText(src.textContent.trim()).then(function () {
          var label = copy.textContent;
          copy.textContent = copy.getAttribute('data-copied') || label;
          setTimeout(function () { copy.textContent = label; }, 2000);
        }, function () {});
      }
    }
  });

  /* ---------- a checkpoint's screen ---------- */

  var screen = doc.querySelector('[data-code-refresh]');
  if (screen) {
    var img = screen.querySelector('[data-code-img]');
    var text = screen.querySelector('[data-code-text]');
    var until = screen.querySelector('[data-code-until]');
    var refresh = function () {
      fetch(screen.getAttribute('data-code-url'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) {
          if (!res.ok) throw new Error(String(res.status));
          return res.json();
        })
        .then(function (c) {
          if (img && c.image) img.src = c.image;
          if (text && c.url) text.textContent = c.url;
          if (until && c.valid_until) until.textContent = c.valid_until;
          if (c.refresh_in_ms > 0) setTimeout(refresh, c.refresh_in_ms);
        }, function () {
          setTimeout(refresh, 5000);
        });
    };
    var wait = parseInt(screen.getAttribute('data-refresh-in'), 10);
    if (wait > 0) setTimeout(refresh, wait);
  }

  /* ---------- the scanner ---------- */

  var form = doc.querySelector('[data-scan-form]');
  if (!form || !window.fetch || !window.FormData) return;
  var result = doc.querySelector('[data-scan-result]');
  var title = result && result.querySelector('[data-scan-title]');
  var detail = result && result.querySelector('[data-scan-detail]');
  var input = form.querySelector('textarea[name="card"]');
  var start = form.querySelector('[data-scan]');
  var busy = false;
  var last = '';
  var lastAt = 0;

  function show(ok, t, d) {
    if (!result) return;
    result.hidden = false;
    result.classList.toggle('scan-ok', ok);
    result.classList.toggle('scan-bad', !ok);
    title.textContent = t || '';
    detail.textContent = d || '';
    if (navigator.vibrate) navigator.vibrate(ok ? 80 : [60, 60, 60]);
  }

  function send(payload, done) {
    if (busy || !payload) return;
    busy = true;
    var data = new FormData(form);
    data.set('card', payload);
    if (start) show(true, start.getAttribute('data-msg-sending') || '…', '');
    fetch(form.action, {
      method: 'POST', body: new URLSearchParams(data), credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    }).then(function (res) {
      return res.json();
    }).then(function (r) {
      show(!!r.ok, r.title, r.detail);
      if (r.ok && input) input.value = '';
    }, function () {
      show(false, start ? start.getAttribute('data-msg-network') : '', '');
    }).then(function () {
      busy = false;
      if (done) done();
    });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    send(input ? input.value.trim() : '');
  });

  if (!window.gonghuiCamera) return;
  window.gonghuiCamera(form, function (code, again) {
    var now = Date.now();
    // The same card held in front of the camera is sent once.
    if (busy || (code === last && now - lastAt <= 4000)) return false;
    last = code;
    lastAt = now;
    send(code, function () { again(800); });
    return true;
  }, function (c) {
    show(false, c.start.getAttribute('data-msg-failed') || '', '');
  });
})();
