// Draws the moderation report's charts from the figures in #report-data.
// Each chart's table sits beside it, so nothing is only in the picture.
(function () {
  "use strict";

  var source = document.getElementById("report-data");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  // A palette whose neighbours differ in lightness as well as hue.
  var colours = ["#005eb8", "#ffb81c", "#007f3b", "#d5281b", "#330072", "#41b6e6", "#7c2855",
    "#78be20", "#425563", "#ed8b00", "#00a499", "#ae2573", "#003087", "#fae100", "#768692"];

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var chart = data[canvas.getAttribute("data-chart")];
    if (!chart || chart.labels.length === 0 || chart.datasets.length === 0) {
      canvas.parentElement.hidden = true;
      return;
    }
    var stacked = canvas.getAttribute("data-stacked") === "true";
    var horizontal = canvas.getAttribute("data-horizontal") === "true";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (set, i) {
          return { label: set.label, data: set.data, backgroundColor: colours[i % colours.length] };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } },
          y: { stacked: stacked, beginAtZero: true, ticks: { precision: 0 } }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
})();
