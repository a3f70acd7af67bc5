// account_test: the host's own account test. It is advisory (docs/domain.md, known races): the access
// smoke decides readiness, so a test that fails, answers 403 while the smoke model is already
// listed (probe_advisory), times out or cannot be read ends as a warning, never as the import's
// failure. Only the operator's stop ends it otherwise.
import type {AccountTestResult, HostClient} from '../../host/client.js';
import {HostError} from '../../host/errors.js';
import type {StepApi, StepResult} from '../pipeline/steps.js';

/** Resolves to whether the 403 probe advisory applies. */
export async function accountTestStep(
	client: HostClient,
	accountId: string | number,
	smokeModel: string,
	api: StepApi,
): Promise<StepResult<boolean>> {
	api.progress(`testing the account with ${smokeModel}`);
	let test: AccountTestResult;
	try {
		test = await client.testAccount(accountId, smokeModel);
	} catch (error) {
		if (api.signal.aborted || !(error instanceof HostError)) throw error;
		return {
			status: 'warn',
			message: `the host's account test gave no usable answer (${error.message}); the access smoke decides`,
			value: false,
			evidence: {error: {kind: error.kind, code: error.code, message: error.message}},
		};
	}
	if (test.ok)
		return {
			status: 'ok',
			message: `host account test with ${smokeModel} passed`,
			value: false,
			evidence: test,
		};
	const models = await client.accountModels(accountId).catch(() => [] as string[]);
	if (test.status === 403 && models.includes(smokeModel)) {
		return {
			status: 'warn',
			message: `probe_advisory: the first account test answered 403 while the account already lists ${smokeModel} (a known fresh-host race); the access smoke decides`,
			value: true,
			evidence: {test, models, probe_advisory: true, validation_status: 'warning'},
		};
	}
	return {
		status: 'warn',
		message: `the host's account test failed (${test.error ?? (test.empty ? 'empty answer' : 'no success event')}); the access smoke decides`,
		value: false,
		evidence: {test, models},
	};
}
