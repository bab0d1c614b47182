// @fieldops/sdk/rfid: filled in by its issue.
export {};
