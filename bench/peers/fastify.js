// Peer for the SessionAuth benchmark: Fastify 5 + @fastify/session + connect-redis (the `redis` client)
// + @fastify/csrf-protection (its secret in the session), two cluster workers. GET /Dashboard renders
// the app's dashboard from the session; anonymous -> 302 /login.
// `node fastify.js --port N --redis redis://127.0.0.1:PORT`; see bench/README.md.
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifySession from '@fastify/session';
import Fastify from 'fastify';
import {
  COOKIE_NAME, dashboardPage, isSignedIn, loginPage, newSessionFacts, redisStore, runCluster, settings, validEmail,
} from './common.js';

const config = settings('fastify');
if (runCluster(config)) {
  const store = await redisStore(config);
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });
  await app.register(fastifyFormbody);
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    store,
    cookieName: COOKIE_NAME,
    secret: config.secret,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: false, path: '/' },
  });
  // The CSRF secret lives in the session (`_csrf`); reply.generateCsrf() makes a fresh token from it per response.
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });

  const html = (reply, status, body) => reply.code(status).type('text/html; charset=utf-8').send(body);

  app.get('/health', async () => 'ok');

  app.get('/login', (_request, reply) => html(reply, 200, loginPage()));

  // The bench's sign-in: any well-formed email, no password check (see bench/README.md).
  app.post('/login', async (request, reply) => {
    const email = request.body?.email;
    if (!validEmail(email)) {
      return html(reply, 400, loginPage('Enter an email address.'));
    }
    // A new id at sign-in, as against session fixation.
    await request.session.regenerate();
    for (const [key, value] of Object.entries(newSessionFacts(email, request.ip, request.headers['user-agent']))) {
      request.session.set(key, value);
    }
    // The new session's CSRF secret, made and stored now, so every page after this only reads it.
    reply.generateCsrf();
    return reply.redirect('/Dashboard', 302);
  });

  app.get('/Dashboard', (request, reply) => {
    if (!isSignedIn(request.session)) {
      return reply.redirect('/login', 302);
    }
    const csrf = reply.generateCsrf();
    return html(reply, 200, dashboardPage(request.session, request.session.sessionId, config.instance, 'Redis (connect-redis)', csrf));
  });

  // A missing or wrong `_csrf` field is refused (403) by the plugin before this runs.
  app.post('/logout', { preHandler: app.csrfProtection }, async (request, reply) => {
    if (!isSignedIn(request.session)) {
      return html(reply, 400, loginPage('The form has expired: sign in again.'));
    }
    await request.session.destroy();
    reply.clearCookie(COOKIE_NAME, { path: '/' });
    return reply.redirect('/login', 302);
  });

  await app.listen({ port: config.port, host: '127.0.0.1' });
}
