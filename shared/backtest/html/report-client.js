// Browser script of the backtest HTML report (inlined after lightweight-charts' standalone build, which defines
// window.LightweightCharts). Reads the chart data from <script id="report-data" type="application/json">, draws the
// equity (with buy and hold), drawdown and per-symbol price charts (with the strategy's plot lines), wires the log-scale
// toggle and the trade table's sorting and filters; sets <body data-charts-drawn="N"> when done. The charts and series
// are kept on window.stratusReport (read by the browser test).
(function () {
  'use strict';
  var LWC = window.LightweightCharts;
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var base = {
    autoSize: true,
    layout: { background: { color: '#ffffff' }, textColor: '#334155', fontSize: 12,
      fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', attributionLogo: true },
    grid: { vertLines: { color: '#f1f5f9' }, horzLines: { color: '#f1f5f9' } },
    rightPriceScale: { borderColor: '#e2e8f0', minimumWidth: 84 },
    // minBarSpacing well below the default 0.5 px so fitContent shows all of a 5,000-point series.
    timeScale: { borderColor: '#e2e8f0', timeVisible: true, secondsVisible: false, minBarSpacing: 0.01 },
    crosshair: { mode: LWC.CrosshairMode.Normal },
  };
  var report = { charts: {}, series: { plots: [], price: [] }, log: false, priceCharts: [], priceSeries: [] };
  window.stratusReport = report;
  var drawn = 0;

  // The data comes in columns; lightweight-charts takes one object per point (a null value: a gap in the line).
  function points(time, values) {
    var out = [];
    time.forEach(function (t, i) { out.push(values[i] === null ? { time: t } : { time: t, value: values[i] }); });
    return out;
  }
  // Whether a plot line is a price: nine in ten of its values within half to twice the close of their bar.
  function onPriceScale(values, close) {
    var n = 0, near = 0;
    values.forEach(function (v, i) {
      if (v === null || !(close[i] > 0)) return;
      n += 1;
      if (v >= close[i] / 2 && v <= close[i] * 2) near += 1;
    });
    return n === 0 || near >= 0.9 * n;
  }

  function ohlc(b) {
    return b.time.map(function (t, i) { return { time: t, open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i] }; });
  }

  // Prices and equity are never negative, so neither is their axis: in normal mode the scale has no bottom margin and
  // the autoscale range is padded down by 8 % of its height but never below 0 (log mode cannot go below 0 anyway).
  var LINEAR_MARGINS = { top: 0.1, bottom: 0 };
  var LOG_MARGINS = { top: 0.1, bottom: 0.1 };
  function floorAtZero(original) {
    var r = original();
    if (report.log || !r || !r.priceRange) return r;
    var lo = r.priceRange.minValue, hi = r.priceRange.maxValue;
    return { priceRange: { minValue: Math.max(0, lo - (hi - lo) * 0.08), maxValue: hi }, margins: { above: r.margins ? r.margins.above : 0, below: 0 } };
  }

  function chart(id, priced) {
    var options = Object.assign({}, base);
    if (priced) options.rightPriceScale = Object.assign({}, base.rightPriceScale, { scaleMargins: LINEAR_MARGINS });
    var c = LWC.createChart(document.getElementById(id), options);
    report.charts[id] = c;
    if (priced) report.priceCharts.push(c);
    return c;
  }

  function safely(name, fn) {
    try { fn(); drawn += 1; } catch (err) {
      console.error('chart ' + name + ' failed: ' + (err && err.message));
      var el = document.getElementById(name);
      if (el) el.textContent = 'This chart could not be drawn: ' + (err && err.message);
    }
  }

  var synced = [];
  safely('chart-equity', function () {
    var c = chart('chart-equity', true);
    var s = c.addSeries(LWC.AreaSeries, { lineColor: '#2563eb', topColor: 'rgba(37,99,235,0.28)', bottomColor: 'rgba(37,99,235,0.02)',
      lineWidth: 2, priceFormat: { type: 'price', precision: 2, minMove: 0.01 }, autoscaleInfoProvider: floorAtZero });
    s.setData(points(data.curve.time, data.curve.equity));
    report.series.equity = s;
    report.priceSeries.push(s);
    if (data.buyHold.length) {
      var bh = c.addSeries(LWC.LineSeries, { color: data.buyHoldColor, lineWidth: 2, lineStyle: LWC.LineStyle.Dashed, title: 'buy & hold',
        priceLineVisible: false, priceFormat: { type: 'price', precision: 2, minMove: 0.01 }, autoscaleInfoProvider: floorAtZero });
      bh.setData(points(data.curve.time, data.buyHold));
      report.series.buyHold = bh;
    }
    c.timeScale().fitContent();
    synced.push(c);
  });
  safely('chart-drawdown', function () {
    var c = chart('chart-drawdown', false);
    var s = c.addSeries(LWC.BaselineSeries, { baseValue: { type: 'price', price: 0 }, lineWidth: 1,
      topLineColor: '#94a3b8', topFillColor1: 'rgba(148,163,184,0.1)', topFillColor2: 'rgba(148,163,184,0.1)',
      bottomLineColor: '#dc2626', bottomFillColor1: 'rgba(220,38,38,0.05)', bottomFillColor2: 'rgba(220,38,38,0.35)',
      priceFormat: { type: 'custom', minMove: 0.01, formatter: function (v) { return v.toFixed(2) + ' %'; } } });
    s.setData(points(data.curve.time, data.curve.drawdownPct));
    report.series.drawdown = s;
    c.timeScale().fitContent();
    synced.push(c);
  });
  // Equity and drawdown share their time points, so their logical ranges match one to one.
  if (synced.length === 2) {
    var syncing = false;
    synced.forEach(function (src, i) {
      var dst = synced[1 - i];
      src.timeScale().subscribeVisibleLogicalRangeChange(function (range) {
        if (syncing || !range) return;
        syncing = true; dst.timeScale().setVisibleLogicalRange(range); syncing = false;
      });
    });
  }
  data.symbols.forEach(function (sym, i) {
    safely('chart-price-' + i, function () {
      var c = chart('chart-price-' + i, true);
      var s = c.addSeries(LWC.CandlestickSeries, { upColor: '#16a34a', downColor: '#dc2626', borderVisible: false,
        wickUpColor: '#16a34a', wickDownColor: '#dc2626', autoscaleInfoProvider: floorAtZero });
      s.setData(ohlc(sym.bars));
      LWC.createSeriesMarkers(s, sym.markers);
      report.series.price.push(s);
      report.priceSeries.push(s);
      var indicators = false;
      report.series.plots.push(sym.plots.map(function (p) {
        // A line in the price's range (an SMA) shares the candles' axis; any other (RSI, a z-score) gets its own overlay
        // scale in the chart's lower part, all such lines one scale (an RSI and its levels stay comparable), not floored at 0.
        var priced = onPriceScale(p.values, sym.bars.close);
        indicators = indicators || !priced;
        var line = c.addSeries(LWC.LineSeries, Object.assign({ color: p.color, lineWidth: 2, title: p.name, priceLineVisible: false,
          lastValueVisible: false, crosshairMarkerVisible: false }, priced ? { autoscaleInfoProvider: floorAtZero } : { priceScaleId: 'indicator' }));
        line.setData(points(sym.bars.time, p.values));
        return line;
      }));
      if (indicators) c.priceScale('indicator').applyOptions({ scaleMargins: { top: 0.7, bottom: 0.02 } });
      c.timeScale().fitContent();
    });
  });

  // Log scale: one toggle for the equity and every price chart.
  report.setLogScale = function (on) {
    report.log = on;
    report.priceCharts.forEach(function (c) {
      c.priceScale('right').applyOptions({ mode: on ? LWC.PriceScaleMode.Logarithmic : LWC.PriceScaleMode.Normal,
        scaleMargins: on ? LOG_MARGINS : LINEAR_MARGINS });
    });
  };
  var toggle = document.getElementById('log-scale');
  if (toggle) toggle.addEventListener('change', function () { report.setLogScale(toggle.checked); });

  wireTrades();
  document.body.setAttribute('data-charts-drawn', String(drawn));

  // The trade table: click (or Enter on) a header to sort by it (again: reverse); the text box and the side and exit
  // reason lists hide the rows that do not match.
  function wireTrades() {
    var table = document.getElementById('trades-table');
    if (!table) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var search = rows.map(function (r, i) {
      r.dataset.index = String(i);
      return Array.prototype.map.call(r.cells, function (c) { return c.textContent; }).join(' ').toLowerCase();
    });
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var sideCol = heads.findIndex(function (th) { return th.textContent === 'Side'; });
    var reasonCol = heads.findIndex(function (th) { return th.textContent === 'Exit reason'; });
    function key(cell, kind) {
      var text = cell.textContent;
      if (kind === 'text') return text;
      if (kind === 'duration') {
        var s = 0;
        text.replace(/(\d+)([dhms])/g, function (_, n, u) { s += Number(n) * { d: 86400, h: 3600, m: 60, s: 1 }[u]; return ''; });
        return s;
      }
      var n = Number(text.replace(/[,\s%]/g, ''));
      return Number.isFinite(n) && text !== '—' ? n : null;
    }
    heads.forEach(function (th, col) {
      var kind = th.dataset.sort;
      if (!kind) return;
      function sort() {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        heads.forEach(function (other) { if (other.dataset.sort) other.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var keyed = rows.map(function (r) { return { r: r, k: key(r.cells[col], kind), i: Number(r.dataset.index) }; });
        keyed.sort(function (a, b) {
          if (a.k === null || b.k === null) return a.k === b.k ? a.i - b.i : a.k === null ? 1 : -1;
          var c = kind === 'text' ? (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) : a.k - b.k;
          return (asc ? c : -c) || a.i - b.i;
        });
        keyed.forEach(function (x) { body.appendChild(x.r); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    });
    var text = document.getElementById('trades-filter');
    var side = document.getElementById('trades-side');
    var reason = document.getElementById('trades-reason');
    var count = document.getElementById('trades-count');
    function filter() {
      var q = text.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (r, i) {
        var ok = (!q || search[i].indexOf(q) >= 0)
          && (!side.value || r.cells[sideCol].textContent === side.value)
          && (!reason.value || r.cells[reasonCol].textContent === reason.value);
        r.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + ' of ' + rows.length + ' trades';
    }
    if (text && side && reason && count) {
      text.addEventListener('input', filter);
      side.addEventListener('change', filter);
      reason.addEventListener('change', filter);
    }
  }
})();
