/* The kiosk: department -> service -> who it is for -> the ticket on screen, then back.

   The page arrives with today's services; live.js keeps them current (the /kiosk socket, or
   GET /api/services every 30 s while it is down).
   Every word comes from the template (#strings), every URL from data-* attributes. */
(function () {
  "use strict";

  var TAP_GUARD_MS = 450; // a double tap must not also press what appears under the finger
  var TICKET_GUARD_MS = 1500;
  var IDLE_MS = 60000; // a visitor who walked away mid-way: back to the start
  var TICKET_MS = 15000;
  var TICKET_PHOTO_MS = 30000; // no paper: leave time to photograph the QR code
  var ERROR_MS = 20000;
  var REQUEST_TIMEOUT_MS = 10000;

  var root = document.getElementById("kiosk");
  var data = root.dataset;
  var english = data.language === "en";
  var strings = readJson("strings");
  var departmentOrder = readJson("departments");
  var services = readJson("services");

  var state = { screen: "departments", department: null, service: null, paper: true };
  var busy = false;
  var settledAt = 0; // taps before this moment are the tail of the tap that changed the screen
  var ticketShownAt = 0;
  var settleTimer = null;
  var idleTimer = null;
  var countdownTimer = null;
  var printFailures = []; // this kiosk's latest tickets its print agent could not print

  function readJson(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  function $(id) {
    return document.getElementById(id);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (slot, key) {
      return key in values ? values[key] : slot;
    });
  }

  function serviceName(service) {
    return english && service.name_en ? service.name_en : service.name;
  }

  function departmentName(service) {
    return english && service.department_name_en
      ? service.department_name_en
      : service.department_name;
  }

  /* The server gives the range, so the paper ticket and every screen agree. */
  function waitRange(range) {
    return { low: range[0], high: range[1] };
  }

  function waitingText(count) {
    if (count === 0) return strings.waiting_none;
    return count === 1 ? strings.waiting_one : fill(strings.waiting_many, { n: count });
  }

  function closedText(service) {
    return service.closed_reason === "quota_reached" ? strings.closed_quota : strings.closed_hours;
  }

  function findService(code) {
    for (var i = 0; i < services.length; i += 1) {
      if (services[i].code === code) return services[i];
    }
    return null;
  }

  function departments() {
    var groups = {};
    services.forEach(function (service) {
      (groups[service.department] = groups[service.department] || []).push(service);
    });
    var codes = departmentOrder.filter(function (code) { return groups[code]; });
    Object.keys(groups).forEach(function (code) {
      if (codes.indexOf(code) < 0) codes.push(code);
    });
    return codes.map(function (code) { return { code: code, services: groups[code] }; });
  }

  function line(className, text) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  /* Update the buttons in place, keyed by code: a push must not swap a button under a finger. */
  function sync(container, items, build) {
    var existing = {};
    Array.prototype.forEach.call(container.children, function (child) {
      existing[child.dataset.code] = child;
    });
    items.forEach(function (item, index) {
      var button = existing[item.code] || document.createElement("button");
      delete existing[item.code];
      button.type = "button";
      button.dataset.code = item.code;
      button.replaceChildren.apply(button, build(item, button));
      if (container.children[index] !== button) container.insertBefore(button, container.children[index] || null);
    });
    Object.keys(existing).forEach(function (code) { existing[code].remove(); });
  }

  function renderDepartments() {
    sync($("department-list"), departments(), function (department, button) {
      var open = department.services.filter(function (s) { return s.is_open; });
      var waiting = open.reduce(function (sum, s) { return sum + s.waiting; }, 0);
      button.className = "department" + (open.length ? "" : " is-closed");
      button.dataset.action = "department";
      var meta = open.length ? waitingText(waiting) : strings.department_closed;
      return [line("department-name", departmentName(department.services[0])), line("department-meta", meta)];
    });
  }

  function renderServices() {
    var department = departments().filter(function (d) { return d.code === state.department; })[0];
    if (!department) return showDepartments();
    $("department-name").textContent = departmentName(department.services[0]);
    sync($("service-list"), department.services, function (service, button) {
      button.className = "service" + (service.is_open ? "" : " is-closed");
      button.dataset.action = "service";
      button.disabled = !service.is_open;
      button.setAttribute("aria-disabled", String(!service.is_open));
      var parts = [line("service-code", service.code), line("service-name", serviceName(service))];
      if (service.is_open) {
        var range = waitRange(service.estimated_wait_range_min);
        var queue = line("service-queue", waitingText(service.waiting));
        parts.push(queue);
        if (service.waiting > 0) parts.push(line("service-wait", fill(strings.wait_range, range)));
      } else {
        parts.push(line("service-closed", closedText(service)));
        if (service.closed_reason === "hours" && service.hours.length) {
          var hours = service.hours.map(function (h) { return h.replace("-", "–"); }).join(", ");
          parts.push(line("service-hours", fill(strings.hours, { hours: hours })));
        }
      }
      return parts;
    });
  }

  function renderChosen() {
    var service = findService(state.service);
    if (!service) return showDepartments();
    $("chosen-service").replaceChildren(
      line("chosen-code", service.code),
      line("chosen-name", serviceName(service))
    );
  }

  function render() {
    renderDepartments();
    if (state.screen === "services") renderServices();
    if (state.screen === "priority") renderChosen();
  }

  function show(screen) {
    state.screen = screen;
    if (screen === "ticket") ticketShownAt = Date.now();
    document.querySelectorAll("section[data-screen]").forEach(function (section) {
      section.hidden = section.dataset.screen !== screen;
    });
    root.dataset.current = screen;
    window.scrollTo(0, 0);
    armIdle();
  }

  function armIdle() {
    clearTimeout(idleTimer);
    var delay = { services: IDLE_MS, priority: IDLE_MS, error: ERROR_MS }[state.screen];
    if (delay) idleTimer = setTimeout(goHome, delay);
  }

  function setPaper(wanted) {
    state.paper = wanted;
    $("paperless").setAttribute("aria-checked", String(!wanted));
  }

  function showDepartments() {
    clearInterval(countdownTimer);
    state.department = null;
    state.service = null;
    setPaper(true);
    renderDepartments();
    show("departments");
  }

  /* The next visitor's start screen, in the center's language: nobody inherits "English". */
  function goHome() {
    if (data.language !== data.centerLanguage || state.configurationChanged) {
      clearInterval(countdownTimer);
      clearTimeout(idleTimer);
      window.location.assign(data.homeUrl);
      return;
    }
    showDepartments();
  }

  function goBack() {
    if (state.screen === "priority" || state.screen === "error") {
      renderServices();
      show("services");
    } else {
      showDepartments();
    }
  }

  function countdown(totalMs, then) {
    clearInterval(countdownTimer);
    var ends = Date.now() + totalMs;
    var bar = $("countdown-bar");
    function tick() {
      var left = Math.max(0, ends - Date.now());
      $("countdown").textContent = fill(strings.countdown, { n: Math.ceil(left / 1000) });
      bar.style.width = (100 * left) / totalMs + "%";
      if (left === 0) then();
    }
    tick();
    countdownTimer = setInterval(tick, 250);
  }

  function showTicket(ticket, priorityName) {
    var service = findService(ticket.service);
    $("ticket-label").textContent = ticket.label;
    $("ticket-service").textContent = service ? serviceName(service) : ticket.service;
    $("ticket-priority").hidden = !priorityName;
    $("ticket-priority").textContent = priorityName ? fill(strings.priority_of, { name: priorityName }) : "";
    $("ticket-ahead").textContent = ticket.ahead === 0 ? strings.ahead_none : String(ticket.ahead);
    $("ticket-ahead").classList.toggle("is-words", ticket.ahead === 0);
    $("ticket-wait").textContent = fill(strings.wait_about, waitRange(ticket.estimated_wait_range_min));
    $("ticket-qr").src = data.qrUrl + "?data=" + encodeURIComponent(ticket.track_url);
    $("ticket-url").textContent = data.publicUrl.replace(/\/+$/, "") + ticket.track_url;
    var status = (ticket.print && ticket.print.status) || "skipped";
    state.ticketId = ticket.id;
    show("ticket");
    // "sent": the kiosk PC's print agent has it; it reports a failure by a `printer` event,
    // which may even come before this answer (a printer that refuses at once).
    if (status === "sent") status = printFailures.indexOf(ticket.id) === -1 ? "printed" : "failed";
    showPrintStatus(status);
  }

  function showPrintStatus(status) {
    $("print-status").dataset.status = status;
    $("ticket").classList.toggle("is-paperless", status !== "printed");
    $("print-text").textContent = strings["print_" + status] || strings.print_skipped;
    if (status !== "skipped") $("printer-notice").hidden = status === "printed";
    countdown(status === "printed" ? TICKET_MS : TICKET_PHOTO_MS, goHome);
  }

  function showError(code) {
    var kind = { closed: "closed", quota_reached: "quota", rate_limited: "rate", not_found: "unknown" }[code] || "network";
    var passing = kind === "network" || kind === "rate"; // the same choice may work in a moment
    $("error-retry").hidden = !passing;
    $("error-back").hidden = passing;
    $("error-title").textContent = strings["error_" + kind + "_title"];
    $("error-text").textContent = strings["error_" + kind];
    clearInterval(countdownTimer);
    show("error");
    live.refresh();
  }

  function issue(button) {
    if (busy) return;
    busy = true;
    $("busy").hidden = false;
    var body = { service: state.service, paper: state.paper };
    if (button.dataset.priority) body.priority = button.dataset.priority;
    if (data.kiosk) body.kiosk = data.kiosk;
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    fetch(data.ticketsUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller.signal,
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.status === 201) showTicket(answer, button.dataset.name || "");
          else showError(answer.error || (response.status === 429 ? "rate_limited" : ""));
        });
      })
      .catch(function () { showError("network"); })
      .then(function () {
        clearTimeout(timer);
        busy = false;
        $("busy").hidden = true;
      });
  }

  var actions = {
    department: function (button) {
      state.department = button.dataset.code;
      renderServices();
      show("services");
    },
    service: function (button) {
      var service = findService(button.dataset.code);
      if (!service || !service.is_open) return;
      state.service = service.code;
      setPaper(true);
      renderChosen();
      show("priority");
    },
    issue: issue,
    "toggle-paper": function () { setPaper(!state.paper); },
    retry: function () {
      renderChosen();
      show("priority");
    },
    back: goBack,
    start: showDepartments,
    home: goHome,
  };

  /* For a moment after each tap the screen takes no touch (CSS: .is-settling), so the second
     tap of a double tap cannot press the button that just appeared under the finger. */
  function settle() {
    settledAt = Date.now() + TAP_GUARD_MS;
    root.classList.add("is-settling");
    clearTimeout(settleTimer);
    settleTimer = setTimeout(function () { root.classList.remove("is-settling"); }, TAP_GUARD_MS);
  }

  root.addEventListener("click", function (event) {
    if (busy || Date.now() < settledAt) return;
    armIdle();
    var button = event.target.closest("[data-action]");
    if (button && !button.disabled && actions[button.dataset.action]) {
      settle();
      actions[button.dataset.action](button);
    } else if (!button && state.screen === "ticket" && $("print-status").dataset.status === "printed" &&
               Date.now() - ticketShownAt > TICKET_GUARD_MS) {
      goHome(); // paper in hand: a tap anywhere ends it
    }
  });

  function setServices(list) {
    services = list;
    render();
  }

  var live = window.kioskLive(data.servicesUrl, data.kiosk || null, {
    services: setServices,
    offline: function (isOffline) { $("offline-notice").hidden = !isOffline; },
    // The admin changed names or layout: reload, but never under a visitor's finger.
    configuration: function () {
      state.configurationChanged = true;
      if (state.screen === "departments") goHome();
    },
    printer: function (status) {
      if (status.kiosk !== (data.kiosk || null)) return;
      $("printer-notice").hidden = status.ok;
      if (!status.ok && status.ticket) printFailures = printFailures.slice(-9).concat([status.ticket]);
      if (!status.ok && status.ticket && status.ticket === state.ticketId && state.screen === "ticket") {
        showPrintStatus("failed"); // the agent could not print the ticket on screen: say so
      }
    },
  });

  function tickClock() {
    var now = new Date();
    var locale = english ? "en-GB" : "vi-VN";
    var zone = { timeZone: data.timezone };
    var date = now.toLocaleDateString(locale, Object.assign({ weekday: "long", day: "numeric", month: "numeric", year: "numeric" }, zone));
    var time = now.toLocaleTimeString(locale, Object.assign({ hour: "2-digit", minute: "2-digit" }, zone));
    $("clock").textContent = time + " · " + date;
  }

  document.addEventListener("contextmenu", function (event) { event.preventDefault(); });
  render();
  show("departments");
  tickClock();
  setInterval(tickClock, 10000);
})();
