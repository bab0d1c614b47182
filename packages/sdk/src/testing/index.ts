// @fieldops/sdk/testing: filled in by its issue.
export {};
