/* gonghui — the members' pages' progressive enhancement (see app.js for the
 * common one). Every page works without it.
 *
 *  - [data-countdown="60"] on the "send the code again" button: disabled
 *    for that many seconds, its label counting down with
 *    data-countdown-label ("… (%d s)"). Without JS the button stays, and
 *    the server says when it is too early.
 *  - [data-scan] in a form [data-scan-form]: the camera of signup's
 *    camera.js (loaded before this file); the first QR code seen fills
 *    the form's textarea and submits the form.
 *  - [data-print] prints the page (a member's card).
 */
(function () {
  'use strict';

  var doc = document;

  /* ---------- the code button's countdown ---------- */

  doc.querySelectorAll('[data-countdown]').forEach(function (btn) {
    var left = parseInt(btn.getAttribute('data-countdown'), 10);
    var label = btn.getAttribute('data-countdown-label') || '%d';
    var text = btn.textContent;
    if (!(left > 0)) return;
    btn.disabled = true;
    function tick() {
      if (left <= 0) {
        btn.disabled = false;
        btn.textContent = text;
        return;
      }
      btn.textContent = label.replace('%d', String(left));
      left--;
      setTimeout(tick, 1000);
    }
    tick();
  });

  /* ---------- print ---------- */

  doc.addEventListener('click', function (e) {
    var t = e.target;
    if (t instanceof Element && t.closest('[data-print]')) {
      e.preventDefault();
      window.print();
    }
  });

  /* ---------- scanning a card with the camera ---------- */

  var form = doc.querySelector('[data-scan-form]');
  if (!form || !window.gonghuiCamera) return;
  var input = form.querySelector('textarea');
  var cam = window.gonghuiCamera(form, function (code) {
    input.value = code;
    cam.stop();
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
    return true;
  }, function (c) {
    c.status.textContent = c.start.getAttribute('data-msg-failed') || '';
    c.box.hidden = false;
    c.video.hidden = true;
  });
})();
