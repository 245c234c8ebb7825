/** Apps already warned, so that each app is warned once. */
const warnedApps = new WeakSet<object>();

/**
 * Warns once per app when the `trustProxy` option and the app's `app.proxy` differ. The check then validates one
 * header while Koa's `ctx.host` reads the other, so every request on which they disagree is rejected as
 * `host-mismatch`: safe, but probably not what was meant.
 */
export function warnIfProxySettingsDiffer(app: { readonly proxy?: boolean }, trustProxy: boolean | undefined): void {
  if (trustProxy === undefined || trustProxy === (app.proxy === true) || warnedApps.has(app)) return;
  warnedApps.add(app);
  process.emitWarning(
    `koa-allow-healthchecks: trustProxy is ${String(trustProxy)} but app.proxy is ${String(app.proxy === true)}, so ` +
      'Koa reads a different host header from the one validated. Requests whose Host and X-Forwarded-Host differ are ' +
      `rejected (host-mismatch). Set app.proxy = ${String(trustProxy)}, or leave trustProxy unset to follow app.proxy.`,
    { code: 'KOA_ALLOW_HEALTHCHECKS_PROXY_MISMATCH' },
  );
}
