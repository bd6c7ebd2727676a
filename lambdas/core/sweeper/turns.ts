import pLimit from 'p-limit';

/**
 * How candidates take turns. Pages are read one at a time, oldest first. Each item is verified
 * concurrently (up to `concurrency` at once), but decided in page order: `decide` runs only once
 * the item before it was decided, so a cap or a keep-the-oldest rule sees the items as if one at a
 * time. Once decided, an item hands on its turn and then acts (the returned `act`), while later
 * items are decided. The next page is read only once this one is under way, so memory holds about
 * one page; `stop()` ends the reading between pages.
 */
export async function inTurn<T, V>(
  pages: AsyncIterable<T[]>,
  options: { concurrency: number; stop: () => boolean },
  steps: {
    verify: (item: T) => Promise<V>;
    decide: (item: T, verified: V) => (() => Promise<void>) | undefined;
  },
): Promise<void> {
  const limit = pLimit(options.concurrency);
  const inFlight = new Set<Promise<void>>();
  let previousDecided: Promise<void> = Promise.resolve();
  const take = async (item: T, turn: Promise<void>, decided: () => void) => {
    let passed = false;
    const passTurn = () => {
      if (passed) return;
      passed = true;
      void turn.then(decided);
    };
    try {
      const verified = await steps.verify(item);
      await turn;
      const act = steps.decide(item, verified);
      passTurn();
      await act?.();
    } finally {
      passTurn();
    }
  };
  // Items queued for a slot, and who waits for the last of them to start. A counter rather than
  // Promise.race(inFlight) per settled item: that raced every queued item again each time, one
  // reaction (and promise) per item per race, so O(page size²) short-lived objects per page.
  let queued = 0;
  let allStarted: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  const started = () => {
    queued--;
    if (queued === 0) allStarted?.();
  };
  try {
    for await (const page of pages) {
      for (const item of page) {
        if (options.stop()) break;
        const turn = previousDecided;
        let decided!: () => void;
        previousDecided = new Promise<void>((resolve) => {
          decided = resolve;
        });
        queued++;
        const task = limit(() => {
          started();
          return take(item, turn, decided);
        });
        inFlight.add(task);
        task.then(
          () => inFlight.delete(task),
          (error: unknown) => {
            inFlight.delete(task);
            // As before: an item that fails while the page waits for its slots ends the reading.
            if (allStarted) failure ??= { error };
            allStarted?.();
          },
        );
      }
      // The next page is read once this one's last item has a slot.
      if (queued > 0) {
        await new Promise<void>((resolve) => {
          allStarted = resolve;
        });
        allStarted = undefined;
        if (failure) throw failure.error;
      }
      if (options.stop()) break;
    }
  } finally {
    // A page read error is thrown (the run cannot go on), after what started has settled.
    await Promise.allSettled(inFlight);
  }
}
