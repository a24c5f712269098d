/**
 * Helpdesk tickets written the way customers write them: templates per category with varied
 * vocabulary, filler, typos and some overlap between categories, so a text classifier does well but
 * not perfectly. Priority follows urgency words, outages and the customer's tier.
 */
import type {
  CustomerTier,
  TicketCategory,
  TicketChannel,
  TicketCreated,
  TicketPriority,
} from '@junction/schema-types';
import { Random } from './random';

type Vocab = Record<string, readonly string[]>;

const TEMPLATES: Record<
  TicketCategory,
  { subjects: readonly string[]; bodies: readonly string[]; vocab: Vocab }
> = {
  BILLING: {
    subjects: [
      'Question about my {doc}',
      'Wrong amount on {doc}',
      '{charge} on my card',
      'Refund request',
      'Billing issue with {plan}',
    ],
    bodies: [
      'I was {charged} {amount} for {plan} but I expected a lower price.',
      'My {doc} shows a {charge} I do not recognise. Can you explain it?',
      'Please refund the {charge} from last month, I cancelled the {plan} already.',
      'The {doc} for this month is missing the discount we agreed on.',
      'Our card was {charged} twice for the same {plan}.',
    ],
    vocab: {
      doc: ['invoice', 'bill', 'receipt', 'statement'],
      charge: ['double charge', 'extra charge', 'payment', 'fee'],
      charged: ['charged', 'billed', 'debited'],
      amount: ['$49', '$120', '€300', '$19.99', 'twice'],
      plan: ['subscription', 'annual plan', 'pro plan', 'license'],
    },
  },
  TECHNICAL: {
    subjects: [
      '{feature} not working',
      'Error when using {feature}',
      '{feature} keeps crashing',
      'API returns {code}',
      'Sync is broken',
    ],
    bodies: [
      'When I open {feature} I get an error {code} and nothing loads.',
      'The {feature} has been {broken} since the last update.',
      'Our integration calls the API and gets {code} responses, requests time out.',
      '{feature} crashes every time I export a report.',
      'The app is very slow and then shows a {code} error page.',
    ],
    vocab: {
      feature: ['the dashboard', 'the mobile app', 'reports', 'the export', 'the integration', 'search'],
      code: ['500', '502', '404', 'timeout', 'E1042'],
      broken: ['broken', 'failing', 'not working', 'unusable'],
    },
  },
  ACCOUNT: {
    subjects: [
      'Cannot log in',
      'Reset my password',
      'Account locked',
      'Change account email',
      'Add a user to our account',
    ],
    bodies: [
      'I cannot {login} to my account, the password reset email never arrives.',
      'My account is {locked} after too many attempts, please unlock it.',
      'How do I change the email address on my account?',
      'Please add a new {role} to our team account.',
      'Two-factor codes are not accepted when I {login}.',
    ],
    vocab: {
      login: ['log in', 'sign in', 'login'],
      locked: ['locked', 'blocked', 'disabled'],
      role: ['admin', 'user', 'member'],
    },
  },
  SHIPPING: {
    subjects: [
      'Where is my {item}?',
      '{item} not delivered',
      'Tracking number not working',
      'Damaged {item}',
      'Change delivery address',
    ],
    bodies: [
      'My {item} was supposed to arrive {when} but tracking shows no update.',
      'The courier says delivered but I never received the {item}.',
      'The {item} arrived damaged, the box was crushed.',
      'Can I change the delivery address for order {order}?',
      'Tracking for order {order} has not moved for a week.',
    ],
    vocab: {
      item: ['package', 'order', 'parcel', 'device', 'shipment'],
      when: ['on Monday', 'yesterday', 'last week', 'three days ago'],
      order: ['#48213', '#99120', '#12007', '#55510'],
    },
  },
  FEEDBACK: {
    subjects: [
      'Feature request: {idea}',
      'Suggestion',
      'Love the new {feature}',
      'Feedback on {feature}',
      'Idea for improvement',
    ],
    bodies: [
      'It would be nice if {feature} supported {idea}.',
      'Just wanted to say we love the new {feature}, great work.',
      'Suggestion: please add {idea}, it would help our team a lot.',
      'The new design of {feature} is confusing, maybe improve the layout.',
      'We would pay more for {idea}.',
    ],
    vocab: {
      feature: ['dashboard', 'reports', 'mobile app', 'editor', 'calendar view'],
      idea: ['dark mode', 'CSV import', 'keyboard shortcuts', 'a Slack integration', 'bulk editing'],
    },
  },
  OTHER: {
    subjects: ['Question', 'Hello', 'Partnership enquiry', 'Information request', 'Quick question'],
    bodies: [
      'Do you have an office in {city}? We would like to meet.',
      'Who should I talk to about a partnership?',
      'Is there a student discount or a non-profit program?',
      'Can you send me your security documentation?',
      'What are your opening hours over the holidays in {city}?',
    ],
    vocab: { city: ['Berlin', 'London', 'Austin', 'Singapore', 'Lisbon'] },
  },
};

