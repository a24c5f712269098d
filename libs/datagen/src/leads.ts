/**
 * CRM leads with a hidden conversion propensity. The propensity is what a lead-scoring model should
 * learn: engagement (meetings booked, forms, visits, e-mail opens), seniority of the contact's title,
 * company size, source channel and industry, plus noise no model can see; `converted` is sampled from it.
 */
import type { LeadCreated, SourceChannel } from '@junction/schema-types';
import { COUNTRIES, person, phone, workEmail } from './people';
import { Random, sigmoid } from './random';

interface Industry {
  name: string;
  /** Relative share of leads. */
  weight: number;
  /** Effect on the log-odds of converting. */
  effect: number;
  /** Mean of ln(employees). */
  logSize: number;
  suffixes: readonly string[];
}

const INDUSTRY_TABLE: readonly Industry[] = [
  {
    name: 'software',
    weight: 22,
    effect: 0.45,
    logSize: 4.3,
    suffixes: ['Software', 'Labs', 'Cloud', 'Technologies', 'Systems', 'AI', 'Digital'],
  },
  {
    name: 'financial-services',
    weight: 12,
    effect: 0.25,
    logSize: 5.5,
    suffixes: ['Capital', 'Financial', 'Bank', 'Insurance', 'Partners', 'Payments'],
  },
  {
    name: 'healthcare',
    weight: 11,
    effect: 0.1,
    logSize: 5.3,
    suffixes: ['Health', 'Medical', 'Clinics', 'Pharma', 'Care', 'Biotech'],
  },
  {
    name: 'manufacturing',
    weight: 12,
    effect: -0.05,
    logSize: 5.4,
    suffixes: ['Manufacturing', 'Industries', 'Components', 'Machinery', 'Metals', 'Plastics'],
  },
  {
    name: 'retail',
    weight: 12,
    effect: -0.25,
    logSize: 4.8,
    suffixes: ['Retail', 'Stores', 'Outfitters', 'Market', 'Goods', 'Brands'],
  },
  {
    name: 'education',
    weight: 7,
    effect: -0.45,
    logSize: 5.0,
    suffixes: ['Academy', 'Learning', 'College', 'Schools', 'Education'],
  },
  {
    name: 'logistics',
    weight: 8,
    effect: 0.05,
    logSize: 5.0,
    suffixes: ['Logistics', 'Freight', 'Transport', 'Shipping', 'Supply'],
  },
  {
    name: 'public-sector',
    weight: 4,
    effect: -0.6,
    logSize: 6.2,
    suffixes: ['City Council', 'County', 'Public Services', 'Transit Authority', 'Water Board'],
  },
  {
    name: 'media',
    weight: 5,
    effect: 0,
    logSize: 4.2,
    suffixes: ['Media', 'Studios', 'Publishing', 'Broadcasting'],
  },
  {
    name: 'energy',
    weight: 4,
    effect: 0.15,
    logSize: 5.8,
    suffixes: ['Energy', 'Power', 'Renewables', 'Utilities'],
  },
  {
    name: 'professional-services',
    weight: 6,
    effect: 0.2,
    logSize: 4.0,
    suffixes: ['Consulting', 'Advisors', 'Group', 'Associates', 'Legal'],
  },
];

/** The industry labels leads carry (`company.industry`). */
export const LEAD_INDUSTRIES: readonly string[] = INDUSTRY_TABLE.map((i) => i.name);

const CHANNELS: readonly (readonly [SourceChannel, number, number])[] = [
  // [channel, share, effect on the log-odds]
  ['WEB', 30, 0],
  ['REFERRAL', 9, 0.85],
  ['EVENT', 9, 0.55],
  ['PAID_SEARCH', 25, -0.5],
  ['OUTBOUND', 15, -0.3],
  ['PARTNER', 8, 0.4],
  ['OTHER', 4, -0.2],
];

/** The source channels, as the SourceChannel enum lists them. */
export const SOURCE_CHANNELS: readonly SourceChannel[] = [
  'WEB',
  'REFERRAL',
  'EVENT',
  'PAID_SEARCH',
  'OUTBOUND',
  'PARTNER',
  'OTHER',
];

const SENIORITY: readonly (readonly [readonly string[], number, number])[] = [
  // [titles, share, effect on the log-odds]
  [
    [
      'Chief Technology Officer',
      'CTO',
      'Chief Information Officer',
      'CFO',
      'CEO',
      'Founder & CEO',
      'COO',
      'Chief Revenue Officer',
    ],
    5,
    0.75,
  ],
  [
    ['VP Engineering', 'VP of Sales', 'Vice President, Operations', 'VP Marketing', 'SVP Technology'],
    6,
    0.65,
  ],
  [
    ['Head of Operations', 'Head of Data', 'Head of IT', 'Head of Customer Success', 'Head of Procurement'],
    6,
    0.55,
  ],
  [
    [
      'Director of IT',
      'IT Director',
      'Director, Procurement',
      'Engineering Director',
      'Sales Director',
      'Director of Finance',
    ],
    10,
    0.45,
  ],
  [
    [
      'Engineering Manager',
      'IT Manager',
      'Product Manager',
      'Operations Manager',
      'Marketing Manager',
      'Procurement Manager',
    ],
    18,
    0.15,
  ],
  [
    [
      'Software Engineer',
      'Senior Software Engineer',
      'Data Analyst',
      'Business Analyst',
      'Accountant',
      'Marketing Coordinator',
      'Sales Representative',
      'Consultant',
      'Developer',
      'Procurement Specialist',
      'Nurse',
      'Teacher',
    ],
    40,
    -0.2,
  ],
  [['Student', 'Intern', 'PhD Student', 'Graduate Intern'], 4, -1.2],
  [[''], 11, -0.4],
];

