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

  /* A slider value in its unit, as formatting.param does on the server. */
  function money(v) {
    var a = Math.abs(v), body;
    if (a >= 1e6) { body = (a / 1e6).toPrecision(3).replace(/\.?0+$/, "") + "M"; }
    else if (a >= 1e3) { body = (a / 1e3).toPrecision(3).replace(/\.?0+$/, "") + "k"; }
    else { body = String(Math.round(a)); }
    var sign = v < 0 ? "-" : "";
    return page.currency === "USD" ? sign + "$" + body : sign + body + " " + page.currency;
  }

  function fmt(value, kind) {
    var v = Number(value);
    if (kind === "percent") { return (100 * v).toPrecision(3).replace(/\.?0+$/, "") + "%"; }
    if (kind === "multiple") { return v.toPrecision(3).replace(/\.?0+$/, "") + "\u00d7"; }
    if (kind === "money") { return money(v); }
    if (Math.abs(v) >= 1000) { return Math.round(v).toLocaleString("en-US"); }
    return v.toPrecision(3).replace(/\.?0+$/, "");
  }
  cr.fmtParam = fmt;

  /* Move the sketch's marker to the pinned value (hidden when unpinned). */
  function mark(input, pinnedValue) {
    var line = document.getElementById("m-" + input.name);
    if (!line) { return; }
    var svg = line.ownerSVGElement;
    if (pinnedValue === null) { line.setAttribute("visibility", "hidden"); return; }
    var x0 = Number(svg.getAttribute("data-x0")), x1 = Number(svg.getAttribute("data-x1"));
    var x = Math.min(Math.max((pinnedValue - x0) / (x1 - x0), 0), 1) * 120;
    line.setAttribute("x1", x.toFixed(1));
    line.setAttribute("x2", x.toFixed(1));
    line.setAttribute("visibility", "visible");
  }

  /* Chart marks at 3:1 or more against white (WCAG 1.4.11): the palette's orange, sky blue
     and pink are darker here; axis titles get the room they need (automargin). */
  var DARKER = {"#E69F00": "#B36B00", "#56B4E9": "#2E86C1", "#CC79A7": "#B5568E"};
  function legible(figure) {
    var text = JSON.stringify(figure);
    Object.keys(DARKER).forEach(function (c) {
      text = text.split(c).join(DARKER[c]).split(c.toLowerCase()).join(DARKER[c]);
    });
    var out = JSON.parse(text);
    var layout = out.layout || (out.layout = {});
    Object.keys(layout).forEach(function (k) {
      if (!/^[xy]axis\d*$/.test(k)) { return; }
      layout[k].automargin = true;
      var title = layout[k].title;
      var text = title && (typeof title === "string" ? title : title.text);
      if (k.charAt(0) === "x" && text && text.length > 28 && text.indexOf("<br>") < 0) {
        var cut = text.lastIndexOf(" ", Math.ceil(text.length / 2));  /* two lines, not clipped */
        var wrapped = text.slice(0, cut) + "<br>" + text.slice(cut + 1);
        layout[k].title = typeof title === "string" ? wrapped : Object.assign({}, title, {text: wrapped});
      }
    });
    if (!layout.xaxis) { layout.xaxis = {automargin: true}; }
    if (!layout.yaxis) { layout.yaxis = {automargin: true}; }
    return out;
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
      var figure = legible(chart.figure);
      window.Plotly.react(div, figure.data, figure.layout, cr.plotConfig);
    });
  }

  function updateTable(rows, deltas) {
    var any = false;
    rows.forEach(function (row) {
      var cells = document.querySelectorAll(
        'tr[data-option="' + CSS.escape(row.id) + '"] td[data-k]');
      var change = (deltas || {})[row.id] || {};
      cells.forEach(function (td) {
        var key = td.getAttribute("data-k");
        var text = row[key];
        var value = td.querySelector(".v"), delta = td.querySelector(".delta");
        if (text !== undefined && value.textContent !== text) {
          value.textContent = text;
          td.classList.remove("changed");
          void td.offsetWidth;  /* restart the highlight animation */
          td.classList.add("changed");
        }
        delta.textContent = change[key] || "";
        any = any || Boolean(change[key]);
      });
    });
    document.getElementById("delta-legend").hidden = !any;
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
      return n + " = " + fmt(pinned[n], input ? input.getAttribute("data-kind") : "number");
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
      document.querySelectorAll(".slider.refused").forEach(function (div) {
        div.classList.remove("refused");
      });
      if (!res.ok) {
        status.textContent = "could not recompute: " + (res.data.error || res.status);
        var bad = res.data.param && document.querySelector(
          '.slider[data-name="' + CSS.escape(res.data.param) + '"]');
        if (bad) { bad.classList.add("refused"); }
        setBusy(false);
        return;
      }
      runs += 1;
      updateTable(res.data.rows, res.data.deltas);
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

  /* Show a slider pinned at `value` (a number) or unpinned (null), without running. */
  function show(input, value) {
    var output = document.getElementById("o-" + input.name);
    var kind = input.getAttribute("data-kind");
    if (value === null) {
      delete pinned[input.name];
      input.value = input.defaultValue;
      output.textContent = "uncertain";
      output.classList.remove("pinned");
      input.setAttribute("aria-valuetext", "not pinned (mean " + fmt(input.defaultValue, kind) + ")");
    } else {
      pinned[input.name] = value;
      input.value = String(value);
      output.textContent = fmt(value, kind);
      output.classList.add("pinned");
      input.setAttribute("aria-valuetext", "pinned at " + fmt(value, kind));
    }
    mark(input, value);
    unpin.disabled = Object.keys(pinned).length === 0;
    document.dispatchEvent(new CustomEvent("crossroads:pins", {detail: pinned}));
  }

  document.querySelectorAll(".slider input[type=range]").forEach(function (input) {
    input.addEventListener("input", function () {
      show(input, Number(input.value));
      schedule(350);
    });
    input.addEventListener("change", function () { schedule(0); });
  });

  unpin.addEventListener("click", function () {
    document.querySelectorAll(".slider input[type=range]").forEach(function (input) {
      show(input, null);
    });
    schedule(0);
  });

  /* Pin exactly `pins` (name -> value; the scenarios' "Load"), then recompute. */
  cr.applyPins = function (pins) {
    document.querySelectorAll(".slider input[type=range]").forEach(function (input) {
      show(input, Object.prototype.hasOwnProperty.call(pins, input.name) ?
        Number(pins[input.name]) : null);
    });
    schedule(0);
  };
  cr.pinned = function () { return JSON.parse(JSON.stringify(pinned)); };

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
