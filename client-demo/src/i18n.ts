/**
 * Translations for every visible text of the demo, in English and Simplified Chinese, plus the
 * table that turns server error codes into messages a player can act on.
 */

export type Locale = "en" | "zh-CN";

export const LOCALES: readonly Locale[] = ["en", "zh-CN"];

/** Error codes the server sends (in HTTP bodies, join errors and close reasons). */
export const SERVER_ERROR_CODES = [
  "TOKEN_INVALID",
  "TOKEN_EXPIRED",
  "TOKEN_MISSING",
  "ROOM_FULL",
  "NAME_INVALID",
  "RATE_LIMITED",
  "SESSION_REPLACED",
  "SERVER_RESTARTING",
  "FLOODING",
  "UNAVAILABLE",
  "UNKNOWN",
] as const;

export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

/**
 * Server codes plus the failures only the client can observe. ROOM_NOT_FOUND is a chosen arena
 * that closed before the join, NODE_DOWN a game server that stopped while the player was on it.
 */
export type DisplayErrorCode = ServerErrorCode | "CONNECTION_LOST" | "SERVER_UNREACHABLE" | "ROOM_NOT_FOUND" | "NODE_DOWN";

const english = {
  "app.title": "Orbit Arena",
  "language.label": "Language",
  "join.heading": "Join the arena",
  "join.intro": "Collect orbs before the round ends. Rare purple orbs are worth 5 points.",
  "join.nameLabel": "Your name",
  "join.namePlaceholder": "e.g. Nova",
  "join.submit": "Play",
  "join.nameRequired": "Enter a name of 1 to {max} characters.",
  "lobby.heading": "Choose an arena",
  "lobby.playingAs": "Playing as {name}",
  "lobby.quickPlay": "Quick play",
  "lobby.quickPlayHint": "Joins the busiest open arena, or starts a new one.",
  "lobby.listHeading": "Arenas on all servers",
  "lobby.loading": "Loading arenas…",
  "lobby.empty": "No arena is open yet. Quick play starts one.",
  "lobby.unavailable": "The arena list is unavailable right now. Quick play still works.",
  "lobby.arenaName": "Arena {code}",
  "lobby.players": "{count}/{max} players",
  "lobby.node": "Server {node}",
  "lobby.nodeUnknown": "This server",
  "lobby.join": "Join",
  "lobby.joinLabel": "Join arena {code}",
  "lobby.full": "Full",
  "lobby.fullLabel": "Arena {code} is full",
  "status.connecting": "Connecting…",
  "status.creatingGuest": "Creating your guest profile…",
  "status.reconnecting": "Connection lost. Reconnecting…",
  "status.rejoiningRestart": "The server is restarting. Joining again in {seconds} s…",
  "status.rejoiningLost": "The connection was lost. Joining again in {seconds} s…",
  "status.rejoiningRestartNow": "The server is restarting. Joining again…",
  "status.rejoiningLostNow": "The connection was lost. Joining again…",
  "status.movingNode": "Your game server stopped. Moving you to another server…",
  "status.movingNodeRetry": "Your game server stopped. Trying another server in {seconds} s…",
  "status.connected": "Connected",
  "status.connectingShort": "Connecting",
  "status.reconnectingShort": "Reconnecting",
  "status.offline": "Offline",
  "action.retry": "Try again",
  "action.playHere": "Play here",
  "action.changeName": "Change name",
  "action.chooseArena": "Choose arena",
  "hud.score": "Score",
  "hud.round": "Round {round}",
  "hud.timeLeft": "Time left",
  "hud.nextRound": "Next round in",
  "hud.players": "Players",
  "hud.online": "Online",
  "hud.changeArena": "Change arena",
  "hud.ping": "Ping",
  "hud.pingValue": "{ms} ms",
  "hud.pingUnknown": "– ms",
  "hud.quality.good": "good connection",
  "hud.quality.fair": "slow connection",
  "hud.quality.poor": "poor connection",
  "hud.quality.unknown": "connection not measured yet",
  "hud.controls": "Move: WASD or arrow keys · Chat: Enter · Back to game: Esc",
  "game.fieldLabel": "Game field. Move with WASD or the arrow keys. Press Enter to chat.",
  "game.you": "You",
  "game.offlineTag": "(away)",
  "results.heading": "Round {round} results",
  "results.nextRound": "Next round starts in {seconds} s",
  "results.empty": "Nobody scored this round.",
  "results.points": "{score} pts",
  "leaderboard.heading": "Leaderboard",
  "leaderboard.empty": "No scores yet.",
  "leaderboard.loading": "Loading…",
  "leaderboard.failed": "Could not load the leaderboard.",
  "leaderboard.points": "{score}",
  "chat.heading": "Chat",
  "chat.toggleOpen": "Show chat",
  "chat.toggleClose": "Hide chat",
  "chat.inputLabel": "Message",
  "chat.placeholder": "Press Enter to chat",
  "chat.placeholderTouch": "Type a message",
  "chat.send": "Send",
  "chat.channel.room": "Room",
  "chat.channel.global": "Global",
  "chat.channelLabel": "Channel",
  "chat.unread": "{count} new",
  "chat.tooLong": "Messages can be at most {max} characters.",
  "notice.chatRateLimited": "You are sending messages too quickly. Wait a moment before the next one.",
  "announcement.label": "Announcement",
  "joystick.label": "Movement joystick",
  "error.TOKEN_INVALID": "Your session is no longer valid. Try again to continue as a new guest.",
  "error.TOKEN_EXPIRED": "Your session has expired. Try again to continue as a new guest.",
  "error.TOKEN_MISSING": "No session token was sent. Try again to continue as a new guest.",
  "error.ROOM_FULL": "The arena is full. Try again in a moment.",
  "error.NAME_INVALID": "That name is not allowed. Choose another name.",
  "error.RATE_LIMITED": "Too many requests. Wait a few seconds and try again.",
  "error.SESSION_REPLACED": "You joined from another tab or device, so this one was disconnected.",
  "error.SERVER_RESTARTING": "The server is restarting. Try again in a few seconds.",
  "error.FLOODING": "This client sent too many messages and was disconnected. Try again in a moment.",
  "error.UNAVAILABLE": "The server is busy or a service it needs is down. Try again in a moment.",
  "error.UNKNOWN": "Something went wrong.",
  "error.CONNECTION_LOST": "The connection to the server was lost.",
  "error.SERVER_UNREACHABLE": "The server cannot be reached. Check your connection and try again.",
  "error.ROOM_NOT_FOUND": "That arena has closed. Choose another one.",
  "error.NODE_DOWN": "Your game server stopped and no other server could be reached. Try again in a moment.",
  "error.detail": "Server message: {detail}",
} as const;

