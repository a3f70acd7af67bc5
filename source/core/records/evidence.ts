// Evidence files: numbered, redacted JSON under <data>/artifacts/<batch_id>/. They never hold a
// secret in any encoding (docs/domain.md): everything is redacted with every secret the process knows
// (the one registry in lib/secrets), every string and field name, before it is serialised.
import {mkdirSync, writeFileSync} from 'node:fs';
import {mkdir, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {STEP_NAMES} from '../../store/schema.js';
import {redactValue} from '../../lib/secrets.js';

const redactedJson = (data: unknown) => JSON.stringify(redactValue(data), null, 2) + '\n';

export function stepArtifactName(step: string): string {
	const index = (STEP_NAMES as readonly string[]).indexOf(step);
	const number = index >= 0 ? index + 1 : 90;
	return `${String(number).padStart(2, '0')}-${step.replace(/[^a-z0-9_-]/gi, '_')}.json`;
}

export async function writeEvidence(dir: string, file: string, data: unknown): Promise<string> {
	await mkdir(dir, {recursive: true, mode: 0o700});
	const target = path.join(dir, file);
	await writeFile(target, redactedJson(data), {mode: 0o600});
	return target;
}

/** An evidence file's text: redacted, then serialised. */
export function evidenceText(data: unknown): string {
	return redactedJson(data);
}

/** The synchronous form, for writers outside the import's write chain (acceptance, batch detection). */
export function writeEvidenceSync(dir: string, file: string, data: unknown): string {
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const target = path.join(dir, file);
	writeFileSync(target, redactedJson(data), {mode: 0o600});
	return target;
}
