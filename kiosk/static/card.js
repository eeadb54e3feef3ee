/* The citizen ID card (CCCD) at the kiosk. A 2D scanner is a keyboard: it types the card's QR
   text followed by Enter, anywhere on the screen, far faster than a hand types. So a scan is a
   burst of keystrokes a few milliseconds apart ending with Enter; a person typing is not one.
   Only the shape of the text and the birth year are read here, to say on screen what was read;
   the server reads the text again and decides. Nothing of it is stored or sent elsewhere. */

const KEY_GAP_MS = 40; // a scanner's keys come a few ms apart (median); a hand's 80 ms or more
const PAUSE_MS = 200; // a pause this long starts a new burst (a busy page may delay a few keys)
const SCAN_MIN_LENGTH = 20; // a card's text is ~150 characters; a stray burst is shorter
const CARD_PARTS = 7;
const ID_NUMBER = /^[0-9]{12}$/;
const CARD_DATE = /^([0-9]{2})([0-9]{2})([0-9]{4})$/;

function typingInAField(target) {
  return Boolean(
    target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
  );
}

function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/* Call onScan(text) for every scanner burst: at least SCAN_MIN_LENGTH characters whose keys
   came KEY_GAP_MS apart or less (the median: a loaded page may hold back a key or two), then
   Enter. The kiosk takes no typing, so a typed key never presses the button that has focus (a
   scanner's spaces would otherwise tap it). */
export function listenForScans(onScan) {
  let burst = "";
  let gaps = [];
  let lastKeyAt = -Infinity;
  document.addEventListener(
    "keydown",
    (event) => {
      if (typingInAField(event.target) || event.ctrlKey || event.altKey || event.metaKey) return;
      const gap = event.timeStamp - lastKeyAt;
      lastKeyAt = event.timeStamp;
      if (event.key === "Enter") {
        const isScan =
          burst.length >= SCAN_MIN_LENGTH && gap <= PAUSE_MS && median(gaps) <= KEY_GAP_MS;
        const text = burst;
        burst = "";
        gaps = [];
        if (isScan) {
          event.preventDefault();
          onScan(text);
        }
        return;
      }
      if (event.key.length !== 1) return;
      event.preventDefault();
      if (gap > PAUSE_MS) {
        burst = "";
        gaps = [];
      } else {
        gaps.push(gap);
      }
      burst += event.key;
    },
    true
  );
  document.addEventListener(
    "keyup",
    (event) => {
      if (!typingInAField(event.target) && event.key.length === 1) event.preventDefault();
    },
    true
  );
}

function today(timeZone) {
  // "2026-11-30" in the center's time zone: the age is the age on the center's day
  const text = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date());
  const [year, month, day] = text.split("-").map(Number);
  return { year, month, day };
}

/* {birthYear, age} of a card's QR text, or null when the text is not a card's. */
export function readCard(text, timeZone) {
  const parts = text.trim().split("|");
  if (parts.length !== CARD_PARTS || !ID_NUMBER.test(parts[0].trim())) return null;
  const born = CARD_DATE.exec(parts[3].trim());
  if (!born) return null;
  const [day, month, year] = [Number(born[1]), Number(born[2]), Number(born[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  const now = today(timeZone);
  const before = now.month < month || (now.month === month && now.day < day);
  const age = now.year - year - (before ? 1 : 0);
  return age < 0 ? null : { birthYear: year, age };
}
