// Slack emoji shortcodes the bot (and people) use, as Unicode. Unknown ones stay as ":name:", as
// Slack shows an emoji it does not know.

const EMOJI: Record<string, string> = {
  "+1": "👍",
  "-1": "👎",
  arrow_down: "⬇️",
  arrow_forward: "▶️",
  arrow_right: "➡️",
  arrow_up: "⬆️",
  arrows_counterclockwise: "🔄",
  ballot_box_with_check: "☑️",
  bar_chart: "📊",
  bell: "🔔",
  black_circle: "⚫",
  boom: "💥",
  broom: "🧹",
  bulb: "💡",
  calendar: "📅",
  chart_with_downwards_trend: "📉",
  chart_with_upwards_trend: "📈",
  clipboard: "📋",
  clock3: "🕒",
  eyes: "👀",
  exclamation: "❗",
  fire: "🔥",
  floppy_disk: "💾",
  gear: "⚙️",
  hammer_and_wrench: "🛠️",
  heavy_check_mark: "✔️",
  heavy_minus_sign: "➖",
  heavy_plus_sign: "➕",
  hourglass: "⌛",
  hourglass_flowing_sand: "⏳",
  information_source: "ℹ️",
  large_blue_circle: "🔵",
  large_green_circle: "🟢",
  large_orange_circle: "🟠",
  large_yellow_circle: "🟡",
  leftwards_arrow_with_hook: "↩️",
  link: "🔗",
  lock: "🔒",
  mag: "🔍",
  memo: "📝",
  no_bell: "🔕",
  no_entry: "⛔",
  no_entry_sign: "🚫",
  package: "📦",
  page_facing_up: "📄",
  pause_button: "⏸️",
  point_right: "👉",
  question: "❓",
  recycle: "♻️",
  red_circle: "🔴",
  repeat: "🔁",
  robot_face: "🤖",
  rotating_light: "🚨",
  skull: "💀",
  stopwatch: "⏱️",
  tada: "🎉",
  thumbsup: "👍",
  warning: "⚠️",
  white_check_mark: "✅",
  white_circle: "⚪",
  wrench: "🔧",
  x: "❌",
  zap: "⚡",
};

/** The Unicode emoji for a shortcode name (without colons), or undefined. */
export function emoji(name: string): string | undefined {
  return Object.hasOwn(EMOJI, name) ? EMOJI[name] : undefined;
}

/** Text with every known :shortcode: replaced. */
export function emojify(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => emoji(name) ?? whole);
}
