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

  var conflict = document.getElementById("conflict");
  var theirs = null;  /* the text on disk when a save was refused as stale */

  /* A version as lines; a line the other version lacks is marked (and said: "changed"). */
  function showLines(pre, lines, other) {
    var there = {};
    other.forEach(function (line) { there[line] = true; });
    pre.replaceChildren.apply(pre, lines.map(function (line) {
      var span = cr.el("span", there[line] ? {} : {"class": "differs", title: "not in the other version"},
                       line + "\n");
      return span;
    }));
  }

  function showConflict(data) {
    theirs = data;
    var mine = text.value.split("\n");
    var disk = data.current === null ? ["(the file was deleted)"] : data.current.split("\n");
    showLines(document.getElementById("conflict-mine"), mine, disk);
    showLines(document.getElementById("conflict-theirs"), disk, mine);
    conflict.hidden = false;
    document.body.setAttribute("data-conflict", "1");
    document.getElementById("conflict-title").focus();
  }

  function hideConflict() {
    conflict.hidden = true;
    theirs = null;
    document.body.removeAttribute("data-conflict");
  }

  function save() {
    saveButton.disabled = true;
    state.textContent = "saving…";
    cr.postJSON(page.save, {folder: page.folder, path: page.path, text: text.value,
                            base: page.version})
      .then(function (res) {
        saveButton.disabled = false;
        if (res.ok) {
          dirty = false;
          page.version = res.data.version;
          problems = [];
          hideConflict();
          render();
          state.textContent = "Saved at " + new Date().toLocaleTimeString() + ".";
          document.body.setAttribute("data-saved", String(Number(document.body.getAttribute("data-saved") || 0) + 1));
          return;
        }
        if (res.status === 409) {
          state.textContent = res.data.error;  /* "not saved: the file changed ..." */
          showConflict(res.data);
          return;
        }
        if (res.data.problems) { problems = res.data.problems; render(); }
        state.textContent = "not saved: " + (res.data.error || res.status);
      });
  }

  document.getElementById("overwrite").addEventListener("click", function () {
    if (!theirs) { return; }
    page.version = theirs.version;  /* a conscious choice: overwrite the version just shown */
    save();
  });
  document.getElementById("take-theirs").addEventListener("click", function () {
    if (!theirs) { return; }
    if (theirs.current !== null) { text.value = theirs.current; }
    page.version = theirs.version;
    dirty = false;
    hideConflict();
    state.textContent = "Loaded the version on disk; your changes were discarded.";
    renderGutter(true);
    validate();
    text.focus();
  });

  text.addEventListener("input", function () {
    dirty = true;
    renderGutter(false);
    clearTimeout(timer);
    timer = setTimeout(validate, 300);
  });
  text.addEventListener("scroll", syncScroll);
  /* Tab indents (YAML wants spaces), but never traps focus: after Esc, Tab and Shift+Tab
     move focus as on any other field. */
  var escaped = false;
  text.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      save();
    } else if (event.key === "Escape") {
      escaped = true;
      state.textContent = "Tab now leaves the editor.";
    } else if (event.key === "Tab" && !event.shiftKey && !escaped) {
      event.preventDefault();
      text.setRangeText("  ", text.selectionStart, text.selectionEnd, "end");
      text.dispatchEvent(new Event("input"));
    } else if (event.key !== "Shift") {
      escaped = false;
    }
  });
  text.addEventListener("blur", function () { escaped = false; });
  saveButton.addEventListener("click", save);
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  render();
  var hash = /^#L(\d+)$/.exec(location.hash);
  if (hash) { jump(Number(hash[1]), 1); }
})();
