// A webhook that answers 404 has been deleted (Discord: Unknown Webhook, code 10015; Slack:
// `no_service`/`channel_not_found`): sending to it again only delays the failover.

/** Remembers deleted webhook URLs; a URL counts as alive again once the configuration resolves to another one. */
export class DeadWebhooks {
  private readonly dead = new Map<string, string>();

  /** True when the webhook `name` currently resolving to `url` answered 404 before. */
  isDead(name: string, url: string): boolean {
    return this.dead.get(name) === url;
  }

  /** Marks the webhook dead until its configured URL changes. */
  markDead(name: string, url: string): void {
    this.dead.set(name, url);
  }
}
