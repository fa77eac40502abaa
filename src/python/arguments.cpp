#include "python/arguments.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "workload/graph.h"

namespace meshforge::python {

namespace {

std::string type_name(py::handle value) { return Py_TYPE(value.ptr())->tp_name; }

bool is_instance(py::handle value, const char* module, const char* type) {
  return py::isinstance(value, py::module_::import(module).attr(type));
}

std::string joined(std::initializer_list<const char*> words) {
  std::string out;
  for (const char* w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

// The module's own file (the shared object), from the address of something in it.
std::filesystem::path module_file() {
  static const int anchor = 0;
  Dl_info info{};
  if (dladdr(&anchor, &info) == 0 || info.dli_fname == nullptr) return {};
  return info.dli_fname;
}

const std::initializer_list<const char*> kPrecisions = {"fp32", "fp16", "bf16", "fp8", "int8", "int4"};

struct IntArgument {
  const char* name;
  std::int64_t cli::ScenarioOptions::*member;
  std::int64_t lo, hi;
};
const IntArgument kIntArguments[] = {
    {"seq", &cli::ScenarioOptions::seq, 1, cli::kMaxTokens},
    {"ctx", &cli::ScenarioOptions::ctx, 0, cli::kMaxTokens},
    {"batch", &cli::ScenarioOptions::batch, 1, cli::kMaxBatch},
    {"images", &cli::ScenarioOptions::images, 0, cli::kMaxImages},
    {"image_split", &cli::ScenarioOptions::image_split, 0, cli::kMaxImageSplit},
};

struct TextArgument {
  const char* name;
  std::string cli::ScenarioOptions::*member;
  bool precision;  // one of kPrecisions; otherwise phase when named so, else any text
};
const TextArgument kTextArguments[] = {
    {"phase", &cli::ScenarioOptions::phase, false},
    {"precision", &cli::ScenarioOptions::precision, true},
    {"weight_precision", &cli::ScenarioOptions::weight_precision, true},
    {"activation_precision", &cli::ScenarioOptions::activation_precision, true},
    {"kv_precision", &cli::ScenarioOptions::kv_precision, true},
    {"token_dim", &cli::ScenarioOptions::token_dim, false},
};

struct RealArgument {
  const char* name;
  double ScenarioArguments::*member;
  bool zero_allowed;
};
const RealArgument kRealArguments[] = {
    {"power_budget_w", &ScenarioArguments::power_budget_w, false},
    {"area_budget_mm2", &ScenarioArguments::area_budget_mm2, false},
    {"min_tokens_per_second", &ScenarioArguments::min_tokens_per_second, true},
    {"fixed_clock_mhz", &ScenarioArguments::fixed_clock_mhz, true},
    {"max_ttft_s", &ScenarioArguments::max_ttft_s, true},
};
constexpr const char* kDimsArgument = "dims";

// A Python value as YAML, for the design parser. Strings are quoted so that a class map's rows
// ("1000") stay strings; path names the value in errors (design['noc']['routing']).
void emit_yaml(YAML::Emitter& out, py::handle value, const std::string& path) {
  if (value.is_none()) {
    out << YAML::Null;
  } else if (PyBool_Check(value.ptr())) {
    out << (value.ptr() == Py_True);
  } else if (is_instance(value, "numbers", "Integral")) {
    out << to_int(value, path, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
  } else if (is_instance(value, "numbers", "Real")) {
    out << fmt::format("{}", to_real(value, path));  // shortest text that reads back exactly
  } else if (PyUnicode_Check(value.ptr())) {
    out << YAML::DoubleQuoted << value.cast<std::string>();
  } else if (PyDict_Check(value.ptr())) {
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.cast<py::dict>()) {
      if (!PyUnicode_Check(key.ptr())) bad_argument(path, "expected str keys, got " + type_name(key));
      const auto k = key.cast<std::string>();
      out << YAML::Key << k << YAML::Value;
      emit_yaml(out, item, path + "['" + k + "']");
    }
    out << YAML::EndMap;
  } else if (PyList_Check(value.ptr()) || PyTuple_Check(value.ptr())) {
    out << YAML::BeginSeq;
    std::size_t i = 0;
    for (const auto& item : value) emit_yaml(out, item, fmt::format("{}[{}]", path, i++));
    out << YAML::EndSeq;
  } else {
    bad_argument(path, "expected a dict, list, str, number, bool or None, got " + type_name(value));
  }
}

py::array as_numbers(py::handle value, const std::string& name) {
  py::array array;
  try {
    array = py::module_::import("numpy").attr("asarray")(value);
  } catch (const py::error_already_set& e) {
    bad_argument(name, std::string("expected an array of numbers: ") + e.what());
  }
  const char kind = array.dtype().kind();
  if (kind != 'i' && kind != 'u' && kind != 'f')
    bad_argument(name, "expected real numbers, got dtype " + py::str(array.dtype()).cast<std::string>());
  return array;
}

std::string shape_text(const py::array& array) {
  std::string out = "(";
  for (py::ssize_t i = 0; i < array.ndim(); ++i) out += (i ? ", " : "") + std::to_string(array.shape(i));
  return out + (array.ndim() == 1 ? ",)" : ")");
}

py::array_t<double, py::array::c_style> finite_doubles(const py::array& array, const std::string& name) {
  auto out = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(array);
  const double* p = out.data();
  for (py::ssize_t i = 0; i < out.size(); ++i)
    if (!std::isfinite(p[i])) bad_argument(name, fmt::format("expected finite numbers, element {} is {}", i, p[i]));
  return out;
}

}  // namespace

void bad_argument(const std::string& name, const std::string& reason) { throw py::value_error(name + ": " + reason); }

std::int64_t to_int(py::handle value, const std::string& name, std::int64_t lo, std::int64_t hi) {
  if (PyBool_Check(value.ptr()) || !is_instance(value, "numbers", "Integral"))
    bad_argument(name, "expected an int, got " + type_name(value));
  long long v = 0;
  try {
    v = py::int_(py::reinterpret_borrow<py::object>(value)).cast<long long>();
  } catch (const py::cast_error&) {
    bad_argument(name, fmt::format("must be in {} .. {}, got {}", lo, hi, py::str(value).cast<std::string>()));
  }
  if (v < lo || v > hi) bad_argument(name, fmt::format("must be in {} .. {}, got {}", lo, hi, v));
  return v;
}

double to_real(py::handle value, const std::string& name) {
  if (PyBool_Check(value.ptr()) || !is_instance(value, "numbers", "Real"))
    bad_argument(name, "expected a number, got " + type_name(value));
  const double v = py::float_(py::reinterpret_borrow<py::object>(value)).cast<double>();
  if (!std::isfinite(v)) bad_argument(name, fmt::format("expected a finite number, got {}", v));
  return v;
}

std::string to_text(py::handle value, const std::string& name) {
  if (!PyUnicode_Check(value.ptr())) bad_argument(name, "expected a str, got " + type_name(value));
  return value.cast<std::string>();
}

std::string to_path(py::handle value, const std::string& name) {
  if (PyUnicode_Check(value.ptr())) return value.cast<std::string>();
  if (!is_instance(value, "os", "PathLike")) bad_argument(name, "expected a str or os.PathLike, got " + type_name(value));
  return to_text(py::module_::import("os").attr("fspath")(value), name);
}

std::string to_choice(py::handle value, const std::string& name, std::initializer_list<const char*> choices) {
  const auto text = to_text(value, name);
  for (const char* c : choices)
    if (text == c) return text;
  bad_argument(name, "expected one of " + joined(choices) + ", got '" + text + "'");
}

std::filesystem::path data_dir(py::handle argument) {
  if (!argument.is_none()) {
    const std::filesystem::path given = to_path(argument, "data_dir");
    std::error_code ec;
    if (!std::filesystem::is_directory(given, ec)) bad_argument("data_dir", "no such directory: " + given.string());
    return given;
  }
  if (const char* env = std::getenv("MESHFORGE_DATA_DIR"); env && *env) return env;
  if (const auto so = module_file(); !so.empty()) {
    const auto installed = (so.parent_path() / MESHFORGE_SHARE_FROM_MODULE).lexically_normal();
    std::error_code ec;
    if (std::filesystem::exists(installed / "models", ec)) return installed;
  }
  return MESHFORGE_DEFAULT_DATA_DIR;
}

ppa::Scenario ScenarioArguments::ppa_scenario(const std::string& mode) const {
  return cli::make_ppa_scenario(mode, *workload::parse_phase(workload.phase), power_budget_w, area_budget_mm2,
                                min_tokens_per_second, fixed_clock_mhz, max_ttft_s);
}

std::string scenario_argument_names() {
  std::string out;
  auto add = [&](const char* name) { out += (out.empty() ? "" : ", ") + std::string(name); };
  for (const auto& a : kTextArguments) add(a.name);
  for (const auto& a : kIntArguments) add(a.name);
  add(kDimsArgument);
  for (const auto& a : kRealArguments) add(a.name);
  return out;
}

ScenarioArguments scenario_arguments(const py::kwargs& kwargs, const char* function) {
  ScenarioArguments out;
  for (const auto& [key_object, value] : kwargs) {
    const auto key = key_object.cast<std::string>();
    if (value.is_none()) continue;  // the default
    bool known = false;
    for (const auto& a : kIntArguments) {
      if (key != a.name) continue;
      out.workload.*a.member = to_int(value, key, a.lo, a.hi);
      if (key == "images") out.workload.images_given = true;
      known = true;
    }
    for (const auto& a : kTextArguments) {
      if (key != a.name) continue;
      out.workload.*a.member = a.precision         ? to_choice(value, key, kPrecisions)
                               : key == "phase"    ? to_choice(value, key, {"prefill", "decode"})
                                                   : to_text(value, key);
      known = true;
    }
    for (const auto& a : kRealArguments) {
      if (key != a.name) continue;
      const double v = to_real(value, key);
      if (a.zero_allowed ? v < 0 : v <= 0) bad_argument(key, fmt::format("must be {}, got {}", a.zero_allowed ? ">= 0" : "> 0", v));
      out.*a.member = v;
      known = true;
    }
    if (key == kDimsArgument) {
      if (!PyDict_Check(value.ptr())) bad_argument(key, "expected a dict {name: size}, got " + type_name(value));
      for (const auto& [name, size] : value.cast<py::dict>()) {
        const auto dim = to_text(name, "dims key");
        if (dim.empty() || dim.find('=') != std::string::npos) bad_argument(key, "a dimension name must be non-empty and hold no '='");
        out.workload.dims.push_back(dim + "=" + std::to_string(to_int(size, "dims['" + dim + "']", 1, std::numeric_limits<std::int64_t>::max())));
      }
      known = true;
    }
    if (!known)
      throw py::type_error(fmt::format("{}() got an unexpected keyword argument '{}' (scenario arguments: {})", function, key,
                                       scenario_argument_names()));
  }
  return out;
}

DesignArgument design_argument(py::handle value, const std::string& name) {
  DesignArgument out;
  out.argument = name;
  if (PyDict_Check(value.ptr())) {
    YAML::Emitter yaml;
    emit_yaml(yaml, value, name);
    out.yaml_text = yaml.c_str();
    out.from_dict = true;
  } else if (PyUnicode_Check(value.ptr()) || is_instance(value, "os", "PathLike")) {
    out.name_or_path = to_path(value, name);
  } else {
    bad_argument(name, "expected a shipped design name, a YAML path or a dict, got " + type_name(value));
  }
  return out;
}

arch::Design DesignArgument::load(const std::filesystem::path& data) const {
  return from_dict ? arch::parse_design_yaml(yaml_text, argument) : arch::load_design(cli::resolve_design(name_or_path, data));
}

py::array_t<double, py::array::c_style> real_matrix(py::handle value, const std::string& name, py::ssize_t columns) {
  const py::array array = as_numbers(value, name);
  if (array.ndim() != 2 || array.shape(1) != columns)
    bad_argument(name, fmt::format("expected shape (N, {}), got {}", columns, shape_text(array)));
  return finite_doubles(array, name);
}

py::array_t<double, py::array::c_style> real_vector(py::handle value, const std::string& name, py::ssize_t size) {
  const py::array array = as_numbers(value, name);
  if (array.ndim() != 1 || array.shape(0) != size)
    bad_argument(name, fmt::format("expected shape ({},), got {}", size, shape_text(array)));
  return finite_doubles(array, name);
}

}  // namespace meshforge::python
