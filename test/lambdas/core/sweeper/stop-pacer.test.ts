import { describe, expect, it } from 'vitest';
import { StopPacer } from '../../../../lambdas/core/sweeper/stop-pacer.js';

describe('StopPacer', () => {
  it('runs one turn at a time, in the order they were asked for', async () => {
    const pacer = new StopPacer(100);
    const order: string[] = [];
    const turn = (name: string, ms: number) =>
      pacer.turn(async (sent) => {
        order.push(`${name} starts`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        sent();
        order.push(`${name} sent`);
      });

    await Promise.all([turn('first', 20), turn('second', 0)]);

    expect(order).toEqual(['first starts', 'first sent', 'second starts', 'second sent']);
  });

  it('starts a turn only once a stop sent then keeps the rate, counted from when each stop was sent', async () => {
    let clock = 0;
    const pacer = new StopPacer(1, () => clock);
    await pacer.turn(async (sent) => sent());
    const started: number[] = [];

    const waiting = pacer.turn(async (sent) => {
      started.push(clock);
      sent();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toEqual([]);
    clock = 10_000;
    await waiting;

    expect(started).toEqual([10_000]);
  });

  it('gives the next turn at once when a turn sends no stop', async () => {
    const clock = 0;
    const pacer = new StopPacer(1, () => clock);
    await pacer.turn(async () => undefined);

    await pacer.turn(async (sent) => sent());

    expect(clock).toBe(0);
  });

  it('gives up waiting when its signal aborts, and runs nothing', async () => {
    const pacer = new StopPacer(1, () => 0);
    await pacer.turn(async (sent) => sent());
    const controller = new AbortController();
    let ran = false;

    const waiting = pacer.turn(async () => {
      ran = true;
    }, controller.signal);
    controller.abort(new Error('deadline'));

    await expect(waiting).rejects.toThrow('deadline');
    expect(ran).toBe(false);
  });
});
