#include "cli/common.h"

#include <fmt/format.h>

#include <cmath>

#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/input_error.h"
#include "workload/model.h"

namespace meshforge::cli {

namespace {
std::filesystem::path executable_path() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{} : exe;
}
}  // namespace

std::filesystem::path installed_share_dir() {
  const auto exe = executable_path();
  return exe.empty() ? exe : exe.parent_path().parent_path() / "share" / "meshforge";
}

std::filesystem::path GlobalOptions::resolved_data_dir() const {
  if (!data_dir.empty()) return data_dir;
  if (const char* env = std::getenv("MESHFORGE_DATA_DIR"); env && *env) return env;
  if (const auto exe = executable_path(); !exe.empty()) {
    for (const auto& candidate : {exe.parent_path() / "data", exe.parent_path().parent_path() / "data", installed_share_dir()})
      if (std::filesystem::exists(candidate / "models")) return candidate;
  }
  return MESHFORGE_DEFAULT_DATA_DIR;
}

void ScenarioOptions::add_to(CLI::App& c) {
  c.add_option("--phase", phase,
               "Which phase the per-op detail describes: prefill (the prompt, S tokens) or decode "
               "(one new token per sequence at context C)")
      ->check(CLI::IsMember({"prefill", "decode"}))
      ->capture_default_str();
  c.add_option("--seq", seq, "Prompt length S in text tokens per sequence (prefill)")
      ->check(CLI::Range(std::int64_t{1}, kMaxTokens))->capture_default_str();
  c.add_option("--ctx", ctx,
               "Context length C per sequence for decode; 0 = the prompt length (S plus image tokens)")
      ->check(CLI::Range(std::int64_t{0}, kMaxTokens))->capture_default_str();
  c.add_option("--batch", batch, "Sequences processed together (B)")
      ->check(CLI::Range(std::int64_t{1}, kMaxBatch))->capture_default_str();
  c.add_option("--precision", precision,
               "Precision of weights, activations and KV cache: fp32 fp16 bf16 fp8 int8 int4")
      ->check(CLI::IsMember({"fp32", "fp16", "bf16", "fp8", "int8", "int4"}))->capture_default_str();
  c.add_option("--weight-precision", weight_precision, "Override the weight precision")
      ->check(CLI::IsMember({"fp32", "fp16", "bf16", "fp8", "int8", "int4"}));
  c.add_option("--activation-precision", activation_precision, "Override the activation precision")
      ->check(CLI::IsMember({"fp32", "fp16", "bf16", "fp8", "int8", "int4"}));
  c.add_option("--kv-precision", kv_precision, "Override the KV-cache precision")
      ->check(CLI::IsMember({"fp32", "fp16", "bf16", "fp8", "int8", "int4"}));
  c.add_option("--images", images, "Images per sequence (vision-language models; 0 = text only)")
      ->check(CLI::Range(std::int64_t{0}, kMaxImages))->capture_default_str()
      ->each([this](const std::string&) { images_given = true; });
  c.add_option("--image-split", image_split,
               "Split each image into N x N tiles plus a global tile; 0 = the model's default")
      ->check(CLI::Range(std::int64_t{0}, kMaxImageSplit))->capture_default_str();
  c.add_option("--dim", dims, "Value of an ONNX symbolic dimension, NAME=VALUE (repeatable)");
  c.add_option("--token-dim", token_dim,
               "ONNX: the symbolic dimension that counts tokens (its --dim value, else --seq, is the "
               "tokens per sequence); without it one run of the model is one inference");
}

workload::Scenario ScenarioOptions::scenario(workload::Phase phase_override) const {
  workload::Scenario s;
  s.phase = phase_override;
  s.seq_tokens = seq;
  s.context_tokens = ctx;
  s.batch = batch;
  s.images = images;
  s.image_tiles_per_side = image_split;
  const auto all = *workload::parse_precision(precision);
  auto pick = [&](const std::string& p) { return p.empty() ? all : *workload::parse_precision(p); };
  s.weight_precision = pick(weight_precision);
  s.activation_precision = pick(activation_precision);
  s.kv_precision = pick(kv_precision);
  return s;
}

workload::Scenario ScenarioOptions::scenario() const {
  return scenario(*workload::parse_phase(phase));
}

