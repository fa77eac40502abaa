// Design <-> YAML (format: docs/design-format.md). The reader is strict: unknown or duplicate keys,
// wrong types and node-independent range violations are InputErrors naming the file, the field
// path ("tile_classes[1].vlen_bits") and the line.
#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <system_error>
#include <tuple>

#include "arch/design.h"
#include "common/input_error.h"

namespace meshforge::arch {

namespace {

// Counts documents without building nodes (parse_design_yaml).
struct NullEventHandler final : YAML::EventHandler {
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

constexpr const char* kSizeHelp =
    "expected a byte count: an integer or a number with a unit B, KB, MB, GB, TB (powers of "
    "1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. 65536, 64KiB, 1.5MiB";

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string join(std::initializer_list<std::string_view> items) {
  std::string out;
  for (auto s : items) out += (out.empty() ? "" : ", ") + std::string(s);
  return out;
}

// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
std::string child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// Drops the last component of a field path: "a[1].b" -> "a[1]" -> "a" -> "".
std::string parent(const std::string& path) {
  const auto pos = path.find_last_of(".[");
  return pos == std::string::npos ? std::string() : path.substr(0, pos);
}

bool is_quoted(const YAML::Node& n) { return n.Tag() == "!"; }

std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return "an empty value";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Scalar:
      return (is_quoted(n) ? "the string \"" : "\"") + n.Scalar() + "\"";
    default:
      return "nothing";
  }
}

// Strict decimal number (no hex, no inf/nan); exp10_shift multiplies by 10^shift exactly in the
// text, so "1234.567891" MHz reads as the double nearest 1234567891 Hz.
std::optional<double> parse_decimal(std::string_view text, int exp10_shift) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
          c == 'e' || c == 'E')) {
      return std::nullopt;
    }
  }
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  if (exp10_shift == 0) return value;
  std::string mantissa(text);
  long exponent = 0;
  if (const auto e = mantissa.find_first_of("eE"); e != std::string::npos) {
    exponent = std::strtol(mantissa.c_str() + e + 1, nullptr, 10);
    mantissa.resize(e);
  }
  const std::string shifted = fmt::format("{}e{}", mantissa, exponent + exp10_shift);
  auto [ptr2, ec2] = std::from_chars(shifted.data(), shifted.data() + shifted.size(), value);
  if (ec2 != std::errc() || ptr2 != shifted.data() + shifted.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// The shortest decimal that reads back (through parse_decimal with the opposite shift) as v,
// written as v * 10^exp10_shift in fixed notation when reasonable.
std::string format_decimal(double v, int exp10_shift) {
  if (v == 0) return "0";
  if (!std::isfinite(v)) return fmt::format("{}", v);  // not loadable; only for invalid designs
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, ec == std::errc() ? end : buf);
  std::string sign;
  if (!sci.empty() && sci.front() == '-') {
    sign = "-";
    sci.erase(0, 1);
  }
  const auto e = sci.find('e');
  std::string digits;
  for (std::size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits += sci[i];
  }
  const long exponent = std::strtol(sci.c_str() + e + 1, nullptr, 10);
  // v = 0.d1d2d3... * 10^(exponent + 1); value to write = v * 10^shift.
  const long point = exponent + 1 + exp10_shift;  // digits before the decimal point
  const long n = static_cast<long>(digits.size());
  if (point > 21 || point < -6) {
    return fmt::format("{}{}{}{}e{}", sign, digits.substr(0, 1), n > 1 ? "." : "",
                       digits.substr(1), point - 1);
  }
  if (point >= n) return sign + digits + std::string(static_cast<std::size_t>(point - n), '0');
  if (point > 0) {
    return sign + digits.substr(0, static_cast<std::size_t>(point)) + "." +
           digits.substr(static_cast<std::size_t>(point));
  }
  return sign + "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
}

// A double-quoted YAML scalar with escapes.
std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A YAML scalar for free text: plain when unambiguous, otherwise double-quoted.
std::string yaml_string(const std::string& s) {
  static const std::set<std::string> kReserved = {"null", "true", "false", "yes", "no", "on",
                                                  "off",  "y",    "n",     "~"};
  bool plain = !s.empty() && std::isalpha(static_cast<unsigned char>(s.front())) &&
               kReserved.count(lower(s)) == 0;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
      plain = false;
    }
  }
  return plain ? s : double_quoted(s);
}

