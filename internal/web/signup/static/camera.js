/* gonghui — the camera of a card scanner, shared by signup.js (the staff's
 * scanner) and the members' portal.js (checking a card): a page loads it
 * before them.
 *
 * gonghuiCamera(form, onCode, onFail): where the browser has a camera API
 * and a way to read QR codes, shows the form's [data-scan] button, which
 * opens the camera in [data-scan-box]; [data-scan-stop] closes it. QR codes
 * are read by the browser's BarcodeDetector where it has one; elsewhere
 * (Safari on iPhone, Firefox) by jsQR, the vendored decoder whose URL is
 * the button's data-jsqr: it is fetched only when the camera opens, and
 * reads a frame drawn to a canvas about four times a second. Each QR code
 * seen goes to onCode(value, again): it returns true when it takes the
 * code, and then either closes the camera (cam.stop) or calls again(ms) to
 * look for the next one. When the camera (or the decoder) does not open,
 * it is closed and onFail(cam) runs. cam: {stop, start, box, video,
 * status}; null where there is no camera.
 */
window.gonghuiCamera = function (form, onCode, onFail) {
  'use strict';
  var start = form.querySelector('[data-scan]');
  if (!start || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return null;
  var jsqrSrc = start.getAttribute('data-jsqr');
  var native = 'BarcodeDetector' in window;
  if (!native && !jsqrSrc) return null;
  var box = form.querySelector('[data-scan-box]');
  var video = box.querySelector('video');
  var status = box.querySelector('[data-scan-status]');
  var stopBtn = box.querySelector('[data-scan-stop]');
  var looking = status.textContent;
  var stream = null;
  var timer = 0;
  var detector = null;
  var canvas = null, ctx = null;

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

  // readFrame: the text of a QR code in the camera's current frame, '' for
  // none (a promise either way).
  function readFrame() {
    if (detector) {
      return detector.detect(video).then(function (codes) {
        var hit = codes.filter(function (c) { return c.rawValue; })[0];
        return hit ? hit.rawValue : '';
      });
    }
    var w = video.videoWidth, h = video.videoHeight;
    if (!window.jsQR || !w || !h) return Promise.resolve('');
    // A smaller frame decodes faster; a card's code stays well readable.
    var k = Math.min(1, 640 / Math.max(w, h));
    w = Math.round(w * k);
    h = Math.round(h * k);
    if (!canvas) {
      canvas = document.createElement('canvas');
      ctx = canvas.getContext('2d', { willReadFrequently: true });
    }
    canvas.width = w;
    canvas.height = h;
    ctx.drawImage(video, 0, 0, w, h);
    var code = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'dontInvert' });
    return Promise.resolve(code && code.data ? code.data : '');
  }

  function look() {
    timer = 0;
    if (!stream) return;
    readFrame().then(function (text) {
      if (text && onCode(text, again)) return;
      again(250);
    }, function () {
      again(500);
    });
  }

  // decoder resolves when jsQR is there (fetched on the first opening).
  var fetching = null;
  function decoder() {
    if (detector || window.jsQR) return Promise.resolve();
    if (!fetching) {
      fetching = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = jsqrSrc;
        s.onload = function () { if (window.jsQR) resolve(); else reject(); };
        s.onerror = function () { fetching = null; reject(); };
        document.head.appendChild(s);
      });
    }
    return fetching;
  }

  if (native) {
    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf('qr_code') >= 0) {
        detector = new window.BarcodeDetector({ formats: ['qr_code'] });
        start.hidden = false;
      } else if (jsqrSrc) {
        start.hidden = false;
      }
    }, function () { if (jsqrSrc) start.hidden = false; });
  } else {
    start.hidden = false;
  }

  start.addEventListener('click', function () {
    start.hidden = true;
    box.hidden = false;
    video.hidden = false;
    status.textContent = looking;
    // The decoder first: a camera opened for a decoder that never came
    // would stay on.
    decoder().then(function () {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    }).then(function (s) {
      stream = s;
      video.srcObject = stream;
      return video.play();
    }).then(look, function () {
      stop();
      onFail(cam);
    });
  });
  stopBtn.addEventListener('click', stop);
  return cam;
};
