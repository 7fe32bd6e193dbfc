// A loopback OpenID Connect provider for CohortDashboard's tests and for trying OIDC sign-in by hand.
// NOT for production: fixed test users, any password, in-memory state, keys made up at start.
//
//   node server.mjs --port 5091 --client-id cohortdashboard --client-secret dev-secret \
//     --redirect-uri http://localhost:5080/signin-oidc --post-logout-redirect-uri http://localhost:5080/signin
//
// (those are the defaults, except the secret: without one the client is public and relies on PKCE alone).
// --redirect-uri and --post-logout-redirect-uri may be repeated. --port 0 takes any free port; the first line printed
// says which ("... listening on 127.0.0.1:<port>"), and the issuer follows it unless --issuer is given.
//
// Test-only extras: POST /test/client with {"redirect_uris": [...], "post_logout_redirect_uris": [...]} replaces the
// client's registered URIs (a test starts the provider first, on a port it binds itself, and learns the app's address
// only later). POST /test/rotate-keys replaces the signing key (new kid), as a provider's key rotation would.
// POST /test/id-token-mode with a body of one mode makes the token endpoint hand out broken id_tokens until reset with
// "normal": bad-signature, wrong-audience, wrong-issuer, expired, wrong-nonce, alg-none (see breakIdToken).
import http from 'node:http';
import { createPrivateKey, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '5091' },
    issuer: { type: 'string' },
    'client-id': { type: 'string', default: 'cohortdashboard' },
    'client-secret': { type: 'string', default: '' },
    'redirect-uri': { type: 'string', multiple: true, default: ['http://localhost:5080/signin-oidc', 'http://127.0.0.1:5080/signin-oidc'] },
    'post-logout-redirect-uri': { type: 'string', multiple: true, default: ['http://localhost:5080/signin', 'http://127.0.0.1:5080/signin'] },
  },
});
const port = Number(args.port);
let issuer = args.issuer; // known once listening when the port is 0
let redirectUris = args['redirect-uri'];
let postLogoutRedirectUris = args['post-logout-redirect-uri'];

// Who can sign in. The org is the demo data's org name (any case) or id; nora has none, uma's does not exist,
// victor's role is not one of ours.
const users = {
  alice: { name: 'Alice Admin', role: 'admin', org: 'Northwind Learning', owner_id: 'rep-02' },
  bob: { name: 'Bob Analyst', role: 'analyst', org: 'northwind learning' },
  carol: { name: 'Carol Manager', role: 'account_manager', org: 'Northwind Learning', owner_id: 'rep-01' },
  nora: { name: 'Nora Noorg', role: 'analyst' },
  uma: { name: 'Uma Unknown', role: 'analyst', org: 'Umbrella Corporation' },
  victor: { name: 'Victor Viewer', role: 'viewer', org: 'Northwind Learning' },
};

const html = (title, body) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:sans-serif;max-width:28rem;margin:2rem auto">${body}</body></html>`;
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function newSigningKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
}

const cookieKeys = [randomBytes(32).toString('hex')];
const secret = args['client-secret'];

function createProvider(signingKey) {
  const provider = new Provider(issuer, {
    clients: [{
      client_id: args['client-id'],
      ...(secret ? { client_secret: secret, token_endpoint_auth_method: 'client_secret_post' } : { token_endpoint_auth_method: 'none' }),
      redirect_uris: redirectUris,
      post_logout_redirect_uris: postLogoutRedirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: cookieKeys },
    pkce: { required: () => true },
    // Our claims ride in the id_token (the app reads no user-info endpoint).
    claims: { openid: ['sub'], profile: ['name', 'role', 'org', 'owner_id'] },
    conformIdTokenClaims: false,
    async findAccount(_ctx, id) {
      const user = users[id];
      if (!user) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...user }; } };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false }, // ours below: no third-party fonts, fixed users
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = html('Sign out', `<h1>Sign out of the test provider?</h1>${form}` +
            '<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button> ' +
            '<button type="submit" form="op.logoutForm">No, stay signed in</button>');
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = html('Signed out', '<h1>You are signed out of the test provider.</h1>');
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = html('Error', `<h1>Error</h1>${Object.entries(out).map(([k, v]) => `<p><b>${escape(k)}</b>: ${escape(v)}</p>`).join('')}`);
    },
  });
  provider.on('server_error', (_ctx, error) => console.error('server_error', error));
  return provider;
}

let signingKey = newSigningKey();
let provider; // created once listening (the issuer may name the port)
let idTokenMode = 'normal';
const idTokenModes = ['normal', 'bad-signature', 'wrong-audience', 'wrong-issuer', 'expired', 'wrong-nonce', 'alg-none'];

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const fromB64url = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

function signJwt(header, payload) {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(createPrivateKey({ key: signingKey, format: 'jwk' }));
  return `${input}.${signature.toString('base64url')}`;
}

