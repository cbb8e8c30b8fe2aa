/** What an item of a `WaiterList` carries: its neighbours and the list it is in (none: not queued). */
export interface Linked<T> {
  prev: T | undefined;
  next: T | undefined;
  list: object | undefined;
}

/**
 * An intrusive doubly linked list: waiters leave from either end (oldest first, or newest first) and
 * from the middle (timeouts, clients gone), and move between lists, without a node allocated per
 * step. An item is in one list at a time.
 */
export class WaiterList<T extends Linked<T>> {
  private head: T | undefined;
  private tail: T | undefined;
  private count = 0;

  get length(): number {
    return this.count;
  }

  get oldest(): T | undefined {
    return this.head;
  }

  get newest(): T | undefined {
    return this.tail;
  }

  push(item: T): void {
    if (item.list) throw new Error('the item is in a list already');
    item.prev = this.tail;
    item.next = undefined;
    item.list = this;
    if (this.tail) this.tail.next = item;
    else this.head = item;
    this.tail = item;
    this.count++;
  }

  remove(item: T): void {
    if (item.list !== this) return;
    if (item.prev) item.prev.next = item.next;
    else this.head = item.next;
    if (item.next) item.next.prev = item.prev;
    else this.tail = item.prev;
    item.prev = undefined;
    item.next = undefined;
    item.list = undefined;
    this.count--;
  }
}