// "; did you mean vlen_bits?" for a near miss (edit distance <= 2, or a prefix / part of a key).
std::string suggestion(const std::string& key, std::initializer_list<std::string_view> allowed) {
  const std::string k = lower(key);
  std::string_view best;
  std::size_t best_dist = 3;
  for (auto a : allowed) {
    std::size_t dist = edit_distance(k, a);
    if (k.size() >= 3 && a.find(k) != std::string_view::npos) dist = std::min<std::size_t>(dist, 1);
    if (dist < best_dist) {
      best_dist = dist;
      best = a;
    }
  }
  return best.empty() ? std::string() : fmt::format("; did you mean {}?", best);
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& field, const YAML::Node& at,
                         const std::string& reason) const {
    // An empty value has no position of its own (yaml-cpp marks the next token): use its key.
    if (at.Mark().line < 0 || at.IsNull()) fail_at_field(field, reason);
    throw InputError(file_, field, reason + line_suffix(at.Mark()));
  }

  // For problems found after reading (range checks): the line of the field, or of the nearest
  // enclosing key when the value came from a default.
  [[noreturn]] void fail_at_field(const std::string& field, const std::string& reason,
                                  const std::string& trailer = "") const {
    for (std::string p = field;; p = parent(p)) {
      if (auto it = marks_.find(p); it != marks_.end()) {
        throw InputError(file_, field, reason + line_suffix(it->second) + trailer);
      }
      if (p.empty()) break;
    }
    throw InputError(file_, field, reason + trailer);
  }

  // Visits each entry of a map; rejects a non-map, a non-scalar key, a duplicate key and a key
  // not in `allowed` (suggesting the nearest allowed one).
  template <typename F>
  void for_each_entry(const YAML::Node& map, const std::string& path,
                      std::initializer_list<std::string_view> allowed, F&& visit) {
    expect_type(map, path, YAML::NodeType::Map,
                "expected a map with keys " + join(allowed));
    std::set<std::string> seen;
    for (const auto& entry : map) {
      const YAML::Node& key_node = entry.first;
      if (!key_node.IsScalar()) {
        fail(path, key_node, "expected a scalar key, got " + describe(key_node));
      }
      const std::string key = key_node.Scalar();
      const std::string field = child(path, key);
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        fail(field, key_node,
             fmt::format("unknown key \"{}\" in {} (expected one of: {}){}", key,
                         path.empty() ? "the design" : path, join(allowed),
                         suggestion(key, allowed)));
      }
      if (!seen.insert(key).second) fail(field, key_node, "duplicate key \"" + key + "\"");
      marks_[field] = key_node.Mark();
      visit(key, entry.second, field);
    }
  }

  void expect_type(const YAML::Node& n, const std::string& path, YAML::NodeType::value type,
                   const std::string& expected) {
    if (n.Type() != type) fail(path, n, expected + ", got " + describe(n));
    marks_.try_emplace(path, n.Mark());
  }

  const std::string& scalar(const YAML::Node& n, const std::string& path,
                            const std::string& expected) {
    if (!n.IsScalar()) fail(path, n, expected + ", got " + describe(n));
    return n.Scalar();
  }

  int get_int(const YAML::Node& n, const std::string& path) {
    const std::string& text = scalar(n, path, "expected an integer");
    if (is_quoted(n)) fail(path, n, "expected an integer, got " + describe(n));
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc::result_out_of_range ||
        (ec == std::errc() && ptr == text.data() + text.size() &&
         (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()))) {
      fail(path, n, "expected an integer, got " + describe(n) + ", which is out of range");
    }
    if (ec != std::errc() || ptr != text.data() + text.size()) {
      fail(path, n, "expected an integer, got " + describe(n));
    }
    return static_cast<int>(v);
  }

  double get_number(const YAML::Node& n, const std::string& path, int exp10_shift,
                    const std::string& expected) {
    const std::string& text = scalar(n, path, expected);
    if (is_quoted(n)) fail(path, n, expected + ", got " + describe(n));
    const auto v = parse_decimal(text, exp10_shift);
    if (!v) fail(path, n, expected + ", got " + describe(n));
    return *v;
  }

  bool get_bool(const YAML::Node& n, const std::string& path) {
    const std::string& text = scalar(n, path, "expected true or false");
    const std::string l = lower(text);
    if (!is_quoted(n)) {
      if (l == "true" || l == "yes" || l == "on") return true;
      if (l == "false" || l == "no" || l == "off") return false;
    }
    fail(path, n, "expected true or false, got " + describe(n));
  }

  std::string get_string(const YAML::Node& n, const std::string& path) {
    return scalar(n, path, "expected a string");
  }

  std::int64_t get_size(const YAML::Node& n, const std::string& path) {
    const std::string& text = scalar(n, path, kSizeHelp);
    if (const auto v = parse_byte_size(text)) return *v;
    std::string why;
    if (text.find('-') != std::string::npos) why = " (a size cannot be negative)";
    else if (text.find('.') != std::string::npos) why = " (it must be a whole number of bytes)";
    fail(path, n, fmt::format("{}; got {}{}", kSizeHelp, describe(n), why));
  }

  template <typename E, typename Parse>
  E get_enum(const YAML::Node& n, const std::string& path, Parse parse_fn,
             std::initializer_list<std::string_view> names) {
    const std::string expected = "expected one of " + join(names);
    const std::string& text = scalar(n, path, expected);
    if (const std::optional<E> v = parse_fn(text)) return *v;
    fail(path, n, expected + ", got " + describe(n));
  }

 private:
  static std::string line_suffix(const YAML::Mark& m) {
    return m.line >= 0 ? fmt::format(" (line {})", m.line + 1) : std::string();
  }

  std::string file_;
  std::map<std::string, YAML::Mark> marks_;
};

