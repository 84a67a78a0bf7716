import { invalidField } from '../http/errors.js';

/** What a macro's text may name; everything is filled in from the ticket and the agent applying it. */
export interface TemplateFacts {
  requesterName: string;
  ticketNumber: number;
  ticketSubject: string;
  agentName: string;
}

const firstName = (name: string): string => name.trim().split(/\s+/)[0] ?? name;

const PLACEHOLDERS: Readonly<Record<string, (facts: TemplateFacts) => string>> = {
  'requester.name': (facts) => facts.requesterName,
  'requester.firstName': (facts) => firstName(facts.requesterName),
  'ticket.number': (facts) => String(facts.ticketNumber),
  'ticket.subject': (facts) => facts.ticketSubject,
  'agent.name': (facts) => facts.agentName,
  'agent.firstName': (facts) => firstName(facts.agentName),
};

export const PLACEHOLDER_NAMES = Object.keys(PLACEHOLDERS);

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Refused when saved, so a typo never reaches a customer as `{{requester.nmae}}`. */
export function assertTemplate(body: string): void {
  for (const [, name] of body.matchAll(PLACEHOLDER)) {
    if (name === undefined || !(name in PLACEHOLDERS)) {
      throw invalidField('invalid_placeholder', 'body', `Unknown placeholder {{${name ?? ''}}}: use one of ${PLACEHOLDER_NAMES.map((known) => `{{${known}}}`).join(', ')}`);
    }
  }
}

export const renderTemplate = (body: string, facts: TemplateFacts): string =>
  body.replace(PLACEHOLDER, (whole, name: string) => PLACEHOLDERS[name]?.(facts) ?? whole);
