// Types for the ECharts parts the memory chart imports module by module (memory-chart.ts): each of
// these modules exports its installer as `install`, one of what echarts/core's `use` takes.
declare module "echarts/lib/*.js" {
  type Extension = Parameters<typeof import("echarts/core").use>[0];
  export const install: Exclude<Extension, readonly unknown[]>;
}
