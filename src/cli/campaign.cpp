// meshforge campaign: ONE agent explores several regimes (models, modes, nodes) at once, its
// episodes interleaved across them, as the reference paper's single agent serves every node and
// mode without retuning. This is where the mixture-of-experts gate earns its keep: within one
// regime its input is constant, across regimes it routes each one to its experts.
//
// The campaign file (YAML):
//   nodes: [3nm, 12nm, 28nm]          # every regime runs on every node listed
//   regimes:                          # name -> explore options (those of `meshforge explore`)
//     llama:   {model: llama-3.1-8b, mode: performance}
//     smolvlm: {model: smolvlm-256m-instruct, mode: low-power, precision: int8}
// The agent's options (--agent, --budget per regime and node, --seed, --experts,
// --episode-steps) come from the command line and are the same for every regime.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <set>

#include "cli/commands.h"
#include "cli/explore_common.h"
#include "cli/regimes.h"
#include "search/agents.h"
#include "common/atomic_file.h"
#include "common/input_error.h"
#include "tech/node.h"
#include "workload/model.h"

namespace meshforge::cli {
namespace {

// Options of a regime that belong to the agent (shared) or to the node list.
const std::set<std::string> kAgentKeys{"agent", "budget", "seed", "experts", "episode-steps", "node"};

struct Campaign {
  std::vector<std::string> nodes;
  std::vector<Regime> regimes;
};

Campaign load_campaign(const std::string& file, const ExploreSettings& agent_settings, const std::filesystem::path& data) {
  const YAML::Node root = load_yaml_map(file, {"nodes", "regimes"}, "campaign");
  Campaign c;
  c.nodes = parse_nodes(root["nodes"], file, data);
  c.regimes = parse_regimes(root["regimes"], file, agent_settings, kAgentKeys,
                            "is an option of the shared agent: give it on the command line", data);
  return c;
}

struct Run {
  std::string regime, node;
  ExploreSettings settings;  // the regime's, with the shared agent's options and this node
  std::filesystem::path dir;
  std::unique_ptr<ExplorationSetup> setup;
  std::unique_ptr<search::Explorer> explorer;
};

struct CampaignOptions {
  ExploreSettings settings;  // the agent's options
  std::string file, out;
  bool force = false;
};

std::string vector_text(const Eigen::VectorXd& v) {
  std::string s;
  for (Eigen::Index i = 0; i < v.size(); ++i) s += fmt::format("{}{:.3f}", i ? " " : "", v(i));
  return s;
}

}  // namespace

void add_campaign_command(CLI::App& app, const GlobalOptions& global) {
  auto o = std::make_shared<CampaignOptions>();
  o->settings.agent = "sac";  // one agent over every regime: the learner with its mixture of experts
  CLI::App* c = app.add_subcommand("campaign", "One agent explores several models, modes and nodes at once (shared experts)");
  c->footer(
      "FILE lists the nodes and the regimes (name -> explore options such as model, mode, precision,\n"
      "power-budget); data/campaigns/paper.yaml is the reference paper's pair. Every regime runs on every\n"
      "node with --budget evaluations; one agent (one replay buffer, one set of experts) learns from all\n"
      "of them, its episodes taken in turn. OUT/<regime>/<node>/ gets each run's best_design.yaml,\n"
      "report.json and progress.csv, OUT/<regime>/summary.csv the sweep table, OUT/gate.csv the gate's\n"
      "weight per expert for every regime and node. A campaign keeps no checkpoint (Ctrl-C writes the\n"
      "outputs found so far); continue single runs with meshforge explore --from OUT/<regime>/<node>/best_design.yaml.\n"
      "Example: meshforge campaign data/campaigns/paper.yaml --budget 2000 --out runs/paper");
  c->add_option("file", o->file, "Campaign file (YAML)")->required();
  c->add_option("--agent", o->settings.agent, agent_option_help())
      ->check(CLI::IsMember(search::agent_names()))
      ->capture_default_str();
  c->add_option("--budget", o->settings.budget, fmt::format("Evaluations per regime and node (default {})", kDefaultBudget))
      ->check(CLI::PositiveNumber);
  c->add_option("--seed", o->settings.seed, "Seed of every random choice")->capture_default_str();
  c->add_option("--experts", o->settings.experts, "SAC: mixture-of-experts heads K (1 = plain SAC)")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  c->add_option("--episode-steps", o->settings.episode_steps, "Refinement steps per episode")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c->add_option("--out", o->out, "Output directory (default: campaign-FILE)");
  c->add_flag("--force", o->force, "Overwrite previous runs in --out");
  c->callback([o, &global] {
    const auto* entry = search::find_agent(o->settings.agent);
    if (entry && !entry->shares_across_regimes)
      throw InputError("", "--agent",
                       "'" + o->settings.agent + "' optimises one landscape and a campaign shares one agent across "
                       "regimes: run it per regime and node with explore or sweep");
    const auto data = global.resolved_data_dir();
    const Campaign campaign = load_campaign(o->file, o->settings, data);
    const std::filesystem::path out =
        o->out.empty() ? std::filesystem::path("campaign-" + std::filesystem::path(o->file).stem().string()) : std::filesystem::path(o->out);
    for (const auto& r : campaign.regimes)
      for (const auto& n : campaign.nodes) check_fresh_output(out / r.name / n, o->force);
    check_writable(out, "--out");

    // Every run's settings and environment, one agent, one explorer per run (no checkpoints: the
    // agent is shared).
    std::vector<Run> runs;
    for (const auto& r : campaign.regimes) {
      for (const auto& n : campaign.nodes) {
        Run run;
        run.regime = r.name;
        run.node = n;
        run.dir = out / r.name / n;
        check_writable(run.dir, "--out");
        run.settings = r.settings;
        run.settings.agent = o->settings.agent;
        run.settings.budget = o->settings.budget > 0 ? o->settings.budget : kDefaultBudget;
        run.settings.seed = o->settings.seed + runs.size();  // each run draws its own episode starts
        run.settings.experts = o->settings.experts;
        run.settings.episode_steps = o->settings.episode_steps;
        run.settings.lanes = 1;  // the campaign interleaves the runs' episodes one evaluation at a time
        run.settings.node = n;
        run.setup = make_exploration_setup(run.settings, data, n == campaign.nodes.front());
        runs.push_back(std::move(run));
      }
    }
    // The first run's seed is --seed; agent, seed and experts are the same in every run.
    const auto agent = make_agent(runs.front().settings, *runs.front().setup->env);
    for (Run& run : runs) {
      auto xc = make_explorer_config(run.settings, *run.setup, data, run.dir);
      xc.write_checkpoint = false;
      xc.checkpoint_seconds = 0;
      xc.run_info["campaign"] = o->file;
      xc.run_info["regime"] = run.regime;
      run.explorer = std::make_unique<search::Explorer>(*run.setup->env, *agent, xc);
      run.explorer->begin();
    }

    // Episodes in turn, one per run, until every budget is spent.
    install_interrupt_handler();
    const auto t0 = std::chrono::steady_clock::now();
    auto last = t0;
    std::int64_t done = 0, total = 0;
    for (const auto& run : runs) total += run.explorer->config().budget;
    bool interrupted = false, any = true;
    while (any && !interrupted) {
      any = false;
      for (Run& run : runs) {
        if (run.explorer->budget_spent()) continue;
        any = true;
        do {
          run.explorer->step();
          ++done;
        } while (!run.explorer->episode_done() && !run.explorer->budget_spent());
        if (interrupt_requested()) {
          interrupted = true;
          break;
        }
      }
      const auto now = std::chrono::steady_clock::now();
      if (now - last >= std::chrono::seconds(2) || !any) {
        last = now;
        const double secs = std::chrono::duration<double>(now - t0).count();
        const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
        std::cerr << fmt::format("campaign: {}/{} evaluations ({:.0f}%)  {:.0f} eval/s  left {:.0f} s\n", done, total,
                                 100.0 * static_cast<double>(done) / static_cast<double>(total), rate,
                                 rate > 0 ? static_cast<double>(total - done) / rate : 0.0);
      }
    }
    std::signal(SIGINT, SIG_DFL);

    // Outputs: each run's files, a sweep summary per regime, the gate per regime and node.
    auto gate_of = [&](const search::Environment& env) {
      const auto said = agent->explain(env.state());
      const auto it = said.find("gate");
      return it == said.end() ? Eigen::VectorXd() : it->second;
    };
    const int experts = static_cast<int>(gate_of(*runs.front().setup->env).size());
    std::string gate_csv = "regime,node,mode";
    for (int k = 0; k < experts; ++k) gate_csv += fmt::format(",expert_{}", k + 1);
    gate_csv += "\n";
    fmt::print("{:<12} {:>5}  {:>8}  {:>10}  {:>10}  {:<10}  {:>10}  {:>10}  {}\n", "regime", "node", "score", "decode/s",
               "prefill/s", "unit", "power", "area mm2", experts > 0 ? "gate per expert" : "");
    std::size_t i = 0;
    for (const auto& regime : campaign.regimes) {
      std::string summary = sweep_summary_header();
      for (const auto& node : campaign.nodes) {
        Run& run = runs[i++];
        run.explorer->finish();
        ExploreResult r;
        r.evaluations = run.explorer->evaluations();
        r.best = run.explorer->best();
        summary += sweep_summary_row(node, r);
        const Eigen::VectorXd gate = gate_of(*run.setup->env);
        gate_csv += fmt::format("{},{},{}", regime.name, node, regime.settings.mode);
        for (Eigen::Index k = 0; k < gate.size(); ++k) gate_csv += fmt::format(",{:.6f}", gate(k));
        gate_csv += "\n";
        const auto& b = r.best;
        if (b.found)
          fmt::print("{:<12} {:>5}  {:>8.4f}  {:>10}  {:>10}  {:<10}  {:>10}  {:>10.4g}  {}\n", regime.name, node, b.score,
                     si(b.report.decode.tokens_per_second), si(b.report.prefill.tokens_per_second),
                     workload::plural(b.report.unit), si(b.report.power_w, "W"), b.report.area_mm2, vector_text(gate));
      }
      write_file_atomically(out / regime.name / "summary.csv", summary, "--out");
    }
    if (experts > 0) write_file_atomically(out / "gate.csv", gate_csv, "--out");
    fmt::print("wrote        {}/<regime>/summary.csv, {}/<regime>/<node>/, {}\n", out.string(), out.string(),
               experts > 0 ? (out / "gate.csv").string() : std::string("(no gate: baseline agent)"));
    if (interrupted)
      throw Interrupted(fmt::format("interrupted after {} of {} evaluations; the outputs above hold the best designs found so far "
                                    "(a campaign keeps no checkpoint)",
                                    done, total));
  });
}

}  // namespace meshforge::cli
