/* A service's guide in its dialog: the papers to bring (one per line), the fee, the processing
 * time, the legal basis and whether the ticket prints the papers (the item's `guide`, or null
 * when all are empty). Registered as the form widget "guide"; the server checks it again. */

import { widgets } from "./page.js";

const TEXTS = ["fee", "processing", "legal_basis"];

function field(element, name) {
  return element.querySelector(`[name="guide-${name}"]`);
}

widgets.guide = {
  read(element) {
    const papers = field(element, "papers")
      .value.split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    const guide = { papers, print_checklist: field(element, "print_checklist").checked };
    for (const name of TEXTS) guide[name] = field(element, name).value.trim() || null;
    const empty = !papers.length && TEXTS.every((name) => !guide[name]);
    return empty ? null : guide;
  },
  write(element, value) {
    const guide = value || {};
    field(element, "papers").value = (guide.papers || []).join("\n");
    for (const name of TEXTS) field(element, name).value = guide[name] || "";
    field(element, "print_checklist").checked = Boolean(guide.print_checklist);
  },
};
