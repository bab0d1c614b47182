/** The customer-service window: free text is allowed for 24 h after the recipient's last message. */
export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 3_600_000;

/** WhatsApp ids are digits only (`66812345678`); configuration may say `+66 81 234 5678`. */
export function normalizePhone(phone: string): string {
  return phone.replace(/\D/g, '');
}

/** When each recipient last wrote to us (ms), which opens their 24-hour window. */
export class WhatsAppWindows {
  private readonly last = new Map<string, number>();

  /** Records an inbound message. */
  touch(phone: string, at: number): void {
    const k = normalizePhone(phone);
    if ((this.last.get(k) ?? 0) < at) this.last.set(k, at);
  }

  /** The last inbound time of a recipient. */
  lastInbound(phone: string): number | undefined {
    return this.last.get(normalizePhone(phone));
  }

  /** True when free text may be sent now. */
  isOpen(phone: string, now: number): boolean {
    const at = this.last.get(normalizePhone(phone));
    return at !== undefined && now - at < CUSTOMER_SERVICE_WINDOW_MS;
  }
}
