(function () {
  "use strict";
  /* Draw every chart of this report once Plotly is there (it may load after this script
     when the report is inserted into another page). */
  var root = document.getElementById("{{ rid }}");
  var config = {displaylogo: false, responsive: true,
                modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"]};
  var tries = 0;
  function charts() { return root ? root.querySelectorAll("div.cr-chart[data-chart]") : []; }
  function draw() {
    if (!window.Plotly) {
      if (++tries < 200) { setTimeout(draw, 50); return; }
      charts().forEach(function (div) {
        div.textContent = "(chart not drawn: plotly.js did not load)";
      });
      return;
    }
    charts().forEach(function (div) {
      var fig = JSON.parse(document.getElementById(div.id + "-data").textContent);
      window.Plotly.newPlot(div, fig.data, fig.layout, config);
    });
  }
  function resize(width) {
    if (!window.Plotly) { return; }
    charts().forEach(function (div) {
      window.Plotly.relayout(div, {width: width, autosize: width === null});
    });
  }
  /* Paper is narrower than a screen: draw at page width for printing, then restore. */
  window.addEventListener("beforeprint", function () { resize(680); });
  window.addEventListener("afterprint", function () { resize(null); });
  draw();
})();
