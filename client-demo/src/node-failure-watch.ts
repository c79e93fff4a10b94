/**
 * Tells a dead game node from a lost network while the SDK tries to reconnect a dropped room.
 * The SDK keeps trying the room's node for about 20 s. That is right when the player's network
 * blinked, because the seat is held that long. When the node itself is gone it only wastes
 * time, because the rooms died with the node. The node counts as gone when it refuses
 * connections while another known node responds: with the player's network down, both would fail.
 */
import { firstReachableNode, isNodeReachable } from "./node-probe.ts";

/** Time between two checks while the SDK is still reconnecting. */
const CHECK_INTERVAL_MS = 1000;

export class NodeFailureWatch {
  private timer: number | undefined;
  private stopped = false;

  /**
   * @param roomNode base URL of the node that ran the dropped room
   * @param otherNodes returns the other known nodes, asked fresh at every check
   * @param onNodeDown called once, when the room's node is gone and another node responds
   */
  constructor(
    private readonly roomNode: string,
    private readonly otherNodes: () => string[],
    private readonly onNodeDown: () => void,
  ) {}

  /** Checks at once, then every CHECK_INTERVAL_MS until stop() or a verdict. */
  start(): void {
    this.stopped = false;
    void this.check();
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.timer);
  }

  private async check(): Promise<void> {
    const nodeDown = await this.isRoomNodeDown();
    if (this.stopped) {
      return;
    }
    if (nodeDown) {
      this.stop();
      this.onNodeDown();
      return;
    }
    this.timer = window.setTimeout(() => void this.check(), CHECK_INTERVAL_MS);
  }

  private async isRoomNodeDown(): Promise<boolean> {
    if (await isNodeReachable(this.roomNode)) {
      return false;
    }
    return (await firstReachableNode(this.otherNodes())) !== null;
  }
}
