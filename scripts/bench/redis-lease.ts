import { Redis } from "ioredis";

/**
 * Redis databases the test suite lends out, with the same lending keys it uses
 * (test/support/environment.ts). While the benchmark has one, test runs stay out of it, and
 * Colyseus's driver keys, which cannot be prefixed, stay apart from everyone else's.
 */
const LENDABLE = [14, 15, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
const LEASE_SECONDS = 900;
const RENEW_EVERY_MS = 60_000;

export interface RedisLease {
  /** Redis URL of the borrowed database. */
  url: string;
  /** Deletes every key of the borrowed database, between scenarios. */
  flush(): Promise<void>;
  release(): Promise<void>;
}

function withDatabase(baseUrl: string, database: number): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function borrowRedisDatabase(baseUrl: string, holder: string): Promise<RedisLease> {
  const lender = new Redis(baseUrl, { maxRetriesPerRequest: 1 });
  let database: number | undefined;
  for (const candidate of LENDABLE) {
    if ((await lender.set(`orbit-test:lent-db:${candidate}`, holder, "EX", LEASE_SECONDS, "NX")) === "OK") {
      database = candidate;
      break;
    }
  }
  if (database === undefined) {
    lender.disconnect();
    throw new Error("every lendable Redis database is in use; wait for the running tests to finish");
  }
  const key = `orbit-test:lent-db:${database}`;
  const renew = setInterval(() => void lender.expire(key, LEASE_SECONDS), RENEW_EVERY_MS);
  const url = withDatabase(baseUrl, database);
  const own = new Redis(url, { maxRetriesPerRequest: 1 });

  return {
    url,
    async flush() {
      await own.flushdb();
    },
    async release() {
      clearInterval(renew);
      await own.flushdb().catch(() => undefined);
      own.disconnect();
      if ((await lender.get(key)) === holder) await lender.del(key);
      lender.disconnect();
    },
  };
}
