/**
 * Fake but plausible personal data: names by region, e-mail addresses on reserved `.example`
 * domains, and phone numbers from ranges set aside for fiction (US 555-01xx, UK 020 7946 0xxx, ...),
 * so nothing generated can reach a real person.
 */
import type { Random } from './random';

type Region = 'en' | 'de' | 'fr' | 'nl' | 'in' | 'br' | 'jp' | 'es' | 'se' | 'it';

const FIRST: Record<Region, readonly string[]> = {
  en: [
    'Emma',
    'Olivia',
    'James',
    'Liam',
    'Ava',
    'Noah',
    'Sophia',
    'Mason',
    'Grace',
    'Ethan',
    'Chloe',
    'Daniel',
    'Megan',
    'Ryan',
    'Hannah',
    'Tyler',
    'Aisha',
    'Kwame',
    'Wei',
    'Priya',
  ],
  de: [
    'Lukas',
    'Anna',
    'Felix',
    'Lea',
    'Jonas',
    'Marie',
    'Leon',
    'Sophie',
    'Paul',
    'Katrin',
    'Jan',
    'Miriam',
  ],
  fr: ['Camille', 'Louis', 'Chloé', 'Hugo', 'Manon', 'Jules', 'Léa', 'Arthur', 'Inès', 'Théo'],
  nl: ['Daan', 'Sanne', 'Bram', 'Fleur', 'Sem', 'Lotte', 'Thijs', 'Eva'],
  in: ['Aarav', 'Ananya', 'Vivaan', 'Diya', 'Rohan', 'Isha', 'Arjun', 'Kavya', 'Rahul', 'Neha'],
  br: ['João', 'Ana', 'Gabriel', 'Beatriz', 'Lucas', 'Mariana', 'Pedro', 'Larissa'],
  jp: ['Haruto', 'Yui', 'Sota', 'Hina', 'Ren', 'Aoi', 'Takumi', 'Sakura'],
  es: ['Lucía', 'Hugo', 'Martina', 'Pablo', 'Carmen', 'Álvaro', 'Elena', 'Diego'],
  se: ['Elsa', 'Oscar', 'Maja', 'William', 'Astrid', 'Erik', 'Freja', 'Nils'],
  it: ['Giulia', 'Marco', 'Chiara', 'Luca', 'Francesca', 'Matteo', 'Sara', 'Davide'],
};
const LAST: Record<Region, readonly string[]> = {
  en: [
    'Smith',
    'Johnson',
    'Williams',
    'Brown',
    'Taylor',
    'Miller',
    'Wilson',
    'Moore',
    'Clark',
    'Walker',
    'Hughes',
    'Evans',
    'Mensah',
    'Okafor',
    'Chen',
    'Nguyen',
    "O'Brien",
    'Patel',
  ],
  de: [
    'Müller',
    'Schmidt',
    'Schneider',
    'Fischer',
    'Weber',
    'Becker',
    'Wagner',
    'Hoffmann',
    'Schäfer',
    'Koch',
  ],
  fr: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Lefèvre', 'Moreau'],
  nl: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer'],
  in: ['Sharma', 'Patel', 'Reddy', 'Iyer', 'Gupta', 'Nair', 'Singh', 'Kumar', 'Mehta', 'Rao'],
  br: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Pereira', 'Costa', 'Rodrigues', 'Almeida'],
  jp: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura'],
  es: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez'],
  se: ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson'],
  it: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci'],
};

/** Country (ISO 3166-1 alpha-2) → share of leads, name region, legal-form suffixes. */
export const COUNTRIES: readonly (readonly [string, number, Region, readonly string[]])[] = [
  ['US', 34, 'en', ['Inc.', 'LLC', 'Corp.', '']],
  ['GB', 12, 'en', ['Ltd', 'plc', '']],
  ['DE', 10, 'de', ['GmbH', 'AG', 'SE']],
  ['FR', 6, 'fr', ['SAS', 'SA', '']],
  ['NL', 5, 'nl', ['B.V.', 'N.V.']],
  ['IN', 7, 'in', ['Pvt Ltd', 'Ltd']],
  ['BR', 4, 'br', ['Ltda', 'S.A.']],
  ['JP', 4, 'jp', ['K.K.', 'Co., Ltd.']],
  ['CA', 5, 'en', ['Inc.', 'Ltd', '']],
  ['AU', 4, 'en', ['Pty Ltd', '']],
  ['SE', 3, 'se', ['AB']],
  ['ES', 3, 'es', ['S.L.', 'S.A.']],
  ['IT', 3, 'it', ['S.r.l.', 'S.p.A.']],
];

export interface Person {
  firstName: string;
  lastName: string;
}

export function person(rng: Random, region: Region): Person {
  return { firstName: rng.pick(FIRST[region]), lastName: rng.pick(LAST[region]) };
}

/** Lower-case ASCII for an address: "Lefèvre" → "lefevre", "de Jong" → "dejong". */
export function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** An address in one of the patterns companies use: first.last, flast, first, first_last. */
export function workEmail(rng: Random, p: Person, domain: string): string {
  const f = ascii(p.firstName);
  const l = ascii(p.lastName);
  const local = rng.weighted([
    [`${f}.${l}`, 6],
    [`${f[0] ?? 'x'}${l}`, 3],
    [f, 1],
    [`${f}_${l}`, 1],
  ] as const);
  return `${local}@${domain}`;
}

const PERSONAL_DOMAINS = ['mail.example', 'inbox.example', 'post.example.com', 'example.org', 'example.net'];

export function personalEmail(rng: Random, p: Person): string {
  const digits = rng.chance(0.4) ? String(rng.int(1, 99)) : '';
  return `${ascii(p.firstName)}${rng.pick(['.', '', '_'])}${ascii(p.lastName)}${digits}@${rng.pick(PERSONAL_DOMAINS)}`;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A phone number in the country's format, from a range reserved for fiction where one exists. */
export function phone(rng: Random, country: string): string {
  switch (country) {
    case 'US':
    case 'CA':
      return `+1 ${rng.pick(['202', '312', '415', '512', '617', '416', '604'])}-555-01${pad(rng.int(0, 99), 2)}`;
    case 'GB':
      return `+44 20 7946 0${pad(rng.int(0, 999), 3)}`;
    case 'AU':
      return `+61 2 5550 ${pad(rng.int(0, 9999), 4)}`;
    case 'DE':
      return `+49 30 ${pad(rng.int(0, 99), 2)}${pad(rng.int(0, 99999), 5)}`;
    case 'FR':
      return `+33 1 99 00 ${pad(rng.int(0, 99), 2)} ${pad(rng.int(0, 99), 2)}`;
    default: {
      const code: Record<string, string> = {
        NL: '31',
        IN: '91',
        BR: '55',
        JP: '81',
        SE: '46',
        ES: '34',
        IT: '39',
      };
      return `+${code[country] ?? '1'} ${pad(rng.int(10, 99), 2)} ${pad(rng.int(0, 9999), 4)} ${pad(rng.int(0, 9999), 4)}`;
    }
  }
}

export type { Region };
