// A host's auto-pause setting as the health watch reads it (docs/domain.md "Health"): off unless the
// operator turned it on (`crm host set HOST --auto-pause on`), after DEFAULT_PAUSE_AFTER failures
// unless `--pause-after` says otherwise. Kept apart from auto-pause.ts so host views read it cheaply.
import type {HostRecord} from '../../store/schema.js';
import {DEFAULT_PAUSE_AFTER} from './types.js';

export interface AutoPauseSetting {
	enabled: boolean;
	pause_after: number;
}

export function autoPauseOf(host: HostRecord): AutoPauseSetting {
	return {
		enabled: host.auto_pause?.enabled === true,
		pause_after: host.auto_pause?.pause_after ?? DEFAULT_PAUSE_AFTER,
	};
}