// A real token with one thing wrong, signed with the provider's real key unless the point is the signature itself.
function breakIdToken(idToken, mode) {
  const [headerPart, payloadPart, signaturePart] = idToken.split('.');
  const header = fromB64url(headerPart);
  const payload = fromB64url(payloadPart);
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'bad-signature': return `${headerPart}.${b64url({ ...payload, role: 'admin', name: 'Mallory' })}.${signaturePart}`;
    case 'wrong-audience': return signJwt(header, { ...payload, aud: 'some-other-client' });
    case 'wrong-issuer': return signJwt(header, { ...payload, iss: 'http://evil.example' });
    case 'expired': return signJwt(header, { ...payload, iat: now - 7200, exp: now - 3600 });
    case 'wrong-nonce': return signJwt(header, { ...payload, nonce: randomBytes(16).toString('base64url') });
    case 'alg-none': return `${b64url({ alg: 'none', typ: 'JWT' })}.${payloadPart}.`;
    default: return idToken;
  }
}

// Rewrites the token endpoint's JSON on its way out (only while a broken mode is set).
function rewriteTokenResponse(res) {
  const end = res.end.bind(res);
  res.end = (chunk, ...rest) => {
    try {
      const body = JSON.parse(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
      if (body.id_token) body.id_token = breakIdToken(body.id_token, idTokenMode);
      const text = JSON.stringify(body);
      if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(text));
      return end(text, ...rest.filter((arg) => typeof arg === 'function'));
    } catch {
      return end(chunk, ...rest);
    }
  };
}

async function readBody(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

async function readForm(req) {
  return Object.fromEntries(new URLSearchParams(await readBody(req)));
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

// Login and consent pages (the provider's own "interactions").
async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params } = details;
  if (req.method === 'GET') {
    if (prompt.name === 'login') {
      return send(res, 200, html('Sign in', `<h1>Test provider sign-in</h1>
        <p>Users: ${Object.keys(users).join(', ')} (any password).</p>
        <form method="post" action="/interaction/${uid}/login" autocomplete="off">
          <p><label>Login <input name="login" required autofocus></label></p>
          <p><label>Password <input name="password" type="password" required></label></p>
          <button type="submit">Sign in</button>
        </form>`));
    }
    return send(res, 200, html('Consent', `<h1>Allow ${escape(params.client_id)}?</h1>
      <p>It asks for: ${escape(params.scope)}</p>
      <form method="post" action="/interaction/${uid}/confirm"><button type="submit" autofocus>Continue</button></form>`));
  }
  if (action === 'login') {
    const form = await readForm(req);
    if (!users[form.login]) {
      return send(res, 200, html('Sign in', `<p>Unknown user ${escape(form.login)}.</p><a href="/interaction/${uid}">Back</a>`));
    }
    return provider.interactionFinished(req, res, { login: { accountId: form.login } }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return send(res, 404, 'not found', 'text/plain');
}

const server = http.createServer(async (req, res) => {
  try {
    if (!provider) return send(res, 503, 'starting', 'text/plain');
    const url = new URL(req.url, issuer);
    const match = /^\/interaction\/([^/]+)(?:\/(login|confirm))?$/.exec(url.pathname);
    if (match) return await interaction(req, res, match[1], match[2]);
    if (req.method === 'POST' && url.pathname === '/test/rotate-keys') {
      signingKey = newSigningKey();
      provider = createProvider(signingKey);
      return send(res, 200, JSON.stringify({ kid: signingKey.kid }), 'application/json');
    }
    if (req.method === 'POST' && url.pathname === '/test/client') {
      const uris = JSON.parse(await readBody(req));
      const valid = (list) => Array.isArray(list) && list.length > 0 && list.every((u) => typeof u === 'string' && URL.canParse(u));
      if (!valid(uris.redirect_uris) || !valid(uris.post_logout_redirect_uris)) {
        return send(res, 400, 'redirect_uris and post_logout_redirect_uris must be non-empty lists of URLs', 'text/plain');
      }
      redirectUris = uris.redirect_uris;
      postLogoutRedirectUris = uris.post_logout_redirect_uris;
      provider = createProvider(signingKey);
      return send(res, 200, JSON.stringify({ redirect_uris: redirectUris }), 'application/json');
    }
    if (req.method === 'POST' && url.pathname === '/test/id-token-mode') {
      const mode = (await readBody(req)).trim();
      if (!idTokenModes.includes(mode)) return send(res, 400, `unknown mode; use one of ${idTokenModes.join(', ')}`, 'text/plain');
      idTokenMode = mode;
      return send(res, 200, JSON.stringify({ mode }), 'application/json');
    }
    if (idTokenMode !== 'normal' && req.method === 'POST' && url.pathname === '/token') rewriteTokenResponse(res);
    return provider.callback()(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) send(res, 500, html('Error', `<p>${escape(error.message)}</p>`));
  }
});

server.listen(port, '127.0.0.1', () => {
  const { port: bound } = server.address();
  issuer ??= `http://127.0.0.1:${bound}`;
  provider = createProvider(signingKey);
  console.log(`test OIDC provider ${issuer} listening on 127.0.0.1:${bound}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
