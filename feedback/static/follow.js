/* The follow page of one feedback: its kind, status and the center's answer, read from the API
   (the code's page holds nothing of it). The answer is put in as text, never as HTML. */

import { api } from "../../static/js/api.js";
import { $, fill, readJson } from "../../static/js/dom.js";

const data = $("follow").dataset;
const strings = readJson("strings");
const locale = data.language === "en" ? "en-GB" : "vi-VN";

function when(iso) {
  return new Date(iso).toLocaleString(locale, {
    day: "numeric",
    month: "numeric",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: data.timezone,
  });
}

function show(feedback) {
  $("kind").textContent = strings.kind[feedback.kind] || feedback.kind;
  $("status").textContent = strings.status[feedback.status] || feedback.status;
  $("status").dataset.status = feedback.status;
  $("sent").textContent = fill(strings.sent, { time: when(feedback.created_at) });
  if (feedback.reply) {
    $("reply").textContent = feedback.reply;
    $("replied").textContent = fill(strings.replied, { time: when(feedback.replied_at) });
  } else {
    $("reply").textContent = strings.waiting;
    $("replied").textContent = "";
  }
  $("reply-box").dataset.answered = feedback.reply ? "true" : "false";
}

async function load() {
  try {
    show(await api("GET", data.feedbackUrl, undefined, { cache: "no-store" }));
  } catch (error) {
    const message = strings["error_" + error.code];
    $("error").textContent = message || fill(strings.error_other, { message: error.message || error.code });
    $("error").hidden = false;
    $("reply-box").hidden = true;
  }
}

load();
