// A rolled-back batch's outcome in one line, as the batch and provider rollbacks end with it.
import React from 'react';
import {Text} from './text.js';
import {statusColor} from '../theme.js';

/** A rolled-back batch in one line: `batch <id> is now <status> · N deleted · N skipped · N failed`. */
export function BatchNowLine({
	batch,
}: {
	batch: {batch_id: string; batch_status: string; deleted: unknown[]; skipped: unknown[]; failed: unknown[]};
}) {
	return (
		<Text wrap="truncate-end">
			batch <Text bold>{batch.batch_id}</Text> is now{' '}
			<Text bold color={statusColor(batch.batch_status)}>
				{batch.batch_status}
			</Text>
			{` · ${batch.deleted.length} deleted · ${batch.skipped.length} skipped · ${batch.failed.length} failed`}
		</Text>
	);
}
