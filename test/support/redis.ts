// A private, throw-away redis-server for tests: the demo's (src/demo/redis.ts), under the name the
// tests use.
export { type PrivateRedis as TestRedis, startRedis } from "../../src/demo/redis.ts";
