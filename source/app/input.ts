// The input checks every view shares (docs/architecture.md "Input errors"): each throws a CrmError
// naming the field it was given, with a message a view can say in its own words.
export {
	shown,
	validateAccessMode,
	validateDomain,
	validateEmail,
	validateKey,
	validateModelName,
	validateName,
	validatePrefix,
	validateUrl,
} from '../core/input/validate.js';
