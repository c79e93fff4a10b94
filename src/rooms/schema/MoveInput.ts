import { schema, t, type SchemaType } from "@colyseus/schema";

/**
 * One client input frame on the Colyseus input channel: a sequence number that increases by one
 * per frame and a movement direction with components in -1..1. Clients never send positions.
 */
export const MoveInput = schema(
  {
    seq: t.uint32().default(0),
    dx: t.float32().default(0),
    dy: t.float32().default(0),
  },
  "MoveInput",
);
export type MoveInput = SchemaType<typeof MoveInput>;
