/* gonghui — the member pages' progressive enhancement (see app.js for the
 * common one). Every page works without it.
 *
 *  - [data-add-row] in a form with [data-entry-rows]: adds one more person
 *    to the on-site joining form by copying the last row (inputs named
 *    "field.N" and ids "f-field-N" are renumbered, values reset to their
 *    data-default). Without JS the button posts the form, and the server
 *    shows it again with one more row.
 *  - [data-print] prints the page (the joining poster).
 */
(function () {
  'use strict';

  var doc = document;

  function renumber(row, index) {
    row.setAttribute('data-index', String(index));
    row.querySelectorAll('[name], [id], label[for]').forEach(function (el) {
      var name = el.getAttribute('name');
      if (name && /\.\d+$/.test(name)) el.setAttribute('name', name.replace(/\.\d+$/, '.' + index));
      var id = el.getAttribute('id');
      if (id && /-\d+$/.test(id)) el.setAttribute('id', id.replace(/-\d+$/, '-' + index));
      var f = el.getAttribute('for');
      if (f && /-\d+$/.test(f)) el.setAttribute('for', f.replace(/-\d+$/, '-' + index));
    });
  }

  function reset(row) {
    row.classList.remove('has-error');
    row.querySelectorAll('.field-error').forEach(function (el) { el.remove(); });
    row.querySelectorAll('.has-error').forEach(function (el) { el.classList.remove('has-error'); });
    row.querySelectorAll('input, select, textarea').forEach(function (el) {
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-describedby');
      el.value = el.getAttribute('data-default') || '';
    });
  }

  function addRow(box) {
    var rows = box.querySelectorAll('[data-entry-row]');
    if (!rows.length) return null;
    var next = 0;
    rows.forEach(function (r) {
      next = Math.max(next, parseInt(r.getAttribute('data-index'), 10) + 1 || 0);
    });
    var row = rows[rows.length - 1].cloneNode(true);
    renumber(row, next);
    reset(row);
    var legend = row.querySelector('legend');
    if (legend) legend.textContent = legend.textContent.replace(/\d+/, String(rows.length + 1));
    box.appendChild(row);
    return row;
  }

  doc.addEventListener('click', function (e) {
    var t = e.target;
    if (!t.closest) return;
    if (t.closest('[data-print]')) {
      e.preventDefault();
      window.print();
      return;
    }
    var btn = t.closest('[data-add-row]');
    if (!btn || !btn.form) return;
    var box = btn.form.querySelector('[data-entry-rows]');
    if (!box) return;
    var row = addRow(box);
    if (!row) return;
    e.preventDefault();
    var first = row.querySelector('input, select');
    if (first) first.focus();
  });
})();
