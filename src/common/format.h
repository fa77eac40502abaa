// Numbers for people: the one SI formatter and the one byte formatter of every table, progress
// line and summary (machine formats — JSON, CSV — write plain numbers instead).
#pragma once

#include <string>
#include <string_view>

namespace meshforge {

// Three significant digits and an SI prefix (p n u m, k M G T P E), then the unit:
//   si(0.00787, "W") = "7.87 mW", si(1.07e6) = "1.07 M", si(42.16, "J") = "42.2 J", si(0, "W") = "0 W".
// Without a unit there are no prefixes below one: a count such as tokens/s reads 0.250, not 250 m.
std::string si(double value, std::string_view unit = "");

// Bytes in decimal units (powers of 1000, as evaluate and the design format's GB/MB use them):
//   bytes(16.06e9) = "16.1 GB", bytes(131072) = "131 kB", bytes(512) = "512 B", bytes(0.5) = "0.500 B".
std::string bytes(double value);

}  // namespace meshforge
