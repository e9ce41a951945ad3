import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/data/mtx beside the checkout, where CI lays out shared/. */
export const MTX_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'mtx');
