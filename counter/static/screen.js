/* The screen over a counter: its face, full screen, live from the `/display` pushes. */

import { $ } from "../../static/js/dom.js";
import { mountCounterFace } from "./counter_face.js";

mountCounterFace($("counter-face"));