export type MessageKey = keyof typeof english;

const simplifiedChinese: Record<MessageKey, string> = {
  "app.title": "轨道竞技场",
  "language.label": "语言",
  "join.heading": "加入竞技场",
  "join.intro": "在回合结束前收集光球。稀有的紫色光球价值 5 分。",
  "join.nameLabel": "你的名字",
  "join.namePlaceholder": "例如：星辰",
  "join.submit": "开始游戏",
  "join.nameRequired": "请输入 1 到 {max} 个字符的名字。",
  "lobby.heading": "选择竞技场",
  "lobby.playingAs": "当前名字：{name}",
  "lobby.quickPlay": "快速开始",
  "lobby.quickPlayHint": "加入人数最多的开放竞技场，或新开一个。",
  "lobby.listHeading": "所有服务器上的竞技场",
  "lobby.loading": "正在加载竞技场…",
  "lobby.empty": "暂时没有开放的竞技场。点击“快速开始”即可新开一个。",
  "lobby.unavailable": "竞技场列表暂时不可用，“快速开始”仍可使用。",
  "lobby.arenaName": "竞技场 {code}",
  "lobby.players": "{count}/{max} 名玩家",
  "lobby.node": "服务器 {node}",
  "lobby.nodeUnknown": "本服务器",
  "lobby.join": "加入",
  "lobby.joinLabel": "加入竞技场 {code}",
  "lobby.full": "已满",
  "lobby.fullLabel": "竞技场 {code} 已满",
  "status.connecting": "正在连接…",
  "status.creatingGuest": "正在创建游客档案…",
  "status.reconnecting": "连接已断开，正在重新连接…",
  "status.rejoiningRestart": "服务器正在重启，{seconds} 秒后重新加入…",
  "status.rejoiningLost": "连接已断开，{seconds} 秒后重新加入…",
  "status.rejoiningRestartNow": "服务器正在重启，正在重新加入…",
  "status.rejoiningLostNow": "连接已断开，正在重新加入…",
  "status.movingNode": "你所在的游戏服务器已停止，正在将你转移到其他服务器…",
  "status.movingNodeRetry": "你所在的游戏服务器已停止，{seconds} 秒后尝试其他服务器…",
  "status.connected": "已连接",
  "status.connectingShort": "连接中",
  "status.reconnectingShort": "重新连接中",
  "status.offline": "离线",
  "action.retry": "重试",
  "action.playHere": "在此处游戏",
  "action.changeName": "更改名字",
  "action.chooseArena": "选择竞技场",
  "hud.score": "得分",
  "hud.round": "第 {round} 回合",
  "hud.timeLeft": "剩余时间",
  "hud.nextRound": "下一回合",
  "hud.players": "玩家",
  "hud.online": "在线",
  "hud.changeArena": "更换竞技场",
  "hud.ping": "延迟",
  "hud.pingValue": "{ms} 毫秒",
  "hud.pingUnknown": "– 毫秒",
  "hud.quality.good": "网络良好",
  "hud.quality.fair": "网络较慢",
  "hud.quality.poor": "网络很差",
  "hud.quality.unknown": "尚未测得网络状况",
  "hud.controls": "移动：WASD 或方向键 · 聊天：Enter · 返回游戏：Esc",
  "game.fieldLabel": "游戏区域。使用 WASD 或方向键移动，按 Enter 聊天。",
  "game.you": "你",
  "game.offlineTag": "（离开）",
  "results.heading": "第 {round} 回合结果",
  "results.nextRound": "下一回合将在 {seconds} 秒后开始",
  "results.empty": "本回合无人得分。",
  "results.points": "{score} 分",
  "leaderboard.heading": "排行榜",
  "leaderboard.empty": "暂无成绩。",
  "leaderboard.loading": "加载中…",
  "leaderboard.failed": "无法加载排行榜。",
  "leaderboard.points": "{score}",
  "chat.heading": "聊天",
  "chat.toggleOpen": "显示聊天",
  "chat.toggleClose": "隐藏聊天",
  "chat.inputLabel": "消息",
  "chat.placeholder": "按 Enter 聊天",
  "chat.placeholderTouch": "输入消息",
  "chat.send": "发送",
  "chat.channel.room": "房间",
  "chat.channel.global": "全服",
  "chat.channelLabel": "频道",
  "chat.unread": "{count} 条新消息",
  "chat.tooLong": "消息最多 {max} 个字符。",
  "notice.chatRateLimited": "你发送消息太快了，请稍等片刻再发。",
  "announcement.label": "公告",
  "joystick.label": "移动摇杆",
  "error.TOKEN_INVALID": "你的会话已失效。请重试，以新的游客身份继续。",
  "error.TOKEN_EXPIRED": "你的会话已过期。请重试，以新的游客身份继续。",
  "error.TOKEN_MISSING": "未发送会话令牌。请重试，以新的游客身份继续。",
  "error.ROOM_FULL": "竞技场已满，请稍后再试。",
  "error.NAME_INVALID": "该名字不可用，请换一个名字。",
  "error.RATE_LIMITED": "请求过于频繁，请等几秒后再试。",
  "error.SESSION_REPLACED": "你已在其他标签页或设备上加入，因此此处已断开。",
  "error.SERVER_RESTARTING": "服务器正在重启，请几秒后再试。",
  "error.FLOODING": "此客户端发送的消息过多，已被断开。请稍后再试。",
  "error.UNAVAILABLE": "服务器繁忙或所需服务暂时不可用，请稍后再试。",
  "error.UNKNOWN": "出现了问题。",
  "error.CONNECTION_LOST": "与服务器的连接已断开。",
  "error.SERVER_UNREACHABLE": "无法连接服务器，请检查网络后重试。",
  "error.ROOM_NOT_FOUND": "该竞技场已关闭，请选择其他竞技场。",
  "error.NODE_DOWN": "你所在的游戏服务器已停止，且无法连接其他服务器。请稍后再试。",
  "error.detail": "服务器消息：{detail}",
};

