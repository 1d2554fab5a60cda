// The token flow from a browser (/TokenDemo). A module: its variables are not properties of
// window, and the page's strict CSP (script-src 'self') runs it from this file, with no inline code.
//
// The tokens live in the variables below and nowhere else: not localStorage, sessionStorage or a
// cookie, which any script on this origin could read. The page explains why.

const root = document.getElementById("token-demo");
const urls = {
  token: root.dataset.tokenUrl,
  refresh: root.dataset.refreshUrl,
  revoke: root.dataset.revokeUrl,
  me: root.dataset.meUrl,
};

const signInSection = document.getElementById("token-signin");
const form = document.getElementById("token-signin-form");
const result = document.getElementById("token-result");
const statusLine = document.getElementById("token-status");
const errorBox = document.getElementById("token-error");
const expiresField = root.querySelector("[data-testid=token-expires]");
const refreshesField = root.querySelector("[data-testid=token-refreshes]");
const claimsField = root.querySelector("[data-testid=token-claims]");
const revokedNote = document.getElementById("token-revoked-note");
const callsSection = document.getElementById("token-calls-section");
const callList = document.getElementById("token-calls");
const maxCallsShown = 10;
let callCount = 0;

let accessToken = null;
let refreshToken = null;
let expiresAt = 0;
let refreshTimer = 0;
let refreshes = 0;
let revoked = false;

// One API exchange at a time, in order: a refresh due while Revoke is pressed runs first, and
// Revoke then sends the refresh token that refresh produced (a rotated one would count as reuse).
let queue = Promise.resolve();
function run(task) {
  queue = queue.then(async () => {
    root.setAttribute("aria-busy", "true");
    try {
      await task();
    } catch (error) {
      // fetch rejects only when no answer came at all.
      showError(`Could not reach the server (${error.message}). Check the connection and try again.`);
    } finally {
      root.setAttribute("aria-busy", "false");
    }
  });
  return queue;
}

// Both regions stay in the page, empty when there is nothing to say, so screen readers announce changes.
function showStatus(text) {
  statusLine.textContent = text;
}

function showError(text) {
  errorBox.textContent = text;
}

function clearError() {
  errorBox.textContent = "";
}

function clock(date) {
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

function timeElement(date, suffix) {
  const time = document.createElement("time");
  time.dateTime = date.toISOString();
  time.textContent = clock(date);
  const fragment = document.createDocumentFragment();
  fragment.append(time);
  if (suffix) {
    fragment.append(` ${suffix}`);
  }
  return fragment;
}

// Cookies stay out of it: the API takes bearer tokens only, and a page's cookie must not count there.
async function send(method, url, body, bearer) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  if (bearer) {
    headers.Authorization = `Bearer ${bearer}`;
  }
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "omit",
    cache: "no-store",
  });
  logCall(method, url, response.status);
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  return { response, data };
}

// One line per API call, oldest first (a log), the newest few kept: when, what, and the HTTP status.
function logCall(method, url, status) {
  const item = document.createElement("li");
  callCount += 1;
  item.dataset.seq = String(callCount);
  item.dataset.status = String(status);
  item.append(timeElement(new Date(), `${method} ${new URL(url, location.href).pathname} → HTTP ${status}`));
  callList.append(item);
  while (callList.children.length > maxCallsShown) {
    callList.firstElementChild.remove();
  }
  callsSection.hidden = false;
}

// "What failed (HTTP 401): what the server said." from RFC 9457 problem details: the detail (or
// the title), each field's messages of a validation problem, and how long to wait after a 429.
function problem(what, response, data) {
  const said = [];
  if (data && typeof data.detail === "string") {
    said.push(data.detail);
  } else if (data && typeof data.title === "string") {
    said.push(data.title);
  }
  if (data && data.errors && typeof data.errors === "object") {
    for (const messages of Object.values(data.errors)) {
      said.push(...[].concat(messages).map(String));
    }
  }
  const retryAfter = response.headers.get("Retry-After");
  if (response.status === 429 && retryAfter) {
    said.push(`Try again in ${retryAfter} seconds.`);
  }
  const text = said.map((part) => part.replace(/([^.!?])$/, "$1.")).join(" ");
  return `${what} (HTTP ${response.status})${text ? `: ${text}` : "."}`;
}

function adopt(pair) {
  accessToken = pair.access_token;
  refreshToken = pair.refresh_token;
  expiresAt = Date.now() + Number(pair.expires_in) * 1000;
  revoked = false;
  revokedNote.hidden = true;
  expiresField.replaceChildren(timeElement(new Date(expiresAt), `(${pair.expires_in} s after it was issued)`));
  showClaims();
  scheduleRefresh();
}

