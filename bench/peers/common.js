// What both Node peers share: settings from arguments and environment, the cluster of workers, the
// Redis client and store, the session facts and the HTML of the pages. The web framework, its session
// middleware and its CSRF package differ between express.js and fastify.js.
import cluster from 'node:cluster';
import { createHash, randomBytes } from 'node:crypto';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';

// The app's defaults (Sessions:IdleTimeout, Sessions:AbsoluteTimeout).
export const IDLE_SECONDS = 20 * 60;
export const ABSOLUTE_SECONDS = 8 * 60 * 60;
export const COOKIE_NAME = 'session';

/**
 * `node express.js --port N --redis redis://127.0.0.1:6379` (or PORT, REDIS_URL, WORKERS, SESSION_SECRET).
 * Listens on 127.0.0.1 only.
 */
export function settings(name) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.PORT },
      redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      workers: { type: 'string', default: process.env.WORKERS ?? '2' },
    },
  });
  const port = Number.parseInt(values.port ?? '', 10);
  if (!(port > 0 && port < 65536)) {
    console.error(`${name}: give the port with --port N or PORT=N.`);
    process.exit(2);
  }

  return {
    name,
    port,
    redisUrl: values.redis,
    workers: Math.max(1, Number.parseInt(values.workers, 10) || 2),
    // Every worker signs cookies with the same secret: the primary makes one and hands it down.
    secret: process.env.SESSION_SECRET,
    keyPrefix: `peer-${name}:`,
    instance: `bench-${name}`,
  };
}

/**
 * Node's cluster: the primary forks the workers (one per core by default: 2) and prints `ready` once
 * every one listens; a worker ends when the primary does. Returns true in a worker.
 */