const dictionaries: Record<Locale, Record<MessageKey, string>> = {
  en: english,
  "zh-CN": simplifiedChinese,
};

/** Names of the languages in their own language, for the language switch. */
export const LOCALE_NAMES: Record<Locale, string> = {
  en: "English",
  "zh-CN": "简体中文",
};

const STORAGE_KEY = "orbit-arena.locale";

type LocaleListener = (locale: Locale) => void;

let currentLocale: Locale = detectLocale();
const listeners = new Set<LocaleListener>();

/** Picks the stored choice first, then the browser's preferred languages, then English. */
function detectLocale(): Locale {
  const stored = readStoredLocale();
  if (stored !== null) {
    return stored;
  }
  const preferred = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    if (tag.toLowerCase().startsWith("zh")) {
      return "zh-CN";
    }
    if (tag.toLowerCase().startsWith("en")) {
      return "en";
    }
  }
  return "en";
}

function readStoredLocale(): Locale | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    // Storage can be unavailable (private mode, blocked cookies), and the browser language still works.
    return null;
  }
}

export function isLocale(value: unknown): value is Locale {
  return value === "en" || value === "zh-CN";
}

export function getLocale(): Locale {
  return currentLocale;
}

/** Switches the language, remembers the choice and notifies every listener. */
export function setLocale(locale: Locale): void {
  currentLocale = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not remembering the choice is acceptable, because the switch still applies to this page.
  }
  for (const listener of listeners) {
    listener(locale);
  }
}

