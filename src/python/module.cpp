// The Python module `meshforge` (docs/python.md): thin adaptors over what `meshforge evaluate` and
// `meshforge explore` use. evaluate() returns the report of `meshforge evaluate --json` as a dict;
// evaluate_batch() evaluates many designs or action vectors on all cores and returns arrays;
// Evaluator does both for a model loaded once; Env is the explorer's MDP (search/environment.h)
// with Gymnasium's reset/step conventions. A C++ InputError arrives as meshforge.InputError (a
// ValueError) with the CLI's one-line message; any other C++ exception as a RuntimeError with its.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "common/input_error.h"
#include "python/arguments.h"
#include "report/run_record.h"
#include "search/action_space.h"
#include "search/batch_evaluator.h"
#include "search/environment.h"
#include "tech/node.h"
#include "workload/model.h"

namespace meshforge::python {
namespace {

// What a call names, checked while the GIL is held.
struct Request {
  std::filesystem::path data_dir;
  std::string model, node, mode;
  ScenarioArguments scenario;
};

Request request(const py::object& model, const py::object& node, const py::object& mode, const py::object& data,
                const py::kwargs& kwargs, const char* function) {
  Request r;
  r.model = to_path(model, "model");
  r.node = to_text(node, "node");
  r.mode = to_choice(mode, "mode", {"performance", "low-power"});
  r.scenario = scenario_arguments(kwargs, function);
  r.data_dir = data_dir(data);
  return r;
}

// Everything an evaluation reads, in one place that outlives the evaluators and environments
// keeping references into it. Loaded in the order of `meshforge evaluate` (node, then the caller's
// designs, then the model), so that of several bad inputs the same one is reported first.
struct Problem {
  tech::Node node;
  ppa::Microarch microarch;
  ppa::Workload workload;
  ppa::Scenario scenario;
  std::string mode;

