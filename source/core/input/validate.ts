// Input checks shared by the CLI, the TUI and batch import: each names the field and what to do.
// `field` is the input's name (`url`, `key`, `--url` where a command checks its own flag); the
// message is a phrase, so a view can say the field in its own words (docs/architecture.md).
import {invalidInput} from '../../lib/errors.js';
// From the zod-free constants, not packs.ts: this module is on read-only commands' start-up path.
import {ACCESS_MODES} from '../../store/constants.js';
import type {AccessMode} from '../packs/packs.js';

// Control characters, built from code points so the source holds none (eslint no-control-regex).
const CONTROL = new RegExp(
	`[${String.fromCharCode(0)}-${String.fromCharCode(31)}${String.fromCharCode(127)}]`,
);

/** A value the operator typed, fit to quote in a message: escaped (no raw control character) and cut. */
export function shown(raw: string, max = 60): string {
	return JSON.stringify(raw.length > max ? `${raw.slice(0, max)}…` : raw);
}

export function validateUrl(raw: string | undefined, field: string): string {
	const value = (raw ?? '').trim();
	if (!value)
		throw invalidInput(
			field,
			(f) => `${f} is empty: give the provider's base URL, e.g. https://api.deepseek.com`,
		);
	if (value.length > 2048) throw invalidInput(field, (f) => `${f} is longer than 2048 characters`);
	if (CONTROL.test(value) || /\s/.test(value))
		throw invalidInput(field, (f) => `${f} contains spaces or control characters`);
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw invalidInput(
			field,
			(f) => `${f} "${value.slice(0, 80)}" is not an absolute URL; it must start with https:// or http://`,
		);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw invalidInput(field, (f) => `${f} must be an http(s) URL, not ${url.protocol}`);
	}
	if (url.username || url.password) {
		throw invalidInput(
			field,
			(f) =>
				`${f} carries credentials; remove them from the URL and pass the key with --key-env/--key-file/--key-stdin`,
		);
	}
	if (!url.hostname) throw invalidInput(field, (f) => `${f} has no host name`);
	if (url.search || url.hash) throw invalidInput(field, (f) => `${f} must not carry a query or fragment`);
	return url.toString().replace(/\/+$/, '');
}

export function validateKey(raw: string | undefined, field: string): string {
	const value = (raw ?? '').replace(/\r?\n$/, '');
	if (!value.trim()) throw invalidInput(field, (f) => `the provider key from ${f} is empty`);
	if (/[\r\n]/.test(value)) {
		throw invalidInput(
			field,
			(f) => `the provider key from ${f} contains a line break; the key must be one line`,
		);
	}
	if (value !== value.trim() || /\s/.test(value)) {
		throw invalidInput(
			field,
			(f) => `the provider key from ${f} contains spaces; check that it holds only the key`,
		);
	}
	if (CONTROL.test(value) || !/^[\x21-\x7E]+$/.test(value)) {
		throw invalidInput(
			field,
			(f) => `the provider key from ${f} has characters that are not printable ASCII`,
		);
	}
	if (value.length > 4096)
		throw invalidInput(field, (f) => `the provider key from ${f} is longer than 4096 characters`);
	return value;
}

export function validateAccessMode(
	raw: string | undefined,
	fallback: AccessMode,
	field = 'access',
): AccessMode {
	if (raw === undefined) return fallback;
	if (!(ACCESS_MODES as readonly string[]).includes(raw)) {
		throw invalidInput(
			field,
			(f) => `${f} must be one of ${ACCESS_MODES.join(', ')} (got ${shown(raw, 40)})`,
		);
	}
	return raw as AccessMode;
}

/**
 * The model names the tool puts in a model_mapping: what sub2api's account form takes (no whitespace,
 * no control characters, no `*`, which recent hosts read as a wildcard), at most 128 characters.
 */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}$/;

export function isModelName(id: string): boolean {
	return MODEL_NAME.test(id);
}

export function validateModelName(raw: string | undefined, field: string): string | null {
	if (raw === undefined) return null;
	if (!MODEL_NAME.test(raw)) {
		throw invalidInput(
			field,
			(f) => `${f} "${raw.slice(0, 40)}" is not a model id (letters, digits, . _ : / @ + -; at most 128)`,
		);
	}
	return raw;
}

export function validateEmail(raw: string | undefined, field: string): string | null {
	if (raw === undefined) return null;
	if (raw.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw)) {
		throw invalidInput(field, (f) => `${f} "${raw.slice(0, 60)}" is not an email address`);
	}
	return raw;
}

export function validateName(raw: string | undefined, field: string): string {
	const value = (raw ?? '').trim();
	if (!value) throw invalidInput(field, (f) => `${f} is required`);
	if (value.length > 64 || !/^[\p{L}\p{N}._-]+$/u.test(value)) {
		throw invalidInput(field, (f) => `${f} may hold letters, digits, ".", "_" and "-" (at most 64)`);
	}
	return value;
}

export function validatePrefix(raw: string | undefined, field: string, fallback: string): string {
	if (raw === undefined) return fallback;
	if (!/^[a-z0-9][a-z0-9-]{0,15}$/.test(raw)) {
		throw invalidInput(field, (f) => `${f} must be 1-16 lowercase letters, digits or dashes`);
	}
	return raw;
}

export function validateDomain(raw: string | undefined, field: string, fallback: string): string {
	if (raw === undefined) return fallback;
	if (!/^(?=.{3,100}$)[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(raw))
		throw invalidInput(field, (f) => `${f} must be a domain name`);
	return raw.toLowerCase();
}
