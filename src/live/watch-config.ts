import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync, unwatchFile, watch, watchFile, type FSWatcher, type StatsListener } from 'node:fs';
import { dirname } from 'node:path';

/** How long a replaced file (a rename, a new link) must stay unchanged before the change is reported. */
export const WATCH_SETTLE_MS = 100;
/**
 * How long a file written in place must stay unchanged: a writer may pause mid-write, and what it wrote so far can be
 * a valid config that says less than the whole (a YAML file cut before its `probe.paths`).
 */
export const WATCH_IN_PLACE_SETTLE_MS = 1000;
/** How often the files are also polled, for file systems and layouts whose events go unseen. */
export const WATCH_POLL_MS = 1000;

/** A digest of the files' content, which tells a real change from an event that changed nothing. */
export function fingerprintFiles(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    let content: Buffer | string;
    try {
      content = readFileSync(file);
    } catch (error) {
      content = `unreadable: ${String((error as { code?: unknown }).code)}`;
    }
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

/** Which file each path is now (device and inode, through links): a file replaced by a rename or a new link is another. */
function identityOf(files: readonly string[]): string {
  return files
    .map((file) => {
      try {
        const { dev, ino } = statSync(file);
        return `${dev}:${ino}`;
      } catch {
        return 'missing';
      }
    })
    .join(',');
}

/**
 * Calls `onChange` with the files' new fingerprint once their content differs from `applied` (the content in force, and
 * then the content last reported) and has stayed the same for a settling time: {@link WATCH_SETTLE_MS} when a file was
 * replaced whole, as editors, `mv` and the kubelet do, and {@link WATCH_IN_PLACE_SETTLE_MS} when it was written in
 * place, which a writer may do in steps. It listens where configs really
 * change:
 * - the directory of each file, for edits in place and an editor's rename-and-replace;
 * - the directory each file's real path is in, for a symlinked file whose target changes;
 * - any entry of those directories, for the kubelet's ConfigMap and Secret volumes, where the file is a link through
 *   `..data` and an update swaps that link, so no event names the file;
 * - a poll every {@link WATCH_POLL_MS}, for anything that raises no event.
 *
 * Neither the watchers nor the timers keep the process alive.
 */
export function watchConfigFiles(files: readonly string[], applied: string, onChange: (fingerprint: string) => void): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  let known = applied;
  let knownIdentity = identityOf(files);
  let candidate: { fingerprint: string; identity: string; since: number } | undefined;
  let closed = false;

  function settle(): void {
    if (closed) return;
    const seen = fingerprintFiles(files);
    if (seen === known) {
      candidate = undefined;
      return;
    }
    // The first look at a change waits for later ones, a settling time on, that see the same content.
    const identity = identityOf(files);
    if (seen !== candidate?.fingerprint || identity !== candidate.identity) {
      candidate = { fingerprint: seen, identity, since: Date.now() };
      schedule();
      return;
    }
    const settling = identity === knownIdentity ? WATCH_IN_PLACE_SETTLE_MS : WATCH_SETTLE_MS;
    if (Date.now() - candidate.since < settling) {
      schedule();
      return;
    }
    // Reported once: content that is refused is not tried again until it changes.
    candidate = undefined;
    known = seen;
    knownIdentity = identity;
    onChange(seen);
  }

  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(settle, WATCH_SETTLE_MS);
    timer.unref();
  }

  const watchers = [...directoriesOf(files)].map((directory) => watchDirectory(directory, schedule));
  const poll: StatsListener = () => schedule();
  for (const file of files) watchFile(file, { persistent: false, interval: WATCH_POLL_MS }, poll);

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers) watcher?.close();
      for (const file of files) unwatchFile(file, poll);
    },
  };
}

/** Each file's directory and its real path's directory. */
function directoriesOf(files: readonly string[]): Set<string> {
  const directories = new Set<string>();
  for (const file of files) {
    directories.add(dirname(file));
    try {
      directories.add(dirname(realpathSync(file)));
    } catch {
      // A file that is missing now is still watched through its directory and the poll.
    }
  }
  return directories;
}

function watchDirectory(directory: string, onEvent: () => void): FSWatcher | undefined {
  try {
    const watcher = watch(directory, { persistent: false }, onEvent);
    // A directory removed under the watcher (an old ConfigMap revision) ends it; the poll still runs.
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}