void read_class_map(Reader& r, const YAML::Node& n, Design& d) {
  const std::string path = "class_map";
  r.expect_type(n, path, YAML::NodeType::Sequence,
                "expected a list of row strings, one digit (tile class index) per tile");
  if (n.size() == 0) return;  // [] = every tile class 0
  if (static_cast<int>(n.size()) != d.rows) {
    r.fail(path, n, fmt::format("expected {} row strings (mesh.rows), got {}", d.rows, n.size()));
  }
  const auto classes = d.tile_classes.size();
  d.class_map.reserve(static_cast<std::size_t>(d.rows) * static_cast<std::size_t>(d.cols));
  for (std::size_t row = 0; row < n.size(); ++row) {
    const std::string row_path = fmt::format("class_map[{}]", row);
    const std::string& text =
        r.scalar(n[row], row_path, "expected a string of one digit per tile");
    if (static_cast<int>(text.size()) != d.cols) {
      r.fail(row_path, n[row],
             fmt::format("expected {} characters (mesh.cols), one per tile, got {}: \"{}\"",
                         d.cols, text.size(), text));
    }
    for (std::size_t col = 0; col < text.size(); ++col) {
      const char c = text[col];
      if (c < '0' || c > '9' || static_cast<std::size_t>(c - '0') >= classes) {
        r.fail(fmt::format("{}[{}]", row_path, col), n[row],
               fmt::format("expected a tile class index 0 .. {}, got '{}'", classes - 1, c));
      }
      d.class_map.push_back(static_cast<std::uint8_t>(c - '0'));
    }
  }
}

