import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workspaceRoot } from '@junction/fleet-infra';
import { checkNewIntegration, recordName, scaffoldFiles } from './new-integration';

const root = workspaceRoot();

describe('checkNewIntegration', () => {
  it('refuses an existing name or topic and a topic that breaks the convention, saying what is expected', () => {
    expect(
      checkNewIntegration(root, {
        name: 'lead-scoring',
        source: 'crm.lead.created.v1',
        output: 'OrdersFlagged',
        review: 'erp.order.review',
        protocol: 'json',
      }),
    ).toEqual([
      'services/lead-scoring exists already: choose another name',
      '--source crm.lead.created.v1 exists already (schemas/crm/crm.lead.created.v1.avsc): a new integration starts from new topics',
      '--output "OrdersFlagged": expected <domain>.<entity>.<event>.v<major>, lower case, e.g. crm.lead.created.v1',
      '--review "erp.order.review": expected <domain>.<entity>.<event>.v<major>, lower case, e.g. crm.lead.created.v1',
    ]);
    expect(
      checkNewIntegration(root, {
        name: 'Order_Risk',
        source: 'erp.order.created.v1',
        output: 'erp.order.created.v1',
        protocol: 'grpc' as never,
      }),
    ).toEqual([
      'name "Order_Risk": expected kebab-case, e.g. order-risk',
      'protocol "grpc": expected one of oip, openai, json',
      '--output erp.order.created.v1: named twice; each role needs a topic of its own',
      "the topics' <entity>.<event> parts must differ (they name the records: OrderCreated, OrderCreated)",
    ]);
  });

  it('accepts a fresh integration', () => {
    expect(
      checkNewIntegration(root, {
        name: 'order-risk',
        source: 'erp.order.created.v1',
        output: 'erp.order.flagged.v1',
        protocol: 'oip',
      }),
    ).toEqual([]);
  });
});

describe('scaffoldFiles', () => {
  it('writes only under schemas/<domain>/ and services/<name>/, with doc and pii placeholders', () => {
    for (const protocol of ['oip', 'openai', 'json'] as const) {
      const files = scaffoldFiles(root, {
        name: 'order-risk',
        source: 'erp.order.created.v1',
        output: 'erp.order.flagged.v1',
        review: 'erp.order.review.v1',
        protocol,
      });
      for (const f of files) expect(f.path).toMatch(/^(schemas\/erp|services\/order-risk)\//);
      const source = JSON.parse(files[0]!.content) as {
        name: string;
        doc: string;
        fields: { pii?: boolean }[];
      };
      expect(source.name).toBe(recordName('erp.order.created.v1'));
      expect(source.doc).toMatch(/TODO/);
      expect(source.fields.some((f) => f.pii)).toBe(true);
      const manifest = JSON.parse(files.find((f) => f.path.endsWith('package.json'))!.content) as {
        junction: { port: number };
      };
      expect(manifest.junction.port).toBeGreaterThan(3002);
    }
  });

  it('keeps the short path short: a JSON integration with review is at most 60 project lines', async () => {
    const prettier = await import('prettier');
    const files = scaffoldFiles(root, {
      name: 'order-risk',
      source: 'erp.order.created.v1',
      output: 'erp.order.flagged.v1',
      review: 'erp.order.review.v1',
      protocol: 'json',
    });
    let lines = 0;
    // what a typical integration is made of: its manifest, the host and the pipeline (schemas and tests aside)
    for (const f of files.filter((f) => /(package\.json|main\.ts|\.pipeline\.ts)$/.test(f.path))) {
      const config = (await prettier.resolveConfig(join(root, f.path))) ?? {};
      const text = await prettier.format(f.content, { ...config, filepath: join(root, f.path) });
      lines += text.split('\n').filter((l) => l.trim() !== '').length;
    }
    expect(lines).toBeLessThanOrEqual(60);
  });
});
