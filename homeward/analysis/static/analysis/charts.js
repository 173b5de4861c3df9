// Situation analysis charts: Plotly (served from the installed package, no CDN) draws
// each [data-chart] element from the JSON block it names. Every chart has a table
// next to it, which is the fallback without JavaScript and for screen readers.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  var colors = ["#c0392b", "#7f8c8d", "#2c3e50", "#e67e22"];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var traces = [];
    var layout = {
      margin: { l: 40, r: 10, t: 10, b: 40 },
      height: 280,
      legend: { orientation: "h", y: -0.2 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      xaxis: { type: "category", automargin: true },
      yaxis: { rangemode: "tozero" }
    };
    if (element.dataset.kind === "bar") {
      // Counts on the bars (readable on a phone); whole-number ticks for small counts.
      traces.push({ type: "bar", orientation: "h", y: data.labels, x: data.values,
                    text: data.values.map(function (v) { return v === null ? "<5" : String(v); }),
                    textposition: "auto", marker: { color: colors[0] } });
      layout.margin.l = element.dataset.margin ? parseInt(element.dataset.margin, 10) : 160;
      layout.height = Math.max(200, 34 * data.labels.length + 60);
      layout.yaxis = { automargin: true, autorange: "reversed" };
      var largest = Math.max.apply(null, data.values.concat([0]));
      layout.xaxis = { rangemode: "tozero", tickformat: ",d" };
      if (largest <= 10) { layout.xaxis.dtick = 1; }
    } else {
      data.series.forEach(function (series, index) {
        traces.push({ type: "scatter", mode: "lines+markers", name: series.name,
                      x: data.months, y: series.values, connectgaps: false,
                      line: { color: colors[index % colors.length], width: index === 0 ? 3 : 2 } });
      });
      if (data.threshold !== undefined && data.threshold !== null) {
        layout.shapes = [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: data.threshold,
                           y1: data.threshold, line: { color: "#e67e22", dash: "dash" } }];
      }
    }
    element.textContent = "";
    // No mode bar: its buttons' titles are English, and the table below is the export.
    Plotly.newPlot(element, traces, layout, { displayModeBar: false, responsive: true });
    element.setAttribute("data-drawn", "1");
  });
})();
