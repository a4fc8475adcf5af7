/* The results dashboard: what-if sliders re-run the decision and redraw numbers and charts. */
(function () {
  "use strict";
  var cr = window.crossroads;
  var page = cr.pageData();
  if (!page) { return; }
  var pinned = {};
  var timer = null;
  var inflight = null;
  var runs = 0;
  var status = document.getElementById("status");
  var unpin = document.getElementById("unpin");

  function fmt(value, kind) {
    var v = Number(value);
    if (kind === "percent") { return (100 * v).toPrecision(3).replace(/\.?0+$/, "") + "%"; }
    if (Math.abs(v) >= 1000) { return Math.round(v).toLocaleString("en-US"); }
    return v.toPrecision(3).replace(/\.?0+$/, "");
  }

  function drawCharts(charts) {
    var box = document.getElementById("charts");
    if (!box || !window.Plotly) { return; }
    charts.forEach(function (chart) {
      var id = "chart-" + chart.id;
      var div = document.getElementById(id);
      if (!div) {
        var section = cr.el("section", {"class": "chart-box"});
        section.appendChild(cr.el("h3", {}, chart.title));
        div = cr.el("div", {"class": "chart", id: id});
        section.appendChild(div);
        section.appendChild(cr.el("p", {"class": "reading", id: id + "-reading"}));
        box.appendChild(section);
      }
      document.getElementById(id + "-reading").textContent = chart.reading;
      window.Plotly.react(div, chart.figure.data, chart.figure.layout, cr.plotConfig);
    });
  }

  function updateTable(rows) {
    rows.forEach(function (row) {
      var tr = document.querySelector('tr[data-option="' + CSS.escape(row.id) + '"]');
      if (!tr) { return; }
      tr.querySelectorAll("td[data-k]").forEach(function (td) {
        var text = row[td.getAttribute("data-k")];
        if (text !== undefined && td.textContent !== text) {
          td.textContent = text;
          td.classList.remove("changed");
          void td.offsetWidth;  /* restart the highlight animation */
          td.classList.add("changed");
        }
      });
    });
  }

  /* A verdict line, with `backticked` names as code (built as nodes: no innerHTML). */
  function verdictItem(line) {
    var li = cr.el("li");
    line.split("`").forEach(function (part, i) {
      li.appendChild(i % 2 ? cr.el("code", {}, part) : document.createTextNode(part));
    });
    return li;
  }

  function updateVerdict(lines) {
    var list = document.getElementById("verdict");
    list.replaceChildren.apply(list, lines.map(verdictItem));
  }

  function describe(data) {
    var names = Object.keys(pinned);
    var what = names.length ? "pinned: " + names.map(function (n) {
      var input = document.getElementById("s-" + n);
      return n + " = " + fmt(pinned[n], input.getAttribute("data-kind"));
    }).join(", ") : "nothing pinned";
    var took = data.cached ? "from cache" :
      "computed in " + Math.round(data.run_ms) + " ms" +
      (data.queue_ms > 5 ? " (+" + Math.round(data.queue_ms) + " ms queued)" : "");
    return Number(data.samples).toLocaleString("en-US") + " draws, " + took + "; " + what;
  }

  function setBusy(busy) {
    document.body.setAttribute("data-whatif", busy ? "busy" : "idle");
    document.body.setAttribute("data-runs", String(runs));
  }

  function run() {
    if (inflight) { inflight.abort(); }
    inflight = new AbortController();
    var controller = inflight;
    setBusy(true);
    status.textContent = "computing…";
    cr.postJSON(page.whatif, {overrides: pinned}, controller.signal).then(function (res) {
      if (controller !== inflight) { return; }
      inflight = null;
      if (res.status === 503) {
        var wait = Number(res.headers.get("Retry-After") || "1");
        status.textContent = "the server is busy; trying again in " + wait + " s";
        setTimeout(run, wait * 1000);
        return;
      }
      if (!res.ok) {
        status.textContent = "could not recompute: " + (res.data.error || res.status);
        setBusy(false);
        return;
      }
      runs += 1;
      updateTable(res.data.rows);
      updateVerdict(res.data.verdict);
      drawCharts(res.data.charts);
      status.textContent = describe(res.data);
      setBusy(false);
    }).catch(function (err) {
      if (err.name !== "AbortError") {
        status.textContent = "could not reach the server: " + err.message;
        setBusy(false);
      }
    });
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(run, delay);
  }

  document.querySelectorAll(".slider input[type=range]").forEach(function (input) {
    var output = document.getElementById("o-" + input.name);
    input.addEventListener("input", function () {
      pinned[input.name] = Number(input.value);
      output.textContent = fmt(input.value, input.getAttribute("data-kind"));
      output.classList.add("pinned");
      unpin.disabled = false;
      schedule(350);
    });
    input.addEventListener("change", function () { schedule(0); });
  });

  unpin.addEventListener("click", function () {
    pinned = {};
    document.querySelectorAll(".slider input[type=range]").forEach(function (input) {
      input.value = input.defaultValue;
      var output = document.getElementById("o-" + input.name);
      output.textContent = "uncertain";
      output.classList.remove("pinned");
    });
    unpin.disabled = true;
    schedule(0);
  });

  var more = document.getElementById("more");
  if (more) {
    more.addEventListener("click", function () {
      document.querySelector(".whatif").classList.toggle("show-all");
      more.textContent = more.textContent.indexOf("Show") === 0 ? "Show fewer params" :
        "Show all " + document.querySelectorAll(".slider").length + " params";
    });
  }

  drawCharts(page.charts);
  setBusy(false);
})();
