// Keys typed while a screen is still attaching its key handlers are kept, not lost
// (docs/architecture.md "Views"). Ink attaches `useInput` handlers in passive effects, a moment after
// the frame that shows the screen is drawn; a key that arrives in between (a fast operator, a paste,
// a test) would reach no handler, or the handler of the screen that just left. Every component that
// owns the keys (a screen's `useScreenKeys`, an operator prompt) tells the gate when it is drawn
// (layout effect, in the same commit as the frame) and when its handlers are live (passive effect,
// after its children's and its own `useInput`s attached). While one is drawn but not yet live, or
// none is live at all, the root holds the raw input and replays it, in order, once one is live.

/** Raw input held at most (a paste is one chunk; a burst of keys a few). */
const MAX_HELD = 64;

export class KeyGate {
	private readonly drawn = new Set<symbol>();
	private readonly live = new Set<symbol>();
	private held: string[] = [];
	private replay: ((data: string) => void) | null = null;
	private replaying = false;
	private swallowing = false;

	/** The root's replay: emits one held chunk to every input handler. */
	attach(replay: ((data: string) => void) | null): void {
		this.replay = replay;
		this.flush();
	}

	/** A key owner's frame is drawn (its handlers are not attached yet). */
	draw(id: symbol): void {
		this.drawn.add(id);
	}

	/** Its handlers are attached: held input goes to them now. */
	ready(id: symbol): void {
		this.drawn.delete(id);
		this.live.add(id);
		this.flush();
	}

	/** It is gone (unmounted). */
	leave(id: symbol): void {
		this.drawn.delete(id);
		this.live.delete(id);
	}

	/** Whether input arriving now would be lost (and so is held). */
	get closed(): boolean {
		return this.drawn.size > 0 || this.live.size === 0;
	}

	/**
	 * The root saw raw input (before any other handler: it listens first). When it is held, every
	 * handler that sees this event ignores it (`swallowed`); they get it again when it is replayed.
	 */
	offer(data: string): void {
		if (this.replaying || !this.closed) return;
		if (this.held.length < MAX_HELD) this.held.push(data);
		this.swallowing = true;
		// The event is emitted synchronously to every handler; the flag ends with it.
		queueMicrotask(() => {
			this.swallowing = false;
		});
	}

	/** The input being handled now was held for later. */
	get swallowed(): boolean {
		return this.swallowing;
	}

	private flush(): void {
		if (this.closed || !this.replay || this.held.length === 0) return;
		const held = this.held;
		this.held = [];
		this.replaying = true;
		try {
			for (const data of held) this.replay(data);
		} finally {
			this.replaying = false;
		}
	}
}
