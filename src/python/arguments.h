// Python arguments to C++ values for the module (module.cpp). A wrong type, shape or value raises
// ValueError naming the argument ("seq: expected an int, got str"); what the C++ side checks
// itself (a design's fields, a model file) it keeps checking, so its InputError messages are the
// command line's.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>

#include "arch/design.h"
#include "cli/common.h"
#include "ppa/evaluate.h"

namespace meshforge::python {

namespace py = pybind11;

// Raises ValueError("NAME: REASON").
[[noreturn]] void bad_argument(const std::string& name, const std::string& reason);

// An int (or numpy integer; not a bool) in [lo, hi].
std::int64_t to_int(py::handle value, const std::string& name, std::int64_t lo, std::int64_t hi);
// A finite real (int, float or numpy number; not a bool).
double to_real(py::handle value, const std::string& name);
// A str; to_path also takes an os.PathLike.
std::string to_text(py::handle value, const std::string& name);
std::string to_path(py::handle value, const std::string& name);
// A str among the choices.
std::string to_choice(py::handle value, const std::string& name, std::initializer_list<const char*> choices);

// Where the shipped data is: the data_dir argument when not None, else $MESHFORGE_DATA_DIR, else
// the install's share/meshforge beside the module (cmake --install), else the source tree's data/.
std::filesystem::path data_dir(py::handle data_dir_argument);

// The scenario keyword arguments every entry point takes: the command line's scenario and budget
// options with underscores for dashes and units in the budgets' names (phase, seq, ctx, batch,
// images, image_split, precision, weight_precision, activation_precision, kv_precision, dims,
// token_dim, power_budget_w, area_budget_mm2, min_tokens_per_second, fixed_clock_mhz,
// max_ttft_s). None or absent = the command line's default.
struct ScenarioArguments {
  cli::ScenarioOptions workload;
  // 0 (power, area) and -1 (the rest): the mode's default, as cli::make_ppa_scenario reads them.
  double power_budget_w = 0, area_budget_mm2 = 0, min_tokens_per_second = -1, fixed_clock_mhz = -1, max_ttft_s = -1;

  ppa::Scenario ppa_scenario(const std::string& mode) const;
};
// Unknown keywords raise TypeError naming the function and listing the known ones.
ScenarioArguments scenario_arguments(const py::kwargs& kwargs, const char* function);
// The keyword names scenario_arguments reads, for the docstrings.
std::string scenario_argument_names();

// A design argument: a shipped design's name or a YAML file (str / os.PathLike), or a dict in the
// layout of a design file (docs/design-format.md), written as YAML text for the same parser.
struct DesignArgument {
  std::string name_or_path;  // when not from a dict
  std::string yaml_text;     // when from a dict
  bool from_dict = false;
  std::string argument;      // the argument's name, the source name of a dict's errors

  arch::Design load(const std::filesystem::path& data_dir) const;  // no Python: may run without the GIL
};
DesignArgument design_argument(py::handle value, const std::string& name);

// A 2-D array of reals with `columns` columns (any numpy integer or real dtype, or nested
// sequences of numbers), as float64.
py::array_t<double, py::array::c_style> real_matrix(py::handle value, const std::string& name, py::ssize_t columns);
// A 1-D array of `size` reals, as float64.
py::array_t<double, py::array::c_style> real_vector(py::handle value, const std::string& name, py::ssize_t size);

}  // namespace meshforge::python
