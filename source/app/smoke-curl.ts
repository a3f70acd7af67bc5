// A ready-to-paste `curl` for a batch's smoke (docs/domain.md "Secrets have one home"): the completion the
// import sent, as its smoke user, to the host's /v1/chat/completions. The key is the user key the
// batch kept in state.json (the host issued it for the batch's smoke user); it is masked unless the
// operator asks to see it. A batch with no kept user key (rolled back, or never got that far) gets a
// placeholder the operator fills in.
import {maskSecret} from '../lib/secrets.js';
import type {Session} from './session.js';

export interface SmokeCurl {
	/** The command (its lines), with the key masked (or shown, when asked). */
	command: string;
	/** The user key as it stands in the command (masked or not), or null: a placeholder stands there. */
	key: string | null;
	/** The key is the one state.json keeps for the batch. */
	key_kept: boolean;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function smokeCurl(
	session: Session,
	input: {batch: string; model: string | null; reveal?: boolean},
): Promise<SmokeCurl & {secret: string | null}> {
	const {data} = await session.read();
	const index = data.batches.find((b) => b.batch_id === input.batch);
	const host = index && data.hosts.find((h) => h.host_id === index.host_id);
	const url = `${(host?.url ?? 'HOST_URL').replace(/\/+$/, '')}/v1/chat/completions`;
	const secret =
		index && index.batch_status !== 'rolled_back' ? data.batch_secrets[input.batch]?.user_key : null;
	const key = secret ? (input.reveal ? secret : maskSecret(secret)) : null;
	// One short line each (a terminal 80 columns wide shows them whole, so a copy pastes as typed):
	// continued with `\`, the JSON body across two lines inside its quotes.
	const model = JSON.stringify(input.model ?? 'MODEL');
	// The key on a line of its own (a user key is 67 characters: with the header around it, the line
	// would wrap at 80 columns and a copy would carry the break into the header).
	const command = [
		key ? `KEY=${shellQuote(key)}` : 'KEY="$CRM_USER_KEY"',
		`curl -sS ${shellQuote(url)} \\`,
		`  -H "Authorization: Bearer $KEY" \\`,
		`  -H 'Content-Type: application/json' \\`,
		`  -d '{"model": ${model.replace(/'/g, `'\\''`)}, "max_tokens": 8,`,
		`       "messages": [{"role": "user", "content": "ping"}]}'`,
	].join('\n');
	return {command, key, key_kept: Boolean(secret), secret: secret ?? null};
}
