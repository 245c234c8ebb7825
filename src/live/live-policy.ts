import { existsSync } from 'node:fs';
import { buildSettings, type Settings } from '../config/build-settings';
import { ES_MODULE_RELOAD } from '../config/file-loaders';
import { HealthChecksConfigError } from '../errors';
import { publishReload, type ReloadTrigger } from '../observe/channels';
import type { HealthChecksOptions } from '../options';
import { createHostResolver, type HostResolver, type ResolverCounts } from './host-resolver';
import { fingerprintFiles, watchConfigFiles } from './watch-config';

/** Compiled settings with the resolver (and its cache) they answer with. Immutable once built. */
export interface LiveSettings extends Settings {
  readonly resolver: HostResolver | undefined;
}

/** The policy a guard serves with, swapped whole by `update()`, `reload()` and `watch`. */
export interface LivePolicy {
  /** The settings in force. A request reads this once, at its start, and keeps them to its end. */
  readonly current: LiveSettings;
  update(options?: HealthChecksOptions): void;
  reload(): void;
  close(): void;
}

/**
 * Builds the policy now, as `healthChecks(options)` does, and lets it be replaced while serving. It owns the latest
 * options: `update(options)` replaces them, and `reload()` and `watch` rebuild with them, so a file reload never
 * undoes an update.
 *
 * A replacement is built and validated completely before one reference is swapped, so a request never sees half of an
 * update. Every change is applied or refused loudly: it is published on the reload channel, `ok: true` only once the
 * new policy is in force; an invalid one keeps the old policy, and `update()` and `reload()` throw
 * `HealthChecksConfigError` while `watch` warns. With `watch`, the config file and the files it required are
 * watched, and a change is applied once their content has settled and is the content the new policy was built from.
 */
export function createLivePolicy(options: HealthChecksOptions | undefined, counts: ResolverCounts): LivePolicy {
  let latestOptions = options;
  let current = build(options, undefined);
  let watcher: { close(): void } | undefined;
  let closed = false;

  function build(next: HealthChecksOptions | undefined, previous: LiveSettings | undefined): LiveSettings {
    const settings = buildSettings(next);
    return { ...settings, resolver: resolverFor(settings, previous?.resolver, counts) };
  }

  /** Builds from `next`, swaps it in and publishes `ok: true`; or publishes the problems, keeps the old, and throws. */
  function apply(next: HealthChecksOptions | undefined, trigger: ReloadTrigger, expectedFingerprint?: string): void {
    let built: LiveSettings;
    try {
      if (trigger === 'reload') checkReloadable(current);
      // An update that names no config file of its own keeps to the file in force, as a reload does.
      if (trigger !== 'update' || next?.configFile === undefined) checkFileStillThere(current.filepath);
      built = build(next, current);
      // The files the watcher saw must still hold what it saw, now that the new policy was built from them.
      if (expectedFingerprint !== undefined && fingerprintFiles(current.watchedFiles) !== expectedFingerprint) {
        throw new HealthChecksConfigError({ description: `config file ${built.filepath}`, filepath: built.filepath }, [
          'The file changed while it was being read: it is still being written. The change is applied once it settles.',
        ]);
      }
    } catch (error) {
      const { filepath, problems } = error instanceof HealthChecksConfigError ? error : { filepath: current.filepath, problems: [String(error)] };
      publishReload({ ok: false, trigger, filepath: filepath ?? null, problems });
      throw error;
    }
    current = built;
    latestOptions = next;
    rewatch();
    publishReload({ ok: true, trigger, filepath: current.filepath ?? null, problems: [] });
  }

  function reloadFromWatch(fingerprint: string): void {
    try {
      apply(latestOptions, 'watch', fingerprint);
    } catch (error) {
      const problems = error instanceof HealthChecksConfigError ? error.problems : [error instanceof Error ? error.message : String(error)];
      process.emitWarning(
        `koa-allow-healthchecks: reloading ${current.filepath} failed; the last good policy keeps serving.\n${problems.map((line) => `  - ${line}`).join('\n')}`,
        { code: 'KOA_ALLOW_HEALTHCHECKS_RELOAD_FAILED' },
      );
    }
  }

  /** Watches the files the policy in force was built from, when it says to; the content in force is the baseline. */
  function rewatch(): void {
    watcher?.close();
    watcher = undefined;
    if (closed || !current.watch || current.watchedFiles.length === 0) return;
    watcher = watchConfigFiles(current.watchedFiles, fingerprintFiles(current.watchedFiles), reloadFromWatch);
  }

  rewatch();

  return {
    get current() {
      return current;
    },
    update(next) {
      apply(next, 'update');
    },
    reload() {
      apply(latestOptions, 'reload');
    },
    close() {
      closed = true;
      rewatch();
    },
  };
}

/**
 * A reload keeps to the file it loaded: one that is gone is refused, rather than searching again and serving the
 * defaults or whatever file the search finds next.
 */
function checkFileStillThere(filepath: string | undefined): void {
  if (filepath === undefined || existsSync(filepath)) return;
  throw new HealthChecksConfigError({ description: `config file ${filepath}`, filepath }, [
    'The config file was removed; the last good policy keeps serving. Put the file back, or call update() with a ' +
      'configFile option: another file, or false for none.',
  ]);
}

/** `reload()` of an ES module config is refused: what it would read is what Node evaluated first. */
function checkReloadable(settings: Settings): void {
  if (!settings.esModule || settings.filepath === undefined) return;
  throw new HealthChecksConfigError({ description: `config file ${settings.filepath}`, filepath: settings.filepath }, [
    `reload() cannot read the file again: it is, or loads, an ES module. ${ES_MODULE_RELOAD}`,
  ]);
}

/** The previous resolver when the callback and its limits are unchanged, so that an update keeps the cache warm. */
function resolverFor(settings: Settings, previous: HostResolver | undefined, counts: ResolverCounts): HostResolver | undefined {
  const options = settings.resolverOptions;
  if (options === undefined) return undefined;
  const same =
    previous !== undefined &&
    previous.config.resolveHost === options.resolveHost &&
    previous.config.concurrency === options.concurrency &&
    previous.config.timeout === options.timeout &&
    JSON.stringify(previous.config.cache) === JSON.stringify(options.cache);
  return same ? previous : createHostResolver(options, counts);
}
