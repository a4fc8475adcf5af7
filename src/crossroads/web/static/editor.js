/* The YAML editor: line numbers, live validation marking the lines with problems, saving. */
(function () {
  "use strict";
  var cr = window.crossroads;
  var page = cr.pageData();
  var text = document.getElementById("text");
  var gutter = document.getElementById("gutter");
  var marks = document.getElementById("marks");
  var list = document.getElementById("problem-list");
  var state = document.getElementById("state");
  var saveButton = document.getElementById("save");
  var problems = cr.pageData("problems-data") || [];
  var seq = 0;
  var timer = null;
  var dirty = false;
  var lastLines = -1;

  function lineHeight() { return parseFloat(getComputedStyle(text).lineHeight) || 20; }
  function padTop() { return parseFloat(getComputedStyle(text).paddingTop) || 0; }

  function byLine() {
    var out = {};
    problems.forEach(function (p) { (out[p.line] = out[p.line] || []).push(p); });
    return out;
  }

  function renderGutter(force) {
    var lines = text.value.split("\n").length;
    if (!force && lines === lastLines) { return; }
    lastLines = lines;
    var bad = byLine();
    var frag = document.createDocumentFragment();
    for (var i = 1; i <= lines; i++) {
      var span = cr.el("span", {id: "L" + i}, String(i));
      if (bad[i]) {
        span.className = "bad";
        span.title = bad[i].map(function (p) { return p.message; }).join("\n");
      }
      frag.appendChild(span);
      frag.appendChild(document.createTextNode("\n"));
    }
    gutter.replaceChildren(frag);
    syncScroll();
  }

  function renderMarks() {
    var lh = lineHeight();
    var top = padTop();
    marks.replaceChildren.apply(marks, Object.keys(byLine()).map(function (line) {
      var mark = cr.el("div", {"class": "mark", "data-line": line});
      mark.style.top = (top + (Number(line) - 1) * lh) + "px";
      mark.style.height = lh + "px";
      return mark;
    }));
  }

  function renderList() {
    if (!problems.length) {
      list.replaceChildren(cr.el("li", {"class": "ok"}, "None: the file is valid."));
      return;
    }
    list.replaceChildren.apply(list, problems.map(function (p) {
      var li = cr.el("li", {"data-line": String(p.line)});
      var link = cr.el("a", {href: "#L" + p.line}, "line " + p.line + ", column " + p.column);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        jump(p.line, p.column);
      });
      li.appendChild(link);
      li.appendChild(document.createTextNode(": " + p.message));
      if (p.hint) { li.appendChild(cr.el("span", {"class": "hint"}, " (" + p.hint + ")")); }
      return li;
    }));
  }

  function render() {
    renderGutter(true);
    renderMarks();
    renderList();
    document.body.setAttribute("data-problems", String(problems.length));
  }

  function syncScroll() {
    gutter.scrollTop = text.scrollTop;
    marks.style.transform = "translate(" + (-text.scrollLeft) + "px," + (-text.scrollTop) + "px)";
  }

  function jump(line, column) {
    var lines = text.value.split("\n");
    var offset = 0;
    for (var i = 0; i < Math.min(line - 1, lines.length); i++) { offset += lines[i].length + 1; }
    offset += Math.max(0, (column || 1) - 1);
    text.focus();
    text.setSelectionRange(offset, offset);
    text.scrollTop = Math.max(0, (line - 5) * lineHeight());
    syncScroll();
  }

  function validate() {
    var mine = ++seq;
    document.body.setAttribute("data-validating", "1");
    cr.postJSON(page.validate, {text: text.value}).then(function (res) {
      if (mine !== seq) { return; }
      document.body.removeAttribute("data-validating");
      if (!res.ok) { state.textContent = "could not check: " + (res.data.error || res.status); return; }
      problems = res.data.problems;
      state.textContent = (problems.length ? problems.length + " problem" +
        (problems.length === 1 ? "" : "s") : "valid") + (dirty ? " · not saved" : "");
      render();
    });
  }

  function save() {
    saveButton.disabled = true;
    state.textContent = "saving…";
    cr.postJSON(page.save, {folder: page.folder, path: page.path, text: text.value})
      .then(function (res) {
        saveButton.disabled = false;
        if (res.ok) {
          dirty = false;
          problems = [];
          render();
          state.textContent = "saved";
          document.body.setAttribute("data-saved", "1");
          return;
        }
        if (res.data.problems) { problems = res.data.problems; render(); }
        state.textContent = "not saved: " + (res.data.error || res.status);
      });
  }

  text.addEventListener("input", function () {
    dirty = true;
    renderGutter(false);
    clearTimeout(timer);
    timer = setTimeout(validate, 300);
  });
  text.addEventListener("scroll", syncScroll);
  text.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      save();
    } else if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();  /* YAML wants spaces */
      text.setRangeText("  ", text.selectionStart, text.selectionEnd, "end");
      text.dispatchEvent(new Event("input"));
    }
  });
  saveButton.addEventListener("click", save);
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  render();
  var hash = /^#L(\d+)$/.exec(location.hash);
  if (hash) { jump(Number(hash[1]), 1); }
})();
