/**
 * Helpdesk tickets written the way customers write them: varied templates per category, shared
 * vocabulary between categories ("order" is billing and shipping, "login page" is technical and
 * account), vague tickets, tickets about two things, typos and all-lower-case writers, so a text
 * classifier does well but not perfectly. Priority follows outages, lock-outs, urgency words and the
 * customer's tier, and one ticket in twelve is judged differently by the agent.
 */
import type {
  CustomerTier,
  TicketCategory,
  TicketChannel,
  TicketCreated,
  TicketPriority,
} from '@junction/schema-types';
import { COUNTRIES, person, personalEmail, phone, type Person } from './people';
import type { Random } from './random';

/** The categories, as the TicketCategory enum lists them. */
export const TICKET_CATEGORIES: readonly TicketCategory[] = [
  'BILLING',
  'TECHNICAL',
  'ACCOUNT',
  'SHIPPING',
  'FEEDBACK',
  'OTHER',
];
/** The priorities, most urgent first. */
export const TICKET_PRIORITIES: readonly TicketPriority[] = ['P1', 'P2', 'P3', 'P4'];

type Vocab = Record<string, readonly string[]>;

/** Words every category may use; `{order}`, `{amount}`, `{invoice}`, `{code}`, `{days}` are drawn fresh. */
const SHARED: Vocab = {
  product: [
    'the dashboard',
    'the mobile app',
    'the reports page',
    'the API',
    'the admin console',
    'the desktop app',
    'the editor',
  ],
  when: ['on Monday', 'yesterday', 'last week', 'three days ago', 'this morning', 'on Friday'],
  plan: ['subscription', 'annual plan', 'Pro plan', 'Team plan', 'license', 'Business plan'],
  city: ['Berlin', 'London', 'Austin', 'Singapore', 'Lisbon', 'Toronto', 'Sydney'],
};

interface CategoryText {
  subjects: readonly string[];
  bodies: readonly string[];
  vocab: Vocab;
}

