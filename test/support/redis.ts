// A private, throw-away redis-server for tests: the demo's (packages/demo/src/redis.ts), under the name the
// tests use.
export { type PrivateRedis as TestRedis, startRedis } from "@rdev/demo/redis.ts";
