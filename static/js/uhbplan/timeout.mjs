// The timeout warning (NHS.UK/GOV.UK pattern): shortly before the idle timeout a dialog
// offers "Stay logged in"; typing counts as activity. After the timeout it says how to sign
// in again, and takes nothing off the page. Escape keeps the person signed in, as the pattern
// asks (it is their "I'm here").

export function words(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

// What a screen reader hears now and then, not every second.
export function spoken(left) {
  if (left >= 60) return words(left);
  return left > 20 ? "under a minute" : "20 seconds";
}

export function install(win, session, { sessionSeconds, warningSeconds, tickMs = 1000 }) {
  const doc = win.document;
  const dialog = doc.getElementById("uhb-timeout");
  if (!dialog || !(sessionSeconds > 0)) return null;
  const countdown = dialog.querySelector(".uhb-timeout__countdown");
  const announce = dialog.querySelector(".uhb-timeout__announce");
  const warning = dialog.querySelector(".uhb-timeout__warning");
  const ended = dialog.querySelector(".uhb-timeout__ended");
  const stay = dialog.querySelector("[data-uhb-stay]");
  let lastAnnounced = null;

  const tick = () => {
    // Rounded up: the page never says "logged out" before the server has done it.
    const left = Math.ceil(sessionSeconds - (Date.now() - session.lastHeard()) / 1000);
    if (left > warningSeconds) {
      if (dialog.open && !warning.hidden) dialog.close(); // activity in another tab
      return;
    }
    if (left <= 0) {
      warning.hidden = true;
      ended.hidden = false;
      if (!dialog.open && dialog.dataset.dismissed !== "true") dialog.showModal();
      return;
    }
    warning.hidden = false;
    ended.hidden = true;
    countdown.textContent = words(left);
    const now = spoken(left);
    if (now !== lastAnnounced) {
      lastAnnounced = now;
      announce.textContent = `We will log you out in ${now}.`;
    }
    if (!dialog.open) {
      dialog.showModal();
      stay.focus();
    }
  };
  const timer = setInterval(tick, tickMs);

  stay.addEventListener("click", async () => {
    const state = await session.state();
    if (state.signedIn) {
      dialog.close();
      lastAnnounced = null;
    } else tick();
  });
  dialog.querySelector("[data-uhb-dismiss]").addEventListener("click", () => {
    dialog.dataset.dismissed = "true";
    dialog.close();
  });
  dialog.addEventListener("cancel", (event) => {
    if (!warning.hidden) {
      event.preventDefault();
      stay.click();
    }
  });
  // Typing counts as activity: keep the session alive at most once a minute while typing.
  let lastPing = Date.now();
  doc.addEventListener("input", () => {
    if (Date.now() - lastPing > 60_000) {
      lastPing = Date.now();
      session.state();
    }
  });
  return { tick, stop: () => clearInterval(timer) };
}
