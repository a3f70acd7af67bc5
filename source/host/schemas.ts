// Response DTOs of the sub2api host (docs/domain.md "The host"). Builds add fields all the time, so every object is
// loose (unknown keys kept) and only the fields this tool relies on are typed. Ids are int64 JSON numbers;
// a numeric string is accepted and turned into a number.
import {z} from 'zod';

export const IdSchema = z.union([
	z.number().int(),
	z
		.string()
		.regex(/^\d+$/)
		.transform((s) => Number(s)),
]);

const nullableId = IdSchema.nullable().optional();
const optStr = z.string().nullable().optional();
const optNum = z.number().nullable().optional();
const optBool = z.boolean().nullable().optional();
/** Go nil slices marshal as `null`. */
const idList = z
	.array(IdSchema)
	.nullable()
	.optional()
	.transform((v) => v ?? []);

export const HostGroupSchema = z
	.object({
		id: IdSchema,
		name: z.string(),
		description: optStr,
		platform: optStr,
		rate_multiplier: optNum,
		is_exclusive: optBool,
		status: optStr,
		subscription_type: optStr,
		daily_limit_usd: optNum,
		weekly_limit_usd: optNum,
		monthly_limit_usd: optNum,
		account_count: optNum,
		created_at: optStr,
		updated_at: optStr,
	})
	.loose();
export type HostGroup = z.infer<typeof HostGroupSchema>;

export const HostAccountSchema = z
	.object({
		id: IdSchema,
		name: z.string(),
		notes: optStr,
		platform: optStr,
		type: optStr,
		credentials: z.record(z.string(), z.unknown()).nullable().optional(),
		credentials_status: z.record(z.string(), z.unknown()).nullable().optional(),
		extra: z.record(z.string(), z.unknown()).nullable().optional(),
		proxy_id: nullableId,
		concurrency: optNum,
		priority: optNum,
		status: optStr,
		error_message: optStr,
		schedulable: optBool,
		group_ids: idList,
		groups: z
			.array(z.object({id: IdSchema, name: z.string().optional()}).loose())
			.nullable()
			.optional(),
		created_at: optStr,
		updated_at: optStr,
	})
	.loose();
export type HostAccount = z.infer<typeof HostAccountSchema>;

export const HostUserSchema = z
	.object({
		id: IdSchema,
		email: z.string(),
		username: optStr,
		notes: optStr,
		role: optStr,
		balance: optNum,
		concurrency: optNum,
		status: optStr,
		allowed_groups: idList,
		created_at: optStr,
		updated_at: optStr,
	})
	.loose();
export type HostUser = z.infer<typeof HostUserSchema>;

export const HostApiKeySchema = z
	.object({
		id: IdSchema,
		user_id: nullableId,
		key: z.string().optional(),
		name: z.string(),
		group_id: nullableId,
		status: optStr,
		created_at: optStr,
		updated_at: optStr,
	})
	.loose();
export type HostApiKey = z.infer<typeof HostApiKeySchema>;

export const HostSubscriptionSchema = z
	.object({
		id: IdSchema,
		user_id: IdSchema,
		group_id: IdSchema,
		starts_at: optStr,
		expires_at: optStr,
		status: optStr,
		notes: optStr,
		created_at: optStr,
		updated_at: optStr,
	})
	.loose();
export type HostSubscription = z.infer<typeof HostSubscriptionSchema>;

export interface Page<T> {
	items: T[];
	total: number;
	page: number;
	page_size: number;
	pages: number;
}

export function pageSchema<S extends z.ZodType>(item: S) {
	return z
		.object({
			items: z
				.array(item)
				.nullable()
				.optional()
				.transform((v) => v ?? []),
			total: z.number().optional(),
			page: z.number().optional(),
			page_size: z.number().optional(),
			pages: z.number().optional(),
		})
		.loose()
		.transform((p): Page<z.output<S>> => ({
			items: p.items as z.output<S>[],
			total: p.total ?? p.items.length,
			page: p.page ?? 1,
			page_size: p.page_size ?? p.items.length,
			pages: p.pages ?? 1,
		}));
}

export const PublicSettingsSchema = z
	.object({
		version: optStr,
		site_name: optStr,
		api_base_url: optStr,
		turnstile_enabled: optBool,
		registration_enabled: optBool,
		email_verify_enabled: optBool,
		backend_mode_enabled: optBool,
		sandbox: optBool,
	})
	.loose();
export type PublicSettings = z.infer<typeof PublicSettingsSchema>;

export const ComplianceStatusSchema = z
	.object({
		required: z.boolean().optional(),
		version: optStr,
		document_path_zh: optStr,
		document_path_en: optStr,
		document_url_zh: optStr,
		document_url_en: optStr,
		ack_phrase_zh: optStr,
		ack_phrase_en: optStr,
		acknowledgement: z.unknown().optional(),
	})
	.loose();
export type ComplianceStatus = z.infer<typeof ComplianceStatusSchema>;

export const LoginDataSchema = z
	.object({
		access_token: z.string().optional(),
		refresh_token: z.string().nullable().optional(),
		expires_in: z.number().nullable().optional(),
		token_type: optStr,
		requires_2fa: z.boolean().optional(),
		temp_token: z.string().optional(),
		user_email_masked: optStr,
		user: z.unknown().optional(),
	})
	.loose();
export type LoginData = z.infer<typeof LoginDataSchema>;

export const AdminKeyUpdateSchema = z
	.object({
		api_key: HostApiKeySchema,
		auto_granted_group_access: z.boolean().optional(),
		granted_group_id: nullableId,
		granted_group_name: optStr,
	})
	.loose();
export type AdminKeyUpdate = z.infer<typeof AdminKeyUpdateSchema>;

export const ModelListSchema = z
	.object({
		data: z
			.array(z.object({id: z.string()}).loose())
			.nullable()
			.optional()
			.transform((v) => v ?? []),
	})
	.loose();

export const AccountModelsSchema = z.array(z.object({id: z.string()}).loose()).nullable();

// Request bodies (only what the importer sends; extra fields pass through).
export interface CreateGroupBody {
	name: string;
	description?: string;
	platform?: string;
	rate_multiplier?: number;
	is_exclusive?: boolean;
	subscription_type?: 'standard' | 'subscription';
	daily_limit_usd?: number | null;
	weekly_limit_usd?: number | null;
	monthly_limit_usd?: number | null;
	[extra: string]: unknown;
}
export type UpdateGroupBody = Partial<CreateGroupBody> & {status?: 'active' | 'inactive'};

export interface CreateAccountBody {
	name: string;
	platform: string;
	type: string;
	credentials: Record<string, unknown>;
	extra?: Record<string, unknown>;
	proxy_id?: number | null;
	concurrency?: number;
	priority?: number;
	group_ids?: number[];
	notes?: string;
	[extra: string]: unknown;
}
export type UpdateAccountBody = Partial<CreateAccountBody> & {status?: string};

export interface CreateUserBody {
	email: string;
	password: string;
	username?: string;
	notes?: string;
	balance?: number;
	concurrency?: number;
	allowed_groups?: number[];
	[extra: string]: unknown;
}
export type UpdateUserBody = Partial<CreateUserBody> & {status?: 'active' | 'disabled'};
