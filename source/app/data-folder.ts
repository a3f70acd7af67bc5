// The data folder every view names the same way (docs/cli.md "Global options"): `--data DIR`, else
// CRM_DATA_DIR, else data/ beside package.json; and the check that a folder can be used at all.
export {checkDataDir, resolveDataDir} from '../store/paths.js';
