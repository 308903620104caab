// Browser script of the backtest HTML report (inlined after lightweight-charts' standalone build, which defines
// window.LightweightCharts). Reads the chart data from <script id="report-data" type="application/json"> and draws
// the equity, drawdown and per-symbol price charts; sets <body data-charts-drawn="N"> when done.
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
  var drawn = 0;

  // The data comes in columns; lightweight-charts takes one object per point.
  function points(time, values) {
    return time.map(function (t, i) { return { time: t, value: values[i] }; });
  }
  function ohlc(b) {
    return b.time.map(function (t, i) { return { time: t, open: b.open[i], high: b.high[i], low: b.low[i], close: b.close[i] }; });
  }

  function chart(id, extra) {
    var el = document.getElementById(id);
    var c = LWC.createChart(el, Object.assign({}, base, extra || {}));
    return c;
  }

  function safely(name, fn) {
    try { fn(); drawn += 1; } catch (err) {
      console.error('chart ' + name + ' failed: ' + (err && err.message));
      var el = document.getElementById(name);
      if (el) el.textContent = 'This chart could not be drawn: ' + (err && err.message);
    }
  }

  var charts = [];
  safely('chart-equity', function () {
    var c = chart('chart-equity');
    var s = c.addSeries(LWC.AreaSeries, { lineColor: '#2563eb', topColor: 'rgba(37,99,235,0.28)', bottomColor: 'rgba(37,99,235,0.02)',
      lineWidth: 2, priceFormat: { type: 'price', precision: 2, minMove: 0.01 } });
    s.setData(points(data.curve.time, data.curve.equity));
    c.timeScale().fitContent();
    charts.push(c);
  });
  safely('chart-drawdown', function () {
    var c = chart('chart-drawdown');
    var s = c.addSeries(LWC.BaselineSeries, { baseValue: { type: 'price', price: 0 }, lineWidth: 1,
      topLineColor: '#94a3b8', topFillColor1: 'rgba(148,163,184,0.1)', topFillColor2: 'rgba(148,163,184,0.1)',
      bottomLineColor: '#dc2626', bottomFillColor1: 'rgba(220,38,38,0.05)', bottomFillColor2: 'rgba(220,38,38,0.35)',
      priceFormat: { type: 'custom', minMove: 0.01, formatter: function (v) { return v.toFixed(2) + ' %'; } } });
    s.setData(points(data.curve.time, data.curve.drawdownPct));
    c.timeScale().fitContent();
    charts.push(c);
  });
  // Equity and drawdown share their time points, so their logical ranges match one to one.
  if (charts.length === 2) {
    var syncing = false;
    charts.forEach(function (src, i) {
      var dst = charts[1 - i];
      src.timeScale().subscribeVisibleLogicalRangeChange(function (range) {
        if (syncing || !range) return;
        syncing = true; dst.timeScale().setVisibleLogicalRange(range); syncing = false;
      });
    });
  }
  data.symbols.forEach(function (sym, i) {
    safely('chart-price-' + i, function () {
      var c = chart('chart-price-' + i);
      var s = c.addSeries(LWC.CandlestickSeries, { upColor: '#16a34a', downColor: '#dc2626', borderVisible: false,
        wickUpColor: '#16a34a', wickDownColor: '#dc2626' });
      s.setData(ohlc(sym.bars));
      LWC.createSeriesMarkers(s, sym.markers);
      c.timeScale().fitContent();
    });
  });
  document.body.setAttribute('data-charts-drawn', String(drawn));
})();
