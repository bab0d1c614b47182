// @fieldops/sdk/automation: filled in by its issue.
export {};
