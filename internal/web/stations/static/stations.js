// The service stations' pages: the finder's "near me" button (the
// browser's position, WGS-84, into the form), the district map (ECharts
// over the vendored Beijing GeoJSON; every point arrives in GCJ-02, the
// map's own system), the form's rows of exception dates and the
// poster's print button. Without JavaScript
// the finder still works by a typed place; the map is only a picture.
(function () {
  'use strict';

  function locate() {
    var form = document.querySelector('[data-locate]');
    if (!form || !navigator.geolocation) return;
    var btn = form.querySelector('[data-locate-button]');
    var msg = form.querySelector('[data-locate-msg]');
    btn.hidden = false;
    btn.addEventListener('click', function () {
      msg.textContent = btn.getAttribute('data-msg-wait');
      btn.disabled = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector('[data-lat]').value = pos.coords.latitude.toFixed(6);
        form.querySelector('[data-lng]').value = pos.coords.longitude.toFixed(6);
        var place = form.querySelector('[name=place]');
        if (place) place.value = '';
        form.submit();
      }, function () {
        btn.disabled = false;
        msg.textContent = btn.getAttribute('data-msg-denied');
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  function loadScript(src, done) {
    var s = document.createElement('script');
    s.src = src;
    s.onload = done;
    document.head.appendChild(s);
  }

  // Web Mercator tile numbers of a GCJ-02 point at zoom z (Chinese tile
  // servers draw in GCJ-02, so no conversion is needed).
  function tileXY(lng, lat, z) {
    var n = Math.pow(2, z), r = lat * Math.PI / 180;
    return [(lng + 180) / 360 * n, (1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n];
  }

  function drawTiles(el, chart, template) {
    var old = el.querySelectorAll('.tile');
    for (var i = 0; i < old.length; i++) old[i].remove();
    var w = el.clientWidth, h = el.clientHeight;
    var a = chart.convertFromPixel({ geoIndex: 0 }, [0, 0]), b = chart.convertFromPixel({ geoIndex: 0 }, [w, h]);
    if (!a || !b) return;
    for (var z = 18; z > 3; z--) {
      var p = tileXY(a[0], a[1], z), q = tileXY(b[0], b[1], z);
      if ((q[0] - p[0]) * (q[1] - p[1]) <= 64) break;
    }
    var scaleX = w / (q[0] - p[0]), scaleY = h / (q[1] - p[1]);
    for (var x = Math.floor(p[0]); x < q[0]; x++) {
      for (var y = Math.floor(p[1]); y < q[1]; y++) {
        var img = document.createElement('img');
        img.className = 'tile';
        img.alt = '';
        img.src = template.replace('{z}', z).replace('{x}', x).replace('{y}', y);
        img.style.left = ((x - p[0]) * scaleX) + 'px';
        img.style.top = ((y - p[1]) * scaleY) + 'px';
        img.style.width = scaleX + 'px';
        img.style.height = scaleY + 'px';
        el.insertBefore(img, el.firstChild);
      }
    }
  }

  function map() {
    var el = document.getElementById('station-map');
    var dataEl = document.getElementById('station-map-data');
    if (!el || !dataEl) return;
    var data = JSON.parse(dataEl.textContent || '{}');
    loadScript(el.getAttribute('data-echarts'), function () {
      fetch(el.getAttribute('data-geo')).then(function (r) { return r.json(); }).then(function (geo) {
        var echarts = window.echarts;
        echarts.registerMap('beijing', geo);
        var tiles = el.getAttribute('data-tiles');
        var holder = document.createElement('div');
        holder.style.position = 'absolute';
        holder.style.inset = '0';
        el.appendChild(holder);
        var chart = echarts.init(holder, null, { renderer: 'canvas' });
        var pts = (data.points || []).map(function (p) { return { name: p.name, value: p.at, url: p.url, open: p.open }; });
        var series = [{
          type: 'scatter', coordinateSystem: 'geo', data: pts, symbolSize: 12,
          itemStyle: { color: function (p) { return p.data.open ? '#16a34a' : '#9ca3af'; }, borderColor: '#fff', borderWidth: 1 },
          tooltip: { formatter: function (p) { return p.name + ' · ' + (p.data.open ? data.labels.Open : data.labels.Closed); } }
        }];
        if (data.me) {
          series.push({ type: 'effectScatter', coordinateSystem: 'geo', data: [{ name: data.labels.Me, value: data.me }],
            symbolSize: 14, itemStyle: { color: '#c8102e' }, tooltip: { formatter: data.labels.Me } });
        }
        var geoOpt = { map: 'beijing', roam: true, itemStyle: { areaColor: tiles ? 'rgba(255,255,255,0.1)' : '#eef2f6', borderColor: '#98a2b3' },
          emphasis: { itemStyle: { areaColor: '#dbe4ee' }, label: { show: false } }, label: { show: !data.me, fontSize: 10, color: '#667085' } };
        if (data.me) {
          geoOpt.center = data.me;
          geoOpt.zoom = 8;
        }
        chart.setOption({ tooltip: { trigger: 'item' }, geo: geoOpt, series: series });
        chart.on('click', function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
        if (tiles) {
          var redraw = function () { drawTiles(el, chart, tiles); };
          chart.on('georoam', redraw);
          setTimeout(redraw, 0);
        }
        window.addEventListener('resize', function () { chart.resize(); });
        el.setAttribute('data-ready', String(pts.length));
      });
    });
  }

  // The form's exception dates: "More rows" adds one blank row in place
  // (without script it sends the form back with blank rows added).
  function exceptionRows() {
    var grid = document.querySelector('[data-exceptions]');
    var tpl = document.querySelector('template[data-exception-row]');
    var btn = document.querySelector('[data-add-exception]');
    if (!grid || !tpl || !btn) return;
    var max = parseInt(grid.getAttribute('data-max'), 10);
    btn.addEventListener('click', function (ev) {
      ev.preventDefault();
      var n = parseInt(grid.getAttribute('data-next'), 10);
      if (n >= max) return;
      var row = tpl.content.cloneNode(true);
      var els = row.querySelectorAll('[id],[for],[name],[aria-describedby]');
      for (var i = 0; i < els.length; i++) {
        ['id', 'for', 'name', 'aria-describedby'].forEach(function (a) {
          var v = els[i].getAttribute(a);
          if (v) els[i].setAttribute(a, v.replace('exceptions.N.', 'exceptions.' + n + '.').replace('exceptions-N-', 'exceptions-' + n + '-'));
        });
      }
      var first = row.querySelector('input');
      grid.appendChild(row);
      grid.setAttribute('data-next', String(n + 1));
      if (n + 1 >= max) btn.hidden = true;
      if (first) first.focus();
    });
  }

  function printButtons() {
    var b = document.querySelectorAll('[data-print]');
    for (var i = 0; i < b.length; i++) b[i].addEventListener('click', function () { window.print(); });
  }

  document.addEventListener('DOMContentLoaded', function () { locate(); map(); exceptionRows(); printButtons(); });
}());
