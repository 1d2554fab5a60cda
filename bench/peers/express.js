// Peer for the SessionAuth benchmark: express 5 + express-session + connect-redis (the `redis` client)
// + the `csrf` package (its secret in the session), two cluster workers. GET /Dashboard renders the
// app's dashboard from the session; anonymous -> 302 /login.
// `node express.js --port N --redis redis://127.0.0.1:PORT`; see bench/README.md.
import Tokens from 'csrf';
import express from 'express';
import session from 'express-session';
import {
  COOKIE_NAME, dashboardPage, isSignedIn, loginPage, newSessionFacts, redisStore, runCluster, settings, validEmail,
} from './common.js';

const config = settings('express');
if (runCluster(config)) {
  const store = await redisStore(config);
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));
  app.use(session({
    store,
    name: COOKIE_NAME,
    secret: config.secret,
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: false, path: '/' },
  }));

  // The package @fastify/csrf derives from: a secret per session, a fresh salted token from it per response.
  const tokens = new Tokens();
  const html = (res, status, body) => res.status(status).type('html').send(body);

  app.get('/health', (_req, res) => res.type('text').send('ok'));

  app.get('/login', (_req, res) => html(res, 200, loginPage()));

  // The bench's sign-in: any well-formed email, no password check (see bench/README.md).
  app.post('/login', (req, res, next) => {
    const email = req.body?.email;
    if (!validEmail(email)) {
      html(res, 400, loginPage('Enter an email address.'));
      return;
    }
    // A new id at sign-in, as against session fixation.
    req.session.regenerate((error) => {
      if (error) {
        next(error);
        return;
      }
      Object.assign(req.session, newSessionFacts(email, req.socket.remoteAddress, req.get('user-agent')), { csrfSecret: tokens.secretSync() });
      res.redirect(302, '/Dashboard');
    });
  });

  app.get('/Dashboard', (req, res) => {
    if (!isSignedIn(req.session)) {
      res.redirect(302, '/login');
      return;
    }
    const csrf = tokens.create(req.session.csrfSecret);
    html(res, 200, dashboardPage(req.session, req.sessionID, config.instance, 'Redis (connect-redis)', csrf));
  });

  app.post('/logout', (req, res, next) => {
    if (!isSignedIn(req.session) || typeof req.body?._csrf !== 'string' || !tokens.verify(req.session.csrfSecret, req.body._csrf)) {
      html(res, 400, loginPage('The form has expired: sign in again.'));
      return;
    }
    req.session.destroy((error) => {
      if (error) {
        next(error);
        return;
      }
      res.clearCookie(COOKIE_NAME, { path: '/' });
      res.redirect(302, '/login');
    });
  });

  app.listen(config.port, '127.0.0.1');
}
