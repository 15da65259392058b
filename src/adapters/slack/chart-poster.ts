import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { Kysely } from 'kysely';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { renderChartPng } from '../charts/png.js';
import { chartFilename, reportChart } from '../charts/report-charts.js';
import type { Clock } from '../clock.js';
import type { DB } from '../db/schema.js';
import { findSlackPost, recordSlackPost } from '../db/slack-surface-queries.js';
import type { HandlerOutcome, KindHandler } from '../outbox/outbox-worker.js';
import { postMetadata } from './post-once.js';

/** Upload attempts before the thread is told the chart could not be drawn. */
export const CHART_UPLOAD_ATTEMPTS = 3;

/**
 * The `slack.chart` outbox handler: draws the chart's SVG to PNG and uploads it with files.uploadV2 (the
 * getUploadURLExternal → POST → completeUploadExternal flow) into the report's thread, with its title and alt
 * text. A chart that cannot be drawn, or not uploaded after a few tries, becomes a line in the thread saying so:
 * the report itself is already posted.
 */
export function createSlackChartHandler(o: {
  readonly db: Kysely<DB>;
  readonly client: WebClient;
  readonly clock: Clock;
  readonly log: Logger;
  readonly render?: typeof renderChartPng;
}): KindHandler<'slack.chart'> {
  const render = o.render ?? renderChartPng;
  return async (item): Promise<HandlerOutcome> => {
    const p = item.payload;
    if (await findSlackPost(o.db, item.idempotencyKey)) return { status: 'done', result: { reused: true } };
    const parent = await findSlackPost(o.db, p.threadKey);
    if (!parent)
      return { status: 'retry', error: `report ${p.threadKey} not posted yet`, retryAfterMs: 2_000 };
    if (p.afterKey && !(await findSlackPost(o.db, p.afterKey)))
      return { status: 'retry', error: `waiting for ${p.afterKey}`, retryAfterMs: 1_000, rateLimited: true };

    const giveUp = async (why: string): Promise<HandlerOutcome> => {
      o.log.warn({ code: 'REPORT_CHART_FAILED', key: item.idempotencyKey, why }, 'report chart not posted');
      const res = await o.client.chat.postMessage({
        channel: parent.channel,
        thread_ts: parent.ts,
        text: `:warning: The ${p.chart === 'ageing' ? 'ageing' : 'forecast'} chart could not be drawn; the tables above have the same figures.`,
        metadata: postMetadata(item.idempotencyKey),
      });
      await recordSlackPost(
        o.db,
        {
          idempotencyKey: item.idempotencyKey,
          orgId: item.orgId,
          channel: parent.channel,
          ts: String(res.ts),
          threadTs: parent.ts,
        },
        o.clock.now(),
      );
      return { status: 'done', result: { drawn: false, why } };
    };

    let png: Buffer;
    let chart: { title: string; altText: string };
    try {
      const svg = reportChart(p.chart, p.report, p.orgName);
      chart = svg;
      png = render(svg).png;
    } catch (err) {
      return giveUp(`render: ${errorMessage(err)}`);
    }
    try {
      const res = await o.client.filesUploadV2({
        channel_id: parent.channel,
        thread_ts: parent.ts,
        file: png,
        filename: chartFilename(p.chart, p.report),
        title: chart.title,
        alt_text: chart.altText.slice(0, 1000),
      });
      const file =
        (res.files as { files?: { id?: string }[] }[] | undefined)?.[0]?.files?.[0]?.id ?? 'uploaded';
      await recordSlackPost(
        o.db,
        {
          idempotencyKey: item.idempotencyKey,
          orgId: item.orgId,
          channel: parent.channel,
          ts: file,
          threadTs: parent.ts,
        },
        o.clock.now(),
      );
      return { status: 'done', result: { file, bytes: png.length } };
    } catch (err) {
      // Slack refused the upload (not a network fault): trying again will not draw it.
      if (err instanceof WebAPIPlatformError) return giveUp(`upload: slack ${String(err.data.error)}`);
      if (item.attempts >= CHART_UPLOAD_ATTEMPTS) return giveUp(`upload: ${errorMessage(err)}`);
      return { status: 'retry', error: `upload: ${errorMessage(err)}` };
    }
  };
}
