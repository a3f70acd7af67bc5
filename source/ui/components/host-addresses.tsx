// A host's two addresses (docs/domain.md rule 13): where the tool reaches the admin API, and where
// users call it (the smoke goes through it); and whether cleartext http:// is allowed for it.
import React from 'react';
import {Box, Text} from 'ink';
import type {HostRecord} from '../../store/schema.js';
import {color} from '../theme.js';

export function HostAddresses({host}: {host: HostRecord}) {
	const gateway = host.gateway_url ?? host.url;
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-middle">admin address {host.url}</Text>
			<Text wrap="truncate-middle">
				gateway address {gateway}
				{gateway === host.url ? <Text dimColor> (the admin address)</Text> : null}
			</Text>
			{host.allow_insecure_http ? (
				<Text color={color.warn}>cleartext http:// allowed for this host (--allow-insecure-http)</Text>
			) : null}
		</Box>
	);
}
