// The booking form as a five-step wizard. Without this script the form is one page that
// POSTs to /api/booking. With it: one step at a time, each step validated, answers kept in
// sessionStorage across reloads, JSON submission, server field errors shown in place.
(function () {
  "use strict";
  var form = document.getElementById("booking-form");
  if (!form || !window.fetch) return;
  var STORE = "roch-booking";
  var steps = Array.prototype.slice.call(form.querySelectorAll("fieldset.step"));
  var nav = document.getElementById("step-nav");
  var back = document.getElementById("back-button");
  var next = document.getElementById("next-button");
  var progress = document.getElementById("step-progress");
  var summary = document.getElementById("error-summary");
  var status = document.getElementById("form-status");
  var review = document.getElementById("review");
  var current = 0;

  form.classList.add("wizard");
  nav.hidden = false;
  progress.hidden = false;
  review.hidden = false;

  var labels = {
    event_type: "What you are celebrating", event_date: "Event date", city: "City", venue: "Venue",
    guests: "Guests", services: "Services", budget: "Budget", notes: "Notes", name: "Name",
    phone: "Mobile number", email: "Email", whatsapp_consent: "WhatsApp updates"
  };
  // Which step each field is on, for server errors.
  var stepOf = {};
  steps.forEach(function (fs, i) {
    Array.prototype.forEach.call(fs.querySelectorAll("[name]"), function (el) { stepOf[el.name] = i; });
  });

  function field(name) { return form.elements[name]; }
  function value(name) {
    var el = field(name);
    if (!el) return "";
    if (el.length !== undefined && el.tagName !== "SELECT") {
      for (var i = 0; i < el.length; i++) if (el[i].checked) return el[i].value;
      return "";
    }
    return (el.value || "").trim();
  }
  function services() {
    return Array.prototype.filter.call(form.querySelectorAll("input[name=services]"), function (c) { return c.checked; })
      .map(function (c) { return c.value; });
  }
  function firstControl(name) {
    var el = field(name);
    if (el && el.length !== undefined && el.tagName !== "SELECT") return el[0];
    if (name === "services") return form.querySelector("input[name=services]");
    return el;
  }

  function key() {
    var k = form.elements.idempotency_key.value;
    if (!k) {
      k = window.crypto && crypto.randomUUID ? crypto.randomUUID()
        : "k-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
      form.elements.idempotency_key.value = k;
    }
    return k;
  }

  // --- keeping answers across reloads ---
  function save() {
    var data = { step: current, idempotency_key: key(), services: services() };
    Object.keys(labels).forEach(function (n) { if (n !== "services") data[n] = value(n); });
    try { sessionStorage.setItem(STORE, JSON.stringify(data)); } catch (e) { /* storage full or blocked */ }
  }
  function restore() {
    var data;
    try { data = JSON.parse(sessionStorage.getItem(STORE) || "null"); } catch (e) { data = null; }
    if (!data) return 0;
    Object.keys(data).forEach(function (n) {
      if (n === "step" || n === "website") return;
      if (n === "services") {
        Array.prototype.forEach.call(form.querySelectorAll("input[name=services]"), function (c) {
          c.checked = data.services.indexOf(c.value) >= 0;
        });
        return;
      }
      var el = field(n);
      if (!el) return;
      if (el.length !== undefined && el.tagName !== "SELECT") {
        for (var i = 0; i < el.length; i++) el[i].checked = el[i].value === data[n];
      } else {
        el.value = data[n];
      }
    });
    return Math.min(Math.max(parseInt(data.step, 10) || 0, 0), steps.length - 1);
  }

  // --- validation (the function validates again; these are the same rules) ---
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  var rules = {
    event_type: function (v) { return v ? "" : "Choose what you are celebrating."; },
    event_date: function (v) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return "Enter the event date.";
      if (v < today()) return "The event date must be today or later.";
      return "";
    },
    city: function (v) { return v.length >= 2 ? "" : "Enter the city of your event."; },
    guests: function (v) {
      if (!/^\d+$/.test(v)) return "Enter the number of guests as a number, for example 250.";
      var n = parseInt(v, 10);
      return n >= 1 && n <= 5000 ? "" : "Enter between 1 and 5,000 guests.";
    },
    services: function () { return services().length ? "" : "Choose at least one service."; },
    budget: function (v) { return v ? "" : "Choose a budget range."; },
    name: function (v) { return v.length >= 2 ? "" : "Enter your name."; },
    phone: function (v) {
      var digits = v.replace(/[\s\-()]/g, "").replace(/^(\+91|0091|91(?=\d{10}$)|0)/, "");
      return /^[6-9]\d{9}$/.test(digits) ? "" : "Enter a 10-digit Indian mobile number, like 98450 12345.";
    },
    email: function (v) { return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? "" : "Enter an email address, like name@example.com."; },
    whatsapp_consent: function (v) { return v === "yes" || v === "no" ? "" : "Choose yes or no for WhatsApp updates."; }
  };

  function setError(name, message) {
    var box = document.getElementById(name + "-error");
    var control = firstControl(name);
    if (box) { box.textContent = message; box.hidden = !message; }
    var group = field(name);
    var controls = group && group.length !== undefined && group.tagName !== "SELECT" ? group
      : (name === "services" ? form.querySelectorAll("input[name=services]") : [control]);
    Array.prototype.forEach.call(controls, function (c) {
      if (!c) return;
      if (message) c.setAttribute("aria-invalid", "true"); else c.removeAttribute("aria-invalid");
    });
  }

  function showSummary(errors) {
    var list = summary.querySelector("ul");
    list.innerHTML = "";
    errors.forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      var control = firstControl(e.name);
      a.href = "#" + (control && control.id ? control.id : "booking-form");
      a.textContent = e.message;
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        if (stepOf[e.name] !== undefined && stepOf[e.name] !== current) show(stepOf[e.name], false);
        if (control) control.focus();
      });
      li.appendChild(a);
      list.appendChild(li);
    });
    summary.hidden = errors.length === 0;
    if (errors.length) summary.focus();
  }

  function validateStep(i) {
    var errors = [];
    var names = {};
    Array.prototype.forEach.call(steps[i].querySelectorAll("[name]"), function (el) { names[el.name] = true; });
    Object.keys(names).forEach(function (n) {
      if (!rules[n]) return;
      var message = rules[n](value(n));
      setError(n, message);
      if (message) errors.push({ name: n, message: message });
    });
    return errors;
  }

  // --- steps ---
  function show(i, focus) {
    current = i;
    steps.forEach(function (fs, j) { fs.hidden = j !== i; });
    back.hidden = i === 0;
    next.hidden = i === steps.length - 1;
    progress.textContent = "Step " + (i + 1) + " of " + steps.length + ": " + steps[i].getAttribute("data-title");
    if (i === steps.length - 1) fillReview();
    save();
    if (focus !== false) steps[i].querySelector(".step-title").focus();
  }

  function fillReview() {
    review.innerHTML = "";
    function optionLabel(name, v) {
      var el = form.querySelector("[name=" + name + "][value=\"" + v + "\"]");
      if (el && el.parentNode.querySelector("span")) return el.parentNode.querySelector("span").textContent;
      var opt = form.querySelector("select[name=" + name + "] option[value=\"" + v + "\"]");
      return opt ? opt.textContent : v;
    }
    Object.keys(labels).forEach(function (n) {
      var v;
      if (n === "services") v = services().map(function (s) { return optionLabel("services", s); }).join(", ");
      else if (n === "event_type" || n === "budget" || n === "whatsapp_consent") v = value(n) ? optionLabel(n, value(n)) : "";
      else v = value(n);
      var dt = document.createElement("dt");
      dt.textContent = labels[n];
      var dd = document.createElement("dd");
      dd.textContent = v || "Not given";
      dd.setAttribute("data-field", n);
      var edit = document.createElement("button");
      edit.type = "button";
      edit.className = "link-button";
      edit.textContent = "Change";
      edit.setAttribute("aria-label", "Change " + labels[n].toLowerCase());
      edit.addEventListener("click", function () {
        show(stepOf[n], false);
        var c = firstControl(n);
        if (c) c.focus();
      });
      dd.appendChild(document.createTextNode(" "));
      dd.appendChild(edit);
      review.appendChild(dt);
      review.appendChild(dd);
    });
  }

  next.addEventListener("click", function () {
    var errors = validateStep(current);
    showSummary(errors);
    if (!errors.length) show(current + 1);
  });
  back.addEventListener("click", function () {
    showSummary([]);
    show(current - 1);
  });
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  // Enter in a text field moves on instead of submitting the whole form early.
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.tagName === "INPUT" && current < steps.length - 1) {
      e.preventDefault();
      next.click();
    }
  });

  // --- sending ---
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var all = [];
    for (var i = 0; i < steps.length - 1; i++) {
      var errs = validateStep(i);
      if (errs.length && !all.length) show(i, false);
      all = all.concat(errs);
    }
    if (all.length) { showSummary(all); return; }
    var body = { services: services(), idempotency_key: key(), website: form.elements.website.value };
    Object.keys(labels).forEach(function (n) { if (n !== "services") body[n] = value(n); });
    var button = document.getElementById("submit-button");
    button.disabled = true;
    status.textContent = "Sending your enquiry…";
    fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) { return { res: res, json: json }; });
    }).then(function (r) {
      button.disabled = false;
      if (r.res.status === 201 && r.json.id) {
        status.textContent = "Enquiry sent.";
        try { sessionStorage.removeItem(STORE); } catch (e2) { /* ignore */ }
        window.location.assign("/book/thanks/?id=" + encodeURIComponent(r.json.id));
        return;
      }
      if (r.res.status === 422 && r.json.error) {
        var fields = r.json.error.fields || {};
        var errors = Object.keys(fields).map(function (n) { setError(n, fields[n]); return { name: n, message: fields[n] }; });
        if (!errors.length) errors.push({ name: "booking-form", message: r.json.error.message || "Please check your answers." });
        status.textContent = "";
        var first = errors.filter(function (x) { return stepOf[x.name] !== undefined; })[0];
        if (first) show(stepOf[first.name], false);
        showSummary(errors);
        return;
      }
      if (r.res.status === 429) {
        var wait = parseInt(r.res.headers.get("Retry-After") || "60", 10);
        status.textContent = "Too many enquiries from this connection. Please try again in " + wait + " seconds, or call us.";
        return;
      }
      status.textContent = "Sorry, something went wrong sending your enquiry. Your answers are saved: please try again, or call or WhatsApp us.";
    }).catch(function () {
      button.disabled = false;
      status.textContent = "We could not reach our server. Your answers are saved: check your connection and try again.";
    });
  });

  var min = today();
  form.elements.event_date.setAttribute("min", min);
  key();
  show(restore(), false);
})();
