/** A doubly linked list: waiters leave from either end (FIFO or LIFO) and from the middle (timeouts). */
export interface ListNode<T> {
  readonly value: T;
  prev: ListNode<T> | undefined;
  next: ListNode<T> | undefined;
  linked: boolean;
}

export class WaiterList<T> {
  private head: ListNode<T> | undefined;
  private tail: ListNode<T> | undefined;
  private count = 0;

  get length(): number {
    return this.count;
  }

  get oldest(): T | undefined {
    return this.head?.value;
  }

  get oldestNode(): ListNode<T> | undefined {
    return this.head;
  }

  get newest(): T | undefined {
    return this.tail?.value;
  }

  push(value: T): ListNode<T> {
    const node: ListNode<T> = { value, prev: this.tail, next: undefined, linked: true };
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.count++;
    return node;
  }

  remove(node: ListNode<T>): void {
    if (!node.linked) return;
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.linked = false;
    this.count--;
  }

  /** Nodes oldest first, or newest first; safe against removing the current node while iterating. */
  *nodes(newestFirst: boolean): Generator<ListNode<T>> {
    let node = newestFirst ? this.tail : this.head;
    while (node) {
      const following = newestFirst ? node.prev : node.next;
      if (node.linked) yield node;
      node = following;
    }
  }
}