TileClass read_tile_class(Reader& r, const YAML::Node& n, const std::string& path) {
  TileClass c;
  r.for_each_entry(n, path,
                   {"name", "fetch_width", "vlen_bits", "mac_rows", "imem_bytes", "wmem_bytes",
                    "amem_bytes", "weight_storage", "mac_array", "mac_formats", "harvested"},
                   [&](const std::string& key, const YAML::Node& v, const std::string& field) {
                     if (key == "name") c.name = r.get_string(v, field);
                     else if (key == "fetch_width") c.fetch_width = r.get_int(v, field);
                     else if (key == "vlen_bits") c.vlen_bits = r.get_int(v, field);
                     else if (key == "mac_rows") c.mac_rows = r.get_int(v, field);
                     else if (key == "imem_bytes") c.imem_bytes = r.get_size(v, field);
                     else if (key == "wmem_bytes") c.wmem_bytes = r.get_size(v, field);
                     else if (key == "amem_bytes") c.amem_bytes = r.get_size(v, field);
                     else if (key == "weight_storage") {
                       c.weight_storage = r.get_enum<WeightStorage>(v, field, parse_weight_storage,
                                                                    {"sram", "rom"});
                     } else if (key == "mac_array") {
                       c.mac_array = r.get_enum<MacArray>(v, field, parse_mac_array, {"adder_tree", "systolic"});
                     } else if (key == "harvested") {
                       c.harvested = r.get_bool(v, field);
                     } else if (key == "mac_formats") {
                       if (!v.IsSequence() || v.size() == 0)
                         r.fail(field, v, "expected a non-empty list of MAC formats, e.g. [int8, fp16]");
                       c.mac_formats = 0;
                       for (std::size_t i = 0; i < v.size(); ++i)
                         c.mac_formats |= mac_format_bit(r.get_enum<tech::MacFormat>(
                             v[i], fmt::format("{}[{}]", field, i), tech::parse_mac_format,
                             {"fp32", "fp16", "bf16", "fp8", "int8", "int4"}));
                     }
                   });
  return c;
}

}  // namespace

