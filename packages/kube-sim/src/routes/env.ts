// What route handlers get besides the request: the simulated cluster and the server's switches.
import type { Faults } from "../faults.ts";
import type { World } from "../world.ts";

export type RouteEnv = { world: World; faults: Faults; serverAddress: string };
