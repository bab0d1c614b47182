// `fieldops fleet diff`: a two-word command registered with the sdk's CLI by the `fieldops` bin
// (@fieldops/cli), beside the sdk's own `fieldops fleet status|sites|devices`. It lives here because
// it compares with the fleet's own views (drift/) and the sdk cannot depend on this package.
export { EXIT_DRIFT, fleetDiffCommand, formatDrift } from './diff.js';
