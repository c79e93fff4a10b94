/**
 * Game rules shared by the server simulation and the browser client's prediction.
 * Distances are in field units, times in seconds unless a name says otherwise.
 */

/** Width and height of the square playing field. */
export const FIELD_SIZE = 2000;

/** Simulation rate of the arena room, in steps per second. */
export const TICK_RATE = 20;

/** Maximum player speed, in field units per second. */
export const PLAYER_SPEED = 320;

/** Player collision radius; players stay fully inside the field. */
export const PLAYER_RADIUS = 18;

/** Orb collision radius. */
export const ORB_RADIUS = 10;

/** Number of orbs the room keeps on the field during a round. */
export const ORB_TARGET_COUNT = 48;

/** Share of spawned orbs that are rare (worth RARE_ORB_VALUE instead of 1). */
export const RARE_ORB_CHANCE = 0.1;

/** Points a rare orb awards. */
export const RARE_ORB_VALUE = 5;

/** Maximum length of a chat message, in characters, after trimming. */
export const CHAT_MAX_LENGTH = 200;

/** Maximum length of a player name, in characters, after trimming. */
export const NAME_MAX_LENGTH = 24;
