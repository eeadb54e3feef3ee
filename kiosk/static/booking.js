/* "I have a booking": the visitor types the booking code on the kiosk's keypad, or a scanner
   types the booking QR into the field, or the visitor scans the ID card the booking was made
   with, and the kiosk checks the booking in for its ticket. Too early, too late, used or
   unknown is said in words; too late offers a normal ticket, one tap. */

import { api } from "../../static/js/api.js";
import { $, element, fill } from "../../static/js/dom.js";
import { strings } from "./page.js";

const MESSAGES = {
  too_early: "booking_too_early",
  expired: "booking_expired",
  used: "booking_used",
  cancelled: "booking_cancelled",
  closed: "booking_closed",
  unknown_booking: "booking_unknown",
  not_found: "booking_unknown",
};

/* Wire the booking screen; `hooks` come from kiosk.js: show(screen), showTicket(ticket),
   walkIn(serviceCode) for the one-tap normal ticket, request() for kiosk and paper. */
export function bookingScreen(data, hooks) {
  const field = $("booking-code");
  let expiredService = null;

  $("booking-keypad").replaceChildren(
    ...[...data.bookingAlphabet, "⌫"].map((key) => {
      const button = element("button", key === "⌫" ? "key key-back" : "key", key);
      button.type = "button";
      button.dataset.action = "booking-key";
      button.dataset.key = key;
      return button;
    })
  );

  function say(text) {
    $("booking-message").textContent = text || "";
    $("booking-message").hidden = !text;
  }

  function open() {
    field.value = "";
    expiredService = null;
    $("booking-walk-in").hidden = true;
    say("");
    hooks.show("booking");
    field.focus();
  }

  function press(button) {
    const key = button.dataset.key;
    field.value = key === "⌫" ? field.value.slice(0, -1) : (field.value + key).slice(0, 8);
    field.focus();
  }

  function refused(error) {
    say(fill(strings[MESSAGES[error.code] || "booking_failed"], { early: data.earlyMin }));
  }

  async function checkIn() {
    const code = field.value.trim().toUpperCase();
    if (!code) return say(strings.booking_unknown);
    say(strings.booking_checking);
    try {
      const url = data.checkInUrl.replace("CODE", encodeURIComponent(code));
      const ticket = await api("POST", url, hooks.request());
      if (ticket) hooks.showTicket(ticket);
    } catch (error) {
      refused(error);
      if (error.code === "expired") {
        const booking = await api("GET", data.bookingUrl.replace("CODE", encodeURIComponent(code)));
        expiredService = booking && booking.service;
        $("booking-walk-in").hidden = !expiredService;
      }
    }
  }

  /* A card was scanned: check in the booking made with it. True when the card's booking was
     found (checked in, or refused in words on the booking screen); false when the card has
     none, and serves for a walk-in ticket as before. */
  async function checkInCard(text) {
    try {
      const ticket = await api("POST", data.cardCheckInUrl, { ...hooks.request(), id_qr: text });
      if (ticket) hooks.showTicket(ticket);
      return Boolean(ticket);
    } catch (error) {
      if (error.code === "no_booking" || error.code === "bad_id_qr") return false;
      open();
      refused(error);
      return true;
    }
  }

  $("booking-form").addEventListener("submit", (event) => {
    event.preventDefault();
    checkIn();
  });
  field.addEventListener("input", () => {
    field.value = field.value.toUpperCase();
  });

  return {
    actions: {
      booking: open,
      "booking-key": press,
      "booking-walk-in": () => hooks.walkIn(expiredService),
    },
    checkInCard,
  };
}