// The access token's claims, decoded for the person to read (not checked: the server does that).
function showClaims() {
  if (!claimsField) {
    return;
  }
  try {
    const [header, payload] = accessToken.split(".").slice(0, 2).map((part) => {
      const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      return JSON.parse(new TextDecoder().decode(bytes));
    });
    claimsField.textContent = JSON.stringify({ header, payload }, null, 2);
  } catch {
    claimsField.textContent = "(not a JWT this page can read)";
  }
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (refreshToken && !revoked) {
    refreshTimer = setTimeout(() => run(() => refresh("it expired")), Math.max(0, expiresAt - Date.now()));
  }
}

function forget() {
  clearTimeout(refreshTimer);
  accessToken = null;
  refreshToken = null;
  expiresAt = 0;
  revoked = false;
  // Focus in the section about to hide would fall to the page's start: it goes to the heading of the
  // section shown instead. Focus elsewhere (a timed refresh failing while the person reads) stays.
  const focusWasInResult = result.contains(document.activeElement) || document.activeElement === document.body;
  statusLine.textContent = "";
  revokedNote.hidden = true;
  result.hidden = true;
  signInSection.hidden = false;
  if (focusWasInResult) {
    document.getElementById("token-signin-heading").focus();
  }
}

async function signIn() {
  clearError();
  const email = form.elements.email.value.trim();
  const password = form.elements.password.value;
  if (!email || !password) {
    showError("Enter your email address and your password.");
    (email ? form.elements.password : form.elements.email).focus();
    return;
  }

  const { response, data } = await send("POST", urls.token, { email, password });
  if (response.status !== 200 || !data || !data.access_token) {
    showError(problem("Sign-in failed", response, data));
    return;
  }

  form.reset();
  refreshes = 0;
  refreshesField.textContent = "0";
  adopt(data);
  signInSection.hidden = true;
  result.hidden = false;
  showStatus(`Signed in through the API at ${clock(new Date())}: an access token and a refresh token are in this tab's memory.`);
  await callMe(true);
  document.getElementById("token-me-heading").focus();
}

async function refresh(reason) {
  if (!refreshToken) {
    showError("There is no refresh token: sign in again.");
    forget();
    return false;
  }

  const { response, data } = await send("POST", urls.refresh, { refresh_token: refreshToken });
  if (response.status !== 200 || !data || !data.access_token) {
    showError(`${problem("The refresh token was refused", response, data)} Its grant has ended: revoked, expired, or an old refresh token was used again.`);
    forget();
    return false;
  }

  adopt(data);
  refreshes += 1;
  refreshesField.textContent = String(refreshes);
  showStatus(`Access token refreshed at ${clock(new Date())} because ${reason}: a new access token and a new refresh token; the old refresh token no longer works.`);
  return true;
}

async function callMe(mayRefresh) {
  if (!accessToken) {
    showError("There is no access token: sign in again.");
    forget();
    return;
  }

  // An expired token would be refused: refresh first, as an API client does.
  if (Date.now() >= expiresAt && !revoked) {
    if (!(await refresh("it had expired"))) {
      return;
    }
  }

  const { response, data } = await send("GET", urls.me, undefined, accessToken);
  if (response.status === 200 && data) {
    clearError();
    for (const field of root.querySelectorAll("[data-field]")) {
      const value = data[field.dataset.field];
      field.textContent = Array.isArray(value) ? (value.length ? value.join(", ") : "none") : String(value ?? "");
    }
    return;
  }

  if (response.status === 401 && revoked) {
    const why = Date.now() >= expiresAt
      ? "It has expired, and its grant was revoked, so it cannot be refreshed."
      : "Its grant was revoked, and this server checks revocation on every call (Tokens:CheckRevocation).";
    showError(`${problem("The API refused the access token", response, data)} ${why} Sign in again.`);
    forget();
    return;
  }

  if (response.status === 401 && mayRefresh && refreshToken) {
    if (await refresh("the API answered 401")) {
      await callMe(false);
    }
    return;
  }

  showError(`${problem("The API refused the access token", response, data)} Sign in again.`);
  forget();
}

async function revoke() {
  clearError();
  const { response, data } = await send("POST", urls.revoke, { refresh_token: refreshToken });
  if (response.status !== 204) {
    showError(problem("Revoking failed", response, data));
    return;
  }

  // Both tokens stay in memory on purpose, so the person can see what each does now.
  revoked = true;
  clearTimeout(refreshTimer);
  revokedNote.hidden = false;
  showStatus(`Revoked at ${clock(new Date())}: the grant has ended and its refresh token is refused from now on. ${revokedNote.textContent.trim().replace(/\s+/g, " ")} Press "Call /api/me" or "Refresh now" to see it.`);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(signIn);
});
document.getElementById("token-call").addEventListener("click", () => run(() => callMe(true)));
document.getElementById("token-refresh").addEventListener("click", () => run(async () => {
  clearError();
  if (await refresh("you asked")) {
    await callMe(false);
  }
}));
document.getElementById("token-revoke").addEventListener("click", () => run(revoke));

// The script runs: the form can be used (without it the <noscript> text explains).
signInSection.hidden = false;
