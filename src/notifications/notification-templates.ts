import { oneLine, renderMail, type MailTemplate, type RenderedMail } from '../mail/mail-templates.js';
import type { NotificationKind } from './notification-kinds.js';

/** What a notification about one ticket event says; every string here is user text or safe text. */
export interface NotificationFacts {
  ticket: { id: string; number: number; subject: string };
  /** Who acted; null for the system (escalation rules, SLA checks). */
  actorName: string | null;
  /** The public message of a reply, quoted in its mail. Never an internal note. */
  message: string | undefined;
  /** Staff-only detail (e.g. which escalation rule fired); left out for customers. */
  detail: string | undefined;
  /** Files of the public message or new ticket, linked in the mail (an internal note's never are). */
  files?: readonly { name: string; size: string; url: string }[] | undefined;
  /** `PUBLIC_URL/tickets/<id>`, or undefined when the desk's address is unknown. */
  url: string | undefined;
  recipient: { name: string; staff: boolean };
}

export interface RenderedNotification {
  /** The in-app line. */
  title: string;
  mail: RenderedMail;
}

interface Wording {
  title: string;
  heading: string;
  paragraphs: string[];
  quote?: MailTemplate['quote'];
}

const ref = (facts: NotificationFacts) => `#${facts.ticket.number}`;
const by = (facts: NotificationFacts, fallback: string) => facts.actorName ?? fallback;

const WORDING: Readonly<Record<NotificationKind, (facts: NotificationFacts) => Wording>> = {
  ticket_received: (f) => ({
    title: `We received your ticket ${ref(f)}: ${f.ticket.subject}`,
    heading: `We received your ticket ${ref(f)}`,
    paragraphs: [`Thank you, ${f.recipient.name}. Your request "${f.ticket.subject}" is in our queue and we will get back to you.`],
  }),
  staff_reply: (f) => ({
    title: `New reply on ${ref(f)}: ${f.ticket.subject}`,
    heading: `New reply on ${ref(f)}`,
    paragraphs: [`${by(f, 'The support team')} replied on "${f.ticket.subject}".`],
    ...(f.message === undefined ? {} : { quote: { text: f.message, author: by(f, 'Support') } }),
  }),
  waiting_on_customer: (f) => ({
    title: `${ref(f)} is waiting for your answer: ${f.ticket.subject}`,
    heading: `We need your answer on ${ref(f)}`,
    paragraphs: [`Your ticket "${f.ticket.subject}" is waiting for your reply. Answer in the ticket to send it back to the team.`],
  }),
  ticket_resolved: (f) => ({
    title: `${ref(f)} was resolved: ${f.ticket.subject}`,
    heading: `Ticket ${ref(f)} was resolved`,
    paragraphs: [`Your ticket "${f.ticket.subject}" was marked as resolved. If the problem is not solved, you can reopen it.`],
  }),
  ticket_closed: (f) => ({
    title: `${ref(f)} was closed: ${f.ticket.subject}`,
    heading: `Ticket ${ref(f)} was closed`,
    paragraphs: [`Your ticket "${f.ticket.subject}" was closed. Open a new ticket if you need more help.`],
  }),
  ticket_assigned: (f) => ({
    title: `${ref(f)} was assigned to you: ${f.ticket.subject}`,
    heading: `Ticket ${ref(f)} was assigned to you`,
    paragraphs: [`${by(f, 'An escalation rule')} assigned "${f.ticket.subject}" to you.`],
  }),
  customer_reply: (f) => ({
    title: `Customer replied on ${ref(f)}: ${f.ticket.subject}`,
    heading: `The customer replied on ${ref(f)}`,
    paragraphs: [`${by(f, 'The customer')} replied on "${f.ticket.subject}", a ticket assigned to you.`],
    ...(f.message === undefined ? {} : { quote: { text: f.message, author: by(f, 'Customer') } }),
  }),
  ticket_escalated: (f) => ({
    title: `${ref(f)} was escalated: ${f.ticket.subject}`,
    heading: `Ticket ${ref(f)} was escalated`,
    paragraphs: f.recipient.staff
      ? [`"${f.ticket.subject}" was escalated${f.detail === undefined ? '' : ` (${f.detail})`}.`]
      : [`Your ticket "${f.ticket.subject}" was escalated and gets extra attention from our team.`],
  }),
  sla_breached: (f) => ({
    title: `${ref(f)} missed its SLA: ${f.ticket.subject}`,
    heading: `Ticket ${ref(f)} missed its SLA`,
    paragraphs: [`"${f.ticket.subject}" missed its ${f.detail ?? 'service level'} target.`],
  }),
};

/** Mail clients group a ticket's mails by this subject, and by the threading headers. */
export const ticketMailSubject = (ticket: NotificationFacts['ticket']): string => `[#${ticket.number}] ${ticket.subject}`;

/** One template per kind gives the in-app title and both parts of the mail. */
export function renderNotification(kind: NotificationKind, given: NotificationFacts): RenderedNotification {
  // Names and subjects sit inside sentences; one stored with a line break must not open a paragraph of its own.
  const facts: NotificationFacts = {
    ...given,
    ticket: { ...given.ticket, subject: oneLine(given.ticket.subject) },
    actorName: given.actorName === null ? null : oneLine(given.actorName),
    recipient: { ...given.recipient, name: oneLine(given.recipient.name) },
  };
  const wording = WORDING[kind](facts);
  const template: MailTemplate = {
    subject: ticketMailSubject(facts.ticket),
    heading: wording.heading,
    paragraphs: wording.paragraphs,
    ...(wording.quote ? { quote: wording.quote } : {}),
    ...(facts.files && facts.files.length > 0 ? { files: facts.files } : {}),
    ...(facts.url === undefined ? {} : { link: { url: facts.url, label: `Open ticket #${facts.ticket.number}` } }),
    footer: 'You get this mail because of your notification settings in Helpline; you can turn each kind of mail off there.',
  };
  // Titles are one line, like subjects.
  return { title: oneLine(wording.title).slice(0, 300), mail: renderMail(template) };
}

// A reader who lost sight of some of a group's tickets may be left with one.
const tickets = (n: number) => (n === 1 ? '1 ticket' : `${n} tickets`);
const were = (n: number) => (n === 1 ? 'was' : 'were');

const GROUP_TITLES: Readonly<Record<NotificationKind, (count: number) => string>> = {
  ticket_received: (n) => `We received ${tickets(n)} of yours`,
  staff_reply: (n) => `New replies on ${tickets(n)} of yours`,
  waiting_on_customer: (n) => `${tickets(n)} of yours ${n === 1 ? 'is' : 'are'} waiting for your answer`,
  ticket_resolved: (n) => `${tickets(n)} of yours ${were(n)} resolved`,
  ticket_closed: (n) => `${tickets(n)} of yours ${were(n)} closed`,
  ticket_assigned: (n) => `${tickets(n)} ${were(n)} assigned to you`,
  customer_reply: (n) => `Customers replied on ${tickets(n)} assigned to you`,
  ticket_escalated: (n) => `${tickets(n)} ${were(n)} escalated`,
  sla_breached: (n) => `${tickets(n)} missed ${n === 1 ? 'its' : 'their'} SLA`,
};

/** The in-app line of a grouped notification, about `count` tickets (see notification-batch.ts). */
export const groupTitle = (kind: NotificationKind, count: number): string => GROUP_TITLES[kind](count);
