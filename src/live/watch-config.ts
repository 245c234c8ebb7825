import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** How long to wait after the last change before reloading: editors write a file in several steps. */
export const WATCH_DEBOUNCE_MS = 100;

/**
 * Calls `onChange` after the file changes, once changes have stopped for {@link WATCH_DEBOUNCE_MS}. It watches the
 * file's directory, so that an editor that replaces the file (write to a temporary file, then rename) is seen too.
 * Neither the watcher nor its timer keeps the process alive.
 */
export function watchConfigFile(filepath: string, onChange: () => void): { close(): void } {
  const name = basename(filepath);
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(filepath), { persistent: false }, (_event, filename) => {
      if (filename !== null && filename !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, WATCH_DEBOUNCE_MS);
      timer.unref();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    // A directory that cannot be watched leaves reload() and SIGHUP as the way to reload.
  }
  return {
    close() {
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
