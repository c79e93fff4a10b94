import { describe, expect, it } from "vitest";
import { FIELD_SIZE, PLAYER_RADIUS, PLAYER_SPEED, RARE_ORB_VALUE } from "../src/rooms/rules/constants.ts";
import { grantCredit, MAX_INPUT_CREDIT } from "../src/rooms/rules/input-credit.ts";
import { clampDirection, stepPosition } from "../src/rooms/rules/movement.ts";
import { OrbField } from "../src/rooms/rules/orb-field.ts";
import { spawnOrb } from "../src/rooms/rules/orbs.ts";
import { cleanChatText, cleanPlayerName } from "../src/rooms/rules/text.ts";

const DT = 1 / 20;

describe("movement rules", () => {
  it("clamps diagonal input to the maximum speed", () => {
    const position = { x: 1000, y: 1000 };
    stepPosition(position, { dx: 1, dy: 1 }, DT);
    const distance = Math.hypot(position.x - 1000, position.y - 1000);
    expect(distance).toBeCloseTo(PLAYER_SPEED * DT, 6);
  });

  it("clamps oversized components to the maximum speed", () => {
    const position = { x: 1000, y: 1000 };
    stepPosition(position, { dx: 1e9, dy: 0 }, DT);
    expect(position.x - 1000).toBeCloseTo(PLAYER_SPEED * DT, 6);
  });

  it("treats NaN and infinite input as no movement", () => {
    expect(clampDirection(Number.NaN, Number.POSITIVE_INFINITY)).toEqual({ dx: 0, dy: 0 });
  });

  it("keeps players inside the field", () => {
    const position = { x: 5, y: FIELD_SIZE - 5 };
    for (let step = 0; step < 100; step += 1) stepPosition(position, { dx: -1, dy: 1 }, DT);
    expect(position).toEqual({ x: PLAYER_RADIUS, y: FIELD_SIZE - PLAYER_RADIUS });
  });

  it("caps input credit so bursts stay short", () => {
    let credit = 0;
    for (let step = 0; step < 10; step += 1) credit = grantCredit(credit);
    expect(credit).toBe(MAX_INPUT_CREDIT);
  });
});

describe("orb rules", () => {
  it("collects only touched orbs", () => {
    const field = new OrbField();
    field.place("near", { x: 110, y: 100, value: 1 });
    field.place("far", { x: 400, y: 400, value: 1 });
    expect(field.collectAt(100, 100).map((orb) => orb.id)).toEqual(["near"]);
  });

  it("gives each orb out once", () => {
    const field = new OrbField();
    field.place("shared", { x: 110, y: 100, value: 1 });
    expect(field.collectAt(100, 100)).toHaveLength(1);
    expect(field.collectAt(105, 100)).toHaveLength(0);
    expect(field.size).toBe(0);
  });

  it("spawns orbs inside the field with value 1 or rare", () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let index = 0; index < 200; index += 1) {
      const orb = spawnOrb(random);
      expect(orb.x).toBeGreaterThan(0);
      expect(orb.x).toBeLessThan(FIELD_SIZE);
      expect([1, RARE_ORB_VALUE]).toContain(orb.value);
    }
  });
});

describe("text rules", () => {
  it("strips control characters from chat", () => {
    expect(cleanChatText("hi\u0000\u001b[31m there\u202e")).toBe("hi [31m there");
  });

  it("shortens chat to 200 characters", () => {
    expect(cleanChatText("x".repeat(500))).toHaveLength(200);
  });

  it("rejects an empty or overlong name", () => {
    expect(cleanPlayerName("   ")).toBeUndefined();
    expect(cleanPlayerName("n".repeat(25))).toBeUndefined();
  });
});
