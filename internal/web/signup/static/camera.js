/* gonghui — the camera of a card scanner, shared by signup.js (the staff's
 * scanner) and the members' portal.js (checking a card): a page loads it
 * before them.
 *
 * gonghuiCamera(form, onCode, onFail): where the browser has
 * BarcodeDetector with QR codes and a camera API, shows the form's
 * [data-scan] button, which opens the camera in [data-scan-box];
 * [data-scan-stop] closes it. Each QR code seen goes to onCode(value,
 * again): it returns true when it takes the code, and then either closes
 * the camera (cam.stop) or calls again(ms) to look for the next one. When
 * the camera does not open, it is closed and onFail(cam) runs. cam: {stop,
 * start, box, video, status}; null where there is no camera.
 */
window.gonghuiCamera = function (form, onCode, onFail) {
  'use strict';
  var start = form.querySelector('[data-scan]');
  if (!start || !('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return null;
  var box = form.querySelector('[data-scan-box]');
  var video = box.querySelector('video');
  var status = box.querySelector('[data-scan-status]');
  var stopBtn = box.querySelector('[data-scan-stop]');
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
  var cam = { stop: stop, start: start, box: box, video: video, status: status };

  function again(ms) { timer = setTimeout(look, ms); }

  function look() {
    timer = 0;
    if (!stream) return;
    detector.detect(video).then(function (codes) {
      var hit = codes.filter(function (c) { return c.rawValue; })[0];
      if (hit && onCode(hit.rawValue, again)) return;
      again(250);
    }, function () {
      again(500);
    });
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
    }).then(look, function () {
      stop();
      onFail(cam);
    });
  });
  stopBtn.addEventListener('click', stop);
  return cam;
};
