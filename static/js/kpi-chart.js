// Draws an account's KPI charts from the data the page gives in #kpi-chart-data.
// Each canvas names its series and target with data- attributes. The table beside the
// charts holds the same numbers for screen readers and for anyone who prefers them.
(function () {
  "use strict";

  var ACTUAL = "#005eb8";
  var TARGET = "#4c6272";

  function draw() {
    var source = document.getElementById("kpi-chart-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var calm = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var canvases = document.querySelectorAll("canvas[data-series]");
    Array.prototype.forEach.call(canvases, function (canvas) {
      var values = data[canvas.getAttribute("data-series")] || [];
      var target = data[canvas.getAttribute("data-target")];
      var kind = canvas.getAttribute("data-kind") || "line";
      var label = canvas.getAttribute("data-label");
      new window.Chart(canvas, {
        type: kind,
        data: {
          labels: data.labels,
          datasets: [
            {
              type: kind,
              label: label,
              data: values,
              borderColor: ACTUAL,
              backgroundColor: kind === "bar" ? "rgba(0, 94, 184, 0.75)" : ACTUAL,
              borderWidth: 2,
              pointRadius: 3,
              spanGaps: true
            },
            {
              type: "line",
              label: "Target",
              data: values.map(function () { return target; }),
              borderColor: TARGET,
              borderDash: [6, 4],
              borderWidth: 2,
              pointRadius: 0,
              fill: false
            }
          ]
        },
        options: {
          animation: calm ? false : { duration: 300 },
          maintainAspectRatio: false,
          responsive: true,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { position: "bottom", labels: { color: "#212b32" } } },
          scales: {
            x: { ticks: { color: "#212b32", maxRotation: 0, autoSkip: true } },
            y: { beginAtZero: true, ticks: { color: "#212b32" } }
          }
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
