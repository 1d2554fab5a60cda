// Peer for the SessionAuth benchmark: Fastify 5 + @fastify/session + connect-redis (the `redis` client),
// two cluster workers. GET /Dashboard renders the app's dashboard from the session; anonymous -> 302 /login.
// `node fastify.js --port N --redis redis://127.0.0.1:PORT`; see bench/README.md.
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifySession from '@fastify/session';
import Fastify from 'fastify';
import {
  COOKIE_NAME, csrfTokenValid, dashboardPage, isSignedIn, loginPage, newSessionFacts, redisStore, runCluster, settings, validEmail,
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
    return reply.redirect('/Dashboard', 302);
  });

  app.get('/Dashboard', (request, reply) => {
    if (!isSignedIn(request.session)) {
      return reply.redirect('/login', 302);
    }
    return html(reply, 200, dashboardPage(request.session, request.session.sessionId, config.instance, 'Redis (connect-redis)'));
  });

  app.post('/logout', async (request, reply) => {
    if (!isSignedIn(request.session) || !csrfTokenValid(request.session, request.body?._csrf)) {
      return html(reply, 400, loginPage('The form has expired: sign in again.'));
    }
    await request.session.destroy();
    reply.clearCookie(COOKIE_NAME, { path: '/' });
    return reply.redirect('/login', 302);
  });

  await app.listen({ port: config.port, host: '127.0.0.1' });
}
