// Reading a raw state.json the way a test that scans for secrets needs it, whatever its schema:
// version 2 keeps the batch secrets as an object per batch, version 3 as rows under `secret_columns`.

/** Every batch's secrets in a parsed state.json, as objects ({user_email, user_password, user_key}). */
export function rawBatchSecrets(state: any): Array<Record<string, any>> {
	const secrets = state?.batch_secrets;
	if (Array.isArray(secrets) && Array.isArray(state.secret_columns)) {
		const columns = state.secret_columns as string[];
		return secrets.map((row: unknown[]) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
	}
	return Object.values<Record<string, any>>(secrets ?? {});
}
