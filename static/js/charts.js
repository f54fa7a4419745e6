// Charts drawn by Apache ECharts from a declarative spec the server writes into a JSON
// script element (no inline script: the CSP forbids it). An element with
// data-chart="<id of the JSON element>" becomes a chart; the table beside it stays the
// accessible reading of the same figures.
(function () {
  "use strict";

  var PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#dc3545", "#6f42c1", "#20c997", "#6c757d"];

  function axisLabel(spec) {
    return spec.unit ? { formatter: "{value} " + spec.unit } : {};
  }

  function option(spec) {
    var horizontal = spec.type === "barh";
    var kind = spec.type === "line" ? "line" : "bar";
    var categories = { type: "category", data: spec.categories, axisTick: { alignWithLabel: true } };
    var values = { type: "value", min: 0, max: spec.max || null, axisLabel: axisLabel(spec),
                   minInterval: spec.integer ? 1 : 0 };
    return {
      color: PALETTE,
      animation: false,
      // Rich text tooltips: HTML ones carry inline styles, which the CSP refuses.
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: kind === "line" ? "line" : "shadow" } },
      legend: spec.series.length > 1 ? { top: 0 } : { show: false },
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? Object.assign({ inverse: true }, categories) : values,
      series: spec.series.map(function (serie) {
        return { name: serie.name, type: kind, data: serie.data, smooth: false,
                 showSymbol: kind === "line" && spec.categories.length <= 31,
                 barMaxWidth: 28, connectNulls: false };
      })
    };
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source || !window.echarts) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var lang = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
    var chart = window.echarts.init(element, null, { renderer: "canvas", locale: lang });
    chart.setOption(option(spec));
    element.dataset.chartReady = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll(root) {
    root.querySelectorAll("[data-chart]:not([data-chart-ready])").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
})();
