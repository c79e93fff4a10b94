import { Client, type Room } from "@colyseus/sdk";
import type { SchemaConstructor } from "@colyseus/sdk/serializer/SchemaSerializer";

/**
 * SDK client whose rooms ignore messages that have no handler. Frames that arrive in the
 * same read as the join reply (e.g. a greeting the room sends in onJoin) reach the room
 * before the bot can register handlers, and the SDK would print a warning for each of them.
 */
export class BotClient extends Client {
  protected override createRoom<T>(roomName: string, rootSchema?: SchemaConstructor<T>): Room<unknown, T> {
    const room = super.createRoom(roomName, rootSchema);
    room.onMessage("*", () => undefined);
    return room;
  }
}
