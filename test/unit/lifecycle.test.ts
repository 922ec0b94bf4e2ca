/** core/event and core/lifecycle: the Emitter and Disposable every core service notifies and owns through. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Emitter, NO_EVENT } from '../../src/core/event.js';
import { Disposable, disposeAll, Slot, toDisposable, type DisposableLike } from '../../src/core/lifecycle.js';

test('an emitter calls its listeners in subscription order, with thisArgs, until each unsubscribes', () => {
  const emitter = new Emitter<number>();
  const seen: string[] = [];
  const owner = { name: 'owner', record(this: { name: string }, n: number) { seen.push(`${this.name}:${n}`); } };
  const first = emitter.event((n) => seen.push(`first:${n}`));
  emitter.event(owner.record, owner);
  emitter.fire(1);
  first.dispose();
  first.dispose();
  emitter.fire(2);
  assert.deepEqual(seen, ['first:1', 'owner:1', 'owner:2']);
});

test('a listener unsubscribed while an event is delivered still gets that event, then no more', () => {
  const emitter = new Emitter<string>();
  const seen: string[] = [];
  const later: { subscription?: DisposableLike } = {};
  emitter.event(() => later.subscription?.dispose());
  later.subscription = emitter.event((e) => seen.push(e));
  emitter.fire('a');
  emitter.fire('b');
  assert.deepEqual(seen, ['a']);
});

test('a throwing listener does not stop the others; the first error is rethrown after, or handed to onListenerError', () => {
  const emitter = new Emitter<void>();
  const calls: string[] = [];
  emitter.event(() => {
    throw new Error('one');
  });
  emitter.event(() => {
    calls.push('second');
    throw new Error('two');
  });
  emitter.event(() => calls.push('third'));
  assert.throws(() => emitter.fire(), /one/);
  assert.deepEqual(calls, ['second', 'third']);

  const errors: unknown[] = [];
  const reporting = new Emitter<void>({ onListenerError: (error) => errors.push(error) });
  reporting.event(() => {
    throw new Error('reported');
  });
  reporting.fire();
  assert.equal((errors[0] as Error).message, 'reported');
});

test('subscriptions land in the given array; a disposed emitter has no listeners and accepts none', () => {
  const emitter = new Emitter<number>();
  const bag: DisposableLike[] = [];
  let count = 0;
  emitter.event(() => count++, undefined, bag);
  assert.equal(bag.length, 1);
  assert.equal(emitter.hasListeners, true);
  bag[0]!.dispose();
  assert.equal(emitter.hasListeners, false);
  emitter.dispose();
  emitter.event(() => count++);
  emitter.fire(1);
  assert.equal(count, 0);
  assert.doesNotThrow(() => NO_EVENT(() => assert.fail('never fires')).dispose());
});

class Owner extends Disposable {
  constructor(private readonly log: string[]) {
    super();
  }
  own(name: string): DisposableLike {
    return this.register(toDisposable(() => this.log.push(name)));
  }
}

test('a Disposable disposes what it owns once, newest first; what it registers afterwards is disposed at once', () => {
  const log: string[] = [];
  const owner = new Owner(log);
  owner.own('a');
  owner.own('b');
  owner.dispose();
  owner.dispose();
  assert.deepEqual(log, ['b', 'a']);
  owner.own('late');
  assert.deepEqual(log, ['b', 'a', 'late']);
});

test('disposeAll disposes every item even when one throws, then rethrows the first error', () => {
  const log: string[] = [];
  const items = [toDisposable(() => log.push('first')), toDisposable(() => { throw new Error('boom'); }), toDisposable(() => log.push('last'))];
  assert.throws(() => disposeAll(items), /boom/);
  assert.deepEqual(log, ['last', 'first']);
});

test('a Slot disposes the value it replaces, not the same value set again', () => {
  const log: string[] = [];
  const slot = new Slot<DisposableLike>();
  const a = toDisposable(() => log.push('a'));
  slot.value = a;
  slot.value = a;
  slot.value = toDisposable(() => log.push('b'));
  slot.dispose();
  assert.deepEqual(log, ['a', 'b']);
  assert.equal(slot.value, undefined);
});
