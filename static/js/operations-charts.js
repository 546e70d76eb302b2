// The operations pages' charts: Chart.js (static/vendor/chartjs, loaded before this module) draws each
// <canvas data-chart="KEY"> from the JSON of #operations-charts (json_script: no inline script, the CSP unchanged).
// Every chart's figures are also in the table beside it and in its CSV.

const COLORS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997"];

function draw(canvas, spec) {
  const stacked = Boolean(spec.stacked);
  const counts = { stacked, beginAtZero: true, ticks: { precision: 0 } };
  const chart = new window.Chart(canvas, {
    type: spec.type,
    data: {
      labels: spec.labels,
      datasets: spec.datasets.map((dataset, index) => ({
        label: dataset.label,
        data: dataset.data,
        backgroundColor: COLORS[index % COLORS.length],
        borderColor: COLORS[index % COLORS.length],
        spanGaps: true,
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      // Long labels (categories, guideline chapters, names) read better down the side.
      indexAxis: spec.horizontal ? "y" : "x",
      scales: spec.horizontal ? { x: counts, y: { stacked } } : { x: { stacked }, y: counts },
      plugins: { legend: { position: "bottom" } },
    },
  });
  canvas.dataset.drawn = String(chart.data.datasets.length);
}

function main() {
  const source = document.getElementById("operations-charts");
  if (!source || !window.Chart) {
    return;
  }
  const charts = JSON.parse(source.textContent);
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const spec = charts[canvas.dataset.chart];
    if (spec) {
      draw(canvas, spec);
    }
  }
}

main();
