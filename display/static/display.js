/* The hall display: the latest call in large type, the last calls, the queues, a clock, and the
 * spoken announcements, one at a time and in order.
 *
 * It listens to the `/display` socket: `board` is a whole snapshot (rendered as it comes, so a
 * screen that reconnects is whole again), `called` is one call with its audio. `seq` orders the
 * calls: a board older than what is shown is ignored, a call already announced is not again.
 *
 * Read-only hooks on <body> for tests and for a technician's console: data-played (announcements
 * that played to the end), data-playing (the label being spoken), data-queued, data-sound
 * ("on" or "blocked").
 */
(function () {
  "use strict";

  const body = document.body;
  const $ = (id) => document.getElementById(id);
  const readJson = (id) => JSON.parse($(id).textContent);
  const strings = readJson("strings");
  const serviceNames = Object.fromEntries(readJson("service-names").map((s) => [s.code, s.name]));
  const counterNames = readJson("counter-names");
  // A display of part of the hall (?display=ID, [[displays]] in the center file) shows the calls
  // of its counters, or of its departments' services; null shows everything.
  const scope = readJson("scope");
  const inScope = (call) =>
    !scope ||
    (scope.counters ? scope.counters.includes(call.counter) : scope.services.includes(call.service));
  const english = body.dataset.language === "en";
  const FLASH_MS = 6500; // the CSS blink lasts 6 s
  const STALE_AUDIO_MS = 120000; // calls older than this are not spoken once sound is enabled
  const MAX_AUDIO_MS = 45000; // an announcement that neither ends nor fails is given up
  const CLOCK_RESYNC_MS = 30000;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (mark, key) => (key in values ? String(values[key]) : mark));
  }

  // ---------- clock (the server's time, in the center's time zone) ----------

  let clockOffsetMs = Date.parse(body.dataset.serverNow) - Date.now() || 0;

  function formatters() {
    const zone = body.dataset.timezone;
    const make = (locale, options) => {
      try {
        return new Intl.DateTimeFormat(locale, Object.assign({ timeZone: zone }, options));
      } catch (_error) {
        return new Intl.DateTimeFormat(locale, options);
      }
    };
    return {
      time: make("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false }),
      weekday: make("vi-VN", { weekday: "long" }),
      numeric: make("en-GB", { day: "2-digit", month: "2-digit", year: "numeric" }),
      english: make("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric" }),
    };
  }

  const format = formatters();

  function capitalized(text) {
    return text.replace(/(^|\s)(\p{Ll})/gu, (_m, space, letter) => space + letter.toUpperCase());
  }

  function tick() {
    const moment = new Date(Date.now() + clockOffsetMs);
    $("clock-time").textContent = format.time.format(moment);
    $("clock-date").textContent = english
      ? format.english.format(moment)
      : capitalized(format.weekday.format(moment)) + ", " + format.numeric.format(moment);
    setTimeout(tick, 1000 - (Date.now() % 1000) + 20);
  }

  // ---------- the board ----------

  const state = {
    seq: null, // the latest call seq shown
    floor: null, // calls at or below this were made before the screen started: never spoken
    spoken: new Set(), // seqs already queued for speech (duplicates are ignored)
    shownKey: null,
    calls: [],
  };
  let flashTimer = null;

  function callKey(call) {
    return call.label + "|" + call.counter + "|" + call.at;
  }

  function counterText(number) {
    return fill(strings.counter, { number });
  }

  function showNow(call, flash) {
    const now = $("now");
    const label = $("now-label");
    label.textContent = call.label;
    label.dataset.length = String(call.label.length);
    $("now-counter").textContent = call.counter;
    const parts = [serviceNames[call.service] || call.service];
    if (counterNames[call.counter]) parts.unshift(counterNames[call.counter]);
    $("now-service").textContent = parts.join(" · ");
    $("now-priority").hidden = !call.priority;
    now.dataset.state = "called";
    state.shownKey = callKey(call);
    if (flash) {
      now.classList.remove("flash");
      void now.offsetWidth; // restart the animation for a call that comes while one flashes
      now.classList.add("flash");
      clearTimeout(flashTimer);
      flashTimer = setTimeout(() => now.classList.remove("flash"), FLASH_MS);
    }
  }

  function showNoCall() {
    $("now").dataset.state = "empty";
    $("now-label").textContent = "––––";
    $("now-counter").textContent = "––";
    $("now-service").textContent = strings.waitingFirst;
    $("now-priority").hidden = true;
    state.shownKey = null;
  }

  function renderRecent() {
    const slots = $("recent-calls").children;
    for (let index = 0; index < slots.length; index += 1) {
      const slot = slots[index];
      const call = state.calls[index];
      slot.dataset.empty = String(!call);
      slot.querySelector(".recent-label").textContent = call ? call.label : "";
      slot.querySelector(".recent-counter").textContent = call ? counterText(call.counter) : "";
      slot.dataset.priority = String(Boolean(call && call.priority));
    }
  }

  function renderWaiting(waiting) {
    let total = 0;
    for (const item of document.querySelectorAll(".waiting-item")) {
      const count = waiting[item.dataset.service] || 0;
      total += count;
      item.querySelector(".waiting-count").textContent = count;
      item.dataset.empty = String(count === 0);
    }
    $("waiting-total").textContent = total;
  }

  function onBoard(board) {
    if (state.seq !== null && board.seq < state.seq) return; // an older snapshot, overtaken
    const first = state.floor === null;
    if (first) state.floor = board.seq;
    state.seq = board.seq;
    state.calls = (board.calls || []).filter(inScope).slice(0, 8);
    renderWaiting(board.waiting || {});
    const latest = state.calls[0];
    const changed = latest && callKey(latest) !== state.shownKey;
    renderRecent();
    if (latest) {
      if (changed) showNow(latest, !first);
    } else {
      showNoCall();
    }
  }

  function onCalled(call) {
    if (state.floor !== null && call.seq <= state.floor) return; // made before this screen began
    if (state.spoken.has(call.seq)) return; // the same event twice
    state.spoken.add(call.seq);
    if (state.spoken.size > 500) state.spoken.delete(state.spoken.values().next().value);
    if (!inScope(call)) return; // another part of the hall: its own display says it
    const serverMoment = Date.parse(call.at);
    if (Math.abs(serverMoment - Date.now() - clockOffsetMs) > CLOCK_RESYNC_MS) {
      clockOffsetMs = serverMoment - Date.now();
    }
    if (state.seq === null || call.seq >= state.seq) {
      state.seq = call.seq;
      state.calls = [call].concat(state.calls.filter((c) => c.label !== call.label)).slice(0, 8);
      renderRecent();
      showNow(call, true);
    }
    announce(call);
  }

  // ---------- announcements: one at a time, in order, never dropped ----------

  const audio = $("announcer");
  const queue = [];
  let current = null;
  let blocked = false;
  let played = 0;
  let watchdog = null;

  function announce(call) {
    if (!call.audio_url) return; // no voice for this call: it is shown all the same
    let url = call.audio_url;
    if (english) url += (url.includes("?") ? "&" : "?") + "lang=en";
    queue.push({ url, label: call.label, seq: call.seq, received: Date.now() });
    body.dataset.queued = String(queue.length);
    playNext();
  }

  let configurationChanged = false;

  function reloadWhenSilent() {
    if (configurationChanged && !current && !queue.length) window.location.reload();
  }

  function playNext() {
    reloadWhenSilent();
    if (current || blocked || !queue.length) return;
    const item = queue.shift();
    body.dataset.queued = String(queue.length);
    current = item;
    body.dataset.playing = item.label;
    audio.src = item.url;
    arm(item, MAX_AUDIO_MS);
    let playing;
    try {
      playing = audio.play();
    } catch (error) {
      playing = Promise.reject(error);
    }
    Promise.resolve(playing).catch((error) => {
      if (current !== item) return;
      if (error && error.name === "NotAllowedError") {
        // the browser wants a click first: keep the call, show the banner, keep showing calls
        clearTimeout(watchdog);
        current = null;
        delete body.dataset.playing;
        queue.unshift(item);
        body.dataset.queued = String(queue.length);
        setBlocked(true);
        return;
      }
      done(item, false);
    });
  }

  function arm(item, ms) {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      if (current !== item) return;
      audio.pause();
      done(item, false);
    }, ms);
  }

  function done(item, ended) {
    if (current !== item) return;
    clearTimeout(watchdog);
    current = null;
    delete body.dataset.playing;
    if (ended) {
      played += 1;
      body.dataset.played = String(played);
    }
    playNext();
  }

  function setBlocked(value) {
    blocked = value;
    body.dataset.sound = value ? "blocked" : "on";
    $("sound-banner").hidden = !value;
  }

  function enableSound() {
    const cutoff = Date.now() - STALE_AUDIO_MS;
    while (queue.length && queue[0].received < cutoff) queue.shift();
    body.dataset.queued = String(queue.length);
    setBlocked(false);
    playNext(); // inside the click, so the browser lets it play
  }

  audio.addEventListener("ended", () => current && done(current, true));
  audio.addEventListener("error", () => current && done(current, false));
  audio.addEventListener("loadedmetadata", () => {
    if (current && Number.isFinite(audio.duration)) arm(current, audio.duration * 1000 + 5000);
  });

  // ---------- connection ----------

  function setConnected(connected) {
    body.dataset.connected = String(connected);
    $("connection-text").textContent = connected ? strings.connected : strings.disconnected;
  }

  function connect() {
    if (typeof window.io !== "function") {
      setConnected(false);
      return;
    }
    const query = body.dataset.display ? { display: body.dataset.display } : {};
    const socket = window.io(body.dataset.socketNamespace, {
      transports: ["websocket"],
      query,
      reconnectionDelayMax: 5000,
    });
    socket.on("connect", () => setConnected(true));
    socket.on("disconnect", () => setConnected(false));
    socket.on("connect_error", () => setConnected(false));
    socket.on("board", onBoard);
    socket.on("called", onCalled);
    socket.on("configuration", () => {
      configurationChanged = true; // the admin renamed or re-laid the center: reload when silent
      reloadWhenSilent();
    });
  }

  $("enable-sound").addEventListener("click", enableSound);
  body.dataset.sound = "on";
  tick();
  connect();
})();