Design parse_design_yaml(const std::string& text, const std::string& source_name) {
  // Not YAML::LoadAll: yaml-cpp 0.7's document loop never ends on some inputs (a file holding only
  // ",": an endless run of empty documents, memory without bound). Load reads the first document;
  // a parser then counts documents, stopping at the second.
  std::vector<YAML::Node> docs(1);
  try {
    docs.front() = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(source_name, "",
                     fmt::format("malformed YAML at line {}, column {}: {}", e.mark.line + 1,
                                 e.mark.column + 1, e.msg));
  }
  if (docs.front().IsNull()) {
    throw InputError(source_name, "", "empty file: expected a design (a map with keys name, "
                                      "mesh, tile_classes, ...)");
  }
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    NullEventHandler ignore;
    int documents = 0;
    while (documents < 2 && parser.HandleNextDocument(ignore)) ++documents;
    if (documents > 1) throw InputError(source_name, "", "expected one YAML document, got more (a '---' separator?)");
  } catch (const YAML::Exception& e) {
    throw InputError(source_name, "",
                     fmt::format("malformed YAML at line {}, column {}: {}", e.mark.line + 1,
                                 e.mark.column + 1, e.msg));
  }

  Reader r(source_name);
  Design d;
  YAML::Node class_map_node;
  bool have_class_map = false;
  r.for_each_entry(
      docs.front(), "",
      {"name", "mesh", "tile_classes", "class_map", "noc", "dram", "clock_mhz", "supply_v",
       "flavor", "power_gate_idle_tiles", "mapping", "soc"},
      [&](const std::string& key, const YAML::Node& v, const std::string& field) {
        if (key == "name") {
          d.name = r.get_string(v, field);
        } else if (key == "mesh") {
          r.for_each_entry(v, field, {"rows", "cols"},
                           [&](const std::string& k, const YAML::Node& x, const std::string& f) {
                             (k == "rows" ? d.rows : d.cols) = r.get_int(x, f);
                           });
        } else if (key == "tile_classes") {
          r.expect_type(v, field, YAML::NodeType::Sequence, "expected a list of tile classes");
          d.tile_classes.clear();
          for (std::size_t i = 0; i < v.size(); ++i) {
            d.tile_classes.push_back(read_tile_class(r, v[i], fmt::format("{}[{}]", field, i)));
          }
        } else if (key == "class_map") {
          class_map_node = v;
          have_class_map = true;
        } else if (key == "noc") {
          r.for_each_entry(
              v, field, {"link_bits", "virtual_channels", "buffer_depth_flits", "routing"},
              [&](const std::string& k, const YAML::Node& x, const std::string& f) {
                if (k == "link_bits") d.noc.link_bits = r.get_int(x, f);
                else if (k == "virtual_channels") d.noc.virtual_channels = r.get_int(x, f);
                else if (k == "buffer_depth_flits") d.noc.buffer_depth_flits = r.get_int(x, f);
                else d.noc.routing = r.get_enum<Routing>(x, f, parse_routing,
                                                         {"xy", "yx", "west_first"});
              });
        } else if (key == "dram") {
          r.for_each_entry(v, field, {"kind", "channels"},
                           [&](const std::string& k, const YAML::Node& x, const std::string& f) {
                             if (k == "kind") d.dram.kind = r.get_string(x, f);
                             else d.dram.channels = r.get_int(x, f);
                           });
        } else if (key == "soc") {
          r.for_each_entry(v, field, {"host", "chip_links", "cpu"},
                           [&](const std::string& k, const YAML::Node& x, const std::string& f) {
                             Block& b = k == "host" ? d.soc.host : k == "chip_links" ? d.soc.chip_links : d.soc.cpu;
                             const char* count = k == "host" ? "lanes" : k == "chip_links" ? "ports" : "cores";
                             r.for_each_entry(x, f, {"kind", count},
                                              [&](const std::string& kk, const YAML::Node& y, const std::string& ff) {
                                                if (kk == "kind") b.kind = r.get_string(y, ff);
                                                else b.count = r.get_int(y, ff);
                                              });
                           });
        } else if (key == "clock_mhz") {
          d.clock_hz = r.get_number(v, field, 6, "expected a clock in MHz");
        } else if (key == "supply_v") {
          d.supply_v = r.get_number(v, field, 0, "expected a supply in volts (0 = automatic)");
        } else if (key == "flavor") {
          d.flavor = r.get_enum<tech::Flavor>(v, field, parse_flavor, {"hp", "ll"});
        } else if (key == "power_gate_idle_tiles") {
          d.power_gate_idle_tiles = r.get_bool(v, field);
        } else if (key == "mapping") {
          r.for_each_entry(
              v, field,
              {"pipeline_stages", "tensor_parallel", "kv_placement", "placement_order"},
              [&](const std::string& k, const YAML::Node& x, const std::string& f) {
                if (k == "pipeline_stages") {
                  d.mapping.pipeline_stages = r.get_int(x, f);
                } else if (k == "tensor_parallel") {
                  d.mapping.tensor_parallel = r.get_int(x, f);
                } else if (k == "kv_placement") {
                  d.mapping.kv_placement = r.get_enum<KvPlacement>(x, f, parse_kv_placement,
                                                                   {"auto", "amem", "dram"});
                } else {
                  d.mapping.placement_order = r.get_enum<PlacementOrder>(
                      x, f, parse_placement_order, {"snake", "row_major", "column_major"});
                }
              });
        }
      });

  // Node-independent ranges first (the class map's shape is only meaningful for a sane mesh).
  auto report_first = [&r](const std::vector<std::string>& problems) {
    if (problems.empty()) return;
    const auto split = [](const std::string& line) {
      const auto colon = line.find(": ");
      return std::pair{line.substr(0, colon), line.substr(colon + 2)};
    };
    const auto [field, reason] = split(problems.front());
    std::string trailer;
    if (problems.size() > 1) {
      std::string others;
      for (std::size_t i = 1; i < problems.size(); ++i) {
        others += (i > 1 ? ", " : "") + split(problems[i]).first;
      }
      trailer = fmt::format(" [and {} more: {}]", problems.size() - 1, others);
    }
    r.fail_at_field(field, reason, trailer);
  };
  report_first(validate_structure(d));
  if (have_class_map) {
    read_class_map(r, class_map_node, d);
    report_first(validate_structure(d));
  }
  return d;
}

Design load_design(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path.string(), "",
                     fmt::format("cannot open design file: {}", std::strerror(errno)));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_design_yaml(buffer.str(), path.string());
}

