/* Shared by every page: the CSRF token and JSON POSTs to this server (never elsewhere). */
(function () {
  "use strict";

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  /* POST `body` as JSON; resolves to {status, ok, data, headers} (never rejects on HTTP errors). */
  function postJSON(url, body, signal) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      signal: signal,
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf()},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () {
        return {error: response.status + " " + response.statusText};
      }).then(function (data) {
        return {status: response.status, ok: response.ok, data: data, headers: response.headers};
      });
    });
  }

  /* The JSON a template put in <script type="application/json" id="...">. */
  function pageData(id) {
    var el = document.getElementById(id || "page-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  window.crossroads = {postJSON: postJSON, pageData: pageData, csrf: csrf, el: el,
                       /* No mode bar: its eight buttons per chart sat in the Tab order. */
                       plotConfig: {displaylogo: false, responsive: true,
                                    displayModeBar: false}};
})();
