/* contests.js — the question form: show only what the chosen type uses.
   Without it every input shows, and the server reads only the type's. */
(function () {
  'use strict';
  var form = document.querySelector('[data-question-form]');
  if (!form) return;
  var select = form.querySelector('[name="type"]');
  function update() {
    var t = select.value;
    form.querySelectorAll('[data-types]').forEach(function (el) {
      var on = el.getAttribute('data-types').split(' ').indexOf(t) >= 0;
      el.hidden = !on;
    });
  }
  select.addEventListener('change', update);
  update();
})();

/* The contest's form (templates/contests.html): each section row shows the
   fields of its mode (random or fixed); "add a section" copies the last row
   (inputs "sec_x.N" and ids renumbered, values cleared); choosing a bank of
   a fixed section sends the form back to list the bank's questions (the
   button that does it without JavaScript). */
(function () {
  'use strict';
  var form = document.querySelector('[data-contest-form]');
  if (!form) return;
  var box = form.querySelector('[data-sec-rows]');

  function modeOf(row) {
    var on = row.querySelector('input[type="radio"][name^="sec_mode."]:checked');
    return on ? on.value : 'random';
  }

  form.addEventListener('change', function (e) {
    var t = e.target;
    var row = t.closest && t.closest('[data-sec-row]');
    if (!row) return;
    if (t.name && t.name.indexOf('sec_mode.') === 0) {
      row.setAttribute('data-mode', modeOf(row));
    }
    var bank = row.querySelector('select[name^="sec_bank."]');
    var needsList = modeOf(row) === 'fixed' && bank && bank.value && !row.querySelector('input[name^="sec_q."][type="checkbox"]');
    if ((t === bank || t.name.indexOf('sec_mode.') === 0) && needsList) {
      var refresh = form.querySelector('[data-sec-refresh]');
      if (refresh) refresh.click();
    }
  });

  function renumber(row, index) {
    row.setAttribute('data-index', String(index));
    row.querySelectorAll('[name], [id], label[for], [list], [aria-describedby]').forEach(function (el) {
      ['name', 'id', 'for', 'list', 'aria-describedby'].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) el.setAttribute(attr, v.split(' ').map(function (w) { return w.replace(/([.\-])\d+/, '$1' + index); }).join(' '));
      });
    });
  }

  var add = form.querySelector('[data-add-sec]');
  if (add && box) {
    add.addEventListener('click', function (e) {
      var rows = box.querySelectorAll('[data-sec-row]');
      if (!rows.length) return;
      e.preventDefault();
      var next = 0;
      rows.forEach(function (r) { next = Math.max(next, (parseInt(r.getAttribute('data-index'), 10) || 0) + 1); });
      var row = rows[rows.length - 1].cloneNode(true);
      row.querySelectorAll('.field-error, .sec-remove, .sec-choices, [data-sec-part="fixed"] .field-hint, input[type="hidden"]').forEach(function (el) { el.remove(); });
      row.querySelectorAll('.has-error').forEach(function (el) { el.classList.remove('has-error'); });
      row.querySelectorAll('[aria-invalid]').forEach(function (el) { el.removeAttribute('aria-invalid'); });
      row.querySelectorAll('input').forEach(function (el) {
        if (el.type === 'radio') el.checked = el.value === 'random';
        else if (el.type === 'checkbox') el.checked = false;
        else el.value = '';
      });
      row.querySelectorAll('select').forEach(function (el) { el.selectedIndex = 0; });
      row.setAttribute('data-mode', 'random');
      renumber(row, next);
      box.appendChild(row);
      var first = row.querySelector('input[name^="sec_title."]');
      if (first) first.focus();
    });
  }
})();

// A board of a contest that is open reads its own page again every few
// seconds while the tab is visible and puts the new board in place (the
// filters, the tab and the scroll position stay as they are).
(function () {
  var box = document.querySelector('[data-live-board]');
  if (!box || !window.fetch || !window.DOMParser) return;
  var every = (parseInt(box.getAttribute('data-live-board'), 10) || 15) * 1000;
  function refresh() {
    if (document.visibilityState !== 'visible') return;
    fetch(location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      var next = new DOMParser().parseFromString(html, 'text/html').querySelector('[data-live-board]');
      if (next) box.innerHTML = next.innerHTML;
    }).catch(function () { /* the next turn tries again */ });
  }
  setInterval(refresh, every);
})();
