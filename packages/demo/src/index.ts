export { DEMO_HELP, type DemoArgs, parseDemoArgs } from "./options.ts";
export { type AlertSource, type Demo, type DemoOptions, startDemo } from "./start.ts";
