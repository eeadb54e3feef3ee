/* "Hướng dẫn": the screen read aloud from the clip bank (GET /kiosk/help/<screen>.wav), and on a
   kiosk the center knows, a guide called to it (POST /api/kiosks/<id>/help), whose coming the
   kiosk then says in words and in voice. A second tap within CALL_AGAIN_MS reads the screen
   again without calling anyone again. */

import { api } from "../../static/js/api.js";
import { $ } from "../../static/js/dom.js";
import { strings } from "./page.js";

const CALL_AGAIN_MS = 120000;
const CALL_TIMEOUT_MS = 4000; // the voice must not wait long for the call

/* `data` is the kiosk's dataset; `seen()` answers what the visitor sees: {screen, department?,
   service?, label?}. Answers {help, forget, shown}. */
export function helpButton(data, seen) {
  const audio = $("guide-audio");
  let calledAt = null;

  function say(text) {
    $("help-notice").textContent = text;
    $("help-notice").hidden = !text;
  }

  async function callGuide() {
    if (!data.kiosk) return false;
    if (calledAt !== null && Date.now() - calledAt < CALL_AGAIN_MS) return true;
    try {
      const url = data.helpUrl.replace("KIOSK", encodeURIComponent(data.kiosk));
      await api("POST", url, undefined, { timeoutMs: CALL_TIMEOUT_MS });
      calledAt = Date.now();
      return true;
    } catch (error) {
      return error.status === 429 && calledAt !== null; // asked often: the first call stands
    }
  }

  async function help() {
    const coming = await callGuide();
    say(coming ? strings.help_coming : strings.help_desk);
    const { screen, ...chosen } = seen();
    const query = new URLSearchParams({ lang: data.language });
    for (const [key, value] of Object.entries(chosen)) if (value) query.set(key, value);
    if (coming) query.set("coming", "1");
    audio.src = data.helpAudioUrl.replace("SCREEN", screen) + "?" + query;
    audio.play().catch(() => {}); // a kiosk browser that refuses sound still shows the notice
  }

  function forget() {
    calledAt = null;
    say("");
    audio.pause();
  }

  /* Whether the help notice shows (the start screen then returns to plain by itself). */
  function shown() {
    return !$("help-notice").hidden;
  }

  return { help, forget, shown };
}
