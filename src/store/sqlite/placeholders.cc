#include "store/sqlite/placeholders.h"

namespace celeste {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Characters that continue an identifier: "a$1" is one name in PostgreSQL, not a placeholder.
bool IsIdentifierChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Returns the index just past a quoted run that starts at `open` and ends at `close`;
// a doubled closing character ('' or "") is an escaped one and does not end the run.
size_t SkipQuoted(std::string_view sql, size_t open, char close) {
  size_t i = open + 1;
  while (i < sql.size()) {
    if (sql[i] == close) {
      if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return sql.size();  // unterminated: SQLite reports the syntax error at prepare time
}

}  // namespace

std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    size_t end = i + 1;  // one past the token copied unchanged
    switch (c) {
      case '\'':
        end = SkipQuoted(sql, i, '\'');
        break;
      case '"':
        end = SkipQuoted(sql, i, '"');
        break;
      case '`':
        end = SkipQuoted(sql, i, '`');
        break;
      case '[':
        end = SkipQuoted(sql, i, ']');
        break;
      case '-':
        if (i + 1 < sql.size() && sql[i + 1] == '-') {
          const size_t newline = sql.find('\n', i);
          end = newline == std::string_view::npos ? sql.size() : newline + 1;
        }
        break;
      case '/':
        if (i + 1 < sql.size() && sql[i + 1] == '*') {
          const size_t close = sql.find("*/", i + 2);
          end = close == std::string_view::npos ? sql.size() : close + 2;
        }
        break;
      case '$':
        if (i + 1 < sql.size() && IsDigit(sql[i + 1]) &&
            (i == 0 || !IsIdentifierChar(sql[i - 1]))) {
          out.push_back('?');
          ++i;
          continue;  // the digits are copied as they are
        }
        break;
      default:
        if (IsIdentifierChar(c)) {
          // Copy a whole word at once so a '$' inside it is never taken for a placeholder.
          while (end < sql.size() && IsIdentifierChar(sql[end])) ++end;
        }
        break;
    }
    out.append(sql.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace celeste
