import type { Room } from "@colyseus/sdk";

/**
 * Leaves every room, giving each at most `timeoutMs`: a room the server already closed never
 * confirms the leave, and cleanup must not hang on it.
 */
export async function leaveAll(rooms: Room[], timeoutMs = 2000): Promise<void> {
  await Promise.all(
    rooms.splice(0).map((room) =>
      Promise.race([room.leave().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, timeoutMs))]),
    ),
  );
}
