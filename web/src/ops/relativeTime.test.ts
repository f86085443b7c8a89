// Relative times against a fixed "now".
import { parseTime, relativeTime } from "./relativeTime";

const NOW = Date.parse("2026-12-06T12:00:00Z");

test("under a minute, and the future, is just now", () => {
  expect(relativeTime("2026-12-06T11:59:30Z", NOW)).toBe("just now");
  expect(relativeTime("2026-12-06T12:00:05Z", NOW)).toBe("just now");
});

test("minutes, hours and days, rounded down", () => {
  expect(relativeTime("2026-12-06T11:58:00Z", NOW)).toBe("2 min ago");
  expect(relativeTime("2026-12-06T11:00:01Z", NOW)).toBe("59 min ago");
  expect(relativeTime("2026-12-06T11:00:00Z", NOW)).toBe("1 h ago");
  expect(relativeTime("2026-12-05T12:00:01Z", NOW)).toBe("23 h ago");
  expect(relativeTime("2026-12-03T10:00:00Z", NOW)).toBe("3 d ago");
});

test("reads the server's microsecond timestamps", () => {
  expect(parseTime("2026-12-06T11:55:00.123456Z")).toBe(Date.parse("2026-12-06T11:55:00.123Z"));
  expect(relativeTime("2026-12-06T11:55:00.123456Z", NOW)).toBe("4 min ago");
});

test("something that is not a time gives nothing", () => {
  expect(relativeTime("yesterday", NOW)).toBe("");
});
