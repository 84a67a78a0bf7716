/**
 * What a routing rule looks at. Every condition given must hold; a rule with none matches
 * every ticket. New kinds (the mailbox a mail came in by, a tag) are added here as fields.
 */
export interface RoutingConditions {
  /** The topic the customer chose on the portal form. */
  topics?: string[];
}

/** What is known of a new ticket when its team is chosen. */
export interface RoutingFacts {
  topic?: string | undefined;
}

export function routingMatches(conditions: RoutingConditions, facts: RoutingFacts): boolean {
  if (conditions.topics !== undefined && (facts.topic === undefined || !conditions.topics.includes(facts.topic))) return false;
  return true;
}

/** The team of the first matching rule (rules in position order), else the default team, else none. */
export function routeTicket(
  rules: readonly { conditions: RoutingConditions; teamId: string }[],
  defaultTeamId: string | null,
  facts: RoutingFacts,
): string | null {
  return rules.find((rule) => routingMatches(rule.conditions, facts))?.teamId ?? defaultTeamId;
}
