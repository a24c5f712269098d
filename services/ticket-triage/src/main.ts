import { runService } from '@junction/nest';
import { ticketTriage } from './ticket-triage.pipeline';

await runService({ name: 'ticket-triage', pipelines: [ticketTriage] });
