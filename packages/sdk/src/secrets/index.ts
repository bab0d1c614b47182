// @fieldops/sdk/secrets: filled in by its issue.
export {};