std::string to_yaml(const Design& d) {
  std::string o;
  o += "# meshforge design (format: docs/design-format.md)\n";
  o += "name: " + yaml_string(d.name) + "\n";
  o += fmt::format("mesh: {{rows: {}, cols: {}}}\n", d.rows, d.cols);
  if (d.tile_classes.empty()) {
    o += "tile_classes: []\n";
  } else {
    o += "tile_classes:\n";
    for (const TileClass& c : d.tile_classes) {
      o += "  - name: " + yaml_string(c.name) + "\n";
      o += fmt::format("    fetch_width: {}\n", c.fetch_width);
      o += fmt::format("    vlen_bits: {}\n", c.vlen_bits);
      o += fmt::format("    mac_rows: {}\n", c.mac_rows);
      o += fmt::format("    imem_bytes: {}\n", format_byte_size(c.imem_bytes));
      o += fmt::format("    wmem_bytes: {}\n", format_byte_size(c.wmem_bytes));
      o += fmt::format("    amem_bytes: {}\n", format_byte_size(c.amem_bytes));
      o += fmt::format("    weight_storage: {}\n", to_string(c.weight_storage));
      if (c.mac_array != MacArray::adder_tree) o += fmt::format("    mac_array: {}\n", to_string(c.mac_array));
      o += fmt::format("    mac_formats: [{}]\n", format_mac_formats(c.mac_formats));
      if (c.harvested) o += "    harvested: true\n";
    }
  }
  if (!d.class_map.empty()) {
    o += "class_map:  # one string per row (row 0 first), one tile class index per tile\n";
    const std::size_t cols = d.cols > 0 ? static_cast<std::size_t>(d.cols) : d.class_map.size();
    for (std::size_t start = 0; start < d.class_map.size(); start += cols) {
      std::string row;
      for (std::size_t i = start; i < std::min(start + cols, d.class_map.size()); ++i) {
        row += static_cast<char>('0' + d.class_map[i]);
      }
      o += "  - " + double_quoted(row) + "\n";
    }
  }
  o += "noc:\n";
  o += fmt::format("  link_bits: {}\n", d.noc.link_bits);
  o += fmt::format("  virtual_channels: {}\n", d.noc.virtual_channels);
  o += fmt::format("  buffer_depth_flits: {}\n", d.noc.buffer_depth_flits);
  o += fmt::format("  routing: {}\n", to_string(d.noc.routing));
  o += "dram:\n";
  o += "  kind: " + yaml_string(d.dram.kind) + "\n";
  o += fmt::format("  channels: {}\n", d.dram.channels);
  if (d.soc != Soc{}) {
    o += "soc:\n";
    const std::tuple<const char*, const Block&, const char*> blocks[] = {
        {"host", d.soc.host, "lanes"}, {"chip_links", d.soc.chip_links, "ports"}, {"cpu", d.soc.cpu, "cores"}};
    for (const auto& [key, b, count] : blocks)
      if (b != Block{}) o += fmt::format("  {}: {{kind: {}, {}: {}}}\n", key, yaml_string(b.kind), count, b.count);
  }
  o += "clock_mhz: " + format_decimal(d.clock_hz, -6) + "\n";
  o += "supply_v: " + format_decimal(d.supply_v, 0) +
       (d.supply_v == 0 ? "  # 0 = the lowest supply the node allows at the clock\n" : "\n");
  o += fmt::format("flavor: {}\n", flavor_name(d.flavor));
  o += fmt::format("power_gate_idle_tiles: {}\n", d.power_gate_idle_tiles ? "true" : "false");
  o += "mapping:  # 0 / auto = chosen by the mapper\n";
  o += fmt::format("  pipeline_stages: {}\n", d.mapping.pipeline_stages);
  o += fmt::format("  tensor_parallel: {}\n", d.mapping.tensor_parallel);
  o += fmt::format("  kv_placement: {}\n", to_string(d.mapping.kv_placement));
  o += fmt::format("  placement_order: {}\n", to_string(d.mapping.placement_order));
  return o;
}

void save_design(const Design& design, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    throw InputError(path.string(), "",
                     fmt::format("cannot write design file: {}", std::strerror(errno)));
  }
  out << to_yaml(design);
  out.close();
  if (!out) throw InputError(path.string(), "", "cannot write design file");
}

}  // namespace meshforge::arch
