/**
 * CRM leads with a hidden conversion propensity. The propensity is what a lead-scoring model should
 * learn: engagement (meetings, forms), seniority, company size, channel and industry, plus noise.
 */
import type { LeadCreated, SourceChannel } from '@junction/schema-types';
import { Random, sigmoid } from './random';

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Linus',
  'Margaret',
  'Tim',
  'Barbara',
  'Ken',
  'Radia',
  'Dennis',
  'Frances',
  'John',
  'Sophie',
  'Mateo',
  'Aisha',
  'Wei',
  'Priya',
  'Lars',
  'Chiara',
  'Kwame',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Torvalds',
  'Hamilton',
  'Berners-Lee',
  'Liskov',
  'Thompson',
  'Perlman',
  'Ritchie',
  'Allen',
  'McCarthy',
  'Wilson',
  'Garcia',
  'Khan',
  'Zhang',
  'Patel',
  'Andersen',
  'Rossi',
  'Mensah',
];
const COMPANY_A = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Hooli',
  'Vandelay',
  'Soylent',
  'Cyberdyne',
  'Tyrell',
  'Wonka',
  'Gringotts',
  'Oscorp',
  'Aperture',
];
const COMPANY_B = [
  'Systems',
  'Labs',
  'Industries',
  'Logistics',
  'Health',
  'Retail',
  'Analytics',
  'Foods',
  'Energy',
  'Capital',
];
const INDUSTRIES: readonly (readonly [string, number, number])[] = [
  // [industry, weight in the population, effect on conversion]
  ['software', 5, 0.45],
  ['financial-services', 3, 0.25],
  ['healthcare', 3, 0.1],
  ['manufacturing', 3, -0.05],
  ['retail', 3, -0.2],
  ['education', 2, -0.4],
  ['logistics', 2, 0.05],
  ['public-sector', 1, -0.5],
];
const CHANNELS: readonly (readonly [SourceChannel, number, number])[] = [
  ['WEB', 30, 0],
  ['REFERRAL', 10, 0.8],
  ['EVENT', 10, 0.5],
  ['PAID_SEARCH', 25, -0.45],
  ['OUTBOUND', 15, -0.3],
  ['PARTNER', 7, 0.4],
  ['OTHER', 3, -0.2],
];
const TITLES: readonly (readonly [string, number, number])[] = [
  ['Chief Technology Officer', 1, 0.7],
  ['VP Engineering', 2, 0.6],
  ['Head of Operations', 2, 0.5],
  ['Director of IT', 3, 0.45],
  ['Engineering Manager', 4, 0.2],
  ['Software Engineer', 6, -0.2],
  ['Analyst', 5, -0.3],
  ['Student', 1, -1.2],
  ['', 4, -0.4],
];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'NL', 'IN', 'BR', 'JP', 'CA', 'AU', 'SE', 'ES'];

export interface GeneratedLead {
  lead: LeadCreated;
  /** Whether this lead converted (sampled from its hidden propensity). */
  converted: boolean;
  propensity: number;
}

export function generateLead(rng: Random, i: number, now = Date.now()): GeneratedLead {
  const [industry, , industryEffect] = rng.weighted(INDUSTRIES.map((x) => [x, x[1]] as const));
  const [channel, , channelEffect] = rng.weighted(CHANNELS.map((x) => [x, x[1]] as const));
  const [title, , titleEffect] = rng.weighted(TITLES.map((x) => [x, x[1]] as const));
  const employees = Math.max(1, Math.round(Math.exp(rng.normal() * 1.6 + 4.5)));
  const interest = rng.normal();
  const meetingsBooked = Math.min(6, rng.count(0.25 + Math.max(0, interest) * 0.6));
  const formSubmissions = Math.min(10, rng.count(0.6 + Math.max(0, interest) * 0.8));
  const pageViews = rng.count(6 + Math.max(0, interest) * 10);
  const emailOpens = rng.count(2 + Math.max(0, interest) * 3);
  const z =
    -1.6 +
    0.9 * meetingsBooked +
    0.3 * Math.min(formSubmissions, 5) +
    0.04 * Math.min(pageViews, 40) +
    0.05 * Math.min(emailOpens, 20) +
    0.25 * (Math.log10(employees) - 2) +
    industryEffect +
    channelEffect +
    titleEffect +
    0.5 * rng.normal();
  const propensity = sigmoid(z);
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  const companyName = `${rng.pick(COMPANY_A)} ${rng.pick(COMPANY_B)}`;
  const domain = `${companyName.toLowerCase().replace(/\s+/g, '')}.example`;
  const createdAt = now - rng.int(0, 3_600_000);
  return {
    converted: rng.chance(propensity),
    propensity,
    lead: {
      eventId: rng.id('evt-'),
      leadId: `L-${100000 + (i % 900000)}`,
      createdAt,
      contact: {
        firstName: first,
        lastName: last,
        email: `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + `@${domain}`,
        phone: rng.chance(0.6) ? `+1-555-${String(rng.int(0, 9999)).padStart(4, '0')}` : null,
        title: title === '' ? null : title,
      },
      company: { name: companyName, domain, employees, industry, country: rng.pick(COUNTRIES) },
      sourceChannel: channel,
      activity: {
        pageViews,
        emailOpens,
        formSubmissions,
        meetingsBooked,
        lastActivityAt: pageViews > 0 ? createdAt - rng.int(0, 86_400_000) : null,
      },
    },
  };
}
