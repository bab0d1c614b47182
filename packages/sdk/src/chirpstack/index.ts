// @fieldops/sdk/chirpstack: filled in by its issue.
export {};