const TEMPLATES: Record<TicketCategory, CategoryText> = {
  BILLING: {
    subjects: [
      'Question about my {doc}',
      'Wrong amount on {doc} {invoice}',
      '{charge} on my card',
      'Refund request',
      'Billing issue with our {plan}',
      'Charged twice?',
      'Cancel and refund',
      'VAT number missing on {doc}',
      'Payment failed',
    ],
    bodies: [
      'I was {charged} {amount} for the {plan} but the price on your website is lower.',
      'My {doc} {invoice} shows a {charge} I do not recognise. Can you explain it?',
      'Please refund the {charge} from last month, I cancelled the {plan} {when}.',
      'The {doc} for this month is missing the discount we agreed on.',
      'Our card was {charged} twice for the same {plan}, please refund one of the payments.',
      'I downgraded {when} but was still {charged} {amount} for the {plan}.',
      'Can you add our VAT number and company address to {doc} {invoice}? Finance needs it.',
      'The payment for order {order} failed but the money left my account.',
      'We want to switch from monthly to yearly billing, how much would it cost?',
      'Why did the price of our {plan} go up? Nobody told us.',
    ],
    vocab: {
      doc: ['invoice', 'bill', 'receipt', 'statement'],
      charge: ['double charge', 'extra charge', 'payment', 'fee', 'unexpected charge'],
      charged: ['charged', 'billed', 'debited'],
    },
  },
  TECHNICAL: {
    subjects: [
      '{product} not working',
      'Error when using {product}',
      '{product} keeps crashing',
      'API returns {code}',
      'Sync is broken',
      'Export fails with {code}',
      'Very slow since the update',
      'Login page shows {code}',
      'Webhooks stopped firing',
    ],
    bodies: [
      'When I open {product} I get an error {code} and nothing loads.',
      '{product} has been {broken} since the last update.',
      'Our integration calls the API and gets {code} responses, requests time out after 30 seconds.',
      '{product} crashes every time I export a report to PDF.',
      'The app is very slow and then shows a {code} error page.',
      'Data from {when} is missing in {product}, the sync job seems {broken}.',
      'The login page itself shows error {code} before I can type anything.',
      'Our webhooks stopped firing {when}, no events reach our endpoint.',
      'Uploading a CSV with more than 1000 rows fails with {code}.',
      'The iOS app freezes on the loading screen after the latest version.',
    ],
    vocab: {
      code: ['500', '502', '503', '404', 'timeout', 'E1042', 'ERR_CONN_RESET', '429'],
      broken: ['broken', 'failing', 'not working', 'unusable', 'really flaky'],
    },
  },
  ACCOUNT: {
    subjects: [
      'Cannot log in',
      'Reset my password',
      'Account locked',
      'Change account email',
      'Add a user to our account',
      '2FA codes not accepted',
      'Remove a former employee',
      'Transfer account ownership',
      'Password reset email never arrives',
    ],
    bodies: [
      'I cannot {login} to my account, the password reset email never arrives.',
      'My account is {locked} after too many attempts, please unlock it.',
      'How do I change the email address on my account?',
      'Please add a new {role} to our team account.',
      'Two-factor codes are not accepted when I {login}.',
      'A colleague left the company, please remove her access and move her projects to me.',
      'I need to transfer ownership of the account to our new IT {role}.',
      'Single sign-on stopped letting our users {login} {when}.',
      'Can you merge my two accounts? I signed up twice with different emails.',
      'I want to delete my account and all my data.',
    ],
    vocab: {
      login: ['log in', 'sign in', 'login', 'get in'],
      locked: ['locked', 'blocked', 'disabled', 'suspended'],
      role: ['admin', 'user', 'member', 'manager'],
    },
  },
  SHIPPING: {
    subjects: [
      'Where is my {item}?',
      '{item} not delivered',
      'Tracking number not working',
      'Damaged {item}',
      'Change delivery address',
      'Order {order} missing items',
      'Wrong item received',
      'Delivery delayed',
    ],
    bodies: [
      'My {item} was supposed to arrive {when} but tracking shows no update.',
      'The courier says delivered but I never received the {item}.',
      'The {item} arrived damaged, the box was crushed.',
      'Can I change the delivery address for order {order}?',
      'Tracking for order {order} has not moved for {days} days.',
      'Order {order} arrived with only two of the three items.',
      'I received the wrong {item}, I ordered the black one.',
      'The {item} is stuck in customs, do I need to pay import fees?',
      'Can you ship order {order} express instead? I need it before Friday.',
    ],
    vocab: {
      item: ['package', 'order', 'parcel', 'device', 'shipment', 'replacement unit'],
    },
  },
  FEEDBACK: {
    subjects: [
      'Feature request: {idea}',
      'Suggestion',
      'Love the new {feature}',
      'Feedback on {feature}',
      'Idea for improvement',
      'Please bring back the old {feature}',
      'Great support experience',
    ],
    bodies: [
      'It would be nice if {feature} supported {idea}.',
      'Just wanted to say we love the new {feature}, great work.',
      'Suggestion: please add {idea}, it would help our team a lot.',
      'The new design of {feature} is confusing, maybe improve the layout.',
      'We would pay more for {idea}.',
      'Please bring back the old {feature}, the new one needs more clicks.',
      'Your agent solved my problem in five minutes, thank you!',
      'Any plans for {idea}? Our competitor has it.',
    ],
    vocab: {
      feature: ['dashboard', 'reports', 'mobile app', 'editor', 'calendar view', 'search'],
      idea: [
        'dark mode',
        'CSV import',
        'keyboard shortcuts',
        'a Slack integration',
        'bulk editing',
        'an offline mode',
      ],
    },
  },
  OTHER: {
    subjects: [
      'Question',
      'Hello',
      'Partnership enquiry',
      'Information request',
      'Quick question',
      'Press enquiry',
      'Security questionnaire',
    ],
    bodies: [
      'Do you have an office in {city}? We would like to meet.',
      'Who should I talk to about a partnership?',
      'Is there a student discount or a non-profit program?',
      'Can you send me your security documentation and SOC 2 report?',
      'What are your opening hours over the holidays in {city}?',
      'I am a journalist writing about your industry, could someone answer a few questions?',
      'Are you hiring in {city}?',
      'Our procurement team needs a completed supplier questionnaire.',
    ],
    vocab: {},
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
const TIERS: readonly (readonly [CustomerTier, number])[] = [
  ['FREE', 35],
  ['STANDARD', 50],
  ['ENTERPRISE', 15],
];
const CHANNELS: readonly (readonly [TicketChannel, number])[] = [
  ['EMAIL', 40],
  ['WEB', 35],
  ['CHAT', 20],
  ['PHONE', 5],
];

const URGENT_SUBJECT = ['URGENT: ', 'Urgent - ', 'ASAP: ', 'Critical: ', '!!! '];
const URGENT_BODY = [
  ' This is urgent.',
  ' Please reply today.',
  ' We need this fixed as soon as possible.',
  ' Urgent please.',
];
const OUTAGE_SUBJECT = ['Production down - ', 'OUTAGE: ', 'Everything is down - ', 'Service down: '];
const OUTAGE_BODY = [
  ' Our whole team is blocked and production is down.',
  ' The service is down for all our users.',
  ' Complete outage on our side, customers are affected.',
  ' Nobody in the company can work, everything is down.',
];
const LOCKOUT_BODY = [
  ' I cannot login at all and have a deadline today.',
  ' None of our users can log in right now.',
  ' I am locked out of my account.',
];
const GREETING = ['Hi, ', 'Hello, ', 'Hi team, ', '', '', 'Dear support, ', 'Good morning, ', 'Hey, '];
const FILLER = [
  ' Thanks!',
  ' Regards.',
  ' Any help appreciated.',
  ' Thank you in advance.',
  '',
  '',
  ' Cheers',
  ' Best,',
];
// vague tickets: the category shows only in a hint word, or not at all
const VAGUE_SUBJECTS = [
  'Help needed',
  'Problem',
  'Issue',
  'Please call me',
  'Not happy',
  'Re: your email',
  'Follow up',
];
const VAGUE_BODIES = [
  'I have a problem and need someone to look at it.',
  'Something is wrong, please get back to me.',
  'Can someone help me with this today?',
  'Following up on my previous message, still no answer.',
  'This is the third time I write about this.',
];

function draw(rng: Random, key: string, vocab: Vocab): string {
  switch (key) {
    case 'order':
      return `#${rng.int(10000, 99999)}`;
    case 'invoice':
      return `INV-${rng.int(2023, 2025)}-${String(rng.int(1, 9999)).padStart(4, '0')}`;
    case 'amount':
      return (
        rng.pick(['$', '€', '£']) +
        String(rng.pick([9, 19, 29, 49, 99, 120, 300, 1200])) +
        rng.pick(['', '.00', '.99'])
      );
    case 'days':
      return String(rng.int(3, 14));
    default:
      return rng.pick(vocab[key] ?? SHARED[key] ?? [key]);
  }
}

function fill(rng: Random, text: string, vocab: Vocab): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => draw(rng, k, vocab));
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Typing as hurried people do: swapped, dropped and doubled letters now and then. */
function typos(rng: Random, text: string, rate: number): string {
  return text
    .split(' ')
    .map((w) => {
      if (w.length < 5 || !rng.chance(rate)) return w;
      const i = rng.int(1, w.length - 3);
      switch (rng.int(0, 2)) {
        case 0:
          return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
        case 1:
          return w.slice(0, i) + w.slice(i + 1);
        default:
          return w.slice(0, i) + w[i] + w.slice(i);
      }
    })
    .join(' ');
}

function signature(rng: Random, who: Person, country: string): string {
  if (rng.chance(0.55)) return '';
  const name = rng.chance(0.5) ? who.firstName : `${who.firstName} ${who.lastName}`;
  return rng.chance(0.25) ? `\n${name}\n${phone(rng, country)}` : `\n${name}`;
}

export interface GeneratedTicket {
  ticket: TicketCreated;
  /** The category the customer's issue really belongs to. */
  category: TicketCategory;
  /** The priority an agent gave it. */
  priority: TicketPriority;
}

/**
 * The `i`-th ticket of a stream drawn from `rng`; `now` anchors its timestamp (pass a constant for
 * byte-identical events). `ticketId` follows `i`, so ids repeat only after 800,000 tickets.
 */
export function generateTicket(rng: Random, i: number, now = Date.now()): GeneratedTicket {
  const category = rng.weighted(CATEGORY_WEIGHTS);
  const t = TEMPLATES[category];
  const vocab = { ...SHARED, ...t.vocab };
  const tier = rng.weighted(TIERS);
  const [country, , region] = rng.weighted(COUNTRIES.map((x) => [x, x[1]] as const));
  const who = person(rng, region);

  const outage = rng.chance(category === 'TECHNICAL' ? 0.22 : 0.015);
  const lockout = !outage && category === 'ACCOUNT' && rng.chance(0.35);
  const urgent = !outage && rng.chance(lockout ? 0.3 : 0.08);
  const vague = rng.chance(0.1);
  // one ticket in eight is also about something else
  const other = rng.chance(0.12) ? rng.weighted(CATEGORY_WEIGHTS) : undefined;

  let subject = vague ? rng.pick(VAGUE_SUBJECTS) : capitalize(fill(rng, rng.pick(t.subjects), vocab));
  let body = vague ? rng.pick(VAGUE_BODIES) : capitalize(fill(rng, rng.pick(t.bodies), vocab));
  if (vague && rng.chance(0.6))
    body += ` It is about ${draw(rng, rng.pick(Object.keys(t.vocab).concat('product')), vocab)}.`;
  if (other && other !== category) {
    const o = TEMPLATES[other];
    body += ` Also, ${fill(rng, rng.pick(o.bodies), { ...SHARED, ...o.vocab }).replace(/^./, (c) => c.toLowerCase())}`;
  }
  if (outage) {
    subject = rng.pick(OUTAGE_SUBJECT) + subject;
    body += rng.pick(OUTAGE_BODY);
  } else if (lockout) {
    body += rng.pick(LOCKOUT_BODY);
  }
  if (urgent) {
    if (rng.chance(0.6)) subject = rng.pick(URGENT_SUBJECT) + subject;
    body += rng.pick(URGENT_BODY);
  }
  body = rng.pick(GREETING) + body + rng.pick(FILLER) + signature(rng, who, country);
  // one writer in ten types in lower case only; everyone makes the odd typo
  const sloppy = rng.chance(0.1);
  body = typos(rng, sloppy ? body.toLowerCase() : body, sloppy ? 0.08 : 0.03);
  if (sloppy) subject = subject.toLowerCase();

  let priority: TicketPriority;
  if (outage) priority = tier === 'ENTERPRISE' ? 'P1' : 'P2';
  else if (lockout) priority = tier === 'FREE' && !urgent ? 'P3' : 'P2';
  else if (category === 'FEEDBACK' || category === 'OTHER') priority = urgent ? 'P3' : 'P4';
  else priority = urgent ? 'P2' : tier === 'ENTERPRISE' && rng.chance(0.6) ? 'P2' : 'P3';
  // agents do not always agree with the rules
  if (rng.chance(0.08)) priority = rng.pick(TICKET_PRIORITIES);

  const customer = rng.int(10000, 99999);
  return {
    category,
    priority,
    ticket: {
      eventId: rng.uuid(),
      ticketId: `T-${200000 + (i % 800000)}`,
      createdAt: now - rng.int(0, 600_000),
      customerId: `C-${customer}`,
      customerEmail: personalEmail(rng, who),
      customerTier: tier,
      channel: rng.weighted(CHANNELS),
      subject,
      body,
      language: 'en',
    },
  };
}
