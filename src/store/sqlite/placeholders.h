// Placeholder rewriting: celeste writes SQL once with PostgreSQL's $1..$N placeholders;
// SQLite reads "$1" as a *named* parameter (numbered by order of appearance, so "$2 ... $1"
// would bind the wrong values). RewritePlaceholders turns every $N into SQLite's ?N, which
// binds by number exactly like PostgreSQL.
#pragma once

#include <string>
#include <string_view>

namespace celeste {

// Returns `sql` with each placeholder $N (a '$' followed by digits, not inside an
// identifier) replaced by ?N. Text inside string literals ('...'), quoted identifiers
// ("...", `...`, [...]) and comments (-- and /* */) is left untouched. Pure function;
// thread-safe. Runs once per statement per connection (at prepare time), never per call.
std::string RewritePlaceholders(std::string_view sql);

}  // namespace celeste
