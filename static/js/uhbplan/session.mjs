// The session as this browser knows it: when the server last heard from it (shared by its
// tabs through localStorage, so the timeout warning knows how long is left; any request to the
// server counts), and whether it is still signed in, with the current security token.

export const ACTIVITY_KEY = "uhbplan:last-activity";

export function createSession(win, { url = win.document.body.dataset.uhbSessionUrl, retryDelayMs = 400 } = {}) {
  let lastActivity = Date.now();

  function touch() {
    lastActivity = Date.now();
    try {
      win.localStorage.setItem(ACTIVITY_KEY, String(lastActivity));
    } catch {
      /* storage may be off: this tab's own clock still works */
    }
  }

  function lastHeard() {
    let shared = 0;
    try {
      shared = Number(win.localStorage.getItem(ACTIVITY_KEY) || 0);
    } catch {
      /* as above */
    }
    return Math.max(lastActivity, shared);
  }

  // Is this browser still signed in? With the current security token when it is. A failure
  // other than "signed out" is tried once more (two requests at once can briefly collide).
  async function state(attempt = 1) {
    try {
      const response = await win.fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.status === 401) return { signedIn: false };
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      touch();
      return { signedIn: true, csrf: data.csrf };
    } catch (error) {
      if (attempt < 2) {
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
        return state(attempt + 1);
      }
      return { problem: error instanceof TypeError ? "network" : "server" };
    }
  }

  touch();
  return { touch, lastHeard, state };
}

// Signing in again (in another tab) gives a new security token: the form takes it.
export function setToken(form, token) {
  form.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach((input) => {
    input.value = token;
  });
}
