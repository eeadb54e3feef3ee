/* The announcement page: play the saved announcement of a sample call, as the hall hears it.
 * The address changes at each play, so a cached older version is never what is heard. */

import { $ } from "../../static/js/dom.js";
import { toast } from "./page.js";

const button = $("play-sample");
const audio = $("sample-audio");

button.addEventListener("click", () => {
  const language = document.querySelector('[name="language"]:checked');
  const url = new URL(button.dataset.sampleUrl, window.location.href);
  if (language) url.searchParams.set("lang", language.value);
  url.searchParams.set("at", String(Date.now()));
  audio.src = url.toString();
  audio.play().catch((error) => toast(String(error.message || error), "error"));
});
