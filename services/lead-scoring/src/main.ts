import { runService } from '@junction/nest';
import { leadScoring } from './lead-scoring.pipeline';

await runService({ name: 'lead-scoring', pipelines: [leadScoring] });
