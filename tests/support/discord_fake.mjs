// A loopback fake of the few Discord REST API v10 endpoints Tenure calls (issue 11). Written
// because no public peer exists for them (ENGINEERING.md habit 13: real peers on loopback;
// the OAuth2 side is npm's oauth2-mock-server, not this file).
//
//   node tests/support/discord_fake.mjs --port 0 --bot-token T
//        [--limit N] [--window-ms MS] [--global-limit N]
//
// The first stdout line is "PORT <n>". Importable too: startDiscordFake(options) resolves to
// { url, port, apiBase, state, stop }.
//
// What it enforces, after Discord's API reference (v10):
// - Routes under /api/v10: GET /users/@me (Bearer), PUT/GET /guilds/{g}/members/{u},
//   PUT/DELETE /guilds/{g}/members/{u}/roles/{r} (Bot), POST /webhooks/{id}/{token}[?wait=true]
//   (no auth). Status codes and JSON error bodies {code, message, errors?} as Discord sends
//   them: 401 code 0, 403 50025 (access token not that user's), 404 10004/10007/10011/10015,
//   401 50027 (wrong webhook token), 400 50035 "Invalid Form Body" with Discord's nested
//   `errors`, 400 50006 (empty message).
// - Rate limits: per-route buckets keyed by method + route + major parameter (guild id, or
//   webhook id + token), `limit` per `windowMs` (small defaults so tests reach them), and a
//   global limit; X-RateLimit-Limit/Remaining/Reset/Reset-After/Bucket on every answer of a
//   known route; 429 with Retry-After, X-RateLimit-Scope (and X-RateLimit-Global) and the
//   body {message, retry_after (float seconds), global}.
// - Embeds: title 256, description 4096, at most 25 fields (name 256, value 1024), footer
//   2048, author name 256, timestamp ISO8601, 6000 characters in all, at most 10 embeds.
//
// What it does not: permissions and role hierarchy (any role the guild has can be granted),
// Cloudflare's invalid-request bans, nicknames/mute/deaf, the gateway, OAuth2 token issue
// (tokens are registered by the test), shared-resource buckets across routes, files.
// Windows run on the wall clock: a test that moves Tenure's test clock does not move these.
//
// Test controls under /_fake (not Discord's, no auth), all JSON:
//   POST   /_fake/guilds                      {id, roles: [ids], name?}
//   POST   /_fake/users                       {id, username, global_name?, avatar?, access_tokens: [..]}
//   POST   /_fake/webhooks                    {id, token, channel_id?, guild_id?}
//   PUT    /_fake/guilds/{g}/members/{u}      {roles: [ids]}  roles set "by hand" (adds the member)
//   DELETE /_fake/guilds/{g}/members/{u}      the member leaves
//   GET    /_fake/guilds/{g}/members/{u}      {roles} or 404
//   GET    /_fake/calls[?since=SEQ]           {calls: [{seq, method, path, route, query, body, headers, status}]}
//   GET    /_fake/webhooks/{id}/messages      {messages: [...]}
//   POST   /_fake/failures                    {status: 429|500, count?, route?, global?, scope?, retry_after?}
//   PUT    /_fake/rate-limits                 {limit?, window_ms?, global_limit?} (and clears buckets)
//   POST   /_fake/reset                       forgets everything but the options
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const API = '/api/v10';
const DISCORD_EPOCH_MS = 1420070400000n;
const RECORDED_HEADERS = ['authorization', 'x-audit-log-reason', 'content-type', 'user-agent'];

