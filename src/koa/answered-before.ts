import type { ParameterizedContext } from 'koa';

/** The warning's code, documented in docs/observing.md. */
export const ANSWERED_BEFORE = 'KOA_ALLOW_HEALTHCHECKS_ANSWERED_BEFORE';

/** Longer paths are cut when echoed, so that one request cannot write a line of any length. */
const MAX_PATH = 200;

/** Given once per process: the fix is the same for every app, and one line says it. */
let warned = false;

type Ctx = ParameterizedContext;
type KoaApp = Ctx['app'];

/**
 * Notices a middleware registered before this one that answers requests itself, such as a router: the requests it
 * answers never reach the host check. A Koa middleware never sees those requests, so the watcher looks where every
 * answer goes. From the first request that reaches it, it wraps the `body` setter of that app's own response
 * prototype (the app's, never Koa's): a body (other than `null`) set on a request the check has not seen, and that no
 * probe bypass marked, was answered before it. It also looks once at the middleware registered before it, for a
 * router's `routes()`. Either way it warns once, with the fix, and then stops watching. Middleware that goes first and answers only after
 * `next()` (error handlers, loggers, helmet, compression) sets bodies on requests the check has seen, so it is silent.
 *
 * Returns the function the middleware calls at the start of each request it checks.
 */
export function answeredBeforeWatcher(self: () => unknown, name: string): (ctx: Ctx) => void {
  const checked = new WeakSet<object>();
  const watched = new WeakSet<KoaApp>();
  return (ctx) => {
    if (warned) return;
    checked.add(ctx);
    if (watched.has(ctx.app)) return;
    watched.add(ctx.app);
    const router = routerBefore(ctx.app, self());
    if (router) warn(`a router's routes() is registered before ${name}: the requests it answers never reach the host check.`, name);
    else watchBodies(ctx.app, (answered) => !checked.has(answered) && answered.state?.healthCheck?.probe !== true, name);
  };
}

/** Whether a middleware registered before `middleware` is a router's dispatch: @koa/router marks it with `.router`. */
function routerBefore(app: KoaApp, middleware: unknown): boolean {
  const stack = (app as { middleware?: unknown[] }).middleware ?? [];
  const index = stack.indexOf(middleware);
  return index > 0 && stack.slice(0, index).some((fn) => typeof (fn as { router?: unknown }).router === 'object');
}

/** Wraps the app's response `body` setter until an unchecked request gets a body; then warns and unwraps. */
function watchBodies(app: KoaApp, unchecked: (ctx: Ctx) => boolean, name: string): void {
  const response = app.response as object;
  const accessor = findAccessor(response, 'body');
  if (accessor?.get === undefined || accessor.set === undefined) return;
  const { get, set } = accessor;
  Object.defineProperty(response, 'body', {
    configurable: true,
    enumerable: false,
    get() {
      return get.call(this);
    },
    set(this: { ctx: Ctx }, value: unknown) {
      const ctx = this.ctx;
      try {
        // null is no answer: Koa sets it itself for a 204 or 304, as a CORS preflight before the check gets.
        if (!warned && value !== null && value !== undefined && unchecked(ctx)) {
          warn(`${ctx.method} ${shownPath(ctx)} was answered by a middleware registered before ${name}, so its Host was never checked.`, name);
        }
      } catch {
        // A diagnostic: it never turns an answer into an error.
      }
      if (warned) delete (response as { body?: unknown }).body;
      set.call(this, value);
    },
  });
}

/**
 * The request's path as sent, quoted, cut, and with control characters escaped. Read from the raw target, never from
 * `ctx.path`, which throws for a target Koa cannot parse: this runs for requests the host check never saw.
 */
function shownPath(ctx: Ctx): string {
  const target = ctx.req.url ?? '';
  const path = target.split('?')[0] ?? '';
  const cut = path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function findAccessor(object: object, key: string): PropertyDescriptor | undefined {
  for (let proto: object | null = object; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (descriptor !== undefined) return descriptor;
  }
  return undefined;
}

function warn(what: string, name: string): void {
  if (warned) return;
  warned = true;
  const first = name === 'hostAllowlist()' ? 'probeBypass() and hostAllowlist()' : name;
  process.emitWarning(
    `koa-allow-healthchecks: ${what} Register ${first} first, right after new Koa(): before routers and any ` +
      'middleware that answers requests. Error handlers, loggers and helmet may stay before it.',
    { code: ANSWERED_BEFORE },
  );
}

/** Forgets the warning. For tests. */
export function resetAnsweredBefore(): void {
  warned = false;
}
