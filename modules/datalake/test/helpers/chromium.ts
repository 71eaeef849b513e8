import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's `chromium` package (installed by .ci/run); METERSTREAM_CHROMIUM overrides. */
export const CHROMIUM = process.env.METERSTREAM_CHROMIUM ?? '/usr/bin/chromium';

export class ChromiumMissingError extends Error {
  override readonly name = 'ChromiumMissingError';
}

/** Headless Chromium driven by playwright-core (no browser download: the system one). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new ChromiumMissingError(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set METERSTREAM_CHROMIUM)`,
    );
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}