// A route is "METHOD template"; `major` names the top-level resource Discord keys buckets on.
const ROUTES = [
  { method: 'GET', template: '/users/@me', auth: 'bearer', handler: getCurrentUser },
  { method: 'PUT', template: '/guilds/{guild_id}/members/{user_id}', auth: 'bot', major: ['guild_id'], handler: addGuildMember },
  { method: 'GET', template: '/guilds/{guild_id}/members/{user_id}', auth: 'bot', major: ['guild_id'], handler: getGuildMember },
  { method: 'PUT', template: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', auth: 'bot', major: ['guild_id'], handler: addMemberRole },
  { method: 'DELETE', template: '/guilds/{guild_id}/members/{user_id}/roles/{role_id}', auth: 'bot', major: ['guild_id'], handler: removeMemberRole },
  { method: 'POST', template: '/webhooks/{webhook_id}/{webhook_token}', auth: 'none', major: ['webhook_id', 'webhook_token'], handler: executeWebhook },
].map((route) => ({
  ...route,
  name: `${route.method} ${route.template}`,
  pattern: new RegExp(`^${route.template.replace(/[@]/g, '\\@').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
  // Discord's bucket ids are opaque and exclude the major parameter.
  bucket: createHash('sha1').update(`${route.method} ${route.template}`).digest('hex').slice(0, 32),
}));

class DiscordError {
  constructor(status, code, message, errors) {
    this.status = status;
    this.body = { message, code };
    if (errors) this.body.errors = errors;
  }
}
const unauthorized = () => new DiscordError(401, 0, '401: Unauthorized');
const notFound = () => new DiscordError(404, 0, '404: Not Found');
const unknown = (code, what) => new DiscordError(404, code, `Unknown ${what}`);
const fieldError = (code, message) => ({ _errors: [{ code, message }] });
const invalidForm = (errors) => new DiscordError(400, 50035, 'Invalid Form Body', errors);

function emptyState() {
  return {
    guilds: new Map(),  // id -> { id, name, roles: Set, members: Map(user id -> member) }
    users: new Map(),  // id -> user object
    accessTokens: new Map(),  // token -> user id
    webhooks: new Map(),  // id -> { id, token, channel_id, guild_id, messages: [] }
    calls: [],
    seq: 0,
    buckets: new Map(),  // bucket + major -> { count, resetAt }
    global: { count: 0, resetAt: 0 },
    failures: [],  // injected: { status, remaining, route, global, scope, retryAfter }
    messageSeq: 0,
  };
}

// A snowflake whose timestamp is now, as Discord's are.
function snowflake(state) {
  state.messageSeq += 1;
  return ((BigInt(Date.now()) - DISCORD_EPOCH_MS) << 22n | BigInt(state.messageSeq & 0xfff)).toString();
}

function memberObject(state, member) {
  return {
    user: state.users.get(member.userId) || { id: member.userId },
    nick: null,
    avatar: null,
    roles: [...member.roles],
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

function getCurrentUser(ctx) {
  const match = /^Bearer (.+)$/.exec(ctx.headers.authorization || '');
  const userId = match && ctx.state.accessTokens.get(match[1]);
  if (!userId) throw unauthorized();
  return { status: 200, body: ctx.state.users.get(userId) };
}

function guildOf(ctx) {
  const guild = ctx.state.guilds.get(ctx.params.guild_id);
  if (!guild) throw unknown(10004, 'Guild');
  return guild;
}

function memberOf(ctx, guild) {
  const member = guild.members.get(ctx.params.user_id);
  if (!member) throw unknown(10007, 'Member');
  return member;
}

function addGuildMember(ctx) {
  const body = ctx.json;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidForm({ _errors: [{ code: 'DICT_TYPE_CONVERT', message: 'Only dictionaries may be used in a DictType' }] });
  }
  if (typeof body.access_token !== 'string') {
    throw invalidForm({ access_token: fieldError('BASE_TYPE_REQUIRED', 'This field is required') });
  }
  if (body.roles !== undefined && (!Array.isArray(body.roles) || body.roles.some((r) => typeof r !== 'string'))) {
    throw invalidForm({ roles: fieldError('BASE_TYPE_BAD_TYPE', 'Must be an array of snowflakes.') });
  }
  const guild = guildOf(ctx);
  // Discord: 50025 when the token is invalid or was granted by another user than the URL's.
  if (ctx.state.accessTokens.get(body.access_token) !== ctx.params.user_id) {
    throw new DiscordError(403, 50025, 'Invalid OAuth2 access token');
  }
  if (guild.members.has(ctx.params.user_id)) return { status: 204 };
  for (const role of body.roles || []) {
    if (!guild.roles.has(role)) throw unknown(10011, 'Role');
  }
  const member = { userId: ctx.params.user_id, roles: new Set(body.roles || []), joinedAt: new Date().toISOString() };
  guild.members.set(member.userId, member);
  return { status: 201, body: memberObject(ctx.state, member) };
}

function getGuildMember(ctx) {
  const guild = guildOf(ctx);
  return { status: 200, body: memberObject(ctx.state, memberOf(ctx, guild)) };
}

function changeMemberRole(ctx, apply) {
  const guild = guildOf(ctx);
  const member = memberOf(ctx, guild);
  if (!guild.roles.has(ctx.params.role_id)) throw unknown(10011, 'Role');
  apply(member.roles, ctx.params.role_id);
  return { status: 204 };
}
function addMemberRole(ctx) {
  return changeMemberRole(ctx, (roles, role) => roles.add(role));
}

function removeMemberRole(ctx) {
  return changeMemberRole(ctx, (roles, role) => roles.delete(role));
}

function embedErrors(embeds) {
  const errors = {};
  const put = (path, code, message) => {
    let node = errors;
    for (const key of path) node = node[key] ||= {};
    node._errors = [{ code, message }];
  };
  const maxLength = (path, value, max) => {
    if (value === undefined || value === null) return 0;
    if (typeof value !== 'string') put(path, 'BASE_TYPE_BAD_TYPE', 'Must be a string.');
    else if (value.length > max) put(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    return typeof value === 'string' ? value.length : 0;
  };
  if (!Array.isArray(embeds)) {
    put(['embeds'], 'BASE_TYPE_BAD_TYPE', 'Must be an array.');
    return errors;
  }
  if (embeds.length > 10) put(['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  let total = 0;
  embeds.forEach((embed, i) => {
    const at = ['embeds', String(i)];
    if (!embed || typeof embed !== 'object' || Array.isArray(embed)) {
      put(at, 'DICT_TYPE_CONVERT', 'Only dictionaries may be used in a DictType');
      return;
    }
    total += maxLength([...at, 'title'], embed.title, 256);
    total += maxLength([...at, 'description'], embed.description, 4096);
    if (embed.footer) total += maxLength([...at, 'footer', 'text'], embed.footer.text, 2048);
    if (embed.author) total += maxLength([...at, 'author', 'name'], embed.author.name, 256);
    if (embed.timestamp !== undefined &&
        (typeof embed.timestamp !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(embed.timestamp) ||
         Number.isNaN(Date.parse(embed.timestamp)))) {
      put([...at, 'timestamp'], 'DATE_TIME_TYPE_PARSE', 'Could not parse timestamp. Should be ISO8601.');
    }
    if (embed.fields !== undefined) {
      if (!Array.isArray(embed.fields)) {
        put([...at, 'fields'], 'BASE_TYPE_BAD_TYPE', 'Must be an array.');
      } else {
        if (embed.fields.length > 25) put([...at, 'fields'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
        embed.fields.forEach((field, j) => {
          const fieldAt = [...at, 'fields', String(j)];
          for (const [key, max] of [['name', 256], ['value', 1024]]) {
            if (typeof field?.[key] !== 'string' || field[key].length === 0) {
              put([...fieldAt, key], 'BASE_TYPE_REQUIRED', 'This field is required');
            } else {
              total += maxLength([...fieldAt, key], field[key], max);
            }
          }
        });
      }
    }
  });
  if (total > 6000) put(['embeds'], 'MESSAGE_EMBEDS_LENGTH_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  return errors;
}

function executeWebhook(ctx) {
  const webhook = ctx.state.webhooks.get(ctx.params.webhook_id);
  if (!webhook) throw unknown(10015, 'Webhook');
  if (webhook.token !== ctx.params.webhook_token) throw new DiscordError(401, 50027, 'Invalid Webhook Token');
  const body = ctx.json;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidForm({ _errors: [{ code: 'DICT_TYPE_CONVERT', message: 'Only dictionaries may be used in a DictType' }] });
  }
  const errors = {};
  if (body.content !== undefined && body.content !== null) {
    if (typeof body.content !== 'string') errors.content = fieldError('BASE_TYPE_BAD_TYPE', 'Must be a string.');
    else if (body.content.length > 2000) errors.content = fieldError('BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  if (body.embeds !== undefined && body.embeds !== null) Object.assign(errors, embedErrors(body.embeds));
  if (Object.keys(errors).length > 0) throw invalidForm(errors);
  const embeds = body.embeds || [];
  if (!body.content && embeds.length === 0) throw new DiscordError(400, 50006, 'Cannot send an empty message');
  const message = {
    id: snowflake(ctx.state),
    type: 0,
    channel_id: webhook.channel_id,
    webhook_id: webhook.id,
    author: { id: webhook.id, username: body.username || 'Tenure', avatar: null, discriminator: '0000', bot: true },
    content: body.content || '',
    embeds: embeds.map((embed) => ({ type: 'rich', ...embed })),
    attachments: [],
    mentions: [],
    mention_roles: [],
    pinned: false,
    mention_everyone: false,
    tts: false,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    flags: 0,
    components: [],
  };
  webhook.messages.push(message);
  return ctx.query.get('wait') === 'true' ? { status: 200, body: message } : { status: 204 };
}

function secondsText(ms) {
  return (Math.max(ms, 0) / 1000).toFixed(3);
}

// Counts the request in its bucket and the global window; returns the headers to send and,
// when a limit is exceeded, the 429 to answer.
function takeRateLimit(state, options, route, params, now) {
  const major = (route.major || []).map((name) => params[name]).join('/');
  const key = `${route.bucket}:${major}`;
  let bucket = state.buckets.get(key);
  if (!bucket || now >= bucket.resetAt) {
    bucket = { count: 0, resetAt: now + options.windowMs };
    state.buckets.set(key, bucket);
  }
  if (now >= state.global.resetAt) state.global = { count: 0, resetAt: now + 1000 };
  bucket.count += 1;
  state.global.count += 1;
  const headers = {
    'X-RateLimit-Limit': String(options.limit),
    'X-RateLimit-Remaining': String(Math.max(options.limit - bucket.count, 0)),
    'X-RateLimit-Reset': (bucket.resetAt / 1000).toFixed(3),
    'X-RateLimit-Reset-After': secondsText(bucket.resetAt - now),
    'X-RateLimit-Bucket': route.bucket,
  };
  if (state.global.count > options.globalLimit) {
    return { headers, limited: rateLimited(state.global.resetAt - now, true, 'global') };
  }
  if (bucket.count > options.limit) {
    return { headers, limited: rateLimited(bucket.resetAt - now, false, 'user') };
  }
  return { headers, limited: null };
}

function rateLimited(waitMs, global, scope) {
  const retryAfter = Number(secondsText(waitMs));
  const headers = { 'Retry-After': String(Math.ceil(retryAfter)), 'X-RateLimit-Scope': scope };
  if (global) headers['X-RateLimit-Global'] = 'true';
  const message = scope === 'shared' ? 'The resource is being rate limited.' : 'You are being rate limited.';
  return { status: 429, headers, body: { message, retry_after: retryAfter, global } };
}

// The first injected failure that applies to this route, used up by one.
function takeInjectedFailure(state, route) {
  const failure = state.failures.find((f) => f.remaining > 0 && (!f.route || f.route === route.name));
  if (!failure) return null;
  failure.remaining -= 1;
  if (failure.status === 429) {
    return rateLimited(failure.retryAfter * 1000, failure.global, failure.global ? 'global' : failure.scope);
  }
  return { status: failure.status, headers: {}, body: { message: '500: Internal Server Error', code: 0 } };
}

function authorized(route, headers, options) {
  if (route.auth === 'bot') return headers.authorization === `Bot ${options.botToken}`;
  return true;  // bearer routes check their token themselves; webhooks carry it in the path
}

function handleApi(state, options, req, url, rawBody) {
  const path = url.pathname.slice(API.length) || '/';
  let route = null;
  let params = {};
  for (const candidate of ROUTES) {
    const match = candidate.method === req.method && candidate.pattern.exec(path);
    if (match) {
      route = candidate;
      params = Object.fromEntries(Object.entries(match.groups || {}).map(([k, v]) => [k, decodeURIComponent(v)]));
      break;
    }
  }
  if (!route) return { route: null, answer: { status: 404, headers: {}, body: notFound().body } };

  const rate = takeRateLimit(state, options, route, params, Date.now());
  const answer = (() => {
    const injected = takeInjectedFailure(state, route);
    if (injected) return injected;
    if (rate.limited) return rate.limited;
    if (!authorized(route, req.headers, options)) return { status: 401, body: unauthorized().body };
    let json;
    if (rawBody.length > 0) {
      try {
        json = JSON.parse(rawBody);
      } catch {
        return { status: 400, body: { message: '400: Bad Request', code: 0 } };
      }
    }
    try {
      return route.handler({ state, params, headers: req.headers, query: url.searchParams, json });
    } catch (err) {
      if (err instanceof DiscordError) return { status: err.status, body: err.body };
      throw err;
    }
  })();
  // A global 429 is the bot's, not the route's: Discord sends no bucket headers with it.
  const headers = answer.headers && answer.headers['X-RateLimit-Global'] ? {} : { ...rate.headers };
  return { route, answer: { ...answer, headers: { ...headers, ...(answer.headers || {}) } } };
}

function parseJsonOrRaw(text) {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function auditLogReason(header) {
  if (header === undefined) return null;
  try {
    return decodeURIComponent(header);
  } catch {
    return header;
  }
}

function send(res, status, headers, body) {
  const out = { ...headers };
  let payload = '';
  if (body !== undefined && status !== 204) {
    out['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  res.writeHead(status, out);
  res.end(payload);
}

function handleControl(state, options, req, url, rawBody) {
  const body = parseJsonOrRaw(rawBody) || {};
  const parts = url.pathname.split('/').filter(Boolean).slice(1);  // after "_fake"
  const ids = (list) => (list || []).map(String);
  const at = (method, ...shape) =>
    req.method === method && parts.length === shape.length && shape.every((s, i) => s === '*' || s === parts[i]);

  if (at('POST', 'guilds')) {
    state.guilds.set(String(body.id), { id: String(body.id), name: body.name || 'Tenure test guild', roles: new Set(ids(body.roles)), members: new Map() });
    return [201, { id: String(body.id) }];
  }
  if (at('POST', 'users')) {
    const user = { id: String(body.id), username: body.username, global_name: body.global_name ?? null, avatar: body.avatar ?? null, discriminator: '0', public_flags: 0, flags: 0 };
    state.users.set(user.id, user);
    for (const token of ids(body.access_tokens)) state.accessTokens.set(token, user.id);
    return [201, user];
  }
  if (at('POST', 'webhooks')) {
    state.webhooks.set(String(body.id), { id: String(body.id), token: String(body.token), channel_id: String(body.channel_id || '1'), guild_id: body.guild_id ? String(body.guild_id) : null, messages: [] });
    return [201, { id: String(body.id) }];
  }
  if (at('GET', 'webhooks', '*', 'messages')) {
    const webhook = state.webhooks.get(parts[1]);
    return webhook ? [200, { messages: webhook.messages }] : [404, { message: 'no such webhook' }];
  }
  if (parts[0] === 'guilds' && parts[2] === 'members' && parts.length === 4) {
    const guild = state.guilds.get(parts[1]);
    if (!guild) return [404, { message: 'no such guild' }];
    const userId = parts[3];
    if (req.method === 'PUT') {
      for (const role of ids(body.roles)) if (!guild.roles.has(role)) return [400, { message: `no role ${role} in the guild` }];
      const member = guild.members.get(userId) || { userId, joinedAt: new Date().toISOString() };
      member.roles = new Set(ids(body.roles));
      guild.members.set(userId, member);
      return [200, { roles: [...member.roles] }];
    }
    if (req.method === 'DELETE') return guild.members.delete(userId) ? [204] : [404, { message: 'not a member' }];
    if (req.method === 'GET') {
      const member = guild.members.get(userId);
      return member ? [200, { roles: [...member.roles], joined_at: member.joinedAt }] : [404, { message: 'not a member' }];
    }
  }
  if (at('GET', 'calls')) {
    const since = Number(url.searchParams.get('since') || 0);
    return [200, { calls: state.calls.filter((c) => c.seq > since) }];
  }
  if (at('POST', 'failures')) {
    const status = Number(body.status);
    if (status !== 429 && status !== 500) return [400, { message: 'status must be 429 or 500' }];
    if (body.route && !ROUTES.some((r) => r.name === body.route)) return [400, { message: `unknown route ${body.route}` }];
    state.failures.push({
      status,
      remaining: Number(body.count ?? 1),
      route: body.route || null,
      global: Boolean(body.global),
      scope: body.scope || 'user',
      retryAfter: Number(body.retry_after ?? 0.05),
    });
    return [201, { routes: ROUTES.map((r) => r.name) }];
  }
  if (at('PUT', 'rate-limits')) {
    if (body.limit !== undefined) options.limit = Number(body.limit);
    if (body.window_ms !== undefined) options.windowMs = Number(body.window_ms);
    if (body.global_limit !== undefined) options.globalLimit = Number(body.global_limit);
    state.buckets.clear();
    state.global = { count: 0, resetAt: 0 };
    return [200, { limit: options.limit, window_ms: options.windowMs, global_limit: options.globalLimit }];
  }
  if (at('POST', 'reset')) {
    Object.assign(state, emptyState());
    return [204];
  }
  return [404, { message: `no control ${req.method} ${url.pathname}` }];
}

/**
 * Starts the fake on 127.0.0.1. Options: port (0: any free one), botToken (required),
 * limit and windowMs (each route bucket; default 5 per 1000 ms), globalLimit (per second,
 * default 50). Resolves to { url, port, apiBase, state, options, stop }.
 */
export function startDiscordFake({ port = 0, botToken, limit = 5, windowMs = 1000, globalLimit = 50 } = {}) {
  if (!botToken) throw new Error('botToken is required');
  const options = { botToken, limit, windowMs, globalLimit };
  const state = emptyState();
  const server = createServer((req, res) => {
    let rawBody = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { rawBody += chunk; });
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1');
      try {
        if (url.pathname.startsWith('/_fake/')) {
          const [status, body] = handleControl(state, options, req, url, rawBody);
          send(res, status, {}, body);
          return;
        }
        if (!url.pathname.startsWith(`${API}/`)) {
          send(res, 404, {}, notFound().body);
          return;
        }
        const { route, answer } = handleApi(state, options, req, url, rawBody);
        state.seq += 1;
        state.calls.push({
          seq: state.seq,
          method: req.method,
          path: url.pathname,
          route: route ? route.name : null,
          query: url.search,
          body: parseJsonOrRaw(rawBody),
          headers: Object.fromEntries(RECORDED_HEADERS.filter((h) => req.headers[h] !== undefined).map((h) => [h, req.headers[h]])),
          // Discord takes the reason URL-encoded (it may hold any Unicode); kept decoded here.
          audit_log_reason: auditLogReason(req.headers['x-audit-log-reason']),
          status: answer.status,
        });
        send(res, answer.status, answer.headers, answer.body);
      } catch (err) {
        process.stderr.write(`discord_fake: ${err.stack}\n`);
        send(res, 500, {}, { message: 'fake broke', code: 0 });
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actualPort = server.address().port;
      const url = `http://127.0.0.1:${actualPort}`;
      resolve({
        url,
        port: actualPort,
        apiBase: `${url}${API}`,
        state,
        options,
        stop: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    const number = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new Error(`bad ${arg}`);
      return n;
    };
    switch (arg) {
      case '--port': options.port = number(); break;
      case '--bot-token': options.botToken = value(); break;
      case '--limit': options.limit = number(); break;
      case '--window-ms': options.windowMs = number(); break;
      case '--global-limit': options.globalLimit = number(); break;
      default: throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!options.botToken) throw new Error('--bot-token T is required');
  return options;
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  const fake = await startDiscordFake(parseArgs(process.argv.slice(2)));
  process.stdout.write(`PORT ${fake.port}\n`);
  for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => fake.stop().then(() => process.exit(0)));
}
