/**
 * What a routing rule looks at. Every condition given must hold (a rule naming topics and a
 * mailbox takes only tickets of one of those topics that came by one of those mailboxes);
 * a rule with none matches every ticket.
 */
export interface RoutingConditions {
  /** The topic the customer chose on the portal form. */
  topics?: string[];
  /** The mailbox (id) the mail that opened the ticket came in by. */
  mailboxIds?: string[];
  /** Tags (normalized, src/tags/tag-names.ts): the ticket carries at least one of them. */
  tags?: string[];
}

/** What is known of a ticket when its team is chosen. */
export interface RoutingFacts {
  topic?: string | undefined;
  mailboxId?: string | undefined;
  tags?: readonly string[] | undefined;
}

const among = (allowed: readonly string[] | undefined, value: string | undefined): boolean =>
  allowed === undefined || (value !== undefined && allowed.includes(value));

export function routingMatches(conditions: RoutingConditions, facts: RoutingFacts): boolean {
  return (
    among(conditions.topics, facts.topic) &&
    among(conditions.mailboxIds, facts.mailboxId) &&
    (conditions.tags === undefined || conditions.tags.some((tag) => facts.tags?.includes(tag) ?? false))
  );
}

/** The first matching rule (rules in position order), if any. */
export const firstMatchingRule = <R extends { conditions: RoutingConditions }>(rules: readonly R[], facts: RoutingFacts): R | undefined =>
  rules.find((rule) => routingMatches(rule.conditions, facts));

/** The team of the first matching rule, else the default team, else none. */
export function routeTicket(
  rules: readonly { conditions: RoutingConditions; teamId: string }[],
  defaultTeamId: string | null,
  facts: RoutingFacts,
): string | null {
  return firstMatchingRule(rules, facts)?.teamId ?? defaultTeamId;
}
