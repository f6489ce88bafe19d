/* gonghui — the dashboard's charts (templates/dashboard.html).
 *
 * The figures come from <script type="application/json" id="dash-chart-data">
 * (no inline script: the CSP allows only our own files). Charts are drawn
 * with Apache ECharts (vendor/echarts) into [data-chart] boxes, which stay
 * hidden without JS; the tables under them carry the same numbers.
 * ECharts (1.1 MB, a third of that sent compressed) is not part of the
 * page's first paint: its URL is the JSON block's data-echarts, and it is
 * fetched after the page's load event, once a chart box comes near the
 * viewport; the charts are drawn when it has arrived.
 * A [data-print] button prints the page.
 */
(function () {
  'use strict';

  var doc = document;
  Array.prototype.forEach.call(doc.querySelectorAll('[data-print]'), function (b) {
    b.addEventListener('click', function () { window.print(); });
  });

  var src = doc.getElementById('dash-chart-data');
  if (!src || !src.getAttribute('data-echarts')) return;
  var data;
  try { data = JSON.parse(src.textContent); } catch (e) { return; }

  var asked = false;
  function fetchCharts() {
    if (asked) return;
    asked = true;
    var s = doc.createElement('script');
    s.src = src.getAttribute('data-echarts');
    s.onload = function () { if (window.echarts) drawAll(); };
    doc.head.appendChild(s);
  }

  function whenNear() {
    var boxes = doc.querySelectorAll('[data-chart]');
    if (!boxes.length) return;
    if (!('IntersectionObserver' in window)) { fetchCharts(); return; }
    var io = new IntersectionObserver(function (entries) {
      if (!entries.some(function (e) { return e.isIntersecting; })) return;
      io.disconnect();
      fetchCharts();
    }, { rootMargin: '300px 0px' });
    Array.prototype.forEach.call(boxes, function (b) { io.observe(b); });
  }

  if (doc.readyState === 'complete') whenNear();
  else window.addEventListener('load', whenNear);

  function drawAll() {
    var red = '#c8102e', grey = '#868f9b', blue = '#0b5cad', amber = '#b07100';
    var palette = [red, blue, amber, '#146c2e', '#6b4fa1', grey];
    var font = getComputedStyle(doc.body).fontFamily;
    var still = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    var charts = [];

    function draw(name, option) {
      var box = doc.querySelector('[data-chart="' + name + '"]');
      if (!box) return;
      var chart = window.echarts.init(box, null, { renderer: 'canvas' });
      option.animation = !still;
      option.color = option.color || palette;
      option.textStyle = { fontFamily: font };
      // Rich-text tooltips are drawn, not HTML with inline styles (the CSP).
      option.tooltip = Object.assign({ renderMode: 'richText', confine: true }, option.tooltip || {});
      // data-drawn marks a chart whose drawing (and animation) is over.
      chart.on('finished', function () { box.setAttribute('data-drawn', ''); });
      chart.setOption(option);
      charts.push(chart);
    }

    function series(key) {
      for (var i = 0; i < (data.series || []).length; i++) {
        if (data.series[i].key === key) return data.series[i];
      }
      return { name: key, data: [] };
    }

    var narrow = window.matchMedia && window.matchMedia('(max-width: 760px)').matches;
    var joined = series('joined'), left = series('left'), tin = series('transfer_in'), tout = series('transfer_out');
    draw('flows', {
      color: [red, grey, blue, amber],
      tooltip: { trigger: 'axis' },
      legend: { top: 0, itemWidth: 14, itemHeight: 10 },
      grid: { left: 8, right: 12, top: narrow ? 56 : 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: data.months || [], axisTick: { alignWithLabel: true } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: joined.name, type: 'bar', data: joined.data, barMaxWidth: 28 },
        { name: left.name, type: 'bar', data: left.data, barMaxWidth: 28 },
        { name: tin.name, type: 'line', data: tin.data, smooth: true, symbolSize: 6 },
        { name: tout.name, type: 'line', data: tout.data, smooth: true, symbolSize: 6 }
      ]
    });

    var tags = (data.tags || []).slice().reverse();
    draw('tags', {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: tags.map(function (t) { return t.name; }), axisTick: { show: false } },
      series: [{ type: 'bar', data: tags.map(function (t) { return t.value; }), itemStyle: { color: red }, barMaxWidth: 22,
        label: { show: true, position: 'right' } }]
    });

    draw('status', {
      tooltip: { trigger: 'item' },
      legend: { bottom: 0, itemWidth: 12, itemHeight: 10 },
      series: [{ type: 'pie', radius: ['42%', '68%'], center: ['50%', '44%'], avoidLabelOverlap: true,
        label: narrow ? { show: false } : { formatter: '{b}\n{c}' }, data: data.status || [] }]
    });

    var pending;
    window.addEventListener('resize', function () {
      clearTimeout(pending);
      pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
    });
  }
})();
