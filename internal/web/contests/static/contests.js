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
