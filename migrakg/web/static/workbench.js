// The coordinator's workbench (/werkbank, /workbench): upload → mapping → preview → confirm → duplicates → publish.
// Her token travels only in the Authorization header of fetch(); it is kept at most in sessionStorage
// (until the tab is closed). Everything the server sends is shown with textContent, never as HTML.
(function () {
  "use strict";
  var root = document.getElementById("workbench");
  if (!root || !window.fetch || !window.FormData) { return; }
  var lang = root.getAttribute("data-lang") === "en" ? "en" : "de";
  var T = {
    de: {
      checking: "Die Datei wird geprüft …", applying: "Die Datei wird übernommen …", publishing: "Die Veröffentlichung wird erstellt …",
      preview: "Vorschau bereit: nichts wurde geändert. Prüfen Sie die Zuordnung und die Vorschau, dann übernehmen.",
      errors: "Die Datei kann so nicht übernommen werden: nichts wurde geändert. Korrigieren Sie die genannten Zellen in Ihrer Datei und laden Sie sie erneut hoch.",
      applied: "Übernommen. Ihre Einträge sind jetzt auf den Seiten der Wissensbasis.", unchanged: "Nichts zu übernehmen: Ihre Liste ist schon so in der Wissensbasis.",
      token: "Das Token fehlt oder stimmt nicht.", forbidden: "Dieses Token darf die Quelle nicht ändern.",
      failed: "Die Anfrage ist fehlgeschlagen:", network: "Der Server ist nicht erreichbar.", missing: "Bitte Quelle, Token und Datei angeben.",
      sheet: "Blatt", header_row: "Überschriften in Zeile", rows: "Zeilen", remembered: "wie beim letzten Mal bestätigt",
      col_header: "Ihre Spalte", col_field: "gelesen als", col_sure: "Sicherheit", col_samples: "Ihre Werte (Beispiele)",
      field_for: "Feld für die Spalte", changed_hint: "Zuordnung geändert: bitte erneut prüfen.",
      added: "Neu", changed: "Geändert", unchanged_h: "Unverändert", removed: "Entfernt",
      counts: function (c) { return c.added + " neu, " + c.changed + " geändert, " + c.unchanged + " unverändert, " + c.removed + " entfernt"; },
      problems_h: "Fehler", warnings_h: "Hinweise zum Prüfen (kein Fehler)", notes_h: "Gelesen als …",
      row: "Zeile", column: "Spalte", message: "Meldung", none: "–",
      ours: "Wissensbasis", theirs: "Ihre Liste", names: "Namen", addresses: "Adressen", districts: "Bezirke", websites: "Webseiten",
      score: "Übereinstimmung", evidence: "Begründung", accept: "Dieselbe Organisation: verknüpfen", reject: "Nicht dieselbe",
      accepted: "Verknüpft: beide erscheinen als ein Eintrag.", rejected: "Abgelehnt: die Einträge bleiben getrennt.",
      no_duplicates: "Keine möglichen Dubletten gefunden.", published: "Veröffentlicht:", files: "Dateien der Veröffentlichung",
      open: "Seite", pair: "Mögliche Dublette", contains: "Enthalten:", all_files: "Weitere Dateien",
      kinds: { organisation: "Organisationen", place: "Orte", offer: "Angebote", network: "Netzwerke", membership: "Mitgliedschaften" },
      described: { "organisations.csv": "Organisationen als Tabelle (CSV, für Excel)", "offers.csv": "Angebote als Tabelle (CSV)",
        "migrakg.ttl": "Alle Daten (Turtle)", "migrakg.jsonld": "Alle Daten (JSON-LD)", "catalog.ttl": "Katalogeintrag (DCAT-AP.de)",
        "RELEASE.md": "Beschreibung der Veröffentlichung" }
    },
    en: {
      checking: "Checking the file …", applying: "Importing the file …", publishing: "Making the release …",
      preview: "Preview ready: nothing was changed. Check the mapping and the preview, then confirm.",
      errors: "The file cannot be imported like this: nothing was changed. Correct the cells named in your file and upload it again.",
      applied: "Imported. Your records are now on the knowledge base's pages.", unchanged: "Nothing to import: your list is already in the knowledge base like this.",
      token: "The token is missing or wrong.", forbidden: "This token may not change the source.",
      failed: "The request failed:", network: "The server cannot be reached.", missing: "Please give source, token and file.",
      sheet: "Sheet", header_row: "headers in row", rows: "rows", remembered: "as confirmed last time",
      col_header: "Your column", col_field: "read as", col_sure: "certainty", col_samples: "your values (examples)",
      field_for: "Field for the column", changed_hint: "Mapping changed: please check again.",
      added: "New", changed: "Changed", unchanged_h: "Unchanged", removed: "Removed",
      counts: function (c) { return c.added + " new, " + c.changed + " changed, " + c.unchanged + " unchanged, " + c.removed + " removed"; },
      problems_h: "Errors", warnings_h: "Notes to check (not errors)", notes_h: "Read as …",
      row: "Row", column: "Column", message: "Message", none: "-",
      ours: "Knowledge base", theirs: "Your list", names: "Names", addresses: "Addresses", districts: "Districts", websites: "Websites",
      score: "Match", evidence: "Evidence", accept: "Same organisation: link", reject: "Not the same",
      accepted: "Linked: both show as one entry.", rejected: "Rejected: the records stay apart.",
      no_duplicates: "No possible duplicates found.", published: "Published:", files: "Files of the release",
      open: "Page", pair: "Possible duplicate", contains: "Contains:", all_files: "More files",
      kinds: { organisation: "organisations", place: "places", offer: "offers", network: "networks", membership: "memberships" },
      described: { "organisations.csv": "Organisations as a table (CSV, for Excel)", "offers.csv": "Offers as a table (CSV)",
        "migrakg.ttl": "All data (Turtle)", "migrakg.jsonld": "All data (JSON-LD)", "catalog.ttl": "Catalogue record (DCAT-AP.de)",
        "RELEASE.md": "About the release" }
    }
  }[lang];
  var KEY = "migrakg-workbench-token";
  var form = document.getElementById("wb-form");
  var status = document.getElementById("wb-status");
  var source = document.getElementById("wb-source");
  var token = document.getElementById("wb-token");
  var file = document.getElementById("wb-file");
  var corrections = {};
  source.addEventListener("change", function () { corrections = {}; });
  form.hidden = false;
  try { token.value = window.sessionStorage.getItem(KEY) || ""; } catch (e) { /* storage off: she types it */ }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }
  function show(id, on) { document.getElementById(id).hidden = !on; }
  function say(text, kind) {
    status.textContent = text;
    status.className = "wb-status" + (kind ? " " + kind : "");
    status.focus();
  }
  function step(name) {
    Array.prototype.forEach.call(document.querySelectorAll(".wb-steps li"), function (li) {
      if (li.getAttribute("data-step") === name) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
    });
  }
  function auth() {
    try { window.sessionStorage.setItem(KEY, token.value); } catch (e) { /* not kept */ }
    return { "Authorization": "Bearer " + token.value.trim(), "Accept": "application/json" };
  }
  function request(url, options) {
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) { return { status: response.status, body: body }; });
    });
  }
  function refused(answer) {
    if (answer.status === 401 || answer.status === 429) { say(T.token + " " + (answer.body.message || ""), "bad"); return true; }
    if (answer.status === 403) { say(T.forbidden + " " + (answer.body.message || ""), "bad"); return true; }
    return false;
  }

  // -- 2. the mapping -------------------------------------------------------------------------
  function renderMapping(sheets) {
    var box = clear(document.getElementById("wb-mapping"));
    (sheets || []).forEach(function (sheet, s) {
      var heading = el("h3", {}, T.sheet + " „" + sheet.sheet + "“");
      box.appendChild(heading);
      box.appendChild(el("p", { "class": "hint" }, T.header_row + " " + sheet.header_row + " · " + sheet.rows + " " + T.rows +
        (sheet.remembered ? " · " + T.remembered : "")));
      var table = el("table", { "class": "wb-table wb-mapping" });
      var head = el("tr");
      [T.col_header, T.col_field, T.col_sure, T.col_samples].forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
      table.appendChild(el("thead")).appendChild(head);
      var body = table.appendChild(el("tbody"));
      sheet.columns.forEach(function (column, c) {
        var tr = el("tr");
        if (!column.field || column.taken === false) { tr.className = "not-taken"; }
        tr.appendChild(el("th", { scope: "row", "data-label": T.col_header }, column.header || "(" + (c + 1) + ")"));
        var cell = el("td", { "data-label": T.col_field });
        var id = "wb-field-" + s + "-" + c;
        var label = el("label", { "for": id, "class": "sr-only" }, T.field_for + " „" + column.header + "“");
        var select = el("select", { id: id, "data-sheet": sheet.sheet, "data-header": column.header });
        sheet.choices.forEach(function (choice) {
          var option = el("option", { value: choice.name }, choice.label);
          if (choice.name === column.field) { option.selected = true; }
          select.appendChild(option);
        });
        select.addEventListener("change", function () {
          corrections[sheet.sheet] = corrections[sheet.sheet] || {};
          corrections[sheet.sheet][column.header] = select.value;
          say(T.changed_hint);
          document.getElementById("wb-apply").hidden = true;
        });
        cell.appendChild(label);
        cell.appendChild(select);
        tr.appendChild(cell);
        var sure = el("td", { "data-label": T.col_sure });
        sure.appendChild(el("span", { "class": "sure" }, Math.round(column.confidence * 100) + " %"));
        if (column.evidence.length) { sure.appendChild(el("span", { "class": "hint" }, " " + column.evidence.join("; "))); }
        tr.appendChild(sure);
        tr.appendChild(el("td", { "data-label": T.col_samples }, column.samples.join(" · ") || T.none));
        body.appendChild(tr);
      });
      var wrap = el("div", { "class": "scroll", tabindex: "0", role: "region", "aria-label": T.sheet + " " + sheet.sheet });
      wrap.appendChild(table);
      box.appendChild(wrap);
    });
    show("step-mapping", (sheets || []).length > 0);
  }

  // -- 3. the preview -------------------------------------------------------------------------
  function grouped(items) {
    // the same message about the same column in several rows: one line naming every row
    var out = [];
    var seen = {};
    items.forEach(function (item) {
      var key = [item.sheet || "", item.column || "", item.message || item.text].join("\n");
      if (seen[key] && item.row !== null && item.row !== undefined) { seen[key].rows.push(item.row); return; }
      var copy = { sheet: item.sheet, column: item.column, message: item.message || item.text, rows: [] };
      if (item.row !== null && item.row !== undefined) { copy.rows.push(item.row); }
      seen[key] = copy;
      out.push(copy);
    });
    return out;
  }
  function located(title, items, kind) {
    var section = el("div", { "class": "wb-located " + kind });
    section.appendChild(el("h3", {}, title + " (" + items.length + ")"));
    items = grouped(items);
    var table = el("table", { "class": "wb-table" });
    var head = el("tr");
    [T.row, T.column, T.message].forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    items.forEach(function (item) {
      var tr = el("tr");
      var where = item.rows.length ? item.rows.join(", ") : T.none;
      if (item.sheet) { where += " (" + item.sheet + ")"; }
      tr.appendChild(el("td", { "data-label": T.row }, where));
      tr.appendChild(el("td", { "data-label": T.column }, item.column || T.none));
      tr.appendChild(el("td", { "data-label": T.message }, item.message));
      body.appendChild(tr);
    });
    var wrap = el("div", { "class": "scroll", tabindex: "0", role: "region", "aria-label": title });
    wrap.appendChild(table);
    section.appendChild(wrap);
    return section;
  }
  function renderProblems(body) {
    var box = clear(document.getElementById("wb-problems"));
    var items = body.problem_details && body.problem_details.length ? body.problem_details : [];
    if (!items.length && body.results) {
      items = body.results.map(function (r) { return { row: r.row === undefined ? null : r.row, column: r.column || null, message: r.message || r.text || JSON.stringify(r) }; });
    }
    if (!items.length && body.problems) { items = body.problems.map(function (p) { return { row: null, column: null, message: p }; }); }
    if (!items.length) { items = [{ row: null, column: null, message: body.message || "" }]; }
    box.appendChild(located(T.problems_h, items, "bad"));
  }
  function recordList(title, records, open, applied) {
    var details = el("details", { "class": "wb-records" });
    if (open) { details.open = true; }
    details.appendChild(el("summary", {}, title + " (" + records.length + ")"));
    var list = el("ul");
    records.forEach(function (r) {
      var li = el("li");
      li.appendChild(el("span", { "class": "kind-label" }, r.kind_label + ": "));
      if (applied && r.status !== "removed" && r.iri.indexOf("/id/") > 0) {
        li.appendChild(el("a", { href: "/id/" + r.iri.split("/id/")[1] }, r.name));
      } else {
        li.appendChild(el("span", {}, r.name));
      }
      list.appendChild(li);
    });
    details.appendChild(list);
    return details;
  }
  function renderPreview(body, applied) {
    var box = clear(document.getElementById("wb-preview"));
    clear(document.getElementById("wb-problems"));
    var preview = body.preview;
    if (!preview) { return; }
    document.getElementById("wb-counts").textContent = T.counts(preview.counts);
    [["added", T.added, true], ["changed", T.changed, true], ["removed", T.removed, true], ["unchanged", T.unchanged_h, false]].forEach(function (g) {
      var records = preview.records.filter(function (r) { return r.status === g[0]; });
      if (records.length) { box.appendChild(recordList(g[1], records, g[2], applied)); }
    });
    if (preview.warnings.length) { box.appendChild(located(T.warnings_h, preview.warnings, "warn")); }
    if (preview.notes.length) {
      var notes = el("details", { "class": "wb-notes" });
      notes.appendChild(el("summary", {}, T.notes_h + " (" + preview.notes.length + ")"));
      notes.appendChild(located(T.notes_h, preview.notes, "note"));
      box.appendChild(notes);
    }
  }

  // -- 4. duplicates --------------------------------------------------------------------------
  function compare(pair) {
    // her record and ours side by side, also on a phone: one row per kind of evidence
    var table = el("table", { "class": "wb-compare" });
    var head = el("tr");
    head.appendChild(el("td"));
    head.appendChild(el("th", { scope: "col" }, T.theirs));
    head.appendChild(el("th", { scope: "col" }, T.ours));
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    [[T.names, "names"], [T.addresses, "addresses"], [T.districts, "districts"], [T.websites, "websites"]].forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, row[0]));
      ["theirs", "ours"].forEach(function (which) {
        tr.appendChild(el("td", {}, (pair.sides[which][row[1]] || []).join(" · ") || T.none));
      });
      body.appendChild(tr);
    });
    var links = el("tr");
    links.appendChild(el("th", { scope: "row" }, T.open));
    ["theirs", "ours"].forEach(function (which) {
      var cell = el("td");
      cell.appendChild(el("a", { href: pair.sides[which].path }, pair.sides[which].names[0] || pair.sides[which].path));
      links.appendChild(cell);
    });
    body.appendChild(links);
    return table;
  }
  function renderDuplicates(list) {
    var box = clear(document.getElementById("wb-duplicates"));
    if (!list || !list.length) { box.appendChild(el("p", {}, T.no_duplicates)); return; }
    list.forEach(function (pair, i) {
      var card = el("article", { "class": "wb-pair", "aria-labelledby": "wb-pair-" + i });
      card.appendChild(el("h3", { id: "wb-pair-" + i }, T.pair + ": " + pair.sides.theirs.names[0] + " ⇄ " + pair.sides.ours.names[0]));
      card.appendChild(compare(pair));
      card.appendChild(el("p", {}, T.score + ": " + Math.round(pair.score * 100) + " %"));
      if (pair.evidence.length) {
        var ev = el("ul", { "class": "wb-evidence", "aria-label": T.evidence });
        pair.evidence.forEach(function (e) { ev.appendChild(el("li", {}, e)); });
        card.appendChild(ev);
      }
      var actions = el("p", { "class": "actions" });
      var done = el("p", { "class": "wb-decision", role: "status" });
      [["accept", T.accept], ["reject", T.reject]].forEach(function (d) {
        var button = el("button", { type: "button", "class": "decide-" + d[0] }, d[1]);
        button.addEventListener("click", function () { decide(pair, d[0], actions, done); });
        actions.appendChild(button);
      });
      if (pair.decided) { actions.hidden = true; done.textContent = pair.decided === "accept" ? T.accepted : T.rejected; }
      card.appendChild(actions);
      card.appendChild(done);
      box.appendChild(card);
    });
  }
  function decide(pair, decision, actions, done) {
    var headers = auth();
    headers["Content-Type"] = "application/json";
    request("/links/decision?lang=" + lang, { method: "POST", headers: headers, body: JSON.stringify({ ours: pair.ours, theirs: pair.theirs, decision: decision }) })
      .then(function (answer) {
        if (refused(answer)) { return; }
        if (answer.status !== 200) { done.textContent = T.failed + " " + (answer.body.message || answer.status); return; }
        actions.hidden = true;
        done.textContent = decision === "accept" ? T.accepted : T.rejected;
      }, function () { done.textContent = T.network; });
  }

  // -- sending the file -----------------------------------------------------------------------
  function send(dryRun) {
    if (!source.value || !token.value || !file.files.length || !source.checkValidity()) { say(T.missing, "bad"); return; }
    var data = new FormData();
    data.append("file", file.files[0]);
    data.append("mapping", JSON.stringify(corrections));
    var url = "/import?source=" + encodeURIComponent(source.value) + "&lang=" + lang + (dryRun ? "&dry_run=1" : "&remember=1");
    say(dryRun ? T.checking : T.applying);
    document.getElementById("wb-apply").hidden = true;
    request(url, { method: "POST", headers: auth(), body: data }).then(function (answer) {
      if (refused(answer)) { return; }
      var body = answer.body;
      if (body.mappings) { renderMapping(body.mappings); }
      show("step-preview", true);
      if (answer.status !== 200) {
        clear(document.getElementById("wb-preview"));
        document.getElementById("wb-counts").textContent = "";
        renderProblems(body);
        step(body.mappings ? "mapping" : "upload");
        say(answer.status === 400 || answer.status === 422 ? T.errors : T.failed + " " + (body.message || answer.status), "bad");
        return;
      }
      renderPreview(body, !dryRun);
      if (dryRun) {
        document.getElementById("wb-apply").hidden = false;
        step("preview");
        say(T.preview, "good");
      } else {
        renderDuplicates(body.duplicates);
        show("step-duplicates", true);
        show("step-publish", true);
        step("duplicates");
        say(body.unchanged ? T.unchanged : T.applied, "good");
      }
    }, function () { say(T.network, "bad"); });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); send(true); });
  file.addEventListener("change", function () { show("step-duplicates", false); show("step-publish", false); });
  document.getElementById("wb-recheck").addEventListener("click", function () { send(true); });
  document.getElementById("wb-apply").addEventListener("click", function () { send(false); });
  document.getElementById("wb-publish").addEventListener("click", function () {
    say(T.publishing);
    request("/publish?source=" + encodeURIComponent(source.value) + "&lang=" + lang, { method: "POST", headers: auth() }).then(function (answer) {
      if (refused(answer)) { return; }
      var box = clear(document.getElementById("wb-files"));
      if (answer.status !== 200) { say(T.failed + " " + (answer.body.message || answer.status), "bad"); return; }
      var records = answer.body.records || {};
      var counted = Object.keys(T.kinds).filter(function (k) { return records[k]; })
        .map(function (k) { return records[k] + " " + T.kinds[k]; });
      if (counted.length) { box.appendChild(el("p", {}, T.contains + " " + counted.join(", "))); }
      box.appendChild(el("h3", {}, T.files));
      var main = el("ul", { "class": "wb-files" });
      var rest = el("ul", { "class": "wb-files" });
      var order = Object.keys(T.described);
      var files = answer.body.files.slice().sort(function (a, b) {
        var x = order.indexOf(a.name), y = order.indexOf(b.name);
        return (x < 0 ? order.length : x) - (y < 0 ? order.length : y);
      });
      var others = 0;
      files.forEach(function (f) {
        var li = el("li");
        li.appendChild(el("a", { href: f.url }, T.described[f.name] || f.name));
        li.appendChild(el("span", { "class": "hint" }, " " + (T.described[f.name] ? f.name + ", " : "") + Math.max(1, Math.round(f.bytes / 1024)) + " kB"));
        if (!T.described[f.name]) { others += 1; }
        (T.described[f.name] ? main : rest).appendChild(li);
      });
      box.appendChild(main);
      var more = el("details");
      more.appendChild(el("summary", {}, T.all_files + " (" + others + ")"));
      more.appendChild(rest);
      box.appendChild(more);
      step("publish");
      say(T.published + " " + answer.body.source + ", " + (answer.body.released || ""), "good");
    }, function () { say(T.network, "bad"); });
  });
  step("upload");
})();