workload::SymbolicDims ScenarioOptions::symbolic_dims() const {
  workload::SymbolicDims out;
  for (const auto& d : dims) {
    const auto eq = d.find('=');
    std::int64_t value = 0;
    bool ok = eq != std::string::npos && eq > 0;
    if (ok) {
      try {
        std::size_t used = 0;
        value = std::stoll(d.substr(eq + 1), &used);
        ok = used == d.size() - eq - 1 && value > 0;
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok) throw InputError("", "--dim", "expected NAME=VALUE with a positive integer, got '" + d + "'");
    out[d.substr(0, eq)] = value;
  }
  return out;
}

std::string with_commas(std::int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::filesystem::path resolve_design(const std::string& name_or_path, const std::filesystem::path& data_dir) {
  std::error_code ec;
  // A directory is not a design file: an explore/sweep output directory stands for its best
  // design; any other directory (say, one named like a shipped design) falls through to the names.
  const bool is_dir = std::filesystem::is_directory(name_or_path, ec);
  if (is_dir) {
    const auto best = std::filesystem::path(name_or_path) / "best_design.yaml";
    if (std::filesystem::is_regular_file(best, ec)) return best;
  } else if (std::filesystem::exists(name_or_path, ec)) {
    return name_or_path;
  }
  const auto shipped = data_dir / "designs" / (name_or_path + ".yaml");
  if (std::filesystem::is_regular_file(shipped, ec)) return shipped;
  std::string known;
  for (const auto& e : std::filesystem::directory_iterator(data_dir / "designs", ec))
    if (e.path().extension() == ".yaml") known += (known.empty() ? "" : ", ") + e.path().stem().string();
  throw InputError(name_or_path, "",
                   std::string(is_dir ? "a directory without best_design.yaml" : "no such design file") +
                       ", and not a shipped design name (shipped: " + known + ")");
}

namespace {
CLI::Validator real_check(bool allow_zero) {
  return CLI::Validator(
      [allow_zero](std::string& text) -> std::string {
        double v = 0;
        try {
          std::size_t used = 0;
          v = std::stod(text, &used);
          if (used != text.size()) return "'" + text + "' is not a number";
        } catch (const std::exception&) {
          return "'" + text + "' is not a number";
        }
        if (!std::isfinite(v)) return "'" + text + "' is not a finite number";
        if (allow_zero ? v < 0 : v <= 0) return "'" + text + "' must be " + (allow_zero ? ">= 0" : "> 0");
        return "";
      },
      allow_zero ? "FINITE >= 0" : "FINITE > 0");
}
}  // namespace

const CLI::Validator& finite_positive() {
  static const CLI::Validator v = real_check(false);
  return v;
}
const CLI::Validator& finite_non_negative() {
  static const CLI::Validator v = real_check(true);
  return v;
}
const CLI::Validator& no_minus_sign() {
  static const CLI::Validator v(
      [](std::string& text) -> std::string {
        return text.find('-') != std::string::npos ? "'" + text + "' must not be negative" : std::string();
      },
      "UINT");
  return v;
}

ppa::Scenario make_ppa_scenario(const std::string& mode, workload::Phase scored, double power_budget_w,
                                double area_budget_mm2, double min_tps, double fixed_clock_mhz, double max_ttft_s) {
  ppa::Scenario s;
  s.mode = mode == "low-power" ? ppa::Mode::low_power : ppa::Mode::performance;
  s.scored_phase = scored;
  s.budgets = ppa::defaults_for(s.mode);
  // 0 (power, area) and -1 (the others) stand for "the mode's default"; anything else must be a
  // finite value in range (campaign files reach here without the command line's checks).
  auto check = [](double v, const char* option, bool placeholder_minus_one) {
    if (!std::isfinite(v) || (v < 0 && !(placeholder_minus_one && v == -1)))
      throw InputError("", option, fmt::format("{} is not a finite value >= 0", v));
  };
  check(power_budget_w, "--power-budget", false);
  check(area_budget_mm2, "--area-budget", false);
  check(min_tps, "--min-tokens-per-second", true);
  check(fixed_clock_mhz, "--fixed-clock-mhz", true);
  check(max_ttft_s, "--max-ttft-s", true);
  if (power_budget_w > 0) s.budgets.power_budget_w = power_budget_w;
  if (area_budget_mm2 > 0) s.budgets.area_budget_mm2 = area_budget_mm2;
  if (min_tps >= 0) s.budgets.min_tokens_per_second = min_tps;
  if (fixed_clock_mhz >= 0) s.budgets.fixed_clock_hz = fixed_clock_mhz * 1e6;
  if (max_ttft_s >= 0) s.budgets.max_time_to_first_token_s = max_ttft_s;
  return s;
}

ppa::Workload build_workload(const std::filesystem::path& model_file, const ScenarioOptions& o) {
  const auto dims = o.symbolic_dims();
  ppa::Workload w{workload::build_graph(model_file, o.scenario(workload::Phase::prefill), dims, o.token_dim),
                  workload::build_graph(model_file, o.scenario(workload::Phase::decode), dims, o.token_dim)};
  if (o.images_given && o.images > 0 && !w.decode.vision_tower)
    for (auto* g : {&w.prefill, &w.decode})
      g->warnings.push_back(fmt::format("--images {} is ignored: model {} has no vision tower (text only)", o.images,
                                        g->model_name));
  return w;
}

int start_process(const std::vector<std::string>& argv, const std::filesystem::path& output, bool with_stderr,
                  const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> text = argv;
  std::vector<char*> args;
  for (auto& a : text) args.push_back(a.data());
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("cannot start ") + argv.front() + ": " + std::strerror(errno));
  if (pid == 0) {
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    if (!output.empty()) {
      const int fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        if (with_stderr) ::dup2(fd, 2);
        ::close(fd);
      }
    }
    ::execv(args.front(), args.data());
    _exit(127);
  }
  return pid;
}

int wait_process(int pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return 127;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace meshforge::cli