export function runCluster(config) {
  if (!cluster.isPrimary) {
    process.on('disconnect', () => process.exit(0));
    return true;
  }

  const env = { SESSION_SECRET: config.secret ?? randomBytes(32).toString('base64url') };
  let listening = 0;
  cluster.on('listening', () => {
    listening += 1;
    if (listening === config.workers) {
      console.log(`ready: ${config.name} on http://127.0.0.1:${config.port} with ${config.workers} workers`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    console.error(`${config.name}: worker ${worker.process.pid} ended (${signal ?? code}); stopping.`);
    stop(1);
  });
  const stop = (code) => {
    for (const worker of Object.values(cluster.workers ?? {})) {
      worker?.process.kill('SIGTERM');
    }
    process.exit(code);
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  for (let i = 0; i < config.workers; i += 1) {
    cluster.fork(env);
  }
  return false;
}

/** The `redis` client and connect-redis over it, the TTL as the app's: idle, never past the absolute deadline. */
export async function redisStore(config) {
  const client = createClient({ url: config.redisUrl });
  client.on('error', (error) => console.error(`${config.name}: redis: ${error.message}`));
  await client.connect();
  const store = new RedisStore({
    client,
    prefix: config.keyPrefix,
    ttl: (session) => Math.max(1, Math.min(IDLE_SECONDS, Math.ceil((session.absoluteExpiresAt - Date.now()) / 1000))),
  });
  return store;
}

/** The facts a sign-in stores in the session (the bench signs in whatever email it is given). */
export function newSessionFacts(email, clientIp, userAgent) {
  const now = Date.now();
  return {
    email,
    createdAt: now,
    absoluteExpiresAt: now + ABSOLUTE_SECONDS * 1000,
    clientIp,
    userAgent,
  };
}

/** A signed-in session that has not passed its absolute deadline; the middleware has dealt with idle expiry. */
export function isSignedIn(session) {
  return typeof session?.email === 'string' && session.absoluteExpiresAt > Date.now();
}

export function fingerprint(sessionId) {
  return createHash('sha256').update(sessionId).digest('hex').slice(0, 8);
}

const escapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (value) => String(value).replace(/[&<>"']/g, (c) => escapes[c]);
const format = (ms) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
const iso = (ms) => new Date(ms).toISOString();

function layout(title, signedInAs, csrf, body) {
  let user = '';
  let nav = '';
  if (signedInAs) {
    const at = signedInAs.lastIndexOf('@');
    const local = at > 0 ? signedInAs.slice(0, at) : signedInAs;
    const domain = at > 0 ? signedInAs.slice(at) : '';
    nav = `
                        <li class="nav-item"><a class="nav-link active" aria-current="page" href="/Dashboard">Dashboard</a></li>
                        <li class="nav-item"><a class="nav-link" href="/Account/Sessions">Sessions</a></li>
                        <li class="nav-item"><a class="nav-link" href="/Account/Preferences">Preferences</a></li>`;
    user = `
                    <div class="d-flex align-items-center gap-2 nav-user-bar">
                        <span class="navbar-text nav-user" data-testid="signed-in-as" title="${escape(signedInAs)}">
                            <span class="nav-user-label">Signed in as </span><strong><span class="nav-user-local">${escape(local)}</span>${escape(domain)}</strong>
                        </span>
                        <form method="post" action="/logout" class="d-inline">
                            <input name="_csrf" type="hidden" value="${csrf}" />
                            <button type="submit" class="btn btn-sm btn-outline-danger">Sign out</button>
                        </form>
                    </div>`;
  } else {
    user = `
                    <ul class="navbar-nav">
                        <li class="nav-item"><a class="nav-link active" aria-current="page" href="/login">Sign in</a></li>
                    </ul>`;
  }

  return `<!DOCTYPE html>
<html lang="en" data-bs-theme="light">
<head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>${escape(title)} · SessionAuth</title>
    <link rel="stylesheet" href="/lib/bootstrap/dist/css/bootstrap.min.css" />
    <link rel="stylesheet" href="/css/site.css?v=Xb3BtaGhnkc2SMZlNdn4ZS6cBEzOkKafePb3PzOFqhI" />
</head>
<body class="d-flex flex-column min-vh-100">
    <a class="visually-hidden-focusable p-2" href="#main">Skip to content</a>
    <header>
        <nav class="navbar navbar-expand bg-body-tertiary border-bottom mb-4" aria-label="Main">
            <div class="container flex-wrap gap-2">
                <a class="navbar-brand fw-semibold" href="/">SessionAuth</a>
                <ul class="navbar-nav me-auto flex-wrap">
                    <li class="nav-item"><a class="nav-link" href="/">Home</a></li>${nav}
                    <li class="nav-item"><a class="nav-link" href="/TokenDemo">Token demo</a></li>
                </ul>${user}
            </div>
        </nav>
    </header>
    <main id="main" class="container flex-grow-1 pb-4">
${body}
    </main>
    <footer class="border-top py-3 text-body-secondary small">
        <div class="container">SessionAuth · server-side sessions on ASP.NET Core</div>
    </footer>
</body>
</html>
`;
}

/**
 * The app's /Dashboard, the same markup and facts: who, when the session started and ends, where it is served,
 * and (the bench's accounts are never confirmed) the banner whose resend form carries the same token.
 * `csrf` is the sign-out form's token, made per response by the peer's CSRF package from the secret in the session.
 */
export function dashboardPage(session, sessionId, instance, storeName, csrf) {
  const idleExpiresAt = Math.min(Date.now() + IDLE_SECONDS * 1000, session.absoluteExpiresAt);
  const fact = (term, value, attributes = '') => `
            <dt class="col-sm-4">${term}</dt>
            <dd class="col-sm-8"${attributes}>${value}</dd>
`;
  const time = (ms, testId) => `<time datetime="${iso(ms)}"${testId ? ` data-testid="${testId}"` : ''}>${format(ms)}</time>`;
  const body = `
<h1 class="h3 mb-3">Your dashboard</h1>
<p class="lead">Signed in as <strong class="text-break-anywhere" data-testid="dashboard-email">${escape(session.email)}</strong>.</p>

    <div class="alert alert-info d-flex flex-wrap align-items-center gap-2" role="status" data-testid="email-unconfirmed">
        <span class="me-auto">Your email address is not confirmed yet: open the link we mailed you.</span>
        <form method="post" action="/Account/ResendConfirmation" class="d-inline">
            <input name="_csrf" type="hidden" value="${csrf}" />
            <input type="hidden" name="Input.Email" value="${escape(session.email)}" />
            <button type="submit" class="btn btn-sm btn-primary">Send a new link</button>
        </form>
    </div>

<p class="d-flex flex-wrap gap-2">
    <a class="btn btn-outline-secondary btn-sm" href="/Account/Sessions">Your sessions and recent activity</a>
    <a class="btn btn-outline-secondary btn-sm" href="/Account/ChangePassword">Change password</a>
    <a class="btn btn-outline-secondary btn-sm" href="/Account/ChangeEmail">Change email address</a>
</p>

<section class="card" aria-labelledby="session-heading">
    <div class="card-body">
        <h2 id="session-heading" class="h5 card-title">This session</h2>
        <p class="small text-body-secondary" data-testid="time-zone">Times in <strong>UTC</strong> (<a href="/Account/Preferences">change</a>).</p>
        <dl class="row session-facts mb-0">${fact('Started', time(session.createdAt))}${fact('Ends if idle at', time(idleExpiresAt, 'idle-expiry'))}${fact('Ends at the latest', time(session.absoluteExpiresAt, 'absolute-expiry'))}${fact('Served by instance', escape(instance), ' data-testid="instance"')}${fact('Session store', escape(storeName))}${fact('Signed in from', escape(session.clientIp ?? 'unknown address'))}${fact('Browser at sign-in', escape(session.userAgent || 'unknown'))}${fact('Session fingerprint', `<code>${fingerprint(sessionId)}</code> <span class="text-body-secondary small">(a hash: the id itself is never shown)</span>`)}        </dl>
    </div>
</section>
`;
  return layout('Dashboard', session.email, csrf, body);
}

/** The sign-in form. The bench's peers sign in any email without a password check: the bench measures the per-request session path. */
export function loginPage(message) {
  const body = `
<h1 class="h3 mb-3">Sign in</h1>${message ? `
<div class="alert alert-danger" role="alert">${escape(message)}</div>` : ''}
<form method="post" action="/login">
    <div class="mb-3"><label class="form-label" for="email">Email</label><input class="form-control" id="email" name="email" type="email" autocomplete="username" required /></div>
    <div class="mb-3"><label class="form-label" for="password">Password</label><input class="form-control" id="password" name="password" type="password" autocomplete="current-password" /></div>
    <button type="submit" class="btn btn-primary">Sign in</button>
</form>
`;
  return layout('Sign in', null, '', body);
}

/** A form's email field: present, one line, at most 256 characters. */
export function validEmail(email) {
  return typeof email === 'string' && email.length > 0 && email.length <= 256 && email.includes('@') && !/[\r\n]/.test(email);
}
