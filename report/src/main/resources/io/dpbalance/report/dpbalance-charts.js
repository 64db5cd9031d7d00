/*
 * Draws the dpbalance report's sections from its JSON blob (built by io.dpbalance.report.ChartData) with Apache
 * ECharts (SVG renderer, so legend and axis text are in the DOM). Used by the HTML report and reusable by a live
 * page: DpbalanceCharts.render(data, rootElement) builds the sections on first call and redraws them on later calls.
 */
(function (global) {
  'use strict';

  var PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2',
    '#bcbd22', '#7f7f7f'];
  var OBSERVED = 'observed';

  var SECTIONS = [
    {id: 'idle', title: 'Idle fraction over time', key: 'idleOverTime', draw: idleChart},
    {id: 'cdf', title: 'Imbalance CDF', key: 'imbalanceCdf', draw: cdfChart},
    {id: 'energy', title: 'Energy per token and tokens per joule', key: 'energy', draw: energyChart},
    {id: 'heatmap', title: 'Per-rank load in one window', key: 'rankHeatmap', draw: heatmapChart},
    {id: 'latency', title: 'Latency percentiles (arrival mode)', key: 'latency', draw: latencyChart},
    {id: 'sweep', title: 'Sweep: imbalance ratio over ranks x batch', key: 'sweep', draw: sweepCharts}
  ];

  function colours(data) {
    var names = [];
    function add(name) { if (name !== OBSERVED && names.indexOf(name) < 0) { names.push(name); } }
    (data.summary || []).forEach(function (r) { add(r.policy); });
    ['idleOverTime', 'imbalanceCdf'].forEach(function (k) {
      ((data[k] || {}).series || []).forEach(function (s) { add(s.name); });
    });
    ((data.energy || {}).rows || []).forEach(function (r) { add(r.policy); });
    var map = {};
    map[OBSERVED] = '#222222';
    names.forEach(function (n, i) { map[n] = PALETTE[i % PALETTE.length]; });
    return function (name) { return map[name] || '#999999'; };
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function fmt(v, digits) {
    return v === null || v === undefined ? '-' : Number(v).toFixed(digits);
  }

  function chartIn(container, height) {
    var div = el('div', 'chart');
    div.style.height = (height || 380) + 'px';
    container.appendChild(div);
    return echarts.init(div, null, {renderer: 'svg'});
  }

  function base() {
    return {useUTC: true, animation: false, textStyle: {fontFamily: 'system-ui, sans-serif'},
      tooltip: {trigger: 'axis'}};
  }

  function idleChart(section, body, colour) {
    var chart = chartIn(body);
    var opt = base();
    opt.legend = {top: 0, type: 'scroll'};
    opt.grid = {left: 60, right: 30, top: 40, bottom: 60};
    var first = section.series.length && section.series[0].points.length ? section.series[0].points[0][0] : null;
    var day = first === null ? '' : ', ' + new Date(first).toISOString().slice(0, 10);
    opt.xAxis = {type: 'time', name: 'time (UTC' + day + ')', nameLocation: 'middle', nameGap: 32,
      axisLabel: {formatter: '{HH}:{mm}:{ss}'}};
    opt.yAxis = {type: 'value', name: 'idle fraction', min: 0, max: 1};
    opt.series = section.series.map(function (s) {
      var observed = s.name === OBSERVED;
      return {name: s.name, type: 'line', data: s.points, showSymbol: s.points.length < 60, sampling: 'lttb',
        color: colour(s.name), lineStyle: {width: observed ? 3 : 1.6, type: observed ? 'dashed' : 'solid'}};
    });
    chart.setOption(opt, true);
  }

  function cdfChart(section, body, colour) {
    var chart = chartIn(body);
    var opt = base();
    opt.tooltip = {trigger: 'item'};
    opt.legend = {top: 0, type: 'scroll'};
    opt.grid = {left: 60, right: 30, top: 40, bottom: 60};
    opt.xAxis = {type: 'value', name: 'imbalance (tokens)', nameLocation: 'middle', nameGap: 32, scale: false};
    opt.yAxis = {type: 'value', name: 'fraction of steps', min: 0, max: 1};
    opt.series = section.series.map(function (s) {
      var observed = s.name === OBSERVED;
      return {name: s.name, type: 'line', data: s.points, showSymbol: false, color: colour(s.name),
        lineStyle: {width: observed ? 3 : 1.6, type: observed ? 'dashed' : 'solid'}};
    });
    chart.setOption(opt, true);
  }

  function energyChart(section, body, colour) {
    var chart = chartIn(body);
    var policies = section.rows.map(function (r) { return r.policy; });
    function bars(key, axis, name) {
      return {name: name, type: 'bar', xAxisIndex: axis, yAxisIndex: axis,
        data: section.rows.map(function (r) { return {value: r[key], itemStyle: {color: colour(r.policy)}}; }),
        label: {show: true, position: 'top', formatter: function (p) { return fmt(p.value, 3); }}};
    }
    var opt = base();
    opt.tooltip = {trigger: 'item'};
    opt.title = [{text: 'energy per token (J/token, lower is better)', left: '3%', top: 0,
      textStyle: {fontSize: 13}},
      {text: 'tokens per joule (higher is better)', left: '53%', top: 0, textStyle: {fontSize: 13}}];
    opt.grid = [{left: '5%', width: '40%', top: 40, bottom: 110}, {left: '55%', width: '40%', top: 40, bottom: 110}];
    opt.xAxis = [0, 1].map(function (i) {
      return {type: 'category', gridIndex: i, data: policies, axisLabel: {interval: 0, rotate: 20}};
    });
    opt.yAxis = [{type: 'value', gridIndex: 0, name: 'J/token'}, {type: 'value', gridIndex: 1, name: 'tokens/J'}];
    opt.series = [bars('energyPerToken', 0, 'J/token'), bars('tokensPerJoule', 1, 'tokens/J')];
    chart.setOption(opt, true);
  }

  function heatmapChart(section, body) {
    var info = el('p', 'detail', 'window ' + (section.windowIndex) + ' of 0..' + (section.windows - 1) + ': '
      + section.windowLabel + (section.truncated ? ' (' + section.truncated + ')' : '')
      + '; choose another with --window');
    body.appendChild(info);
    var chart = chartIn(body, Math.max(260, Math.min(700, 60 + section.ranks * 22)));
    var ranks = [];
    for (var r = 0; r < section.ranks; r++) { ranks.push('rank ' + r); }
    var opt = base();
    opt.tooltip = {trigger: 'item', formatter: function (p) {
      return 'step ' + section.steps[p.value[0]] + ', rank ' + p.value[1] + ': ' + p.value[2] + ' KV tokens';
    }};
    opt.grid = {left: 70, right: 100, top: 20, bottom: 50};
    opt.xAxis = {type: 'category', data: section.steps, name: 'step', nameLocation: 'middle', nameGap: 30};
    opt.yAxis = {type: 'category', data: ranks};
    opt.visualMap = {min: 0, max: Math.max(1, section.max), calculable: true, orient: 'vertical', right: 10,
      top: 'middle', text: ['KV tokens', ''], inRange: {color: ['#f7fbff', '#6baed6', '#08306b']}};
    opt.series = [{name: 'KV tokens', type: 'heatmap', data: section.cells, progressive: 0}];
    chart.setOption(opt, true);
  }

  function latencyChart(section, body) {
    var chart = chartIn(body, 460);
    var labels = section.rows.map(function (r) { return r.label; });
    var names = {queueWaitP50: 'queue wait p50', queueWaitP95: 'queue wait p95', queueWaitP99: 'queue wait p99',
      e2eP50: 'e2e p50', e2eP95: 'e2e p95', e2eP99: 'e2e p99'};
    var shades = ['#9ecae1', '#4292c6', '#08519c', '#fdae6b', '#f16913', '#a63603'];
    var opt = base();
    opt.legend = {top: 0};
    opt.title = [{text: 'queue wait (s)', left: '3%', top: 28, textStyle: {fontSize: 13}},
      {text: 'end-to-end latency (s)', left: '53%', top: 28, textStyle: {fontSize: 13}}];
    opt.grid = [{left: '5%', width: '40%', top: 70, bottom: 120}, {left: '55%', width: '40%', top: 70, bottom: 120}];
    opt.xAxis = [0, 1].map(function (i) {
      return {type: 'category', gridIndex: i, data: labels, axisLabel: {interval: 0, rotate: 20}};
    });
    opt.yAxis = [{type: 'value', gridIndex: 0, name: 's'}, {type: 'value', gridIndex: 1, name: 's'}];
    opt.series = Object.keys(names).map(function (key, i) {
      var axis = key.indexOf('e2e') === 0 ? 1 : 0;
      return {name: names[key], type: 'bar', xAxisIndex: axis, yAxisIndex: axis, color: shades[i],
        data: section.rows.map(function (r) { return r[key]; })};
    });
    chart.setOption(opt, true);
  }

  function sweepCharts(section, body) {
    if (section.baseline) {
      body.appendChild(el('p', 'detail', 'baseline policy: ' + section.baseline));
    }
    section.maps.forEach(function (map) {
      body.appendChild(el('h3', null, map.policy));
      var chart = chartIn(body, Math.max(240, 80 + map.ranks.length * 50));
      var values = map.cells.map(function (c) { return c[2]; }).filter(function (v) { return v !== null; });
      var opt = base();
      opt.tooltip = {trigger: 'item', formatter: function (p) {
        return 'G=' + map.ranks[p.value[1]] + ' B=' + map.batches[p.value[0]] + ': ratio ' + fmt(p.value[2], 2);
      }};
      opt.grid = {left: 80, right: 110, top: 10, bottom: 50};
      opt.xAxis = {type: 'category', data: map.batches.map(String), name: 'batch B', nameLocation: 'middle',
        nameGap: 30};
      opt.yAxis = {type: 'category', data: map.ranks.map(String), name: 'ranks G', nameLocation: 'middle',
        nameGap: 40};
      opt.visualMap = {min: Math.min.apply(null, values.concat([1])), max: Math.max.apply(null, values.concat([1])),
        calculable: true, right: 10, top: 'middle', text: ['ratio', ''],
        inRange: {color: ['#fff5eb', '#fd8d3c', '#7f2704']}};
      opt.series = [{name: map.policy, type: 'heatmap', data: map.cells,
        label: {show: true, formatter: function (p) { return fmt(p.value[2], 2); }}}];
      chart.setOption(opt, true);
    });
  }

  function summaryTable(data, root) {
    var section = el('section', 'card');
    section.id = 'section-summary';
    section.appendChild(el('h2', null, 'Per-policy summary'));
    if (!data.summary.length) {
      section.appendChild(el('p', 'missing', 'no data in the inputs: no StepMetrics or WindowMetrics'));
      root.appendChild(section);
      return;
    }
    var spans = {};
    var observedIdle = {};
    data.summary.forEach(function (r) {
      var span = spans[r.cluster] || (spans[r.cluster] = [r.from, r.to]);
      if (r.from < span[0]) { span[0] = r.from; }
      if (r.to > span[1]) { span[1] = r.to; }
      if (r.policy === OBSERVED) { observedIdle[r.cluster] = r.avgIdleFraction; }
    });
    Object.keys(spans).forEach(function (c) {
      section.appendChild(el('p', 'detail', 'cluster ' + c + ': ' + spans[c][0] + ' .. ' + spans[c][1]));
    });
    var table = el('table');
    var head = el('tr');
    ['cluster', 'policy', 'steps', 'idle fraction', 'idle / observed', 'imbalance (tokens)', 'energy (J)',
      'J/token', 'tokens/J', 'tokens/s', 'records'].forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(head);
    data.summary.forEach(function (r) {
      var tr = el('tr', r.policy === OBSERVED ? 'observed' : null);
      var obs = observedIdle[r.cluster];
      [r.cluster, r.policy, r.steps, fmt(r.avgIdleFraction, 4),
        obs ? fmt(r.avgIdleFraction / obs, 3) : '-', fmt(r.avgImbalance, 1), fmt(r.energyJoules, 1),
        fmt(r.energyPerToken, 4), fmt(r.tokensPerJoule, 4), fmt(r.throughput, 1), r.source]
        .forEach(function (v, i) { tr.appendChild(el('td', i > 1 && i < 10 ? 'num' : null, String(v))); });
      table.appendChild(tr);
    });
    section.appendChild(table);
    root.appendChild(section);
  }

  function header(data, root) {
    var head = el('header');
    head.appendChild(el('h1', null, data.title));
    var counts = Object.keys(data.counts).map(function (k) { return data.counts[k] + ' ' + k; }).join(', ');
    head.appendChild(el('p', 'meta', 'generated ' + data.generated + ' from ' + counts + '.'));
    if (data.cluster) {
      head.appendChild(el('p', 'meta', 'charts of cluster ' + data.cluster
        + (data.clusters.length > 1 ? ' (clusters in the inputs: ' + data.clusters.join(', ')
          + '; choose with --cluster)' : '')));
    }
    data.notes.forEach(function (n) { head.appendChild(el('p', 'note', 'note: ' + n)); });
    root.appendChild(head);
  }

  function render(data, root) {
    (root.__dpbalanceCharts || []).forEach(function (c) { c.dispose(); });
    root.textContent = '';
    var colour = colours(data);
    header(data, root);
    summaryTable(data, root);
    SECTIONS.forEach(function (s) {
      var section = el('section', 'card');
      section.id = 'section-' + s.id;
      section.appendChild(el('h2', null, s.title));
      root.appendChild(section);
      var part = data[s.key] || {missing: 'not in the report data'};
      if (part.missing) {
        section.appendChild(el('p', 'missing', 'no data in the inputs: ' + part.missing));
      } else {
        section.appendChild(el('p', 'source', 'source: ' + part.source));
        var body = el('div', 'body');
        section.appendChild(body);
        s.draw(part, body, colour);
      }
    });
    var charts = [];
    root.querySelectorAll('.chart').forEach(function (div) {
      var c = echarts.getInstanceByDom(div);
      if (c) { charts.push(c); }
    });
    root.__dpbalanceCharts = charts;
    // Where each chart landed on the page, for tests that look at a screenshot.
    charts.forEach(function (c) {
      var box = c.getDom().getBoundingClientRect();
      c.getDom().setAttribute('data-box', [Math.round(box.left + window.scrollX), Math.round(box.top + window.scrollY),
        Math.round(box.width), Math.round(box.height)].join(','));
    });
    root.setAttribute('data-page-height', String(document.documentElement.scrollHeight));
    root.setAttribute('data-rendered', String(charts.length));
  }

  global.DpbalanceCharts = {render: render};
})(window);
