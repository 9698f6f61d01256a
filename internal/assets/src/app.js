// Entry point of the site's script. Everything here is progressive
// enhancement: every page works with this file blocked, and it is loaded
// from a file (never inline) so pages can forbid inline script with CSP.
//
// Link it as <script src="{{asset "app.js"}}" defer></script>.

import { enableConfirm } from "./confirm.js";
import { enableAutosubmit } from "./autosubmit.js";
import { enablePolling } from "./poll.js";
import { enableDropzones } from "./dropzone.js";

function start() {
  enableConfirm(document);
  enableAutosubmit(document);
  enablePolling(document);
  enableDropzones(document);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start, { once: true });
} else {
  start();
}
