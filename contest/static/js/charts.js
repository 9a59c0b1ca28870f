// Dashboard charts. Each <canvas data-chart='{...}'> carries its data as JSON (the CSP forbids
// inline scripts): {type: "bar", labels: [...], stacked?, horizontal?, datasets: [{label, data,
// kind: "bar" | "line", axis?: "right"}]}. Drawn with the vendored Chart.js
// (static/vendor/chartjs); the same numbers are in a table next to each chart.
(function () {
  "use strict";
  if (!window.Chart) {
    return;
  }
  var COLOURS = ["#0d6efd", "#d63384", "#6c757d", "#198754", "#fd7e14", "#20c997", "#6f42c1"];
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "vi");

  function build(canvas) {
    var spec;
    try {
      spec = JSON.parse(canvas.dataset.chart);
    } catch (e) {
      return;
    }
    if (spec.type === "doughnut") { // {type: "doughnut", labels, datasets: [{label, data}]}
      new window.Chart(canvas, {
        type: "doughnut",
        data: { labels: spec.labels, datasets: spec.datasets.map(function (d) {
          return { label: d.label, data: d.data, borderWidth: 1,
                   backgroundColor: spec.labels.map(function (_l, i) { return COLOURS[i % COLOURS.length]; }) };
        }) },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   plugins: { legend: { position: "bottom" } } }
      });
      canvas.dataset.drawn = "true";
      return;
    }
    var rightAxis = false;
    var datasets = spec.datasets.map(function (d, i) {
      var colour = COLOURS[i % COLOURS.length];
      var line = d.kind === "line";
      if (d.axis === "right") {
        rightAxis = true;
      }
      return {
        type: line ? "line" : "bar",
        label: d.label,
        data: d.data,
        backgroundColor: line ? colour : colour + "cc",
        borderColor: colour,
        borderWidth: line ? 2 : 0,
        pointRadius: line ? 2 : 0,
        tension: 0.2,
        maxBarThickness: 48,
        yAxisID: d.axis === "right" ? "y1" : "y",
        order: line ? 0 : 1
      };
    });
    var valueAxis = spec.horizontal ? "x" : "y";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      stacked: !!spec.stacked,
      ticks: { precision: 0, callback: function (v) { return numbers.format(v); } }
    };
    scales[valueAxis === "y" ? "x" : "y"] = { stacked: !!spec.stacked, ticks: { autoSkip: true } };
    if (rightAxis) {
      scales.y1 = { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: 0 } };
    }
    new window.Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: scales,
        plugins: {
          legend: { display: datasets.length > 1, position: "bottom" },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + numbers.format(c.parsed[valueAxis]); } } }
        }
      }
    });
    canvas.dataset.drawn = "true";
  }

  document.querySelectorAll("canvas[data-chart]").forEach(build);
})();
