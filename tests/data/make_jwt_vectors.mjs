// Prints tests/data/jwt_vectors.json: JWTs minted OUTSIDE celeste, with the `jose` npm
// package, so tests/unit/auth/jwt_test.cc checks our verifier against an independent
// implementation rather than against our own minting code.
//
// Regenerate (from the repository root; HS256 is deterministic, so the output is stable):
//   mkdir -p /tmp/jv && (cd /tmp/jv && npm init -y && npm install jose)
//   cp tests/data/make_jwt_vectors.mjs /tmp/jv/
//   node /tmp/jv/make_jwt_vectors.mjs > tests/data/jwt_vectors.json
//
// (The copy is needed because Node resolves `import 'jose'` next to the script.)
//
// Every case names its expected outcome: "ok", "invalid_token" or "token_expired" (the
// contract's error codes). Tests verify each token at the fixed time `now`.

import { SignJWT, base64url } from 'jose';

const SECRET = 'celeste-test-secret-0123456789abcdef';
const AUDIENCE = 'authenticated';
const SUB = '0192f3a4-7b1c-7def-8a12-3456789abcde';
const EMAIL = 'crew@example.org';
const EXP = 4102444800;  // 2100-01-01T00:00:00Z
const IAT = 1767225600;  // 2026-01-01T00:00:00Z
const NOW = 1767229200;  // 2026-01-01T01:00:00Z: the time tests verify at

const key = new TextEncoder().encode(SECRET);
const otherKey = new TextEncoder().encode('not-the-celeste-secret-0123456789');

const b64json = (obj) => base64url.encode(JSON.stringify(obj));

// Standard claims of a good token; `extra` adds or overrides, `omit` removes.
function claims(extra = {}, omit = []) {
  const c = { sub: SUB, email: EMAIL, aud: AUDIENCE, iat: IAT, exp: EXP, ...extra };
  for (const name of omit) delete c[name];
  return c;
}

async function sign(claimSet, { alg = 'HS256', signingKey = key } = {}) {
  return new SignJWT(claimSet).setProtectedHeader({ alg, typ: 'JWT' }).sign(signingKey);
}

const valid = await sign(claims());

// Same header and signature as `valid`, but the payload claims a different user.
const [validHeader, , validSignature] = valid.split('.');
const tampered = [validHeader, b64json(claims({ sub: '0192f3a4-7b1c-7def-8a12-000000000000' })),
  validSignature].join('.');

// Unsecured JWT, built by hand: {"alg":"none"} and an empty signature.
const algNone = [b64json({ alg: 'none' }), b64json(claims()), ''].join('.');

const cases = [
  { name: 'valid', token: valid, expect: 'ok' },
  { name: 'valid_aud_array', token: await sign(claims({ aud: ['other-service', AUDIENCE] })),
    expect: 'ok' },
  { name: 'valid_float_exp', token: await sign(claims({ exp: EXP + 0.5 })), expect: 'ok' },
  { name: 'valid_supabase_shape',
    token: await sign(claims({
      iss: 'https://project.supabase.co/auth/v1', role: 'service_role', aal: 'aal1',
      session_id: '0192f3a4-0000-7000-8000-000000000001', is_anonymous: false,
      app_metadata: { provider: 'email', providers: ['email'] }, user_metadata: {},
    })),
    expect: 'ok' },
  { name: 'valid_without_email', token: await sign(claims({}, ['email'])), expect: 'ok' },
  { name: 'wrong_secret', token: await sign(claims(), { signingKey: otherKey }),
    expect: 'invalid_token' },
  { name: 'alg_none', token: algNone, expect: 'invalid_token' },
  { name: 'alg_hs512', token: await sign(claims(), { alg: 'HS512' }), expect: 'invalid_token' },
  { name: 'expired', token: await sign(claims({ iat: 1599996400, exp: 1600000000 })),
    expect: 'token_expired' },
  { name: 'missing_sub', token: await sign(claims({}, ['sub'])), expect: 'invalid_token' },
  { name: 'empty_sub', token: await sign(claims({ sub: '' })), expect: 'invalid_token' },
  { name: 'missing_exp', token: await sign(claims({}, ['exp'])), expect: 'invalid_token' },
  { name: 'exp_as_string', token: await sign(claims({ exp: String(EXP) })),
    expect: 'invalid_token' },
  { name: 'wrong_audience', token: await sign(claims({ aud: 'anon-service' })),
    expect: 'invalid_token' },
  { name: 'aud_array_without_audience', token: await sign(claims({ aud: ['a', 'b'] })),
    expect: 'invalid_token' },
  { name: 'missing_audience', token: await sign(claims({}, ['aud'])), expect: 'invalid_token' },
  { name: 'not_yet_valid', token: await sign(claims({ nbf: EXP - 3600 })),
    expect: 'invalid_token' },
  { name: 'tampered_payload', token: tampered, expect: 'invalid_token' },
  { name: 'not_a_jwt', token: 'abc', expect: 'invalid_token' },
];

const out = {
  generator: 'tests/data/make_jwt_vectors.mjs (npm package jose)',
  secret: SECRET,
  audience: AUDIENCE,
  now: NOW,
  sub: SUB,
  email: EMAIL,
  exp: EXP,
  cases,
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