const COMPANY_BASES = [
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Tailspin',
  'Wingtip',
  'Litware',
  'Proseware',
  'Lucerne',
  'Alpine',
  'Bluefin',
  'Brightline',
  'Cedarwood',
  'Copperleaf',
  'Evergreen',
  'Harborview',
  'Ironwood',
  'Keystone',
  'Lakeshore',
  'Meridian',
  'Nimbus',
  'Oakridge',
  'Pinnacle',
  'Quartz',
  'Redwood',
  'Silverline',
  'Summit',
  'Trailhead',
  'Vertex',
  'Willowbrook',
  'Zephyr',
  'Aurora',
  'Beacon',
  'Cobalt',
  'Driftwood',
  'Ember',
  'Falcon',
  'Granite',
  'Helix',
  'Indigo',
  'Juniper',
  'Kestrel',
  'Lumen',
  'Maple',
  'Nova',
  'Orchid',
  'Polaris',
  'Riverbend',
  'Sierra',
  'Tundra',
  'Vantage',
  'Westfield',
];

export interface GeneratedLead {
  lead: LeadCreated;
  /** Whether this lead converted (sampled from its hidden propensity). */
  converted: boolean;
  /** The hidden probability of converting that `converted` was sampled from. */
  propensity: number;
}

/**
 * The `i`-th lead of a stream drawn from `rng`; `now` anchors its timestamps (pass a constant for
 * byte-identical events). `leadId` follows `i`, so ids repeat only after 900,000 leads.
 */
export function generateLead(rng: Random, i: number, now = Date.now()): GeneratedLead {
  const industry = rng.weighted(INDUSTRY_TABLE.map((x) => [x, x.weight] as const));
  const [channel, , channelEffect] = rng.weighted(CHANNELS.map((x) => [x, x[1]] as const));
  const [titles, , titleEffect] = rng.weighted(SENIORITY.map((x) => [x, x[1]] as const));
  const title = rng.pick(titles);
  const [country, , region, legalForms] = rng.weighted(COUNTRIES.map((x) => [x, x[1]] as const));

  // 1 in 40 CRMs do not know the size (0, as the schema says); otherwise log-normal around the industry's
  const employees = rng.chance(0.025)
    ? 0
    : Math.min(500_000, Math.max(1, Math.round(Math.exp(rng.normal() * 1.5 + industry.logSize))));
  // a latent interest drives engagement; referrals and events arrive warmer
  const interest = rng.normal() + (channel === 'REFERRAL' || channel === 'EVENT' ? 0.3 : 0);
  const warm = Math.max(0, interest);
  const meetingsBooked = Math.min(8, rng.count(0.2 + warm * 0.7));
  const formSubmissions = Math.min(12, rng.count(0.5 + warm * 0.8));
  const pageViews = Math.min(400, rng.count(5 + warm * 12));
  const emailOpens = Math.min(60, rng.count(1.5 + warm * 3));

  const size = employees > 0 ? Math.log10(employees) - 2 : -0.2;
  const z =
    -2.3 +
    1.0 * Math.min(meetingsBooked, 4) +
    0.45 * Math.min(formSubmissions, 5) +
    0.04 * Math.min(pageViews, 50) +
    0.08 * Math.min(emailOpens, 20) +
    0.5 * size +
    1.3 * (industry.effect + channelEffect + titleEffect) +
    0.3 * rng.normal();
  const propensity = sigmoid(z);

  const contact = person(rng, region);
  const base = rng.pick(COMPANY_BASES);
  const suffix = rng.pick(industry.suffixes);
  const legal = rng.pick(legalForms);
  const companyName =
    industry.name === 'public-sector' ? `${base} ${suffix}` : `${base} ${suffix}${legal ? ` ${legal}` : ''}`;
  const domain = rng.chance(0.97) ? `${`${base}${suffix.split(' ')[0]}`.toLowerCase()}.example` : null;
  const createdAt = now - rng.int(0, 3_600_000);
  const converted = rng.chance(propensity);
  return {
    converted,
    propensity,
    lead: {
      eventId: rng.uuid(),
      leadId: `L-${100000 + (i % 900000)}`,
      createdAt,
      contact: {
        firstName: contact.firstName,
        lastName: contact.lastName,
        email: workEmail(rng, contact, domain ?? `${base.toLowerCase()}.example`),
        phone: rng.chance(0.65) ? phone(rng, country) : null,
        title: title === '' ? (rng.chance(0.5) ? null : '') : title,
      },
      company: {
        name: companyName,
        domain,
        employees,
        industry: industry.name,
        country: rng.chance(0.95) ? country : null,
      },
      sourceChannel: channel,
      activity: {
        pageViews,
        emailOpens,
        formSubmissions,
        meetingsBooked,
        lastActivityAt: pageViews + emailOpens > 0 ? createdAt - rng.int(0, 14 * 86_400_000) : null,
      },
    },
  };
}
