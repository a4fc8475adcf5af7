/* The report: started with a POST, a progress bar while it builds, then the download. */
(function () {
  "use strict";
  var cr = window.crossroads;
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var box = document.getElementById("report-progress");
  var bar = document.getElementById("report-bar");
  var stage = document.getElementById("report-stage");
  var cancel = document.getElementById("report-cancel");
  var buttons = form.querySelectorAll("button[type=submit]");
  var task = null;

  function busy(on) {
    buttons.forEach(function (b) { b.disabled = on; });
    box.hidden = !on && !stage.textContent;
    cancel.hidden = !on;
  }

  function poll() {
    if (!task) { return; }
    fetch(task.poll, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (t) {
        if (!task) { return; }
        bar.value = t.progress;
        if (t.state === "done") {
          stage.textContent = "Report ready: downloading.";
          document.body.setAttribute("data-report", "done");
          var url = task.download;
          task = null;
          busy(false);
          window.location.assign(url);
          return;
        }
        if (t.state === "failed" || t.state === "cancelled") {
          stage.textContent = "No report: " + (t.error || t.stage);
          document.body.setAttribute("data-report", t.state);
          task = null;
          busy(false);
          return;
        }
        stage.textContent = Math.round(100 * t.progress) + "% \u00b7 " + t.stage +
          " \u00b7 " + Math.round(t.elapsed) + " s";
        document.body.setAttribute("data-report", "building");
        setTimeout(poll, 1000);
      }).catch(function () { setTimeout(poll, 2000); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var samples = event.submitter && event.submitter.name === "samples" ?
      Number(event.submitter.value) : null;
    busy(true);
    bar.value = 0;
    stage.textContent = "starting the report\u2026";
    cr.postJSON(form.getAttribute("data-start"), {samples: samples}).then(function (res) {
      if (!res.ok) {
        stage.textContent = "No report: " + (res.data.error || res.status);
        busy(false);
        return;
      }
      task = res.data;
      poll();
    });
  });

  cancel.addEventListener("click", function () {
    if (!task) { return; }
    cr.postJSON("/api/report-task/" + task.id + "/cancel", {});
    stage.textContent = "Report cancelled.";
    task = null;
    busy(false);
  });
})();
