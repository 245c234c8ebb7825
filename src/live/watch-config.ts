import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, unwatchFile, watch, watchFile, type FSWatcher, type StatsListener } from 'node:fs';
import { dirname } from 'node:path';

/** How long the files must stay unchanged before a change is reported: writers take several steps. */
export const WATCH_SETTLE_MS = 100;
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

/**
 * Calls `onChange` with the files' new fingerprint once their content differs from `applied` (the content in force, and
 * then the content last reported) and has stayed the same for {@link WATCH_SETTLE_MS}, so that a file still being
 * written is never reported. It listens where configs really
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
  let candidate: string | undefined;
  let closed = false;

  function settle(): void {
    if (closed) return;
    const seen = fingerprintFiles(files);
    if (seen === known) {
      candidate = undefined;
      return;
    }
    // The first look at a change waits for a second one, a settling time later, that sees the same content.
    if (seen !== candidate) {
      candidate = seen;
      schedule();
      return;
    }
    // Reported once: content that is refused is not tried again until it changes.
    candidate = undefined;
    known = seen;
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
