/* The market explorer's histogram, with the 10th, 50th and 90th percentiles marked. */
(function () {
  "use strict";
  var cr = window.crossroads;
  var found = cr.pageData("market-data");
  var div = document.getElementById("market-chart");
  if (!found || !found.hist || !div || !window.Plotly) { return; }
  var edges = found.hist.edges;
  var mids = edges.slice(1).map(function (e, i) { return (e + edges[i]) / 2; });
  var s = found.summary;
  var lines = [["p10", s.p10], ["median", s.median], ["p90", s.p90]].map(function (q) {
    return {type: "line", x0: q[1], x1: q[1], y0: 0, y1: 1, yref: "paper",
            line: {color: q[0] === "median" ? "#D55E00" : "#777", width: 2, dash: "dot"}};
  });
  window.Plotly.newPlot(div, [{
    type: "bar", x: mids, y: found.hist.counts, marker: {color: "#0072B2"},
    width: (edges[1] - edges[0]) * 0.95,
    hovertemplate: "$%{x:,.0f}: %{y} salaries<extra></extra>"
  }], {
    height: 320, margin: {l: 50, r: 20, t: 10, b: 50}, bargap: 0,
    xaxis: {title: {text: "salary in USD"}, tickprefix: "$", tickformat: ".3~s"},
    yaxis: {title: {text: "salaries"}}, shapes: lines
  }, cr.plotConfig);
})();