const CATEGORY_WEIGHTS: readonly (readonly [TicketCategory, number])[] = [
  ['TECHNICAL', 30],
  ['BILLING', 20],
  ['ACCOUNT', 18],
  ['SHIPPING', 15],
  ['FEEDBACK', 9],
  ['OTHER', 8],
];
const URGENT = ['URGENT: ', 'Production down - ', 'ASAP: ', 'Critical: '];
const OUTAGE_BODIES = [
  ' Our whole team is blocked and production is down.',
  ' This is urgent, we cannot work.',
  ' Please help immediately, customers are affected.',
];
const FILLER = [
  ' Thanks!',
  ' Regards.',
  ' Any help appreciated.',
  ' Thank you in advance.',
  '',
  '',
  ' Cheers',
];
const GREETING = ['Hi, ', 'Hello, ', 'Hi team, ', '', '', 'Dear support, '];
// vague tickets: the category shows only in a hint word, or not at all
const VAGUE_SUBJECTS = ['Help needed', 'Problem', 'Issue', 'Please call me', 'Not happy'];
const VAGUE_BODIES = [
  'I have a problem and need someone to look at it.',
  'Something is wrong, please get back to me.',
  'Can someone help me with this today?',
];

function fill(rng: Random, text: string, vocab: Vocab): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => rng.pick(vocab[k] ?? [k]));
}

/** Swaps two adjacent letters in a word now and then, as hurried people type. */
function typos(rng: Random, text: string): string {
  return text
    .split(' ')
    .map((w) => {
      if (w.length < 5 || !rng.chance(0.04)) return w;
      const i = rng.int(1, w.length - 3);
      return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
    })
    .join(' ');
}

export interface GeneratedTicket {
  ticket: TicketCreated;
  category: TicketCategory;
  priority: TicketPriority;
}

export function generateTicket(rng: Random, i: number, now = Date.now()): GeneratedTicket {
  const category = rng.weighted(CATEGORY_WEIGHTS);
  // a share of tickets mentions a second topic, which makes the text ambiguous
  const other = rng.chance(0.12) ? rng.weighted(CATEGORY_WEIGHTS) : undefined;
  const t = TEMPLATES[category];
  const tier: CustomerTier = rng.weighted([
    ['FREE', 35],
    ['STANDARD', 50],
    ['ENTERPRISE', 15],
  ] as const);
  const outage = category === 'TECHNICAL' ? rng.chance(0.25) : rng.chance(0.03);
  const urgent = outage || rng.chance(0.08);
  const vague = rng.chance(0.12);
  let subject = vague ? rng.pick(VAGUE_SUBJECTS) : fill(rng, rng.pick(t.subjects), t.vocab);
  let body = rng.pick(GREETING) + (vague ? rng.pick(VAGUE_BODIES) : fill(rng, rng.pick(t.bodies), t.vocab));
  if (vague && rng.chance(0.6)) body += ` It is about the ${rng.pick(Object.values(t.vocab).flat())}.`;
  if (other && other !== category)
    body += ` Also, ${fill(rng, rng.pick(TEMPLATES[other].bodies), TEMPLATES[other].vocab).toLowerCase()}`;
  if (urgent) subject = rng.pick(URGENT) + subject;
  if (outage) body += rng.pick(OUTAGE_BODIES);
  body = typos(rng, body + rng.pick(FILLER));
  let priority: TicketPriority = outage
    ? tier === 'ENTERPRISE'
      ? 'P1'
      : 'P2'
    : urgent
      ? 'P2'
      : category === 'FEEDBACK' || category === 'OTHER'
        ? 'P4'
        : 'P3';
  // customers do not always say how urgent it is: one ticket in ten is a level off
  if (rng.chance(0.1)) priority = rng.pick(['P1', 'P2', 'P3', 'P4'] as const);
  const channel: TicketChannel = rng.weighted([
    ['EMAIL', 40],
    ['WEB', 35],
    ['CHAT', 20],
    ['PHONE', 5],
  ] as const);
  const customer = rng.int(1000, 9999);
  return {
    category,
    priority,
    ticket: {
      eventId: rng.id('evt-'),
      ticketId: `T-${200000 + (i % 800000)}`,
      createdAt: now - rng.int(0, 600_000),
      customerId: `C-${customer}`,
      customerEmail: `customer${customer}@example.com`,
      customerTier: tier,
      channel,
      subject,
      body,
      language: 'en',
    },
  };
}
