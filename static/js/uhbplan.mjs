// The site's script: each behaviour is a module of its own under uhbplan/, installed here on
// the page. Every page works without it; it adds what the NHS.UK design system's own script
// does, in-place updates, drafts, a guarded save and the timeout warning.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";
import * as drafts from "./uhbplan/drafts.mjs";
import * as filters from "./uhbplan/filters.mjs";
import * as panels from "./uhbplan/panels.mjs";
import * as reveals from "./uhbplan/reveals.mjs";
import * as saving from "./uhbplan/saving.mjs";
import { createSession } from "./uhbplan/session.mjs";
import * as timeout from "./uhbplan/timeout.mjs";

initAll();

const site = document.body.dataset;
const session = createSession(window);
filters.install(window);
reveals.install(window);
panels.install(window, { initAll, syncReveals: reveals.syncReveals });
saving.install(window, session, drafts.install(window, session));
timeout.install(window, session, {
  sessionSeconds: Number(site.uhbSessionSeconds || 0),
  warningSeconds: Number(site.uhbWarningSeconds || 0),
});
