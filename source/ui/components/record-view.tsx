// A recorded resource in full (source/app resource-record): opened with Enter on a batch's resource
// row or on a rollback plan's line; Esc closes it, back to the row.
import React from 'react';
import {recordView, resourceRecord, type ResourceRef} from '../../app/resource-record.js';
import type {ResourceRecord} from '../../store/schema.js';
import {useUIState} from '../context.js';
import {useRead} from '../hooks/use-read.js';
import {errorText} from './error-line.js';
import {LinesView} from './file-view.js';

/** A record the screen already holds (a batch's file). */
export function RecordView({
	batchId,
	record,
	onClose,
}: {
	batchId: string;
	record: ResourceRecord;
	onClose: () => void;
}) {
	const view = recordView(batchId, record);
	return (
		<LinesView
			title={`Batch ${batchId} › ${view.label}`}
			subtitle={`the record in batches/${batchId}.json`}
			lines={view.lines}
			onClose={onClose}
		/>
	);
}

/** The record a plan line names, read from its batch's file. */
export function RecordOf({
	batchId,
	resource,
	onClose,
}: {
	batchId: string;
	resource: ResourceRef;
	onClose: () => void;
}) {
	const {app} = useUIState();
	const read = useRead(() => resourceRecord(app, {batch: batchId, ...resource}), [app, batchId, resource]);
	const view = read?.value;
	const missing = read && !read.error && !view ? 'no such record in the batch file' : null;
	return (
		<LinesView
			title={`Batch ${batchId} › ${view?.label ?? resource.name}`}
			subtitle={`the record in batches/${batchId}.json`}
			lines={read === null ? null : (view?.lines ?? [])}
			error={read?.error ? errorText(read.error) : missing}
			onClose={onClose}
		/>
	);
}
