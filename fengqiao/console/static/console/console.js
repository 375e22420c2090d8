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
    // the portal's place lists: tell the server which list changed, so it clears those below
    var source = event.detail.triggeringEvent && event.detail.triggeringEvent.target;
    if (event.detail.elt.hasAttribute("data-places") && source && source.name) {
      event.detail.parameters.changed = source.name;
    }
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

  /* 3. The grid worker's report (form[data-idempotent-report]) is sent with fetch and the
        idempotency key made when the page was rendered. If no answer arrives (a dropped
        connection) the page says the report was NOT confirmed and the same key is sent again
        on retry, so the server registers it once. */
  function setStatus(box, kind, text) {
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "message message--" + kind;
    p.textContent = text;
    box.appendChild(p);
  }

  function initReport(form) {
    var box = form.querySelector("#report-status");
    var button = form.querySelector("[data-submit]");
    var zh = (document.documentElement.lang || "zh").toLowerCase().indexOf("zh") === 0;
    var T = zh ? {
      sending: "正在提交……请勿关闭页面。",
      failed: "未能确认报告已被接收（网络中断）。请点击「重新提交」，同一份报告不会重复登记。",
      retry: "重新提交",
      invalid: "报告未被接收：请检查标注的内容。"
    } : {
      sending: "Sending… keep this page open.",
      failed: "The report was not confirmed (connection lost). Press Retry: it will not be registered twice.",
      retry: "Retry",
      invalid: "The report was not received: check the marked fields."
    };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      setStatus(box, "info", T.sending);
      var data = new FormData(form);
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: {
          Accept: "application/json",
          "X-CSRFToken": csrfToken(),
          "Idempotency-Key": data.get("idempotency_key")
        }
      })
        .then(function (response) {
          return response.json().then(function (body) {
            return { status: response.status, body: body };
          });
        })
        .then(function (answer) {
          button.disabled = false;
          if (answer.body.received) {
            setStatus(box, "success", answer.body.message);
            form.setAttribute("data-state", "received");
            var link = document.createElement("a");
            link.href = answer.body.url;
            link.textContent = answer.body.receipt_no;
            box.firstChild.appendChild(document.createTextNode(" "));
            box.firstChild.appendChild(link);
            button.hidden = true;
            return;
          }
          if (answer.status >= 500) {
            throw new Error(String(answer.status));
          }
          setStatus(box, "error", answer.body.message || T.invalid);
          var errors = answer.body.errors || {};
          Object.keys(errors).forEach(function (name) {
            var p = document.createElement("p");
            p.className = "message message--error";
            p.textContent = errors[name].join(" ");
            box.appendChild(p);
          });
          form.setAttribute("data-state", "invalid");
        })
        .catch(function () {
          button.disabled = false;
          button.textContent = T.retry;
          setStatus(box, "error", T.failed);
          form.setAttribute("data-state", "failed");
        });
    });
  }

  function initLocate(button) {
    var form = button.form;
    var status = form.querySelector("[data-locate-status]");
    button.addEventListener("click", function () {
      if (!navigator.geolocation) {
        status.textContent = "无法定位：请选择网格。";
        return;
      }
      status.textContent = "正在定位……";
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=latitude]").value = pos.coords.latitude.toFixed(6);
        form.querySelector("[name=longitude]").value = pos.coords.longitude.toFixed(6);
        status.textContent = "已定位：" + pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
        form.setAttribute("data-located", "yes");
      }, function () {
        status.textContent = "无法定位：请选择网格。";
      }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  function initMore() {
    document.querySelectorAll("form[data-idempotent-report]").forEach(initReport);
    document.querySelectorAll("[data-locate]").forEach(initLocate);
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initMore);
  } else {
    initMore();
  }
})();
