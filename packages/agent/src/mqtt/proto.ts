// The only module of the agent that loads @chirpstack/chirpstack-api (deep CommonJS paths through
// their default import, as sdk/src/chirpstack/proto.ts does). jspb classes never leave src/mqtt.
import commonPb from '@chirpstack/chirpstack-api/common/common_pb.js';
import gwPb from '@chirpstack/chirpstack-api/gw/gw_pb.js';
import integrationPb from '@chirpstack/chirpstack-api/integration/integration_pb.js';

export { commonPb, gwPb, integrationPb };
