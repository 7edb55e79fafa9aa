// The front desk's check-in screen, enhanced. Without this file every
// action is a plain form; with it: results as you type, check-in without a
// reload, live counts, and an offline mode. The page keeps the event's list
// in memory and, for this tab only, in sessionStorage (only what the list
// needs to be drawn and searched; signing out or idle expiry wipes it with
// Clear-Site-Data); it searches it locally. Every action is put in a queue
// in localStorage with a random client_key and sent from there,
// so an action taken while the network is down is sent when it comes back,
// and one sent twice counts once on the server.
(function () {
  "use strict";
  var root = document.getElementById("frontdesk");
  var stringsNode = document.getElementById("frontdesk-strings");
  if (!root || !stringsNode || !window.fetch || !window.JSON) return;

  var S = JSON.parse(stringsNode.textContent);
  var eventId = root.getAttribute("data-event");
  var base = root.getAttribute("data-base");
  var csrf = root.getAttribute("data-csrf");
  var staffName = root.getAttribute("data-staff");
  var checkinOpen = root.getAttribute("data-door-open") === "true";
  var loginUrl = root.getAttribute("data-login");
  var KEY = "fd:v1:" + eventId + ":";
  var POLL_MS = 5000, IDLE_MS = 60 * 60 * 1000, LIST_MAX = 200, ALPHABET = /^[ACDEFGHJKMNPQRTUVWXY34679]{6}$/;

  var $ = function (id) { return document.getElementById(id); };
  var input = $("frontdesk-q"), form = $("frontdesk-search"), panelSlot = $("frontdesk-panel"), message = $("frontdesk-message");
  var banner = $("frontdesk-banner"), alertNode = $("frontdesk-alert");
  if (!$("frontdesk-list")) {
    // A family's own page and the walk-in page have no list: the script adds
    // one at the end, under what the page is for.
    root.appendChild(el("section", { "class": "frontdesk-families", "aria-labelledby": "frontdesk-list-title" }, [
      el("h2", { id: "frontdesk-list-title" }), el("p", { id: "frontdesk-list-note", "class": "hint", hidden: true }),
      el("ul", { id: "frontdesk-list", "class": "frontdesk-list" }),
    ]));
  }
  var list = $("frontdesk-list"), listTitle = $("frontdesk-list-title"), listNote = $("frontdesk-list-note");

  var families = {};          // id -> entry, as the server describes it (plus what is queued)
  var serverCopy = {};        // id -> the server's last word, without what is queued
  var stored = {};            // id -> the same, as the server sent it (small), for sessionStorage
  var capacity = null, stamp = null, since = null, loaded = false;
  var queue = load("queue") || [];
  var offline = !navigator.onLine, signedOut = false, stale = false, flushing = false;
  var lastAction = null, lastInteraction = Date.now(), searchSeq = 0;

  // -- small helpers ------------------------------------------------------------------
  // The queue outlives the tab (work done offline is never lost); the list
  // of families stays with the tab.
  function storage(name) { return name === "queue" ? localStorage : sessionStorage; }
  function load(name) {
    try { return JSON.parse(storage(name).getItem(KEY + name)); } catch (e) { return null; }
  }
  function save(name, value) {
    try { storage(name).setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* full: memory only */ }
  }
  function fmt(template, params) {
    return String(template).replace(/%\((\w+)\)[sd]/g, function (all, name) {
      return params[name] === undefined ? all : String(params[name]);
    });
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] === null || attrs[name] === undefined || attrs[name] === false) return;
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name] === true ? "" : attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  var DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6,
    0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0xff10];
  function digitValue(ch) {
    var code = ch.codePointAt(0);
    for (var i = 0; i < DIGIT_ZEROS.length; i++) {
      if (code >= DIGIT_ZEROS[i] && code <= DIGIT_ZEROS[i] + 9) return String(code - DIGIT_ZEROS[i]);
    }
    return null;
  }
  function digitsOf(text) {  // like the server: only digits and phone punctuation, else null
    var out = "", kept = text.replace(/[\s+\-().\u200e\u200f]/g, "");
    if (!kept) return null;
    for (var i = 0; i < kept.length; i++) {
      var value = digitValue(kept[i]);
      if (value === null) return null;
      out += value;
    }
    return out;
  }
  function number(text) {  // a whole number typed in any script, or null
    var digits = digitsOf(String(text).trim());
    return digits && /^\d+$/.test(digits) ? parseInt(digits, 10) : null;
  }
  // The marks the server drops from names (any script), as it sends them.
  var MARKS = new RegExp("[" + S.search_marks + "]", "gu");
  function fold(text) {  // as portal.services.contact.search_key
    return text.normalize("NFKD").replace(MARKS, "")
      .toLowerCase().replace(/đ/g, "d").replace(/ß/g, "ss").replace(/ς/g, "σ").replace(/\s+/g, " ").trim();
  }
  function code(text) { return text.toUpperCase().replace(/[^0-9A-Z]/g, ""); }
  function localTime() {
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang, { hour: "numeric", minute: "2-digit" }).format(new Date());
    } catch (e) { return new Date().toTimeString().slice(0, 5); }
  }
  function party(adults, children) {
    var a = S.adults[adults] || String(adults), c = S.children[children] || String(children);
    if (!children) return a;
    if (!adults) return c;
    return fmt(S.party_pattern, { adults: a, children: c });
  }
  function csrfInput() { return el("input", { type: "hidden", name: "csrf_token", value: csrf }); }
  function actionUrl(id, action) { return base + "/registrations/" + id + "/" + action; }

  // -- the list held in memory ---------------------------------------------------------
  function isTemporary(id) { return String(id).indexOf("new-") === 0; }

  // The server sends each family without empty fields or words the page can
  // make itself; fill those in, in the page's language.
  function normalize(e) {
    e.last4 = e.last4 || ""; e.email = e.email || ""; e.note = e.note || "";
    e.attendance = e.attendance || "unknown"; e.source = e.source || "online"; e.needs = e.needs || [];
    e.url = isTemporary(e.id) ? "" : base + "/registrations/" + e.id;
    e.party = party(e.adults, e.children);
    return describe(e);
  }

  function describe(e) {
    var attended = e.attendance === "attended";
    e.arrived = attended ? party(e.arrived_adults || 0, e.arrived_children || 0) : "";
    if (!attended || !e.todo) e.todo = e.needs;
    e.state = e.status === "waitlisted" ? S.waitlisted
      : attended ? fmt(e.checked_in_by ? S.checked_in_at : S.checked_in_at_no_staff,
        { time: e.checked_in_time || "", name: e.checked_in_by || "" })
      : e.attendance === "no_show" ? S.no_show : "";
    return e;
  }

  function remember(entry) {
    if (!entry || entry.id === undefined) return;
    if (entry.status === "cancelled") {
      delete serverCopy[entry.id]; delete stored[entry.id]; delete families[entry.id];
      return;
    }
    stored[entry.id] = entry;
    serverCopy[entry.id] = normalize(Object.assign({}, entry));
  }

  function rebuild() {
    // The server's list, with what is still queued laid over it.
    families = {};
    Object.keys(serverCopy).forEach(function (id) { families[id] = Object.assign({}, serverCopy[id]); });
    queue.forEach(applyLocally);
  }

  // What the list needs to be drawn and searched offline; the email and the
  // family's note are shown from memory only.
  var NOT_KEPT = { email: true, note: true };
  function persist() {
    save("roster", { saved: Date.now(), stamp: stamp, since: since, capacity: capacity,
      families: Object.keys(stored).map(function (id) {
        var kept = {};
        Object.keys(stored[id]).forEach(function (field) { if (!NOT_KEPT[field]) kept[field] = stored[id][field]; });
        return kept;
      }) });
  }

  function applyLocally(item) {
    var entry = item.type === "walk_in" ? null : families[item.id];
    if (item.type === "check_in" || item.type === "admit") {
      if (!entry) return;
      entry.status = "confirmed";
      entry.attendance = "attended";
      entry.arrived_adults = item.adults;
      entry.arrived_children = item.children;
      entry.checked_in_time = item.time;
      entry.checked_in_by = staffName;
      entry.todo = null;
      entry.pending = true;
      describe(entry);
    } else if (item.type === "undo") {
      if (!entry) return;
      entry.attendance = "unknown";
      entry.pending = true;
      describe(entry);
    } else if (item.type === "walk_in") {
      families[item.id] = item.entry;
    }
  }

  // The rules of services/seats.py, for the list held here; tests/e2e/test_counts_parity.py holds the two together.
  function counts() {
    var c = { expected_families: 0, expected_people: 0, arrived_families: 0, arrived_people: 0,
      waitlisted_families: 0, no_show_families: 0, walk_in_families: 0 };
    Object.keys(families).forEach(function (id) {
      var e = families[id];
      if (e.status === "waitlisted") { c.waitlisted_families += 1; return; }
      if (e.status !== "confirmed") return;
      c.expected_families += 1;
      c.expected_people += e.adults + e.children;
      if (e.source === "walk_in") c.walk_in_families += 1;
      if (e.attendance === "no_show") c.no_show_families += 1;
      if (e.attendance === "attended") {
        c.arrived_families += 1;
        c.arrived_people += (e.arrived_adults || 0) + (e.arrived_children || 0);
      }
    });
    return c;
  }

  function renderCounts() {
    if (!loaded) return;  // until the list is held here, the server's numbers stand
    var c = counts();
    ["expected_families", "expected_people", "arrived_families", "arrived_people", "waitlisted_families",
      "walk_in_families", "no_show_families"].forEach(function (name) {
      var cell = $("frontdesk-" + name.replace(/_/g, "-"));
      if (cell && String(c[name]) !== cell.textContent) cell.textContent = c[name];
    });
    var over = $("frontdesk-over");
    if (over && capacity !== null) {
      over.hidden = c.expected_people <= capacity;
      over.textContent = fmt(S.over_capacity, { people: c.expected_people, capacity: capacity });
    }
  }

  // -- searching -----------------------------------------------------------------------
  function parseQuery(text) {
    text = text.trim();
    var digits = text ? digitsOf(text) : null;
    var c = code(text);
    return {
      text: text,
      digits: digits,
      words: digits ? [] : fold(text).split(" ").filter(Boolean),
      email: !digits && text.indexOf(" ") < 0 && /[@.]/.test(text) ? text.toLowerCase() : null,
      code: ALPHABET.test(c) ? c : null,
    };
  }

  function rank(e, q) {
    if (q.code && e.code === q.code) return 0;
    if (q.digits && q.digits.length >= 4 && e.last4 && e.last4 === q.digits.slice(-4)) return 3;
    if (q.words.length && q.words.every(function (w) { return e.search.indexOf(w) >= 0; })) {
      var joined = q.words.join(" ");
      if (e.search.indexOf(joined) === 0) return 1;
      return e.search.indexOf(" " + joined) >= 0 ? 2 : 3;
    }
    if (q.email && e.email && e.email.indexOf(q.email) === 0) return 3;
    return -1;
  }

  function byListOrder(a, b) {
    var sa = a.status === "confirmed" ? 0 : 1, sb = b.status === "confirmed" ? 0 : 1;
    if (sa !== sb) return sa - sb;
    if ((a._rank || 0) !== (b._rank || 0)) return (a._rank || 0) - (b._rank || 0);
    return a.search < b.search ? -1 : a.search > b.search ? 1 : String(a.id) < String(b.id) ? -1 : 1;
  }

  function localResults(text) {
    var q = parseQuery(text), found = [];
    Object.keys(families).forEach(function (id) {
      var e = families[id], r = q.text ? rank(e, q) : 0;
      if (r >= 0) { e._rank = r; found.push(e); }
    });
    return found.sort(byListOrder);
  }

  function showList(entries, text) {
    listTitle.textContent = text ? fmt(S.results_for, { query: text }) : S.all_families;
    var more = entries.length > LIST_MAX;
    entries = entries.slice(0, LIST_MAX);
    keepingFocus(function () {
      list.textContent = "";
      entries.forEach(function (e) { list.appendChild(row(e)); });
    });
    var note = !entries.length ? (text ? S.no_match : S.no_families) : more ? S.partial_list : "";
    if (listNote) { listNote.textContent = note; listNote.hidden = !note; }
    var pages = root.querySelector(".frontdesk-pages");
    if (pages) pages.hidden = true;
  }

  function refreshList() {
    if (!loaded) return;
    showList(localResults(input.value), input.value.trim());
  }

  function keepingFocus(draw) {
    // Redrawing the list must not throw away the keyboard focus of someone using it.
    var active = document.activeElement, where = null;
    if (active && list.contains(active)) {
      where = [active.closest("[data-id]").getAttribute("data-id"), active.tagName, active.className];
    }
    draw();
    if (!where) return;
    var again = list.querySelector('li[data-id="' + where[0] + '"] ' + where[1].toLowerCase() +
      (where[2] ? "." + where[2].split(" ")[0] : ""));
    (again || input).focus();
  }

  // announce: Enter was pressed, so finding nobody is said out loud.
  function searchAsYouType(announce) {
    var text = input.value.trim(), seq = ++searchSeq;
    refreshList();
    var nobody = function (found) { if (announce && text && !found) notFound(text); };
    if (!text || offline) { nobody(!loaded || localResults(text).length); return; }
    getJson(base + "/search.json?q=" + encodeURIComponent(text)).then(function (data) {
      if (seq !== searchSeq || !data || !data.registrations) return;
      data.registrations.forEach(remember);
      rebuild();
      var shown = data.registrations.map(function (r) { return families[r.id] || r; });
      showList(shown, text);
      nobody(shown.length);
    }, function () { nobody(localResults(text).length); });
  }

  // A scan or a search that finds nobody: said loudly, and the text is
  // selected so that the next scan replaces it.
  function notFound(text) {
    var q = parseQuery(text);
    say(q.code ? fmt(S.unknown_code, { code: q.code }) : fmt(S.nobody_found, { query: text }), "error");
    if (document.activeElement === input && input.value.trim() === text) input.select();
  }

  // After a check-in, an undo or a walk-in: the box is empty and ready for the next family.
  function readyForNext() {
    clearTimeout(typing);
    searchSeq++;
    input.value = "";
    refreshList();
    input.focus();
  }

  // -- drawing a family ----------------------------------------------------------------
  function actionForm(e, action, label, ariaLabel, className) {
    return el("form", { method: "post", action: actionUrl(e.id, action === "check_in" ? "checkin" : action),
      "data-action": action, "data-id": e.id }, [
      csrfInput(),
      el("button", { type: "submit", "class": className, "aria-label": ariaLabel, text: label }),
    ]);
  }

  function row(e) {
    var info = el("div", { "class": "frontdesk-info" }, [
      isTemporary(e.id) ? el("span", { "class": "frontdesk-name", text: e.name })
        : el("a", { "class": "frontdesk-name", href: e.url, "data-action": "open", "data-id": e.id, text: e.name }),
      e.code ? el("span", { "class": "frontdesk-code", dir: "ltr", text: e.code }) : null,
      el("span", { "class": "frontdesk-party", text: e.party }),
      e.state ? el("span", { "class": "frontdesk-state", text: e.state }) : null,
      e.needs && e.needs.length ? el("ul", { "class": "frontdesk-needs" }, e.needs.map(function (line) {
        return el("li", { text: line });
      })) : null,
    ]);
    var action = null;
    if (checkinOpen && e.status === "confirmed" && e.attendance !== "attended") {
      action = actionForm(e, "check_in", S.check_in, fmt(S.check_in_name, { name: e.name }));
    } else if (e.attendance === "attended" && !isTemporary(e.id)) {
      action = actionForm(e, "undo", S.undo, fmt(S.undo_name, { name: e.name }), "secondary");
    } else if (checkinOpen && e.status === "waitlisted") {
      action = el("a", { "class": "button secondary", href: e.url, "data-action": "open", "data-id": e.id,
        "aria-label": fmt(S.admit_name, { name: e.name }), text: S.admit_short });
    }
    return el("li", { "class": "frontdesk-row frontdesk-" + e.status + " frontdesk-" + e.attendance + (e.pending ? " frontdesk-pending" : ""),
      "data-id": e.id }, [info, el("div", { "class": "frontdesk-actions" }, [action])]);
  }

  function numberField(id, label, value) {
    return el("div", { "class": "field frontdesk-number" }, [
      el("label", { "for": id, text: label }),
      el("input", { type: "text", inputmode: "numeric", id: id, name: id.replace("frontdesk-", ""), value: value,
        "class": "count", autocomplete: "off" }),
    ]);
  }

  function fact(label, value, ltr) {
    return value ? el("div", {}, [el("dt", { text: label }), el("dd", { dir: ltr ? "ltr" : null, text: value })]) : null;
  }

  function showPanel(e, focus) {
    if (!e) { panelSlot.textContent = ""; return; }
    var parts = [
      el("h2", { id: "frontdesk-family-name", text: e.name }),
      e.state ? el("p", { "class": "frontdesk-state", text: e.state }) : null,
      el("dl", { "class": "frontdesk-facts" }, [
        fact(S.code_label, e.code, true), fact(S.registered, e.party), fact(S.came, e.arrived),
        fact(S.phone_ends, e.last4, true), fact(S.email, e.email, true),
        e.source === "walk_in" ? fact(S.at_the_door, S.yes) : null, fact(S.note_label, e.note),
      ]),
    ];
    var lines = function (items) {
      return el("ul", { "class": "frontdesk-todo" }, items.map(function (line) { return el("li", { text: line }); }));
    };
    if (e.attendance === "attended") {
      parts.push(el("h3", { text: S.todo }));
      parts.push(e.todo && e.todo.length ? lines(e.todo) : el("p", { text: S.nothing_to_arrange }));
      if (!isTemporary(e.id)) parts.push(actionForm(e, "undo", S.undo, null, "secondary"));
    } else if (e.status === "cancelled") {
      parts.push(el("p", { "class": "notice notice-warning", text: S.cancelled }));
    } else {
      if (e.needs && e.needs.length) { parts.push(el("h3", { text: S.asked })); parts.push(lines(e.needs)); }
      if (!checkinOpen) {
        parts.push(el("p", { text: S.not_open }));
      } else {
        var admitting = e.status === "waitlisted", c = counts();
        if (admitting && capacity !== null && c.expected_people + e.adults + e.children > capacity) {
          parts.push(el("p", { "class": "notice notice-warning",
            text: fmt(S.admit_over, { people: c.expected_people + e.adults + e.children, capacity: capacity }) }));
        }
        parts.push(el("form", { method: "post", "class": "frontdesk-arrived-form", novalidate: true,
          action: actionUrl(e.id, admitting ? "admit" : "checkin"), "data-action": admitting ? "admit" : "check_in",
          "data-id": e.id, "data-numbers": "true" }, [
          csrfInput(),
          el("div", { "class": "frontdesk-pair" }, [
            numberField("frontdesk-adults", S.arrived_adults, e.adults), numberField("frontdesk-children", S.arrived_children, e.children),
          ]),
          el("button", { type: "submit", "class": "frontdesk-big", text: admitting ? S.admit : S.check_in }),
        ]));
      }
    }
    parts.push(el("p", {}, [el("button", { type: "button", "class": "link-button", "data-action": "close", text: S.back })]));
    panelSlot.textContent = "";
    panelSlot.appendChild(el("section", { "class": "frontdesk-panel frontdesk-" + e.status + " frontdesk-" + e.attendance,
      "aria-labelledby": "frontdesk-family-name", "data-id": e.id }, parts));
    if (focus) {
      panelSlot.scrollIntoView({ block: "start" });
      var button = panelSlot.querySelector(".frontdesk-arrived-form button");
      (button || panelSlot).focus();
    }
  }

  function say(text, kind) {
    message.textContent = text || "";
    message.className = "frontdesk-message" + (kind ? " frontdesk-message-" + kind : "");
    if (alertNode) alertNode.textContent = kind === "error" ? text : "";
  }

  // -- the banner ------------------------------------------------------------------------
  function renderBanner() {
    var parts = [];
    if (offline || (queue.length && !flushing)) {
      var n = queue.length;
      parts.push(el("p", { text: n === 0 ? S.offline : n < S.waiting.length ? S.waiting[n] : fmt(S.waiting_many, { num: n }) }));
    }
    if (signedOut) {
      parts.push(el("p", {}, [document.createTextNode(S.signed_out + " "), el("a", { href: loginUrl, text: S.sign_in })]));
    } else if (stale) {
      parts.push(el("p", { text: S.reload }));
    }
    banner.textContent = "";
    parts.forEach(function (p) { banner.appendChild(p); });
    banner.hidden = !parts.length;
  }

  function setOffline(value) {
    if (offline !== value) { offline = value; renderBanner(); }
  }

  // -- talking to the server -------------------------------------------------------------
  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("json") < 0) {
        if (response.status === 200) { signedOut = true; renderBanner(); }
        throw new Error("not json");
      }
      setOffline(false);
      if (signedOut) { signedOut = false; renderBanner(); }
      return response.json();
    }, function (error) { setOffline(true); throw error; });
  }

  // -> {kind: "done"|"refused"|"offline"|"signed_out"|"stale"|"retry", data}
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      setOffline(false);
      if (type.indexOf("json") < 0) {
        if (response.redirected || response.status === 200) return { kind: "signed_out" };
        if (response.status === 404 || response.status === 403) return { kind: "refused", data: { message: S.error } };
        return { kind: "retry" };
      }
      return response.json().then(function (data) {
        if (response.ok) return { kind: "done", data: data };
        if (data.code === "csrf") return { kind: "stale", data: data };
        if (response.status >= 500) return { kind: "retry" };
        return { kind: "refused", data: data };
      });
    }, function () { setOffline(true); return { kind: "offline" }; });
  }

  function itemRequest(item) {
    if (item.type === "walk_in") return [base + "/walk-in", item.body];
    if (item.type === "undo") return [actionUrl(item.id, "undo"), { client_key: item.key }];
    return [actionUrl(item.id, item.type === "admit" ? "admit" : "checkin"),
      { client_key: item.key, adults: item.adults, children: item.children }];
  }

  function flush() {
    if (flushing || !queue.length || signedOut || stale) { renderBanner(); return Promise.resolve(); }
    flushing = true;
    renderBanner();
    var item = queue[0], request = itemRequest(item);
    return post(request[0], request[1]).then(function (result) {
      flushing = false;
      if (result.kind === "offline" || result.kind === "retry") { renderBanner(); return; }
      if (result.kind === "signed_out") {
        signedOut = true;
        save("queue", queue);  // idle expiry wiped the browser's storage: what waits is kept again
        renderBanner();
        return;
      }
      if (result.kind === "stale") { stale = true; renderBanner(); return; }
      queue.shift();
      save("queue", queue);
      if (item.type === "walk_in") { delete families[item.id]; }
      if (result.kind === "done") {
        remember(result.data.registration);
        if (item.type === "walk_in" && lastAction === item.key) lastAction = result.data.registration.id;
      }
      rebuild();
      persist();
      answer(item, result);
      renderCounts();
      refreshList();
      renderBanner();
      return flush();
    });
  }

  function answer(item, result) {
    var data = result.data || {};
    var current = lastAction === item.key || (data.registration && lastAction === data.registration.id);
    if (result.kind === "refused") {
      var name = item.name || (families[item.id] && families[item.id].name) || "";
      say(fmt(S.not_sent, { name: name, reason: data.message || S.error }), "error");
      if (current || isTemporary(item.id)) showPanel(families[item.id] || null);
      return;
    }
    if (current || data.outcome === "already_checked_in") {
      say(data.message, data.outcome === "already_checked_in" ? "warning" : "ok");
      if (data.warning) say(data.message + " " + data.warning, "warning");
      var shown = panelSlot.querySelector(".frontdesk-panel");
      if (current || (shown && shown.getAttribute("data-id") === String(data.registration.id))) {
        showPanel(families[data.registration.id]);
      }
    }
  }

  function enqueue(item) {
    item.key = item.key || newKey();
    item.time = localTime();
    queue.push(item);
    save("queue", queue);
    lastAction = item.type === "walk_in" ? item.key : item.id;
    rebuild();
    renderCounts();
    refreshList();
    if (offline) renderBanner();
    flush();
  }

  function loadRoster(full) {
    var url = base + "/roster.json" + (full || !since ? "" : "?since=" + encodeURIComponent(since));
    return getJson(url).then(function (data) {
      if (data.full) { serverCopy = {}; stored = {}; }
      data.registrations.forEach(remember);
      capacity = data.counts.capacity;
      stamp = data.stamp;
      since = data.now;
      checkinOpen = data.checkin_open;
      loaded = true;
      root.setAttribute("data-loaded", "true");
      rebuild();
      persist();
      renderCounts();
      if (document.activeElement !== input || !input.value) refreshList();
    });
  }

  function poll() {
    var idle = Date.now() - lastInteraction > IDLE_MS;
    if (document.hidden || (idle && !queue.length)) return;
    getJson(base + "/counts.json").then(function (data) {
      capacity = data.counts.capacity;
      if (data.stamp !== stamp) return loadRoster(false);
    }).catch(function () { /* offline: counts come from the list */ }).then(flush);
  }

  // -- what the staff member does ------------------------------------------------------
  function checkInEntry(e, adults, children, type) {
    if (e.attendance === "attended") {
      say(e.checked_in_by ? fmt(S.already, { name: e.name, time: e.checked_in_time, staff: e.checked_in_by })
        : fmt(S.already_no_staff, { name: e.name, time: e.checked_in_time }), "warning");
      showPanel(e);
      return;
    }
    enqueue({ type: type || "check_in", id: e.id, name: e.name, adults: adults, children: children });
    say(fmt(type === "admit" ? S.admitted : S.checked_in, { name: e.name }), "ok");
    showPanel(families[e.id]);
    readyForNext();
  }

  function enter(text) {
    var q = parseQuery(text);
    if (!q.code) { clearTimeout(typing); searchAsYouType(true); return; }
    var match = null;
    Object.keys(families).forEach(function (id) { if (families[id].code === q.code) match = families[id]; });
    if (match) {
      input.value = "";
      refreshList();
      if (match.status === "waitlisted") {
        say(fmt(S.waitlisted_scan, { name: match.name }), "warning");
        showPanel(match, true);
      } else if (match.status === "confirmed" && checkinOpen) {
        checkInEntry(match, match.adults, match.children);
      } else {
        showPanel(match);
      }
      return;
    }
    if (offline) { say(S.unknown_code_offline, "error"); input.select(); return; }
    // Not in the list held here: the server knows (another event, or a family just registered).
    post(base + "/scan", { q: text, client_key: newKey() }).then(function (result) {
      var data = result.data || {};
      if (result.kind === "done" && data.outcome === "search") {
        data.registrations.forEach(remember);
        rebuild();
        showList(data.registrations.map(function (r) { return families[r.id] || r; }), text);
        if (!data.registrations.length) notFound(text.trim());
        return;
      }
      if (result.kind === "done") {
        remember(data.registration);
        rebuild();
        persist();
        var nextStarted = input.value.trim() && input.value.trim() !== text.trim();
        if (!nextStarted) {  // the next family is not being typed yet
          readyForNext();
          say(data.message + (data.warning ? " " + data.warning : ""), data.outcome === "checked_in" ? "ok" : "warning");
          showPanel(families[data.registration.id], data.outcome === "waitlisted");
        }
        renderCounts();
        refreshList();
      } else if (result.kind === "refused") {
        say(data.message, "error");
        if (input.value.trim() === text.trim()) input.select();
      } else if (result.kind === "offline") {
        say(S.unknown_code_offline, "error");
      }
      renderBanner();
    });
  }

  function readNumbers(formNode) {
    var adults = number(formNode.elements.adults.value);
    var children = number(formNode.elements.children.value);
    if (adults === null || children === null || adults > S.adults.length - 1 || children > S.children.length - 1) {
      say(S.number_invalid, "error");
      return null;
    }
    if (adults + children === 0) { say(S.nobody, "error"); return null; }
    return [adults, children];
  }

  function walkIn(formNode) {
    var data = {}, key = newKey();
    Array.prototype.forEach.call(formNode.elements, function (field) {
      if (field.name && field.name !== "csrf_token") data[field.name] = field.value;
    });
    var name = (data["walkin-name"] || "").trim();
    var adults = number(data["walkin-adults"] || "1"), children = number(data["walkin-children"] || "0");
    var childcare = number(data["walkin-childcare_children"] || "0");
    var problem = !name ? ["walkin-name", S.name_missing]
      : adults === null || adults < 1 || adults > S.adults.length - 1 ? ["walkin-adults", S.number_invalid]
      : children === null || children > S.children.length - 1 ? ["walkin-children", S.number_invalid]
      : childcare === null || childcare > children ? ["walkin-childcare_children", S.childcare_too_many] : null;
    Array.prototype.forEach.call(formNode.querySelectorAll("[aria-invalid]"), function (f) { f.removeAttribute("aria-invalid"); });
    if (problem) {
      var field = formNode.querySelector("#" + problem[0]);
      say(problem[1], "error");
      if (field) { field.setAttribute("aria-invalid", "true"); field.focus(); }
      return;
    }
    data["walkin-client_key"] = key;
    var needs = [];
    if (childcare) needs.push(S.childcare[childcare]);
    if (data["walkin-interpreter_language"]) needs.push(S.interpreters[data["walkin-interpreter_language"]]);
    if ((data["walkin-accessibility"] || "").trim()) needs.push(fmt(S.accessibility, { detail: data["walkin-accessibility"].trim() }));
    var id = "new-" + key;
    var entry = normalize({ id: id, name: name, code: "", search: fold(name), status: "confirmed",
      attendance: "attended", source: "walk_in", adults: adults, children: children, arrived_adults: adults,
      arrived_children: children, checked_in_time: localTime(), checked_in_by: staffName, needs: needs });
    entry.pending = true;
    formNode.reset();
    var details = $("frontdesk-walkin");
    if (details) details.open = false;
    enqueue({ type: "walk_in", id: id, key: key, name: name, body: data, entry: entry });
    say(fmt(S.walked_in, { name: name }), "ok");
    showPanel(families[id]);
    readyForNext();
  }

  root.addEventListener("submit", function (event) {
    var target = event.target;
    if (target === form) {
      event.preventDefault();
      enter(input.value);
      return;
    }
    if (target.id === "frontdesk-walkin-form") {
      if (loaded) { event.preventDefault(); walkIn(target); }  // else the plain form does it
      return;
    }
    var action = target.getAttribute("data-action"), id = target.getAttribute("data-id");
    var e = families[id];
    if (!action || !e) return;  // not in the list held here: the plain form does it
    event.preventDefault();
    if (action === "undo") {
      enqueue({ type: "undo", id: e.id, name: e.name });
      say(fmt(S.undone, { name: e.name }), "ok");
      if (panelSlot.querySelector(".frontdesk-panel")) showPanel(families[e.id]);
      readyForNext();
      return;
    }
    var numbers = target.getAttribute("data-numbers") ? readNumbers(target) : [e.adults, e.children];
    if (numbers) checkInEntry(e, numbers[0], numbers[1], action);
  });

  root.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-action]") : null;
    if (!target || target.tagName === "FORM") return;
    var action = target.getAttribute("data-action");
    if (action === "close") { showPanel(null); input.focus(); return; }
    if (action === "open") {
      var e = families[target.getAttribute("data-id")];
      if (!e) return;  // the family's own page
      event.preventDefault();
      say("");
      showPanel(e, true);
    }
  });

  var typing = null;
  input.addEventListener("input", function () {
    clearTimeout(typing);
    if (message.textContent) say("");  // a message belongs to the family before: the next search has started
    lastAction = null;  // so the server's late answer about that family does not take the screen back
    refreshList();
    typing = setTimeout(searchAsYouType, 200);
  });

  ["keydown", "pointerdown"].forEach(function (type) {
    document.addEventListener(type, function () { lastInteraction = Date.now(); }, true);
  });
  window.addEventListener("online", function () { setOffline(false); loadRoster(true).catch(function () {}).then(flush); });
  window.addEventListener("offline", function () { setOffline(true); });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });

  // Check-ins waiting in this device's queues, for every event.
  function unsentCount() {
    try {
      return Object.keys(localStorage).reduce(function (n, name) {
        if (!/^fd:v1:.*:queue$/.test(name)) return n;
        var waiting = JSON.parse(localStorage.getItem(name));
        return n + (Array.isArray(waiting) ? waiting.length : 0);
      }, 0);
    } catch (e) { return queue.length; }
  }

  // Signing out on a shared device: the lists go (the server's answer also
  // says Clear-Site-Data, for browsers that follow it). That would take the
  // check-ins still waiting to be sent with it, so the clerk is asked first.
  var signout = document.querySelector("form.signout");
  if (signout) signout.addEventListener("submit", function (event) {
    var n = unsentCount();
    if (n && !window.confirm(n < S.unsent_sign_out.length ? fmt(S.unsent_sign_out[n], { num: n })
                                                           : fmt(S.unsent_sign_out_many, { num: n }))) {
      event.preventDefault();
      return;
    }
    try {
      [localStorage, sessionStorage].forEach(function (kept) {
        Object.keys(kept).forEach(function (name) { if (/^fd:v1:.*:roster$/.test(name)) kept.removeItem(name); });
      });
    } catch (e) { /* nothing kept */ }
  });

  // Lists kept in localStorage by an earlier version of this page are forgotten.
  try {
    Object.keys(localStorage).forEach(function (name) {
      if (/^fd:v1:.*:roster$/.test(name)) localStorage.removeItem(name);
    });
  } catch (e) { /* storage unavailable */ }

  // Start from what this device kept, then from the server.
  var kept = load("roster");
  if (kept && kept.families) {
    kept.families.forEach(remember);
    capacity = kept.capacity; stamp = kept.stamp; since = kept.since;
    loaded = true;
    rebuild();
  }
  root.classList.add("frontdesk-live");
  renderBanner();
  loadRoster(true).catch(function () { renderCounts(); }).then(flush);
  setInterval(poll, POLL_MS);
})();
