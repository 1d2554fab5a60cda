// Passkeys (WebAuthn) for the login and passkeys pages. The server makes the options (a fresh challenge it
// keeps for one use) and checks the answer; this module only hands the options to the browser and posts the
// browser's answer back in the page's own form, with the form's CSRF token. Nothing else on the site needs it.

const supported = typeof window.PublicKeyCredential === "function" && !!navigator.credentials;

// --- JSON <-> WebAuthn, with a fallback for browsers without the parse*FromJSON / toJSON helpers ---

const fromBase64Url = (text) => {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
};

const toBase64Url = (buffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

// The server leaves optional members null; the browser's parsers want them absent.
const withoutNulls = (value) => {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
};

const withIds = (list) => (list || []).map((c) => ({ ...c, id: fromBase64Url(c.id) }));

function creationOptions(json) {
  if (typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function") {
    return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  }
  return {
    ...json,
    challenge: fromBase64Url(json.challenge),
    user: { ...json.user, id: fromBase64Url(json.user.id) },
    excludeCredentials: withIds(json.excludeCredentials),
  };
}

function requestOptions(json) {
  if (typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function") {
    return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  }
  return { ...json, challenge: fromBase64Url(json.challenge), allowCredentials: withIds(json.allowCredentials) };
}

function credentialJson(credential) {
  if (typeof credential.toJSON === "function") {
    return JSON.stringify(credential.toJSON());
  }
  const r = credential.response;
  const response = { clientDataJSON: toBase64Url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toBase64Url(r.attestationObject);
    response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
  } else {
    response.authenticatorData = toBase64Url(r.authenticatorData);
    response.signature = toBase64Url(r.signature);
    if (r.userHandle) response.userHandle = toBase64Url(r.userHandle);
  }
  return JSON.stringify({
    id: credential.id,
    rawId: toBase64Url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response,
  });
}

// --- shared page plumbing ---

function showError(form, message) {
  const box = form.querySelector("[data-passkey-error]");
  if (box) {
    box.textContent = message;
    box.hidden = !message;
  }
}

// The form's own fields carry its CSRF token; the options pages read nothing else.
async function fetchOptions(form) {
  const response = await fetch(form.dataset.optionsUrl, { method: "POST", body: new FormData(form), credentials: "same-origin" });
  if (response.status === 429) throw new Error("Too many attempts from here: wait a minute and try again.");
  if (!response.ok) throw new Error("The server could not start this (it answered " + response.status + "). Try again.");
  return withoutNulls(await response.json());
}

function submitWith(form, field, credential) {
  form.querySelector(`[name="${field}"]`).value = credentialJson(credential);
  // submit(), not requestSubmit(): this module's own submit handler must not run again.
  form.submit();
}

const cancelled = (error) => error && (error.name === "NotAllowedError" || error.name === "AbortError");

// One ceremony per submit: fetch fresh options, let the browser answer them, post the answer in the form.
function runOnSubmit(form, field, ask, cancelledText) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(form, "");
    try {
      submitWith(form, field, await ask(await fetchOptions(form)));
    } catch (error) {
      showError(form, cancelled(error) ? cancelledText
        : error.name === "InvalidStateError" ? "This device already holds a passkey for your account." : error.message);
    }
  });
}

// /Account/Passkeys: add a passkey.
const addForm = document.querySelector("form[data-passkey-add]");
if (addForm && supported) {
  runOnSubmit(addForm, "Input.Credential",
    (json) => navigator.credentials.create({ publicKey: creationOptions(json) }),
    "No passkey was made: the request was cancelled or timed out.");
}

// /Account/Login: sign in with a passkey. No autofill (conditional mediation): a browser that answers a
// conditional request by itself, as Chromium's virtual authenticators do, would sign in with a passkey the
// moment the page opened, taking over a password sign-in. The button asks, and only then.
const signInForm = document.querySelector("form[data-passkey-signin]");
if (signInForm && supported) {
  runOnSubmit(signInForm, "Credential",
    (json) => navigator.credentials.get({ publicKey: requestOptions(json) }),
    "No passkey was chosen: the request was cancelled or timed out.");
}
