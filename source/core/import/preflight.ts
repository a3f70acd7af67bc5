// preflight: everything checkable without the network. A failure here exits 2 and creates no batch.
import {CrmError, invalidInput} from '../../lib/errors.js';
import {adminUrl} from '../hosts/addresses.js';
import {resolveHost} from '../hosts/lookup.js';
import {findPack, type PackSet} from '../packs/packs.js';
import {keyFingerprint} from '../../lib/secrets.js';
import {
	validateAccessMode,
	validateEmail,
	validateKey,
	validateModelName,
	validateUrl,
} from '../input/validate.js';
import type {BatchIndex, State} from '../../store/schema.js';
import type {ImportPlanInput, ImportRequest} from './types.js';

export function preflight(state: State, packs: PackSet, request: ImportRequest): ImportPlanInput {
	const ids = packs.packs.map((p) => p.id).join(', ');
	if (!request.pack) throw invalidInput('pack', (f) => `${f} is required: one of ${ids}`);
	const pack = findPack(packs, request.pack);
	if (!pack) throw invalidInput('pack', `no pack "${request.pack.slice(0, 40)}"; choose one of ${ids}`);
	const rawUrl = request.url ?? pack.base_url ?? undefined;
	if (!rawUrl)
		throw invalidInput('url', (f) => `pack ${pack.id} has no fixed URL: give the relay's base URL with ${f}`);
	const baseUrl = validateUrl(rawUrl, 'url');
	const key = validateKey(request.key, 'key');
	const accessMode = validateAccessMode(request.access, pack.access_mode);
	const smokeModel = validateModelName(request.smokeModel, 'smoke_model');
	const user = validateEmail(request.user, 'user');
	const host = resolveHost(state, request.host);
	adminUrl(host); // a bad CRM_HOST_BASE exits 2 here, before a batch exists
	return {
		host,
		pack,
		baseUrl,
		key,
		fingerprint: keyFingerprint(key),
		accessMode,
		smokeModel,
		user,
		continueOnUpstreamFailure: Boolean(request.continueOnUpstreamFailure),
		keepKey: Boolean(request.keepKey),
	};
}

/** The earlier succeeded import of the same identity (docs/domain.md "Identity"), if any. */
export function findSucceededImport(state: State, input: ImportPlanInput): BatchIndex | undefined {
	return state.batches.find(
		(b) =>
			b.host_id === input.host.host_id &&
			b.pack === input.pack.id &&
			b.base_url === input.baseUrl &&
			b.key_fingerprint === input.fingerprint &&
			b.access_mode === input.accessMode &&
			b.batch_status === 'succeeded',
	);
}

/** No silent duplicates: an earlier succeeded import of the same identity stops this one (exit 1). */
export function checkDuplicate(state: State, input: ImportPlanInput, force: boolean): void {
	if (force) return;
	const earlier = findSucceededImport(state, input);
	if (earlier) {
		throw new CrmError(
			'operation_failed',
			(f) =>
				`this provider key is already imported into ${input.host.name} in ${input.accessMode} mode by batch ${earlier.batch_id} (${earlier.access_status}); roll it back first (crm rollback --batch ${earlier.batch_id}) or pass ${f} to import it again`,
			{field: 'force'},
		);
	}
}
