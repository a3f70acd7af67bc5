// Where Esc goes: up one level of the menu, never back through history (docs/architecture.md
// "Views"). Each screen has one parent in the menu's tree (Home › Status › a host › its batches › a
// batch; Home › Hosts › a host; Home › Validation matrix › Evidence); Esc opens it. When the screen
// below in the stack already is that parent (say, the batches list with the filter it was opened
// with), that one is kept; otherwise the path from Home to the parent replaces the stack.
import type {State} from '../store/schema.js';
import type {Screen} from './context.js';

const HOME: Screen = {id: 'home'};

/** The screen one level up the menu from `screen`, or null at Home. */
export function parentOf(screen: Screen, data: State | null): Screen | null {
	switch (screen.id) {
		case 'home':
			return null;
		case 'host':
			return {id: 'hosts'};
		case 'host-add':
			return screen.then === 'import' ? {id: 'import'} : {id: 'hosts'};
		case 'status-host':
			return {id: 'status'};
		case 'batches':
		case 'resources':
			return {id: 'status-host', hostId: screen.hostId};
		case 'batch-runs':
			return {id: 'status'};
		case 'batch-run':
			return {id: 'batch-runs'};
		case 'residue':
		case 'rollback-provider':
			return {id: 'drift', hostId: screen.hostId};
		case 'batch':
		case 'drift': {
			const index = screen.batchId ? data?.batches.find((b) => b.batch_id === screen.batchId) : undefined;
			if (!index) return HOME;
			return screen.id === 'drift'
				? {id: 'batch', batchId: index.batch_id}
				: {id: 'batches', hostId: index.host_id, pack: index.pack, baseUrl: index.base_url};
		}
		case 'evidence':
			return {id: 'matrix'};
		default:
			return HOME;
	}
}

/** `below` is the level `parent` names (the same host or batch; a list keeps its own filter). */
function isLevel(below: Screen, parent: Screen): boolean {
	if (below.id !== parent.id) return false;
	if ('hostId' in parent && parent.hostId && (below as {hostId?: string}).hostId !== parent.hostId)
		return false;
	if (parent.id === 'batch') return (below as {batchId: string}).batchId === parent.batchId;
	return true;
}

/** The path from Home down to `screen`. */
export function pathTo(screen: Screen, data: State | null): Screen[] {
	const path = [screen];
	for (let p = parentOf(screen, data); p; p = parentOf(p, data)) path.unshift(p);
	return path;
}

/** The stack after Esc on its top screen. */
export function up(stack: Screen[], data: State | null): Screen[] {
	const parent = parentOf(stack[stack.length - 1]!, data);
	if (!parent) return [HOME];
	const below = stack[stack.length - 2];
	if (below && isLevel(below, parent)) return stack.slice(0, -1);
	return pathTo(parent, data);
}
