import { existsSync } from 'node:fs';
import { buildSettings, type Settings } from '../config/build-settings';
import { HealthChecksConfigError } from '../errors';
import { publishReload } from '../observe/channels';
import type { HealthChecksOptions } from '../options';
import { createHostResolver, type HostResolver, type ResolverCounts } from './host-resolver';
import { watchConfigFile } from './watch-config';

/** Compiled settings with the resolver (and its cache) they answer with. Immutable once built. */
export interface LiveSettings extends Settings {
  readonly resolver: HostResolver | undefined;
}

/** The policy a middleware serves with, swapped whole by `update()` and `reload()`. */
export interface LivePolicy {
  /** The settings in force. A request reads this once, at its start, and keeps them to its end. */
  readonly current: LiveSettings;
  update(options?: HealthChecksOptions): void;
  reload(): void;
  close(): void;
}

/**
 * Builds the policy now, as `healthChecks(options)` does, and lets it be replaced while serving. A replacement is
 * built and validated completely before one reference is swapped, so a request never sees half of an update, and an
 * invalid one throws `HealthChecksConfigError` while the old policy keeps serving. With `watch`, the config file is
 * reloaded when it changes; a bad file keeps the last good policy and is reported, never thrown into a request.
 */
export function createLivePolicy(options: HealthChecksOptions | undefined, counts: ResolverCounts): LivePolicy {
  let current = build(options, undefined);
  let watcher: { close(): void } | undefined;

  function build(next: HealthChecksOptions | undefined, previous: LiveSettings | undefined): LiveSettings {
    const settings = buildSettings(next);
    return { ...settings, resolver: resolverFor(settings, previous?.resolver, counts) };
  }

  function reload(): void {
    current = build(options, current);
    if (!current.watch) stopWatching();
  }

  function reloadFromWatch(filepath: string): void {
    try {
      if (!existsSync(filepath)) {
        throw new HealthChecksConfigError({ description: `config file ${filepath}`, filepath }, [
          'The config file was removed; the last good policy keeps serving. Put the file back, or call reload().',
        ]);
      }
      reload();
      publishReload({ ok: true, filepath, problems: [] });
    } catch (error) {
      const problems = error instanceof HealthChecksConfigError ? error.problems : [error instanceof Error ? error.message : String(error)];
      process.emitWarning(
        `koa-allow-healthchecks: reloading ${filepath} failed; the last good policy keeps serving.\n${problems.map((line) => `  - ${line}`).join('\n')}`,
        { code: 'KOA_ALLOW_HEALTHCHECKS_RELOAD_FAILED' },
      );
      publishReload({ ok: false, filepath, problems });
    }
  }

  function stopWatching(): void {
    watcher?.close();
    watcher = undefined;
  }

  const watchedFile = current.watch ? current.filepath : undefined;
  if (watchedFile !== undefined) watcher = watchConfigFile(watchedFile, () => reloadFromWatch(watchedFile));

  return {
    get current() {
      return current;
    },
    update(next) {
      current = build(next, current);
    },
    reload() {
      try {
        reload();
      } catch (error) {
        if (error instanceof HealthChecksConfigError) publishReload({ ok: false, filepath: error.filepath ?? null, problems: error.problems });
        throw error;
      }
      publishReload({ ok: true, filepath: current.filepath ?? null, problems: [] });
    },
    close: stopWatching,
  };
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
