/* The hall display's announcements: one at a time, in order, never dropped.
 *
 * A call's announcement is queued; the next plays when the last ends, fails or outlasts its
 * watchdog. A browser that refuses to play before a click keeps the queue and shows the sound
 * banner; the click then plays what is still fresh. Read-only hooks on <body> for tests and a
 * technician's console: data-played, data-playing, data-queued, data-sound ("on"/"blocked").
 */

import { $ } from "../../static/js/dom.js";

const STALE_AUDIO_MS = 120000; // calls older than this are not spoken once sound is enabled
const MAX_AUDIO_MS = 45000; // an announcement that neither ends nor fails is given up

const body = document.body;
const english = body.dataset.language === "en";
const audio = $("announcer");
const queue = [];
let current = null;
let blocked = false;
let played = 0;
let watchdog = null;
let reloadWanted = false;

export function announce(call) {
  if (!call.audio_url) return; // no voice for this call: it is shown all the same
  let url = call.audio_url;
  if (english) url += (url.includes("?") ? "&" : "?") + "lang=en";
  queue.push({ url, label: call.label, seq: call.seq, received: Date.now() });
  body.dataset.queued = String(queue.length);
  playNext();
}

/** The admin renamed or re-laid the center: reload, but not in the middle of a call. */
export function reloadWhenSilent() {
  reloadWanted = true;
  reloadIfSilent();
}

function reloadIfSilent() {
  if (reloadWanted && !current && !queue.length) window.location.reload();
}

function playNext() {
  reloadIfSilent();
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
$("enable-sound").addEventListener("click", enableSound);
body.dataset.sound = "on";