/** Registers a listener for language changes and returns a function that removes it. */
export function onLocaleChange(listener: LocaleListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Translates a key into the current language, filling `{name}` placeholders from `params`. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = dictionaries[currentLocale][key];
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = params[name];
    return value === undefined ? placeholder : String(value);
  });
}

/** Message for an error code in the current language. */
export function errorMessage(code: DisplayErrorCode): string {
  return t(`error.${code}`);
}

function isMessageKey(value: string | undefined): value is MessageKey {
  return value !== undefined && Object.hasOwn(english, value);
}

export function isDisplayErrorCode(value: unknown): value is DisplayErrorCode {
  return typeof value === "string" && isMessageKey(`error.${value}`) && value !== "detail";
}

/**
 * Translates the static page: `data-i18n` sets text, `data-i18n-placeholder`, `data-i18n-label`
 * (aria-label) and `data-i18n-title` set those attributes.
 */
export function translateDocument(root: ParentNode = document): void {
  document.documentElement.lang = currentLocale;
  document.title = t("app.title");
  translateAttribute(root, "i18n", (element, text) => {
    element.textContent = text;
  });
  translateAttribute(root, "i18nPlaceholder", (element, text) => element.setAttribute("placeholder", text));
  translateAttribute(root, "i18nLabel", (element, text) => element.setAttribute("aria-label", text));
  translateAttribute(root, "i18nTitle", (element, text) => element.setAttribute("title", text));
}

function translateAttribute(
  root: ParentNode,
  datasetName: "i18n" | "i18nPlaceholder" | "i18nLabel" | "i18nTitle",
  apply: (element: HTMLElement, text: string) => void,
): void {
  const attribute = `data-${datasetName.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
  for (const element of root.querySelectorAll<HTMLElement>(`[${attribute}]`)) {
    const key = element.dataset[datasetName];
    if (isMessageKey(key)) {
      apply(element, t(key));
    }
  }
}