  explicit Problem(const Request& r)
      : node(tech::load_node(r.node, r.data_dir)), microarch(ppa::load_microarch(r.data_dir)), mode(r.mode) {}
  void load_workload(const Request& r) {
    workload = cli::build_workload(workload::resolve_model(r.model, r.data_dir), r.scenario.workload);
    scenario = r.scenario.ppa_scenario(r.mode);
  }
  report::RunContext context(const arch::Design& design) const {
    return {workload.decode.model_name, node.name, design.name, mode};
  }
};

// The CLI prints these on stderr; Python code gets them as UserWarnings.
void warn(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings)
    if (PyErr_WarnEx(PyExc_UserWarning, w.c_str(), 1) != 0) throw py::error_already_set();
}

py::object report_dict(const ppa::Report& report, const report::RunContext& context) {
  return py::module_::import("json").attr("loads")(report::to_json(report, context).dump());
}

py::object evaluate(const py::object& model, const py::object& node, const py::object& design, const py::object& mode,
                    const py::object& data, const py::kwargs& kwargs) {
  const Request r = request(model, node, mode, data, kwargs, "evaluate");
  const DesignArgument design_arg = design_argument(design, "design");
  std::unique_ptr<Problem> problem;
  arch::Design d;
  ppa::Report report;
  {
    py::gil_scoped_release released;
    problem = std::make_unique<Problem>(r);
    d = design_arg.load(r.data_dir);
    problem->load_workload(r);
    ppa::Evaluator evaluator(problem->workload, problem->node, problem->microarch);
    evaluator.evaluate(d, problem->scenario, report);
  }
  warn(problem->workload.decode.warnings);
  return report_dict(report, problem->context(d));
}

// The report fields evaluate_batch returns as arrays, under their JSON keys (a group nests them:
// result["tokens_per_second"]["decode"]).
struct ReportColumn {
  const char* group;  // nullptr: top level
  const char* key;
  double (*value)(const ppa::Report&);
};
const ReportColumn kReportColumns[] = {
    {nullptr, "ppa_score", [](const ppa::Report& r) { return r.ppa_score; }},
    {"tokens_per_second", "prefill", [](const ppa::Report& r) { return r.prefill.tokens_per_second; }},
    {"tokens_per_second", "decode", [](const ppa::Report& r) { return r.decode.tokens_per_second; }},
    {"ms_per_token", "prefill", [](const ppa::Report& r) { return r.prefill.ms_per_token; }},
    {"ms_per_token", "decode", [](const ppa::Report& r) { return r.decode.ms_per_token; }},
    {nullptr, "power_w", [](const ppa::Report& r) { return r.power_w; }},
    {nullptr, "board_power_w", [](const ppa::Report& r) { return r.board_power_w; }},
    {nullptr, "idle_power_w", [](const ppa::Report& r) { return r.idle_power_w; }},
    {nullptr, "area_mm2", [](const ppa::Report& r) { return r.area_mm2; }},
    {nullptr, "die_area_estimate_mm2", [](const ppa::Report& r) { return r.die_area_estimate_mm2; }},
    {nullptr, "energy_per_token_j", [](const ppa::Report& r) { return r.energy_per_token_j; }},
    {nullptr, "clock_hz", [](const ppa::Report& r) { return r.clock_hz; }},
    {nullptr, "time_to_first_token_s", [](const ppa::Report& r) { return r.time_to_first_token_s; }},
    {nullptr, "peak_flops_per_s", [](const ppa::Report& r) { return r.peak_flops_per_s; }},
};

// out[key] = value, or out[group][key] = value.
void put(py::dict& out, const ReportColumn& column, const py::object& value) {
  if (column.group == nullptr) {
    out[column.key] = value;
    return;
  }
  if (!out.contains(column.group)) out[column.group] = py::dict();
  out[column.group][column.key] = value;
}

py::dict report_arrays(const std::vector<ppa::Report>& reports, const std::vector<arch::Design>& designs) {
  const auto n = static_cast<py::ssize_t>(reports.size());
  py::dict out;
  py::array_t<bool> feasible(n);
  py::list violations, names;
  for (py::ssize_t i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    feasible.mutable_at(i) = reports[k].feasible;
    violations.append(py::cast(reports[k].violations));
    names.append(designs[k].name);
  }
  out["feasible"] = feasible;
  out["violations"] = violations;
  out["design"] = names;
  for (const auto& c : kReportColumns) {
    py::array_t<double> column(n);
    for (py::ssize_t i = 0; i < n; ++i) column.mutable_at(i) = c.value(reports[static_cast<std::size_t>(i)]);
    put(out, c, column);
  }
  return out;
}

// The figures of one report under evaluate_batch's keys, as Python scalars (Env.step's info).
py::dict report_figures(const ppa::Report& report) {
  py::dict out;
  out["feasible"] = report.feasible;
  out["violations"] = report.violations;
  for (const auto& c : kReportColumns) {
    put(out, c, py::float_(c.value(report)));
  }
  return out;
}

int thread_count(const py::object& threads) {
  if (!threads.is_none()) return static_cast<int>(to_int(threads, "threads", 1, 4096));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// The designs of a batch call, checked while the GIL is held: design arguments, or action vectors.
struct BatchInput {
  std::vector<DesignArgument> designs;
  std::vector<Eigen::VectorXd> actions;
};

BatchInput batch_input(const py::object& designs, const py::object& actions) {
  if (designs.is_none() == actions.is_none()) bad_argument("designs, actions", "give exactly one of them");
  BatchInput in;
  if (!designs.is_none()) {
    if (!PyList_Check(designs.ptr()) && !PyTuple_Check(designs.ptr()))
      bad_argument("designs", std::string("expected a list of designs (names, paths or dicts), got ") +
                                  Py_TYPE(designs.ptr())->tp_name);
    std::size_t i = 0;
    for (const auto& d : designs) in.designs.push_back(design_argument(d, fmt::format("designs[{}]", i++)));
  } else {
    const auto matrix = real_matrix(actions, "actions", search::ActionSpace::kDims);
    for (py::ssize_t i = 0; i < matrix.shape(0); ++i)
      in.actions.emplace_back(Eigen::Map<const Eigen::VectorXd>(matrix.data(i, 0), search::ActionSpace::kDims));
  }
  return in;
}

struct BatchOutput {
  std::vector<arch::Design> designs;
  std::vector<ppa::Report> reports;
};

// No Python: runs without the GIL. The design arguments are loaded first (as `meshforge evaluate`
// loads them before the model), the actions decoded once the environment exists.
void load_designs(const BatchInput& in, const std::filesystem::path& data, BatchOutput& out) {
  for (const auto& d : in.designs) out.designs.push_back(d.load(data));
}
void decode_and_evaluate(const BatchInput& in, const search::ActionSpace& actions, search::BatchEvaluator& evaluator,
                         BatchOutput& out) {
  for (const auto& a : in.actions) out.designs.push_back(actions.decode(a));
  std::vector<const arch::Design*> pointers;
  for (const auto& d : out.designs) pointers.push_back(&d);
  evaluator.evaluate(pointers, out.reports);
}

py::dict evaluate_batch(const py::object& model, const py::object& node, const py::object& designs,
                        const py::object& actions, const py::object& mode, const py::object& threads, const py::object& data,
                        const py::kwargs& kwargs) {
  const Request r = request(model, node, mode, data, kwargs, "evaluate_batch");
  const BatchInput in = batch_input(designs, actions);
  const int thread_total = thread_count(threads);
  BatchOutput out;
  std::unique_ptr<Problem> problem;
  {
    py::gil_scoped_release released;
    problem = std::make_unique<Problem>(r);
    load_designs(in, r.data_dir, out);
    problem->load_workload(r);
    const search::Environment env(problem->workload, problem->node, problem->microarch, problem->scenario);
    search::BatchEvaluator evaluator(env, thread_total);
    decode_and_evaluate(in, env.actions(), evaluator, out);
  }
  warn(problem->workload.decode.warnings);
  return report_arrays(out.reports, out.designs);
}

// One model on one node in one mode, loaded once and then evaluated many times: evaluate() and
// evaluate_batch() without loading and building the workload on every call (tens of ms for
// Llama 3.1 8B). Its batch evaluators (one per thread count) keep their design caches between
// calls; the answers are the same. Calls from several Python threads take turns.
class Evaluator {
 public:
  Evaluator(const py::object& model, const py::object& node, const py::object& mode, const py::object& data,
            const py::kwargs& kwargs)
      : request_(request(model, node, mode, data, kwargs, "Evaluator")) {
    {
      py::gil_scoped_release released;
      problem_ = std::make_unique<Problem>(request_);
      problem_->load_workload(request_);
      env_ = std::make_unique<search::Environment>(problem_->workload, problem_->node, problem_->microarch,
                                                   problem_->scenario);
    }
    warn(problem_->workload.decode.warnings);
  }

  py::object evaluate(const py::object& design) {
    BatchInput in;
    in.designs.push_back(design_argument(design, "design"));
    const BatchOutput out = run(in, 1);
    return report_dict(out.reports.front(), problem_->context(out.designs.front()));
  }
  py::dict evaluate_batch(const py::object& designs, const py::object& actions, const py::object& threads) {
    const BatchInput in = batch_input(designs, actions);
    const BatchOutput out = run(in, thread_count(threads));
    return report_arrays(out.reports, out.designs);
  }
  std::string repr() const {
    return fmt::format("meshforge.Evaluator(model={}, node={}, mode={})", problem_->workload.decode.model_name,
                       problem_->node.name, problem_->mode);
  }

 private:
  BatchOutput run(const BatchInput& in, int threads) {
    BatchOutput out;
    py::gil_scoped_release released;
    const std::lock_guard<std::mutex> lock(mutex_);
    auto& evaluator = batch_by_threads_[threads];
    if (!evaluator) evaluator = std::make_unique<search::BatchEvaluator>(*env_, threads);
    load_designs(in, request_.data_dir, out);
    decode_and_evaluate(in, env_->actions(), *evaluator, out);
    return out;
  }

  Request request_;
  std::unique_ptr<Problem> problem_;
  std::unique_ptr<search::Environment> env_;  // decodes actions; its workload, node and scenario serve the evaluators
  std::map<int, std::unique_ptr<search::BatchEvaluator>> batch_by_threads_;
  std::mutex mutex_;
};

// Gymnasium's Box: a float32 box of a fixed shape with sample(), seed() and contains().
class Box {
 public:
  Box(py::ssize_t size, double low, double high)
      : low_(py::module_::import("numpy").attr("full")(size, low, "float32")),
        high_(py::module_::import("numpy").attr("full")(size, high, "float32")),
        bounded_(std::isfinite(low) && std::isfinite(high)) {}

  py::tuple shape() const { return py::make_tuple(low_.shape(0)); }
  const py::array& low() const { return low_; }
  const py::array& high() const { return high_; }
  py::object dtype() const { return low_.dtype(); }
  bool is_bounded(const std::string& manner) const {
    if (manner != "both" && manner != "below" && manner != "above")
      bad_argument("manner", "expected one of both, below, above, got '" + manner + "'");
    return bounded_;
  }
  py::object np_random() {
    if (rng_.is_none()) seed(py::none());
    return rng_;
  }
  py::list seed(const py::object& seed_value) {
    const py::object s = seed_value.is_none()
                             ? py::module_::import("numpy").attr("random").attr("SeedSequence")().attr("entropy")
                             : py::int_(to_int(seed_value, "seed", 0, std::numeric_limits<std::int64_t>::max()));
    rng_ = py::module_::import("numpy").attr("random").attr("default_rng")(s);
    py::list out;
    out.append(s);
    return out;
  }
  py::object sample() {
    const py::object rng = np_random();
    const py::object drawn = bounded_ ? rng.attr("uniform")(low_, high_) : rng.attr("standard_normal")(shape());
    return drawn.attr("astype")("float32");
  }
  bool contains(const py::object& x) const {
    const auto np = py::module_::import("numpy");
    // As Gymnasium's Box.contains: a non-array is read as float32, an array must cast to it safely.
    const py::array a = py::isinstance<py::array>(x) ? np.attr("asarray")(x) : np.attr("asarray")(x, "float32");
    if (!np.attr("can_cast")(a.dtype(), low_.dtype()).cast<bool>() || a.ndim() != 1 || a.shape(0) != low_.shape(0))
      return false;
    return np.attr("all")(np.attr("greater_equal")(a, low_)).cast<bool>() &&
           np.attr("all")(np.attr("less_equal")(a, high_)).cast<bool>();
  }
  std::string repr() const {
    return fmt::format("Box({}, {}, ({},), float32)", py::repr(low_[py::int_(0)]).cast<std::string>(),
                       py::repr(high_[py::int_(0)]).cast<std::string>(), low_.shape(0));
  }

 private:
  py::array low_, high_;
  bool bounded_;
  py::object rng_ = py::none();
};

py::array_t<float> as_float32(const Eigen::VectorXd& v) {
  py::array_t<float> out(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) out.mutable_at(i) = static_cast<float>(v[i]);
  return out;
}

// The explorer's MDP (docs/mdp.md) with Gymnasium's conventions: reset(seed=, options=) ->
// (obs, info), step(action) -> (obs, reward, terminated, truncated, info). An episode starts at a
// uniformly random design vector drawn from np_random (options={"design": D} starts it at design
// D instead) and ends, terminated, after episode_steps steps: the horizon is part of the state.
class Env {
 public:
  Env(const py::object& model, const py::object& node, const py::object& mode, const py::object& episode_steps,
      const py::object& action_mode, const py::object& delta_scale, const py::object& improvement_bonus,
      const py::object& data, const py::kwargs& kwargs) {
    request_ = request(model, node, mode, data, kwargs, "Env");
    search::EnvironmentConfig config;  // its defaults are the explorer's
    if (!episode_steps.is_none()) config.episode_steps = static_cast<int>(to_int(episode_steps, "episode_steps", 1, 1 << 20));
    if (!action_mode.is_none())
      config.action_mode =
          to_choice(action_mode, "action_mode", {"delta", "absolute"}) == "delta" ? search::ActionMode::delta : search::ActionMode::absolute;
    if (!delta_scale.is_none()) config.delta_scale = to_real(delta_scale, "delta_scale");
    if (!(config.delta_scale > 0)) bad_argument("delta_scale", "must be > 0");
    if (!improvement_bonus.is_none()) config.improvement_bonus = to_real(improvement_bonus, "improvement_bonus");
    if (config.improvement_bonus < 0) bad_argument("improvement_bonus", "must be >= 0");
    {
      py::gil_scoped_release released;
      problem_ = std::make_unique<Problem>(request_);
      problem_->load_workload(request_);
      env_ = std::make_unique<search::Environment>(problem_->workload, problem_->node, problem_->microarch,
                                                   problem_->scenario, config);
    }
    warn(problem_->workload.decode.warnings);
    action_space_ = std::make_unique<Box>(env_->action_dims(), -1.0, 1.0);
    observation_space_ = std::make_unique<Box>(env_->state_dims(), -std::numeric_limits<double>::infinity(),
                                               std::numeric_limits<double>::infinity());
  }

  Box& action_space() { return *action_space_; }
  Box& observation_space() { return *observation_space_; }
  int episode_steps() const { return env_->config().episode_steps; }
  double improvement_bonus() const { return env_->config().improvement_bonus; }

  py::object np_random() {
    if (np_random_.is_none()) np_random_ = py::module_::import("numpy").attr("random").attr("default_rng")();
    return np_random_;
  }

  py::tuple reset(const py::object& seed, const py::object& options) {
    const auto numpy_random = py::module_::import("numpy").attr("random");
    if (!seed.is_none())
      np_random_ = numpy_random.attr("default_rng")(to_int(seed, "seed", 0, std::numeric_limits<std::int64_t>::max()));
    py::dict info;
    Eigen::VectorXd x(env_->action_dims());
    if (!options.is_none()) {
      if (!PyDict_Check(options.ptr())) bad_argument("options", std::string("expected a dict, got ") + Py_TYPE(options.ptr())->tp_name);
      for (const auto& [key, value] : options.cast<py::dict>())
        if (!PyUnicode_Check(key.ptr()) || key.cast<std::string>() != "design")
          bad_argument("options", "the one option is 'design', got " + py::repr(key).cast<std::string>());
    }
    if (!options.is_none() && options.contains("design")) {
      const DesignArgument d = design_argument(options["design"], "options['design']");
      const arch::Design start = d.load(request_.data_dir);
      x = env_->actions().encode(start);
      info["start"] = "design";
    } else {
      const py::array_t<double> drawn = np_random().attr("uniform")(-1.0, 1.0, env_->action_dims());
      for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = drawn.at(i);
      info["start"] = "random";
    }
    env_->reset(x);
    design_ = env_->actions().decode(env_->snapshot().x);
    has_report_ = false;
    needs_reset_ = false;
    return py::make_tuple(as_float32(env_->state()), info);
  }

  py::tuple step(const py::object& action) {
    if (needs_reset_) throw std::logic_error("Env.step: call reset() before the first step");
    if (env_->episode_done())
      throw std::logic_error(fmt::format("Env.step: the episode ended after its {} steps: call reset()", episode_steps()));
    const auto a = real_vector(action, "action", env_->action_dims());
    const Eigen::VectorXd move = Eigen::Map<const Eigen::VectorXd>(a.data(), env_->action_dims());
    // With the GIL held (one step is ~0.1 ms): a second Python thread cannot reset this Env mid-step.
    search::StepResult result = env_->step(move);
    report_ = *result.report;
    design_ = std::move(result.design);
    has_report_ = true;
    const auto& state = env_->snapshot();
    py::dict info = report_figures(report_);
    info["episode_step"] = state.step;
    info["episode_best_score"] = state.episode_best;
    return py::make_tuple(as_float32(result.next_state), result.reward, result.terminal, false, info);
  }

  py::object report() const {
    if (!has_report_) throw std::logic_error("Env.report: no step evaluated since reset()");
    return report_dict(report_, problem_->context(design_));
  }
  std::string design_yaml() const {
    if (needs_reset_) throw std::logic_error("Env.design_yaml: call reset() first");
    return arch::to_yaml(design_);
  }
  std::vector<std::string> action_names() const {
    std::vector<std::string> out;
    for (const auto& d : env_->actions().describe()) out.push_back(d.name);
    return out;
  }
  std::vector<std::string> observation_names() const {
    std::vector<std::string> out;
    for (const auto& f : env_->observation().fields())
      for (int i = 0; i < f.dims; ++i) out.push_back(f.dims == 1 ? f.name : fmt::format("{}[{}]", f.name, i));
    return out;
  }
  std::string repr() const {
    return fmt::format("meshforge.Env(model={}, node={}, mode={}, observation {}, action {}, {} steps)",
                       problem_->workload.decode.model_name, problem_->node.name, problem_->mode, env_->state_dims(),
                       env_->action_dims(), episode_steps());
  }

 private:
  Request request_;
  std::unique_ptr<Problem> problem_;
  std::unique_ptr<search::Environment> env_;
  std::unique_ptr<Box> action_space_, observation_space_;
  py::object np_random_ = py::none();
  bool needs_reset_ = true, has_report_ = false;
  arch::Design design_;
  ppa::Report report_;
};

}  // namespace
}  // namespace meshforge::python

