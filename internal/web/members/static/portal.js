/* gonghui — the members' pages' progressive enhancement (see app.js for the
 * common one). Every page works without it.
 *
 *  - [data-countdown="60"] on the "send the code again" button: disabled
 *    for that many seconds, its label counting down with
 *    data-countdown-label ("… (%d s)"). Without JS the button stays, and
 *    the server says when it is too early.
 *  - [data-scan] in a form [data-scan-form]: shown only where the browser
 *    has BarcodeDetector with QR codes and a camera API; opens the camera
 *    in [data-scan-box], and the first QR code seen fills the form's
 *    textarea and submits the form. [data-scan-stop] closes the camera.
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
  var start = form && form.querySelector('[data-scan]');
  if (!start || !('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;

  var box = form.querySelector('[data-scan-box]');
  var video = box.querySelector('video');
  var status = box.querySelector('[data-scan-status]');
  var stopBtn = box.querySelector('[data-scan-stop]');
  var input = form.querySelector('textarea');
  var looking = status.textContent;
  var stream = null;
  var timer = 0;
  var detector = null;

  function stop() {
    if (timer) clearTimeout(timer);
    timer = 0;
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.srcObject = null;
    box.hidden = true;
    start.hidden = false;
  }

  function look() {
    timer = 0;
    if (!stream) return;
    detector.detect(video).then(function (codes) {
      var hit = codes.filter(function (c) { return c.rawValue; })[0];
      if (hit) {
        input.value = hit.rawValue;
        stop();
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
        return;
      }
      timer = setTimeout(look, 250);
    }, function () {
      timer = setTimeout(look, 500);
    });
  }

  function failed() {
    stop();
    status.textContent = start.getAttribute('data-msg-failed') || '';
    box.hidden = false;
    video.hidden = true;
  }

  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf('qr_code') < 0) return;
    detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    start.hidden = false;
  }, function () {});

  start.addEventListener('click', function () {
    start.hidden = true;
    box.hidden = false;
    video.hidden = false;
    status.textContent = looking;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      return video.play();
    }).then(look, failed);
  });
  stopBtn.addEventListener('click', stop);
})();
