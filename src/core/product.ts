// Product identity, sent in the Graph User-Agent and printed by `azsec --version`.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const PRODUCT_NAME = 'azsec';
export const PRODUCT_VERSION = pkg.version;
export const USER_AGENT = `${PRODUCT_NAME}/${PRODUCT_VERSION} (+https://github.com/azsec/azsec)`;
