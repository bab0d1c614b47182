// @fieldops/sdk/registry: filled in by its issue.
export {};
