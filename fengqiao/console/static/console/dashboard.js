/* 统计看板 charts. The CSP forbids inline scripts: the data sits in the page as JSON blocks
   (<script type="application/json">, never executed) written by the same view that writes the
   tables beside the charts, so chart and table cannot disagree. Each [data-dashboard-chart]
   names its JSON block; bar charts link each bar to the area it stands for (the table has the
   same links, for keyboards and for pages without JavaScript). */
(function () {
  "use strict";

  var PALETTE = ["#163a63", "#b23a3a", "#2f7d4f", "#8a5a00"];

  function option(data) {
    var bar = data.type === "bar";
    var category = {
      type: "category",
      data: data.categories,
      axisLabel: bar ? { width: 140, overflow: "truncate" } : { hideOverlap: true }
    };
    var value = { type: "value", minInterval: 1 };
    return {
      color: PALETTE,
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: bar ? "shadow" : "line" } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: bar ? value : category,
      yAxis: bar ? Object.assign({ inverse: true }, category) : value,
      series: data.series.map(function (s) {
        return bar
          ? { name: s.name, type: "bar", data: s.data, barMaxWidth: 18, cursor: "pointer" }
          : { name: s.name, type: "line", data: s.data, symbolSize: 6 };
      })
    };
  }

  function render(el) {
    var block = document.getElementById(el.getAttribute("data-dashboard-chart"));
    if (!window.echarts || !block) {
      return;
    }
    var data;
    try {
      data = JSON.parse(block.textContent);
    } catch (e) {
      el.setAttribute("data-state", "error");
      return;
    }
    if (!data.categories.length) {
      el.setAttribute("data-state", "empty");
      el.hidden = true;
      return;
    }
    if (data.type === "bar") {
      var bars = data.categories.length * data.series.length;
      el.style.height = Math.min(Math.max(200, bars * 16 + 110), 1600) + "px";
    }
    var lang = document.documentElement.lang || "zh-Hans";
    var chart = window.echarts.init(el, null, {
      renderer: "canvas",
      locale: lang.toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN"
    });
    chart.setOption(option(data));
    var query = el.getAttribute("data-query") || "";
    chart.on("click", function (params) {
      var link = data.links[params.dataIndex];
      if (link) {
        window.location.assign(link + query);
      }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-state", "ready");
  }

  function init() {
    document.querySelectorAll("[data-dashboard-chart]").forEach(render);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
