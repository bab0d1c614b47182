// Imports the module named on the command line, then prints how many protobuf / gRPC CommonJS
// modules that loaded.
import Module from 'node:module';

await import(process.argv[2]!);
const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
const heavy = Object.keys(cache).filter((k) => /google-protobuf|[\\/]@grpc[\\/]|chirpstack-api/.test(k));
process.stdout.write(String(heavy.length));
