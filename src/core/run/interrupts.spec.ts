import { EventEmitter } from 'node:events';
import { createInterruptHandler } from './interrupts';

function setup(graceMs = 10_000) {
  const host = new EventEmitter();
  const exits: number[] = [];
  const kills: string[] = [];
  let exited: () => void = () => undefined;
  const exitedOnce = new Promise<void>((resolve) => (exited = resolve));
  const handler = createInterruptHandler({
    host,
    graceMs,
    exit: (code) => {
      exits.push(code);
      exited();
    },
    kill: (signal) => (kills.push(signal), 1),
  });
  return { host, exits, kills, handler, exitedOnce };
}

describe('createInterruptHandler', () => {
  it('aborts the task, stops commands, waits for the record, then exits 130 on SIGINT', async () => {
    const { host, exits, kills, handler, exitedOnce } = setup();
    const order: string[] = [];
    let seen: AbortSignal | undefined;
    let finish: () => void = () => undefined;
    const task = handler.withInterruptHandling(
      (signal) => {
        seen = signal;
        return new Promise<string>((resolve) => (finish = () => resolve('done')));
      },
      async (signal) => {
        order.push(`record ${signal}`);
      },
    );
    expect(host.listenerCount('SIGINT')).toBe(1);
    host.emit('SIGINT', 'SIGINT');
    expect(seen!.aborted).toBe(true);
    expect(kills).toEqual(['SIGTERM']);
    await exitedOnce;
    expect(order).toEqual(['record SIGINT']);
    expect(exits).toEqual([130]);
    finish();
    await expect(task).resolves.toBe('done');
    expect(host.listenerCount('SIGINT')).toBe(0);
    expect(host.listenerCount('SIGTERM')).toBe(0);
  });

  it('records every concurrent task before exiting 143 on SIGTERM', async () => {
    const { host, exits, handler, exitedOnce } = setup();
    const records: string[] = [];
    const never = () => new Promise<void>(() => undefined);
    void handler.withInterruptHandling(never, async () => void records.push('a'));
    void handler.withInterruptHandling(never, async () => void records.push('b'));
    expect(host.listenerCount('SIGTERM')).toBe(1);
    host.emit('SIGTERM', 'SIGTERM');
    await exitedOnce;
    expect(records.sort()).toEqual(['a', 'b']);
    expect(exits).toEqual([143]);
  });

  it('exits at once on a second signal, killing hard', async () => {
    const { host, exits, kills, handler } = setup();
    void handler.withInterruptHandling(
      () => new Promise<void>(() => undefined),
      () => new Promise<void>(() => undefined),
    );
    host.emit('SIGINT', 'SIGINT');
    host.emit('SIGINT', 'SIGINT');
    expect(kills).toEqual(['SIGTERM', 'SIGKILL']);
    expect(exits).toEqual([130]);
  });

  it('exits after the grace period when a record hangs', async () => {
    const { host, exits, handler, exitedOnce } = setup(20);
    void handler.withInterruptHandling(
      () => new Promise<void>(() => undefined),
      () => new Promise<void>(() => undefined),
    );
    host.emit('SIGTERM', 'SIGTERM');
    await exitedOnce;
    expect(exits).toEqual([143]);
  });

  it('removes its listeners when the task ends, also when it throws', async () => {
    const { host, handler } = setup();
    await expect(
      handler.withInterruptHandling(
        async () => Promise.reject(new Error('boom')),
        async () => undefined,
      ),
    ).rejects.toThrow('boom');
    expect(host.listenerCount('SIGINT')).toBe(0);
    expect(handler.activeCount()).toBe(0);
  });
});
