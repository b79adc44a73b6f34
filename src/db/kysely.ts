import { createRequire } from 'node:module';
import type * as KyselyTypes from 'kysely';

/**
 * Kysely's runtime, loaded from its CommonJS build. Imported as ESM, its
 * 279 modules cost ~20 MB of resident memory, as CommonJS ~13 MB (Node 20),
 * and the first-start backfill of bench/ingest.ts peaked at 189–193 MB
 * with the ESM build against 152–176 MB with this one. Every value import
 * of kysely goes through here, so only one build is ever loaded; types
 * still come from the package as usual.
 */
const runtime = createRequire(import.meta.url)('kysely') as typeof KyselyTypes;

export const { Kysely, Migrator, SqliteDialect, sql } = runtime;
export type Kysely<DB> = KyselyTypes.Kysely<DB>;
