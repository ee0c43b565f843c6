// Every API call used to open a new TCP + TLS connection (client-node 2.x builds an undici Agent per
// request). Counted here with undici's own diagnostics channel, so the test fails if that comes back.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterEach, describe, expect, it } from "vitest";
import { setup } from "./sim-setup.ts";

const CONNECTED = "undici:client:connected";
let connections = 0;
const onConnect = () => {
  connections += 1;
};

afterEach(() => unsubscribe(CONNECTED, onConnect));

describe("createCluster connection reuse", () => {
  it("serves many sequential calls over one kept-alive connection", async () => {
    const { cluster, sim } = await setup();
    const pod = sim.pods()[0];
    if (!pod) throw new Error("the simulator started no pods");
    subscribe(CONNECTED, onConnect);
    connections = 0;
    for (let i = 0; i < 10; i++) {
      await cluster.listPods("rdev", "app=rdev-api");
      await cluster.proxyGet("rdev", pod.name, 8080, "/ready");
    }
    expect(connections).toBeGreaterThanOrEqual(1); // the channel works: at least the first connect is seen
    expect(connections).toBeLessThanOrEqual(2);
  });
});
