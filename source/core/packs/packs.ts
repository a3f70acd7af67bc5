// Provider packs: one JSON file a provider in packs/. The schema is the contract; a file that fails
// it is reported by file name and field and the others still load.
import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {z} from 'zod';
import {packageRoot} from '../../store/paths.js';

import {ACCESS_MODES} from '../../store/constants.js';

export {ACCESS_MODES};
export type AccessMode = (typeof ACCESS_MODES)[number];

const modelSchema = z.object({
	id: z.string().min(1).describe('host-facing model name (a key of model_mapping)'),
	upstream: z.string().min(1).describe('the name the upstream expects'),
});

export const packSchema = z
	.object({
		id: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, 'lowercase letters, digits and dashes'),
		name: z.string().min(1),
		kind: z.enum(['official', 'relay']),
		base_url: z.url({protocol: /^https?$/}).nullable(),
		url_hosts: z.array(z.string().min(1)),
		model_families: z.array(z.string().min(1)),
		models_endpoint: z.boolean(),
		models: z.array(modelSchema),
		smoke_test_model: z.string().min(1).nullable(),
		access_mode: z.enum(ACCESS_MODES),
		group_template: z.object({
			rate_multiplier: z.number().positive(),
			description: z.string(),
		}),
		account_template: z.object({
			concurrency: z.number().int().min(0),
			priority: z.number().int().min(0),
		}),
		subscription: z.object({validity_days: z.number().int().min(1).max(36500)}),
		self_service: z.object({
			starting_balance: z.number().positive(),
			user_concurrency: z.number().int().min(1),
		}),
		notes: z.string().optional(),
		/**
		 * Where a provider's coding-plan endpoint differs from its general one only by path (GLM
		 * `/api/paas/v4` vs `/api/coding/paas/v4`): lets a refused key be tried on the other endpoint
		 * to tell "wrong endpoint for this key" from "out of balance" (docs/domain.md rule 5).
		 */
		coding_plan: z
			.object({general_path: z.string().startsWith('/'), coding_path: z.string().startsWith('/')})
			.optional(),
		/**
		 * How the watch checks this provider (docs/domain.md "Health"): `completion` (default: models
		 * plus a 1-token completion) or `models` where a completion costs too much; `interval_s`
		 * overrides the watch's default interval for this provider.
		 */
		health: z
			.object({
				mode: z.enum(['completion', 'models']).optional(),
				interval_s: z.number().int().min(60).max(86_400).optional(),
			})
			.optional(),
	})
	.superRefine((pack, ctx) => {
		if (pack.kind === 'official') {
			if (!pack.base_url)
				ctx.addIssue({code: 'custom', path: ['base_url'], message: 'an official pack needs a base_url'});
			if (pack.models.length === 0)
				ctx.addIssue({code: 'custom', path: ['models'], message: 'an official pack lists its models'});
			if (!pack.smoke_test_model) {
				ctx.addIssue({
					code: 'custom',
					path: ['smoke_test_model'],
					message: 'an official pack names its smoke model',
				});
			} else if (!pack.models.some((m) => m.id === pack.smoke_test_model)) {
				ctx.addIssue({code: 'custom', path: ['smoke_test_model'], message: 'must be one of models[].id'});
			}
		}
	});

export type Pack = z.infer<typeof packSchema>;

export interface PackLoadProblem {
	file: string;
	field: string;
	message: string;
}

export interface PackSet {
	packs: Pack[];
	problems: PackLoadProblem[];
}

export function packsDir(): string {
	return process.env.CRM_PACKS_DIR ?? path.join(packageRoot(), 'packs');
}

/** Loads every packs/*.json; invalid files become problems naming file and field. */
export function loadPacks(dir = packsDir()): PackSet {
	const packs: Pack[] = [];
	const problems: PackLoadProblem[] = [];
	let files: string[];
	try {
		files = readdirSync(dir)
			.filter((f) => f.endsWith('.json'))
			.sort();
	} catch (error) {
		return {packs, problems: [{file: dir, field: '(folder)', message: (error as Error).message}]};
	}
	for (const file of files) {
		let raw: unknown;
		try {
			raw = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
		} catch (error) {
			problems.push({file, field: '(file)', message: `not valid JSON: ${(error as Error).message}`});
			continue;
		}
		const parsed = packSchema.safeParse(raw);
		if (!parsed.success) {
			for (const issue of parsed.error.issues) {
				problems.push({file, field: issue.path.join('.') || '(root)', message: issue.message});
			}
			continue;
		}
		const expected = file.replace(/\.json$/, '');
		if (parsed.data.id !== expected) {
			problems.push({
				file,
				field: 'id',
				message: `id "${parsed.data.id}" must match the file name "${expected}"`,
			});
			continue;
		}
		packs.push(parsed.data);
	}
	return {packs, problems};
}

/** Whether the URL's host is one of the pack's official hosts (exactly, or a subdomain of one). */
export function isOfficialUrl(pack: Pack, url: string): boolean {
	if (pack.kind !== 'official') return false;
	let host: string;
	try {
		host = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
	} catch {
		return false;
	}
	return pack.url_hosts.some((h) => {
		const official = h.toLowerCase();
		return host === official || host.endsWith(`.${official}`);
	});
}

export function findPack(set: PackSet, id: string): Pack | undefined {
	return set.packs.find((p) => p.id === id);
}

/** The JSON shape of `crm packs --json` (docs/cli.md `crm packs`). */
export function packView(pack: Pack) {
	return {
		id: pack.id,
		name: pack.name,
		base_url: pack.base_url,
		models: pack.models.map((m) => ({id: m.id, upstream: m.upstream})),
		smoke_test_model: pack.smoke_test_model,
		access_mode: pack.access_mode,
	};
}
