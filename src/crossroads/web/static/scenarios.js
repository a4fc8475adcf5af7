/* Scenarios: save the pinned values under a name (in this browser), load one, compare them. */
(function () {
  "use strict";
  var cr = window.crossroads;
  var page = cr.pageData();
  if (!page || !cr.applyPins) { return; }
  var key = "crossroads:scenarios:" + page.whatif;
  var nameInput = document.getElementById("scenario-name");
  var saveButton = document.getElementById("scenario-save");
  var list = document.getElementById("scenario-list");
  var compareButton = document.getElementById("scenario-compare");
  var status = document.getElementById("scenario-status");

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function store(all) { localStorage.setItem(key, JSON.stringify(all)); }

  function pinsText(pins) {
    var names = Object.keys(pins);
    if (!names.length) { return "nothing pinned"; }
    return names.map(function (n) {
      var input = document.getElementById("s-" + n);
      return n + " = " + cr.fmtParam(pins[n], input ? input.getAttribute("data-kind") : "number");
    }).join(", ");
  }

  function render() {
    var all = load();
    var names = Object.keys(all);
    list.replaceChildren.apply(list, names.map(function (name) {
      var li = cr.el("li", {"data-scenario": name});
      li.appendChild(cr.el("strong", {}, name));
      li.appendChild(cr.el("span", {"class": "muted"}, " " + pinsText(all[name])));
      var use = cr.el("button", {type: "button", "class": "link"}, "Load");
      use.setAttribute("aria-label", "Load scenario " + name);
      use.addEventListener("click", function () {
        cr.applyPins(all[name]);
        status.textContent = "Loaded scenario \u201c" + name + "\u201d.";
      });
      var drop = cr.el("button", {type: "button", "class": "link danger"}, "Delete");
      drop.setAttribute("aria-label", "Delete scenario " + name);
      drop.addEventListener("click", function () {
        var now = load();
        delete now[name];
        store(now);
        render();
        status.textContent = "Deleted scenario \u201c" + name + "\u201d.";
      });
      li.appendChild(use);
      li.appendChild(drop);
      return li;
    }));
    compareButton.disabled = names.length === 0;
  }

  function updateSave() {
    saveButton.disabled = !nameInput.value.trim() || !Object.keys(cr.pinned()).length;
  }

  saveButton.addEventListener("click", function () {
    var name = nameInput.value.trim();
    var all = load();
    all[name] = cr.pinned();
    store(all);
    render();
    nameInput.value = "";
    updateSave();
    status.textContent = "Saved scenario \u201c" + name + "\u201d: " + pinsText(all[name]) + ".";
  });
  nameInput.addEventListener("input", updateSave);
  document.addEventListener("crossroads:pins", updateSave);

  function table(data) {
    var t = document.getElementById("compare-table");
    var head = cr.el("thead");
    var tr = cr.el("tr");
    tr.appendChild(cr.el("th", {scope: "col"}, ""));
    data.columns.forEach(function (c) { tr.appendChild(cr.el("th", {scope: "col", "class": "num"}, c)); });
    head.appendChild(tr);
    var body = cr.el("tbody");
    data.rows.forEach(function (row) {
      var r = cr.el("tr");
      r.appendChild(cr.el("th", {scope: "row"}, row.label));
      row.cells.forEach(function (c) { r.appendChild(cr.el("td", {"class": "num"}, c)); });
      body.appendChild(r);
    });
    t.replaceChildren(head, body);
  }

  compareButton.addEventListener("click", function () {
    var all = load();
    var scenarios = Object.keys(all).slice(0, 6).map(function (name) {
      return {name: name, overrides: all[name]};
    });
    compareButton.disabled = true;
    status.textContent = "comparing " + scenarios.length + " scenario(s)\u2026";
    cr.postJSON(page.compare, {scenarios: scenarios}).then(function (res) {
      compareButton.disabled = false;
      if (!res.ok) { status.textContent = "could not compare: " + (res.data.error || res.status); return; }
      table(res.data);
      var box = document.getElementById("compare");
      box.hidden = false;
      status.textContent = "Compared " + scenarios.length + " scenario(s) below the table.";
      document.body.setAttribute("data-compared", String(scenarios.length));
    });
  });

  render();
  updateSave();
})();
