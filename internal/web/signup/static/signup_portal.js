/* gonghui — sign-ups in the members' portal. Every page works without it.
 *
 *  - form[data-busy="正在提交…"]: once sent, its submit button says so and
 *    is disabled, so that a second tap shows it is on its way (app.js
 *    already drops a second submit; the server is idempotent anyway).
 */
(function () {
  'use strict';

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-busy')) return;
    // Let app.js's confirmation run first: it prevents the default when declined.
    setTimeout(function () {
      if (e.defaultPrevented) return;
      var btn = form.querySelector('button[type=submit]');
      if (!btn) return;
      if (!btn.hasAttribute('data-label')) btn.setAttribute('data-label', btn.textContent);
      btn.textContent = form.getAttribute('data-busy');
      btn.disabled = true;
    }, 0);
  });

  // Back from the browser cache: the buttons work again.
  window.addEventListener('pageshow', function (e) {
    if (!e.persisted) return;
    document.querySelectorAll('form[data-busy] button[type=submit][disabled]').forEach(function (b) {
      b.disabled = false;
      b.textContent = b.getAttribute('data-label') || b.textContent;
    });
  });
})();
