// The "Diagnose again" button's value: the incident id, else the cluster, read back as written.
import {
  diagnoseAgainBlock,
  diagnoseAgainValue,
  parseDiagnoseAgainValue,
} from "@rdev/bot/render/blocks/diagnose-again.ts";
import { describe, expect, it } from "vitest";

describe("diagnose again button value", () => {
  it("is the incident id when there is one, whatever the cluster", () => {
    expect(diagnoseAgainValue({ incidentId: "i-42", cluster: "b" })).toBe("i-42");
    expect(parseDiagnoseAgainValue("i-42")).toEqual({ incidentId: "i-42", cluster: null });
  });

  it("names the cluster outside an incident, and nothing when it is unknown", () => {
    expect(diagnoseAgainValue({ incidentId: null, cluster: "b" })).toBe("cluster:b");
    expect(parseDiagnoseAgainValue("cluster:b")).toEqual({ incidentId: null, cluster: "b" });
    expect(diagnoseAgainValue({ incidentId: null })).toBe("");
    expect(parseDiagnoseAgainValue("")).toEqual({ incidentId: null, cluster: null });
  });

  it("puts the value on the button", () => {
    const [button] = diagnoseAgainBlock({ incidentId: null, cluster: "eu-1" }).elements as {
      value: string;
    }[];
    expect(button?.value).toBe("cluster:eu-1");
  });
});