PYBIND11_MODULE(meshforge, m) {
  using namespace meshforge::python;
  using meshforge::InputError;
  m.doc() =
      "meshforge: an AI model to an ASIC mesh architecture (docs/python.md). evaluate() returns the report of "
      "`meshforge evaluate --json`; evaluate_batch() many designs or actions on all cores as arrays; Evaluator "
      "both for a model loaded once; Env the explorer's MDP with Gymnasium's conventions. Bad input raises InputError (a ValueError) with the command "
      "line's message; a wrong argument type or shape a ValueError naming the argument.";
  m.attr("__version__") = MESHFORGE_VERSION;

  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      py::object error = py::reinterpret_borrow<py::object>(input_error.ptr())(e.what());
      error.attr("file") = e.file();
      error.attr("field") = e.field();
      error.attr("reason") = e.reason();
      PyErr_SetObject(input_error.ptr(), error.ptr());
    }
  });

  const std::string scenario_doc = "Scenario keywords (the command line's options, dashes as underscores): " +
                                   scenario_argument_names() + ".";
  m.def("evaluate", &evaluate, py::kw_only(), py::arg("model"), py::arg("node"), py::arg("design"),
        py::arg("mode") = "performance", py::arg("data_dir") = py::none(),
        ("The report of one design as a dict, the fields of `meshforge evaluate --json`. model: a shipped short "
         "name, a Hugging Face config.json or an .onnx path; node: 3nm .. 28nm; design: a shipped name, a YAML path "
         "or a dict in the design file's layout; mode: performance or low-power. " + scenario_doc).c_str());
  m.def("evaluate_batch", &evaluate_batch, py::kw_only(), py::arg("model"), py::arg("node"),
        py::arg("designs") = py::none(), py::arg("actions") = py::none(), py::arg("mode") = "performance",
        py::arg("threads") = py::none(), py::arg("data_dir") = py::none(),
        ("Many designs (a list of names, paths or dicts) or action vectors (an (N, 39) array, decoded as Env's "
         "absolute actions) evaluated on `threads` cores (default: all), each report the same as evaluate()'s. "
         "Returns a dict of arrays under the JSON keys: ppa_score, feasible, tokens_per_second{prefill,decode}, "
         "ms_per_token{prefill,decode}, power_w, board_power_w, area_mm2, energy_per_token_j, clock_hz, "
         "time_to_first_token_s, peak_flops_per_s; violations and design (names) as lists. " + scenario_doc).c_str());
  py::class_<Evaluator>(m, "Evaluator",
                        ("One model on one node in one mode, loaded once: Evaluator(model=, node=, mode='performance', "
                         "data_dir=None, **scenario) with evaluate(design) and evaluate_batch(designs= or actions=, "
                         "threads=None), the answers of the functions of the same names. " + scenario_doc).c_str())
      .def(py::init<const py::object&, const py::object&, const py::object&, const py::object&, const py::kwargs&>(),
           py::kw_only(), py::arg("model"), py::arg("node"), py::arg("mode") = "performance", py::arg("data_dir") = py::none())
      .def("evaluate", &Evaluator::evaluate, py::kw_only(), py::arg("design"))
      .def("evaluate_batch", &Evaluator::evaluate_batch, py::kw_only(), py::arg("designs") = py::none(),
           py::arg("actions") = py::none(), py::arg("threads") = py::none())
      .def("__repr__", &Evaluator::repr);
  m.def("data_dir", [](const py::object& d) { return meshforge::python::data_dir(d).string(); }, py::kw_only(), py::arg("data_dir") = py::none(),
        "The data directory the calls read: data_dir, else $MESHFORGE_DATA_DIR, else the install's share/meshforge, "
        "else the source tree's data/.");

  py::class_<Box>(m, "Box", "Gymnasium's Box space: shape, low, high, dtype (float32), sample(), seed(), contains().")
      .def_property_readonly("shape", &Box::shape)
      .def_property_readonly("low", &Box::low)
      .def_property_readonly("high", &Box::high)
      .def_property_readonly("dtype", &Box::dtype)
      .def_property_readonly("np_random", &Box::np_random)
      .def("is_bounded", &Box::is_bounded, py::arg("manner") = "both")
      .def("seed", &Box::seed, py::arg("seed") = py::none())
      .def("sample", &Box::sample)
      .def("contains", &Box::contains, py::arg("x"))
      .def("__contains__", &Box::contains)
      .def("__repr__", &Box::repr);

  py::class_<Env>(m, "Env",
                  ("The explorer's MDP (docs/mdp.md) with Gymnasium's API: reset(seed=, options=) -> (obs, info); "
                   "step(action) -> (obs, reward, terminated, truncated, info). Env(model=, node=, mode=, "
                   "episode_steps=8, action_mode='delta', delta_scale=0.25, improvement_bonus=1.0, data_dir=None, "
                   "**scenario). " + scenario_doc).c_str())
      .def(py::init<const py::object&, const py::object&, const py::object&, const py::object&, const py::object&,
                    const py::object&, const py::object&, const py::object&, const py::kwargs&>(),
           py::kw_only(), py::arg("model"), py::arg("node"), py::arg("mode") = "performance",
           py::arg("episode_steps") = py::none(), py::arg("action_mode") = py::none(), py::arg("delta_scale") = py::none(),
           py::arg("improvement_bonus") = py::none(), py::arg("data_dir") = py::none())
      .def("reset", &Env::reset, py::kw_only(), py::arg("seed") = py::none(), py::arg("options") = py::none())
      .def("step", &Env::step, py::arg("action"))
      .def("report", &Env::report, "The full report of the last step's design, as evaluate() returns it.")
      .def("design_yaml", &Env::design_yaml, "The current design as a design file (for evaluate or `meshforge evaluate`).")
      .def("render", [](const Env&) { return py::none(); })
      .def("close", [](const Env&) {})
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](const Env&, const py::args&) { return false; })
      .def("__repr__", &Env::repr)
      .def_property_readonly("action_space", &Env::action_space, py::return_value_policy::reference_internal)
      .def_property_readonly("observation_space", &Env::observation_space, py::return_value_policy::reference_internal)
      .def_property_readonly("np_random", &Env::np_random)
      .def_property_readonly("episode_steps", &Env::episode_steps)
      .def_property_readonly("action_names", &Env::action_names)
      .def_property_readonly("observation_names", &Env::observation_names)
      .def_property_readonly("reward_range", [](const Env& e) { return py::make_tuple(0.0, 1.0 + e.improvement_bonus()); })
      .def_property_readonly("unwrapped", [](py::object self) { return self; })
      .def_property_readonly("metadata", [](const Env&) { return py::dict(py::arg("render_modes") = py::list()); })
      .def_property_readonly("render_mode", [](const Env&) { return py::none(); })
      .def_property_readonly("spec", [](const Env&) { return py::none(); });
}
