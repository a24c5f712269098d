// What a team writes first: a NestJS microservice on @nestjs/microservices' Kafka transport, an
// @EventPattern handler that decodes the Avro record, calls the model once per message with plain
// fetch, encodes the result and emits it with ClientKafka.
import 'reflect-metadata';
import { Controller, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientKafka,
  ClientsModule,
  Ctx,
  EventPattern,
  KafkaContext,
  Transport,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { LeadCreatedSchema, LeadScoredSchema, type LeadCreated, type LeadScored } from '@junction/schema-types';
import { AvroSerde, RegistryClient } from '@junction/schemas';
import { band, features } from '../../../services/lead-scoring/src/lead-scoring.pipeline';
import { benchEnv, firstConsume, onStop, signal, sourceHeaders } from './common';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const env = benchEnv();
const serde = new AvroSerde(new RegistryClient({ url: env.registryUrl }));
const decoder = serde.decoder<LeadCreated>(LeadCreatedSchema);
const encoder = await serde.encoder<LeadScored>(`${env.output}-value`, LeadScoredSchema);
const INFER = `${env.modelUrl}/v2/models/lead-conversion/infer`;

function oneRow(lead: LeadCreated) {
  return {
    inputs: Object.entries(features(lead)).map(([name, v]) => ({
      name,
      shape: [1],
      datatype: typeof v === 'number' ? 'FP32' : 'BYTES',
      data: [v],
    })),
  };
}

@Controller()
class LeadController implements OnModuleInit {
  constructor(@Inject('OUT') private readonly client: ClientKafka) {}

  async onModuleInit(): Promise<void> {
    await this.client.connect();
  }

  @EventPattern(env.source)
  async onLead(@Ctx() ctx: KafkaContext): Promise<void> {
    firstConsume();
    const msg = ctx.getMessage();
    const lead = await decoder.decode(msg.value as unknown as Buffer);
    const res = await fetch(INFER, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': lead.eventId },
      body: JSON.stringify(oneRow(lead)),
    });
    if (!res.ok) throw new Error(`model answered ${res.status}: ${await res.text()}`);
    const body = (await res.json()) as { model_name: string; model_version?: string; outputs: { name: string; data: unknown[] }[] };
    const score = Number(body.outputs.find((o) => o.name === 'score')!.data[0]);
    const factors = body.outputs.find((o) => o.name === 'factors')?.data[0];
    const scored: LeadScored = {
      leadId: lead.leadId,
      sourceEventId: lead.eventId,
      score,
      band: band(score),
      topFactors: typeof factors === 'string' ? (JSON.parse(factors) as LeadScored['topFactors']) : [],
      modelName: body.model_name,
      modelVersion: body.model_version ?? 'unknown',
      degraded: false,
      scoredAt: Date.now(),
    };
    await lastValueFrom(
      this.client.emit(env.output, {
        key: lead.leadId,
        value: encoder.encode(scored),
        headers: sourceHeaders(ctx.getPartition(), msg.offset),
      }),
    );
  }
}

@Module({
  imports: [
    ClientsModule.register([
      {
        name: 'OUT',
        transport: Transport.KAFKA,
        options: {
          client: { clientId: 'bench-nest-out', brokers: env.brokers },
          producerOnlyMode: true,
          producer: { allowAutoTopicCreation: false },
        },
      },
    ]),
  ],
  controllers: [LeadController],
})
class AppModule {}

const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, {
  logger: ['error', 'warn'],
  transport: Transport.KAFKA,
  options: {
    postfixId: '',
    client: { clientId: 'bench-nest', brokers: env.brokers },
    consumer: { groupId: env.group },
    subscribe: { fromBeginning: true },
    parser: { keepBinary: true },
  },
});
await app.listen();
signal('started');
onStop(async () => {
  await app.close();
});
