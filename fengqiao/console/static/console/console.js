/* 枫桥 console behaviour. The CSP forbids inline scripts, so everything lives here:
   1. htmx requests carry the CSRF token read from <meta name="csrf-token"> (AC-12);
   2. every element with data-chart-url becomes an ECharts bar chart fed by that JSON endpoint;
      clicking a bar opens the area it stands for (the table beside it has the same links). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  var PALETTE = ["#163a63", "#b23a3a", "#2f7d4f", "#8a5a00"];

  function chartOption(data) {
    return {
      color: PALETTE,
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      // richText keeps the tooltip on the canvas: no injected markup, no inline styles (CSP).
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.categories,
        axisLabel: { width: 140, overflow: "truncate" }
      },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, barMaxWidth: 18, cursor: "pointer" };
      })
    };
  }

  function renderChart(el) {
    if (!window.echarts) {
      return;
    }
    var url = el.getAttribute("data-chart-url");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        if (!data.categories.length) {
          el.setAttribute("data-state", "empty");
          el.hidden = true;
          return;
        }
        // Height follows the number of bars, so one township and thirty look equally right.
        var bars = data.categories.length * data.series.length;
        el.style.height = Math.min(Math.max(200, bars * 16 + 110), 1600) + "px";
        var lang = document.documentElement.lang || "zh-Hans";
        var chart = window.echarts.init(el, null, {
          renderer: "canvas",
          locale: lang.toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN"
        });
        chart.setOption(chartOption(data));
        chart.on("click", function (params) {
          var link = data.links[params.dataIndex];
          if (link) {
            window.location.assign(link);
          }
        });
        window.addEventListener("resize", function () { chart.resize(); });
        el.setAttribute("data-state", "ready");
      })
      .catch(function () {
        el.setAttribute("data-state", "error");
      });
  }

  function init() {
    document.querySelectorAll("[data-chart-url]").forEach(renderChart);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
