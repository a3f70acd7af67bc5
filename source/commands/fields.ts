// The CLI's words for the fields operations name (docs/architecture.md "Input errors"): an error
// about `url` is shown as about --url. A command whose argument takes a field's place (HOST, BATCH,
// RUN) or whose flag depends on how the value came (--key-env, --key-file, --key-stdin) says so.
export const FLAG_OF: Record<string, string> = {
	host: '--host',
	pack: '--pack',
	url: '--url',
	key: '--key-env',
	access: '--access',
	smoke_model: '--smoke-model',
	user: '--user',
	force: '--force',
	batch: '--batch',
	name: '--name',
	prefix: '--prefix',
	user_domain: '--user-domain',
	run: 'RUN',
	type: '--type',
	id: '--id',
};
