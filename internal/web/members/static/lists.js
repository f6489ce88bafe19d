/* gonghui — selection on the staff's lists (progressive enhancement; the
 * forms work without it).
 *
 *  - [data-select-all="FORM-ID"]: a checkbox that ticks or clears every
 *    checkbox of that form (form="FORM-ID", in the table rows); it shows
 *    as shown when only some are ticked. Hidden without JS ([hidden] is
 *    removed here), since it would do nothing.
 */
(function () {
  'use strict';

  var doc = document;

  function boxes(all) {
    var id = all.getAttribute('data-select-all');
    return doc.querySelectorAll('input[type="checkbox"][form="' + id + '"]');
  }

  function sync(all) {
    var n = 0, on = 0;
    boxes(all).forEach(function (b) { n++; if (b.checked) on++; });
    all.checked = n > 0 && on === n;
    all.indeterminate = on > 0 && on < n;
  }

  doc.querySelectorAll('[data-select-all]').forEach(function (all) {
    var wrap = all.closest('[hidden]');
    if (wrap) wrap.removeAttribute('hidden');
    sync(all);
    all.addEventListener('change', function () {
      boxes(all).forEach(function (b) { b.checked = all.checked; });
      all.indeterminate = false;
    });
  });

  doc.addEventListener('change', function (e) {
    var t = e.target;
    var id = t && t.getAttribute && t.getAttribute('form');
    if (!id || t.type !== 'checkbox') return;
    var all = doc.querySelector('[data-select-all="' + id + '"]');
    if (all) sync(all);
  });
})();
