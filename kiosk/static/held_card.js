/* The citizen ID card scanned for the next ticket: held a minute at most (a visitor may scan it
   before choosing the service), said on screen (#card-notice), then forgotten once the ticket is
   taken, the time is up, or another visitor's scan replaces it. card.js reads the scan. */

import { $, fill } from "../../static/js/dom.js";
import { strings } from "./page.js";

const CARD_MS = 60000; // a card scanned before the service is chosen counts this long

/* `elderlyAge` is the center's: a holder this old or over gets an elderly priority ticket.
   Answers {held, keep, say, forget, unreadable}. */
export function cardHolder(elderlyAge) {
  let card = null; // {text, birthYear, elderly}
  let timer = null;

  function notice(text, kind) {
    const line = $("card-notice");
    line.textContent = text;
    line.dataset.kind = kind;
    line.hidden = !text;
  }

  function forget() {
    card = null;
    clearTimeout(timer);
    notice("", "");
  }

  return {
    /* The card held for the next ticket, or null. */
    held: () => card,
    /* Hold the card just read (its text and what card.js read of it) for the next ticket. */
    keep(text, read) {
      card = { text, birthYear: read.birthYear, elderly: read.age >= elderlyAge };
      clearTimeout(timer);
      timer = setTimeout(forget, CARD_MS);
      return card;
    },
    /* Say what was read of the card held; `waiting`: the ticket waits for the service. */
    say(waiting) {
      const line = fill(card.elderly ? strings.card_elderly : strings.card_young, {
        year: card.birthYear,
        age: elderlyAge,
      });
      notice(waiting ? line + " " + strings.card_waiting : line, card.elderly ? "elderly" : "read");
    },
    forget,
    /* The scan was no card the kiosk or the server could read: say so; the buttons work as before. */
    unreadable() {
      forget();
      notice(strings.card_bad, "bad");
    },
  };
}
