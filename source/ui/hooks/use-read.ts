// Reads something from source/app when a screen mounts, and again whenever `deps` change (the app's
// view of state reloads after every operation): null while the first read runs, then its value or
// its error. A read that ends after the screen moved on is dropped.
import {useEffect, useState, type DependencyList} from 'react';

export interface Read<T> {
	value: T | null;
	error: unknown;
}

export function useRead<T>(read: () => Promise<T>, deps: DependencyList): Read<T> | null {
	const [state, setState] = useState<Read<T> | null>(null);
	useEffect(() => {
		let live = true;
		read().then(
			(value) => live && setState({value, error: null}),
			(error: unknown) => live && setState({value: null, error}),
		);
		return () => {
			live = false;
		};
		// `read` is rebuilt every render; what it reads is named by `deps`.
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, deps);
	return state;
}
