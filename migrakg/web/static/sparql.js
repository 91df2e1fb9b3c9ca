// The query page: run a query with fetch, show SELECT/ASK results as a table and graphs as text.
// Every value is written with textContent (never innerHTML), so nothing in the data can run here.
(function () {
  "use strict";
  var script = document.currentScript;
  var lang = script.getAttribute("data-lang") || "de";
  var T = {
    running: { de: "Läuft …", en: "Running …" },
    rows: { de: " Zeilen", en: " rows" },
    yes: { de: "ja (true)", en: "yes (true)" },
    no: { de: "nein (false)", en: "no (false)" },
    failed: { de: "Fehler: ", en: "Error: " },
    empty: { de: "Keine Ergebnisse.", en: "No results." },
    answer: { de: "Antwort: ", en: "Answer: " },
    graph: { de: "Graph als Text", en: "Graph as text" },
    error: { de: "Fehler", en: "Error" }
  };
  function tr(key) { return T[key][lang] || T[key].en; }
  var form = document.getElementById("query-form");
  var textarea = document.getElementById("query");
  var results = document.getElementById("results");
  var status = document.getElementById("status");
  var downloads = document.getElementById("downloads");
  var base = location.origin;

  // the result is announced and gets the focus, so that keyboard and screen-reader users land on it
  function done(text) {
    status.textContent = text;
    status.focus();
  }

  function localHref(iri) {
    var w3 = "https://w3id.org/migrakg/";
    if (iri.indexOf(w3) === 0) { return "/" + iri.substring(w3.length); }
    if (/^https?:\/\//.test(iri)) { return iri; }
    return null;
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var href = localHref(term.value);
      if (href) {
        var a = document.createElement("a");
        a.setAttribute("href", href);
        a.textContent = term.value;
        td.appendChild(a);
      } else { td.textContent = term.value; }
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) {
        td.setAttribute("lang", term["xml:lang"]);
        var small = document.createElement("span");
        small.className = "langtag";
        small.textContent = " @" + term["xml:lang"];
        td.appendChild(small);
      }
    }
    return td;
  }

  function showTable(data) {
    var vars = data.head.vars || [];
    var rows = data.results.bindings || [];
    var table = document.createElement("table");
    var thead = document.createElement("thead");
    var tr0 = document.createElement("tr");
    vars.forEach(function (v) { var th = document.createElement("th"); th.setAttribute("scope", "col"); th.textContent = v; tr0.appendChild(th); });
    thead.appendChild(tr0); table.appendChild(thead);
    var tbody = document.createElement("tbody");
    rows.forEach(function (row) {
      var tr1 = document.createElement("tr");
      vars.forEach(function (v) { tr1.appendChild(cell(row[v])); });
      tbody.appendChild(tr1);
    });
    table.appendChild(tbody);
    results.appendChild(table);
    if (!rows.length) { var p = document.createElement("p"); p.textContent = tr("empty"); results.appendChild(p); }
    done(rows.length + tr("rows"));
  }

  function setDownloads(query, isGraph) {
    downloads.hidden = false;
    downloads.querySelector(".graph-formats").hidden = !isGraph;
    Array.prototype.forEach.call(downloads.querySelectorAll("a[data-format]"), function (a) {
      var f = a.getAttribute("data-format");
      var graphFormat = ["turtle", "ntriples", "jsonld", "rdfxml"].indexOf(f) >= 0;
      a.hidden = isGraph ? !graphFormat : graphFormat;
      a.setAttribute("href", "/sparql?format=" + f + "&query=" + encodeURIComponent(query));
    });
  }

  function run(event) {
    if (event) { event.preventDefault(); }
    var query = textarea.value;
    results.textContent = "";
    status.textContent = tr("running");
    var body = new URLSearchParams();
    body.set("query", query);
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: body.toString()
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        return response.json().then(function (err) { throw new Error(err.message || response.status); },
                                    function () { throw new Error(String(response.status)); });
      }
      if (type.indexOf("json") >= 0) {
        return response.json().then(function (data) {
          if (typeof data.boolean === "boolean") {
            var p = document.createElement("p"); p.className = "boolean";
            p.textContent = data.boolean ? tr("yes") : tr("no"); results.appendChild(p);
            setDownloads(query, false); done(tr("answer") + p.textContent);
          } else { setDownloads(query, false); showTable(data); }
        });
      }
      return response.text().then(function (text) {
        var pre = document.createElement("pre"); pre.textContent = text; pre.setAttribute("tabindex", "0"); results.appendChild(pre);
        setDownloads(query, true); done(tr("graph"));
      });
    }).catch(function (err) {
      var p = document.createElement("p"); p.className = "error-message"; p.setAttribute("role", "alert");
      p.textContent = tr("failed") + err.message; results.appendChild(p); done(tr("error"));
    });
  }

  form.addEventListener("submit", run);
  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () {
      var tpl = document.getElementById("q-" + button.getAttribute("data-example"));
      textarea.value = tpl.content ? tpl.content.textContent : tpl.textContent;
      run();
    });
  });
  textarea.addEventListener("keydown", function (e) { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { run(e); } });
  if (script.getAttribute("data-autorun") === "true") { run(); }
  void base;
})();
