/* A service's bookings in its dialog: off, or its slots' length and the visitors each takes
 * (the item's `appointments`, {slot_min, per_slot} or null). Registered as the form widget
 * "appointments"; the server checks the numbers again and says what is wrong. */

import { readJson } from "../../static/js/dom.js";
import { FormError, widgets } from "./page.js";

const words = readJson("appointment-strings");
const DEFAULTS = { slot_min: 15, per_slot: 2 };

function parts(element) {
  return {
    on: element.querySelector('[name="takes-bookings"]'),
    slot: element.querySelector('[name="slot_min"]'),
    perSlot: element.querySelector('[name="per_slot"]'),
  };
}

function sync(element) {
  const { on, slot, perSlot } = parts(element);
  slot.disabled = !on.checked;
  perSlot.disabled = !on.checked;
}

function whole(input, low, high, message) {
  const value = Number(input.value);
  if (input.value.trim() === "" || !Number.isInteger(value) || value < low || value > high) {
    throw new FormError(message);
  }
  return value;
}

widgets.appointments = {
  read(element) {
    const { on, slot, perSlot } = parts(element);
    if (!on.checked) return null;
    return {
      slot_min: whole(slot, 5, 240, words.slot),
      per_slot: whole(perSlot, 1, 100, words.perSlot),
    };
  },
  write(element, value) {
    const { on, slot, perSlot } = parts(element);
    on.checked = Boolean(value);
    slot.value = (value || DEFAULTS).slot_min;
    perSlot.value = (value || DEFAULTS).per_slot;
    sync(element);
  },
};

document.querySelectorAll('[data-widget="appointments"]').forEach((element) => {
  element.addEventListener("change", () => sync(element));
  sync(element);
});
