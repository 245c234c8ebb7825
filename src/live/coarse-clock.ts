/** How often the coarse clock is read from the system. Cache lifetimes are seconds, so this is ample. */
const RESOLUTION_MS = 250;

let now = Date.now();
let timer: NodeJS.Timeout | undefined;

/**
 * `Date.now()`, at most {@link RESOLUTION_MS} stale, for checking cache lifetimes on every request: reading the system
 * clock costs more than the whole cached lookup on some machines. The timer starts on first use and never keeps the
 * process alive.
 */
export function coarseNow(): number {
  if (timer === undefined) {
    now = Date.now();
    timer = setInterval(() => (now = Date.now()), RESOLUTION_MS);
    timer.unref();
  }
  return now;
}
