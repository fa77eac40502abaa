#include "common/format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace meshforge {
namespace {

struct Prefix {
  int exponent;
  const char* symbol;
};
constexpr Prefix kPrefixes[] = {{18, "E"}, {15, "P"}, {12, "T"}, {9, "G"},  {6, "M"},   {3, "k"},
                                {0, ""},   {-3, "m"}, {-6, "u"}, {-9, "n"}, {-12, "p"}};

// Three significant digits without exponent notation: 999, 15.3, 2.63, 0.0312.
std::string three_digits(double v) {
  const double rounded = std::stod(fmt::format("{:.2e}", std::fabs(v)));  // 9.996 -> 10.0, not 10.00
  const int magnitude = static_cast<int>(std::floor(std::log10(rounded)));
  return fmt::format("{:.{}f}", v, std::clamp(2 - magnitude, 0, 15));
}

// The largest prefix (down to smallest_exponent) whose mantissa rounds to at least 1.00, so
// 999.7 reads "1.00 k" and not "1000".
std::string scaled(double value, std::string_view unit, int smallest_exponent) {
  const std::string_view gap = unit.empty() ? "" : " ";
  if (value == 0 || !std::isfinite(value)) return fmt::format("{}{}{}", value, gap, unit);
  for (const Prefix& p : kPrefixes) {
    const double mantissa = value / std::pow(10.0, p.exponent);
    if (std::fabs(mantissa) < 0.9995 && p.exponent > smallest_exponent) continue;
    const std::string_view prefix_gap = *p.symbol || !unit.empty() ? " " : "";
    return fmt::format("{}{}{}{}", three_digits(mantissa), prefix_gap, p.symbol, unit);
  }
  return fmt::format("{}{}{}", value, gap, unit);  // not reached: the last prefix always matches
}

}  // namespace

std::string si(double value, std::string_view unit) { return scaled(value, unit, unit.empty() ? 0 : -12); }

std::string bytes(double value) { return scaled(value, "B", 0); }

}  // namespace meshforge
