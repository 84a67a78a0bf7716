import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';

/**
 * One mail thread per ticket, and the way replies find their ticket again. Every mail about
 * a ticket carries a token signed with a key derived from the desk's secret: in its
 * Message-ID (`<ticket-TOKEN@host>`, which clients repeat in In-Reply-To and References) and
 * in its Reply-To (`support+TOKEN@domain`). A token names a ticket; only the desk can make
 * one, so a reply with a made-up or altered token reaches no ticket at all.
 */
export interface TicketThreads {
  /** The thread's root Message-ID: the receipt carries it, every later mail refers to it. */
  rootId(ticketId: string): string;
  /** A fresh Message-ID for one more mail in the ticket's thread. */
  messageId(ticketId: string): string;
  /** `support+TOKEN@domain`, or the plain support address without plus addressing; undefined without one. */
  replyAddress(ticketId: string): string | undefined;
  /**
   * The threading headers of one mail about the ticket: the receipt (`first`) is the root,
   * every later mail names it in In-Reply-To and References; answering any of them reaches
   * the ticket again (src/inbound) through Reply-To.
   */
  headers(ticketId: string, first?: boolean): Record<string, string>;
  /** The ticket a properly signed token in these header values or addresses names, if any. */
  ticketIn(values: readonly string[]): string | undefined;
  /** Whether a Message-ID is one this desk made (a mail of ours coming back). */
  isOwnMessageId(messageId: string): boolean;
}

const MAC_HEX = 20;
const TOKEN = new RegExp(`(?:ticket-|\\+)([0-9a-f]{32})([0-9a-f]{${MAC_HEX}})(?![0-9a-f])`, 'g');
const UUID_HEX = /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/;

export type ThreadConfig = Pick<Config, 'publicUrl' | 'jwtSecret' | 'inbound'>;

export function ticketThreads(config: ThreadConfig): TicketThreads {
  // A key of its own: a token leaking says nothing about the access-token key, and the other way round.
  const key = Buffer.from(hkdfSync('sha256', config.jwtSecret, Buffer.alloc(0), 'helpline ticket reply token', 32));
  const host = new URL(config.publicUrl).hostname;
  const mac = (hex: string): string => createHmac('sha256', key).update(hex).digest('hex').slice(0, MAC_HEX);
  const token = (ticketId: string): string => {
    const hex = ticketId.replace(/-/g, '').toLowerCase();
    return `${hex}${mac(hex)}`;
  };
  const ownId = new RegExp(`^<?(ticket-[0-9a-f]{${32 + MAC_HEX}}(-[0-9a-f]{32})?|[0-9a-f-]{36})@${host.replace(/\./g, '\\.')}>?$`, 'i');
  const rootId = (ticketId: string) => `<ticket-${token(ticketId)}@${host}>`;
  const messageId = (ticketId: string) => `<ticket-${token(ticketId)}-${randomUUID().replace(/-/g, '')}@${host}>`;
  const replyAddress = (ticketId: string) => {
    const address = config.inbound.replyAddress;
    if (address === undefined || !config.inbound.plusAddressing) return address;
    const at = address.lastIndexOf('@');
    return `${address.slice(0, at)}+${token(ticketId)}${address.slice(at)}`;
  };
  return {
    rootId,
    messageId,
    replyAddress,
    headers: (ticketId, first = false) => {
      const root = rootId(ticketId);
      const replyTo = replyAddress(ticketId);
      return {
        ...(first ? { 'Message-ID': root } : { 'Message-ID': messageId(ticketId), 'In-Reply-To': root, References: root }),
        ...(replyTo === undefined ? {} : { 'Reply-To': replyTo }),
      };
    },
    ticketIn: (values) => {
      for (const value of values) {
        for (const [, hex = '', given = ''] of value.toLowerCase().matchAll(TOKEN)) {
          const expected = mac(hex);
          if (timingSafeEqual(Buffer.from(expected), Buffer.from(given))) return hex.replace(UUID_HEX, '$1-$2-$3-$4-$5');
        }
      }
      return undefined;
    },
    isOwnMessageId: (messageId) => ownId.test(messageId.trim()),
  };
}
