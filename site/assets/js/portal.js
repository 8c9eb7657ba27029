// The client portal: loads the signed-in client's booking from /api/portal/..., applies live
// timeline entries from /api/portal-events (EventSource) without reloading, and polls the JSON
// when the stream is not open (a buffering proxy, a network that drops long requests).
(function () {
  "use strict";

  var root = document.getElementById("portal");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(window.location.search);
  var pollSeconds = Math.max(2, Number(params.get("poll") || root.getAttribute("data-poll-seconds")) || 15);
  var openTimeout = Math.max(1, Number(root.getAttribute("data-open-timeout-seconds")) || 8) * 1000;

  var state = {
    bookingId: null,
    seen: {},           // timeline ids on screen: an entry is never shown twice
    lastEventId: 0,
    source: null,
    pollTimer: null,
    openTimer: null,
    reconnectTimer: null,
    refreshTimer: null,
    payment: params.get("payment") === "confirming" ? { milestone: params.get("milestone") || "" } : null
  };
  // What the browser test reads: when each entry reached the page, and how.
  var stats = window.portalStats = { received: [], mode: "connecting", streamOpens: 0, polls: 0 };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { if (attrs[k] != null) node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function show(id, on) { $(id).hidden = !on; }

  function api(path, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    return fetch(path, options).then(function (r) {
      if (r.status === 401) { var e = new Error("signed out"); e.signedOut = true; throw e; }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.status === 204 ? null : r.json();
    });
  }

  // ---- sign-in ----

  function showSignIn(reason) {
    stopLive();
    show("portal-loading", false);
    show("portal-app", false);
    show("portal-signin", true);
    var notice = $("signin-notice");
    var messages = {
      expired: "That sign-in link has expired or was replaced. Enter your phone number for a new one.",
      "signed-out": "You are signed out.",
      revoked: "Your session has ended. Enter your phone number for a new link.",
      required: "Sign in to open your documents: enter your phone number for a link.",
      sent: null
    };
    var signin = reason || params.get("signin");
    if (signin === "sent") { show("signin-sent", true); }
    else if (messages[signin]) { notice.textContent = messages[signin]; notice.hidden = false; }
  }

  $("signin-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var button = $("signin-submit");
    var phone = $("signin-phone").value;
    button.disabled = true;
    fetch("/api/portal/link", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ phone: phone })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      var notice = $("signin-notice");
      if (res.status === 202) {
        show("signin-form", false);
        notice.hidden = true;
        show("signin-sent", true);
        $("signin-sent").focus && $("signin-sent").setAttribute("tabindex", "-1");
      } else {
        var err = res.body && res.body.error;
        notice.textContent = (err && err.fields && err.fields.phone) || (err && err.message) || "Something went wrong. Please try again.";
        notice.className = "portal-notice portal-error";
        notice.hidden = false;
      }
    }).catch(function () {
      $("signin-notice").textContent = "We could not reach the server. Check your connection and try again.";
      $("signin-notice").hidden = false;
    }).then(function () { button.disabled = false; });
  });

  // ---- rendering ----

  function renderHeader(list, detail) {
    $("client-name").textContent = list.client_name ? "Namaste, " + list.client_name : "";
    $("event-title").textContent = detail.event.label + " in " + detail.event.city;
    $("event-when").textContent = detail.event.date_label + (detail.event.start_time ? ", " + detail.event.start_time + " IST" : "") +
      (detail.event.venue ? " \u00b7 " + detail.event.venue : "") + " \u00b7 " + detail.event.guests + " guests";
    renderStatus(detail.status);
    var picker = $("booking-picker");
    if (list.bookings.length > 1) {
      clear(picker);
      list.bookings.forEach(function (b) {
        var o = el("option", { value: b.id }, b.event.label + ", " + b.event.date_label);
        if (b.id === detail.id) o.selected = true;
        picker.appendChild(o);
      });
      show("booking-picker-label", true);
    }
  }

  function renderStatus(status) {
    $("status-label").textContent = status.label;
    var progress = $("progress");
    clear(progress);
    status.steps.forEach(function (s) {
      var li = el("li", { "data-position": s.position, "data-state": s.state }, s.label);
      if (s.position === "current") li.setAttribute("aria-current", "step");
      progress.appendChild(li);
    });
  }

  function timelineItem(entry, isNew) {
    var li = el("li", { "data-id": String(entry.id), "data-kind": entry.kind, "class": isNew ? "is-new" : null });
    li.appendChild(el("time", { datetime: entry.created_at }, entry.created_at_ist));
    li.appendChild(el("strong", null, entry.title));
    if (entry.body) li.appendChild(el("p", null, entry.body));
    return li;
  }

  // Newest first; an entry already on screen is ignored, one arriving late lands in id order.
  function addTimeline(entry, isNew, via) {
    if (state.seen[entry.id]) return false;
    state.seen[entry.id] = true;
    state.lastEventId = Math.max(state.lastEventId, entry.id);
    var list = $("timeline");
    var empty = list.querySelector(".portal-empty");
    if (empty) empty.remove();
    var item = timelineItem(entry, isNew);
    item.setAttribute("data-received-at", String(Date.now()));
    item.setAttribute("data-via", via);
    var before = null;
    for (var i = 0; i < list.children.length; i++) {
      if (Number(list.children[i].getAttribute("data-id")) < entry.id) { before = list.children[i]; break; }
    }
    list.insertBefore(item, before);
    if (isNew) stats.received.push({ id: entry.id, at: Date.now(), via: via });
    return true;
  }

  function renderTimeline(entries) {
    entries.slice().reverse().forEach(function (e) { addTimeline(e, false, "load"); });
    if (!$("timeline").children.length) $("timeline").appendChild(el("li", { "class": "portal-empty" }, "Nothing yet."));
  }

  function renderUpcoming(items) {
    var list = $("upcoming");
    clear(list);
    if (!items.length) list.appendChild(el("li", { "class": "portal-empty" }, "Nothing scheduled yet."));
    items.forEach(function (u) {
      var li = el("li", { "data-kind": u.kind });
      li.appendChild(el("strong", null, u.title));
      li.appendChild(el("span", { "class": "portal-meta" }, u.date_label));
      list.appendChild(li);
    });
  }

  function renderPayments(p) {
    var box = $("payments");
    clear(box);
    var amounts = el("div", { "class": "portal-amounts" });
    [["Total", p.total, "total"], ["Paid", p.paid, "paid"], ["Due", p.due, "due"]].forEach(function (a) {
      var d = el("div", { "data-amount": a[2] });
      d.appendChild(el("span", null, a[0]));
      d.appendChild(document.createTextNode(a[1]));
      amounts.appendChild(d);
    });
    box.appendChild(amounts);
    var list = el("ul", { "class": "plain portal-schedule", id: "payment-schedule" });
    p.schedule.forEach(function (m) {
      var li = el("li", { "data-milestone": m.id, "data-status": m.status });
      var text = el("div");
      text.appendChild(el("strong", null, m.label + " \u00b7 " + m.amount));
      if (m.due_date) text.appendChild(el("span", { "class": "portal-meta" }, "Due " + m.due_date));
      li.appendChild(text);
      if (m.status === "paid") li.appendChild(el("span", { "class": "paid" }, "Paid"));
      else if (m.pay_url) li.appendChild(el("a", { "class": "button button-small", href: m.pay_url, rel: "noopener" }, "Pay now"));
      else li.appendChild(el("span", { "class": "portal-meta" }, m.status_label || m.status));
      list.appendChild(li);
    });
    if (p.schedule.length) box.appendChild(list);
    else box.appendChild(el("p", { "class": "portal-empty" }, "Your payment schedule appears here once your proposal is ready."));
    if (p.receipts.length) {
      var r = el("ul", { "class": "plain" });
      p.receipts.forEach(function (x) {
        var li = el("li");
        li.appendChild(x.url ? el("a", { href: x.url }, "Receipt " + x.number) : el("span", null, "Receipt " + x.number));
        li.appendChild(document.createTextNode(" \u00b7 " + x.amount));
        r.appendChild(li);
      });
      box.appendChild(r);
    }
    if (state.payment) {
      var m = state.payment.milestone;
      var paid = p.schedule.some(function (s) {
        return String(s.id) === m && (s.status === "paid" || s.amount_paid_paise > 0);
      });
      if (paid) resolvePayment("confirmed");
    }
  }

  function renderVendors(vendors) {
    var list = $("vendors");
    clear(list);
    if (!vendors.length) list.appendChild(el("li", { "class": "portal-empty" }, "Your vendors appear here as we book them."));
    vendors.forEach(function (v) {
      var li = el("li", { "data-vendor": String(v.id), "data-status": v.status });
      li.appendChild(el("strong", null, v.role + ": " + v.status_label));
      if (v.milestone_text) li.appendChild(el("span", { "class": "portal-meta" }, v.milestone_text));
      list.appendChild(li);
    });
  }

  function renderContact(c) {
    var box = $("contact");
    clear(box);
    box.appendChild(el("strong", null, c.name));
    if (c.is_coordinator) box.appendChild(el("span", { "class": "portal-meta" }, "Your coordinator"));
    var links = el("p");
    if (c.phone) links.appendChild(el("a", { href: "tel:" + c.phone, "class": "button button-small button-ghost" }, "Call"));
    if (c.whatsapp_url) { links.appendChild(document.createTextNode(" ")); links.appendChild(el("a", { href: c.whatsapp_url, "class": "button button-small", rel: "noopener" }, "WhatsApp")); }
    if (c.email) { links.appendChild(document.createTextNode(" ")); links.appendChild(el("a", { href: "mailto:" + c.email }, c.email)); }
    box.appendChild(links);
  }

  function renderDocuments(docs) {
    var list = $("documents");
    clear(list);
    if (!docs.length) list.appendChild(el("li", { "class": "portal-empty" }, "No documents yet."));
    docs.forEach(function (d) {
      var li = el("li");
      li.appendChild(el("a", { href: d.url }, d.title));
      list.appendChild(li);
    });
  }

  // ---- the client's uploads: a plain multipart form (it also works as a form post: the function
  // answers it with a redirect to /portal/?uploaded=<id>), sent with fetch here so a refusal shows on
  // the field and the page keeps its live stream. The limits come from the server (ClientUploadRules).

  var uploadLimits = null;
  function size(bytes) {
    return bytes < 1048576 ? Math.max(1, Math.round(bytes / 1024)) + " KB" : (bytes / 1048576).toFixed(1).replace(/\.0$/, "") + " MB";
  }

  function renderUploads(body) {
    var list = $("uploads");
    clear(list);
    uploadLimits = body.limits;
    var mine = body.uploads.filter(function (u) { return u.booking === state.bookingId; });
    if (!mine.length) list.appendChild(el("li", { "class": "portal-empty" }, "Nothing uploaded yet."));
    mine.forEach(function (u) {
      var li = el("li");
      li.appendChild(el("a", { href: u.url }, u.name));
      li.appendChild(el("span", { "class": "small" }, size(u.size_bytes) + ", " + u.uploaded_on));
      list.appendChild(li);
    });
    var l = body.limits;
    $("upload-help").textContent = "JPEG, PNG, WebP or HEIC photos and PDF documents, up to " + size(l.max_file_bytes) +
      " each; up to " + l.max_booking_files + " files (" + size(l.max_booking_bytes) + ") per booking.";
    var uploaded = params.get("uploaded");
    var done = uploaded && body.uploads.filter(function (u) { return u.id === uploaded; })[0];
    if (done) { uploadNotice("Uploaded " + done.name + ". Your coordinator can see it now."); params.delete("uploaded"); }
  }

  function loadUploads() {
    return api("/api/portal/uploads").then(renderUploads).catch(function (e) { if (e.signedOut) showSignIn("revoked"); });
  }

  function uploadNotice(message) {
    $("upload-notice").textContent = message;
    show("upload-notice", !!message);
  }

  function uploadError(message) {
    var error = $("upload-error"), input = $("upload-file");
    error.textContent = message;
    error.hidden = !message;
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "upload-error upload-help");
      input.focus();
    } else {
      input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", "upload-help");
    }
  }

  $("upload-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = this, input = $("upload-file"), file = input.files && input.files[0];
    uploadNotice("");
    if (!file) { uploadError("Choose a photo or document to upload."); return; }
    if (uploadLimits && file.size > uploadLimits.max_file_bytes) {
      uploadError("The file is larger than " + size(uploadLimits.max_file_bytes) + ". Send a smaller photo (or a PDF under " + size(uploadLimits.max_file_bytes) + ").");
      return;
    }
    uploadError("");
    $("upload-booking").value = state.bookingId;
    var button = $("upload-submit");
    button.disabled = true;
    button.textContent = "Uploading\u2026";
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
      }).then(function (res) {
        if (res.status === 401) { showSignIn("revoked"); return null; }
        if (res.status !== 201) {
          var e = res.body.error || {};
          uploadError((e.fields && e.fields.file) || e.message ||
            (res.status === 413 ? "The file is too large to upload." : "The upload did not go through. Try again in a moment."));
          return null;
        }
        form.reset();
        uploadNotice("Uploaded " + res.body.name + ". Your coordinator can see it now.");
        return loadUploads();
      }).catch(function () {
        uploadError("The upload did not go through: check your connection and try again.");
      }).then(function () {
        button.disabled = false;
        button.textContent = "Upload";
      });
  });

  function renderDetail(list, detail) {
    renderHeader(list, detail);
    renderTimeline(detail.timeline);
    renderUpcoming(detail.upcoming);
    renderPayments(detail.payments);
    renderVendors(detail.vendors);
    renderContact(detail.contact);
    renderDocuments(detail.documents);
    state.lastEventId = Math.max(state.lastEventId, detail.last_event_id);
  }

  // ---- payment callback (/portal/?payment=confirming&milestone=...) ----

  function showPaymentPending() {
    if (!state.payment) return;
    var b = $("payment-banner");
    b.setAttribute("data-state", "confirming");
    b.textContent = "Payment received, confirming with the bank\u2026 This page updates by itself.";
    b.hidden = false;
  }

  function resolvePayment(result) {
    if (!state.payment) return;
    var b = $("payment-banner");
    b.setAttribute("data-state", result);
    b.textContent = result === "failed"
      ? "The payment did not go through. No money was taken; you can try again with Pay now."
      : "Payment confirmed. Thank you!";
    b.hidden = false;
    state.payment = null;
    if (window.history.replaceState) window.history.replaceState(null, "", "/portal/");
  }

  function paymentEvent(entry) {
    if (!state.payment || entry.kind !== "payment") return;
    var d = entry.data || {};
    var milestone = String(d.milestone_id != null ? d.milestone_id : (d.milestone != null ? d.milestone : ""));
    if (state.payment.milestone && milestone && milestone !== state.payment.milestone) return;
    // "Payment received" entries carry the receipt; link issued/expired entries do not resolve anything.
    if (d.receipt_url || d.status === "paid") resolvePayment("confirmed");
    else if (d.status === "failed") resolvePayment("failed");
  }

  // ---- live updates ----

  function setMode(mode) {
    stats.mode = mode;
    var ind = $("live-indicator");
    ind.setAttribute("data-mode", mode);
    ind.textContent = mode === "live" ? "Live" : mode === "polling" ? "Updating every " + pollSeconds + " s" : "Connecting\u2026";
  }

  function applyEntry(entry, via) {
    if (entry.booking && entry.booking !== state.bookingId) return;
    if (!addTimeline(entry, true, via)) return;
    if (entry.kind === "status" && entry.data && entry.data.state) scheduleRefresh(0);
    else scheduleRefresh(300);
    paymentEvent(entry);
  }

  // Sections other than the timeline (payments, vendors, status) are re-read after an entry: one GET, no reload.
  function scheduleRefresh(delay) {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(function () {
      Promise.all([api("/api/portal/bookings"), api("/api/portal/bookings/" + encodeURIComponent(state.bookingId))])
        .then(function (r) { renderDetail(r[0], r[1]); })
        .catch(function (e) { if (e.signedOut) showSignIn("revoked"); });
    }, delay);
  }

  function startLive() {
    if (!window.EventSource) { startPolling(); return; }
    stopStream();
    // A new EventSource resumes after what is on screen; the browser adds Last-Event-ID itself on its own reconnects.
    var url = "/api/portal-events?booking=" + encodeURIComponent(state.bookingId) + "&last_event_id=" + state.lastEventId;
    var source = state.source = new EventSource(url);
    state.openTimer = setTimeout(function () { if (source.readyState !== 1) startPolling(); }, openTimeout);
    source.onopen = function () {
      stats.streamOpens += 1;
      stopPolling();
      setMode("live");
    };
    source.onmessage = function (event) {
      var entry;
      try { entry = JSON.parse(event.data); } catch (e) { return; }
      stopPolling();
      setMode("live");
      applyEntry(entry, "stream");
    };
    // A CGI deployment answers a bounded replay and `polling` instead of holding a process per open
    // tab: stop the stream (no reconnect loop) and poll the JSON from now on.
    source.addEventListener("polling", function () {
      stopStream();
      startPolling();
    });
    source.addEventListener("signed_out", function (event) {
      var reason = "revoked";
      try { reason = JSON.parse(event.data).reason; } catch (e) { /* keep the default */ }
      showSignIn(reason === "expired" ? "expired" : "revoked");
    });
    source.onerror = function () {
      if (source.readyState === 2) {
        // Closed for good (an HTTP error): check the session, then open a new stream after a pause.
        stopStream();
        startPolling();
        api("/api/portal/session").then(function (s) {
          if (!s.signed_in) { showSignIn("revoked"); return; }
          state.reconnectTimer = setTimeout(startLive, 3000);
        }).catch(function () { state.reconnectTimer = setTimeout(startLive, 5000); });
      } else {
        // The browser is reconnecting by itself (with Last-Event-ID); poll meanwhile if it takes long.
        setMode("connecting");
        clearTimeout(state.openTimer);
        state.openTimer = setTimeout(function () { if (source.readyState !== 1) startPolling(); }, openTimeout);
      }
    };
  }

  function pollOnce() {
    stats.polls += 1;
    return api("/api/portal/bookings/" + encodeURIComponent(state.bookingId)).then(function (detail) {
      detail.timeline.slice().reverse().forEach(function (e) { if (!state.seen[e.id]) applyEntry(e, "poll"); });
      renderStatus(detail.status);
      renderPayments(detail.payments);
      renderVendors(detail.vendors);
      renderUpcoming(detail.upcoming);
    }).catch(function (e) { if (e.signedOut) showSignIn("revoked"); });
  }

  function startPolling() {
    if (state.pollTimer) return;
    setMode("polling");
    pollOnce();
    state.pollTimer = setInterval(pollOnce, pollSeconds * 1000);
  }

  function stopPolling() {
    if (state.pollTimer) { clearInterval(state.pollTimer); state.pollTimer = null; }
  }

  function stopStream() {
    clearTimeout(state.openTimer);
    clearTimeout(state.reconnectTimer);
    if (state.source) { state.source.close(); state.source = null; }
  }

  function stopLive() { stopStream(); stopPolling(); }

  // ---- start ----

  function load(preferred) {
    return api("/api/portal/bookings").then(function (list) {
      if (!list.bookings.length) { showSignIn(); return null; }
      var chosen = list.bookings.filter(function (b) { return b.id === preferred; })[0] || list.bookings[0];
      state.bookingId = chosen.id;
      $("upload-booking").value = chosen.id;
      return api("/api/portal/bookings/" + encodeURIComponent(chosen.id)).then(function (detail) {
        show("portal-loading", false);
        show("portal-signin", false);
        show("portal-app", true);
        renderDetail(list, detail);
        loadUploads();
        showPaymentPending();
        startLive();
      });
    }).catch(function (e) {
      if (e.signedOut) { showSignIn(); return; }
      $("portal-loading").textContent = "We could not load your portal. Check your connection; we will try again shortly.";
      setTimeout(function () { load(preferred); }, 5000);
    });
  }

  $("booking-picker").addEventListener("change", function () {
    stopLive();
    state.seen = {};
    state.lastEventId = 0;
    clear($("timeline"));
    try { window.localStorage.setItem("roch-portal-booking", this.value); } catch (e) { /* private mode */ }
    load(this.value);
  });

  var preferred = null;
  try { preferred = window.localStorage.getItem("roch-portal-booking"); } catch (e) { /* private mode */ }
  load(preferred);
})();
