import type { RecordedTokenEndpoint } from './api-clients.repository';

/**
 * Which token endpoint `npm run client:create` prints (and bakes into the
 * example's client assertion `aud`): the one the service really serves, as
 * recorded in the database by the most recently started instance. The
 * operator's shell may well have other settings than the service (another
 * PORT, no PUBLIC_BASE_URL), so its own configuration is only the fallback
 * for a database no instance has started on yet.
 */
export function tokenEndpointForRegistration(
  recorded: readonly RecordedTokenEndpoint[],
  configured: string,
): { tokenUrl: string; notes: string[] } {
  const [latest, ...others] = recorded;
  if (!latest) {
    return {
      tokenUrl: configured,
      notes: [
        `The service has not started on this database yet, so the token endpoint comes from this shell's PUBLIC_BASE_URL (or PORT): ${configured}.`,
        'If the service will run with other settings, run this command again after it has started, or set the same PUBLIC_BASE_URL here.',
      ],
    };
  }
  const notes: string[] = [];
  if (latest.tokenUrl !== configured) {
    notes.push(
      `Using the token endpoint the service serves (recorded at its start, ${latest.lastStartedAt.toISOString()}): ${latest.tokenUrl}.`,
      `This shell's PUBLIC_BASE_URL (or PORT) would give ${configured}, which the service does not accept as the assertion's aud.`,
    );
  }
  const elsewhere = others.filter((o) => o.tokenUrl !== latest.tokenUrl);
  if (elsewhere.length) {
    notes.push(
      `Instances have also started with other token endpoints on this database: ${elsewhere.map((o) => `${o.tokenUrl} (${o.lastStartedAt.toISOString()})`).join(', ')}.`,
    );
  }
  return { tokenUrl: latest.tokenUrl, notes };
}
